import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endpointslices, services, type EndpointSlice, type Service } from '@skiff/api';
import { InformerFactory } from '@skiff/client';
import { FakeKubeClient, waitFor } from '@skiff/testing';
import { Registry } from 'prom-client';
import { ensureLocalDnsAddress, nodeLocalDnsAddress, removeLocalDnsAddress, setSysctl } from './host-network';
import { hostCommands } from './iptables/host-commands';
import { IptablesRuleApplier } from './iptables/rule-applier';
import { Proxier } from './proxier';

/*
 * Real rules in a real kernel, all inside network namespaces this test makes: a "node" namespace with a bridge
 * (10.77.0.1/24), and three "pods" behind it: two HTTP backends (a, b) and a client (c). The proxier programs the
 * node namespace through iptables-legacy-restore; traffic goes only between these namespaces and the node's loopback.
 */

jest.setTimeout(90_000);

const tag = `${process.pid % 100000}`;
const nodeNs = `skiff-pxn-${tag}`;
const pods = { a: { ns: `skiff-pxa-${tag}`, ip: '10.77.0.2' }, b: { ns: `skiff-pxb-${tag}`, ip: '10.77.0.3' }, c: { ns: `skiff-pxc-${tag}`, ip: '10.77.0.4' } };

const clientScript = `
// node client.js <url> <count>: one new connection per request; prints the bodies or error codes as JSON.
const http = require('http');
const [url, count] = [process.argv[2], Number(process.argv[3])];
const one = () => new Promise((resolve) => {
  const req = http.get(url, { agent: false, timeout: 3000 }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(b)); });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  req.on('error', (e) => resolve(e.code || e.message));
});
(async () => { const out = []; for (let i = 0; i < count; i++) out.push(await one()); console.log(JSON.stringify(out)); })();
`;

const udpClientScript = `
// node udp-client.js <host> <port>: one datagram, prints the answer or TIMEOUT.
const s = require('dgram').createSocket('udp4');
const t = setTimeout(() => { console.log('TIMEOUT'); process.exit(0); }, 3000);
s.on('message', (m) => { clearTimeout(t); console.log(String(m)); process.exit(0); });
s.send('ping', Number(process.argv[3]), process.argv[2]);
`;

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const inNs = (ns: string, cmd: string, args: string[]) => sh('ip', ['netns', 'exec', ns, cmd, ...args]);

function webService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'default', name: 'web' },
    spec: { type: 'NodePort', clusterIP: '10.96.0.50', ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }] },
  };
}

function slice(service: string, ips: string[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: 'default', name: `${service}-1`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  };
}

