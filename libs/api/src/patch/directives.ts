import { badPatch } from './patch-errors';

/**
 * The directive keys a strategic merge patch may carry besides field names (Kubernetes' api-conventions,
 * "Strategic Merge Patch"). kubectl's three-way apply emits all but `$patch: merge`.
 */

/** `$patch: replace | delete` on a map, or as a list element (`{"$patch":"replace"}`, `{name, "$patch":"delete"}`). */
export const patchDirective = '$patch';
/** `$retainKeys: [fields]`: fields of the live map not named are cleared (union types such as Deployment.spec.strategy). */
export const retainKeysDirective = '$retainKeys';
/** `$setElementOrder/<field>: [items or merge keys]`: the final order of a merged list. */
export const setElementOrderPrefix = '$setElementOrder';
/** `$deleteFromPrimitiveList/<field>: [values]`: values removed from a merged primitive list (finalizers). */
export const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';

/**
 * The field a `<prefix>/<field>` key names, or undefined when `key` is not such a directive. A key that starts
 * with the prefix but is not followed by `/` is a malformed directive (400, as in Kubernetes).
 */
export function directiveField(key: string, prefix: typeof setElementOrderPrefix | typeof deleteFromPrimitiveListPrefix): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  if (key.charAt(prefix.length) !== '/') {
    throw badPatch(prefix === setElementOrderPrefix ? 'invalid patch format of setElementOrder list' : 'invalid patch format of primitive list');
  }
  return key.slice(prefix.length + 1);
}

/** True for a map that carries a `$patch` directive. */
export function hasPatchDirective(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, patchDirective);
}
