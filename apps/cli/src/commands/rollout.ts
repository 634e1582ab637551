import type { Command } from 'commander';
import { replicasets, type KObject, type ResourceType } from '@skiff/api';
import type { CliContext } from '../cli-context';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { objectRef } from '../object-ref';
import { alignColumns } from '../printers/table-text';
import { ProgressLine } from '../progress-line';
import { parseResourceArgs } from '../resources';
import { parseDuration } from './delete';

const revisionAnnotation = 'deployment.kubernetes.io/revision';
type Workload = KObject & { spec?: Record<string, any>; status?: Record<string, any> };

async function deploymentTarget(ctx: CliContext, args: string[]): Promise<{ type: ResourceType; name: string; obj: Workload }> {
  const [target] = parseResourceArgs(args);
  if (target.name === undefined) throw new CliError('rollout needs one object: TYPE/NAME, e.g. deployment/web');
  if (target.type.kind !== 'Deployment') throw new CliError(`rollout supports deployments; ${target.type.resource} are not`);
  return { type: target.type, name: target.name, obj: await ctx.client.get<Workload>(target.type, ctx.namespace, target.name) };
}

/** kubectl's rollout status message for a deployment, and whether the rollout is done. */
export function deploymentRolloutStatus(d: Workload): { done: boolean; message: string } {
  const name = d.metadata.name;
  const s = d.status ?? {};
  const wanted = d.spec?.replicas ?? 1;
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return { done: false, message: `Waiting for deployment spec update to be observed...` };
  const progressing = (s.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new CliError(`deployment "${name}" exceeded its progress deadline`);
  const updated = s.updatedReplicas ?? 0;
  if (updated < wanted) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...` };
  if ((s.replicas ?? 0) > updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...` };
  if ((s.availableReplicas ?? 0) < updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

async function ownedReplicaSets(ctx: CliContext, d: Workload): Promise<Workload[]> {
  const list = await ctx.client.list<Workload>(replicasets, d.metadata.namespace);
  return list.items
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid))
    .sort((a, b) => Number(a.metadata.annotations?.[revisionAnnotation] ?? 0) - Number(b.metadata.annotations?.[revisionAnnotation] ?? 0));
}

export function registerRollout(program: Command): void {
  const rollout = program.command('rollout').description('Manage the rollout of a deployment: status, history, undo, restart, pause, resume');

  rollout
    .command('status')
    .argument('<resource...>', 'deployment/NAME')
    .option('--timeout <duration>', 'give up after this long (0: no limit)', '0')
    .option('-w, --watch <bool>', 'keep watching until done', 'true')
    .action(
      commandAction(async (ctx, opts: { timeout: string; watch: string }, args: string[]) => {
        let { type, name, obj } = await deploymentTarget(ctx, args);
        const timeoutMs = parseDuration(opts.timeout);
        const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
        const progress = new ProgressLine();
        try {
          for (;;) {
            const status = deploymentRolloutStatus(obj);
            if (status.done || opts.watch === 'false') {
              progress.clear();
              progress.print(status.message);
              return;
            }
            progress.update(status.message);
            if (Date.now() >= deadline) throw new CliError(`timed out waiting for the rollout of ${objectRef(type, name)}`);
            await new Promise((r) => setTimeout(r, 500));
            obj = await ctx.client.get<Workload>(type, ctx.namespace, name);
          }
        } finally {
          progress.clear();
        }
      }),
    );

  rollout
    .command('history')
    .argument('<resource...>', 'deployment/NAME')
    .action(
      commandAction(async (ctx, _opts: unknown, args: string[]) => {
        const { type, name, obj } = await deploymentTarget(ctx, args);
        const rows = (await ownedReplicaSets(ctx, obj)).map((rs) => [rs.metadata.annotations?.[revisionAnnotation] ?? '?', rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>']);
        out.stdout(`${objectRef(type, name)}\n${alignColumns([['REVISION', 'CHANGE-CAUSE'], ...rows])}\n`);
      }),
    );

  rollout
    .command('undo')
    .argument('<resource...>', 'deployment/NAME')
    .option('--to-revision <n>', 'the revision to go back to (default: the previous one)')
    .action(
      commandAction(async (ctx, opts: { toRevision?: string }, args: string[]) => {
        const { type, name, obj } = await deploymentTarget(ctx, args);
        const sets = await ownedReplicaSets(ctx, obj);
        const current = obj.metadata.annotations?.[revisionAnnotation];
        const target = opts.toRevision && opts.toRevision !== '0'
          ? sets.find((rs) => rs.metadata.annotations?.[revisionAnnotation] === opts.toRevision)
          : sets.filter((rs) => rs.metadata.annotations?.[revisionAnnotation] !== current).pop();
        if (!target) throw new CliError(opts.toRevision ? `unable to find the specified revision ${opts.toRevision}` : `no rollout history found for ${objectRef(type, name)}`);
        const template = structuredClone(target.spec?.template ?? {});
        delete template.metadata?.labels?.['pod-template-hash'];
        await ctx.client.patch(type, ctx.namespace, name, 'merge', { spec: { template } });
        out.stdout(`${objectRef(type, name)} rolled back\n`);
      }),
    );

  rollout
    .command('restart')
    .argument('<resource...>', 'deployment/NAME')
    .action(
      commandAction(async (ctx, _opts: unknown, args: string[]) => {
        const { type, name } = await deploymentTarget(ctx, args);
        const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
        await ctx.client.patch(type, ctx.namespace, name, 'strategic', patch);
        out.stdout(`${objectRef(type, name)} restarted\n`);
      }),
    );

  for (const [verb, paused] of [['pause', true], ['resume', false]] as const) {
    rollout
      .command(verb)
      .argument('<resource...>', 'deployment/NAME')
      .action(
        commandAction(async (ctx, _opts: unknown, args: string[]) => {
          const { type, name, obj } = await deploymentTarget(ctx, args);
          if (Boolean(obj.spec?.paused) === paused) throw new CliError(`${objectRef(type, name)} is not ${paused ? 'resumed' : 'paused'}... it is already ${paused ? 'paused' : 'resumed'}`);
          await ctx.client.patch(type, ctx.namespace, name, 'merge', { spec: { paused: paused || null } });
          out.stdout(`${objectRef(type, name)} ${paused ? 'paused' : 'resumed'}\n`);
        }),
      );
  }
}
