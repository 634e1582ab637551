import type { Command } from 'commander';
import { pods, services, type KObject } from '@skiff/api';
import { collect, commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { objectRef } from '../object-ref';
import { parseResourceArgs } from '../resources';

function parsePairs(text: string | undefined, what: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new CliError(`${what} must be KEY=VALUE pairs, got "${part}"`);
    pairs[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return pairs;
}

interface RunOptions {
  image: string;
  port?: string;
  labels?: string;
  env?: string[];
  restart: string;
  command?: boolean;
  dryRun?: string;
}

export function registerRunExpose(program: Command): void {
  program
    .command('run')
    .description('Create a pod running one image (arguments after -- are its args, or its command with --command)')
    .argument('<name>', 'pod name')
    .argument('[args...]', 'container arguments')
    .requiredOption('--image <image>', 'container image')
    .option('--port <port>', 'container port to expose')
    .option('-l, --labels <pairs>', 'labels, KEY=VALUE,... (default run=NAME)')
    .option('--env <pair>', 'environment variable KEY=VALUE; repeatable', collect)
    .option('--restart <policy>', 'Always, OnFailure or Never', 'Always')
    .option('--command', 'treat the arguments as the command instead of args')
    .action(
      commandAction(async (ctx, opts: RunOptions, name: string, args: string[]) => {
        const labels = opts.labels ? parsePairs(opts.labels, '--labels') : { run: name };
        const container: Record<string, unknown> = { name, image: opts.image };
        if (args.length) container[opts.command ? 'command' : 'args'] = args;
        if (opts.port) container.ports = [{ containerPort: Number(opts.port) }];
        if (opts.env?.length) container.env = Object.entries(parsePairs(opts.env.join(','), '--env')).map(([k, v]) => ({ name: k, value: v }));
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [container], restartPolicy: opts.restart } };
        await ctx.client.create(pods, ctx.namespace, pod as KObject);
        out.stdout(`pod/${name} created\n`);
      }),
    );

  program
    .command('expose')
    .description('Create a service for a pod, deployment, replicaset or service, selecting the same pods')
    .argument('<resources...>', 'TYPE NAME or TYPE/NAME')
    .option('--port <port>', 'the service port (default: the first container port)')
    .option('--target-port <port>', 'the container port traffic goes to (default: --port)')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP', 'TCP')
    .option('--type <type>', 'ClusterIP, NodePort or LoadBalancer', 'ClusterIP')
    .option('--name <name>', 'the service name (default: the exposed object\'s)')
    .action(
      commandAction(async (ctx, opts: { port?: string; targetPort?: string; protocol: string; type: string; name?: string }, args: string[]) => {
        const [target] = parseResourceArgs(args);
        if (target.name === undefined) throw new CliError('expose needs one object: TYPE NAME or TYPE/NAME');
        const obj = await ctx.client.get<KObject & Record<string, any>>(target.type, ctx.namespace, target.name);
        let selector: Record<string, string> | undefined;
        let podSpec: Record<string, any> | undefined;
        if (target.type.kind === 'Pod') [selector, podSpec] = [obj.metadata.labels, obj.spec];
        else if (target.type.kind === 'Service') selector = obj.spec?.selector;
        else [selector, podSpec] = [obj.spec?.selector?.matchLabels, obj.spec?.template?.spec];
        if (!selector || Object.keys(selector).length === 0) throw new CliError(`couldn't find a selector for ${objectRef(target.type, target.name)}: expose needs labels to select pods by`);
        const firstPort = podSpec?.containers?.flatMap((c: any) => c.ports ?? [])[0]?.containerPort ?? obj.spec?.ports?.[0]?.port;
        const port = Number(opts.port ?? firstPort);
        if (!port) throw new CliError(`couldn't find a port for ${objectRef(target.type, target.name)}: pass --port`);
        const targetPort = opts.targetPort ? (Number.isNaN(Number(opts.targetPort)) ? opts.targetPort : Number(opts.targetPort)) : port;
        const name = opts.name ?? target.name;
        const service = {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, labels: obj.metadata.labels },
          spec: { selector, type: opts.type, ports: [{ port, targetPort, protocol: opts.protocol }] },
        };
        await ctx.client.create(services, ctx.namespace, service as KObject);
        out.stdout(`service/${name} exposed\n`);
      }),
    );
}
