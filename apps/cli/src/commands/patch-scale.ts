import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { KObject } from '@skiff/api';
import type { PatchType } from '@skiff/client';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { objectRef } from '../object-ref';
import { parseResourceArgs } from '../resources';

const patchTypes: Record<string, PatchType> = { strategic: 'strategic', merge: 'merge', json: 'json' };

export function registerPatchScale(program: Command): void {
  program
    .command('patch')
    .description('Update fields of an object with a strategic merge (default), JSON merge or JSON patch')
    .argument('<resources...>', 'TYPE NAME or TYPE/NAME')
    .requiredOption('-p, --patch <patch>', 'the patch, as JSON or YAML')
    .option('--type <type>', 'strategic, merge or json', 'strategic')
    .option('--subresource <name>', 'patch a subresource such as status or scale')
    .action(
      commandAction(async (ctx, opts: { patch: string; type: string; subresource?: string }, args: string[]) => {
        const patchType = patchTypes[opts.type];
        if (!patchType) throw new CliError(`--type must be one of strategic, merge, json; got "${opts.type}"`);
        let body: unknown;
        try {
          body = parseYaml(opts.patch);
        } catch (err) {
          throw new CliError(`unable to parse the patch: ${(err as Error).message.split('\n')[0]}`);
        }
        for (const t of parseResourceArgs(args)) {
          if (t.name === undefined) throw new CliError('patch needs an object name: TYPE NAME or TYPE/NAME');
          const namespace = t.type.namespaced ? ctx.namespace : undefined;
          const before = await ctx.client.get<KObject>(t.type, namespace, t.name);
          const after = await ctx.client.patch<KObject>(t.type, namespace, t.name, patchType, body, { subresource: opts.subresource });
          const unchanged = after.metadata?.resourceVersion === before.metadata.resourceVersion;
          out.stdout(`${objectRef(t.type, t.name)} patched${unchanged ? ' (no change)' : ''}\n`);
        }
      }),
    );

  program
    .command('scale')
    .description('Set the replica count of deployments, replicasets, statefulsets (through the scale subresource)')
    .argument('<resources...>', 'TYPE NAME or TYPE/NAME')
    .requiredOption('--replicas <n>', 'the new number of replicas')
    .option('--current-replicas <n>', 'only scale when the current count is this')
    .action(
      commandAction(async (ctx, opts: { replicas: string; currentReplicas?: string }, args: string[]) => {
        const replicas = Number(opts.replicas);
        if (!Number.isInteger(replicas) || replicas < 0) throw new CliError(`--replicas must be a non-negative integer, got "${opts.replicas}"`);
        for (const t of parseResourceArgs(args)) {
          if (t.name === undefined) throw new CliError('scale needs an object name: TYPE NAME or TYPE/NAME');
          if (!t.type.subresources.some((s) => s.name === 'scale')) throw new CliError(`${t.type.resource} cannot be scaled: they have no scale subresource`);
          const namespace = t.type.namespaced ? ctx.namespace : undefined;
          if (opts.currentReplicas !== undefined) {
            const scale = await ctx.client.get<KObject & { spec?: { replicas?: number } }>(t.type, namespace, t.name, { subresource: 'scale' });
            if ((scale.spec?.replicas ?? 0) !== Number(opts.currentReplicas)) {
              throw new CliError(`expected ${opts.currentReplicas} replicas of ${objectRef(t.type, t.name)}, found ${scale.spec?.replicas ?? 0}`);
            }
          }
          await ctx.client.patch(t.type, namespace, t.name, 'merge', { spec: { replicas } }, { subresource: 'scale' });
          out.stdout(`${objectRef(t.type, t.name)} scaled\n`);
        }
      }),
    );
}
