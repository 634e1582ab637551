import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodDirs } from '../volumes/pod-dirs';
import { etcHostsMount, managedHostsContent, shouldMountEtcHosts } from './etc-hosts';
import { testContainer, testPod } from './test-fixtures';

describe('/etc/hosts', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'etc-hosts-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the managed file with the pod name, FQDN and host aliases', () => {
    const pod = testPod({ hostname: 'db-0', subdomain: 'db', hostAliases: [{ ip: '10.1.1.1', hostnames: ['foo.local', 'bar.local'] }] });
    const mount = etcHostsMount(new PodDirs(root), pod, pod.spec.containers[0], { podIPs: ['10.244.0.9'], clusterDomain: 'cluster.local' });
    expect(mount).toEqual({ containerPath: '/etc/hosts', hostPath: join(root, 'pods/1111-2222/etc-hosts'), readonly: false });
    const text = readFileSync(mount!.hostPath, 'utf8');
    expect(text.startsWith('# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n')).toBe(true);
    expect(text).toContain('10.244.0.9\tdb-0.db.shop.svc.cluster.local\tdb-0\n');
    expect(text.endsWith('\n# Entries added by HostAliases.\n10.1.1.1\tfoo.local\tbar.local\n')).toBe(true);
  });

  it('copies the node file for host-network pods', () => {
    writeFileSync(join(root, 'node-hosts'), '127.0.0.1 localhost\n192.168.0.5 node-a\n');
    const pod = testPod({ hostNetwork: true });
    const mount = etcHostsMount(new PodDirs(root), pod, pod.spec.containers[0], { podIPs: [], clusterDomain: 'cluster.local', nodeHostsFile: join(root, 'node-hosts') });
    expect(readFileSync(mount!.hostPath, 'utf8')).toBe('# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n192.168.0.5 node-a\n');
  });

  it('skips pods without IPs yet and containers that mount their own /etc/hosts', () => {
    const own = testContainer({ volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] });
    expect(shouldMountEtcHosts(testPod(), testContainer(), [])).toBe(false);
    expect(shouldMountEtcHosts(testPod(), own, ['10.0.0.1'])).toBe(false);
    expect(shouldMountEtcHosts(testPod(), testContainer(), ['10.0.0.1'])).toBe(true);
  });

  it('lists every pod IP', () => {
    expect(managedHostsContent(['10.0.0.1', 'fd00::1'], 'web', '')).toContain('10.0.0.1\tweb\nfd00::1\tweb\n');
  });
});
