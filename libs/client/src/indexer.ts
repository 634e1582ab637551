import type { KObject } from '@skiff/api';

/** The values an object is filed under in one index. */
export type IndexFunc<T extends KObject = KObject> = (obj: T) => string[];
export type Indexers<T extends KObject = KObject> = Record<string, IndexFunc<T>>;

/** The store key Kubernetes uses everywhere: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : `${name}`;
}

export function splitObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export const namespaceIndex = 'byNamespace';
export const byNamespace: IndexFunc = (obj) => [obj.metadata.namespace ?? ''];

/** Pods filed by spec.nodeName; unscheduled pods sit under ''. */
export const podsByNodeName: IndexFunc = (obj) => {
  const spec = obj.spec as { nodeName?: string } | undefined;
  return [spec?.nodeName ?? ''];
};

/**
 * An object cache keyed by `objectKey`, with named secondary indexes kept up to date on every write.
 * Objects are shared with readers and must not be mutated; copy before changing.
 */
export class Indexer<T extends KObject = KObject> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name → indexed value → keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Indexers<T> = {}) {
    this.addIndexers(indexers);
  }

  /** Adds indexes, filing the objects already stored. */
  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexFuncs.has(name)) throw new Error(`index "${name}" already exists`);
      this.indexFuncs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) this.file(index, fn(obj), key);
    }
  }

  hasIndex(name: string): boolean {
    return this.indexFuncs.has(name);
  }

  /** Adds or replaces; returns the object previously stored under the same key. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(old, key);
    this.items.set(key, obj);
    this.index(obj, key);
    return old;
  }

  /** Removes by key; returns what was stored. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(old, key);
    this.items.delete(key);
    return old;
  }

  /** Replaces the whole contents (after a relist). */
  replace(objs: T[]): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
    for (const obj of objs) this.upsert(obj);
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Keys of the objects filed under `value` in index `indexName`. */
  indexKeys(indexName: string, value: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index "${indexName}" does not exist`);
    return [...(index.get(value) ?? [])];
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((k) => this.items.get(k)!);
  }

  private index(obj: T, key: string): void {
    for (const [name, fn] of this.indexFuncs) this.file(this.indices.get(name)!, fn(obj), key);
  }

  private unindex(obj: T, key: string): void {
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }

  private file(index: Map<string, Set<string>>, values: string[], key: string): void {
    for (const value of values) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }
}
