import { schemaErrors } from '../../schema/schema-errors';
import { endpointslices, type EndpointSlice } from './endpoint-slice';

const slice = (over: Partial<EndpointSlice> = {}): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc12', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['10.1.0.5'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-1',
      zone: 'a',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'u1' },
      hints: { forZones: [{ name: 'a' }] },
    },
  ],
  ports: [{ name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' }],
  ...over,
});

describe('EndpointSlice', () => {
  it('is registered under discovery.k8s.io/v1 with etcd prefix endpointslices and no status', () => {
    expect(endpointslices).toMatchObject({ group: 'discovery.k8s.io', etcdPrefix: 'endpointslices', hasStatusSubresource: false });
  });

  it('accepts a typical slice', () => {
    const s = slice();
    expect(schemaErrors(endpointslices.schema, s)).toEqual([]);
    expect(endpointslices.validate!(s)).toEqual([]);
  });

  it('restricts addressType to IPv4, IPv6 and FQDN and requires endpoints', () => {
    const errs = schemaErrors(endpointslices.schema, { metadata: { name: 'x' }, addressType: 'IP' });
    expect(errs.map((e) => [e.field, e.type])).toEqual(
      expect.arrayContaining([
        ['addressType', 'FieldValueNotSupported'],
        ['endpoints', 'FieldValueRequired'],
      ]),
    );
  });

  it('defaults port name to empty and protocol to TCP', () => {
    const s = slice({ ports: [{ port: 53 }] });
    endpointslices.applyDefaults!(s);
    expect(s.ports).toEqual([{ name: '', protocol: 'TCP', port: 53 }]);
  });

  it('requires addresses and checks them against the address type', () => {
    const errs = endpointslices.validate!(slice({ endpoints: [{ addresses: [] }, { addresses: ['10.0.0.1', 'fe80::1', 'host'] }] }));
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['endpoints[0].addresses', 'FieldValueRequired'],
      ['endpoints[1].addresses[1]', 'FieldValueInvalid'],
      ['endpoints[1].addresses[2]', 'FieldValueInvalid'],
    ]);
    expect(endpointslices.validate!(slice({ addressType: 'IPv6', endpoints: [{ addresses: ['fe80::1'] }] }))).toEqual([]);
    expect(endpointslices.validate!(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com'] }, { addresses: ['db'] }] })).map((e) => e.field)).toEqual([
      'endpoints[1].addresses[0]',
    ]);
  });

  it('checks hostname, duplicate port names and appProtocol', () => {
    const errs = endpointslices.validate!(
      slice({
        endpoints: [{ addresses: ['10.0.0.1'], hostname: 'Not_A_Label' }],
        ports: [
          { name: 'http', protocol: 'TCP', port: 80 },
          { name: 'http', protocol: 'UDP', port: 81, appProtocol: 'bad/proto/x' },
        ],
      }),
    );
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['endpoints[0].hostname', 'FieldValueInvalid'],
      ['ports[1].name', 'FieldValueDuplicate'],
      ['ports[1].appProtocol', 'FieldValueInvalid'],
    ]);
  });

  it('makes addressType immutable', () => {
    expect(endpointslices.validateUpdate!(slice({ addressType: 'IPv6' }), slice())).toEqual([
      expect.objectContaining({ field: 'addressType', detail: 'field is immutable' }),
    ]);
  });
});
