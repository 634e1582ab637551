import type { EndpointSlice, Service } from '@skiff/api';
import { servicePortsOf } from './service-ports';

function service(spec: Service['spec'], name = 'web'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name }, spec };
}

function slice(name: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'], addressType: EndpointSlice['addressType'] = 'IPv4'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': 'web' } },
    addressType,
    endpoints,
    ports,
  };
}

const httpPorts = [{ name: 'http', protocol: 'TCP' as const, port: 8080 }];

describe('servicePortsOf', () => {
  it('skips headless, ExternalName and IPv6-only services', () => {
    expect(servicePortsOf(service({ clusterIP: 'None', ports: [{ port: 80 }] }), [], 'n1')).toEqual([]);
    expect(servicePortsOf(service({ type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] }), [], 'n1')).toEqual([]);
    expect(servicePortsOf(service({ clusterIP: 'fd00::10', ports: [{ port: 80 }] }), [], 'n1')).toEqual([]);
    expect(servicePortsOf(service({ ports: [{ port: 80 }] }), [], 'n1')).toEqual([]);
  });

  it('reads each port with its protocol, node port (NodePort and LoadBalancer only), external IPs, policies and affinity', () => {
    const svc = service({
      type: 'NodePort',
      clusterIP: '10.96.0.20',
      ports: [
        { name: 'http', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'dns', protocol: 'UDP', port: 53, nodePort: 30053 },
      ],
      externalIPs: ['192.168.5.10', 'fd00::1'],
      sessionAffinity: 'ClientIP',
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Cluster',
    });
    const ports = servicePortsOf(svc, [], 'n1');
    expect(ports.map((p) => [p.portName, p.protocol, p.port, p.nodePort])).toEqual([
      ['http', 'tcp', 80, 30080],
      ['dns', 'udp', 53, 30053],
    ]);
    expect(ports[0]).toMatchObject({ clusterIP: '10.96.0.20', externalIPs: ['192.168.5.10'], affinityTimeoutSeconds: 10800, externalPolicyLocal: true, internalPolicyLocal: false });
    const clusterIPOnly = servicePortsOf(service({ clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 30080 }], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), [], 'n1');
    expect(clusterIPOnly[0]).toMatchObject({ portName: '', nodePort: undefined, affinityTimeoutSeconds: 60 });
  });

  it('joins endpoints by port name and protocol, once per address and port, in address order', () => {
    const svc = service({ clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 9000 }] });
    const slices = [
      slice('web-b', [{ addresses: ['10.244.1.3'], nodeName: 'n1' }, { addresses: ['10.244.1.10'] }], httpPorts),
      slice('web-a', [{ addresses: ['10.244.1.3'], conditions: { ready: false } }, { addresses: ['10.244.1.2'] }], [...httpPorts, { name: 'admin', protocol: 'UDP', port: 9000 }]),
      slice('web-v6', [{ addresses: ['fd00::5'] }], httpPorts, 'IPv6'),
    ];
    const [http, admin] = servicePortsOf(svc, slices, 'n1');
    // web-a comes first by name, so its not-ready view of 10.244.1.3 wins over web-b's.
    expect(http.endpoints).toEqual([
      { ip: '10.244.1.2', port: 8080, ready: true, serving: true, terminating: false, local: false },
      { ip: '10.244.1.3', port: 8080, ready: false, serving: true, terminating: false, local: false },
      { ip: '10.244.1.10', port: 8080, ready: true, serving: true, terminating: false, local: false },
    ]);
    // The slice's admin port is UDP, the Service's is TCP: no endpoints.
    expect(admin.endpoints).toEqual([]);
  });

  it('reads the conditions kube-proxy uses: unset ready/serving are true, unset terminating false; local by node name', () => {
    const svc = service({ clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80 }] });
    const [http] = servicePortsOf(
      svc,
      [
        slice(
          'web-a',
          [
            { addresses: ['10.244.1.2'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'n1' },
            { addresses: ['10.244.1.3'], conditions: {}, nodeName: 'n2' },
          ],
          httpPorts,
        ),
      ],
      'n1',
    );
    expect(http.endpoints.map((e) => [e.ip, e.ready, e.serving, e.terminating, e.local])).toEqual([
      ['10.244.1.2', false, true, true, true],
      ['10.244.1.3', true, true, false, false],
    ]);
  });
});
