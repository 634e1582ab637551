import type { ConfigMap, Container, Pod, Secret } from '@skiff/api';
import type { KeyValue } from '@skiff/cri';
import { ContainerConfigError } from './errors';
import { expandVars, lookupIn } from './expand-vars';
import { containerResourceValue, podFieldValue, type DownwardAPIContext } from './field-ref';
import type { PodObjectSource } from './object-source';
import { serviceEnvironment } from './service-env';
import type { PodWarning } from './warnings';

export interface ContainerEnvironment {
  /** The container's environment in CRI form: env and envFrom in declaration order, then the service variables. */
  envs: KeyValue[];
  /** Things to report as Warning events, not failures. */
  warnings: PodWarning[];
}

/** Kubernetes' relaxed rule for environment variable names: printable ASCII other than '='. */
export function isValidEnvVarName(name: string): boolean {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name);
}

function decodeSecretValue(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/**
 * The environment the kubelet gives a container. envFrom sources are applied first, then env entries (which
 * override them); an env value has its `$(VAR)` references expanded against the variables declared so far
 * and the service variables; valueFrom reads the pod, the container's resources, a configmap or a secret.
 * Service variables come last and never override a declared one. A missing non-optional configmap, secret or
 * key throws ContainerConfigError with the kubelet's message (`configmap "x" not found`).
 */
export async function makeEnvironment(
  pod: Pod,
  container: Container,
  source: PodObjectSource,
  ctx: DownwardAPIContext = {},
): Promise<ContainerEnvironment> {
  const namespace = pod.metadata.namespace ?? 'default';
  const warnings: PodWarning[] = [];
  // A copy: a source may hand out an array it keeps.
  const serviceList = [...(await source.listServices(namespace))];
  if (namespace !== 'default') serviceList.push(...(await source.listServices('default')));
  const serviceEnv = serviceEnvironment(namespace, pod.spec.enableServiceLinks ?? true, serviceList);

  const configMapsRead = new Map<string, ConfigMap | undefined>();
  const secretsRead = new Map<string, Secret | undefined>();
  const configMap = async (name: string) => {
    if (!configMapsRead.has(name)) configMapsRead.set(name, await source.getConfigMap(namespace, name));
    return configMapsRead.get(name);
  };
  const secret = async (name: string) => {
    if (!secretsRead.has(name)) secretsRead.set(name, await source.getSecret(namespace, name));
    return secretsRead.get(name);
  };

  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let entries: [string, string][];
    let what: string;
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await configMap(name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      entries = Object.entries(cm.data ?? {});
      what = `configMap ${namespace}/${name}`;
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = await secret(name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      entries = Object.entries(s.data ?? {}).map(([k, v]) => [k, decodeSecretValue(v)]);
      what = `secret ${namespace}/${name}`;
    } else {
      continue;
    }
    const invalid: string[] = [];
    for (const [key, value] of entries) {
      const name = prefix + key;
      if (!isValidEnvVarName(name)) invalid.push(name);
      else env.set(name, value);
    }
    if (invalid.length) {
      warnings.push({
        reason: 'InvalidEnvironmentVariableNames',
        message: `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`,
      });
    }
  }

  const lookup = lookupIn(env, serviceEnv);
  for (const e of container.env ?? []) {
    let value = e.value ?? '';
    if (value !== '') {
      value = expandVars(value, lookup);
    } else if (e.valueFrom) {
      const from = e.valueFrom;
      if (from.fieldRef) {
        value = podFieldValue(pod, from.fieldRef.fieldPath, ctx);
      } else if (from.resourceFieldRef) {
        const ref = from.resourceFieldRef;
        const target = ref.containerName ? [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === ref.containerName) : container;
        if (!target) throw new ContainerConfigError(`container ${ref.containerName} not found`);
        value = containerResourceValue(target, ref.resource, ref.divisor, source.nodeAllocatable());
      } else if (from.configMapKeyRef) {
        const { name = '', key, optional } = from.configMapKeyRef;
        const cm = await configMap(name);
        if (!cm) {
          if (optional) continue;
          throw new ContainerConfigError(`configmap "${name}" not found`);
        }
        const v = cm.data?.[key];
        if (v === undefined) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
        }
        value = v;
      } else if (from.secretKeyRef) {
        const { name = '', key, optional } = from.secretKeyRef;
        const s = await secret(name);
        if (!s) {
          if (optional) continue;
          throw new ContainerConfigError(`secret "${name}" not found`);
        }
        const v = s.data?.[key];
        if (v === undefined) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
        }
        value = decodeSecretValue(v);
      }
    }
    env.set(e.name, value);
  }

  const envs: KeyValue[] = [...env].map(([key, value]) => ({ key, value }));
  for (const [key, value] of serviceEnv) if (!env.has(key)) envs.push({ key, value });
  return { envs, warnings };
}

/** The environment as a map, for expanding `$(VAR)` in command, args and subPathExpr. */
export function envMap(envs: KeyValue[]): Map<string, string> {
  return new Map(envs.map((e) => [e.key, e.value]));
}
