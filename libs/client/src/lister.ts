import type { KObject } from '@skiff/api';
import { Indexer, namespaceIndex } from './indexer';

/** Anything that decides whether a label set matches, such as @skiff/api's parsed label selectors. */
export interface LabelMatcher {
  matches(labels: Record<string, string>): boolean;
}

/** Reads an informer's cache; never calls the server. Returned objects are shared and must not be mutated. */
export class Lister<T extends KObject = KObject> {
  /** `namespaced` false makes `get` ignore the namespace it is given, as the objects are keyed by name alone. */
  constructor(
    private readonly indexer: Indexer<T>,
    private readonly namespaced = true,
  ) {}

  list(selector?: LabelMatcher): T[] {
    return filterByLabels(this.indexer.list(), selector);
  }

  listInNamespace(namespace: string, selector?: LabelMatcher): T[] {
    const inNamespace = this.indexer.hasIndex(namespaceIndex)
      ? this.indexer.byIndex(namespaceIndex, namespace)
      : this.indexer.list().filter((o) => (o.metadata.namespace ?? '') === namespace);
    return filterByLabels(inNamespace, selector);
  }

  /** Pass `undefined` as the namespace for cluster-scoped objects. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.indexer.getByKey(namespace && this.namespaced ? `${namespace}/${name}` : name);
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexer.byIndex(indexName, value);
  }
}

function filterByLabels<T extends KObject>(objs: T[], selector?: LabelMatcher): T[] {
  return selector ? objs.filter((o) => selector.matches(o.metadata.labels ?? {})) : objs;
}
