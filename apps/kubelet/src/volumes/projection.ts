import type { ConfigMap, Pod, Secret, Volume, VolumeProjection } from '@skiff/api';
import { containerResourceValue, findContainer, podFieldValue, type ResourceAmounts } from '../pod/field-ref';
import type { PodObjectSource } from '../pod/object-source';
import type { Payload } from './atomic-writer';
import type { ServiceAccountTokens } from './service-account-tokens';

/** Kubernetes' default file mode for projected files (0644). */
export const defaultFileMode = 0o644;

type KeyToPath = { key: string; path: string; mode?: number };
type DownwardAPIFile = NonNullable<NonNullable<Volume['downwardAPI']>['items']>[number];

/** Keys of a configmap or secret as files: every key, or just the listed ones at their paths. */
function keysPayload(
  data: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
  missingKey: (key: string) => string,
): Payload {
  const payload: Payload = new Map();
  if (!items?.length) {
    for (const [key, bytes] of data) payload.set(key, { data: bytes, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const bytes = data.get(item.key);
    if (!bytes) {
      if (optional) continue;
      throw new Error(missingKey(item.key));
    }
    payload.set(item.path, { data: bytes, mode: item.mode ?? defaultMode });
  }
  return payload;
}

function configMapData(cm: ConfigMap | undefined): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm?.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm?.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return data;
}

function secretData(secret: Secret | undefined): Map<string, Buffer> {
  return new Map(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

export async function configMapPayload(
  source: PodObjectSource,
  namespace: string,
  ref: { name?: string; items?: KeyToPath[]; optional?: boolean },
  defaultMode: number,
): Promise<Payload> {
  const name = ref.name ?? '';
  const cm = await source.getConfigMap(namespace, name);
  if (!cm && !ref.optional) throw new Error(`configmap "${name}" not found`);
  return keysPayload(configMapData(cm), ref.items, defaultMode, !!ref.optional, (key) => `configmap references non-existent config key: ${key}`);
}

export async function secretPayload(
  source: PodObjectSource,
  namespace: string,
  ref: { name?: string; items?: KeyToPath[]; optional?: boolean },
  defaultMode: number,
): Promise<Payload> {
  const name = ref.name ?? '';
  const secret = await source.getSecret(namespace, name);
  if (!secret && !ref.optional) throw new Error(`secret "${name}" not found`);
  return keysPayload(secretData(secret), ref.items, defaultMode, !!ref.optional, (key) => `references non-existent secret key: ${key}`);
}

/** The downward API files: pod metadata fields and container resources, as of the pod object given. */
export function downwardAPIPayload(pod: Pod, items: DownwardAPIFile[] | undefined, defaultMode: number, allocatable: ResourceAmounts): Payload {
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const item of items ?? []) {
    try {
      let value = '';
      if (item.fieldRef) value = podFieldValue(pod, item.fieldRef.fieldPath);
      else if (item.resourceFieldRef) {
        const ref = item.resourceFieldRef;
        value = containerResourceValue(findContainer(pod, ref.containerName ?? ''), ref.resource, ref.divisor, allocatable);
      }
      payload.set(item.path, { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode });
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length) throw new Error(errors.join('; '));
  return payload;
}

type TokenProjection = NonNullable<VolumeProjection['serviceAccountToken']>;

/** A token of the pod's service account bound to the pod, for the audience (none: the apiserver's) and lifetime asked. */
export async function serviceAccountTokenPayload(pod: Pod, projection: TokenProjection, defaultMode: number, tokens: ServiceAccountTokens | undefined): Promise<Payload> {
  if (!tokens) throw new Error('projected serviceAccountToken sources are not supported by this kubelet');
  const serviceAccount = pod.spec.serviceAccountName || pod.spec.serviceAccount;
  if (!serviceAccount) throw new Error('the pod has no service account to request a token for');
  const issued = await tokens.get(pod.metadata.namespace ?? 'default', serviceAccount, {
    audiences: projection.audience ? [projection.audience] : [],
    expirationSeconds: projection.expirationSeconds ?? 3600,
    boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
  });
  return new Map([[projection.path, { data: Buffer.from(issued.token, 'utf8'), mode: defaultMode }]]);
}

/** Sources of a projected volume merged into one payload; serviceAccountToken sources need the kubelet's token cache. */
export async function projectedPayload(
  pod: Pod,
  source: PodObjectSource,
  sources: VolumeProjection[] | undefined,
  defaultMode: number,
  tokens?: ServiceAccountTokens,
): Promise<Payload> {
  const namespace = pod.metadata.namespace ?? 'default';
  const payload: Payload = new Map();
  for (const s of sources ?? []) {
    let part: Payload;
    if (s.configMap) part = await configMapPayload(source, namespace, s.configMap, defaultMode);
    else if (s.secret) part = await secretPayload(source, namespace, s.secret, defaultMode);
    else if (s.downwardAPI) part = downwardAPIPayload(pod, s.downwardAPI.items, defaultMode, source.nodeAllocatable());
    else if (s.serviceAccountToken) part = await serviceAccountTokenPayload(pod, s.serviceAccountToken, defaultMode, tokens);
    else continue;
    for (const [path, file] of part) payload.set(path, file);
  }
  return payload;
}
