import { TestApiserver } from './apiserver';
import { TestControllerManager } from './controller-manager';
import { TestEtcdCluster } from './etcd-cluster';
import { TestScheduler } from './scheduler';
import { waitFor } from './wait-for';

export interface HAControlPlaneOptions {
  /** etcd members; default 3. */
  etcdMembers?: number;
  /** apiservers, all on the whole etcd cluster; default 2. */
  apiservers?: number;
  /** scheduler replicas, all with --leader-elect; default 2. */
  schedulers?: number;
  /** controller-manager replicas, all with --leader-elect; default 2. */
  controllerManagers?: number;
  /** Flags for every scheduler and controller-manager, e.g. short `--leader-elect-lease-duration`s. */
  leaderElectionArgs?: string[];
  apiserverArgs?: string[];
  controllerManagerArgs?: string[];
}

/** Which Lease a replica set campaigns for. */
export type LeaderElected = 'scheduler' | 'controller-manager';

const leaseNames: Record<LeaderElected, string> = { scheduler: 'kube-scheduler', 'controller-manager': 'skiff-controller-manager' };

/**
 * A highly available control plane on one machine: an etcd cluster, several apiservers on all of its members, and
 * scheduler and controller-manager replicas with leader election, spread over the apiservers (replica i talks to
 * apiserver i mod n through its own kubeconfig). Everything runs on free loopback ports and stops by PID.
 */
export class TestHAControlPlane {
  private constructor(
    readonly etcd: TestEtcdCluster,
    readonly apiservers: TestApiserver[],
    readonly schedulers: TestScheduler[],
    readonly controllerManagers: TestControllerManager[],
    private readonly opts: HAControlPlaneOptions,
  ) {}

  /** Starts one more scheduler replica, on apiserver `apiserver` mod n; it campaigns with the others. */
  async addScheduler(apiserver: number): Promise<TestScheduler> {
    const s = await TestScheduler.start(this.via(apiserver), ['--leader-elect', ...(this.opts.leaderElectionArgs ?? [])]);
    this.schedulers.push(s);
    return s;
  }

  /** Starts one more controller-manager replica, on apiserver `apiserver` mod n; it campaigns with the others. */
  async addControllerManager(apiserver: number): Promise<TestControllerManager> {
    const args = ['--leader-elect', ...(this.opts.leaderElectionArgs ?? []), ...(this.opts.controllerManagerArgs ?? [])];
    const cm = await TestControllerManager.start(this.via(apiserver), { args, waitUntilRunning: false });
    this.controllerManagers.push(cm);
    return cm;
  }

  static async start(opts: HAControlPlaneOptions = {}): Promise<TestHAControlPlane> {
    const etcd = await TestEtcdCluster.start(opts.etcdMembers ?? 3);
    const cp = new TestHAControlPlane(etcd, [], [], [], opts);
    try {
      for (let i = 0; i < (opts.apiservers ?? 2); i++) {
        cp.apiservers.push(await TestApiserver.start({ etcdEndpoint: etcd.endpointList, extraArgs: opts.apiserverArgs }));
      }
      for (let i = 0; i < (opts.schedulers ?? 2); i++) await cp.addScheduler(i);
      for (let i = 0; i < (opts.controllerManagers ?? 2); i++) await cp.addControllerManager(i);
      return cp;
    } catch (e) {
      await cp.stop();
      throw e;
    }
  }

  /** What a component started against "the control plane" sees: apiserver i mod n, for spreading clients. */
  via(i: number): { apiserver: TestApiserver } {
    return { apiserver: this.apiservers[i % this.apiservers.length] };
  }

  /** The first apiserver still running, for reads the test itself makes. */
  get liveApiserver(): TestApiserver {
    const live = this.apiservers.find((a) => a.running);
    if (!live) throw new Error('no apiserver is running');
    return live;
  }

  /** The Lease's holderIdentity now ('' when none), read through a running apiserver. */
  async leaseHolder(kind: LeaderElected): Promise<string> {
    const res = await fetch(`${this.liveApiserver.url}/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${leaseNames[kind]}`);
    if (res.status === 404) return '';
    if (!res.ok) throw new Error(`GET lease ${leaseNames[kind]}: HTTP ${res.status}`);
    const lease = (await res.json()) as { spec?: { holderIdentity?: string } };
    return lease.spec?.holderIdentity ?? '';
  }

  /**
   * Resolves with the running replica that holds the Lease, once one does (a killed leader's Lease names it until
   * a follower takes over after the lease duration).
   */
  async leader(kind: 'scheduler', timeoutMs?: number): Promise<TestScheduler>;
  async leader(kind: 'controller-manager', timeoutMs?: number): Promise<TestControllerManager>;
  async leader(kind: LeaderElected, timeoutMs = 30_000): Promise<TestScheduler | TestControllerManager> {
    const replicas: Array<TestScheduler | TestControllerManager> = kind === 'scheduler' ? this.schedulers : this.controllerManagers;
    return waitFor(
      async () => {
        const holder = await this.leaseHolder(kind);
        for (const r of replicas) if (r.running && holder && (await r.leaseIdentity) === holder) return r;
        return undefined;
      },
      { timeoutMs, intervalMs: 100, what: `a running ${kind} to hold the ${leaseNames[kind]} Lease` },
    );
  }

  /** Stops every component, then the etcd cluster, removing all data. */
  async stop(): Promise<void> {
    await Promise.all([...this.controllerManagers, ...this.schedulers].map((c) => c.stop()));
    await Promise.all(this.apiservers.map((a) => a.stop()));
    await this.etcd.destroy();
  }
}

