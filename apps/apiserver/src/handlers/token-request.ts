import type { Request, Response } from 'express';
import {
  authenticationGroupName,
  defaultTokenExpirationSeconds,
  FieldPath,
  formatTime,
  invalid as invalidField,
  maxTokenExpirationSeconds,
  minTokenExpirationSeconds,
  schemaErrors,
  TokenRequestSchema,
  type FieldError,
  type KObject,
  type TokenRequest,
} from '@skiff/api';
import { userOf } from '../auth/request-user';
import { serviceAccountClaims, ServiceAccountTokenSigner, type ClaimRef, type TokenSubject } from '../auth/service-account-token';
import { warnOnlyTokenExpirationSeconds, type ServiceAccountTokenConfig } from '../auth/service-account-options';
import { registryByName, type ApiContext } from './api-context';
import { readObjectBody } from './body';
import { sendJSON } from './respond';
import { badRequest, invalid, StatusError } from './status-error';
import { isDryRun } from './write-options';

const signers = new WeakMap<ServiceAccountTokenConfig, ServiceAccountTokenSigner>();

function signerOf(config: ServiceAccountTokenConfig): ServiceAccountTokenSigner | undefined {
  if (!config.signingKey) return undefined;
  let signer = signers.get(config);
  if (!signer) signers.set(config, (signer = new ServiceAccountTokenSigner(config.signingKey)));
  return signer;
}

const invalidTokenRequest = (name: string, errors: FieldError[]) => invalid('TokenRequest', authenticationGroupName, name, errors);
const uidOf = (o: KObject) => o.metadata.uid ?? '';

/**
 * POST serviceaccounts/{name}/token: Kubernetes' TokenRequest. Checks the request, runs admission on it
 * (NodeRestriction limits kubelets to pods on their node), resolves the bound object, and answers 201 with a
 * signed token for the account. Without a signing key the subresource is not served, as in Kubernetes.
 */
