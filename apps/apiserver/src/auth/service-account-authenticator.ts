import type { KObject } from '@skiff/api';
import { serviceAccountGroups, serviceAccountUserName } from '@skiff/auth';
import type { UserInfo } from '../admission/admission';
import type { TokenAuthentication, TokenAuthenticator } from './authenticator';
import { clockLeewaySeconds, type ClaimRef, type ServiceAccountClaims, type ServiceAccountTokenVerifier } from './service-account-token';

/** The core objects a token may name, as the apiserver holds them now (undefined when there is none). */
export type ObjectGetter = (resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string | undefined, name: string) => Promise<KObject | undefined>;

/** The user.extra keys Kubernetes gives a bound token's user. */
export const podNameExtraKey = 'authentication.kubernetes.io/pod-name';
export const podUidExtraKey = 'authentication.kubernetes.io/pod-uid';
export const nodeNameExtraKey = 'authentication.kubernetes.io/node-name';
export const nodeUidExtraKey = 'authentication.kubernetes.io/node-uid';
export const credentialIdExtraKey = 'authentication.kubernetes.io/credential-id';

type Check = { ok: true } | { ok: false; reason: string };

/**
 * Authenticates ServiceAccount JWTs: a verified token becomes `system:serviceaccount:<ns>:<name>` as long as
 * the account, and the pod, secret or node it is bound to, still exist with the uids it names. An object deleted
 * more than a minute ago (its deletionTimestamp passed) no longer vouches for the token.
 */
export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  constructor(
    private readonly verifier: ServiceAccountTokenVerifier,
    private readonly objects: ObjectGetter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async authenticate(token: string, audiences?: readonly string[]): Promise<TokenAuthentication | undefined> {
    const verified = await this.verifier.verify(token, audiences?.length ? audiences : undefined);
    if (!verified || !verified.ok) return verified;
    const claims = verified.claims;
    const k8s = claims['kubernetes.io'];
    const ns = k8s.namespace;
    const account = await this.stillThere('serviceaccounts', ns, k8s.serviceaccount, `service account ${ns}/${k8s.serviceaccount.name}`);
    if (!account.ok) return account;
    if (k8s.secret) {
      const secret = await this.stillThere('secrets', ns, k8s.secret, `bound secret ${k8s.secret.name}`);
      if (!secret.ok) return secret;
    }
    if (k8s.pod) {
      const pod = await this.stillThere('pods', ns, k8s.pod, `bound pod ${k8s.pod.name}`);
      if (!pod.ok) return pod;
    } else if (k8s.node) {
      // A pod-bound token names its pod's node for information; a node-bound one lives and dies with the node.
      const node = await this.stillThere('nodes', undefined, k8s.node, `bound node ${k8s.node.name}`);
      if (!node.ok) return node;
    }
    return { ok: true, user: userOfClaims(claims), audiences: verified.audiences };
  }

  private async stillThere(resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string | undefined, ref: ClaimRef, named: string): Promise<Check> {
    const obj = await this.objects(resource, namespace, ref.name);
    if (!obj) return { ok: false, reason: `${named} not found: the token has been invalidated` };
    const deleted = obj.metadata.deletionTimestamp;
    if (deleted && Date.parse(deleted) < this.now().getTime() - clockLeewaySeconds * 1000) return { ok: false, reason: `${named} has been deleted` };
    if ((ref.uid ?? '') !== (obj.metadata.uid ?? '')) return { ok: false, reason: `${named} UID (${obj.metadata.uid ?? ''}) does not match the token's claim (${ref.uid ?? ''})` };
    return { ok: true };
  }
}

/** The user a valid token stands for: the account's name, uid and groups, and what it is bound to in extra. */
export function userOfClaims(claims: ServiceAccountClaims): UserInfo {
  const k8s = claims['kubernetes.io'];
  const extra: Record<string, string[]> = {};
  if (k8s.pod?.name && k8s.pod.uid) {
    extra[podNameExtraKey] = [k8s.pod.name];
    extra[podUidExtraKey] = [k8s.pod.uid];
  }
  if (k8s.node?.name) {
    extra[nodeNameExtraKey] = [k8s.node.name];
    if (k8s.node.uid) extra[nodeUidExtraKey] = [k8s.node.uid];
  }
  if (claims.jti) extra[credentialIdExtraKey] = [`JTI=${claims.jti}`];
  return {
    name: serviceAccountUserName(k8s.namespace, k8s.serviceaccount.name),
    ...(k8s.serviceaccount.uid ? { uid: k8s.serviceaccount.uid } : {}),
    groups: serviceAccountGroups(k8s.namespace),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}
