import type { Service, ServicePort } from '@skiff/api';
import { serviceEnvironment, serviceEnvVars } from './service-env';

function svc(namespace: string, name: string, clusterIP: string, ports: ServicePort[] = []): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { clusterIP, ports } };
}

const kubernetes = svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);
const redis = svc('shop', 'redis-master', '10.96.0.11', [{ port: 6379 }, { name: 'metrics', port: 9121, protocol: 'UDP' }]);

describe('serviceEnvVars', () => {
  it('makes the service and docker-link variables', () => {
    expect(Object.fromEntries(serviceEnvVars(redis))).toEqual({
      REDIS_MASTER_SERVICE_HOST: '10.96.0.11',
      REDIS_MASTER_SERVICE_PORT: '6379',
      REDIS_MASTER_SERVICE_PORT_METRICS: '9121',
      REDIS_MASTER_PORT: 'tcp://10.96.0.11:6379',
      REDIS_MASTER_PORT_6379_TCP: 'tcp://10.96.0.11:6379',
      REDIS_MASTER_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_MASTER_PORT_6379_TCP_PORT: '6379',
      REDIS_MASTER_PORT_6379_TCP_ADDR: '10.96.0.11',
      REDIS_MASTER_PORT_9121_UDP: 'udp://10.96.0.11:9121',
      REDIS_MASTER_PORT_9121_UDP_PROTO: 'udp',
      REDIS_MASTER_PORT_9121_UDP_PORT: '9121',
      REDIS_MASTER_PORT_9121_UDP_ADDR: '10.96.0.11',
    });
  });

  it('brackets IPv6 addresses in URLs', () => {
    expect(Object.fromEntries(serviceEnvVars(svc('a', 'v6', 'fd00::1', [{ port: 80 }]))).V6_PORT).toBe('tcp://[fd00::1]:80');
  });
});

describe('serviceEnvironment', () => {
  const all = [kubernetes, redis, svc('shop', 'headless', 'None', [{ port: 80 }]), svc('shop', 'ext', '', []), svc('other', 'db', '10.96.0.20', [{ port: 5432 }])];

  it('includes the pod namespace services and kubernetes, not headless ones or other namespaces', () => {
    const env = serviceEnvironment('shop', true, all);
    expect(env.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
    expect(env.get('KUBERNETES_SERVICE_PORT_HTTPS')).toBe('443');
    expect(env.get('REDIS_MASTER_SERVICE_HOST')).toBe('10.96.0.11');
    expect([...env.keys()].some((k) => k.startsWith('HEADLESS') || k.startsWith('EXT_') || k.startsWith('DB_'))).toBe(false);
  });

  it('keeps only KUBERNETES_* when service links are off', () => {
    const env = serviceEnvironment('shop', false, all);
    expect([...env.keys()].every((k) => k.startsWith('KUBERNETES_'))).toBe(true);
    expect(env.get('KUBERNETES_PORT')).toBe('tcp://10.96.0.1:443');
  });

  it('lets a same-named service in the pod namespace replace default/kubernetes', () => {
    const own = svc('shop', 'kubernetes', '10.96.0.99', [{ port: 8443 }]);
    expect(serviceEnvironment('shop', true, [own, kubernetes]).get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.99');
    expect(serviceEnvironment('shop', true, [kubernetes, own]).get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.99');
    expect(serviceEnvironment('shop', false, [kubernetes, own]).get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
  });
});
