import { formatMicroTime, leases, type Lease, type Node } from '@skiff/api';
import { isNotFound, type KubeClient } from '@skiff/client';

export const nodeLeaseNamespace = 'kube-node-lease';
export const nodeLeaseDurationSeconds = 40;

/**
 * The node's heartbeat: a Lease named after the node in kube-node-lease, owned by the Node (so it goes when the
 * Node goes), whose renewTime the kubelet moves every 10 s. The node lifecycle controller watches it.
 */
export class NodeLeaseRenewer {
  private lease?: Lease;

  constructor(
    private readonly client: KubeClient,
    private readonly nodeName: string,
  ) {}

  async renew(node: Node, nowMs: number): Promise<void> {
    const renewTime = formatMicroTime(new Date(nowMs));
    if (!this.lease) {
      try {
        this.lease = await this.client.get<Lease>(leases, nodeLeaseNamespace, this.nodeName);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        this.lease = await this.client.create<Lease>(leases, nodeLeaseNamespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: this.nodeName,
            namespace: nodeLeaseNamespace,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: node.metadata.uid! }],
          },
          spec: { holderIdentity: this.nodeName, leaseDurationSeconds: nodeLeaseDurationSeconds, renewTime },
        });
        return;
      }
    }
    const next: Lease = { ...this.lease, spec: { ...this.lease.spec, holderIdentity: this.nodeName, leaseDurationSeconds: nodeLeaseDurationSeconds, renewTime } };
    try {
      this.lease = await this.client.update<Lease>(leases, next);
    } catch (e) {
      // A stale copy (409) or a deleted lease: read afresh next round.
      this.lease = undefined;
      throw e;
    }
  }
}
