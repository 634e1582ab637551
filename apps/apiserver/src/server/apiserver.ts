import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { builtinScheme, type KObject, type ResourceType, type Scheme } from '@skiff/api';
import { alwaysAllowChain, nodeAndRbacChain, rbacChain, type AuthorizationChain } from '@skiff/auth';
import type { Logger } from '@skiff/logging';
import { AdmissionChain } from '../admission/admission';
import { rbacSourceFromCaches } from '../auth/rbac-caches';
import { nodeGraphFromCaches } from '../auth/node-graph-caches';
import { objectGetterFromCaches } from '../auth/object-lookup';
import { issuerDiscoveryHandler } from '../auth/issuer-discovery';
import { authenticatorOptions, secureRequestFilter, tlsServerOptions, usesRbac, type SecureServingConfig } from '../auth/secure-serving';
import { nodeRestriction } from '../admission/node-restriction';
import { namespaceLifecycle } from '../admission/namespace-lifecycle';
import { priorityAdmission } from '../admission/priority';
import { defaultTolerationSecondsAdmission } from '../admission/default-toleration-seconds';
import { certificateApprovalAdmission, certificateSigningAdmission, certificateSubjectRestrictionAdmission } from '../admission/certificate-signers';
import { serviceAccountAdmission } from '../admission/service-account';
import { serviceAccountsFromContext } from '../admission/service-account-source';
import type { ApiContext } from '../handlers/api-context';
import type { KubeletClientConfig } from '../handlers/kubelet-endpoint';
import { aggregatedDiscovery, aggregatedDiscoveryType, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, wantsAggregatedDiscovery } from '../handlers/discovery';
import { parseRequestInfo } from '../handlers/request-info';
import { OpenAPIV3Service } from '../handlers/openapi';
import { OpenAPIV2Service } from '../handlers/openapi-v2';
import { customResourceDefinitionsPath, emptyCustomResourceDefinitionList } from '../handlers/custom-resource-definitions';
import { UpgradeDispatcher } from '../handlers/upgrade-requests';
import { serveResource } from '../handlers/resource-handler';
import { sendJSON } from '../handlers/respond';
import { StatusError, internal } from '../handlers/status-error';
import { GenericRegistry } from '../registry/generic-registry';
import { LeaseReuse } from '../registry/lease-reuse';
import { IPRange, PortRange, ServiceAllocator } from '../registry/service-allocations';
import type { EncryptionConfiguration } from '../storage/encryption-config';
import { EtcdStore } from '../storage/etcd-store';
import { decodeStored } from '../storage/keys';
import { EncryptionAtRest } from '../storage/value-transformer';
import { objectOf, WatchCache } from '../storage/watch-cache';
import type { EtcdTls } from '../storage/etcd-tls-options';
import { ApiserverEndpointsReconciler } from './apiserver-endpoints';
import { bootstrapCluster, bootstrapRbac, clusterServices, routableApiserver } from './bootstrap';
import { Compactor } from './compactor';
import { ApiserverMetrics } from './metrics';
import { strategyFor } from './strategies';
import { emulatedVersion } from './version';

export interface ApiserverOptions {
  etcdServers: string[];
  /** `--etcd-cafile`/`--etcd-certfile`/`--etcd-keyfile`: TLS towards https:// etcd servers. */
  etcdTls?: EtcdTls;
  bindAddress: string;
  port: number;
  serviceClusterIPRange: string;
  serviceNodePortRange: string;
  eventTTLSeconds: number;
  compactionIntervalMs: number;
  bookmarkIntervalMs?: number;
  /** `--encryption-provider-config`: which resources are encrypted in etcd, and how. */
  encryption?: EncryptionConfiguration;
  logger: Logger;
  scheme?: Scheme;
  /** The HTTPS port with authentication and authorization (`--secure-port` and the flags around it). */
  secure?: SecureServingConfig;
  /** Whether the plain port (no authentication, loopback only) is served too; default true. */
  servePlain?: boolean;
  /**
   * ServiceAccount admission (default account, kube-api-access token volumes). Default: on exactly when the
   * apiserver can issue tokens (`--service-account-signing-key-file`). Off otherwise, since a cluster without a
   * controller-manager has no `default` accounts and every pod would be refused.
   */
  serviceAccountAdmission?: boolean;
  /** `--advertise-address`: where pods and nodes reach this apiserver (the kubernetes Service's endpoint); default the bind address. */
  advertiseAddress?: string;
  /**
   * `--endpoint-reconciler-type`: `lease` (default) keeps every live apiserver in the kubernetes Service's endpoints;
   * `none` leaves them alone, for a cluster whose apiservers sit behind one address that its operator publishes.
   */
  endpointReconcilerType?: 'lease' | 'none';
  /** How kubelets are dialled (`--kubelet-client-certificate` and the flags around it); plain HTTP by default. */
  kubeletClient?: KubeletClientConfig;
}

