import path from 'node:path';
import type { Command } from 'commander';
import { configmaps, secrets, type ConfigMap, type KObject, type Secret } from '@skiff/api';
import {
  bootstrapTokenKeys,
  bootstrapTokenNamespace,
  bootstrapTokenSecret,
  bootstrapTokenSecretName,
  bootstrapTokenSecretPrefix,
  bootstrapTokenSecretType,
  generateBootstrapToken,
  parseBootstrapToken,
  type BootstrapToken,
} from '@skiff/auth';
import { ApiError } from '@skiff/client';
import { caCertHash, clusterInfoKubeconfigKey, clusterInfoName, clusterInfoNamespace, readClusterInfoKubeconfig } from '@skiff/pki';
import type { CliContext } from '../cli-context';
import { ClusterPaths } from '../cluster/cluster-paths';
import { newCertificateKey, uploadControlPlaneCerts } from '../cluster/control-plane-certs';
import { collect, commandAction, out } from '../command-action';
import { CliError } from '../errors';
import { parseGoDuration } from '../go-duration';
import { alignColumns } from '../printers/table-text';

/** kubeadm's defaults: a token lasts a day, and serves both joining steps. */
const defaultTtl = '24h';
const defaultUsages = ['signing', 'authentication'] as const;
/** The group kubeadm gives join tokens, which its RBAC lets create node CSRs; Skiff binds system:bootstrappers itself. */
const defaultGroups = ['system:bootstrappers:kubeadm:default-node-token'];

interface CreateOptions {
  ttl: string;
  description?: string;
  usages: string;
  groups?: string[];
  printJoinCommand?: boolean;
  controlPlane?: boolean;
  dataDir: string;
}

function decode(secret: Secret, key: string): string | undefined {
  const v = secret.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/** Where a joining node finds the apiserver and which CA it pins: kube-public/cluster-info, else the kubeconfig. */
async function joinTarget(ctx: CliContext): Promise<{ server: string; caPem: string }> {
  try {
    const info = await ctx.client.get<ConfigMap>(configmaps, clusterInfoNamespace, clusterInfoName);
    const kubeconfig = info.data?.[clusterInfoKubeconfigKey];
    if (kubeconfig) return readClusterInfoKubeconfig(kubeconfig);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 404)) throw e;
  }
  const config = ctx.clientConfig;
  if (!config.caData) throw new CliError('the kubeconfig has no certificate-authority-data and the cluster publishes no kube-public/cluster-info: cannot print a join command');
  return { server: config.server, caPem: config.caData };
}

