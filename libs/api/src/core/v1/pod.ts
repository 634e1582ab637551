import { ObjectMetaSchema } from '../../meta/object-meta';
import {
  Bool,
  Int,
  Int64,
  List,
  ListMap,
  Opt,
  Str,
  StrEnum,
  StringMap,
  Struct,
  Time,
  type Static,
} from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { AffinitySchema, TolerationSchema, TopologySpreadConstraintSchema } from './affinity';
import {
  AppArmorProfileSchema,
  ContainerSchema,
  EphemeralContainerSchema,
  LocalObjectReferenceSchema,
  ResourceListSchema,
  ResourceRequirementsSchema,
  SeccompProfileSchema,
  SELinuxOptionsSchema,
  WindowsSecurityContextOptionsSchema,
} from './container';
import { applyPodDefaults } from './pod-defaults';
import { podSelectableFields } from './pod-fields';
import { validatePodUpdate } from './pod-update-validation';
import { validatePod } from './pod-validation';
import { VolumeSchema } from './volume';

export const PodSecurityContextSchema = Struct({
  seLinuxOptions: Opt(SELinuxOptionsSchema),
  windowsOptions: Opt(WindowsSecurityContextOptionsSchema),
  runAsUser: Opt(Int64()),
  runAsGroup: Opt(Int64()),
  runAsNonRoot: Opt(Bool()),
  supplementalGroups: Opt(List(Int64())),
  supplementalGroupsPolicy: Opt(StrEnum(['Merge', 'Strict'])),
  fsGroup: Opt(Int64()),
  fsGroupChangePolicy: Opt(StrEnum(['OnRootMismatch', 'Always'])),
  sysctls: Opt(List(Struct({ name: Str(), value: Str() }))),
  seccompProfile: Opt(SeccompProfileSchema),
  appArmorProfile: Opt(AppArmorProfileSchema),
  seLinuxChangePolicy: Opt(Str()),
});
export type PodSecurityContext = Static<typeof PodSecurityContextSchema>;

export const PodDNSConfigSchema = Struct({
  nameservers: Opt(List(Str())),
  searches: Opt(List(Str())),
  options: Opt(List(Struct({ name: Opt(Str()), value: Opt(Str()) }))),
});
export type PodDNSConfig = Static<typeof PodDNSConfigSchema>;

export const HostAliasSchema = Struct({ ip: Str(), hostnames: Opt(List(Str())) });
export type HostAlias = Static<typeof HostAliasSchema>;

export const PodResourceClaimSchema = Struct({
  name: Str(),
  resourceClaimName: Opt(Str()),
  resourceClaimTemplateName: Opt(Str()),
});

export const PodSpecSchema = Struct({
  volumes: Opt(ListMap(VolumeSchema, 'name', { 'x-kubernetes-patch-strategy': 'merge,retainKeys' })),
  initContainers: Opt(ListMap(ContainerSchema, 'name')),
  containers: ListMap(ContainerSchema, 'name'),
  ephemeralContainers: Opt(ListMap(EphemeralContainerSchema, 'name')),
  restartPolicy: Opt(Str()),
  terminationGracePeriodSeconds: Opt(Int64()),
  activeDeadlineSeconds: Opt(Int64()),
  dnsPolicy: Opt(Str()),
  nodeSelector: Opt(StringMap()),
  serviceAccountName: Opt(Str()),
  serviceAccount: Opt(Str()),
  automountServiceAccountToken: Opt(Bool()),
  nodeName: Opt(Str()),
  hostNetwork: Opt(Bool()),
  hostPID: Opt(Bool()),
  hostIPC: Opt(Bool()),
  shareProcessNamespace: Opt(Bool()),
  securityContext: Opt(PodSecurityContextSchema),
  imagePullSecrets: Opt(ListMap(LocalObjectReferenceSchema, 'name')),
  hostname: Opt(Str()),
  subdomain: Opt(Str()),
  affinity: Opt(AffinitySchema),
  schedulerName: Opt(Str()),
  tolerations: Opt(List(TolerationSchema)),
  hostAliases: Opt(ListMap(HostAliasSchema, 'ip')),
  priorityClassName: Opt(Str()),
  priority: Opt(Int()),
  dnsConfig: Opt(PodDNSConfigSchema),
  readinessGates: Opt(List(Struct({ conditionType: Str() }))),
  runtimeClassName: Opt(Str()),
  enableServiceLinks: Opt(Bool()),
  preemptionPolicy: Opt(StrEnum(['PreemptLowerPriority', 'Never'])),
  overhead: Opt(ResourceListSchema),
  topologySpreadConstraints: Opt(
    ListMap(TopologySpreadConstraintSchema, 'topologyKey', { 'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'] }),
  ),
  setHostnameAsFQDN: Opt(Bool()),
  os: Opt(Struct({ name: StrEnum(['linux', 'windows']) })),
  hostUsers: Opt(Bool()),
  schedulingGates: Opt(ListMap(Struct({ name: Str() }), 'name')),
  resourceClaims: Opt(ListMap(PodResourceClaimSchema, 'name')),
  resources: Opt(ResourceRequirementsSchema),
});
export type PodSpec = Static<typeof PodSpecSchema>;

