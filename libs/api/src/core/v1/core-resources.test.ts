import { schemaErrors } from '../../schema/schema-errors';
import { findUnknownFields } from '../../schema/unknown-fields';
import { formatFieldError } from '../../validation/field-errors';
import { bindings } from './binding';
import { endpoints } from './endpoints';
import { events, type Event } from './event';
import { coreV1Resources } from './index';
import { namespaces } from './namespace';
import { nodes, type Node } from './node';
import { secrets, type Secret } from './secret';
import { serviceaccounts } from './serviceaccount';

describe('core/v1 registration', () => {
  it('lists resources in discovery order', () => {
    expect(coreV1Resources.map((r) => r.resource)).toEqual([
      'pods',
      'namespaces',
      'nodes',
      'services',
      'endpoints',
      'configmaps',
      'secrets',
      'serviceaccounts',
      'events',
      'bindings',
    ]);
  });

  it('uses the Kubernetes short names and storage prefixes', () => {
    expect(nodes).toMatchObject({ etcdPrefix: 'minions', shortNames: ['no'], namespaced: false, hasStatusSubresource: true });
    expect(endpoints.shortNames).toEqual(['ep']);
    expect(events.shortNames).toEqual(['ev']);
    expect(serviceaccounts.shortNames).toEqual(['sa']);
    expect(bindings).toMatchObject({ verbs: ['create'], namespaced: true });
  });
});

