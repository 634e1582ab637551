import { randomInt } from 'node:crypto';
import type { Container, KObject, Pod, PodSpec, ServiceAccount, Volume } from '@skiff/api';
import { forbidden } from '../handlers/status-error';
import type { AdmissionPlugin, AdmissionRequest } from './admission';
import { enforcesMountableSecrets, ephemeralSecretsProblem, mountableSecretsProblem } from './mountable-secrets';

/** Where every pod's API credentials are mounted, as in Kubernetes. */
export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Prefix of the projected volume the plugin adds; a pod that already has one keeps it. */
export const tokenVolumePrefix = 'kube-api-access-';
/** The token's lifetime in the added volume: Kubernetes' "warn-only" 1 h + 7 s, which marks it as a default token. */
export const defaultTokenExpirationSeconds = 3607;
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
const defaultServiceAccount = 'default';
/** The `default` account is made by the serviceaccount controller just after its namespace: look a few times for it. */
const defaultAccountAttempts = 10;

/** How the plugin reads ServiceAccounts. */
export interface ServiceAccountSource {
  /** From the watch cache: undefined when it is not there (yet). */
  cached(namespace: string, name: string): ServiceAccount | undefined;
  /** From storage, for one created a moment ago. */
  live(namespace: string, name: string): Promise<ServiceAccount | undefined>;
}

export interface ServiceAccountAdmissionOptions {
  serviceAccounts: ServiceAccountSource;
  /** Waits between live lookups of the `default` account; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The 5-character suffix of a new kube-api-access volume; default random. */
  volumeSuffix?: () => string;
}

// Kubernetes' generated-name alphabet: no vowels or look-alike characters.
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const randomVolumeSuffix = () => Array.from({ length: 5 }, () => suffixAlphabet[randomInt(suffixAlphabet.length)]).join('');
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isPodCreate = (req: AdmissionRequest) =>
  req.operation === 'CREATE' && req.type.group === '' && req.type.resource === 'pods' && !req.subresource && !!req.object;
const isEphemeralContainersUpdate = (req: AdmissionRequest) =>
  req.operation === 'UPDATE' && req.type.group === '' && req.type.resource === 'pods' && req.subresource === 'ephemeralcontainers' && !!req.object;
const isMirrorPod = (pod: KObject) => pod.metadata.annotations?.[mirrorPodAnnotation] !== undefined;

/** The projected volume that gives a container a bound token, the cluster CA and its namespace. */
export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: defaultTokenExpirationSeconds, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** Every container (init, regular, ephemeral) without a mount at the service-account path gets the token volume. */
function mountTokenVolume(spec: PodSpec, volumeSuffix: () => string): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(tokenVolumePrefix));
  const name = existing?.name ?? tokenVolumePrefix + volumeSuffix();
  let mounted = false;
  const containers: { volumeMounts?: Container['volumeMounts'] }[] = [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
  for (const c of containers) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === serviceAccountMountPath)) continue;
    (c.volumeMounts ??= []).push({ name, readOnly: true, mountPath: serviceAccountMountPath });
    mounted = true;
  }
  if (mounted && !existing) (spec.volumes ??= []).push(tokenVolume(name));
}

/** The pod's own setting wins, then the account's; tokens are mounted unless one of them says no. */
function automounts(spec: PodSpec, sa: ServiceAccount): boolean {
  return spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
}

