import { applyPatch, validate as validateJsonPatch, type Operation } from 'fast-json-patch';
import { StrategicMergePatchError, strategicMergePatch, type TSchema } from '@skiff/api';
import { StatusError, badRequest, unsupportedMediaType } from './status-error';
import type { BodyMediaType } from './body';

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test); a failed op is 422 as in Kubernetes. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('a JSON patch must be an array of operations');
  const err = validateJsonPatch(ops as Operation[], target);
  if (err) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${err.message.split('\n')[0]}`);
  try {
    return applyPatch(target, ops as Operation[], false, false).newDocument;
  } catch (e) {
    throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(e as Error).message.split('\n')[0]}`);
  }
}

export type PatchApplier = (current: unknown, patch: unknown) => unknown;

/** Strategic merge patch with the kind's schema; malformed patches are 400, lists of lists 422 (as Kubernetes). */
export function strategicPatch(schema: TSchema): PatchApplier {
  return (current, patch) => {
    try {
      return strategicMergePatch(current, patch, schema);
    } catch (e) {
      if (!(e instanceof StrategicMergePatchError)) throw e;
      if (e.code === 422) throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${e.message}`);
      throw badRequest(e.message);
    }
  };
}

/** The applier for a PATCH body; strategic merge patch needs the schema of the kind (or subresource) patched. */
export function patchApplierFor(mediaType: BodyMediaType | undefined, schema: TSchema | undefined): PatchApplier {
  switch (mediaType) {
    case 'json-patch':
      return jsonPatch;
    case 'merge-patch':
      return mergePatch;
    case 'strategic-merge-patch':
      if (schema) return strategicPatch(schema);
      throw unsupportedMediaType(
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`,
      );
    default:
      throw unsupportedMediaType(
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
}
