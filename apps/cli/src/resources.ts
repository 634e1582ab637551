import { apiVersionOf, builtinScheme, type KObject, type ResourceType } from '@skiff/api';
import { CliError } from './errors';

/** Every name a user may type for a resource, lower-cased. */
function namesOf(t: ResourceType): string[] {
  return [t.resource, t.singular, t.kind.toLowerCase(), ...t.shortNames];
}

/** Edit distance counting a swap of neighbours as one edit (typos like `pdos`); small enough for a few dozen names. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Up to three known resource names closest to what was typed. */
export function nearestResourceNames(typed: string): string[] {
  const lower = typed.toLowerCase();
  const scored = builtinScheme.all.map((t) => ({
    name: t.group ? `${t.resource}.${t.group}` : t.resource,
    distance: Math.min(...namesOf(t).map((n) => editDistance(lower, n))),
  }));
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.filter((s) => s.distance <= Math.max(2, Math.floor(lower.length / 2))).slice(0, 3).map((s) => s.name);
}

function unknown(what: string, typed: string): CliError {
  const near = nearestResourceNames(typed);
  const hint = near.length ? `; did you mean ${near.join(', ')}?` : '; run `skiff api-resources` to list them';
  return new CliError(`the server doesn't have a ${what} "${typed}"${hint}`);
}

/** `po`, `pods`, `deploy`, `deployments.apps`, `Pod` → the resource, or an error suggesting the nearest names. */
export function resolveResource(typed: string): ResourceType {
  const t = builtinScheme.resolve(typed);
  if (!t) throw unknown('resource type', typed);
  return t;
}

/** The resource a manifest's apiVersion/kind names. */
export function resourceForObject(obj: KObject, source: string): ResourceType {
  if (!obj.kind) throw new CliError(`${source}: the object has no kind`);
  if (!obj.apiVersion) throw new CliError(`${source}: the object has no apiVersion`);
  const t = builtinScheme.forKind(obj.apiVersion, obj.kind);
  if (t) return t;
  const sameKind = builtinScheme.all.filter((r) => r.kind === obj.kind);
  if (sameKind.length) {
    throw new CliError(`${source}: no kind "${obj.kind}" is registered for version "${obj.apiVersion}"; ${obj.kind} is served as ${sameKind.map(apiVersionOf).join(', ')}`);
  }
  const near = nearestResourceNames(obj.kind).map((n) => builtinScheme.resolve(n)!.kind);
  const hint = near.length ? `; did you mean ${[...new Set(near)].join(', ')}?` : '';
  throw new CliError(`${source}: no kind "${obj.kind}" is registered for version "${obj.apiVersion}"${hint}`);
}

export interface TypedName {
  type: ResourceType;
  name?: string;
}

/**
 * kubectl's argument forms: `pods`, `pods web api`, `pod/web deploy/api`, `pods,services`.
 * Names without a type are an error, as in kubectl.
 */
export function parseResourceArgs(args: string[]): TypedName[] {
  if (args.length === 0) throw new CliError('you must specify the type of resource (e.g. `skiff get pods`); `skiff api-resources` lists them');
  if (args.some((a) => a.includes('/'))) {
    return args.map((a) => {
      const [type, name] = a.split('/', 2);
      if (!type || !name) throw new CliError(`arguments in resource/name form must have a single resource and name, got "${a}"`);
      return { type: resolveResource(type), name };
    });
  }
  const [types, ...names] = args;
  const resolved = types.split(',').map(resolveResource);
  if (names.length === 0) return resolved.map((type) => ({ type }));
  if (resolved.length > 1) throw new CliError('names cannot be given with more than one resource type; use type/name');
  return names.map((name) => ({ type: resolved[0], name }));
}