/** The apiserver: express routes over a registry per resource, all state in etcd. */
export class Apiserver {
  readonly ctx: ApiContext;
  readonly app: express.Express;
  private server?: http.Server;
  private secureServer?: https.Server;
  /** The secure port actually bound, once started with `secure`. */
  securePort?: number;
  /** exec, attach and proxied WebSockets arrive as upgrades: through the same routes, then on to a kubelet. */
  private readonly upgrades: UpgradeDispatcher;
  private readonly compactor: Compactor;
  /** Keeps this apiserver in the kubernetes Service's endpoints, when it has a routable address. */
  private endpoints?: ApiserverEndpointsReconciler;
  private stopping = false;
  private readonly caches: WatchCache[] = [];
  private readonly namespaceMemo = new Map<string, { json: string; obj: KObject }>();

  constructor(private readonly opts: ApiserverOptions) {
    const scheme = opts.scheme ?? builtinScheme;
    const metrics = new ApiserverMetrics();
    const encryption = opts.encryption ? new EncryptionAtRest(opts.encryption, scheme.all) : undefined;
    if (encryption) opts.logger.info('encryption at rest', { prefixes: encryption.coveredPrefixes });
    const store = new EtcdStore(opts.etcdServers, opts.logger, metrics, encryption, opts.etcdTls);
    const services = new ServiceAllocator(store, new IPRange(opts.serviceClusterIPRange), new PortRange(opts.serviceNodePortRange));
    const leases = new LeaseReuse(store);
    const registries = new Map<ResourceType, GenericRegistry>();
    const namespaces = scheme.forResource('', 'v1', 'namespaces');
    // NodeRestriction is on exactly when the Node authorizer is: it checks the objects the authorizer let a kubelet write.
    const nodeMode = opts.secure?.authorizationMode === 'Node,RBAC';
    const admission = new AdmissionChain([
      namespaceLifecycle((name) => this.lookupNamespace(name)),
      priorityAdmission(() => this.ctx),
      defaultTolerationSecondsAdmission(),
      // Kubernetes' CSR admission: approving and signing need `approve`/`sign` on the signer; no system:masters client certificates.
      certificateApprovalAdmission(() => this.ctx.authorization.authorizer),
      certificateSigningAdmission(() => this.ctx.authorization.authorizer),
      certificateSubjectRestrictionAdmission(),
      ...((opts.serviceAccountAdmission ?? !!opts.secure?.serviceAccounts?.signingKey) ? [serviceAccountAdmission({ serviceAccounts: serviceAccountsFromContext(() => this.ctx) })] : []),
      ...(nodeMode ? [nodeRestriction((ns, name) => objectGetterFromCaches(this.ctx)('pods', ns, name))] : []),
    ]);
    for (const t of scheme.all) {
      // Kinds that are answered, never kept (Binding, the access reviews), have no storage to watch.
      if (!t.stored) continue;
      const cache = new WatchCache(store, t, opts.logger, metrics, opts.bookmarkIntervalMs);
      this.caches.push(cache);
      registries.set(t, new GenericRegistry(t, store, cache, admission, strategyFor(t, services, opts.eventTTLSeconds), leases));
    }
    if (!namespaces) throw new Error('the scheme has no namespaces resource');
    this.ctx = { scheme, store, registries, admission, metrics, logger: opts.logger, advertiseAddress: `${opts.bindAddress}:${opts.port}`, authorization: alwaysAllowChain };
    this.ctx.authorization = this.authorizationChain();
    this.ctx.serviceAccountTokens = opts.secure?.serviceAccounts;
    this.ctx.kubeletClient = opts.kubeletClient;
    this.compactor = new Compactor(store, opts.logger, opts.compactionIntervalMs);
    this.app = this.buildApp();
    this.upgrades = new UpgradeDispatcher(this.app);
  }

