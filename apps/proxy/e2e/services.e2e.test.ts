import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { EndpointSlice, Pod, Service } from '@skiff/api';
import { cidrContains, leftoverProxyState, linkExists, podMasqueradeRules, routeExists, testProxyDnsAddress, waitFor } from '@skiff/testing';
import { serviceChain } from '../src/iptables/chain-names';
import { clusterDnsIP, startTestCluster, type TestCluster } from './cluster-fixture';

// One real node (skiff-kubelet, containerd, runc, CNI bridge) and its skiff-proxy on the host's iptables-legacy
// tables, driven by the real kubectl. Service traffic goes between pods on the test's bridge, and to 127.0.0.1.
jest.setTimeout(240_000);

const POD_CIDR = '10.244.211.0/24';
const BRIDGE = 'skpx211';

const routeLocalnet = () => fs.readFileSync('/proc/sys/net/ipv4/conf/all/route_localnet', 'utf8').trim();

let cluster: TestCluster;
let routeLocalnetBefore: string;
let web: { clusterIP: string; nodePort: number };
let backends: Array<{ name: string; ip: string }>;

beforeAll(async () => {
  routeLocalnetBefore = routeLocalnet();
  cluster = await startTestCluster({ podCIDR: POD_CIDR, bridge: BRIDGE });
});

afterAll(async () => {
  await cluster?.stop();
});

const api = (path: string) => `${cluster.cp.apiserver.url}${path}`;

