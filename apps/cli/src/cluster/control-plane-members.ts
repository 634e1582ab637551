import type { ClusterPaths } from './cluster-paths';
import type { ClusterSettings } from './cluster-settings';

/**
 * One member of the control plane on this machine: an etcd member and an apiserver, with a scheduler and a
 * controller-manager beside them (those two listen on no fixed port and elect a leader among the members). `skiff up`
 * runs one member; `skiff up --ha` three, whose apiservers sit behind one load-balanced address.
 */
export interface ControlPlaneMember {
  /** Appended to each component's name: '' for the only member, else '-1', '-2', '-3'. */
  suffix: string;
  /** The member's name in the etcd cluster. */
  etcdName: string;
  etcdDataDir: string;
  apiPort: number;
  etcdPort: number;
  etcdPeerPort: number;
  /**
   * The address other machines reach its etcd member on, for a cluster whose control plane spans machines (the
   * machine's advertised address); unset when every member is on this machine, on loopback.
   */
  host?: string;
}

export function controlPlaneMembers(settings: ClusterSettings, paths: ClusterPaths): ControlPlaneMember[] {
  if (!settings.ha) {
    // The name and data directory a one-member cluster has always had, so its etcd data stays where it was; a
    // machine `skiff join --control-plane` added has a name of its own in the etcd cluster.
    const etcdName = settings.etcdMember?.name ?? 'skiff';
    return [{ suffix: '', etcdName, etcdDataDir: paths.etcdDataDir, apiPort: settings.apiPort, etcdPort: settings.etcdPort, etcdPeerPort: settings.etcdPeerPort, host: settings.advertiseAddress }];
  }
  return settings.ha.members.map((ports, i) => ({ suffix: `-${i + 1}`, etcdName: `etcd-${i + 1}`, etcdDataDir: paths.etcdMemberDataDir(`etcd-${i + 1}`), ...ports }));
}

/** Where this machine's components reach the member: always on loopback. */
export function etcdClientUrl(member: ControlPlaneMember): string {
  return `https://127.0.0.1:${member.etcdPort}`;
}

/** Where other machines reach the member's clients (to add members): its host, else loopback. */
export function etcdAdvertisedClientUrl(member: ControlPlaneMember): string {
  return `https://${member.host ?? '127.0.0.1'}:${member.etcdPort}`;
}

export function etcdPeerUrl(member: ControlPlaneMember): string {
  return `https://${member.host ?? '127.0.0.1'}:${member.etcdPeerPort}`;
}

/** A member's apiserver talks to its own etcd member first and fails over to the others, in member order. */
export function etcdServersFor(member: ControlPlaneMember, all: readonly ControlPlaneMember[]): string[] {
  return [member, ...all.filter((m) => m !== member)].map(etcdClientUrl);
}
