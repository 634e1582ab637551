import { performance } from 'node:perf_hooks';
import type { EndpointSlice } from '@skiff/api';
import { HttpKubeClient, InformerFactory } from '@skiff/client';
import { IptablesRuleApplier, Proxier, setSysctl, type OwnedChains, type RestoreResult, type RuleApplier } from '@skiff/proxy';
import type { TestControlPlane } from '@skiff/testing';
import { Registry, type Histogram } from 'prom-client';
import { reportLatency } from '../bench-result';
import { forEachConcurrently } from '../concurrent';
import type { Deadline } from '../deadline';
import { LoopbackClient } from '../loopback-client';
import { rounded, summarize } from '../stats';
import {
  benchAddresses,
  benchClusterCIDR,
  benchNamespace,
  benchNodeName,
  benchService,
  benchSlice,
  changedEndpointIP,
  dnatsTo,
  endpointRangePrefix,
  serviceCIDR,
} from './bench-objects';
import type { BenchNetns } from './bench-netns';
import type { SyncResult } from './proxy-result';

export interface SyncBenchOptions {
  services: number;
  endpointsPerService: number;
  minSyncPeriodMs: number;
  changes: number;
}

/** One restore the Proxier completed: when, how long it took, and what of interest its text held. */
interface Restore {
  endedAt: number;
  ms: number;
  benchDnats: number;
  text: string;
}

/**
 * The namespace's applier, noting when each restore ends; waiters registered before a write learn when the first
 * restore whose text satisfies them ended.
 */
class RecordingApplier implements RuleApplier {
  readonly restores: Array<Omit<Restore, 'text'>> = [];
  private waiters: Array<{ test: (r: Restore) => boolean; resolve: (endedAt: number) => void }> = [];

  constructor(private readonly inner: RuleApplier) {}

  ensureBaseRules(): Promise<void> {
    return this.inner.ensureBaseRules();
  }

  listChains(): Promise<OwnedChains> {
    return this.inner.listChains();
  }

  async restore(text: string): Promise<RestoreResult> {
    const start = performance.now();
    const result = await this.inner.restore(text);
    const endedAt = performance.now();
    const r: Restore = { endedAt, ms: endedAt - start, benchDnats: dnatsTo(text, endpointRangePrefix), text };
    this.restores.push({ endedAt, ms: r.ms, benchDnats: r.benchDnats });
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(r)) return true;
      w.resolve(endedAt);
      return false;
    });
    return result;
  }

  /** Resolves with the end time of the first restore, from now on, that passes `test`. */
  next(test: (r: Restore) => boolean, timeoutMs: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no restore with ${what} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const done = (endedAt: number) => {
        clearTimeout(timer);
        resolve(endedAt);
      };
      this.waiters.push({ test, resolve: done });
    });
  }
}

async function meanSyncMs(registry: Registry): Promise<number | null> {
  const metric = registry.getSingleMetric('skiff_proxy_sync_duration_seconds') as Histogram | undefined;
  const values = (await metric?.get())?.values ?? [];
  const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? NaN;
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? NaN;
  return count > 0 ? rounded((sum / count) * 1000, 1) : null;
}

/**
 * The whole path a change takes on a node: the Proxier's informers on the real apiserver, its coalescing sync loop,
 * renderRules and iptables-legacy-restore into the benchmark's namespace. Times the Services and EndpointSlices being
 * written → the rules for every endpoint applied, then single EndpointSlice updates → applied.
 */