describe('Proxier with iptables-legacy in a network namespace (root)', () => {
  let tmp: string;
  const children: ChildProcess[] = [];
  const client = new FakeKubeClient();
  const run = hostCommands({ prefix: ['ip', 'netns', 'exec', nodeNs] });
  const applier = new IptablesRuleApplier({ run });
  const abort = new AbortController();
  let informers: InformerFactory;
  let proxier: Proxier;
  let running: Promise<void>;

  function get(fromNs: string, url: string, count: number): string[] {
    return JSON.parse(inNs(fromNs, 'node', [path.join(tmp, 'client.js'), url, String(count)]));
  }

  function udp(fromNs: string, host: string, port: number): string {
    return inNs(fromNs, 'node', [path.join(tmp, 'udp-client.js'), host, String(port)]).trim();
  }

  function startInNs(ns: string, script: string): void {
    const child = spawn('ip', ['netns', 'exec', ns, 'node', '-e', script], { stdio: 'ignore' });
    children.push(child);
  }

  function savedRules(): string {
    return inNs(nodeNs, 'iptables-legacy-save', []);
  }

  async function setEndpoints(service: string, ips: string[]): Promise<void> {
    const current = await client.get<EndpointSlice>(endpointslices, 'default', `${service}-1`);
    await client.update(endpointslices, { ...current, endpoints: slice(service, ips).endpoints });
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-proxy-int-'));
    fs.writeFileSync(path.join(tmp, 'client.js'), clientScript);
    fs.writeFileSync(path.join(tmp, 'udp-client.js'), udpClientScript);

    sh('ip', ['netns', 'add', nodeNs]);
    sh('ip', ['-n', nodeNs, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', nodeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    sh('ip', ['-n', nodeNs, 'address', 'add', '10.77.0.1/24', 'dev', 'br0']);
    sh('ip', ['-n', nodeNs, 'link', 'set', 'br0', 'up']);
    // The service range routed to the bridge keeps traffic that no rule catches inside the node namespace.
    sh('ip', ['-n', nodeNs, 'route', 'add', '10.96.0.0/12', 'dev', 'br0']);
    inNs(nodeNs, 'sh', ['-c', 'printf 1 > /proc/sys/net/ipv4/ip_forward']);
    // Service traffic routed back out the bridge it came in on makes the kernel send ICMP redirects, whose rate
    // limit also swallows the port-unreachables of REJECT rules: a service without endpoints would hang, not refuse.
    inNs(nodeNs, 'sh', ['-c', 'printf 0 > /proc/sys/net/ipv4/conf/all/send_redirects; printf 0 > /proc/sys/net/ipv4/conf/br0/send_redirects']);
    for (const [name, pod] of Object.entries(pods)) {
      sh('ip', ['netns', 'add', pod.ns]);
      sh('ip', ['-n', pod.ns, 'link', 'set', 'lo', 'up']);
      sh('ip', ['-n', nodeNs, 'link', 'add', `veth-${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.ns]);
      sh('ip', ['-n', nodeNs, 'link', 'set', `veth-${name}`, 'master', 'br0', 'up']);
      // As the CNI bridge plugin's hairpinMode: a pod DNATed back to itself leaves through the port it came in on.
      sh('ip', ['-n', nodeNs, 'link', 'set', `veth-${name}`, 'type', 'bridge_slave', 'hairpin', 'on']);
      sh('ip', ['-n', pod.ns, 'address', 'add', `${pod.ip}/24`, 'dev', 'eth0']);
      sh('ip', ['-n', pod.ns, 'link', 'set', 'eth0', 'up']);
      sh('ip', ['-n', pod.ns, 'route', 'add', 'default', 'via', '10.77.0.1']);
    }
    for (const name of ['a', 'b'] as const) {
      startInNs(pods[name].ns, `require('http').createServer((q, s) => s.end('${name}')).listen(8080, '${pods[name].ip}'); setTimeout(() => process.exit(0), 120000);`);
    }
    // The node-local DNS listener, reached through the kube-dns ClusterIP (a stand-in that echoes who asked).
    await ensureLocalDnsAddress(run);
    startInNs(
      nodeNs,
      `const s = require('dgram').createSocket('udp4'); s.on('message', (m, r) => s.send('dns answer for ' + r.address, r.port, r.address)); s.bind(53, '${nodeLocalDnsAddress}'); setTimeout(() => process.exit(0), 120000);`,
    );
    await waitFor(() => get(nodeNs, `http://${pods.a.ip}:8080/`, 1)[0] === 'a' && get(nodeNs, `http://${pods.b.ip}:8080/`, 1)[0] === 'b', { what: 'the backends', timeoutMs: 20_000, intervalMs: 200 });

    client.seed(
      services,
      webService(),
      { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 'solo' }, spec: { clusterIP: '10.96.0.51', ports: [{ name: 'http', port: 80 }] } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { namespace: 'default', name: 'sticky' },
        spec: { clusterIP: '10.96.0.52', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80 }] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'kube-system', name: 'kube-dns' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'dns', protocol: 'UDP', port: 53 }] } },
    );
    client.seed(endpointslices, slice('web', [pods.a.ip, pods.b.ip]), slice('solo', [pods.a.ip]), slice('sticky', [pods.a.ip, pods.b.ip]));
    informers = new InformerFactory(client);
    proxier = new Proxier({
      informers,
      nodeName: 'node-1',
      clusterCIDR: '10.77.0.0/24',
      serviceCIDRs: ['10.96.0.0/12'],
      nodePortAddresses: ['127.0.0.0/8'],
      minSyncPeriodMs: 100,
      localDns: { address: nodeLocalDnsAddress, port: 53 },
      applier,
      registry: new Registry(),
      setSysctl: (name, value) => setSysctl(run, name, value),
    });
    running = proxier.run(abort.signal);
    await waitFor(() => proxier.hasSynced(), { what: 'the first sync', timeoutMs: 20_000 }).catch((e: Error) => {
      throw new Error(`${e.message}; last sync error: ${proxier.lastError}`);
    });
  });

  afterAll(async () => {
    abort.abort();
    await running;
    informers?.stop();
    for (const child of children) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    for (const ns of [nodeNs, ...Object.values(pods).map((p) => p.ns)]) {
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        // Never made, when set-up failed early.
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installs the jumps and sets route_localnet inside the node namespace', () => {
    const nat = inNs(nodeNs, 'iptables-legacy', ['-t', 'nat', '-S']);
    expect(nat).toContain('-A PREROUTING -m comment --comment "skiff service portals" -j SKIFF-SERVICES');
    expect(nat).toContain('-A OUTPUT -m comment --comment "skiff service portals" -j SKIFF-SERVICES');
    expect(nat).toContain('-A POSTROUTING -m comment --comment "skiff postrouting rules" -j SKIFF-POSTROUTING');
    expect(inNs(nodeNs, 'cat', ['/proc/sys/net/ipv4/conf/all/route_localnet']).trim()).toBe('1');
  });

  it('spreads a pod\'s requests to the ClusterIP over both endpoints, and the node\'s too', () => {
    const fromPod = get(pods.c.ns, 'http://10.96.0.50/', 20);
    expect(fromPod.filter((b) => b !== 'a' && b !== 'b')).toEqual([]);
    expect(new Set(fromPod)).toEqual(new Set(['a', 'b']));
    const fromNode = get(nodeNs, 'http://10.96.0.50/', 20);
    expect(new Set(fromNode)).toEqual(new Set(['a', 'b']));
  });

  it('lets a pod reach itself through its Service (hairpin masquerade)', () => {
    expect(get(pods.a.ns, 'http://10.96.0.51/', 3)).toEqual(['a', 'a', 'a']);
  });

  it('keeps a client on one endpoint with ClientIP affinity', () => {
    const bodies = get(pods.c.ns, 'http://10.96.0.52/', 12);
    expect(bodies).toEqual(Array(12).fill(bodies[0]));
    expect(['a', 'b']).toContain(bodies[0]);
  });

  it('answers the NodePort on 127.0.0.1 from the node, and not on the node\'s other addresses', () => {
    const bodies = get(nodeNs, 'http://127.0.0.1:30080/', 10);
    expect(bodies.filter((b) => b !== 'a' && b !== 'b')).toEqual([]);
    expect(get(pods.c.ns, 'http://10.77.0.1:30080/', 1)).toEqual(['ECONNREFUSED']);
  });

  it('routes the kube-dns ClusterIP:53 to the node-local listener, from a pod and from the node', () => {
    expect(udp(pods.c.ns, '10.96.0.10', 53)).toBe(`dns answer for ${pods.c.ip}`);
    expect(udp(nodeNs, '10.96.0.10', 53)).toBe('dns answer for 10.77.0.1');
  });

  it('refuses connections to addresses and ports of the service range that no Service holds, from a pod and from the node', () => {
    expect(get(pods.c.ns, 'http://10.96.0.99/', 1)).toEqual(['ECONNREFUSED']);
    expect(get(pods.c.ns, 'http://10.96.0.50:81/', 1)).toEqual(['ECONNREFUSED']);
    expect(get(nodeNs, 'http://10.96.0.99/', 1)).toEqual(['ECONNREFUSED']);
  });

  it('follows endpoint changes, and rejects connections once a service has no endpoints', async () => {
    await setEndpoints('web', [pods.b.ip]);
    await waitFor(() => !savedRules().includes(`"default/web:http -> ${pods.a.ip}:8080"`), { what: 'endpoint a leaving web' });
    expect(new Set(get(pods.c.ns, 'http://10.96.0.50/', 10))).toEqual(new Set(['b']));

    await setEndpoints('web', []);
    await waitFor(() => savedRules().includes('"default/web:http has no endpoints"'), { what: 'the REJECT rule' });
    expect(get(pods.c.ns, 'http://10.96.0.50/', 1)).toEqual(['ECONNREFUSED']);
  });

  it('--cleanup leaves no chain or jump of its own behind', async () => {
    abort.abort();
    await running;
    const result = await applier.cleanup();
    expect(result.jumpsRemoved).toBe(10);
    expect(result.chainsRemoved).toEqual(expect.arrayContaining(['nat/SKIFF-SERVICES', 'nat/SKIFF-POSTROUTING', 'filter/SKIFF-FORWARD']));
    expect(savedRules()).not.toContain('SKIFF-');
    expect(await removeLocalDnsAddress(run)).toBe(true);
    expect(inNs(nodeNs, 'ip', ['address', 'show', 'dev', 'lo'])).not.toContain(nodeLocalDnsAddress);
    // A second cleanup finds nothing to do.
    expect(await applier.cleanup()).toEqual({ jumpsRemoved: 0, chainsRemoved: [] });
  });
});
