import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@skiff/testing';
import { ClusterPaths } from './cluster-paths';
import { cidrWithin, defaultNodeName, gatewayOf, readSettings, resolveSettings, writeSettings, type ClusterSettings } from './cluster-settings';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

describe('cluster settings', () => {
  let paths: ClusterPaths;
  const servers: net.Server[] = [];

  beforeEach(() => {
    paths = new ClusterPaths(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-settings-')));
  });

  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
    fs.rmSync(paths.dir, { recursive: true, force: true });
  });

  async function recorded(overrides: Partial<ClusterSettings> = {}): Promise<ClusterSettings> {
    const settings: ClusterSettings = {
      apiPort: await freePort(),
      etcdPort: await freePort(),
      etcdPeerPort: await freePort(),
      registryPort: await freePort(),
      nodeName: 'recorded-node',
      podCIDR: '10.244.9.0/24',
      clusterCIDR: '10.244.0.0/16',
      cniBridge: 'skrec0',
      routeLocalnetBefore: '0',
      ...overrides,
    };
    writeSettings(paths, settings);
    return settings;
  }

  it('keeps what the data directory recorded, so a restarted cluster keeps its ports and node', async () => {
    const before = await recorded();
    const { settings, notes } = await resolveSettings(paths, {}, { registry: true });
    expect(settings).toEqual(before);
    expect(notes).toEqual([]);
  });

  it('lets flags win over the record', async () => {
    await recorded();
    const apiPort = await freePort();
    const { settings } = await resolveSettings(paths, { apiPort, nodeName: 'flagged', podCidr: '10.244.241.0/24', cniBridge: 'skup0' }, { registry: true });
    expect(settings).toMatchObject({ apiPort, nodeName: 'flagged', podCIDR: '10.244.241.0/24', clusterCIDR: '10.244.0.0/16', cniBridge: 'skup0' });
  });

  it('refuses a port given by flag that is in use', async () => {
    const port = await freePort();
    servers.push(await listen(port));
    await expect(resolveSettings(paths, { apiPort: port }, { registry: true })).rejects.toThrow(`port ${port} (--api-port) is in use on 127.0.0.1; pick another`);
  });

  it('moves a recorded port that something else took to a free one, and says so', async () => {
    const before = await recorded();
    servers.push(await listen(before.apiPort));
    const { settings, notes } = await resolveSettings(paths, {}, { registry: true });
    expect(settings.apiPort).not.toBe(before.apiPort);
    expect(settings.etcdPort).toBe(before.etcdPort);
    expect(notes).toEqual([`port ${before.apiPort} is in use, so the apiserver listens on ${settings.apiPort}`]);
  });

  it('does not probe the registry port for a hollow node', async () => {
    const before = await recorded();
    servers.push(await listen(before.registryPort));
    const { settings, notes } = await resolveSettings(paths, {}, { registry: false });
    expect(settings.registryPort).toBe(before.registryPort);
    expect(notes).toEqual([]);
  });

  it('uses the pod CIDR as the cluster range when it lies outside the default one', async () => {
    const { settings } = await resolveSettings(paths, { podCidr: '192.168.50.0/24' }, { registry: false });
    expect(settings.clusterCIDR).toBe('192.168.50.0/24');
    expect(cidrWithin('10.244.3.0/24', '10.244.0.0/16')).toBe(true);
    expect(cidrWithin('10.245.3.0/24', '10.244.0.0/16')).toBe(false);
  });

  it('records the settings as JSON in the data directory', async () => {
    const before = await recorded();
    expect(readSettings(paths)).toEqual(before);
    expect(JSON.parse(fs.readFileSync(path.join(paths.dir, 'cluster.json'), 'utf8'))).toEqual(before);
  });

  it('gives --ha three members: the apiservers on the ports after the front, the etcd members two ports apart', async () => {
    const apiPort = await freePort();
    const etcdPort = await freePort();
    const { settings } = await resolveSettings(paths, { apiPort, etcdPort, ha: true }, { registry: false });
    // Each preferred port is taken only when free; one in use moves elsewhere, so compare with what each would be.
    const members = settings.ha!.members;
    expect(members).toHaveLength(3);
    expect(members[0]).toMatchObject({ etcdPort, etcdPeerPort: settings.etcdPeerPort });
    const ports = [apiPort, settings.etcdPeerPort, ...members.flatMap((m) => [m.apiPort, m.etcdPort, m.etcdPeerPort])];
    expect(new Set(ports).size).toBe(ports.length - 1); // member 1's etcd client port is the cluster's etcdPort
    for (const [i, m] of members.entries()) if (m.apiPort !== apiPort + i + 1) expect(await listen(apiPort + i + 1).then((srv) => servers.push(srv)).catch(() => 'taken')).toBe('taken');
  });

  it('keeps --ha and its members\' ports for a data directory that had it, even without the flag', async () => {
    const members = [
      { apiPort: await freePort(), etcdPort: await freePort(), etcdPeerPort: await freePort() },
      { apiPort: await freePort(), etcdPort: await freePort(), etcdPeerPort: await freePort() },
      { apiPort: await freePort(), etcdPort: await freePort(), etcdPeerPort: await freePort() },
    ];
    const before = await recorded({ ha: { members } });
    const { settings } = await resolveSettings(paths, {}, { registry: true });
    expect(settings.ha).toEqual({ members: members.map((m, i) => (i === 0 ? { ...m, etcdPort: before.etcdPort, etcdPeerPort: before.etcdPeerPort } : m)) });
  });

  it('refuses --ha for a data directory whose one-member cluster has etcd data', async () => {
    await recorded();
    fs.mkdirSync(paths.etcdDataDir);
    await expect(resolveSettings(paths, { ha: true }, { registry: false })).rejects.toThrow(`${paths.dir} holds a cluster with one control-plane member`);
  });

  it('makes a node name from the host name', () => {
    expect(defaultNodeName('My_Laptop.Local')).toBe('my-laptop.local');
    expect(defaultNodeName('--')).toBe('skiff-node');
  });
});

describe('gatewayOf', () => {
  it('is the first address of the range, as the CNI bridge takes it', () => {
    expect(gatewayOf('10.244.0.0/24')).toBe('10.244.0.1');
    expect(gatewayOf('10.244.241.0/24')).toBe('10.244.241.1');
    expect(gatewayOf('10.244.3.128/25')).toBe('10.244.3.129');
    expect(() => gatewayOf('nope')).toThrow('not an IPv4 CIDR: nope');
  });
});
