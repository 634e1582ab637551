import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * `--encryption-provider-config`: Kubernetes' `apiserver.config.k8s.io/v1` EncryptionConfiguration, read from
 * YAML or JSON and checked with Kubernetes' validation rules. Skiff supports the aescbc, aesgcm and identity
 * providers; secretbox and kms are refused by name.
 */

export type AesProviderType = 'aescbc' | 'aesgcm';
export type ProviderType = AesProviderType | 'identity';

export interface EncryptionKey {
  name: string;
  secret: Buffer;
}

export type ProviderConfig = { type: 'identity' } | { type: AesProviderType; keys: EncryptionKey[] };

/** A group/resource as the config names it: `secrets` is {group: '', resource: 'secrets'}; `*.*` matches everything. */
export interface GroupResource {
  group: string;
  resource: string;
}

export interface EncryptionConfiguration {
  /** The providers for each group/resource the file names, in the file's order (an exact name listed twice gets both lists). */
  rules: { gr: GroupResource; providers: ProviderConfig[] }[];
}

export class EncryptionConfigError extends Error {
  override name = 'EncryptionConfigError';
}

const apiVersion = 'apiserver.config.k8s.io/v1';
const kind = 'EncryptionConfiguration';
const aesKeySizes = [16, 24, 32];
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const unsupported: Record<string, string> = {
  secretbox: 'the secretbox provider is not supported by skiff-apiserver; use aescbc or aesgcm',
  kms: 'the kms provider is not supported by skiff-apiserver; use aescbc or aesgcm',
};

/** Kubernetes' ParseGroupResource: the resource up to the first dot, the group after it. */
export function parseGroupResource(s: string): GroupResource {
  const dot = s.indexOf('.');
  return dot < 0 ? { group: '', resource: s } : { group: s.slice(dot + 1), resource: s.slice(0, dot) };
}

/** How the file spells a group/resource: `secrets`, `deployments.apps`, `*.` for the core group. */
export function groupResourceString(gr: GroupResource): string {
  if (gr.group === '' && gr.resource === '*') return '*.';
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and validates the file; every problem is an EncryptionConfigError with a one-line message. */
export function loadEncryptionConfig(file: string): EncryptionConfiguration {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    // Node's message names the path again after a comma; the caller already prints it.
    throw new EncryptionConfigError(`cannot read the encryption provider configuration: ${(e as Error).message.split(',')[0]}`);
  }
  return parseEncryptionConfig(text);
}