async function getJson<T>(path: string): Promise<T | undefined> {
  const res = await fetch(api(path));
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function isReady(p: Pod): boolean {
  return p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

async function webPods(): Promise<Pod[]> {
  return (await getJson<{ items: Pod[] }>('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb'))!.items;
}

/** The ready flag of every endpoint in the Service's EndpointSlices, by address. */
async function endpointReadiness(service: string): Promise<Record<string, boolean | undefined>> {
  const slices = (await getJson<{ items: EndpointSlice[] }>(`/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${service}`))!.items;
  const out: Record<string, boolean | undefined> = {};
  for (const s of slices) for (const e of s.endpoints ?? []) for (const a of e.addresses ?? []) out[a] = e.conditions?.ready;
  return out;
}

/** True while `pid` runs; a zombie counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function natRules(): string {
  return execFileSync('iptables-legacy-save', ['-t', 'nat'], { encoding: 'utf8' });
}

function filterRules(): string {
  return execFileSync('iptables-legacy-save', ['-t', 'filter'], { encoding: 'utf8' });
}

/** The backends the proxy DNATs the web Service to, read from the kernel's rules. */
function dnatTargets(): string[] {
  return natRules()
    .split('\n')
    .filter((l) => l.startsWith('-A SKIFF-SEP-') && l.includes('-j DNAT'))
    .map((l) => l.split('--to-destination ')[1]);
}

/** Runs a shell script in a pod's container through the real kubectl. */
function inPod(pod: string, script: string, timeoutMs = 90_000): Promise<string> {
  return cluster.kubectl.ok(['exec', pod, '--', 'sh', '-c', script], { timeoutMs });
}

/** `count` fresh HTTP requests from inside `pod`, one body (or FAIL) per line. */
async function requestsFrom(pod: string, url: string, count: number): Promise<string[]> {
  const out = await inPod(pod, `for i in $(seq ${count}); do timeout 5 wget -qO- ${url} || echo FAIL; done`);
  return out.trim().split('\n');
}

function tally(lines: string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const l of lines) t[l] = (t[l] ?? 0) + 1;
  return t;
}

describe('a Deployment behind a Service', () => {
  it('runs two httpd backends and a client pod, and the proxy DNATs the ClusterIP to both', async () => {
    await cluster.kubectl.ok(['apply', '-f', cluster.kubectl.file('web.yaml', webManifest)]);
    await cluster.kubectl.ok(['apply', '-f', cluster.kubectl.file('client.yaml', clientManifest)]);
    await waitFor(async () => (await webPods()).filter(isReady).length === 2, { what: 'both web pods Running and Ready', timeoutMs: 90_000, intervalMs: 250 });
    await waitFor(async () => {
      const client = await getJson<Pod>('/api/v1/namespaces/default/pods/client');
      return client !== undefined && isReady(client);
    }, { what: 'the client pod Running', timeoutMs: 60_000, intervalMs: 250 });
    backends = (await webPods()).map((p) => ({ name: p.metadata.name!, ip: p.status!.podIP! })).sort((a, b) => a.name.localeCompare(b.name));
    for (const b of backends) expect(cidrContains(POD_CIDR, b.ip)).toBe(true);

    const svc = JSON.parse(await cluster.kubectl.ok(['get', 'service', 'web', '-o', 'json'])) as Service;
    web = { clusterIP: svc.spec!.clusterIP!, nodePort: svc.spec!.ports![0].nodePort! };
    expect(cidrContains('10.96.0.0/12', web.clusterIP)).toBe(true);
    expect(web.nodePort).toBeGreaterThanOrEqual(30000);

    await waitFor(() => backends.every((b) => dnatTargets().includes(`${b.ip}:80`)), { what: 'DNAT rules to both backends', timeoutMs: 30_000, intervalMs: 200 });
    expect(natRules()).toContain(`-A SKIFF-SERVICES -d ${web.clusterIP}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j ${serviceChain('default/web:http', 'tcp')}`);
  });

  it('spreads 20 requests from the client pod to the ClusterIP over both backends', async () => {
    const bodies = await requestsFrom('client', `http://${web.clusterIP}/`, 20);
    const counts = tally(bodies);
    expect(Object.keys(counts).sort()).toEqual(backends.map((b) => b.name));
    expect(counts[backends[0].name] + counts[backends[1].name]).toBe(20);
  });

  it('resolves the Service by name from a pod: resolv.conf from the kubelet, wget and nslookup through cluster DNS', async () => {
    const resolv = await inPod('client', 'cat /etc/resolv.conf');
    expect(resolv).toMatch(new RegExp(`^nameserver ${clusterDnsIP.replace(/\./g, '\\.')}$`, 'm'));
    expect(resolv).toMatch(/^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b/m);
    expect(resolv).toMatch(/^options ndots:5$/m);

    const names = backends.map((b) => b.name);
    expect(names).toContain((await inPod('client', 'timeout 10 wget -qO- http://web.default.svc.cluster.local/')).trim());
    // The short name goes through the search path.
    expect(names).toContain((await inPod('client', 'timeout 10 wget -qO- http://web/')).trim());

    const lookup = await inPod('client', 'timeout 10 nslookup web.default.svc.cluster.local');
    expect(lookup).toMatch(new RegExp(`Name:\\s+web\\.default\\.svc\\.cluster\\.local\\s+Address:\\s+${web.clusterIP.replace(/\./g, '\\.')}`));
    const unknown = await inPod('client', 'timeout 10 nslookup missing.default.svc.cluster.local; echo "exit=$?"');
    expect(unknown).toMatch(/NXDOMAIN/);
    expect(unknown).toMatch(/exit=1/);

    // The queries were answered by this node's proxy, reached through the kube-dns ClusterIP.
    expect(natRules()).toContain(`--to-destination ${testProxyDnsAddress}:53`);
    const metrics = await cluster.proxy.metrics();
    expect(metrics).toMatch(/^skiff_dns_queries_total\{result="answer"\} [1-9]/m);
    expect(metrics).toMatch(/^skiff_dns_queries_total\{result="nxdomain"\} [1-9]/m);
    // Every name asked lies in the cluster domain: nothing went to the host's resolvers.
    expect(metrics).not.toMatch(/^skiff_dns_queries_total\{result="forwarded"\} [1-9]/m);
  });

  it('answers the NodePort on 127.0.0.1 from the host, and not on the node\'s bridge address', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`http://127.0.0.1:${web.nodePort}/`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      seen.push((await res.text()).trim());
    }
    expect(seen.filter((s) => !backends.some((b) => b.name === s))).toEqual([]);
    // DNATed loopback traffic needs route_localnet, which the proxy turned on.
    expect(routeLocalnet()).toBe('1');
    // NodePorts are restricted to 127.0.0.0/8: the gateway address pods see is not one.
    const gateway = POD_CIDR.replace(/\.0\/24$/, '.1');
    expect(await requestsFrom('client', `http://${gateway}:${web.nodePort}/`, 1)).toEqual(['FAIL']);
  });

  it('stops sending traffic to a pod whose readiness probe fails, and the pod still reaches itself through the Service', async () => {
    const [failing, healthy] = backends;
    await inPod(failing.name, 'rm /tmp/ready');
    await waitFor(async () => (await endpointReadiness('web'))[failing.ip] === false, { what: `${failing.name}'s endpoint to go not-ready`, timeoutMs: 30_000, intervalMs: 200 });
    await waitFor(() => !dnatTargets().includes(`${failing.ip}:80`), { what: `the DNAT rule to ${failing.name} to go`, timeoutMs: 30_000, intervalMs: 200 });
    expect(dnatTargets()).toContain(`${healthy.ip}:80`);

    expect(tally(await requestsFrom('client', `http://${web.clusterIP}/`, 20))).toEqual({ [healthy.name]: 20 });
    // Hairpin: the only ready backend calling its own Service is DNATed back to itself (and masqueraded).
    expect(await requestsFrom(healthy.name, `http://${web.clusterIP}/`, 3)).toEqual([healthy.name, healthy.name, healthy.name]);

    await inPod(failing.name, 'touch /tmp/ready');
    await waitFor(() => dnatTargets().includes(`${failing.ip}:80`), { what: `the DNAT rule to ${failing.name} to come back`, timeoutMs: 30_000, intervalMs: 200 });
    expect(Object.keys(tally(await requestsFrom('client', `http://${web.clusterIP}/`, 20))).sort()).toEqual(backends.map((b) => b.name));
  });

  it('removes the rules of a deleted Service; its ClusterIP, NodePort and name stop answering', async () => {
    const chain = serviceChain('default/web:http', 'tcp');
    expect(natRules()).toContain(chain);
    await cluster.kubectl.ok(['delete', 'service', 'web']);
    await waitFor(() => !natRules().includes(chain), { what: `chain ${chain} to be removed`, timeoutMs: 30_000, intervalMs: 200 });
    const nat = natRules();
    expect(nat).not.toContain('default/web:http');
    expect(nat).not.toContain(web.clusterIP);
    expect(dnatTargets()).toEqual([]);
    expect(filterRules()).not.toContain('default/web:http');

    // Refused at once by the rule for addresses of the service range that no Service port holds; never sent out.
    const attempt = await inPod('client', `timeout 5 wget -qO- http://${web.clusterIP}/ 2>&1; echo "exit=$?"`);
    expect(attempt).toMatch(/Connection refused/);
    expect(attempt).toMatch(/exit=1/);
    await expect(fetch(`http://127.0.0.1:${web.nodePort}/`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
    expect(await inPod('client', 'timeout 10 nslookup web.default.svc.cluster.local; echo "exit=$?"')).toMatch(/NXDOMAIN[\s\S]*exit=1/);
  });
});

describe('cleanup', () => {
  it('removes the pods, the node, every SKIFF- chain and rule, and the DNS address, leaving no process behind', async () => {
    const pids = [cluster.kubelet.pid, cluster.proxy.pid];
    const kubeletDir = cluster.kubelet.dir;
    await cluster.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(leftoverProxyState()).toEqual({ rules: [], dnsAddress: false });
    expect(linkExists(BRIDGE)).toBe(false);
    expect(routeExists(POD_CIDR)).toBe(false);
    expect(podMasqueradeRules(POD_CIDR)).toEqual([]);
    expect(routeLocalnet()).toBe(routeLocalnetBefore);
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(kubeletDir))).toEqual([]);
  });
});

const webManifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: busybox
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && exec httpd -f -p 80 -h /www']
        ports: [{name: http, containerPort: 80}]
        readinessProbe: {exec: {command: [test, -f, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

const clientManifest = `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: busybox
    command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
`;
