import type { KObject } from '@skiff/api';
import type { ServerStrategy } from './server-strategy';

interface NamespaceLike {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

/** A deleted namespace stays Terminating until the namespace controller empties it and clears spec.finalizers. */
export const namespaceStrategy: ServerStrategy = {
  prepareForCreate(obj: KObject) {
    (obj as NamespaceLike & KObject).status = { phase: 'Active' };
  },
  prepareForUpdate(obj: KObject, old: KObject) {
    // spec.finalizers changes only through the finalize subresource.
    const ns = obj as NamespaceLike & KObject;
    ns.spec = { ...(ns.spec ?? {}), finalizers: (old as NamespaceLike & KObject).spec?.finalizers };
    if (ns.spec.finalizers === undefined) delete ns.spec.finalizers;
  },
  holdsDeletion(obj: KObject) {
    return ((obj as NamespaceLike & KObject).spec?.finalizers ?? []).length > 0;
  },
  beginDeletion(obj: KObject) {
    const ns = obj as NamespaceLike & KObject;
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
  },
};