/** Parses the file's text (YAML, of which JSON is a subset). */
export function parseEncryptionConfig(text: string): EncryptionConfiguration {
  if (!text.trim()) throw new EncryptionConfigError('the encryption provider configuration file is empty');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new EncryptionConfigError(`not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new EncryptionConfigError(`expected an ${kind} object`);
  if (doc.apiVersion !== apiVersion || doc.kind !== kind) {
    throw new EncryptionConfigError(`expected apiVersion "${apiVersion}" and kind "${kind}", got apiVersion ${JSON.stringify(doc.apiVersion ?? '')} and kind ${JSON.stringify(doc.kind ?? '')}`);
  }
  const errors: string[] = [];
  const config = validate(doc.resources, errors);
  if (errors.length) throw new EncryptionConfigError(errors.join('; '));
  return config;
}

function validate(resources: unknown, errors: string[]): EncryptionConfiguration {
  const rules: EncryptionConfiguration['rules'] = [];
  if (!Array.isArray(resources) || resources.length === 0) {
    errors.push('resources: Required value: at least one resources is required');
    return { rules };
  }
  resources.forEach((entry, i) => {
    const path = `resources[${i}]`;
    if (!isObject(entry)) {
      errors.push(`${path}: Invalid value: expected an object with resources and providers`);
      return;
    }
    const names = validateResourceNames(entry.resources, `${path}.resources`, errors);
    const providers = validateProviders(entry.providers, `${path}.providers`, errors);
    for (const name of names) {
      const gr = parseGroupResource(name);
      // A wildcard from an earlier entry already decides this resource, so this entry would never apply.
      for (const mask of [{ group: gr.group, resource: '*' }, { group: '*', resource: '*' }]) {
        if (rules.some((r) => r.gr.group === mask.group && r.gr.resource === mask.resource)) {
          errors.push(`resource "${groupResourceString(gr)}" is masked by earlier rule "${groupResourceString(mask)}"`);
        }
      }
      const same = rules.find((r) => r.gr.group === gr.group && r.gr.resource === gr.resource);
      if (same) same.providers.push(...providers);
      else rules.push({ gr, providers: [...providers] });
    }
  });
  return { rules };
}

function validateResourceNames(value: unknown, path: string, errors: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push(`${path}: Required value: at least one ${path} is required`);
    return [];
  }
  const names: string[] = [];
  value.forEach((name, j) => {
    const p = `${path}[${j}]`;
    if (typeof name !== 'string' || !name) return errors.push(`${p}: Invalid value: ${JSON.stringify(name)}: must be a resource name`);
    const gr = parseGroupResource(name);
    let problem: string | undefined;
    if (name !== name.toLowerCase()) problem = 'resource name should not contain capital letters';
    else if (name === '*') problem = "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources";
    else if (['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'].includes(name)) problem = 'resources which do not have REST API/s cannot be encrypted';
    else if (gr.group === 'events.k8s.io') problem = "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file";
    else if (gr.group === 'extensions') problem = "'extensions' group has been removed and cannot be used for encryption";
    else if (gr.group === '*' && gr.resource !== '*') problem = 'encrypting the same resource across groups is not supported';
    if (problem) return errors.push(`${p}: Invalid value: "${name}": ${problem}`);
    names.push(name);
  });
  const grs = names.map(parseGroupResource);
  const duplicate = grs.some((a, i) => grs.some((b, j) => i !== j && a.group === b.group && a.resource === b.resource));
  const overlap = grs.some((a, i) =>
    grs.some((b, j) => i !== j && ((a.group === '*' && a.resource === '*') || (a.group === b.group && (a.resource === '*' || b.resource === '*') && a.resource !== b.resource))),
  );
  if (duplicate) errors.push(`${path}: Invalid value: the same resource cannot be specified multiple times`);
  if (overlap) errors.push(`${path}: Invalid value: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked`);
  return names;
}

function validateProviders(value: unknown, path: string, errors: string[]): ProviderConfig[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push(`${path}: Required value: at least one ${path} is required`);
    return [];
  }
  const providers: ProviderConfig[] = [];
  value.forEach((entry, j) => {
    const p = `${path}[${j}]`;
    const types = isObject(entry) ? Object.keys(entry).filter((k) => entry[k] !== undefined && entry[k] !== null) : [];
    if (types.length > 1) return errors.push(`${p}: Invalid value: more than one provider specified in a single element, should split into different list elements`);
    const type = types[0];
    if (type === undefined) return errors.push(`${p}: Invalid value: provider does not contain any of the expected providers: aescbc, aesgcm, identity`);
    if (unsupported[type]) return errors.push(`${p}.${type}: ${unsupported[type]}`);
    const body = (entry as Record<string, unknown>)[type];
    if (type === 'identity') return providers.push({ type: 'identity' });
    if (type !== 'aescbc' && type !== 'aesgcm') return errors.push(`${p}: Invalid value: unknown provider "${type}": expected one of aescbc, aesgcm, identity`);
    const keys = validateKeys(isObject(body) ? body.keys : undefined, `${p}.${type}.keys`, errors);
    if (keys) providers.push({ type, keys });
  });
  return providers;
}

function validateKeys(value: unknown, path: string, errors: string[]): EncryptionKey[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push(`${path}: Required value: at least one keys is required`);
    return undefined;
  }
  const keys: EncryptionKey[] = [];
  let ok = true;
  value.forEach((key, k) => {
    const p = `${path}[${k}]`;
    const name = isObject(key) ? key.name : undefined;
    const secret = isObject(key) ? key.secret : undefined;
    if (typeof name !== 'string' || !name) {
      ok = false;
      errors.push(`${p}.name: Required value: name is a mandatory field for a key`);
    }
    if (typeof secret !== 'string' || !secret) {
      ok = false;
      return errors.push(`${p}.secret: Required value: secret is a mandatory field for a key`);
    }
    // Key material never appears in messages.
    if (!base64Pattern.test(secret)) {
      ok = false;
      return errors.push(`${p}.secret: Invalid value: "REDACTED": secrets must be base64 encoded`);
    }
    const bytes = Buffer.from(secret, 'base64');
    if (!aesKeySizes.includes(bytes.length)) {
      ok = false;
      return errors.push(`${p}.secret: Invalid value: "REDACTED": secret is not of the expected length, got ${bytes.length}, expected one of [${aesKeySizes.join(' ')}]`);
    }
    if (typeof name === 'string' && name) keys.push({ name, secret: bytes });
  });
  return ok ? keys : undefined;
}