export async function createServiceAccountToken(ctx: ApiContext, namespace: string, name: string, req: Request, res: Response): Promise<void> {
  const config = ctx.serviceAccountTokens;
  const signer = config && signerOf(config);
  if (!config || !signer) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource: serviceaccounts/token');
  const body = await readObjectBody(req);
  if (body.kind !== undefined && body.kind !== 'TokenRequest') throw badRequest(`the body is a ${String(body.kind)}, not a TokenRequest`);
  // status is the server's to fill; clients (kubectl's protobuf body) may send an empty one.
  const { status: _ignored, ...sent } = body;
  const request = { ...sent, metadata: (body.metadata ?? {}) as KObject['metadata'], spec: (body.spec ?? {}) as TokenRequest['spec'] } as unknown as TokenRequest;
  const shapeErrors = schemaErrors(TokenRequestSchema, request);
  if (shapeErrors.length) throw invalidTokenRequest(name, shapeErrors);
  const meta = request.metadata;
  const metaErrors: FieldError[] = [];
  if (meta.name && meta.name !== name) metaErrors.push(invalidField(FieldPath.root('metadata').child('name'), meta.name, 'must match the service account name if specified'));
  if (meta.namespace && meta.namespace !== namespace) metaErrors.push(invalidField(FieldPath.root('metadata').child('namespace'), meta.namespace, 'must match the service account namespace if specified'));
  if (metaErrors.length) throw invalidTokenRequest(name, metaErrors);

  const serviceAccounts = registryByName(ctx, '', 'v1', 'serviceaccounts');
  const account = await serviceAccounts.get(namespace, name);
  const spec = request.spec;
  if (!spec.audiences?.length) spec.audiences = [...config.apiAudiences];
  spec.expirationSeconds ??= defaultTokenExpirationSeconds;
  const now = new Date();
  request.metadata = { name, namespace, creationTimestamp: formatTime(now) };
  const expiration = spec.expirationSeconds;
  if (expiration < minTokenExpirationSeconds) throw invalidTokenRequest('', [invalidField(FieldPath.root('spec').child('expirationSeconds'), expiration, 'may not specify a duration less than 10 minutes')]);
  if (expiration > maxTokenExpirationSeconds) throw invalidTokenRequest('', [invalidField(FieldPath.root('spec').child('expirationSeconds'), expiration, 'may not specify a duration larger than 2^32 seconds')]);

  const user = userOf(req);
  const admissionReq = { operation: 'CREATE' as const, type: serviceAccounts.type, subresource: 'token', namespace, name, object: request as unknown as KObject, user, dryRun: isDryRun(req.query as Record<string, unknown>) };
  await ctx.admission.mutate(admissionReq);
  await ctx.admission.validate(admissionReq);

  const subject: TokenSubject = { namespace, serviceAccount: { name, uid: uidOf(account) }, ...(await boundObjects(ctx, namespace, name, request)) };
  if (config.maxExpirationSeconds !== undefined && spec.expirationSeconds! > config.maxExpirationSeconds) {
    res.setHeader('Warning', `299 - "requested expiration of ${spec.expirationSeconds} seconds shortened to ${config.maxExpirationSeconds} seconds"`);
    spec.expirationSeconds = config.maxExpirationSeconds;
  }
  // Kubernetes' safe rollout of bound tokens: the kubelet's default pod token for the API stays valid long after
  // it should have been refreshed, and is only flagged (warnafter) once past its nominal expiry.
  const extend =
    config.extendedExpirationSeconds !== undefined &&
    subject.pod !== undefined &&
    spec.expirationSeconds === warnOnlyTokenExpirationSeconds &&
    spec.audiences.every((a) => config.apiAudiences.includes(a));
  const claims = serviceAccountClaims(subject, {
    issuer: config.issuers[0],
    audiences: spec.audiences,
    expirationSeconds: extend ? config.extendedExpirationSeconds! : spec.expirationSeconds!,
    now,
    ...(extend ? { warnAfterSeconds: spec.expirationSeconds } : {}),
  });
  const token = await signer.sign(claims);
  const out = {
    kind: 'TokenRequest',
    apiVersion: `${authenticationGroupName}/v1`,
    metadata: request.metadata,
    spec,
    // The nominal expiry, also for an extended token: the kubelet refreshes by it.
    status: { token, expirationTimestamp: formatTime(new Date((claims.iat + spec.expirationSeconds!) * 1000)) },
  };
  sendJSON(res, 201, out);
}

/** The pod, secret or node the token is bound to, checked against the live object (and a pod's node, by name and uid). */
async function boundObjects(ctx: ApiContext, namespace: string, account: string, request: TokenRequest): Promise<Pick<TokenSubject, 'pod' | 'secret' | 'node'>> {
  const ref = request.spec.boundObjectRef;
  if (!ref) return {};
  const apiVersion = ref.apiVersion ?? '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const kind = group === '' ? ref.kind : undefined;
  if (kind !== 'Pod' && kind !== 'Secret' && kind !== 'Node') throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
  const resource = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' }[kind];
  const registry = registryByName(ctx, '', 'v1', resource);
  const obj = await registry.get(kind === 'Node' ? undefined : namespace, ref.name ?? '');
  if (ref.uid && ref.uid !== uidOf(obj)) {
    throw new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${kind} "${ref.name}": the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      { name: ref.name, group: '', kind },
    );
  }
  const bound: ClaimRef = { name: obj.metadata.name!, uid: uidOf(obj) };
  if (kind === 'Secret') return { secret: bound };
  if (kind === 'Node') return { node: bound };
  const spec = (obj.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
  if ((spec.serviceAccountName || 'default') !== account) throw badRequest(`cannot bind token for serviceaccount "${account}" to pod running with different serviceaccount name.`);
  if (!spec.nodeName) return { pod: bound };
  // The pod's node goes into the claims too; a node that is gone still gives its name.
  let node: ClaimRef = { name: spec.nodeName };
  try {
    node = { name: spec.nodeName, uid: uidOf(await registryByName(ctx, '', 'v1', 'nodes').get(undefined, spec.nodeName)) };
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  }
  return { pod: bound, node };
}
