import type { KObject } from '@skiff/api';
import { anonymousUser } from '../admission/admission';
import { registryByName, type ApiContext } from '../handlers/api-context';
import { StatusError } from '../handlers/status-error';
import type { IPRange } from '../registry/service-allocations';
import { clusterServices, replaceContent } from './bootstrap';

const leasePrefix = '/registry/masterleases/';

export interface ApiserverEndpointsOptions {
  /** How often this apiserver renews its lease and rewrites the endpoints; Kubernetes' 10 s. */
  intervalMs?: number;
  /** How long a lease outlives its last renewal, so an apiserver killed outright drops out; Kubernetes' 15 s. */
  leaseTTLSeconds?: number;
}

/**
 * The `default/kubernetes` endpoints when several apiservers serve one cluster, as Kubernetes' "lease" endpoint
 * reconciler keeps them: each apiserver holds `/registry/masterleases/<ip>` under an etcd lease it renews every
 * interval, and writes the Endpoints and EndpointSlice with the addresses of every lease still alive, on its own
 * port (every apiserver of a cluster serves the same port). One that stops removes its lease and itself at once; one
 * that dies drops out when its lease expires.
 */
export class ApiserverEndpointsReconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private started = false;
  private readonly host: string;
  private readonly port: number;
  private readonly intervalMs: number;
  private readonly ttlSeconds: number;

  constructor(
    private readonly ctx: ApiContext,
    private readonly serviceRange: IPRange,
    opts: ApiserverEndpointsOptions = {},
  ) {
    const own = clusterServices(serviceRange, ctx.advertiseAddress);
    this.host = own.apiHost;
    this.port = own.apiPort;
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.ttlSeconds = opts.leaseTTLSeconds ?? 15;
  }

  start(): void {
    this.started = true;
    const tick = () => {
      this.running = this.renewAndReconcile().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    tick();
  }

  /** Stops renewing, removes this apiserver's lease and rewrites the endpoints without it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.started) return;
    await this.running;
    try {
      await this.ctx.store.txn([], [{ request_delete_range: { key: Buffer.from(leasePrefix + this.host) } }]);
      await this.reconcile();
    } catch (e) {
      this.ctx.logger.warn('could not remove this apiserver from the kubernetes endpoints', { error: (e as Error).message });
    }
  }

  private async renewAndReconcile(): Promise<void> {
    try {
      const lease = await this.ctx.store.grantLease(this.ttlSeconds);
      const value = JSON.stringify({ ip: this.host, port: this.port });
      await this.ctx.store.txn([], [{ request_put: { key: Buffer.from(leasePrefix + this.host), value: Buffer.from(value), lease } }]);
      await this.reconcile();
    } catch (e) {
      // The next interval tries again; until then the endpoints keep what they had.
      this.ctx.logger.warn('could not renew this apiserver in the kubernetes endpoints', { error: (e as Error).message });
    }
  }

  /** Writes the endpoints from the leases alive now. */
  private async reconcile(): Promise<void> {
    const leases = await this.ctx.store.rangeAll(leasePrefix);
    const hosts = leases.kvs.map((kv) => kv.key.slice(leasePrefix.length)).filter((h) => !this.stopped || h !== this.host);
    const { endpoints, slices } = clusterServices(this.serviceRange, this.ctx.advertiseAddress, hosts);
    await createOrReplace(this.ctx, '', 'endpoints', endpoints[0]);
    await createOrReplace(this.ctx, 'discovery.k8s.io', 'endpointslices', slices[0]);
  }
}

async function createOrReplace(ctx: ApiContext, group: string, resource: string, obj: KObject): Promise<void> {
  const registry = registryByName(ctx, group, 'v1', resource);
  try {
    await registry.create(obj.metadata.namespace, structuredClone(obj), { user: anonymousUser, dryRun: false });
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e;
    await replaceContent(registry, obj);
  }
}
