import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { TestControlPlane } from '@skiff/testing';
import { Deadline } from '../deadline';
import { BenchNetns } from './bench-netns';
import { runDnsBench } from './dns-bench';
import type { ProxyBenchOptions } from './proxy-options';
import type { ProxyBenchResult } from './proxy-result';
import { runRulesBench } from './rules-bench';
import { runSyncBench } from './sync-bench';

// The namespace of the run in progress, so that Ctrl-C removes it (and every rule in it) before exiting.
let current: BenchNetns | undefined;

/** Removes what the running benchmark made beyond the control plane. */
export async function interruptProxyBench(): Promise<void> {
  current?.remove();
}

function iptablesVersion(): string {
  try {
    return execFileSync('iptables-legacy', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('iptables-legacy is not installed (Debian: apt-get install -y iptables)');
  }
}

/** Rules (render, apply), the Proxier's full sync against the program's control plane, then DNS; see proxyUsage. */
export async function runProxyBench(cp: TestControlPlane, o: ProxyBenchOptions, progress: (line: string) => void): Promise<ProxyBenchResult> {
  if (process.getuid?.() !== 0) throw new Error('skiff-bench proxy must run as root: it makes a network namespace and runs iptables-legacy-restore in it');
  const iptables = iptablesVersion();
  const deadline = new Deadline(o.timeoutSeconds * 1000);
  const netns = (current = BenchNetns.create(`skiff-pxbench-${process.pid}`));
  try {
    const rules = await runRulesBench(o, netns, progress);
    deadline.check('applying rules');
    let sync: ProxyBenchResult['sync'] = null;
    if (!o.skipSync) {
      sync = await runSyncBench(cp, o, netns, deadline, progress);
    }
    deadline.check('the full sync');
    const dns = await runDnsBench(o, progress);
    return {
      benchmark: 'proxy',
      services: o.services,
      endpointsPerService: o.endpointsPerService,
      runs: o.runs,
      ...rules,
      sync,
      dns,
      environment: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, iptables },
    };
  } finally {
    netns.remove();
    current = undefined;
  }
}
