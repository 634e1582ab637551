import { nodes, type Node } from '@skiff/api';
import { sleep, type Clock, type KubeClient } from '@skiff/client';
import type { Logger } from '@skiff/logging';
import type { NodeLeaseRenewer } from './node-lease';
import { desiredNodeStatus, nodeStatusChanged, type NodeObservation } from './node-status';

export interface NodeStatusReporterOptions {
  client: KubeClient;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  lease: NodeLeaseRenewer;
  /** The Node as last seen (an informer's copy), or undefined before the first sync. */
  currentNode(): Node | undefined;
  observe(): Promise<NodeObservation>;
  /** How often the lease is renewed and the status recomputed (Kubernetes: 10 s). */
  updateIntervalMs?: number;
  /** An unchanged status is still written this often, as a heartbeat older readers rely on (Kubernetes: 5 min). */
  reportIntervalMs?: number;
}

/**
 * Keeps the Node's status true to the host: every round it renews the node lease and recomputes the status,
 * and patches nodes/status when anything but heartbeats changed, or when the last write is old.
 */
export class NodeStatusReporter {
  private lastReportMs = -Infinity;
  private lastWritten?: Node;

  constructor(private readonly o: NodeStatusReporterOptions) {}

  async round(): Promise<void> {
    const now = this.o.clock.now();
    const node = this.newest();
    if (!node) return;
    try {
      await this.o.lease.renew(node, now);
    } catch (e) {
      this.o.logger.warn(`renewing the node lease failed: ${(e as Error).message}`);
    }
    const status = desiredNodeStatus(node, await this.o.observe(), now);
    const reportIntervalMs = this.o.reportIntervalMs ?? 5 * 60_000;
    if (!nodeStatusChanged(node.status, status) && now - this.lastReportMs < reportIntervalMs) return;
    this.lastWritten = await this.o.client.patch<Node>(nodes, undefined, this.o.nodeName, 'strategic', { status }, { subresource: 'status' });
    this.lastReportMs = now;
  }

  async run(signal: AbortSignal): Promise<void> {
    const interval = this.o.updateIntervalMs ?? 10_000;
    while (!signal.aborted) {
      try {
        await this.round();
      } catch (e) {
        this.o.logger.warn(`updating node status failed: ${(e as Error).message}`);
      }
      await sleep(this.o.clock, interval, signal);
    }
  }

  /** The informer's copy unless this reporter has written something newer than it has seen. */
  private newest(): Node | undefined {
    const seen = this.o.currentNode();
    if (!this.lastWritten) return seen;
    if (!seen) return this.lastWritten;
    return Number(seen.metadata.resourceVersion) >= Number(this.lastWritten.metadata.resourceVersion) ? seen : this.lastWritten;
  }
}
