import type { Command } from 'commander';
import type { KObject } from '@skiff/api';
import { collect, commandAction, out } from '../command-action';
import { readManifests } from '../manifests';
import { namespaceForManifest, objectRef } from '../object-ref';
import { resourceForObject } from '../resources';
import { withLastApplied } from './apply';

interface ManifestOptions {
  filename?: string[];
  recursive?: boolean;
  saveConfig?: boolean;
}

export function registerCreateReplace(program: Command): void {
  program
    .command('create')
    .description('Create objects from manifests; fails for objects that exist')
    .option('-f, --filename <path>', 'file, directory or - (stdin); repeatable', collect)
    .option('-R, --recursive', 'read directories recursively')
    .option('--save-config', 'record the configuration in the last-applied annotation so a later apply merges with it')
    .action(
      commandAction(async (ctx, opts: ManifestOptions) => {
        for (const { object, source } of readManifests(opts.filename ?? [], Boolean(opts.recursive))) {
          const type = resourceForObject(object, source);
          const namespace = namespaceForManifest(ctx, type, object);
          let obj: KObject = { ...object, metadata: { ...object.metadata, ...(namespace && { namespace }) } };
          if (opts.saveConfig) obj = withLastApplied(obj);
          const created = await ctx.client.create<KObject>(type, namespace, obj);
          out.stdout(`${objectRef(type, created.metadata.name!)} created\n`);
        }
      }),
    );

  program
    .command('replace')
    .description('Replace objects with the manifests (a full update; the objects must exist)')
    .option('-f, --filename <path>', 'file, directory or - (stdin); repeatable', collect)
    .option('-R, --recursive', 'read directories recursively')
    .option('--save-config', 'record the configuration in the last-applied annotation')
    .action(
      commandAction(async (ctx, opts: ManifestOptions) => {
        for (const { object, source } of readManifests(opts.filename ?? [], Boolean(opts.recursive))) {
          const type = resourceForObject(object, source);
          const namespace = namespaceForManifest(ctx, type, object);
          const name = object.metadata?.name ?? '';
          let obj: KObject = { ...object, metadata: { ...object.metadata, ...(namespace && { namespace }) } };
          if (opts.saveConfig) obj = withLastApplied(obj);
          // Without a resourceVersion the update is unconditional: take the live one, as kubectl's replace does.
          if (!obj.metadata.resourceVersion) {
            const live = await ctx.client.get<KObject>(type, namespace, name);
            obj.metadata.resourceVersion = live.metadata.resourceVersion;
          }
          await ctx.client.update(type, obj);
          out.stdout(`${objectRef(type, name)} replaced\n`);
        }
      }),
    );
}
