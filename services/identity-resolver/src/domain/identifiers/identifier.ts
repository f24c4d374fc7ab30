/** The kinds of identifier the graph knows, highest merge priority first. */
export const IDENTIFIER_TYPES = ['user_id', 'email', 'phone', 'crm_id', 'anonymous_id'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export interface Identifier {
  type: IdentifierType;
  value: string;
}

export const isIdentifierType = (value: string): value is IdentifierType =>
  (IDENTIFIER_TYPES as readonly string[]).includes(value);

/** Lower is stronger: when a merge would break a limit, the weaker identifier is dropped. */
export const priorityOf = (type: IdentifierType): number => IDENTIFIER_TYPES.indexOf(type);

/** `type:value`, the form used in URLs, Redis keys and audit lines. */
export const identifierKey = ({ type, value }: Identifier): string => `${type}:${value}`;

/**
 * How many identifiers of each type one profile may hold. One user_id: a shared device or a
 * shared email can never fuse two logged-in customers. Anonymous ids are per browser/device, so
 * a person has many.
 */
export type MergeLimits = Record<IdentifierType, number>;

export const DEFAULT_LIMITS: MergeLimits = {
  user_id: 1,
  email: 5,
  phone: 5,
  crm_id: 20,
  anonymous_id: 200,
};
