import type { Endpoints } from '../core/v1/endpoints';
import type { Service } from '../core/v1/service';
import type { EndpointSlice } from '../discovery/v1/endpoint-slice';
import { endpointSlicePrinter, endpointsPrinter, formatEndpoints, servicePorts, servicePrinter } from './service-printers';
import { ago, now } from './test-fixtures';

const meta = { name: 'web', namespace: 'default', creationTimestamp: ago(45) };

function svc(spec: Service['spec'], status?: Service['status']): Service {
  return { metadata: meta, spec, ...(status && { status }) };
}

describe('servicePrinter', () => {
  it('has the real column set', () => {
    expect(servicePrinter.columns.map((c) => (c.priority ? `*${c.name}` : c.name))).toEqual([
      'Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', '*Selector',
    ]);
  });

  it('prints a ClusterIP service', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], selector: { app: 'dns' } });
    expect(servicePrinter.cells(s, now)).toEqual(['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP', '45s', 'app=dns']);
  });

  it('shows node ports after the port', () => {
    expect(servicePorts(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, nodePort: 30443, protocol: 'TCP' }] }))).toBe(
      '80:30080/TCP,443:30443/TCP',
    );
  });

  it('prints <none> for a service without ports or selector, and a headless cluster IP as None', () => {
    const headless = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
    expect(servicePrinter.cells(headless, now)).toEqual(['web', 'ClusterIP', 'None', '<none>', '<none>', '45s', '<none>']);
  });

  it('lists external IPs of ClusterIP and NodePort services', () => {
    const s = svc({ type: 'NodePort', clusterIP: '10.96.1.1', externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] });
    expect(servicePrinter.cells(s, now)[3]).toBe('1.2.3.4,5.6.7.8');
  });

  it('a load balancer is <pending> until it has an ingress point', () => {
    expect(servicePrinter.cells(svc({ type: 'LoadBalancer', clusterIP: '10.96.1.2' }), now)[3]).toBe('<pending>');
    const ready = svc({ type: 'LoadBalancer', clusterIP: '10.96.1.2', externalIPs: ['9.9.9.9'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }] } });
    expect(servicePrinter.cells(ready, now)[3]).toBe('203.0.113.9,lb.example.com,9.9.9.9');
  });

  it('an ExternalName service shows the name and no cluster IP', () => {
    expect(servicePrinter.cells(svc({ type: 'ExternalName', externalName: 'db.example.com' }), now).slice(1, 4)).toEqual(['ExternalName', '<none>', 'db.example.com']);
  });
});

describe('endpointsPrinter', () => {
  const ep = (subsets: Endpoints['subsets']): Endpoints => ({ metadata: meta, subsets });

  it('lists address:port pairs, at most three', () => {
    const e = ep([
      {
        addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }],
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
      },
    ]);
    expect(endpointsPrinter.columns.map((c) => c.name)).toEqual(['Name', 'Endpoints', 'Age']);
    expect(endpointsPrinter.cells(e, now)).toEqual(['web', '10.0.0.1:53,10.0.0.2:53,10.0.0.1:9153 + 1 more...', '45s']);
  });

  it('lists bare addresses without ports, brackets IPv6 with ports, <none> without subsets', () => {
    expect(formatEndpoints(ep([{ addresses: [{ ip: '10.0.0.1' }] }]))).toBe('10.0.0.1');
    expect(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }]))).toBe('[fd00::1]:80');
    expect(formatEndpoints(ep([]))).toBe('<none>');
  });
});

describe('endpointSlicePrinter', () => {
  it('shows address type, ports and addresses', () => {
    const slice: EndpointSlice = {
      metadata: meta,
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
    };
    expect(endpointSlicePrinter.columns.map((c) => c.name)).toEqual(['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    expect(endpointSlicePrinter.cells(slice, now)).toEqual(['web', 'IPv4', '80', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '45s']);
  });

  it('prints <unset> for a slice without ports or endpoints', () => {
    expect(endpointSlicePrinter.cells({ metadata: meta, addressType: 'IPv4', endpoints: [] }, now).slice(2, 4)).toEqual(['<unset>', '<unset>']);
  });
});
