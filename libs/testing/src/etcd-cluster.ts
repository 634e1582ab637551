import { randomUUID } from 'node:crypto';
import { TestEtcd } from './etcd';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

interface MemberStatus {
  header?: { member_id?: string };
  leader?: string;
}

/**
 * A real etcd cluster of N members on free loopback client and peer ports, each with its own data directory:
 * what several apiservers share in a highly available control plane. Members are stopped, killed and started
 * again one by one, by PID.
 */
export class TestEtcdCluster {
  private constructor(readonly members: TestEtcd[]) {}

  static async start(size = 3): Promise<TestEtcdCluster> {
    if (!Number.isInteger(size) || size < 1) throw new Error(`an etcd cluster needs at least one member, not ${size}`);
    const ports = [];
    for (let i = 0; i < size; i++) ports.push({ name: `member-${i}`, clientPort: await freePort(), peerPort: await freePort() });
    const initialCluster = ports.map((p) => `${p.name}=http://127.0.0.1:${p.peerPort}`).join(',');
    const clusterToken = `skiff-test-${randomUUID()}`;
    // All at once: no member reports healthy before a quorum has elected a leader.
    const started = await Promise.allSettled(ports.map((p) => TestEtcd.start({ ...p, initialCluster, clusterToken })));
    const members = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await Promise.all(members.map((m) => m.destroy()));
      throw failure.reason;
    }
    return new TestEtcdCluster(members);
  }

  /** Every member's client URL, as the apiserver's --etcd-servers takes them. */
  get endpoints(): string[] {
    return this.members.map((m) => m.endpoint);
  }

  /** The endpoints joined with commas, for --etcd-servers. */
  get endpointList(): string {
    return this.endpoints.join(',');
  }

  /** The running member that is the raft leader now (asked through its /v3/maintenance/status gateway). */
  async leader(): Promise<TestEtcd> {
    return waitFor(
      async () => {
        for (const m of this.members) {
          if (!m.running) continue;
          const status = await memberStatus(m);
          if (status.leader && status.leader !== '0' && status.leader === status.header?.member_id) return m;
        }
        return undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'an etcd leader' },
    );
  }

  /** SIGKILL one member, as a crash would; its data stays for `restart`. */
  async kill(member: TestEtcd): Promise<void> {
    await member.stop(true);
  }

  /** Starts a stopped or killed member again on its ports and data; resolves once it is healthy in the cluster. */
  async restart(member: TestEtcd): Promise<void> {
    await member.restart();
  }

  /** Resolves once every running member answers /health with a leader. */
  async waitUntilHealthy(timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => {
        for (const m of this.members.filter((x) => x.running)) {
          const res = await fetch(`${m.endpoint}/health`);
          if (!res.ok) return false;
        }
        return true;
      },
      { timeoutMs, intervalMs: 100, what: 'every running etcd member to be healthy' },
    );
  }

  /** Stops every member and removes their data. */
  async destroy(): Promise<void> {
    await Promise.all(this.members.map((m) => m.destroy()));
  }
}

async function memberStatus(member: TestEtcd): Promise<MemberStatus> {
  const res = await fetch(`${member.endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}' });
  if (!res.ok) throw new Error(`etcd ${member.name} status: HTTP ${res.status}`);
  return (await res.json()) as MemberStatus;
}