export async function runSyncBench(cp: TestControlPlane, o: SyncBenchOptions, netns: BenchNetns, deadline: Deadline, progress: (line: string) => void): Promise<SyncResult> {
  const kube = new HttpKubeClient({ server: cp.apiserver.url, namespace: benchNamespace }, { userAgent: 'skiff-bench/proxy' });
  const informers = new InformerFactory(kube);
  const registry = new Registry();
  const applier = new RecordingApplier(new IptablesRuleApplier({ run: netns.run }));
  const proxier = new Proxier({
    informers,
    nodeName: benchNodeName,
    clusterCIDR: benchClusterCIDR,
    serviceCIDRs: [serviceCIDR],
    minSyncPeriodMs: o.minSyncPeriodMs,
    // No periodic full sync in the middle of the measurement.
    syncPeriodMs: 3_600_000,
    applier,
    registry,
    setSysctl: (name, value) => setSysctl(netns.run, name, value),
  });
  const writer = new LoopbackClient(new URL(cp.apiserver.url), 16);
  const stop = new AbortController();
  const running = proxier.run(stop.signal);
  try {
    const synced = performance.now();
    while (!proxier.hasSynced()) {
      if (performance.now() - synced > deadline.cap(30_000)) throw new Error(`the Proxier did not apply its first rules: ${proxier.lastError ?? 'no sync yet'}`);
      await new Promise((r) => setTimeout(r, 20));
    }

    const total = o.services * o.endpointsPerService;
    const complete = applier.next((r) => r.benchDnats === total, deadline.remainingMs(), `all ${total} endpoints`);
    complete.catch(() => undefined);
    const restoresBefore = applier.restores.length;
    progress(`writing ${o.services} Services and their EndpointSlices (16 in flight) while the Proxier syncs at a ${o.minSyncPeriodMs} ms minimum period`);
    const writeStart = performance.now();
    let lastWrite = writeStart;
    const slices = new Map<number, EndpointSlice>();
    await forEachConcurrently(o.services, 16, async (i) => {
      deadline.check('writing Services');
      const reply = await writer.expect(201, 'POST', `/api/v1/namespaces/${benchNamespace}/services`, JSON.stringify(benchService(i)));
      lastWrite = Math.max(lastWrite, reply.receivedAt);
    });
    await forEachConcurrently(o.services, 16, async (i) => {
      deadline.check('writing EndpointSlices');
      const reply = await writer.expect(201, 'POST', `/apis/discovery.k8s.io/v1/namespaces/${benchNamespace}/endpointslices`, JSON.stringify(benchSlice(i, benchAddresses(i, o.endpointsPerService))));
      slices.set(i, JSON.parse(reply.body.toString('utf8')) as EndpointSlice);
      lastWrite = Math.max(lastWrite, reply.receivedAt);
    });
    const writeSeconds = (lastWrite - writeStart) / 1000;
    progress(`written in ${writeSeconds.toFixed(2)} s; waiting for the rules of all ${total} endpoints`);
    const appliedAt = await complete;
    const restoresToComplete = applier.restores.slice(restoresBefore);
    const final = restoresToComplete[restoresToComplete.length - 1];

    const changes: number[] = [];
    if (o.changes > 0) progress(`timing ${o.changes} single EndpointSlice updates`);
    for (let k = 0; k < o.changes; k++) {
      deadline.check('EndpointSlice updates');
      // A quiet proxy: past its minimum period, the change is synced as soon as it is seen.
      await new Promise((r) => setTimeout(r, o.minSyncPeriodMs + 50));
      // Spread over the Services; each replaces the first endpoint with a new address.
      const i = Math.floor((k * o.services) / o.changes);
      const slice = slices.get(i)!;
      const ip = changedEndpointIP(k);
      const updated: EndpointSlice = { ...slice, endpoints: [{ ...slice.endpoints![0], addresses: [ip] }, ...slice.endpoints!.slice(1)] };
      const seen = applier.next((r) => r.text.includes(`--to-destination ${ip}:`), deadline.cap(60_000), `endpoint ${ip}`);
      seen.catch(() => undefined);
      const reply = await writer.expect(200, 'PUT', `/apis/discovery.k8s.io/v1/namespaces/${benchNamespace}/endpointslices/${slice.metadata.name}`, JSON.stringify(updated));
      slices.set(i, JSON.parse(reply.body.toString('utf8')) as EndpointSlice);
      changes.push((await seen) - reply.receivedAt);
    }

    return {
      minSyncPeriodMs: o.minSyncPeriodMs,
      objects: o.services * 2,
      writeSeconds: rounded(writeSeconds, 3),
      lastWriteToAppliedMs: rounded(appliedAt - lastWrite, 1),
      syncsWhileWriting: restoresToComplete.length,
      finalRestoreMs: rounded(final?.ms ?? NaN, 1),
      meanSyncMs: await meanSyncMs(registry),
      oneChangeToAppliedMs: reportLatency(summarize(changes)),
    };
  } finally {
    stop.abort();
    await running.catch(() => undefined);
    informers.stop();
    kube.close();
    writer.close();
  }
}