  /** The authorizers of --authorization-mode over the RBAC (and pods) watch caches; AlwaysAllow without a secure port. */
  private authorizationChain(): AuthorizationChain {
    switch (this.opts.secure?.authorizationMode) {
      case 'RBAC':
        return rbacChain(rbacSourceFromCaches(this.ctx));
      case 'Node,RBAC':
        return nodeAndRbacChain(nodeGraphFromCaches(this.ctx), rbacSourceFromCaches(this.ctx));
      default:
        return alwaysAllowChain;
    }
  }

  /** Namespaces for admission: the cache answers at once; etcd answers for one created a moment ago. */
  private async lookupNamespace(name: string): Promise<KObject | undefined> {
    const t = this.ctx.scheme.forResource('', 'v1', 'namespaces')!;
    const reg = this.ctx.registries.get(t)!;
    const cached = reg.cache.ready ? reg.cache.get(reg.key(undefined, name)) : undefined;
    if (cached) {
      // Every namespaced create asks; parse each namespace version once.
      const memo = this.namespaceMemo.get(name);
      if (memo?.json === cached.json) return memo.obj;
      const obj = objectOf(cached);
      this.namespaceMemo.set(name, { json: cached.json, obj });
      return obj;
    }
    this.namespaceMemo.delete(name);
    const res = await this.ctx.store.get(reg.key(undefined, name));
    return res.kv ? decodeStored(res.kv.value, res.kv.modRevision) : undefined;
  }

