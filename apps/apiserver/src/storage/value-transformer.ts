import type { ResourceType } from '@skiff/api';
import { groupResourceString, type EncryptionConfiguration, type GroupResource, type ProviderConfig } from './encryption-config';
import { encryptedMark, providerFor, TransformError, type OpenResult, type Provider } from './encryption-providers';

/**
 * What the store applies to values on their way to and from etcd. Keys it does not cover pass through as they are.
 * `fromStorage` throws TransformError for a value it cannot read.
 */
export interface ValueTransformer {
  toStorage(key: string, plain: Buffer): Buffer;
  fromStorage(key: string, stored: Buffer): OpenResult;
}

/**
 * The ordered providers of one resource, as Kubernetes' prefix transformers: the first seals every write; a read
 * goes to each provider whose prefix the value carries, in order, until one opens it. A value opened by any but
 * the first provider (or key) is stale, so a write without changes still rewrites it.
 */
export class ProviderChain {
  private readonly providers: Provider[];

  constructor(configs: ProviderConfig[], private readonly resource: string) {
    if (configs.length === 0) throw new Error(`no providers for ${resource}`);
    this.providers = configs.map(providerFor);
  }

  seal(plain: Buffer, aad: Buffer): Buffer {
    return this.providers[0].seal(plain, aad);
  }

  open(stored: Buffer, aad: Buffer): OpenResult {
    const errors: string[] = [];
    for (let i = 0; i < this.providers.length; i++) {
      const p = this.providers[i];
      if (!startsWith(stored, p.prefix)) continue;
      try {
        const r = p.open(stored.subarray(p.prefix.length), aad);
        return { value: r.value, stale: r.stale || i !== 0 };
      } catch (e) {
        // identity refusing an encrypted value only means a later provider should read it.
        if (p.prefix !== '') errors.push((e as Error).message);
      }
    }
    if (errors.length) throw new TransformError(errors.join('; '));
    throw new TransformError(this.unmatched(stored));
  }

  /** Why no provider matched, naming the provider and key the value was written with. */
  private unmatched(stored: Buffer): string {
    const head = stored.subarray(0, 256).toString('latin1');
    if (!head.startsWith(encryptedMark)) {
      return `the value is not encrypted, and the encryption configuration for ${this.resource} does not list the identity provider that reads unencrypted values`;
    }
    const m = /^k8s:enc:([^:]*):([^:]*):([^:]*):/.exec(head);
    const written = m ? `provider ${m[1]} (${m[2]}) with key "${m[3]}"` : 'an unknown provider';
    const listed = this.providers.map((p) => p.type).join(', ');
    return `the value was encrypted by ${written}, which the encryption configuration for ${this.resource} does not list (providers: ${listed})`;
  }
}

function startsWith(b: Buffer, prefix: string): boolean {
  if (prefix === '') return true;
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/**
 * Encryption at rest for the store: each resource type the configuration covers gets its provider chain,
 * found by etcd key prefix; the etcd key is the authenticated data, as in Kubernetes.
 */
export class EncryptionAtRest implements ValueTransformer {
  private readonly chains: { prefix: string; chain: ProviderChain }[] = [];

  /** Kubernetes' lookup: the exact group/resource, then `*.<group>`, then `*.*`. */
  constructor(config: EncryptionConfiguration, types: readonly ResourceType[]) {
    const ruleFor = (gr: GroupResource) => config.rules.find((r) => r.gr.group === gr.group && r.gr.resource === gr.resource);
    for (const t of types) {
      const prefix = `/registry/${t.etcdPrefix}/`;
      if (this.chains.some((c) => c.prefix === prefix)) continue;
      const rule = ruleFor({ group: t.group, resource: t.resource }) ?? ruleFor({ group: t.group, resource: '*' }) ?? ruleFor({ group: '*', resource: '*' });
      if (rule) this.chains.push({ prefix, chain: new ProviderChain(rule.providers, groupResourceString({ group: t.group, resource: t.resource })) });
    }
  }

  /** The etcd key prefixes whose values are transformed (for logs and tests). */
  get coveredPrefixes(): string[] {
    return this.chains.map((c) => c.prefix);
  }

  private chainFor(key: string): ProviderChain | undefined {
    for (const c of this.chains) if (key.startsWith(c.prefix)) return c.chain;
    return undefined;
  }

  toStorage(key: string, plain: Buffer): Buffer {
    const chain = this.chainFor(key);
    return chain ? chain.seal(plain, Buffer.from(key)) : plain;
  }

  fromStorage(key: string, stored: Buffer): OpenResult {
    const chain = this.chainFor(key);
    return chain ? chain.open(stored, Buffer.from(key)) : { value: stored, stale: false };
  }
}
