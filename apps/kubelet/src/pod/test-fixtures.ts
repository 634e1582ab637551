import type { ConfigMap, Container, Pod, Secret, Service } from '@skiff/api';
import type { ResourceAmounts } from './field-ref';
import type { PodObjectSource } from './object-source';

/** A pod for tests: one container `app` unless containers are given. */
export function testPod(spec: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', uid: '1111-2222', ...meta },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
  };
}

export function testContainer(c: Partial<Container> = {}): Container {
  return { name: 'app', image: 'busybox', ...c };
}

/** An in-memory PodObjectSource holding the objects tests give it. */
export class MemoryObjectSource implements PodObjectSource {
  configMaps = new Map<string, ConfigMap>();
  secrets = new Map<string, Secret>();
  services: Service[] = [];
  allocatable: ResourceAmounts = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi' };
  reads = 0;

  addConfigMap(namespace: string, name: string, data: Record<string, string>, binaryData?: Record<string, string>): this {
    this.configMaps.set(`${namespace}/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data, binaryData });
    return this;
  }

  addSecret(namespace: string, name: string, data: Record<string, string>): this {
    const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    this.secrets.set(`${namespace}/${name}`, { apiVersion: 'v1', kind: 'Secret', metadata: { namespace, name }, data: encoded });
    return this;
  }

  addService(namespace: string, name: string, clusterIP: string, ports: { port: number; name?: string; protocol?: string }[]): this {
    this.services.push({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { clusterIP, ports } });
    return this;
  }

  async getConfigMap(namespace: string, name: string) {
    this.reads++;
    return this.configMaps.get(`${namespace}/${name}`);
  }

  async getSecret(namespace: string, name: string) {
    this.reads++;
    return this.secrets.get(`${namespace}/${name}`);
  }

  async listServices(namespace: string) {
    return this.services.filter((s) => s.metadata.namespace === namespace);
  }

  nodeAllocatable() {
    return this.allocatable;
  }
}