  private buildApp(): express.Express {
    const app = express();
    const { ctx } = this;
    app.disable('x-powered-by');
    app.set('etag', false);
    app.set('query parser', 'extended');

    app.use((req: Request, res: Response, next: NextFunction) => {
      const start = process.hrtime.bigint();
      res.on('finish', () => {
        const info = res.locals.requestInfo as { verb: string; type: ResourceType; subresource?: string } | undefined;
        const labels = { verb: info?.verb ?? req.method.toLowerCase(), group: info?.type.group ?? '', resource: info?.type.resource ?? '', subresource: info?.subresource ?? '' };
        ctx.metrics.requests.inc({ ...labels, code: String(res.statusCode) });
        if (info?.verb !== 'watch') ctx.metrics.requestLatency.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      });
      next();
    });

    if (this.opts.secure) {
      const authorizer = this.opts.secure.authorizationMode === 'AlwaysAllow' ? undefined : ctx.authorization.authorizer;
      ctx.tokenAuthentication = authenticatorOptions(this.opts.secure, ctx);
      app.use(secureRequestFilter(this.opts.secure, authorizer, ctx.logger, ctx));
    }

    app.get(customResourceDefinitionsPath, emptyCustomResourceDefinitionList(ctx));
    // Resource requests first: they are the hot path, and discovery paths fall through to the routes below.
    app.use(async (req: Request, res: Response, next: NextFunction) => {
      try {
        const parsed = parseRequestInfo(req.method, req.path, req.query as Record<string, unknown>, ctx.scheme);
        if (!parsed) return next();
        if (!parsed.ok) throw new StatusError(parsed.code, parsed.code === 404 ? 'NotFound' : 'MethodNotAllowed', parsed.message);
        res.locals.requestInfo = parsed.info;
        await serveResource(ctx, parsed.info, req, res);
      } catch (e) {
        next(e);
      }
    });

    app.get(['/healthz', '/livez'], (_req, res) => {
      res.type('text/plain').send('ok');
    });
    app.get('/readyz', async (_req, res) => {
      try {
        await ctx.store.currentRevision();
        res.type('text/plain').send('ok');
      } catch (e) {
        res.status(503).type('text/plain').send(`[-]etcd failed: ${(e as Error).message}\nreadyz check failed`);
      }
    });
    app.get('/version', (_req, res) => sendJSON(res, 200, emulatedVersion));
    app.use(issuerDiscoveryHandler(ctx));
    app.use('/openapi/v2', new OpenAPIV2Service(ctx.scheme, { version: emulatedVersion.gitVersion }).handler());
    app.use('/openapi/v3', new OpenAPIV3Service(ctx.scheme, { version: emulatedVersion.gitVersion }).handler());
    app.get('/metrics', async (_req, res) => {
      res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    });
    const aggregated = {
      core: JSON.stringify(aggregatedDiscovery(ctx.scheme, true)),
      groups: JSON.stringify(aggregatedDiscovery(ctx.scheme, false)),
    };
    const sendAggregated = (res: Response, body: string) => {
      res.status(200);
      res.setHeader('Content-Type', aggregatedDiscoveryType);
      res.setHeader('Vary', 'Accept');
      res.end(body);
    };
    app.get('/api', (req, res) =>
      wantsAggregatedDiscovery(req.headers.accept) ? sendAggregated(res, aggregated.core) : sendJSON(res, 200, apiVersions(ctx.advertiseAddress)),
    );
    app.get('/apis', (req, res) =>
      wantsAggregatedDiscovery(req.headers.accept) ? sendAggregated(res, aggregated.groups) : sendJSON(res, 200, apiGroupList(ctx.scheme)),
    );
    app.get('/api/:version', (req, res, next) => {
      const doc = apiResourceList(ctx.scheme, '', req.params.version);
      return doc ? sendJSON(res, 200, doc) : next();
    });
    app.get('/apis/:group', (req, res, next) => {
      const doc = apiGroupDoc(ctx.scheme, req.params.group);
      return doc ? sendJSON(res, 200, doc) : next();
    });
    app.get('/apis/:group/:version', (req, res, next) => {
      const doc = apiResourceList(ctx.scheme, req.params.group, req.params.version);
      return doc ? sendJSON(res, 200, doc) : next();
    });

    app.use((_req: Request, _res: Response, next: NextFunction) => {
      next(new StatusError(404, 'NotFound', 'the server could not find the requested resource'));
    });

    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      let se: StatusError;
      if (err instanceof StatusError) se = err;
      else if (isBodyParserError(err)) se = new StatusError(400, 'BadRequest', String((err as Error).message));
      else {
        ctx.logger.error('request failed', { method: req.method, path: req.path, error: err instanceof Error ? err.stack : String(err) });
        se = internal(err instanceof Error ? err.message : String(err));
      }
      if (res.headersSent) {
        res.end();
        return;
      }
      if (se.retryAfterSeconds) res.setHeader('Retry-After', String(se.retryAfterSeconds));
      sendJSON(res, se.code, se.toStatus());
    });
    return app;
  }

  /** Listens; returns the plain port, or the secure one when the plain port is not served. */
  async start(): Promise<number> {
    const serverOpts = { keepAliveTimeout: 65_000, requestTimeout: 0 };
    let port: number | undefined;
    if (this.opts.servePlain !== false || !this.opts.secure) {
      this.server = http.createServer(serverOpts, this.app);
      port = await this.listen(this.server, this.opts.port);
      this.ctx.advertiseAddress = `${this.opts.advertiseAddress ?? this.opts.bindAddress}:${port}`;
    }
    if (this.opts.secure) {
      this.secureServer = https.createServer({ ...serverOpts, ...tlsServerOptions(this.opts.secure) }, this.app);
      this.securePort = await this.listen(this.secureServer, this.opts.secure.port);
      // Pods and nodes reach the apiserver on its secure port once there is one.
      this.ctx.advertiseAddress = `${this.opts.advertiseAddress ?? this.opts.bindAddress}:${this.securePort}`;
    }
    for (const c of this.caches) void c.start();
    const serviceRange = new IPRange(this.opts.serviceClusterIPRange);
    if (this.opts.endpointReconcilerType !== 'none' && routableApiserver(clusterServices(serviceRange, this.ctx.advertiseAddress).apiHost)) this.endpoints = new ApiserverEndpointsReconciler(this.ctx, serviceRange);
    void bootstrapCluster(this.ctx, serviceRange).then(() => {
      if (!this.stopping) this.endpoints?.start();
    });
    if (this.opts.secure && usesRbac(this.opts.secure.authorizationMode)) void bootstrapRbac(this.ctx);
    this.compactor.start();
    return port ?? this.securePort!;
  }

  private async listen(server: http.Server | https.Server, port: number): Promise<number> {
    server.on('upgrade', this.upgrades.dispatch);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.bindAddress, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.endpoints?.stop();
    this.compactor.stop();
    for (const c of this.caches) c.stop();
    this.upgrades.closeAll();
    for (const server of [this.server, this.secureServer]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.ctx.store.close();
  }
}

function isBodyParserError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'type' in e && typeof (e as { type: unknown }).type === 'string';
}

