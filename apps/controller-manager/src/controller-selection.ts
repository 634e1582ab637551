import { UsageError } from './options';

/**
 * Resolves `--controllers` as Kubernetes does: `*` turns on every controller not off by default, `name` turns one
 * on, `-name` turns one off; an explicit entry wins over `*` whatever the order. Unknown names are a usage error.
 */
export function selectControllers(entries: readonly string[], known: readonly string[], offByDefault: readonly string[] = []): string[] {
  const enabled = new Set<string>();
  const disabled = new Set<string>();
  let all = false;
  for (const entry of entries) {
    if (entry === '*') {
      all = true;
      continue;
    }
    const off = entry.startsWith('-');
    const name = off ? entry.slice(1) : entry;
    if (!known.includes(name)) throw new UsageError(`--controllers: unknown controller "${name}" (known: ${known.join(', ')})`);
    (off ? disabled : enabled).add(name);
  }
  return known.filter((name) => !disabled.has(name) && ((all && !offByDefault.includes(name)) || enabled.has(name)));
}

/** Workers a controller gets unless --concurrent-workers says otherwise (Kubernetes' --concurrent-*-syncs defaults). */
const defaultWorkers: Record<string, number> = {
  namespace: 10,
  garbagecollector: 20,
  serviceaccount: 1,
  podgc: 1,
  'root-ca-cert-publisher': 1,
  bootstrapsigner: 1,
  tokencleaner: 1,
};

export function workersFor(name: string, override: number | undefined): number {
  return override ?? defaultWorkers[name] ?? 5;
}
