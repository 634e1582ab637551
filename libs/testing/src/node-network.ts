import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const CNI_RESULTS = '/var/lib/cni/results';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function commandExists(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Whether `ip` (dotted IPv4) lies in `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipv4ToNumber(base) - (ipv4ToNumber(base) % size);
  const n = ipv4ToNumber(ip);
  return n >= start && n < start + size;
}

/** True when the host has a route for exactly `cidr` (a bridge holding that pod CIDR). */
export function routeExists(cidr: string): boolean {
  return run('ip', ['route', 'show', cidr]).trim() !== '';
}

export function linkExists(name: string): boolean {
  try {
    run('ip', ['link', 'show', name]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The nat rules (iptables-save syntax) that the CNI bridge plugin's ipMasq adds per pod address of `cidr`, in every
 * iptables variant on the host: `-A POSTROUTING -s <podIP>/32 … -j CNI-<hash>`.
 */
export function podMasqueradeRules(cidr: string): Array<{ iptables: string; rule: string; chain?: string }> {
  const out: Array<{ iptables: string; rule: string; chain?: string }> = [];
  for (const iptables of ['iptables', 'iptables-legacy'].filter(commandExists)) {
    let rules: string;
    try {
      rules = run(iptables, ['-w', '-t', 'nat', '-S', 'POSTROUTING']);
    } catch {
      continue;
    }
    for (const rule of rules.split('\n')) {
      const m = /^-A POSTROUTING -s (\d+\.\d+\.\d+\.\d+)\/32 .*-j (CNI-[0-9a-f]+)\b/.exec(rule);
      if (m && cidrContains(cidr, m[1])) out.push({ iptables, rule, chain: m[2] });
    }
  }
  return out;
}

/**
 * Removes what a test node's pod network leaves on the host: the bridge (and with it the route of the CIDR),
 * ipMasq rules and chains for addresses of the CIDR, and CNI's cached results of the given sandboxes.
 */
export function removeNodeNetwork(opts: { bridge: string; podCIDR: string; sandboxIds?: readonly string[] }): void {
  if (linkExists(opts.bridge)) run('ip', ['link', 'del', opts.bridge]);
  for (const { iptables, rule, chain } of podMasqueradeRules(opts.podCIDR)) {
    // iptables-save quoting is shell quoting.
    execFileSync('sh', ['-c', `${iptables} -w -t nat ${rule.replace(/^-A /, '-D ')}`], { stdio: 'ignore' });
    if (chain) {
      run(iptables, ['-w', '-t', 'nat', '-F', chain]);
      run(iptables, ['-w', '-t', 'nat', '-X', chain]);
    }
  }
  if (fs.existsSync(CNI_RESULTS)) {
    for (const f of fs.readdirSync(CNI_RESULTS)) {
      if (opts.sandboxIds?.some((id) => f.includes(`-${id}-`))) fs.rmSync(path.join(CNI_RESULTS, f), { force: true });
    }
  }
}
