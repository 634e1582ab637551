import { List, Opt, Str, StrEnum, Struct, Time, ListMap, type Static } from '../../schema/builders';
import { defineResource, kindHeader } from '../../scheme/define-resource';

export const NamespaceConditionSchema = Struct({
  type: Str(),
  status: Str(),
  lastTransitionTime: Opt(Time()),
  reason: Opt(Str()),
  message: Opt(Str()),
});

export const NamespaceSchema = Struct({
  ...kindHeader(),
  spec: Opt(Struct({ finalizers: Opt(List(Str())) })),
  status: Opt(
    Struct({
      phase: Opt(StrEnum(['Active', 'Terminating'])),
      conditions: Opt(ListMap(NamespaceConditionSchema, 'type')),
    }),
  ),
});
export type Namespace = Static<typeof NamespaceSchema>;

export const namespaces = defineResource<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  shortNames: ['ns'],
  namespaced: false,
  schema: NamespaceSchema,
  nameRule: 'dns1123-label',
  hasStatusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'finalize', verbs: ['update'] },
  ],
  applyDefaults(ns) {
    ns.spec ??= {};
    ns.spec.finalizers ??= ['kubernetes'];
    ns.status ??= {};
    ns.status.phase ??= 'Active';
  },
  selectableFields: (ns) => ({ 'status.phase': ns.status?.phase ?? '' }),
});
