import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply';
import { registerConfig } from './commands/config';
import { registerCreateReplace } from './commands/create-replace';
import { registerDelete } from './commands/delete';
import { registerDescribe } from './commands/describe';
import { registerGet } from './commands/get';
import { registerEdit } from './commands/edit';
import { registerEvents } from './commands/events';
import { registerExecAttach } from './commands/exec-attach';
import { registerLogs } from './commands/logs';
import { registerNodeMaintenance } from './commands/node-maintenance';
import { registerRollout } from './commands/rollout';
import { registerRunExpose } from './commands/run-expose';
import { registerWait } from './commands/wait';
import { registerInfo } from './commands/info';
import { registerLabelAnnotate } from './commands/metadata-edit';
import { registerPatchScale } from './commands/patch-scale';
import { registerWhy } from './commands/why';
import { registerUpDown } from './commands/up-down';
import { registerToken } from './commands/token';
import { hideTlsServerNameWarning } from './quiet-warnings';

/** The `skiff` program: kubectl's global flags and verbs. */
export function buildProgram(): Command {
  const program = new Command('skiff')
    .description('Talk to a Skiff (or any Kubernetes) apiserver, the way kubectl does')
    .option('--kubeconfig <path>', 'kubeconfig file to use (else $KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'namespace for this request')
    .option('-s, --server <url>', 'apiserver URL, bypassing the kubeconfig')
    .showHelpAfterError()
    .exitOverride();
  registerConfig(program);
  registerApply(program);
  registerCreateReplace(program);
  registerGet(program);
  registerDelete(program);
  registerLabelAnnotate(program);
  registerPatchScale(program);
  registerDescribe(program);
  registerWhy(program);
  registerWait(program);
  registerRunExpose(program);
  registerNodeMaintenance(program);
  registerEvents(program);
  registerRollout(program);
  registerEdit(program);
  registerLogs(program);
  registerExecAttach(program);
  registerInfo(program);
  registerUpDown(program);
  registerToken(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

if (require.main === module || process.argv[1]?.endsWith('skiff.js') || process.argv[1]?.endsWith('skiff')) {
  hideTlsServerNameWarning();
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