describe('Node', () => {
  const node = (spec: Node['spec']): Node => {
    const n: Node = { metadata: { name: 'n1' }, spec };
    nodes.applyDefaults!(n);
    return n;
  };

  it('keeps podCIDR and podCIDRs in step and checks their format', () => {
    expect(node({ podCIDR: '10.244.1.0/24' }).spec?.podCIDRs).toEqual(['10.244.1.0/24']);
    expect(nodes.validate!(node({ podCIDR: '10.244.1.0/24' }))).toEqual([]);
    expect(nodes.validate!(node({ podCIDRs: ['10.244.1.0/33'] })).map(formatFieldError)).toEqual([
      'spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    expect(nodes.validate!(node({ podCIDRs: ['10.0.0.0/24', '10.1.0.0/24'] })).map((e) => e.field)).toEqual(['spec.podCIDRs']);
  });

  it('forbids changing podCIDRs once set, but allows setting them', () => {
    const unset = node({});
    const set = node({ podCIDR: '10.244.1.0/24' });
    expect(nodes.validateUpdate!(set, unset)).toEqual([]);
    expect(nodes.validateUpdate!(node({ podCIDR: '10.244.2.0/24' }), set).map((e) => e.field)).toEqual(['spec.podCIDRs']);
  });

  it('checks taints and exposes spec.unschedulable to field selectors', () => {
    const n = node({ unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule' }] });
    expect(nodes.validate!(n).map((e) => [e.type, e.field])).toEqual([['FieldValueDuplicate', 'spec.taints[1]']]);
    expect(nodes.selectableFields!(n)).toEqual({ 'spec.unschedulable': 'true' });
    expect(nodes.selectableFields!(node({}))).toEqual({ 'spec.unschedulable': 'false' });
  });

  it('knows the status the kubelet writes', () => {
    const status = {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '7Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-01T00:00:00Z', reason: 'KubeletReady' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7',
        kubeletVersion: 'v1.30.0', operatingSystem: 'linux', architecture: 'amd64',
      },
      images: [{ names: ['nginx:1.25'], sizeBytes: 1000 }],
    };
    const n = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.0.0/24' }, status };
    expect(findUnknownFields(nodes.schema, n)).toEqual([]);
    expect(schemaErrors(nodes.schema, n)).toEqual([]);
    // A node reports how many pods it takes; containers may not ask for "pods".
    expect(nodes.validate!(n as any)).toEqual([]);
    expect((nodes.schema.properties as any).status.properties.addresses['x-kubernetes-patch-merge-key']).toBe('type');
    expect((nodes.schema.properties as any).spec.properties.podCIDRs['x-kubernetes-list-type']).toBe('set');
  });
});

describe('Secret', () => {
  const secret = (s: Partial<Secret>): Secret => {
    const out: Secret = { metadata: { name: 's', namespace: 'default' }, ...s };
    secrets.applyDefaults!(out);
    return out;
  };

  it('defaults type to Opaque and folds stringData into data', () => {
    const s = secret({ data: { a: 'YQ==' }, stringData: { b: 'hello' } });
    expect(s).toEqual({ metadata: s.metadata, type: 'Opaque', data: { a: 'YQ==', b: 'aGVsbG8=' } });
  });

  it('leaves stringData with a non-string value for the schema to report, instead of failing to encode it', () => {
    const s = secret({ stringData: { flag: true as unknown as string } });
    expect(s.data).toBeUndefined();
    expect(schemaErrors(secrets.schema, s).map((e) => e.field)).toEqual(['stringData[flag]']);
  });

  it('checks keys, base64 and the keys each type needs', () => {
    expect(secrets.validate!(secret({ data: { 'bad key': 'YQ==', ok: 'not base64!' } })).map((e) => e.field)).toEqual(['data[bad key]', 'data[ok]']);
    expect(secrets.validate!(secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==' } })).map(formatFieldError)).toEqual([
      'data[tls.key]: Required value',
    ]);
    expect(secrets.validate!(secret({ type: 'kubernetes.io/service-account-token' })).map((e) => e.field)).toEqual([
      'metadata.annotations[kubernetes.io/service-account.name]',
    ]);
  });

  it('keeps type immutable, and data immutable when the secret is', () => {
    const old = secret({ data: { a: 'YQ==' }, immutable: true });
    expect(secrets.validateUpdate!(secret({ data: { a: 'Yg==' }, immutable: true }), old).map(formatFieldError)).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(secrets.validateUpdate!(secret({ type: 'kubernetes.io/tls', data: { a: 'YQ==' }, immutable: true }), old).map((e) => e.field)).toEqual(['type']);
    expect(secrets.validateUpdate!(secret({ data: { a: 'Yg==' } }), secret({ data: { a: 'YQ==' } }))).toEqual([]);
  });

  it('exposes type to field selectors', () => {
    expect(secrets.selectableFields!(secret({}))).toEqual({ type: 'Opaque' });
  });
});

describe('Event', () => {
  const event = (e: Partial<Event>): Event => ({
    metadata: { name: 'web.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    type: 'Normal',
    source: { component: 'kubelet', host: 'n1' },
    ...e,
  });

  it('accepts a kubelet event and exposes the selectable fields', () => {
    const e = event({});
    expect(events.validate!(e)).toEqual([]);
    expect(events.selectableFields!(e)).toMatchObject({
      'involvedObject.kind': 'Pod',
      'involvedObject.name': 'web',
      'involvedObject.fieldPath': 'spec.containers{app}',
      'involvedObject.resourceVersion': '',
      reason: 'Pulled',
      source: 'kubelet',
      type: 'Normal',
    });
  });

  it('requires involvedObject and a matching namespace', () => {
    expect(schemaErrors(events.schema, { metadata: { name: 'e' } })).toEqual([expect.objectContaining({ type: 'FieldValueRequired', field: 'involvedObject' })]);
    expect(events.validate!(event({ metadata: { name: 'e', namespace: 'other' } })).map((e) => e.field)).toEqual(['involvedObject.namespace']);
    const nodeEvent = event({ involvedObject: { kind: 'Node', name: 'n1' } });
    expect(events.validate!(nodeEvent)).toEqual([]);
  });

  it('rejects unknown types and requires reporting fields on new-style events', () => {
    expect(events.validate!(event({ type: 'Info' })).map(formatFieldError)).toEqual([
      'type: Unsupported value: "Info": supported values: "Normal", "Warning"',
    ]);
    expect(events.validate!(event({ eventTime: '2024-01-01T00:00:00.000000Z' })).map((e) => e.field)).toEqual([
      'reportingComponent',
      'reportingInstance',
      'action',
    ]);
  });

  it('knows MicroTime eventTime and series', () => {
    const e = { ...event({ eventTime: '2024-01-01T00:00:00.123456Z', series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' } }) };
    expect(findUnknownFields(events.schema, e)).toEqual([]);
    expect(schemaErrors(events.schema, e)).toEqual([]);
  });
});

describe('Binding, Endpoints, ServiceAccount, Namespace', () => {
  it('requires a binding target name', () => {
    expect(bindings.validate!({ metadata: { name: 'p' }, target: { kind: 'Node' } }).map(formatFieldError)).toEqual(['target.name: Required value']);
    expect(bindings.validate!({ metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } })).toEqual([]);
  });

  it('defaults and checks endpoint ports and addresses', () => {
    const ep = {
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '127.0.0.1' }], ports: [{ port: 80 }] }],
    };
    endpoints.applyDefaults!(ep);
    expect(ep.subsets[0].ports[0]).toEqual({ port: 80, protocol: 'TCP' });
    expect(endpoints.validate!(ep).map((e) => e.field)).toEqual(['subsets[0].addresses[1].ip']);
  });

  it('merges service account secrets by name', () => {
    expect((serviceaccounts.schema.properties as any).secrets['x-kubernetes-patch-merge-key']).toBe('name');
    expect(serviceaccounts.validate!({ metadata: { name: 'sa' }, secrets: [{ name: 'tok' }] })).toEqual([]);
  });

  it('exposes namespace status.phase to field selectors', () => {
    expect(namespaces.selectableFields!({ metadata: { name: 'a' }, status: { phase: 'Terminating' } })).toEqual({ 'status.phase': 'Terminating' });
  });
});
