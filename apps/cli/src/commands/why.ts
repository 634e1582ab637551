import type { Command } from 'commander';
import { builtinScheme, formatLabelSelector, nodes, pods, type KObject, type Node, type Pod, type ResourceType } from '@skiff/api';
import { isNotFound, queryString, resourcePath } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { eventsFor } from '../describe/object-events';
import { CliError } from '../errors';
import { objectRef } from '../object-ref';
import { parseResourceArgs } from '../resources';
import { explainPod, ownerRef, type Explanation } from '../why/explain-pod';

export function registerWhy(program: Command): void {
  program
    .command('why')
    .description('Explain in plain words why a pod (or the pods of a deployment, replicaset, ...) is not Running and Ready')
    .argument('<resource...>', 'pod/NAME, deployment/NAME, TYPE NAME')
    .action(
      commandAction(async (ctx, _opts: unknown, args: string[]) => {
        const [target] = parseResourceArgs(args);
        if (target.name === undefined) throw new CliError('why needs one object: TYPE/NAME, e.g. skiff why pod/web');
        const namespace = target.type.namespaced ? ctx.namespace : undefined;
        const obj = await ctx.client.get<KObject>(target.type, namespace, target.name);
        const lines = target.type.kind === 'Pod' ? await explainOnePod(ctx, obj as Pod) : await explainWorkload(ctx, target.type, obj);
        out.stdout(lines.join('\n') + '\n');
      }),
    );
}

function render(e: Explanation): string[] {
  return [e.verdict, ...e.details.map((d) => `  ${d}`)];
}

async function ownerChain(ctx: CliContext, obj: KObject): Promise<string[]> {
  const chain: string[] = [];
  let current: KObject | undefined = obj;
  while (current && chain.length < 5) {
    const ref = ownerRef(current);
    if (!ref) break;
    chain.push(`${ref.kind}/${ref.name}`);
    const type = builtinScheme.all.find((t) => t.kind === ref.kind);
    current = type ? await ctx.client.get<KObject>(type, current.metadata.namespace, ref.name).catch(() => undefined) : undefined;
  }
  return chain;
}

async function lastLogLines(ctx: CliContext, pod: Pod): Promise<Record<string, string>> {
  const logs: Record<string, string> = {};
  for (const s of pod.status?.containerStatuses ?? []) {
    if (!(s.restartCount ?? 0)) continue;
    const path = resourcePath(pods, { namespace: pod.metadata.namespace, name: pod.metadata.name, subresource: 'log' }) + queryString({ container: s.name, previous: true, tailLines: 10 });
    const res = await ctx.client.rawRequest('GET', path);
    logs[s.name] = res.status === 200 ? res.body : `(no logs: ${(JSON.parse(res.body) as { message?: string }).message ?? res.status})`;
  }
  return logs;
}

async function explainOnePod(ctx: CliContext, pod: Pod): Promise<string[]> {
  const [events, owners, nodeList] = await Promise.all([eventsFor(ctx.client, pod, 'Pod'), ownerChain(ctx, pod), ctx.client.list<Node>(nodes, undefined, { limit: 1 })]);
  let node: Node | undefined;
  let nodeMissing = false;
  if (pod.spec?.nodeName) {
    try {
      node = await ctx.client.get<Node>(nodes, undefined, pod.spec.nodeName);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      nodeMissing = true;
    }
  }
  const lastLogs = await lastLogLines(ctx, pod);
  return render(explainPod({ pod, events, node, nodeMissing, nodeCount: nodeList.items.length, owners, lastLogs }));
}

/** A workload: its own conditions, then every pod its selector picks that is not Running and Ready. */
async function explainWorkload(ctx: CliContext, type: ResourceType, obj: KObject): Promise<string[]> {
  const spec = (obj as { spec?: { selector?: { matchLabels?: Record<string, string> }; replicas?: number } }).spec;
  if (!spec?.selector) throw new CliError(`why explains pods and the workloads that own them; ${type.resource} have no pod selector`);
  const ref = objectRef(type, obj.metadata.name!);
  const lines: string[] = [];
  const conditions = (obj as { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }).status?.conditions ?? [];
  for (const c of conditions.filter((c) => (c.type === 'Available' || c.type === 'Progressing') ? c.status !== 'True' : c.status === 'True' && c.type.endsWith('Failure'))) {
    lines.push(`${ref}: ${c.type} is ${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
  }
  const selector = formatLabelSelector(spec.selector as never);
  const podList = await ctx.client.list<Pod>(pods, obj.metadata.namespace, { labelSelector: selector === '<none>' ? undefined : selector });
  if (podList.items.length === 0) {
    const wanted = spec.replicas ?? 1;
    lines.push(wanted === 0 ? `${ref} is scaled to 0 replicas` : `${ref} wants ${wanted} pod(s) but none exist: is the controller-manager running? (skiff get events for ${obj.metadata.name})`);
    return lines;
  }
  let healthy = 0;
  for (const pod of podList.items) {
    const explanation = (await explainOnePod(ctx, pod)).filter((l) => !l.startsWith('  owned by'));
    if (explanation[0].includes('Running and Ready')) healthy++;
    else lines.push(...explanation);
  }
  lines.unshift(`${ref}: ${healthy}/${podList.items.length} pods Running and Ready`);
  return lines;
}
