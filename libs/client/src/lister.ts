import { parseLabelSelector, type KObject, type LabelSelectorMatcher } from '@skiff/api';
import { Indexer, namespaceIndex } from './indexer';

/** A parsed label selector, or its query-string form (`app=web,tier!=db`) which is parsed on use. */
export type LabelSelectorInput = Pick<LabelSelectorMatcher, 'matches'> | string;

/** Reads an informer's cache; never calls the server. Returned objects are shared and must not be mutated. */
export class Lister<T extends KObject = KObject> {
  /** `namespaced` false makes `get` ignore the namespace it is given, as the objects are keyed by name alone. */
  constructor(
    private readonly indexer: Indexer<T>,
    private readonly namespaced = true,
  ) {}

  list(selector?: LabelSelectorInput): T[] {
    return filterByLabels(this.indexer.list(), selector);
  }

  listInNamespace(namespace: string, selector?: LabelSelectorInput): T[] {
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

function filterByLabels<T extends KObject>(objs: T[], selector?: LabelSelectorInput): T[] {
  if (selector === undefined) return objs;
  const matcher = typeof selector === 'string' ? parseLabelSelector(selector) : selector;
  return objs.filter((o) => matcher.matches(o.metadata.labels ?? {}));
}
