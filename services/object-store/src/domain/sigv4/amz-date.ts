const BASIC_ISO_8601 = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `20130524T000000Z` (the `x-amz-date` form) as a Date, or undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  if (!BASIC_ISO_8601.test(value)) return undefined;
  const date = new Date(value.replace(BASIC_ISO_8601, '$1-$2-$3T$4:$5:$6Z'));
  // Round-tripping rejects dates that parse but do not exist, like 20130231.
  return Number.isNaN(date.getTime()) || formatAmzDate(date) !== value ? undefined : date;
}

/** A Date in the `x-amz-date` form. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
