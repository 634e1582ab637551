import { nodes as nodeResource, type Node } from '@skiff/api';
import { realClock, type Clock, type Informer, type InformerFactory } from '@skiff/client';
import { silentLogger, type Logger } from '@skiff/logging';
import type { CommandRunner } from '../iptables/host-commands';
import { SyncRunner } from '../sync-runner';
import { desiredPodRoutes, type PodRoute } from './pod-routes';
import { PodRouteTable } from './route-table';

export interface PodRouteSyncerOptions {
  informers: InformerFactory;
  /** The Node this proxy runs on; its own range is on its bridge and needs no route. */
  nodeName: string;
  run: CommandRunner;
  /** Changes within this period are applied in one sync (default 1 s). */
  minSyncPeriodMs?: number;
  /** Routes are checked at least this often, restoring any removed behind the proxy's back (default 30 s). */
  syncPeriodMs?: number;
  logger?: Logger;
  clock?: Clock;
}

/** The node's own IPv4 addresses, as `ip` sees them in its network namespace. */
async function localAddresses(run: CommandRunner): Promise<Set<string>> {
  const r = await run('ip', ['-json', '-4', 'address', 'show']);
  if (r.code !== 0) throw new Error(`ip address show: ${r.stderr.trim() || `exit code ${r.code}`}`);
  const links = JSON.parse(r.stdout || '[]') as Array<{ addr_info?: Array<{ local?: string }> }>;
  return new Set(links.flatMap((l) => (l.addr_info ?? []).map((a) => a.local ?? '')).filter(Boolean));
}

/**
 * The cross-node pod network without an overlay (host-gw): keeps one route per other node's pod range via that
 * node's InternalIP in the node's routing table, following the Node objects. Routes carry their own protocol mark,
 * so the syncer removes exactly the ones it made when a node goes or moves. A route that cannot be added (the
 * other node is not on a link this node shares) is logged and retried; the others are kept regardless.
 */
export class PodRouteSyncer {
  private readonly nodes: Informer<Node>;
  private readonly table: PodRouteTable;
  private readonly runner: SyncRunner;
  private readonly logger: Logger;
  private lastProblems = '';
  /** The routes in place after the last sync, for tests and /metrics. */
  installed: PodRoute[] = [];

  constructor(private readonly opts: PodRouteSyncerOptions) {
    this.logger = opts.logger ?? silentLogger();
    this.table = new PodRouteTable(opts.run);
    this.nodes = opts.informers.forResource<Node>(nodeResource);
    this.runner = new SyncRunner(() => this.sync(), {
      minIntervalMs: opts.minSyncPeriodMs ?? 1000,
      fullIntervalMs: opts.syncPeriodMs ?? 30_000,
      clock: opts.clock ?? realClock,
    });
  }

  /**
   * Syncs until the signal aborts, starting once the Node cache is filled. The informer comes from the shared
   * factory, which its owner starts (the proxier does).
   */
  async run(signal: AbortSignal): Promise<void> {
    const changed = () => this.runner.request();
    const unsubscribe = this.nodes.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
    try {
      if (!(await this.nodes.waitForSync(signal))) return;
      this.runner.start();
      await new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      unsubscribe();
      await this.runner.stop();
    }
  }

  /** One pass: add or repoint what is missing, remove what is no longer wanted. Resolves false to retry. */
  async sync(): Promise<boolean> {
    try {
      const want = desiredPodRoutes(this.nodes.indexer.list(), this.opts.nodeName, await localAddresses(this.opts.run));
      const have = new Map((await this.table.list()).map((r) => [r.cidr, r]));
      const problems: string[] = [];
      const installed: PodRoute[] = [];
      for (const route of want) {
        const current = have.get(route.cidr);
        have.delete(route.cidr);
        if (current?.via === route.via) {
          installed.push(route);
          continue;
        }
        try {
          await this.table.replace(route.cidr, route.via);
          installed.push(route);
          this.logger.info('pod route set', { cidr: route.cidr, via: route.via, node: route.node });
        } catch (e) {
          problems.push(`${route.node}: ${(e as Error).message}`);
        }
      }
      for (const stale of have.keys()) {
        await this.table.remove(stale);
        this.logger.info('pod route removed', { cidr: stale });
      }
      this.installed = installed;
      const summary = problems.join('; ');
      if (summary && summary !== this.lastProblems) this.logger.warn('cannot route to some nodes\' pods', { problems });
      this.lastProblems = summary;
      return problems.length === 0;
    } catch (e) {
      this.logger.warn('pod route sync failed', { error: (e as Error).message });
      return false;
    }
  }
}
