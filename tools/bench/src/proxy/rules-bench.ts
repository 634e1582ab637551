import { performance } from 'node:perf_hooks';
import { IptablesRuleApplier, renderRules, servicePortsOf, type ExistingChains, type ProxyState, type ServicePortInfo } from '@skiff/proxy';
import { reportLatency } from '../bench-result';
import { rounded, summarize } from '../stats';
import { benchAddresses, benchClusterCIDR, benchNodeName, benchService, benchSlice, changedEndpointIP, localClusterIP, serviceCIDR } from './bench-objects';
import type { BenchNetns } from './bench-netns';
import type { ApplyResult, RenderResult } from './proxy-result';

export interface RulesBenchOptions {
  services: number;
  endpointsPerService: number;
  runs: number;
}

/** The proxier's view of the synthetic Services, read through the same conversion the Proxier uses on its caches. */
export function benchProxyState(o: Pick<RulesBenchOptions, 'services' | 'endpointsPerService'>): ProxyState {
  const ports: ServicePortInfo[] = [];
  for (let i = 0; i < o.services; i++) {
    ports.push(...servicePortsOf(benchService(i, localClusterIP(i)), [benchSlice(i, benchAddresses(i, o.endpointsPerService))], benchNodeName));
  }
  return { services: ports, clusterCIDR: benchClusterCIDR, nodePortAddresses: [], localhostNodePorts: true, serviceCIDRs: [serviceCIDR] };
}

async function timed<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await f();
  return { ms: performance.now() - start, value };
}

/** Replaces the first endpoint of one Service (a pod replaced), leaving every other one as it was. */
function withOneChange(state: ProxyState, k: number): ProxyState {
  const services = state.services.slice();
  const at = k % services.length;
  const svc = services[at];
  services[at] = { ...svc, endpoints: [{ ...svc.endpoints[0], ip: changedEndpointIP(k) }, ...svc.endpoints.slice(1)] };
  return { ...state, services };
}

/** Times renderRules in-process, then iptables-legacy-restore of its output inside the namespace. */
export async function runRulesBench(o: RulesBenchOptions, netns: BenchNetns, progress: (line: string) => void): Promise<{ render: RenderResult; apply: ApplyResult }> {
  const state = benchProxyState(o);
  const empty: ExistingChains = { nat: [], filter: [] };

  progress(`rendering the rules for ${o.services} Services × ${o.endpointsPerService} endpoints (${o.runs} timed runs after one warm-up)`);
  renderRules(state, empty);
  const renders: number[] = [];
  let rendered = renderRules(state, empty);
  for (let r = 0; r < o.runs; r++) {
    const t = await timed(() => renderRules(state, empty));
    renders.push(t.ms);
    rendered = t.value;
  }
  const render: RenderResult = {
    latencyMs: reportLatency(summarize(renders)),
    restoreBytes: Buffer.byteLength(rendered.text),
    natRules: rendered.ruleCount.nat,
    filterRules: rendered.ruleCount.filter,
    natChains: rendered.chains.nat.length,
  };

  progress(`applying them with iptables-legacy-restore in network namespace ${netns.name}`);
  const applier = new IptablesRuleApplier({ run: netns.run });
  const base = await timed(() => applier.ensureBaseRules());
  const first = await timed(() => applier.restore(rendered.text));
  const reapplies: number[] = [];
  for (let r = 0; r < o.runs; r++) reapplies.push((await timed(() => applier.restore(rendered.text))).ms);

  const changes: number[] = [];
  let chains: ExistingChains = rendered.chains;
  for (let r = 0; r < o.runs; r++) {
    const t = await timed(async () => {
      const next = renderRules(withOneChange(state, r), chains);
      await applier.restore(next.text);
      return next;
    });
    changes.push(t.ms);
    chains = t.value.chains;
  }

  const cleared = renderRules({ ...state, services: [] }, chains);
  const removeAll = await timed(() => applier.restore(cleared.text));
  const left = await applier.listChains();
  if (left.nat.length !== cleared.chains.nat.length) throw new Error(`after removing every Service, ${left.nat.length} nat chains remain (expected ${cleared.chains.nat.length})`);

  return {
    render,
    apply: {
      baseRulesMs: rounded(base.ms, 1),
      firstApplyMs: rounded(first.ms, 1),
      reapplyMs: reportLatency(summarize(reapplies)),
      oneChangeMs: reportLatency(summarize(changes)),
      removeAllMs: rounded(removeAll.ms, 1),
    },
  };
}
