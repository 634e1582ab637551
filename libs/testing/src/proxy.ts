import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestControlPlane } from './apiserver';
import { writeTestKubeconfig } from './controller-manager';
import { ProcessHandle } from './process-handle';
import { waitFor } from './wait-for';

/** Where skiff-proxy's cluster DNS listens by default (an address it holds on `lo`). */
export const testProxyDnsAddress = '169.254.20.10';

/** Every chain skiff-proxy owns starts with this. */
const ownedChainPrefix = 'SKIFF-';

/** skiff-proxy sets this to serve NodePorts on 127.0.0.1 and, as kube-proxy, never resets it; the test does. */
const routeLocalnetFile = '/proc/sys/net/ipv4/conf/all/route_localnet';

function proxyBin(): string {
  const pkg = require.resolve('@skiff/proxy/package.json');
  return path.join(path.dirname(pkg), 'bin', 'skiff-proxy.js');
}

export interface TestProxyOptions {
  controlPlane: TestControlPlane;
  /** The Node the proxy serves (a TestKubelet's nodeName). */
  nodeName: string;
  /** The pods' range (the test node's pod CIDR): ClusterIP traffic from outside it is masqueraded. */
  clusterCIDR: string;
  /** NodePorts answer only on local addresses in these; loopback by default, so no outside interface ever serves one. */
  nodePortAddresses?: string[];
  /** Coalescing period of rule syncs; short by default so tests see changes quickly. */
  minSyncPeriod?: string;
  /** Extra flags, e.g. `--v=4`. */
  args?: string[];
}

/**
 * A real skiff-proxy against a TestControlPlane, programming the host's iptables-legacy tables and serving cluster DNS
 * on 169.254.20.10. One may run per host at a time. `cleanup()` stops it by PID, runs `skiff-proxy --cleanup`, puts
 * route_localnet back, and checks that no SKIFF- chain or rule and no DNS address is left.
 */
export class TestProxy {
  private proc?: ProcessHandle;
  /** Base URL of its /healthz, /readyz and /metrics. */
  url = '';
  /** route_localnet as it was before the proxy started. */
  private readonly routeLocalnetBefore = fs.readFileSync(routeLocalnetFile, 'utf8').trim();

  private constructor(
    private readonly opts: TestProxyOptions,
    /** Holds the kubeconfig. */
    readonly dir: string,
  ) {}

  static async start(opts: TestProxyOptions): Promise<TestProxy> {
    const p = new TestProxy(opts, fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-proxy-')));
    writeTestKubeconfig(opts.controlPlane, p.dir);
    try {
      p.proc = ProcessHandle.start('skiff-proxy', process.execPath, [
        proxyBin(),
        `--kubeconfig=${path.join(p.dir, 'kubeconfig')}`,
        `--hostname-override=${opts.nodeName}`,
        '--port=0',
        `--cluster-cidr=${opts.clusterCIDR}`,
        `--nodeport-addresses=${(opts.nodePortAddresses ?? ['127.0.0.0/8']).join(',')}`,
        `--min-sync-period=${opts.minSyncPeriod ?? '100ms'}`,
        ...(opts.args ?? []),
      ]);
      const m = await p.proc.waitForOutput(/listening on (http:\/\/[\d.]+:\d+)/, 30_000);
      p.url = m[1];
      await p.waitUntilSynced();
    } catch (e) {
      const cleanupError = await p.cleanup().then(
        () => '',
        (c: Error) => `\n(and cleaning up: ${c.message})`,
      );
      throw new Error(`${(e as Error).message}${cleanupError}`);
    }
    return p;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /** The last 64 KiB it printed, for failure messages. */
  get output(): string {
    return this.proc?.recentOutput ?? '';
  }

  /** Resolves once /readyz says the first rules from synced caches are applied. */
  async waitUntilSynced(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`skiff-proxy exited:\n${this.output}`);
        return (await fetch(`${this.url}/readyz`)).ok;
      },
      { timeoutMs, intervalMs: 100, what: 'skiff-proxy to apply its first rules' },
    );
  }

  /** The proxy's Prometheus metrics text. */
  async metrics(): Promise<string> {
    const res = await fetch(`${this.url}/metrics`);
    if (!res.ok) throw new Error(`GET ${this.url}/metrics: ${res.status}`);
    return res.text();
  }

  /** SIGTERM by PID (the rules stay, as they do for a real kube-proxy), SIGKILL after a grace period. */
  async stop(): Promise<void> {
    await this.proc?.stop(10_000);
  }

  /**
   * Stops the proxy, removes its chains, jumps and DNS address with `skiff-proxy --cleanup`, and fails if any of them
   * is still there. Safe to call more than once and after a failed start.
   */
  async cleanup(): Promise<void> {
    await this.stop();
    const problems: string[] = [];
    try {
      execFileSync(process.execPath, [proxyBin(), '--cleanup'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      problems.push(`skiff-proxy --cleanup failed: ${err.stderr?.trim() || err.message}`);
    }
    // Left at 1 without the proxy's firewall rule, other hosts on the link could reach the host's 127.0.0.1 services.
    if (fs.readFileSync(routeLocalnetFile, 'utf8').trim() !== this.routeLocalnetBefore) fs.writeFileSync(routeLocalnetFile, this.routeLocalnetBefore);
    const left = leftoverProxyState();
    if (left.rules.length) problems.push(`iptables still holds:\n${left.rules.join('\n')}`);
    if (left.dnsAddress) problems.push(`lo still holds ${testProxyDnsAddress}`);
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (problems.length) throw new Error(`TestProxy cleanup:\n${problems.join('\n')}\n${this.output.slice(-4000)}`);
  }
}

/** What a proxy leaves on the host: iptables-legacy-save lines naming a SKIFF- chain, and the DNS address on `lo`. */
export function leftoverProxyState(): { rules: string[]; dnsAddress: boolean } {
  const saved = execFileSync('iptables-legacy-save', [], { encoding: 'utf8' });
  const addresses = execFileSync('ip', ['-4', 'address', 'show', 'dev', 'lo'], { encoding: 'utf8' });
  return {
    rules: saved.split('\n').filter((l) => l.includes(ownedChainPrefix)),
    dnsAddress: addresses.includes(`${testProxyDnsAddress}/32`),
  };
}
