import { ConditionSchema } from '../../meta/condition';
import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { Int, Int64, IntOrString, ListMap, MapOf, Opt, StrEnum, Struct, Time, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, invalid, type FieldError } from '../../validation/field-errors';
import { validateLabelSelector } from '../../validation/label-selector';
import { validateIntOrPercent, validateNotMoreThan100Percent } from '../../apps/v1/numeric-validation';

export const unhealthyPodEvictionPolicies = ['IfHealthyBudget', 'AlwaysAllow'] as const;

export const PodDisruptionBudgetSpecSchema = Struct({
  minAvailable: Opt(IntOrString()),
  selector: Opt(LabelSelectorSchema),
  maxUnavailable: Opt(IntOrString()),
  unhealthyPodEvictionPolicy: Opt(StrEnum([...unhealthyPodEvictionPolicies])),
});
export type PodDisruptionBudgetSpec = Static<typeof PodDisruptionBudgetSpecSchema>;

export const PodDisruptionBudgetStatusSchema = Struct({
  observedGeneration: Opt(Int64()),
  /** Pods whose eviction was granted but which the controller has not yet seen deleted, with the time of the grant. */
  disruptedPods: Opt(MapOf(Time())),
  disruptionsAllowed: Opt(Int()),
  currentHealthy: Opt(Int()),
  desiredHealthy: Opt(Int()),
  expectedPods: Opt(Int()),
  conditions: Opt(ListMap(ConditionSchema, 'type')),
});
export type PodDisruptionBudgetStatus = Static<typeof PodDisruptionBudgetStatusSchema>;

export const PodDisruptionBudgetSchema = Struct({
  ...kindHeader(),
  spec: Opt(PodDisruptionBudgetSpecSchema),
  status: Opt(PodDisruptionBudgetStatusSchema),
});
export type PodDisruptionBudget = Static<typeof PodDisruptionBudgetSchema>;

export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const spec = pdb.spec;
  if (!spec) return [];
  const p = FieldPath.root('spec');
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalid(p, spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable'] as const) {
    errs.push(...validateIntOrPercent(spec[f], p.child(f)), ...validateNotMoreThan100Percent(spec[f], p.child(f)));
  }
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, p.child('selector')));
  return errs;
}

export const poddisruptionbudgets = defineResource<PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  resource: 'poddisruptionbudgets',
  shortNames: ['pdb'],
  namespaced: true,
  schema: PodDisruptionBudgetSchema,
  hasStatusSubresource: true,
  tracksGeneration: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  validate: validatePodDisruptionBudget,
});
