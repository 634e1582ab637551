import type { Container, EphemeralContainer, PodSpec, ServiceAccount } from '@skiff/api';

/** The annotation that limits an account's pods to the secrets the account lists. */
export const enforceMountableSecretsAnnotation = 'kubernetes.io/enforce-mountable-secrets';

// Go's strconv.ParseBool spellings of true, which Kubernetes reads the annotation with.
const trueSpellings = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export function enforcesMountableSecrets(sa: ServiceAccount): boolean {
  return trueSpellings.has(sa.metadata.annotations?.[enforceMountableSecretsAnnotation] ?? '');
}

type EnvSource = Pick<Container, 'name' | 'env' | 'envFrom'>;

function envProblem(kind: string, containers: EnvSource[] | undefined, allowed: Set<string>, account: string): string | undefined {
  const refusal = (what: string, secret: string) => `${kind} ${what} referencing secret.secretName="${secret}" is not allowed because service account ${account} does not reference that secret`;
  for (const c of containers ?? []) {
    for (const e of c.env ?? []) {
      const secret = e.valueFrom?.secretKeyRef?.name;
      if (secret !== undefined && !allowed.has(secret)) return refusal(`${c.name} with envVar ${e.name}`, secret);
    }
    for (const e of c.envFrom ?? []) {
      const secret = e.secretRef?.name;
      if (secret !== undefined && !allowed.has(secret)) return refusal(`${c.name} with envFrom`, secret);
    }
  }
  return undefined;
}

/**
 * Kubernetes' mountable-secrets limit for a new pod of an account that enforces it: secret volumes, env and
 * envFrom of init and app containers may use only the account's `secrets`, and imagePullSecrets only its
 * `imagePullSecrets`. Returns the first refusal, or undefined.
 */
export function mountableSecretsProblem(sa: ServiceAccount, spec: PodSpec): string | undefined {
  const account = sa.metadata.name ?? '';
  const allowed = new Set((sa.secrets ?? []).map((s) => s.name ?? ''));
  for (const v of spec.volumes ?? []) {
    const secret = v.secret?.secretName;
    if (v.secret && !allowed.has(secret ?? '')) {
      return `volume with secret.secretName="${secret ?? ''}" is not allowed because service account ${account} does not reference that secret`;
    }
  }
  const env = envProblem('init container', spec.initContainers, allowed, account) ?? envProblem('container', spec.containers, allowed, account);
  if (env) return env;
  const pullAllowed = new Set((sa.imagePullSecrets ?? []).map((s) => s.name ?? ''));
  for (const [i, ref] of (spec.imagePullSecrets ?? []).entries()) {
    if (!pullAllowed.has(ref.name ?? '')) {
      return `imagePullSecrets[${i}].name="${ref.name ?? ''}" is not allowed because service account ${account} does not reference that imagePullSecret`;
    }
  }
  return undefined;
}

/** The same limit for the ephemeral containers added through the ephemeralcontainers subresource. */
export function ephemeralSecretsProblem(sa: ServiceAccount, containers: EphemeralContainer[] | undefined): string | undefined {
  const allowed = new Set((sa.secrets ?? []).map((s) => s.name ?? ''));
  return envProblem('ephemeral container', containers, allowed, sa.metadata.name ?? '');
}
