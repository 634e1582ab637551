import { PodTemplateSpecSchema } from '../../core/v1/pod';
import { LabelSelectorSchema } from '../../meta/label-selector-schema';
import { Bool, Int, Int64, IntOrString, ListMap, Opt, RetainKeys, StrEnum, Struct, Time, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { defaultDeployment } from './deployment-defaults';
import { validateDeployment, validateDeploymentUpdate } from './deployment-validation';
import { scaleSubresource, statusSubresource } from './subresources';
import { workloadConditionFields } from './workload-status';

export const deploymentStrategyTypes = ['Recreate', 'RollingUpdate'] as const;

export const RollingUpdateDeploymentSchema = Struct({
  maxUnavailable: Opt(IntOrString()),
  maxSurge: Opt(IntOrString()),
});
export type RollingUpdateDeployment = Static<typeof RollingUpdateDeploymentSchema>;

/** retainKeys: a patch that switches `type` to Recreate also drops the rollingUpdate it leaves behind. */
export const DeploymentStrategySchema = Struct(
  {
    type: Opt(StrEnum([...deploymentStrategyTypes])),
    rollingUpdate: Opt(RollingUpdateDeploymentSchema),
  },
  RetainKeys,
);
export type DeploymentStrategy = Static<typeof DeploymentStrategySchema>;

export const DeploymentSpecSchema = Struct({
  replicas: Opt(Int()),
  selector: LabelSelectorSchema,
  template: PodTemplateSpecSchema,
  strategy: Opt(DeploymentStrategySchema),
  minReadySeconds: Opt(Int()),
  revisionHistoryLimit: Opt(Int()),
  paused: Opt(Bool()),
  progressDeadlineSeconds: Opt(Int()),
});
export type DeploymentSpec = Static<typeof DeploymentSpecSchema>;

export const DeploymentConditionSchema = Struct({ ...workloadConditionFields, lastUpdateTime: Opt(Time()) });
export type DeploymentCondition = Static<typeof DeploymentConditionSchema>;

export const DeploymentStatusSchema = Struct({
  observedGeneration: Opt(Int64()),
  replicas: Opt(Int()),
  updatedReplicas: Opt(Int()),
  readyReplicas: Opt(Int()),
  availableReplicas: Opt(Int()),
  unavailableReplicas: Opt(Int()),
  terminatingReplicas: Opt(Int()),
  conditions: Opt(ListMap(DeploymentConditionSchema, 'type')),
  collisionCount: Opt(Int()),
});
export type DeploymentStatus = Static<typeof DeploymentStatusSchema>;

export const DeploymentSchema = Struct({
  ...kindHeader(),
  spec: DeploymentSpecSchema,
  status: Opt(DeploymentStatusSchema),
});
export type Deployment = Static<typeof DeploymentSchema>;

export const deployments = defineResource<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  schema: DeploymentSchema,
  hasStatusSubresource: true,
  tracksGeneration: true,
  subresources: [statusSubresource, scaleSubresource],
  applyDefaults: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
});
