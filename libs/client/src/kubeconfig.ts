import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Everything needed to reach and authenticate to an apiserver. PEM fields hold decoded PEM text. */
export interface ClientConfig {
  server: string;
  caData?: string;
  certData?: string;
  keyData?: string;
  token?: string;
  username?: string;
  password?: string;
  insecureSkipTLSVerify?: boolean;
  /** SNI / certificate name to expect when it differs from the server's host. */
  tlsServerName?: string;
  /** The context's namespace, "default" when unset. */
  namespace: string;
}

export interface KubeconfigLoadOptions {
  /** The `--kubeconfig` flag: when set, only this file is read. */
  kubeconfigPath?: string;
  /** The `--context` flag: a context to use instead of current-context. */
  context?: string;
  /** Defaults to process.env; tests pass their own. */
  env?: Record<string, string | undefined>;
  /** Defaults to os.homedir(). */
  homeDir?: string;
}

type Entry = Record<string, unknown>;

/** One kubeconfig file after parsing, with relative paths already resolved against its folder. */
interface KubeconfigFile {
  file: string;
  currentContext?: string;
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
}

export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/** Merged kubeconfig: which files were read and the named entries (first file to define a name wins). */
export interface Kubeconfig {
  files: string[];
  currentContext?: string;
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
}

const pathFields = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile'],
};

/**
 * Reads the kubeconfig files Kubernetes would read: the explicit path alone when given, else every existing file
 * in KUBECONFIG (merged, first file to set a key wins), else ~/.kube/config.
 */
export function readKubeconfig(opts: KubeconfigLoadOptions = {}): Kubeconfig {
  const env = opts.env ?? process.env;
  let files: string[];
  if (opts.kubeconfigPath) {
    if (!fs.existsSync(opts.kubeconfigPath)) throw new KubeconfigError(`kubeconfig file ${opts.kubeconfigPath} does not exist`);
    files = [opts.kubeconfigPath];
  } else if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(path.delimiter).filter((p) => p !== '');
    // Missing entries in KUBECONFIG are skipped, as kubectl does; only an all-missing list is an error.
    files = [...new Set(listed)].filter((p) => fs.existsSync(p));
    if (files.length === 0) throw new KubeconfigError(`none of the files in KUBECONFIG exist: ${env.KUBECONFIG}`);
  } else {
    const home = opts.homeDir ?? os.homedir();
    const file = path.join(home, '.kube', 'config');
    if (!fs.existsSync(file)) {
      throw new KubeconfigError(`no kubeconfig: ${file} does not exist (pass --kubeconfig or set KUBECONFIG)`);
    }
    files = [file];
  }
  return merge(files.map(parseFile));
}

/** Resolves a context of the merged kubeconfig into a ClientConfig. */
export function loadClientConfig(opts: KubeconfigLoadOptions = {}): ClientConfig {
  return clientConfigFromKubeconfig(readKubeconfig(opts), opts.context);
}

export function clientConfigFromKubeconfig(kc: Kubeconfig, contextName?: string): ClientConfig {
  const where = kc.files.join(', ');
  const name = contextName ?? kc.currentContext;
  if (!name) throw new KubeconfigError(`kubeconfig ${where} has no current-context and no context was named`);
  const context = kc.contexts.get(name);
  if (!context) throw new KubeconfigError(`context "${name}" not found in kubeconfig ${where}`);

  const clusterName = str(context.cluster);
  const cluster = clusterName ? kc.clusters.get(clusterName) : undefined;
  if (!cluster) throw new KubeconfigError(`cluster "${clusterName ?? ''}" of context "${name}" not found in kubeconfig ${where}`);
  const server = str(cluster.server);
  if (!server) throw new KubeconfigError(`cluster "${clusterName}" in kubeconfig ${where} has no server`);

  const userName = str(context.user);
  const user = userName ? kc.users.get(userName) : {};
  if (!user) throw new KubeconfigError(`user "${userName}" of context "${name}" not found in kubeconfig ${where}`);

  const config: ClientConfig = { server, namespace: str(context.namespace) || 'default' };
  config.caData = pemFrom(cluster, 'certificate-authority');
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTLSVerify = true;
  if (str(cluster['tls-server-name'])) config.tlsServerName = str(cluster['tls-server-name']);
  config.certData = pemFrom(user, 'client-certificate');
  config.keyData = pemFrom(user, 'client-key');
  const token = str(user.token) ?? (str(user.tokenFile) ? readText(str(user.tokenFile)!, 'tokenFile').trim() : undefined);
  if (token) config.token = token;
  if (str(user.username) !== undefined) config.username = str(user.username);
  if (str(user.password) !== undefined) config.password = str(user.password);
  if (user.exec || user['auth-provider']) {
    throw new KubeconfigError(`user "${userName}" in kubeconfig ${where} uses an exec/auth-provider plugin, which Skiff does not support`);
  }
  for (const key of Object.keys(config) as (keyof ClientConfig)[]) if (config[key] === undefined) delete config[key];
  return config;
}

/** `<field>-data` (base64) wins over `<field>` (a file path), as in client-go. */
function pemFrom(entry: Entry, field: string): string | undefined {
  const data = str(entry[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(entry[field]);
  return file ? readText(file, field) : undefined;
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function parseFile(file: string): KubeconfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new KubeconfigError(`kubeconfig ${file} is malformed: ${firstLine((err as Error).message)}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`kubeconfig ${file} is malformed: expected a mapping at the top level`);
  const root = doc as Entry;
  const dir = path.dirname(path.resolve(file));
  const current = root['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') {
    throw new KubeconfigError(`kubeconfig ${file} is malformed: current-context must be a string`);
  }
  return {
    file,
    currentContext: current || undefined,
    clusters: namedEntries(file, root, 'clusters', 'cluster', dir, pathFields.cluster),
    users: namedEntries(file, root, 'users', 'user', dir, pathFields.user),
    contexts: namedEntries(file, root, 'contexts', 'context', dir, []),
  };
}

function namedEntries(file: string, root: Entry, listKey: string, itemKey: string, dir: string, relativePaths: string[]): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const list = root[listKey];
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig ${file} is malformed: ${listKey} must be a list`);
  list.forEach((item, i) => {
    const name = item && typeof item === 'object' ? (item as Entry).name : undefined;
    const body = item && typeof item === 'object' ? (item as Entry)[itemKey] ?? {} : undefined;
    if (typeof name !== 'string' || !name || typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new KubeconfigError(`kubeconfig ${file} is malformed: ${listKey}[${i}] needs a name and a ${itemKey} mapping`);
    }
    const entry: Entry = { ...(body as Entry) };
    for (const field of relativePaths) {
      const p = entry[field];
      if (typeof p === 'string' && p && !path.isAbsolute(p)) entry[field] = path.join(dir, p);
    }
    if (!out.has(name)) out.set(name, entry);
  });
  return out;
}

function merge(files: KubeconfigFile[]): Kubeconfig {
  const merged: Kubeconfig = { files: files.map((f) => f.file), clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const f of files) {
    merged.currentContext ??= f.currentContext;
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      for (const [name, entry] of f[key]) if (!merged[key].has(name)) merged[key].set(name, entry);
    }
  }
  return merged;
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
