import { configmaps, secrets, services, type ConfigMap, type Secret, type Service } from '@skiff/api';
import { isNotFound, realClock, type Clock, type InformerFactory, type KubeClient, type Lister } from '@skiff/client';
import type { ResourceAmounts } from './field-ref';

/** The API objects a pod's containers and volumes are built from. */
export interface PodObjectSource {
  /** Undefined when the configmap does not exist; other failures throw. */
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  /** Undefined when the secret does not exist; other failures throw. */
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** The services of one namespace; throws while they have not been read yet. */
  listServices(namespace: string): Promise<Service[]>;
  /** The node's allocatable resources: what an unset container limit reads as through the downward API. */
  nodeAllocatable(): ResourceAmounts;
}

export interface ApiPodObjectSourceOptions {
  /** How long a configmap or secret read (or its absence) is reused; 0 reads every time. Default 5 s. */
  ttlMs?: number;
  clock?: Clock;
  nodeAllocatable: () => ResourceAmounts;
}

/** Past this many cached reads, expired ones are dropped before another is added. */
const maxCacheEntries = 1000;

interface CacheEntry<T> {
  fetchedAt: number;
  value: Promise<T | undefined>;
}

/**
 * The kubelet's view of configmaps, secrets and services through the apiserver. Services come from a shared
 * informer over all namespaces, since every container start reads them (the kubelet does the same).
 * Configmaps and secrets are read with GET and kept for a short TTL — Kubernetes' TTL-cache strategy: it needs
 * no watch per referenced object, coalesces the burst of reads one pod start makes (each container and volume
 * asks), and bounds how stale a projected volume can be to the TTL plus the worker's refresh period.
 */
export class ApiPodObjectSource implements PodObjectSource {
  private readonly serviceLister: Lister<Service>;
  private readonly hasSynced: () => boolean;
  private readonly cache = new Map<string, CacheEntry<unknown>>();
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly client: KubeClient,
    informers: InformerFactory,
    private readonly opts: ApiPodObjectSourceOptions,
  ) {
    const informer = informers.forResource<Service>(services);
    this.serviceLister = informer.lister;
    this.hasSynced = () => informer.hasSynced();
    this.ttlMs = opts.ttlMs ?? 5_000;
    this.clock = opts.clock ?? realClock;
  }

  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.cached(`configmaps/${namespace}/${name}`, () => this.client.get<ConfigMap>(configmaps, namespace, name));
  }

  getSecret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.cached(`secrets/${namespace}/${name}`, () => this.client.get<Secret>(secrets, namespace, name));
  }

  async listServices(namespace: string): Promise<Service[]> {
    if (!this.hasSynced()) throw new Error('services have not yet been read at least once, cannot construct envvars');
    return this.serviceLister.listInNamespace(namespace);
  }

  nodeAllocatable(): ResourceAmounts {
    return this.opts.nodeAllocatable();
  }

  private cached<T>(key: string, fetch: () => Promise<T>): Promise<T | undefined> {
    const now = this.clock.now();
    const hit = this.cache.get(key) as CacheEntry<T> | undefined;
    if (hit && now - hit.fetchedAt < this.ttlMs) return hit.value;
    const entry: CacheEntry<T> = {
      fetchedAt: now,
      value: fetch().then(
        (obj) => obj,
        (err: unknown) => {
          if (isNotFound(err)) return undefined;
          if (this.cache.get(key) === entry) this.cache.delete(key); // a failed read is not remembered
          throw err;
        },
      ),
    };
    if (this.cache.size >= maxCacheEntries) this.dropExpired(now);
    this.cache.set(key, entry);
    return entry.value;
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.cache) if (now - entry.fetchedAt >= this.ttlMs) this.cache.delete(key);
  }
}
