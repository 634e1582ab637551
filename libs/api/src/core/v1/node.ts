import {
  Bool,
  Int,
  Int64,
  List,
  ListMap,
  ListSet,
  Opt,
  Str,
  StrEnum,
  Struct,
  Time,
  type Static,
} from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { taintEffects } from './affinity';
import { ResourceListSchema } from './container';
import { validateNode, validateNodeUpdate } from './node-validation';

export const TaintSchema = Struct({
  key: Str(),
  value: Opt(Str()),
  effect: StrEnum([...taintEffects]),
  timeAdded: Opt(Time()),
});
export type Taint = Static<typeof TaintSchema>;

export const NodeSpecSchema = Struct({
  podCIDR: Opt(Str()),
  podCIDRs: Opt(ListSet(Str())),
  providerID: Opt(Str()),
  unschedulable: Opt(Bool()),
  taints: Opt(List(TaintSchema)),
  externalID: Opt(Str()),
});
export type NodeSpec = Static<typeof NodeSpecSchema>;

export const NodeConditionSchema = Struct({
  type: Str(),
  status: StrEnum(['True', 'False', 'Unknown']),
  lastHeartbeatTime: Opt(Time()),
  lastTransitionTime: Opt(Time()),
  reason: Opt(Str()),
  message: Opt(Str()),
});
export type NodeCondition = Static<typeof NodeConditionSchema>;

export const nodeAddressTypes = ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'] as const;
export const NodeAddressSchema = Struct({ type: Str(), address: Str() });
export type NodeAddress = Static<typeof NodeAddressSchema>;

export const NodeSystemInfoSchema = Struct({
  machineID: Str(),
  systemUUID: Str(),
  bootID: Str(),
  kernelVersion: Str(),
  osImage: Str(),
  containerRuntimeVersion: Str(),
  kubeletVersion: Str(),
  kubeProxyVersion: Opt(Str()),
  operatingSystem: Str(),
  architecture: Str(),
  swap: Opt(Struct({ capacity: Opt(Int64()) })),
});
export type NodeSystemInfo = Static<typeof NodeSystemInfoSchema>;

export const NodeStatusSchema = Struct({
  capacity: Opt(ResourceListSchema),
  allocatable: Opt(ResourceListSchema),
  phase: Opt(StrEnum(['Pending', 'Running', 'Terminated'])),
  conditions: Opt(ListMap(NodeConditionSchema, 'type')),
  addresses: Opt(ListMap(NodeAddressSchema, 'type')),
  daemonEndpoints: Opt(Struct({ kubeletEndpoint: Opt(Struct({ Port: Int() })) })),
  nodeInfo: Opt(NodeSystemInfoSchema),
  images: Opt(List(Struct({ names: Opt(List(Str())), sizeBytes: Opt(Int64()) }))),
  volumesInUse: Opt(List(Str())),
  volumesAttached: Opt(List(Struct({ name: Str(), devicePath: Str() }))),
  runtimeHandlers: Opt(
    List(
      Struct({
        name: Opt(Str()),
        features: Opt(Struct({ recursiveReadOnlyMounts: Opt(Bool()), userNamespaces: Opt(Bool()) })),
      }),
    ),
  ),
  features: Opt(Struct({ supplementalGroupsPolicy: Opt(Bool()) })),
});
export type NodeStatus = Static<typeof NodeStatusSchema>;

export const NodeSchema = Struct({
  ...kindHeader(),
  spec: Opt(NodeSpecSchema),
  status: Opt(NodeStatusSchema),
});
export type Node = Static<typeof NodeSchema>;

export const nodes = defineResource<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  resource: 'nodes',
  shortNames: ['no'],
  namespaced: false,
  schema: NodeSchema,
  etcdPrefix: 'minions',
  hasStatusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'proxy', kind: { group: '', version: 'v1', kind: 'NodeProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  ],
  applyDefaults(node) {
    // podCIDR is the older single-value spelling of podCIDRs[0]; the two are kept in step.
    const spec = node.spec;
    if (spec?.podCIDR && !spec.podCIDRs?.length) spec.podCIDRs = [spec.podCIDR];
    if (spec?.podCIDRs?.length && !spec.podCIDR) spec.podCIDR = spec.podCIDRs[0];
  },
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  selectableFields: (node) => ({ 'spec.unschedulable': String(node.spec?.unschedulable ?? false) }),
});
