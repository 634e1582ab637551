import type { Command } from 'commander';
import { nodes, pods, type Node, type Pod } from '@skiff/api';
import { apiErrorFromResponse, resourcePath } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { ProgressLine } from '../progress-line';
import { PendingDeletions, waitUntilGone } from '../wait-gone';
import { parseDuration } from './delete';

/** Sets spec.unschedulable; says so when the node already was in that state. */
async function setUnschedulable(ctx: CliContext, name: string, unschedulable: boolean): Promise<void> {
  const node = await ctx.client.get<Node>(nodes, undefined, name);
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  if (Boolean(node.spec?.unschedulable) === unschedulable) {
    out.stdout(`node/${name} already ${verb}\n`);
    return;
  }
  await ctx.client.patch(nodes, undefined, name, 'strategic', { spec: { unschedulable: unschedulable || null } });
  out.stdout(`node/${name} ${verb}\n`);
}

interface DrainOptions {
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  force?: boolean;
  gracePeriod?: string;
  timeout: string;
}

/** Pods drain must leave or refuses to touch, with kubectl's reasons. */
function classify(pod: Pod, opts: DrainOptions): 'evict' | 'skip' | string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror']) return 'skip';
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 'evict';
  if (owner?.kind === 'DaemonSet') return opts.ignoreDaemonsets ? 'skip' : 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
  if (!owner && !opts.force) return 'cannot delete Pods that declare no controller (use --force to override)';
  if (pod.spec?.volumes?.some((v) => v.emptyDir) && !opts.deleteEmptydirData) return 'cannot delete Pods with local storage (use --delete-emptydir-data to override)';
  return 'evict';
}

/** POST pods/NAME/eviction, retrying while a disruption budget says 429. */
async function evict(ctx: CliContext, pod: Pod, gracePeriodSeconds: number | undefined, deadline: number): Promise<void> {
  const path = resourcePath(pods, { namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: 'eviction' });
  const body = {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
    ...(gracePeriodSeconds !== undefined && { deleteOptions: { gracePeriodSeconds } }),
  };
  for (;;) {
    const res = await ctx.client.rawRequest('POST', path, body);
    if (res.status < 300 || res.status === 404) return;
    const err = apiErrorFromResponse(res.status, res.body, 'POST', path);
    if (res.status !== 429 || Date.now() >= deadline) throw err;
    out.stderr(`error when evicting pods/"${pod.metadata.name}" -n "${pod.metadata.namespace}" (will retry after 5s): ${err.message}\n`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

export function registerNodeMaintenance(program: Command): void {
  program
    .command('cordon')
    .description('Mark a node unschedulable')
    .argument('<node>', 'node name')
    .action(commandAction((ctx, _opts: unknown, name: string) => setUnschedulable(ctx, name, true)));
  program
    .command('uncordon')
    .description('Mark a node schedulable again')
    .argument('<node>', 'node name')
    .action(commandAction((ctx, _opts: unknown, name: string) => setUnschedulable(ctx, name, false)));
  program
    .command('drain')
    .description('Cordon a node and evict its pods through the eviction API (respecting disruption budgets)')
    .argument('<node>', 'node name')
    .option('--ignore-daemonsets', 'leave DaemonSet pods in place')
    .option('--delete-emptydir-data', 'evict pods with emptyDir volumes (their data is lost)')
    .option('--force', 'also evict pods no controller will recreate')
    .option('--grace-period <seconds>', 'override the pods\' termination grace period')
    .option('--timeout <duration>', 'give up after this long (0: no limit)', '0')
    .action(
      commandAction(async (ctx, opts: DrainOptions, name: string) => {
        await setUnschedulable(ctx, name, true);
        const list = await ctx.client.list<Pod>(pods, undefined, { fieldSelector: `spec.nodeName=${name}` });
        const refusals = list.items.map((p) => [p, classify(p, opts)] as const).filter(([, c]) => c !== 'evict' && c !== 'skip');
        if (refusals.length) {
          const lines = refusals.map(([p, why]) => `  ${p.metadata.namespace}/${p.metadata.name}: ${why}`);
          throw new CliError(`unable to drain node "${name}" due to error(s):\n${lines.join('\n')}`);
        }
        const skipped = list.items.filter((p) => classify(p, opts) === 'skip');
        if (skipped.length) out.stderr(`Warning: ignoring DaemonSet-managed or mirror Pods: ${skipped.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}\n`);
        const timeoutMs = parseDuration(opts.timeout);
        const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
        const grace = opts.gracePeriod !== undefined && Number(opts.gracePeriod) >= 0 ? Number(opts.gracePeriod) : undefined;
        const victims = list.items.filter((p) => classify(p, opts) === 'evict');
        const progress = new ProgressLine();
        const pending = new PendingDeletions(progress);
        try {
          await Promise.all(
            victims.map(async (p) => {
              progress.print(`evicting pod ${p.metadata.namespace}/${p.metadata.name}`);
              await evict(ctx, p, grace, deadline);
              await waitUntilGone(ctx, { type: pods, namespace: p.metadata.namespace, name: p.metadata.name!, uid: p.metadata.uid }, timeoutMs, pending);
              progress.print(`pod/${p.metadata.name} evicted`);
            }),
          );
        } finally {
          progress.clear();
        }
        out.stdout(`node/${name} drained\n`);
      }),
    );
}

