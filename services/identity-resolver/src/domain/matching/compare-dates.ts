/** How two dates of birth (YYYY-MM-DD) agree; the levels the matcher weighs. */
export type DateAgreement = 'exact' | 'close' | 'different';

/**
 * 'close' covers the usual keying errors: day and month swapped, one digit off in one
 * component while the other two agree.
 */
export function compareDates(a: string, b: string): DateAgreement {
  if (a === b) return 'exact';
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && ma === db && da === mb) return 'close';
  const agreeing = [ya === yb, ma === mb, da === db].filter(Boolean).length;
  if (agreeing < 2) return 'different';
  const pairs: [string | undefined, string | undefined][] = [
    [ya, yb],
    [ma, mb],
    [da, db],
  ];
  const differing = pairs.find(([x, y]) => x !== y)!;
  return oneCharacterApart(differing[0] ?? '', differing[1] ?? '') ? 'close' : 'different';
}

function oneCharacterApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let differences = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differences++;
  return differences <= 1;
}
