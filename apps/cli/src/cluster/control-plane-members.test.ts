import { ClusterPaths } from './cluster-paths';
import { apiserverSpec, controllerManagerSpec, etcdSpec, schedulerSpec, type ClusterContext } from './cluster-components';
import type { ClusterSettings } from './cluster-settings';
import { controlPlaneMembers, etcdServersFor } from './control-plane-members';

const paths = new ClusterPaths('/var/lib/skiff-test');
const base: ClusterSettings = { apiPort: 6443, etcdPort: 2379, etcdPeerPort: 2380, registryPort: 5000, nodeName: 'n1', podCIDR: '10.244.0.0/24', clusterCIDR: '10.244.0.0/16', cniBridge: 'skiff0' };
const ha: ClusterSettings = {
  ...base,
  ha: {
    members: [
      { apiPort: 6444, etcdPort: 2379, etcdPeerPort: 2380 },
      { apiPort: 6445, etcdPort: 2381, etcdPeerPort: 2382 },
      { apiPort: 6446, etcdPort: 2383, etcdPeerPort: 2384 },
    ],
  },
};

/** Just what the control plane's specs read from a context. */
function context(settings: ClusterSettings): ClusterContext {
  const access = { apiserverArgs: ['--advertise-address=10.244.0.1'], controllerManagerArgs: [], kubeconfig: (who: string) => `/k/${who}`, etcd: { memberArgs: ['--client-cert-auth'] } };
  return { paths, settings, access, env: {}, members: controlPlaneMembers(settings, paths) } as unknown as ClusterContext;
}

const flag = (args: readonly string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('control-plane members', () => {
  it('is one member for a plain cluster, with the etcd name and data directory it always had', () => {
    const [only] = controlPlaneMembers(base, paths);
    expect(controlPlaneMembers(base, paths)).toHaveLength(1);
    expect(only).toMatchObject({ suffix: '', etcdName: 'skiff', etcdDataDir: paths.etcdDataDir, apiPort: 6443 });
    const c = context(base);
    expect(etcdSpec(c, only, c.members)).toMatchObject({ name: 'etcd', args: expect.arrayContaining(['--client-cert-auth', '--listen-client-urls=https://127.0.0.1:2379']) });
    const apiserver = apiserverSpec(c, only, c.members);
    expect(apiserver.name).toBe('apiserver');
    expect([flag(apiserver.args, 'bind-address'), flag(apiserver.args, 'secure-port'), flag(apiserver.args, 'endpoint-reconciler-type')]).toEqual(['0.0.0.0', '6443', undefined]);
    // Leader election is on as in Kubernetes: a machine may join the control plane later.
    expect(schedulerSpec(c, only).args).toContain('--leader-elect');
  });

  it('is three members with --ha: one etcd cluster, loopback apiservers that leave the endpoints alone, elected leaders', () => {
    const c = context(ha);
    expect(c.members.map((m) => [m.suffix, m.etcdName, m.etcdDataDir])).toEqual([
      ['-1', 'etcd-1', `${paths.dir}/etcd-1`],
      ['-2', 'etcd-2', `${paths.dir}/etcd-2`],
      ['-3', 'etcd-3', `${paths.dir}/etcd-3`],
    ]);
    const second = c.members[1];
    const etcd = etcdSpec(c, second, c.members);
    expect(etcd.name).toBe('etcd-2');
    expect(flag(etcd.args, 'initial-cluster')).toBe('etcd-1=https://127.0.0.1:2380,etcd-2=https://127.0.0.1:2382,etcd-3=https://127.0.0.1:2384');
    expect([flag(etcd.args, 'listen-client-urls'), flag(etcd.args, 'listen-peer-urls'), flag(etcd.args, 'data-dir')]).toEqual(['https://127.0.0.1:2381', 'https://127.0.0.1:2382', `${paths.dir}/etcd-2`]);
    const apiserver = apiserverSpec(c, second, c.members);
    expect(apiserver.name).toBe('apiserver-2');
    expect(flag(apiserver.args, 'etcd-servers')).toBe('https://127.0.0.1:2381,https://127.0.0.1:2379,https://127.0.0.1:2383');
    expect([flag(apiserver.args, 'bind-address'), flag(apiserver.args, 'secure-port'), flag(apiserver.args, 'endpoint-reconciler-type')]).toEqual(['127.0.0.1', '6445', 'none']);
    expect(schedulerSpec(c, second)).toMatchObject({ name: 'scheduler-2', args: expect.arrayContaining(['--leader-elect']) });
    expect(controllerManagerSpec(c, c.members[2])).toMatchObject({ name: 'controller-manager-3', args: expect.arrayContaining(['--leader-elect']) });
  });

  it("gives each apiserver its own member's etcd first", () => {
    const members = controlPlaneMembers(ha, paths);
    expect(members.map((m) => etcdServersFor(m, members)[0])).toEqual(['https://127.0.0.1:2379', 'https://127.0.0.1:2381', 'https://127.0.0.1:2383']);
  });
});
