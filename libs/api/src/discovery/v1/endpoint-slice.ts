import { Bool, Int, List, ListSet, Opt, Str, StrEnum, StringMap, Struct, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';
import { ObjectReferenceSchema } from '../../core/v1/object-reference';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './endpoint-slice-validation';

export const endpointSliceAddressTypes = ['IPv4', 'IPv6', 'FQDN'] as const;
export const endpointSlicePortProtocols = ['TCP', 'UDP', 'SCTP'] as const;

export const EndpointSliceConditionsSchema = Struct({
  ready: Opt(Bool()),
  serving: Opt(Bool()),
  terminating: Opt(Bool()),
});
export type EndpointSliceConditions = Static<typeof EndpointSliceConditionsSchema>;

const HintNameSchema = Struct({ name: Str() });

export const EndpointSliceHintsSchema = Struct({
  forZones: Opt(List(HintNameSchema)),
  forNodes: Opt(List(HintNameSchema)),
});
export type EndpointSliceHints = Static<typeof EndpointSliceHintsSchema>;

/** discovery/v1 Endpoint: one backend, with its addresses all of the slice's address type. */
export const EndpointSliceEndpointSchema = Struct({
  addresses: ListSet(Str()),
  conditions: Opt(EndpointSliceConditionsSchema),
  hostname: Opt(Str()),
  targetRef: Opt(ObjectReferenceSchema),
  deprecatedTopology: Opt(StringMap()),
  nodeName: Opt(Str()),
  zone: Opt(Str()),
  hints: Opt(EndpointSliceHintsSchema),
});
export type EndpointSliceEndpoint = Static<typeof EndpointSliceEndpointSchema>;

export const EndpointSlicePortSchema = Struct({
  name: Opt(Str()),
  protocol: Opt(StrEnum([...endpointSlicePortProtocols])),
  port: Opt(Int()),
  appProtocol: Opt(Str()),
});
export type EndpointSlicePort = Static<typeof EndpointSlicePortSchema>;

/** No spec or status: the fields sit at the top level, and both lists are replaced whole on patch. */
export const EndpointSliceSchema = Struct({
  ...kindHeader(),
  addressType: StrEnum([...endpointSliceAddressTypes]),
  endpoints: List(EndpointSliceEndpointSchema),
  ports: Opt(List(EndpointSlicePortSchema)),
});
export type EndpointSlice = Static<typeof EndpointSliceSchema>;

export const endpointslices = defineResource<EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  resource: 'endpointslices',
  namespaced: true,
  schema: EndpointSliceSchema,
  applyDefaults(slice) {
    for (const port of slice.ports ?? []) {
      port.name ??= '';
      port.protocol ??= 'TCP';
    }
  },
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
});
