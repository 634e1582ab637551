import type { KObject, ResourceType } from '@skiff/api';
import type { CliContext } from './cli-context';
import { CliError } from './errors';

/** `pod/web`, `deployment.apps/api`: how kubectl names an object in its messages. */
export function objectRef(type: ResourceType, name: string): string {
  const kind = type.kind.toLowerCase();
  return `${type.group ? `${kind}.${type.group}` : kind}/${name}`;
}

/**
 * The namespace a manifest's object goes to: its own, else `-n`, else the context's. An object that names a
 * namespace other than an explicit `-n` is refused, as kubectl does.
 */
export function namespaceForManifest(ctx: CliContext, type: ResourceType, obj: KObject): string | undefined {
  if (!type.namespaced) return undefined;
  const own = obj.metadata?.namespace;
  if (own && ctx.namespaceIsExplicit && own !== ctx.namespace) {
    throw new CliError(`the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`);
  }
  return own || ctx.namespace;
}

/** JSON with keys sorted at every level, as Go's encoder writes maps (the last-applied annotation's format). */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value));
}