async function createToken(ctx: CliContext, opts: CreateOptions, given?: string): Promise<void> {
  let token: BootstrapToken;
  if (given !== undefined) {
    const parsed = parseBootstrapToken(given);
    if (!parsed) throw new CliError(`token "${given}" is not of the form [a-z0-9]{6}.[a-z0-9]{16}`);
    token = parsed;
  } else {
    token = generateBootstrapToken();
  }
  const ttlMs = parseGoDuration(opts.ttl);
  if (ttlMs === undefined || ttlMs < 0) throw new CliError(`invalid --ttl "${opts.ttl}" (use e.g. 2h, 30m; 0 never expires)`);
  const usages = opts.usages.split(',').map((u) => u.trim()).filter(Boolean);
  for (const u of usages) if (u !== 'signing' && u !== 'authentication') throw new CliError(`invalid --usages value "${u}" (use signing, authentication)`);
  let body: KObject;
  try {
    body = bootstrapTokenSecret(token, {
      expiration: ttlMs > 0 ? new Date(Date.now() + ttlMs) : undefined,
      usages: usages as ('signing' | 'authentication')[],
      extraGroups: opts.groups ?? defaultGroups,
      description: opts.description,
    }) as KObject;
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  // The join command's data is read first, so a cluster that cannot give it gets no token nobody can use.
  const target = opts.printJoinCommand || opts.controlPlane ? await joinTarget(ctx) : undefined;
  const created = await ctx.client.create<Secret>(secrets, bootstrapTokenNamespace, body);
  let controlPlane = '';
  if (opts.controlPlane) {
    // The keys a new control-plane machine needs, sealed with a key that only this command line carries.
    const certificateKey = newCertificateKey();
    try {
      await uploadControlPlaneCerts(ctx.client, path.join(opts.dataDir, 'pki'), certificateKey, { name: created.metadata.name!, uid: created.metadata.uid! });
    } catch (e) {
      await ctx.client.delete(secrets, bootstrapTokenNamespace, created.metadata.name!).catch(() => undefined);
      throw new CliError((e as Error).message);
    }
    controlPlane = ` --control-plane --certificate-key ${certificateKey}`;
  }
  const text = `${token.id}.${token.secret}`;
  out.stdout(target ? `skiff join --server ${target.server} --token ${text} --discovery-token-ca-cert-hash ${caCertHash(target.caPem)}${controlPlane}\n` : `${text}\n`);
}

function ttlOf(expiration: string | undefined, now: number): string {
  if (!expiration) return '<forever>';
  const left = Date.parse(expiration) - now;
  if (Number.isNaN(left)) return '<invalid>';
  if (left <= 0) return '<expired>';
  const hours = Math.floor(left / 3_600_000);
  return hours > 0 ? `${hours}h` : `${Math.max(1, Math.floor(left / 60_000))}m`;
}

async function listTokens(ctx: CliContext): Promise<void> {
  const list = await ctx.client.list<Secret>(secrets, bootstrapTokenNamespace, { fieldSelector: `type=${bootstrapTokenSecretType}` });
  const now = Date.now();
  const rows = list.items
    .filter((s) => s.metadata.name?.startsWith(bootstrapTokenSecretPrefix))
    .map((s) => {
      const usages = [decode(s, bootstrapTokenKeys.usageAuthentication) === 'true' && 'authentication', decode(s, bootstrapTokenKeys.usageSigning) === 'true' && 'signing'].filter(Boolean);
      const expiration = decode(s, bootstrapTokenKeys.expiration);
      // Whole tokens, as kubeadm lists them: whoever may read kube-system Secrets has them anyway.
      return [`${decode(s, bootstrapTokenKeys.id) ?? s.metadata.name!.slice(bootstrapTokenSecretPrefix.length)}.${decode(s, bootstrapTokenKeys.secret) ?? ''}`, ttlOf(expiration, now), expiration ?? '<never>', usages.join(',') || '<none>', decode(s, bootstrapTokenKeys.description) ?? '<none>', decode(s, bootstrapTokenKeys.extraGroups) ?? '<none>'];
    });
  if (rows.length === 0) {
    out.stderr(`No bootstrap tokens found in ${bootstrapTokenNamespace}.\n`);
    return;
  }
  out.stdout(alignColumns([['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'], ...rows]));
}

async function deleteTokens(ctx: CliContext, given: string[]): Promise<void> {
  for (const value of given) {
    const id = parseBootstrapToken(value)?.id ?? (/^[a-z0-9]{6}$/.test(value) ? value : undefined);
    if (!id) throw new CliError(`"${value}" is neither a token id ([a-z0-9]{6}) nor a token`);
    try {
      await ctx.client.delete(secrets, bootstrapTokenNamespace, bootstrapTokenSecretName(id));
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) throw new CliError(`bootstrap token "${id}" not found`);
      throw e;
    }
    out.stdout(`bootstrap token "${id}" deleted\n`);
  }
}

export function registerToken(program: Command): void {
  const token = program.command('token').description('Manage bootstrap tokens, which let new nodes join the cluster (skiff join)');
  token
    .command('create')
    .description('Create a bootstrap token and print it (or, with --print-join-command, the whole skiff join command)')
    .argument('[token]', 'the token to create, [a-z0-9]{6}.[a-z0-9]{16} (default: a random one)')
    .option('--ttl <duration>', 'how long the token works (0: never expires)', defaultTtl)
    .option('--description <text>', 'what the token is for')
    .option('--usages <list>', 'signing (of cluster-info, for discovery) and/or authentication', defaultUsages.join(','))
    .option('--groups <group>', 'extra groups the token authenticates as (system:bootstrappers:...; repeatable)', collect)
    .option('--print-join-command', 'print `skiff join ...` for a new node instead of the bare token')
    .option('--control-plane', "print the join command for a new control-plane machine: uploads this machine's cluster and etcd CAs and ServiceAccount key (from --data-dir) to kube-system, sealed with a new certificate key the command carries; they are deleted with the token")
    .option('--data-dir <dir>', 'with --control-plane: the data directory of this control-plane machine', ClusterPaths.defaultDir())
    .action(commandAction((ctx, opts: CreateOptions, given?: string) => createToken(ctx, opts, given)));
  token
    .command('list')
    .description('List the bootstrap tokens')
    .action(commandAction((ctx) => listTokens(ctx)));
  token
    .command('delete')
    .description('Delete bootstrap tokens by id or whole token')
    .argument('<token...>', 'token ids or tokens')
    .action(commandAction((ctx, _opts: unknown, given: string[]) => deleteTokens(ctx, given)));
}
