interface PodSeen {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { containers: Array<{ name: string; image: string }> };
}

/**
 * Stands in for a kubelet in tests that run no node: every 100 ms each new pod in the namespace is reported
 * Running and Ready with its own pod IP and ready containers, through PATCH pods/NAME/status as a kubelet would.
 */
export class FakeKubelet {
  private readonly readied = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private nextIp = 10;
  private busy = false;

  constructor(private readonly server: string, private readonly namespace = 'default') {
    this.timer = setInterval(() => void this.tick(), 100);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const list = await fetch(`${this.server}/api/v1/namespaces/${this.namespace}/pods`);
      const pods = ((await list.json()) as { items: PodSeen[] }).items;
      for (const p of pods) {
        if (this.readied.has(p.metadata.uid) || p.metadata.deletionTimestamp) continue;
        if (await this.reportReady(p)) this.readied.add(p.metadata.uid);
      }
    } catch {
      // The next tick retries; the apiserver may be stopping at the end of the suite.
    } finally {
      this.busy = false;
    }
  }

  private async reportReady(p: PodSeen): Promise<boolean> {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ip = `10.244.0.${this.nextIp}`;
    const status = {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      containerStatuses: p.spec.containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
    };
    const res = await fetch(`${this.server}/api/v1/namespaces/${this.namespace}/pods/${p.metadata.name}/status`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ status }),
    });
    await res.arrayBuffer();
    if (res.ok) this.nextIp++;
    return res.ok;
  }

  /** Pods it has reported Ready, by uid. */
  get readiedCount(): number {
    return this.readied.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
