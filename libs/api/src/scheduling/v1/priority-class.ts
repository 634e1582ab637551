import { Bool, Int, Opt, Str, StrEnum, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, forbidden, invalid, type FieldError } from '../../validation/field-errors';

export const preemptionPolicies = ['PreemptLowerPriority', 'Never'] as const;

/** PriorityClass keeps its fields at the top level; there is no spec. */
export const PriorityClassSchema = Struct({
  ...kindHeader(),
  value: Int(),
  globalDefault: Opt(Bool()),
  description: Opt(Str()),
  preemptionPolicy: Opt(StrEnum([...preemptionPolicies])),
});
export type PriorityClass = Static<typeof PriorityClassSchema>;

/** User classes stay at or below this, leaving the range above for the system classes. */
export const highestUserDefinablePriority = 1_000_000_000;
export const systemPriorityClassPrefix = 'system-';

/** The classes every cluster has; the apiserver creates them at start-up. */
export const systemPriorityClasses: PriorityClass[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: 2_000_001_000,
    description: 'Used for system critical pods that must not be moved from their current node.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: 2_000_000_000,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    preemptionPolicy: 'PreemptLowerPriority',
  },
];

/** Why a `system-` class is not one of the known system classes, or undefined when it is. */
function systemClassProblem(pc: PriorityClass): string | undefined {
  const known = systemPriorityClasses.find((s) => s.metadata.name === pc.metadata.name);
  if (!known) return `${pc.metadata.name} is not a known system priority class`;
  if (known.value !== pc.value) return `value of ${pc.metadata.name} PriorityClass must be ${known.value}`;
  if (pc.globalDefault) return `globalDefault of ${pc.metadata.name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata.name ?? '';
  if (name.startsWith(systemPriorityClassPrefix)) {
    const problem = systemClassProblem(pc);
    if (problem) {
      errs.push(
        forbidden(
          FieldPath.root('metadata', 'name'),
          `priority class names with '${systemPriorityClassPrefix}' prefix are reserved for system use only. error: ${problem}`,
        ),
      );
    }
  } else if (pc.value > highestUserDefinablePriority) {
    errs.push(forbidden(FieldPath.root('value'), `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  return errs;
}

export function validatePriorityClassUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  if (pc.value !== old.value) errs.push(forbidden(FieldPath.root('value'), 'may not be changed in an update.'));
  if (pc.preemptionPolicy !== old.preemptionPolicy) {
    errs.push(invalid(FieldPath.root('preemptionPolicy'), pc.preemptionPolicy, 'field is immutable'));
  }
  return errs;
}

export const priorityclasses = defineResource<PriorityClass>({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  resource: 'priorityclasses',
  shortNames: ['pc'],
  namespaced: false,
  schema: PriorityClassSchema,
  applyDefaults(pc) {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
  validateUpdate: validatePriorityClassUpdate,
});
