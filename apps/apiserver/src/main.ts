import { Command, InvalidArgumentError } from 'commander';
import { etcdTlsFromFlags, type EtcdTlsFlags } from './storage/etcd-tls-options';
import { createLogger } from '@skiff/logging';
import { Apiserver } from './server/apiserver';
import { IPRange, PortRange } from './registry/service-allocations';
import { secureServingFromFlags } from './auth/secure-options';
import { kubeletClientFromFlags } from './server/kubelet-client-options';
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

// Go's duration form, which Kubernetes' --service-account-max-token-expiration takes: 48h, 90m, 1h30m0s.
function goDuration(v: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (!m || v === '') throw new InvalidArgumentError('must be a duration such as 24h, 90m or 1h30m');
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

// Repeatable flags; Kubernetes' string-slice flags also split on commas.
const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
const collectList = (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function boolean(v: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new InvalidArgumentError('must be true or false');
}

function ipv4Address(v: string): string {
  if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(v) || v.split('.').some((p) => Number(p) > 255)) throw new InvalidArgumentError('must be an IPv4 address');
  return v;
}

function check<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function endpointReconcilerType(v: string): 'lease' | 'none' {
  if (v !== 'lease' && v !== 'none') throw new InvalidArgumentError('must be lease or none');
  return v;
}

async function main(): Promise<void> {
  const program = new Command('skiff-apiserver')
    .description('The Skiff API server: the Kubernetes REST API on etcd')
    .option('--etcd-servers <urls>', 'comma-separated etcd client URLs', etcdServers, ['http://127.0.0.1:2379'])
    .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
    .option('--advertise-address <ip>', 'the address pods and nodes reach this apiserver on: the kubernetes Service\'s endpoint (default: the bind address, or the host\'s first IPv4 when that is 0.0.0.0)', ipv4Address)
    .option('--etcd-cafile <file>', "PEM CA that etcd's serving certificates are verified against (https:// etcd servers)")
    .option('--etcd-certfile <file>', 'PEM client certificate the apiserver authenticates to etcd with')
    .option('--etcd-keyfile <file>', 'PEM private key of --etcd-certfile')
    .option('--endpoint-reconciler-type <type>', "who keeps the kubernetes Service's endpoints: lease (every live apiserver, by its advertise address) or none (left to whoever runs the cluster, e.g. to name a load balancer in front of the apiservers)", endpointReconcilerType, 'lease')
    .option('--port <port>', 'plain HTTP port (0 picks a free one)', port, 8080)
    .option('--service-cluster-ip-range <cidr>', 'range Service ClusterIPs come from', (v) => check(() => new IPRange(v)).cidr, '10.96.0.0/12')
    .option('--service-node-port-range <range>', 'range NodePorts come from', (v) => check(() => new PortRange(v)).spec, '30000-32767')
    .option('--event-ttl <duration>', 'how long Events are kept', seconds, 3600)
    .option('--compaction-interval <duration>', 'how often etcd history is compacted (0 disables)', seconds, 300)
    .option('--watch-bookmark-interval <duration>', 'how often watches that allow bookmarks get one', seconds, 60)
    .option('--encryption-provider-config <file>', 'EncryptionConfiguration (YAML or JSON) saying which resources are encrypted in etcd, and how')
    .option('--secure-port <port>', 'HTTPS port with authentication and authorization (0 picks a free one); off unless given', port)
    .option('--tls-cert-file <file>', 'PEM serving certificate for the secure port')
    .option('--tls-private-key-file <file>', 'PEM private key of --tls-cert-file')
    .option('--client-ca-file <file>', 'PEM CA that client certificates are verified against (CN user, O groups)')
    .option('--token-auth-file <file>', 'CSV of static bearer tokens: token,user,uid,"group1,group2"')
    .option('--anonymous-auth <bool>', 'whether requests without credentials on the secure port are system:anonymous (else 401)', boolean, true)
    .option('--authorization-mode <mode>', 'authorization on the secure port: AlwaysAllow, RBAC, or Node,RBAC (kubelets limited to their own node\'s objects, with NodeRestriction admission; system:masters always allowed)', 'AlwaysAllow')
    .option('--service-account-key-file <file>', 'PEM file of public keys (or private keys, or certificates) that verify ServiceAccount tokens; repeatable', collectList)
    .option('--service-account-signing-key-file <file>', 'PEM private key (RSA or ECDSA) that signs TokenRequest tokens; without it serviceaccounts/token is not served')
    .option('--service-account-issuer <url>', 'the iss of new ServiceAccount tokens; repeat to also accept older issuers (default https://kubernetes.default.svc.cluster.local)', collect)
    .option('--api-audiences <list>', 'comma-separated audiences a token must name to authenticate, and TokenRequest\'s default (default: the issuers)', (v: string, prev?: string) => (prev ? `${prev},${v}` : v))
    .option('--service-account-max-token-expiration <duration>', 'longest TokenRequest lifetime; longer requests are shortened (1h or more)', goDuration)
    .option('--service-account-extend-token-expiration <bool>', 'pod-bound tokens asked for with 3607 s (the kubelet default) for the API audiences stay valid a year, with a warnafter claim', boolean, true)
    .option('--service-account-jwks-uri <url>', 'the jwks_uri /.well-known/openid-configuration names (default https://<advertise address>/openid/v1/jwks)')
    .option('--enable-bootstrap-token-auth [bool]', 'authenticate bootstrap tokens (Secrets kube-system/bootstrap-token-<id>) as system:bootstrap:<id>', boolean)
    .option('--kubelet-client-certificate <file>', 'PEM client certificate for kubelets (logs, exec, attach, node proxy); kubelets are dialled over HTTPS with it, else plain HTTP')
    .option('--kubelet-client-key <file>', 'PEM private key of --kubelet-client-certificate')
    .option('--kubelet-certificate-authority <file>', 'PEM CA that kubelets\' serving certificates are verified against (not verified without it, as in Kubernetes)')
    .option('--kubelet-preferred-address-types <list>', 'node address types to dial kubelets on, best first (default InternalIP,Hostname,InternalDNS,ExternalIP,ExternalDNS)')
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
  // Without a secure port the plain port is what is served, as before; with one, only when --port is given.
  const plainPort = o.securePort === undefined || program.getOptionValueSource('port') !== 'default';
  let secure: ReturnType<typeof secureServingFromFlags>;
  try {
    secure = secureServingFromFlags({ ...o, plainPort } as Parameters<typeof secureServingFromFlags>[0]);
  } catch (e) {
    process.stderr.write(`skiff-apiserver: ${(e as Error).message}\n`);
    process.exit(2);
  }
  let etcdTls: ReturnType<typeof etcdTlsFromFlags>;
  try {
    etcdTls = etcdTlsFromFlags(o as EtcdTlsFlags);
  } catch (e) {
    process.stderr.write(`skiff-apiserver: ${(e as Error).message}\n`);
    process.exit(2);
  }
  let kubeletClient: ReturnType<typeof kubeletClientFromFlags>;
  try {
    kubeletClient = kubeletClientFromFlags(o);
  } catch (e) {
    process.stderr.write(`skiff-apiserver: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger('apiserver', Number(o.v) >= 4 ? 'debug' : 'info');
  const server = new Apiserver({
    etcdServers: o.etcdServers,
    etcdTls,
    bindAddress: o.bindAddress,
    port: o.port,
    serviceClusterIPRange: o.serviceClusterIpRange,
    serviceNodePortRange: o.serviceNodePortRange,
    eventTTLSeconds: o.eventTtl,
    compactionIntervalMs: o.compactionInterval * 1000,
    bookmarkIntervalMs: o.watchBookmarkInterval * 1000,
    encryption,
    logger,
    secure,
    servePlain: plainPort,
    advertiseAddress: o.advertiseAddress,
    endpointReconcilerType: o.endpointReconcilerType,
    kubeletClient,
  });
  let port_: number;
  try {
    port_ = await server.start();
  } catch (e) {
    const ports = [plainPort && `${o.bindAddress}:${o.port}`, secure && `${o.bindAddress}:${secure.port}`].filter(Boolean).join(' and ');
    process.stderr.write(`skiff-apiserver: cannot listen on ${ports}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  if (plainPort) {
    logger.info('serving', { address: `http://${o.bindAddress}:${port_}`, etcd: o.etcdServers });
    // Test harnesses read this line to learn the port when --port=0.
    process.stdout.write(`listening on http://${o.bindAddress}:${port_}\n`);
  }
  if (secure) {
    logger.info('serving securely', { address: `https://${o.bindAddress}:${server.securePort}`, authorizationMode: secure.authorizationMode, anonymous: secure.anonymous });
    process.stdout.write(`listening on https://${o.bindAddress}:${server.securePort}\n`);
  }
  const shutdown = () => {
    void server.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
