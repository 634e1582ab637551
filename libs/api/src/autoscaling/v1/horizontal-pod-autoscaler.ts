import { Int, Int64, Opt, Str, Struct, Time, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { FieldPath, invalid, required, type FieldError } from '../../validation/field-errors';

/** What the autoscaler scales: any kind with a scale subresource, named by kind and name. */
export const CrossVersionObjectReferenceSchema = Struct({
  kind: Str(),
  name: Str(),
  apiVersion: Opt(Str()),
});
export type CrossVersionObjectReference = Static<typeof CrossVersionObjectReferenceSchema>;

export const HorizontalPodAutoscalerSpecSchema = Struct({
  scaleTargetRef: CrossVersionObjectReferenceSchema,
  minReplicas: Opt(Int()),
  maxReplicas: Int(),
  targetCPUUtilizationPercentage: Opt(Int()),
});
export type HorizontalPodAutoscalerSpec = Static<typeof HorizontalPodAutoscalerSpecSchema>;

export const HorizontalPodAutoscalerStatusSchema = Struct({
  observedGeneration: Opt(Int64()),
  lastScaleTime: Opt(Time()),
  currentReplicas: Opt(Int()),
  desiredReplicas: Opt(Int()),
  currentCPUUtilizationPercentage: Opt(Int()),
});
export type HorizontalPodAutoscalerStatus = Static<typeof HorizontalPodAutoscalerStatusSchema>;

export const HorizontalPodAutoscalerSchema = Struct({
  ...kindHeader(),
  spec: HorizontalPodAutoscalerSpecSchema,
  status: Opt(HorizontalPodAutoscalerStatusSchema),
});
export type HorizontalPodAutoscaler = Static<typeof HorizontalPodAutoscalerSchema>;

function pathSegmentProblems(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  return /[/%]/.test(v) ? [`may not contain '/' or '%'`] : [];
}

function validateScaleTargetRef(ref: CrossVersionObjectReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name'] as const) {
    if (!ref[f]) errs.push(required(path.child(f)));
    else errs.push(...pathSegmentProblems(ref[f]).map((m) => invalid(path.child(f), ref[f], m)));
  }
  return errs;
}

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  const spec = hpa.spec;
  const p = FieldPath.root('spec');
  const errs: FieldError[] = [];
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) {
    errs.push(invalid(p.child('minReplicas'), spec.minReplicas, 'must be greater than or equal to 1'));
  }
  if (spec.maxReplicas < 1) errs.push(invalid(p.child('maxReplicas'), spec.maxReplicas, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
    errs.push(invalid(p.child('maxReplicas'), spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  }
  errs.push(...validateScaleTargetRef(spec.scaleTargetRef, p.child('scaleTargetRef')));
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage < 1) {
    errs.push(invalid(p.child('targetCPUUtilizationPercentage'), spec.targetCPUUtilizationPercentage, 'must be greater than 0'));
  }
  return errs;
}

export const horizontalpodautoscalers = defineResource<HorizontalPodAutoscaler>({
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  resource: 'horizontalpodautoscalers',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  schema: HorizontalPodAutoscalerSchema,
  hasStatusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  applyDefaults(hpa) {
    // The autoscaler's target utilisation stays unset: the controller reads a missing one as 80%.
    if (hpa.spec) hpa.spec.minReplicas ??= 1;
  },
  validate: validateHorizontalPodAutoscaler,
});
