import { Command, InvalidArgumentError } from 'commander';
import { addClientProgramFlags, dnsNameFlag, parseProgramFlags, UsageError, type ClientProgramOptions } from '@skiff/client';

export { UsageError };

export interface SchedulerOptions extends ClientProgramOptions {
  schedulerName: string;
  percentageOfNodesToScore: number;
}

function percentage(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 100) throw new InvalidArgumentError('must be a whole number from 0 to 100 (0 adapts it to the cluster size)');
  return n;
}

export function schedulerCommand(): Command {
  const cmd = new Command('skiff-scheduler')
    .description('The Skiff scheduler: assigns pending pods to nodes (Kubernetes scheduling framework semantics)')
    .option('--scheduler-name <name>', 'schedule pods whose spec.schedulerName is this', dnsNameFlag('scheduler name'), 'default-scheduler')
    .option('--percentage-of-nodes-to-score <n>', 'stop filtering once this percentage of nodes fit (0 adapts to the cluster size)', percentage, 0);
  return addClientProgramFlags(cmd, { what: 'schedules', leaseName: 'kube-scheduler', port: 10251 });
}

/** Parses argv (without node and script); undefined when --help was printed. Throws UsageError otherwise. */
export function parseSchedulerFlags(argv: readonly string[], out?: (text: string) => void): SchedulerOptions | undefined {
  const parsed = parseProgramFlags(schedulerCommand(), argv, out);
  if (!parsed) return undefined;
  return { ...parsed.common, schedulerName: parsed.opts.schedulerName, percentageOfNodesToScore: parsed.opts.percentageOfNodesToScore };
}
