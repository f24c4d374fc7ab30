import { Type } from '@scale-models/service-kit';

/** Feast's two ways of naming features: references, or a feature service. */
export const FeatureSelectionSchema = Type.Object({
  features: Type.Optional(Type.Array(Type.String(), { maxItems: 500 })),
  feature_service: Type.Optional(Type.String()),
});
