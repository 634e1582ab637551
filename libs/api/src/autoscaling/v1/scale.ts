import { Int, Opt, Str, Struct, type Static } from '../../schema/builders';
import { kindHeader } from '../../scheme/define-resource';
import { FieldPath, type FieldError } from '../../validation/field-errors';
import { validateNonNegative } from '../../apps/v1/numeric-validation';

/**
 * The scale subresource's body (deployments/scale, replicasets/scale, statefulsets/scale). Never stored: the
 * apiserver reads and writes the parent's spec.replicas through it.
 */
export const ScaleSchema = Struct({
  ...kindHeader(),
  spec: Opt(Struct({ replicas: Opt(Int()) })),
  status: Opt(
    Struct({
      replicas: Opt(Int()),
      /** The parent's label selector in its string form (`app=web,tier in (a,b)`), for the HPA to find pods. */
      selector: Opt(Str()),
    }),
  ),
});
export type Scale = Static<typeof ScaleSchema>;

export function validateScale(scale: Scale): FieldError[] {
  return validateNonNegative(scale.spec?.replicas, FieldPath.root('spec', 'replicas'));
}