/** Whether a pod names any secret: pull secrets, env, envFrom, secret volumes and projections, CSI publish secrets. */
function referencesSecrets(spec: PodSpec): boolean {
  if (spec.imagePullSecrets?.length) return true;
  const containers: Pick<Container, 'env' | 'envFrom'>[] = [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
  for (const c of containers) {
    if (c.envFrom?.some((e) => e.secretRef)) return true;
    if (c.env?.some((e) => e.valueFrom?.secretKeyRef)) return true;
  }
  return (spec.volumes ?? []).some((v) => v.secret || v.csi?.nodePublishSecretRef || v.projected?.sources?.some((s) => s.secret));
}

/**
 * Mirror pods stand for static pods the kubelet runs from files: they may not borrow API credentials.
 * Skiff's pod defaulting names the `default` account on every pod, so only another account is refused here.
 */
function validateMirrorPod(req: AdmissionRequest, spec: PodSpec): void {
  if (spec.serviceAccountName && spec.serviceAccountName !== defaultServiceAccount) {
    throw forbidden(req.type, req.name, 'a mirror pod may not reference service accounts');
  }
  if (referencesSecrets(spec)) throw forbidden(req.type, req.name, 'a mirror pod may not reference secrets');
  if ((spec.volumes ?? []).some((v) => v.projected?.sources?.some((s) => s.serviceAccountToken))) {
    throw forbidden(req.type, req.name, 'a mirror pod may not use ServiceAccountToken volume projections');
  }
}

const notFoundAccount = (req: AdmissionRequest, namespace: string, name: string) =>
  forbidden(req.type, req.name, `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`);

/**
 * Kubernetes' ServiceAccount admission for new pods: the pod runs as `default` unless it names an account, the
 * account must exist (the `default` one is waited for briefly, since its controller makes it just after the
 * namespace), a projected kube-api-access volume with a bound token, the cluster CA and the namespace is mounted
 * into every container unless the pod or the account turns automounting off, and the account's imagePullSecrets
 * are given to a pod that has none. Mirror pods are left as they are but may not reference accounts or secrets.
 * An account annotated kubernetes.io/enforce-mountable-secrets limits its pods (and ephemeral containers added
 * later) to the secrets it lists. (Changing serviceAccountName later is refused by pod update validation.)
 */
export function serviceAccountAdmission(opts: ServiceAccountAdmissionOptions): AdmissionPlugin {
  const sleep = opts.sleep ?? realSleep;
  const volumeSuffix = opts.volumeSuffix ?? randomVolumeSuffix;

  async function lookUp(namespace: string, name: string): Promise<ServiceAccount | undefined> {
    const cached = opts.serviceAccounts.cached(namespace, name);
    if (cached) return cached;
    const attempts = name === defaultServiceAccount ? defaultAccountAttempts : 1;
    const intervalMs = 100 + randomInt(100);
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(intervalMs);
      const live = await opts.serviceAccounts.live(namespace, name);
      if (live) return live;
    }
    return undefined;
  }

  return {
    name: 'ServiceAccount',
    async mutate(req) {
      if (!isPodCreate(req)) return;
      const pod = req.object as Pod;
      const spec = pod.spec;
      if (!spec) return;
      if (isMirrorPod(pod)) return;
      spec.serviceAccountName ||= spec.serviceAccount || defaultServiceAccount;
      spec.serviceAccount = spec.serviceAccountName;
      const namespace = req.namespace ?? '';
      const sa = await lookUp(namespace, spec.serviceAccountName);
      if (!sa) throw notFoundAccount(req, namespace, spec.serviceAccountName);
      if (automounts(spec, sa)) mountTokenVolume(spec, volumeSuffix);
      if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
    },
    async validate(req) {
      const creating = isPodCreate(req);
      if (!creating && !isEphemeralContainersUpdate(req)) return;
      const pod = req.object as Pod;
      const spec = pod.spec;
      if (!spec) return;
      if (creating && isMirrorPod(pod)) return validateMirrorPod(req, spec);
      const namespace = req.namespace ?? '';
      if (!spec.serviceAccountName) throw forbidden(req.type, req.name, `no service account specified for pod ${namespace}/${req.name}`);
      const sa = await lookUp(namespace, spec.serviceAccountName);
      if (!sa) throw notFoundAccount(req, namespace, spec.serviceAccountName);
      if (!enforcesMountableSecrets(sa)) return;
      const problem = creating ? mountableSecretsProblem(sa, spec) : ephemeralSecretsProblem(sa, spec.ephemeralContainers);
      if (problem) throw forbidden(req.type, req.name, problem);
    },
  };
}
