import { findUnknownFields } from '../../schema/unknown-fields';
import { formatFieldError } from '../../validation/field-errors';
import { services, type Service, type ServiceSpec } from './service';

function svc(spec: ServiceSpec): Service {
  const s: Service = { metadata: { name: 'web', namespace: 'default' }, spec };
  services.applyDefaults!(s);
  return s;
}
const messages = (s: Service) => services.validate!(s).map(formatFieldError);

describe('Service defaults', () => {
  it('defaults a ClusterIP service the way Kubernetes does', () => {
    const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'm', port: 9090, targetPort: 'metrics' }] });
    expect(s.spec).toEqual({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      selector: { app: 'web' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'm', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ],
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
  });

  it('adds externalTrafficPolicy for NodePort and LoadBalancer, and session affinity timeouts for ClientIP', () => {
    const s = svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443 }] });
    expect(s.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
    expect(svc({ ports: [{ port: 1 }] }).spec?.externalTrafficPolicy).toBeUndefined();
  });

  it('keeps clusterIP and clusterIPs in step', () => {
    expect(svc({ clusterIP: 'None' }).spec?.clusterIPs).toEqual(['None']);
    expect(svc({ clusterIPs: ['10.0.0.10'], ports: [{ port: 53 }] }).spec?.clusterIP).toBe('10.0.0.10');
  });

  it('leaves ExternalName services without cluster networking fields', () => {
    const s = svc({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(s.spec?.ipFamilies).toBeUndefined();
    expect(s.spec?.internalTrafficPolicy).toBeUndefined();
  });
});

describe('Service validation', () => {
  it('accepts realistic services', () => {
    expect(messages(svc({ selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] }))).toEqual([]);
    expect(messages(svc({ clusterIP: 'None', selector: { app: 'db' } }))).toEqual([]);
    expect(messages(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).toEqual([]);
    expect(messages(svc({ type: 'ExternalName', externalName: 'db.example.com' }))).toEqual([]);
  });

  it('requires ports unless ExternalName or headless', () => {
    expect(messages(svc({ selector: { app: 'web' } }))).toEqual(['spec.ports: Required value']);
  });

  it('requires port names when there is more than one port, and unique names and ports', () => {
    const s = svc({ ports: [{ port: 80 }, { name: 'a', port: 81 }, { name: 'a', port: 81 }] });
    expect(messages(s)).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[2].name: Duplicate value: "a"',
      'spec.ports[2]: Duplicate value: "81/TCP"',
    ]);
  });

  it('checks type, port ranges, target ports and nodePort use', () => {
    const s = svc({ type: 'Magic', ports: [{ port: 0, targetPort: 'not_a_name', nodePort: 30000 }] });
    const fields = services.validate!(s).map((e) => e.field);
    expect(fields).toEqual(['spec.type', 'spec.ports[0].port', 'spec.ports[0].targetPort']);
    expect(messages(svc({ ports: [{ port: 80, nodePort: 30000 }] }))).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
  });

  it('requires clusterIP to be None or an IP, and not None for NodePort', () => {
    expect(messages(svc({ clusterIP: 'auto', ports: [{ port: 80 }] }))).toEqual([
      `spec.clusterIPs[0]: Invalid value: "auto": must be empty, 'None', or a valid IP address`,
    ]);
    expect(messages(svc({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }))).toEqual([
      `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
    ]);
  });

  it('requires externalName for ExternalName services', () => {
    expect(messages(svc({ type: 'ExternalName' }))).toEqual(['spec.externalName: Required value']);
  });

  it('keeps clusterIP immutable once set', () => {
    const old = svc({ clusterIP: '10.96.0.10', ports: [{ port: 53 }] });
    const changed = svc({ clusterIP: '10.96.0.11', ports: [{ port: 53 }] });
    expect(services.validateUpdate!(changed, old).map(formatFieldError)).toEqual([
      'spec.clusterIPs[0]: Invalid value: "10.96.0.11": may not change once set',
    ]);
    expect(services.validateUpdate!(structuredClone(old), old)).toEqual([]);
  });

  it('knows the fields of a LoadBalancer manifest', () => {
    const m = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb' },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', appProtocol: 'http' }],
        externalTrafficPolicy: 'Local',
        loadBalancerSourceRanges: ['10.0.0.0/8'],
        sessionAffinity: 'ClientIP',
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    };
    expect(findUnknownFields(services.schema, m)).toEqual([]);
  });

  it('is registered with the Kubernetes storage prefix and name rule', () => {
    expect(services).toMatchObject({ etcdPrefix: 'services/specs', shortNames: ['svc'], categories: ['all'], nameRule: 'dns1035-label' });
  });
});
