import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { KObject } from '@skiff/api';
import { commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { parseManifests } from '../manifests';
import { objectRef } from '../object-ref';
import { parseResourceArgs } from '../resources';

export function registerEdit(program: Command): void {
  program
    .command('edit')
    .description('Edit an object in $KUBE_EDITOR or $EDITOR and save it back')
    .argument('<resources...>', 'TYPE NAME or TYPE/NAME')
    .action(
      commandAction(async (ctx, _opts: unknown, args: string[]) => {
        const [target] = parseResourceArgs(args);
        if (target.name === undefined) throw new CliError('edit needs one object: TYPE NAME or TYPE/NAME');
        const namespace = target.type.namespaced ? ctx.namespace : undefined;
        const live = await ctx.client.get<KObject>(target.type, namespace, target.name);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-edit-'));
        const file = path.join(dir, `${target.type.resource}-${target.name}.yaml`);
        const original = stringify({ apiVersion: target.type.group ? `${target.type.group}/${target.type.version}` : target.type.version, kind: target.type.kind, ...live });
        fs.writeFileSync(file, original);
        try {
          const editor = process.env.KUBE_EDITOR || process.env.EDITOR || 'vi';
          const result = spawnSync(`${editor} "${file}"`, { stdio: 'inherit', shell: true });
          if (result.status !== 0) throw new CliError(`the editor "${editor}" exited with ${result.status ?? result.signal}; nothing was changed`);
          const edited = fs.readFileSync(file, 'utf8');
          if (edited === original) {
            out.stdout('Edit cancelled, no changes made.\n');
            return;
          }
          const [manifest] = parseManifests(edited, file);
          if (!manifest) throw new CliError('the edited file is empty; nothing was changed');
          await ctx.client.update(target.type, { ...manifest.object, metadata: { ...manifest.object.metadata, namespace } });
          out.stdout(`${objectRef(target.type, target.name)} edited\n`);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
    );
}
