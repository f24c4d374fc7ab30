import { InputError } from '@scale-models/errors';

export interface FeatureRef {
  view: string;
  feature: string;
}

/** Splits Feast's `view:feature` reference. */
export function parseFeatureRef(ref: string): FeatureRef {
  const match = /^([a-z][a-z0-9_]*):([a-z][a-z0-9_]*)$/.exec(ref);
  if (match === null) {
    throw new InputError(
      'feature.bad_reference',
      `${ref} is not a feature reference (view:feature)`,
      {
        details: { field: 'features', feature: ref },
      },
    );
  }
  return { view: match[1]!, feature: match[2]! };
}

/** The column name of a feature in a training set: `view__feature`, as Feast's full names. */
export function columnOf(ref: string): string {
  return ref.replace(':', '__');
}