/** What workloads (ReplicaSet, Deployment, Job, ...) stamp pods from. */
export const PodTemplateSpecSchema = Struct({
  metadata: Opt(ObjectMetaSchema),
  spec: PodSpecSchema,
});
export type PodTemplateSpec = Static<typeof PodTemplateSpecSchema>;

export const PodConditionSchema = Struct({
  type: Str(),
  observedGeneration: Opt(Int64()),
  status: StrEnum(['True', 'False', 'Unknown']),
  lastProbeTime: Opt(Time()),
  lastTransitionTime: Opt(Time()),
  reason: Opt(Str()),
  message: Opt(Str()),
});
export type PodCondition = Static<typeof PodConditionSchema>;

export const ContainerStateSchema = Struct({
  waiting: Opt(Struct({ reason: Opt(Str()), message: Opt(Str()) })),
  running: Opt(Struct({ startedAt: Opt(Time()) })),
  terminated: Opt(
    Struct({
      exitCode: Int(),
      signal: Opt(Int()),
      reason: Opt(Str()),
      message: Opt(Str()),
      startedAt: Opt(Time()),
      finishedAt: Opt(Time()),
      containerID: Opt(Str()),
    }),
  ),
});
export type ContainerState = Static<typeof ContainerStateSchema>;

export const ContainerStatusSchema = Struct({
  name: Str(),
  state: Opt(ContainerStateSchema),
  lastState: Opt(ContainerStateSchema),
  ready: Bool(),
  restartCount: Int(),
  image: Str(),
  imageID: Str(),
  containerID: Opt(Str()),
  started: Opt(Bool()),
  allocatedResources: Opt(ResourceListSchema),
  resources: Opt(ResourceRequirementsSchema),
  user: Opt(Struct({ linux: Opt(Struct({ uid: Int64(), gid: Int64(), supplementalGroups: Opt(List(Int64())) })) })),
  volumeMounts: Opt(
    ListMap(
      Struct({ name: Str(), mountPath: Str(), readOnly: Opt(Bool()), recursiveReadOnly: Opt(Str()) }),
      'mountPath',
    ),
  ),
  stopSignal: Opt(Str()),
});
export type ContainerStatus = Static<typeof ContainerStatusSchema>;

export const podPhases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
export type PodPhase = (typeof podPhases)[number];

export const PodStatusSchema = Struct({
  observedGeneration: Opt(Int64()),
  phase: Opt(StrEnum([...podPhases])),
  conditions: Opt(ListMap(PodConditionSchema, 'type')),
  message: Opt(Str()),
  reason: Opt(Str()),
  nominatedNodeName: Opt(Str()),
  hostIP: Opt(Str()),
  hostIPs: Opt(ListMap(Struct({ ip: Str() }), 'ip')),
  podIP: Opt(Str()),
  podIPs: Opt(ListMap(Struct({ ip: Str() }), 'ip')),
  startTime: Opt(Time()),
  initContainerStatuses: Opt(List(ContainerStatusSchema)),
  containerStatuses: Opt(List(ContainerStatusSchema)),
  qosClass: Opt(StrEnum(['Guaranteed', 'Burstable', 'BestEffort'])),
  ephemeralContainerStatuses: Opt(List(ContainerStatusSchema)),
  resize: Opt(Str()),
  resourceClaimStatuses: Opt(ListMap(Struct({ name: Str(), resourceClaimName: Opt(Str()) }), 'name')),
});
export type PodStatus = Static<typeof PodStatusSchema>;

export const PodSchema = Struct({
  ...kindHeader(),
  spec: PodSpecSchema,
  status: Opt(PodStatusSchema),
});
export type Pod = Static<typeof PodSchema>;

export const pods = defineResource<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  schema: PodSchema,
  hasStatusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
    { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
    { name: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'] },
    { name: 'log', verbs: ['get'] },
    { name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
    { name: 'attach', kind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
    { name: 'portforward', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
  ],
  applyDefaults: applyPodDefaults,
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  selectableFields: podSelectableFields,
});
