import type { Command } from 'commander';
import { createThreeWayPatch, type KObject, type ResourceType } from '@skiff/api';
import { isConflict, isNotFound } from '@skiff/client';
import type { CliContext } from '../cli-context';
import { collect, commandAction, out } from '../command-action';
import { readManifests } from '../manifests';
import { namespaceForManifest, objectRef, sortedJson } from '../object-ref';
import { resourceForObject } from '../resources';

/** kubectl's annotation: the configuration applied last, which the next apply diffs against. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

interface ApplyOptions {
  filename?: string[];
  recursive?: boolean;
  serverSide?: boolean;
  fieldManager?: string;
  forceConflicts?: boolean;
  dryRun?: string;
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description('Create or update objects from manifests (three-way merge with the last-applied configuration, or --server-side)')
    .option('-f, --filename <path>', 'file, directory or - (stdin); repeatable', collect)
    .option('-R, --recursive', 'read directories recursively')
    .option('--server-side', 'let the apiserver merge (server-side apply) instead of the client')
    .option('--field-manager <name>', 'field manager name for server-side apply', 'skiff')
    .option('--force-conflicts', 'server-side apply: take over fields other managers own')
    .option('--dry-run <mode>', 'server: validate on the server without persisting')
    .action(commandAction(async (ctx, opts: ApplyOptions) => applyCommand(ctx, opts)));
}

async function applyCommand(ctx: CliContext, opts: ApplyOptions): Promise<void> {
  const manifests = readManifests(opts.filename ?? [], Boolean(opts.recursive));
  const dryRun = opts.dryRun === 'server';
  for (const { object, source } of manifests) {
    const type = resourceForObject(object, source);
    const namespace = namespaceForManifest(ctx, type, object);
    const name = object.metadata?.name;
    if (!name) throw new Error(`${source}: ${type.kind} has no metadata.name`);
    const obj: KObject = { ...object, metadata: { ...object.metadata, ...(namespace && { namespace }) } };
    const suffix = dryRun ? ' (server dry run)' : '';
    if (opts.serverSide) {
      await ctx.client.patch(type, namespace, name, 'apply', JSON.stringify(obj), {
        fieldManager: opts.fieldManager,
        force: opts.forceConflicts,
        dryRun,
      });
      out.stdout(`${objectRef(type, name)} serverside-applied${suffix}\n`);
    } else {
      const result = await clientSideApply(ctx, type, namespace, name, obj, dryRun);
      out.stdout(`${objectRef(type, name)} ${result}${suffix}\n`);
    }
  }
}

/** The configuration with the last-applied annotation set to itself (without that annotation), as kubectl sends it. */
export function withLastApplied(obj: KObject): KObject {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  delete annotations[lastAppliedAnnotation];
  // kubectl records an empty annotations map rather than none; matching it keeps the two annotations identical.
  const bare: KObject = { ...obj, metadata: { ...obj.metadata, annotations } };
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...annotations, [lastAppliedAnnotation]: sortedJson(bare) + '\n' } } };
}

/** Create when absent, else patch by the three-way diff; retries when another writer got in between. */
async function clientSideApply(ctx: CliContext, type: ResourceType, namespace: string | undefined, name: string, obj: KObject, dryRun: boolean): Promise<string> {
  const modified = withLastApplied(obj);
  for (let attempt = 0; ; attempt++) {
    let live: KObject;
    try {
      live = await ctx.client.get<KObject>(type, namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await ctx.client.create(type, namespace, modified, { dryRun });
      return 'created';
    }
    const lastText = live.metadata.annotations?.[lastAppliedAnnotation];
    const original = lastText ? (JSON.parse(lastText) as unknown) : undefined;
    const patch = createThreeWayPatch(original, modified, live, type.schema);
    if (Object.keys(patch).length === 0) return 'unchanged';
    try {
      await ctx.client.patch(type, namespace, name, 'strategic', patch, { dryRun });
      return 'configured';
    } catch (err) {
      if (!isConflict(err) || attempt >= 4) throw err;
    }
  }
}
