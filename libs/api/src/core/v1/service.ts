import { ConditionSchema } from '../../meta/condition';
import { Bool, Int, IntOrString, List, ListMap, Opt, Str, StringMap, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { applyServiceDefaults } from './service-defaults';
import { validateService, validateServiceUpdate } from './service-validation';

export const ServicePortSchema = Struct({
  name: Opt(Str()),
  protocol: Opt(Str()),
  appProtocol: Opt(Str()),
  port: Int(),
  targetPort: Opt(IntOrString()),
  nodePort: Opt(Int()),
});
export type ServicePort = Static<typeof ServicePortSchema>;

export const ServiceSpecSchema = Struct({
  ports: Opt(ListMap(ServicePortSchema, 'port', { 'x-kubernetes-list-map-keys': ['port', 'protocol'] })),
  selector: Opt(StringMap()),
  clusterIP: Opt(Str()),
  clusterIPs: Opt(List(Str())),
  type: Opt(Str()),
  externalIPs: Opt(List(Str())),
  sessionAffinity: Opt(Str()),
  loadBalancerIP: Opt(Str()),
  loadBalancerSourceRanges: Opt(List(Str())),
  externalName: Opt(Str()),
  externalTrafficPolicy: Opt(Str()),
  healthCheckNodePort: Opt(Int()),
  publishNotReadyAddresses: Opt(Bool()),
  sessionAffinityConfig: Opt(Struct({ clientIP: Opt(Struct({ timeoutSeconds: Opt(Int()) })) })),
  ipFamilies: Opt(List(Str())),
  ipFamilyPolicy: Opt(Str()),
  allocateLoadBalancerNodePorts: Opt(Bool()),
  loadBalancerClass: Opt(Str()),
  internalTrafficPolicy: Opt(Str()),
  trafficDistribution: Opt(Str()),
});
export type ServiceSpec = Static<typeof ServiceSpecSchema>;

export const LoadBalancerIngressSchema = Struct({
  ip: Opt(Str()),
  hostname: Opt(Str()),
  ipMode: Opt(Str()),
  ports: Opt(List(Struct({ port: Int(), protocol: Str(), error: Opt(Str()) }))),
});

export const ServiceStatusSchema = Struct({
  loadBalancer: Opt(Struct({ ingress: Opt(List(LoadBalancerIngressSchema)) })),
  conditions: Opt(ListMap(ConditionSchema, 'type')),
});
export type ServiceStatus = Static<typeof ServiceStatusSchema>;

export const ServiceSchema = Struct({
  ...kindHeader(),
  spec: Opt(ServiceSpecSchema),
  status: Opt(ServiceStatusSchema),
});
export type Service = Static<typeof ServiceSchema>;

export const services = defineResource<Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  resource: 'services',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  schema: ServiceSchema,
  etcdPrefix: 'services/specs',
  nameRule: 'dns1035-label',
  hasStatusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'proxy', kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' }, verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  ],
  applyDefaults: applyServiceDefaults,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  selectableFields: (svc) => ({ 'spec.clusterIP': svc.spec?.clusterIP ?? '', 'spec.type': svc.spec?.type ?? '' }),
});
