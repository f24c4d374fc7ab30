import { Type } from '@scale-models/service-kit';
import type { Static } from '@scale-models/service-kit';

// Names end up in Redis keys, SQL parameters and column headers: keep them plain.
const Name = Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' });

export const ValueTypeSchema = Type.Union([
  Type.Literal('int64'),
  Type.Literal('float64'),
  Type.Literal('bool'),
  Type.Literal('string'),
]);
export type ValueType = Static<typeof ValueTypeSchema>;

export const EntitySchema = Type.Object(
  {
    name: Name,
    join_key: Name,
    value_type: Type.Union([Type.Literal('int64'), Type.Literal('string')]),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type Entity = Static<typeof EntitySchema>;

export const FeatureSchema = Type.Object(
  { name: Name, dtype: ValueTypeSchema },
  { additionalProperties: false },
);
export type Feature = Static<typeof FeatureSchema>;

export const FeatureViewSchema = Type.Object(
  {
    name: Name,
    entities: Type.Array(Name, {
      minItems: 1,
      maxItems: 8,
      description:
        "the entities a row is about, in this order (Feast's entities): one for a driver's stats, two for a (user, merchant) pair; every row carries each one's join key, and the list cannot change once applied",
    }),
    features: Type.Array(FeatureSchema, { minItems: 1, maxItems: 200 }),
    /** How old a value may be and still count, in seconds; 0 means forever (Feast's ttl). */
    ttl_seconds: Type.Integer({ minimum: 0 }),
    /** Where rows come from: batch files, a Kafka push topic, or the push API. */
    source: Type.Union([Type.Literal('batch'), Type.Literal('push')], { default: 'batch' }),
    owner: Type.Optional(Type.String({ maxLength: 200 })),
    tags: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type FeatureView = Static<typeof FeatureViewSchema>;

/** `view:feature`, Feast's feature reference. */
export const FeatureRefSchema = Type.String({ pattern: '^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$' });

export const FeatureServiceSchema = Type.Object(
  {
    name: Name,
    features: Type.Array(FeatureRefSchema, { minItems: 1, maxItems: 500 }),
    owner: Type.Optional(Type.String({ maxLength: 200 })),
    tags: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type FeatureService = Static<typeof FeatureServiceSchema>;

/** What `apply` reads from a YAML or JSON file and the HTTP API accepts. */
export const RegistrySpecSchema = Type.Object(
  {
    entities: Type.Optional(Type.Array(EntitySchema)),
    feature_views: Type.Optional(Type.Array(FeatureViewSchema)),
    feature_services: Type.Optional(Type.Array(FeatureServiceSchema)),
  },
  { additionalProperties: false },
);
export type RegistrySpec = Static<typeof RegistrySpecSchema>;

/** The registry as stored: every object at its current version. */
export interface Registry {
  entities: Map<string, Versioned<Entity>>;
  featureViews: Map<string, Versioned<FeatureView>>;
  featureServices: Map<string, Versioned<FeatureService>>;
}

export interface Versioned<T> {
  version: number;
  spec: T;
}

export type RegistryKind = 'entity' | 'feature_view' | 'feature_service';
