import crypto from 'node:crypto';

/** Bootstrap tokens live as Secrets of this type, named `bootstrap-token-<id>`, in kube-system. */
export const bootstrapTokenSecretType = 'bootstrap.kubernetes.io/token';
export const bootstrapTokenNamespace = 'kube-system';
export const bootstrapTokenSecretPrefix = 'bootstrap-token-';
/** The group every bootstrap token's user is in; extra groups must start with `system:bootstrappers:`. */
export const bootstrappersGroup = 'system:bootstrappers';
export const bootstrapUserPrefix = 'system:bootstrap:';

/** The data keys of a bootstrap token Secret. */
export const bootstrapTokenKeys = {
  id: 'token-id',
  secret: 'token-secret',
  expiration: 'expiration',
  description: 'description',
  extraGroups: 'auth-extra-groups',
  usageAuthentication: 'usage-bootstrap-authentication',
  usageSigning: 'usage-bootstrap-signing',
} as const;

const tokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const extraGroupPattern = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const tokenAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** `abcdef.0123456789abcdef` → its id and secret; undefined for anything else. */
export function parseBootstrapToken(token: string): BootstrapToken | undefined {
  const m = tokenPattern.exec(token);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export function formatBootstrapToken(t: BootstrapToken): string {
  return `${t.id}.${t.secret}`;
}

function randomString(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += tokenAlphabet[crypto.randomInt(tokenAlphabet.length)];
  return s;
}

/** A fresh token: a 6-character id and a 16-character secret from [a-z0-9], drawn from the system's CSPRNG. */
export function generateBootstrapToken(): BootstrapToken & { token: string } {
  const t = { id: randomString(6), secret: randomString(16) };
  return { ...t, token: formatBootstrapToken(t) };
}

export function bootstrapTokenSecretName(id: string): string {
  return `${bootstrapTokenSecretPrefix}${id}`;
}

export interface BootstrapTokenSecretOptions {
  /** When the token stops working; omitted, it never expires. */
  expiration?: Date;
  /** Defaults to authentication and signing, as kubeadm's tokens. */
  usages?: ('authentication' | 'signing')[];
  /** Each must start with `system:bootstrappers:`. */
  extraGroups?: string[];
  description?: string;
}

/** A Secret body (string values in `stringData`) that makes `token` a bootstrap token. Throws on a bad extra group. */
export function bootstrapTokenSecret(token: BootstrapToken, opts: BootstrapTokenSecretOptions = {}) {
  for (const g of opts.extraGroups ?? []) {
    if (!extraGroupPattern.test(g)) throw new Error(`bootstrap token extra group "${g}" must start with ${bootstrappersGroup}: and use only [a-z0-9:-]`);
  }
  const usages = opts.usages ?? ['authentication', 'signing'];
  const stringData: Record<string, string> = { [bootstrapTokenKeys.id]: token.id, [bootstrapTokenKeys.secret]: token.secret };
  if (opts.description) stringData[bootstrapTokenKeys.description] = opts.description;
  if (opts.expiration) stringData[bootstrapTokenKeys.expiration] = opts.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (usages.includes('authentication')) stringData[bootstrapTokenKeys.usageAuthentication] = 'true';
  if (usages.includes('signing')) stringData[bootstrapTokenKeys.usageSigning] = 'true';
  if (opts.extraGroups?.length) stringData[bootstrapTokenKeys.extraGroups] = opts.extraGroups.join(',');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: bootstrapTokenSecretName(token.id), namespace: bootstrapTokenNamespace },
    type: bootstrapTokenSecretType,
    stringData,
  };
}

/** The parts of a stored Secret the check reads; `data` values are base64, as on the wire. */
export interface BootstrapTokenSecretObject {
  metadata: { name?: string; deletionTimestamp?: string };
  type?: string;
  data?: Record<string, string>;
}

export type BootstrapTokenCheck = { ok: true; user: { name: string; groups: string[] } } | { ok: false; reason: string };

// Digests have one length whatever the inputs, so the comparison takes the same time for every wrong secret.
function timingSafeEqualStrings(a: string, b: string): boolean {
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

/**
 * Kubernetes' bootstrap token authentication against the token's Secret: the right type, not being deleted, the
 * id and (compared in constant time) secret matching, not expired, usable for authentication, and extra groups
 * that are all `system:bootstrappers:*`. The user is `system:bootstrap:<id>` (the authentication chain adds
 * system:authenticated).
 */
export function checkBootstrapToken(token: BootstrapToken, secret: BootstrapTokenSecretObject, now: Date = new Date()): BootstrapTokenCheck {
  const name = secret.metadata.name ?? bootstrapTokenSecretName(token.id);
  if (secret.metadata.deletionTimestamp) return { ok: false, reason: `secret ${name} is being deleted` };
  if (secret.type !== bootstrapTokenSecretType) return { ok: false, reason: `secret ${name} has type ${JSON.stringify(secret.type ?? '')}, not ${bootstrapTokenSecretType}` };
  const field = (key: string) => {
    const v = secret.data?.[key];
    return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
  };
  if (!timingSafeEqualStrings(field(bootstrapTokenKeys.secret) ?? '', token.secret)) return { ok: false, reason: `the token secret does not match secret ${name}` };
  if (field(bootstrapTokenKeys.id) !== token.id) return { ok: false, reason: `secret ${name} has token-id ${JSON.stringify(field(bootstrapTokenKeys.id) ?? '')}, not ${token.id}` };
  const expiration = field(bootstrapTokenKeys.expiration);
  if (expiration !== undefined) {
    const at = Date.parse(expiration);
    if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(expiration)) return { ok: false, reason: `secret ${name} has an expiration that is not RFC 3339: ${JSON.stringify(expiration)}` };
    if (at < now.getTime()) return { ok: false, reason: `bootstrap token ${token.id} expired at ${expiration}` };
  }
  if (field(bootstrapTokenKeys.usageAuthentication) !== 'true') return { ok: false, reason: `secret ${name} does not allow usage-bootstrap-authentication` };
  const extras = (field(bootstrapTokenKeys.extraGroups) ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  const bad = extras.find((g) => !extraGroupPattern.test(g));
  if (bad !== undefined) return { ok: false, reason: `secret ${name} has auth-extra-groups ${JSON.stringify(bad)}, which does not start with ${bootstrappersGroup}:` };
  const groups = [...new Set([bootstrappersGroup, ...extras])];
  return { ok: true, user: { name: `${bootstrapUserPrefix}${token.id}`, groups } };
}
