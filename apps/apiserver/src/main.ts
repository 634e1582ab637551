import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '@skiff/logging';
import { Apiserver } from './server/apiserver';
import { IPRange, PortRange } from './registry/service-allocations';
import { loadEncryptionConfig, type EncryptionConfiguration } from './storage/encryption-config';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number between 0 and 65535');
  return n;
}

function seconds(v: string): number {
  const m = /^(\d+)(h|m|s)?$/.exec(v);
  if (!m) throw new InvalidArgumentError('must be a duration such as 1h, 30m or 90s');
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

function etcdServers(v: string): string[] {
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) if (!/^https?:\/\/[^/]+$/.test(s)) throw new InvalidArgumentError(`"${s}" is not an etcd URL like http://127.0.0.1:2379`);
  return list;
}

function check<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

async function main(): Promise<void> {
  const program = new Command('skiff-apiserver')
    .description('The Skiff API server: the Kubernetes REST API on etcd')
    .option('--etcd-servers <urls>', 'comma-separated etcd client URLs', etcdServers, ['http://127.0.0.1:2379'])
    .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'plain HTTP port (0 picks a free one)', port, 8080)
    .option('--service-cluster-ip-range <cidr>', 'range Service ClusterIPs come from', (v) => check(() => new IPRange(v)).cidr, '10.96.0.0/12')
    .option('--service-node-port-range <range>', 'range NodePorts come from', (v) => check(() => new PortRange(v)).spec, '30000-32767')
    .option('--event-ttl <duration>', 'how long Events are kept', seconds, 3600)
    .option('--compaction-interval <duration>', 'how often etcd history is compacted (0 disables)', seconds, 300)
    .option('--watch-bookmark-interval <duration>', 'how often watches that allow bookmarks get one', seconds, 60)
    .option('--encryption-provider-config <file>', 'EncryptionConfiguration (YAML or JSON) saying which resources are encrypted in etcd, and how')
    .option('--kubeconfig <path>', 'accepted for symmetry with the other programs; the apiserver needs none')
    .option('--v <level>', 'log verbosity: 0 info, 4+ debug', '0')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(str.split('\n')[0] + '\n') });
  program.exitOverride();
  try {
    program.parse(process.argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode ?? 1;
    process.exit(code === 0 ? 0 : 2);
  }
  const o = program.opts();
  let encryption: EncryptionConfiguration | undefined;
  if (o.encryptionProviderConfig !== undefined) {
    try {
      encryption = loadEncryptionConfig(o.encryptionProviderConfig);
    } catch (e) {
      process.stderr.write(`skiff-apiserver: ${o.encryptionProviderConfig}: ${(e as Error).message}\n`);
      process.exit(2);
    }
  }
  const logger = createLogger('apiserver', Number(o.v) >= 4 ? 'debug' : 'info');
  const server = new Apiserver({
    etcdServers: o.etcdServers,
    bindAddress: o.bindAddress,
    port: o.port,
    serviceClusterIPRange: o.serviceClusterIpRange,
    serviceNodePortRange: o.serviceNodePortRange,
    eventTTLSeconds: o.eventTtl,
    compactionIntervalMs: o.compactionInterval * 1000,
    bookmarkIntervalMs: o.watchBookmarkInterval * 1000,
    encryption,
    logger,
  });
  let port_: number;
  try {
    port_ = await server.start();
  } catch (e) {
    process.stderr.write(`skiff-apiserver: cannot listen on ${o.bindAddress}:${o.port}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  logger.info('serving', { address: `http://${o.bindAddress}:${port_}`, etcd: o.etcdServers });
  // Test harnesses read this line to learn the port when --port=0.
  process.stdout.write(`listening on http://${o.bindAddress}:${port_}\n`);
  const shutdown = () => {
    void server.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
