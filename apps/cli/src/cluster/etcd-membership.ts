import { noop } from 'cockatiel';
import { Etcd3, type IMember } from 'etcd3';
import type { CheckTls } from './readiness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** This machine's member: the name it starts with and the peer URL the others reach it on. */
export interface EtcdMemberIdentity {
  name: string;
  peerUrl: string;
}

function connect(endpoints: string[], tls: CheckTls): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    credentials: { rootCertificate: Buffer.from(tls.caPem), certChain: Buffer.from(tls.certPem), privateKey: Buffer.from(tls.keyPem) },
    dialTimeout: 5000,
    // No circuit breaker: etcd's "wait" answers are expected here, and whileEtcdSaysWait retries them itself.
    faultHandling: { host: () => noop, global: noop },
  });
}

/**
 * Runs `step` until it succeeds, while etcd says the change must wait: a member that joined a moment ago is not yet
 * counted as healthy (etcd refuses to change the membership until it is), and a learner is promoted only once it has
 * caught up with the leader.
 */
async function whileEtcdSaysWait<T>(what: string, step: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (e) {
      const message = (e as Error).message;
      const transient = /unhealthy cluster|in sync with leader|too many learner|leader changed|no leader|DEADLINE_EXCEEDED|UNAVAILABLE/i.test(message);
      if (!transient || Date.now() > deadline) throw new Error(`${what}: ${message}`);
    }
    await sleep(1000);
  }
}

/** An etcd member's name=peerURL for --initial-cluster; this machine's member has no name until it starts. */
function initialClusterOf(members: IMember[], self: EtcdMemberIdentity): string {
  return members.map((m) => `${m.peerURLs.includes(self.peerUrl) ? self.name : m.name}=${m.peerURLs[0]}`).join(',');
}

/**
 * Adds this machine's member to the etcd cluster one of `endpoints` belongs to, as a learner (a member without a vote,
 * so the cluster keeps its quorum until the new member runs and has caught up; promoteEtcdMember gives it its vote),
 * as `kubeadm join --control-plane` does. Returns the --initial-cluster it starts with. A member already there (a join
 * run again after it failed) is kept. Every member must be reachable from other machines: one that advertises a
 * loopback peer URL is refused.
 */
export async function addEtcdMember(endpoints: string[], tls: CheckTls, self: EtcdMemberIdentity): Promise<string> {
  const client = connect(endpoints, tls);
  try {
    const { members } = await whileEtcdSaysWait('listing the etcd members', () => client.cluster.memberList({}, { deadline: new Date(Date.now() + 10_000) }));
    const loopback = members.find((m) => m.peerURLs.some((u) => /^https?:\/\/(127\.|localhost|\[::1\])/.test(u)));
    if (loopback) throw new Error(`etcd member ${loopback.name} is reached on ${loopback.peerURLs.join(', ')}, which no other machine can reach; its machine must run skiff up with --advertise-address from the start`);
    if (members.some((m) => m.peerURLs.includes(self.peerUrl))) return initialClusterOf(members, self);
    const added = await whileEtcdSaysWait('adding the etcd member', () => client.cluster.memberAdd({ peerURLs: [self.peerUrl], isLearner: true }, { deadline: new Date(Date.now() + 10_000) }));
    return initialClusterOf(added.members, self);
  } catch (e) {
    throw new Error(`adding this machine to etcd at ${endpoints.join(', ')}: ${(e as Error).message}`);
  } finally {
    client.close();
  }
}

/** Gives this machine's learner member its vote once it has caught up; a voting member is left as it is. */
export async function promoteEtcdMember(endpoints: string[], tls: CheckTls, self: EtcdMemberIdentity): Promise<'promoted' | 'voting'> {
  const client = connect(endpoints, tls);
  try {
    const { members } = await whileEtcdSaysWait('listing the etcd members', () => client.cluster.memberList({}, { deadline: new Date(Date.now() + 10_000) }));
    const own = members.find((m) => m.peerURLs.includes(self.peerUrl));
    if (!own) throw new Error(`no etcd member has the peer URL ${self.peerUrl}; it was removed from the cluster`);
    if (!own.isLearner) return 'voting';
    await whileEtcdSaysWait(`promoting etcd member ${self.name}`, () => client.cluster.memberPromote({ ID: own.ID }, { deadline: new Date(Date.now() + 10_000) }));
    return 'promoted';
  } finally {
    client.close();
  }
}

/**
 * Takes this machine's member out of the etcd cluster before its data goes, as `kubeadm reset` does, so the cluster
 * does not count a member that will never come back. Returns 'alone' when it is the only member (nothing to leave).
 * etcd refuses when the rest would lose their quorum; the error says so.
 */
export async function removeEtcdMember(endpoints: string[], tls: CheckTls, self: EtcdMemberIdentity): Promise<'removed' | 'alone' | 'absent'> {
  const client = connect(endpoints, tls);
  try {
    const { members } = await whileEtcdSaysWait('listing the etcd members', () => client.cluster.memberList({}, { deadline: new Date(Date.now() + 10_000) }), 20_000);
    const own = members.find((m) => m.peerURLs.includes(self.peerUrl));
    if (!own) return 'absent';
    if (members.length === 1) return 'alone';
    await whileEtcdSaysWait(`removing etcd member ${self.name}`, () => client.cluster.memberRemove({ ID: own.ID }, { deadline: new Date(Date.now() + 10_000) }), 20_000);
    return 'removed';
  } finally {
    client.close();
  }
}
