import type { LabelSelector } from '../meta/label-selector-schema';
import { labelSelectorFromObject } from '../selectors/label-selector';

/** labels.FormatLabels: `a=1,b=2` sorted, or `<none>`. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.sort().join(',') : '<none>';
}

/** The canonical text of a LabelSelector object (`app=web,tier in (a,b)`), `''` when it selects everything. */
export function labelSelectorText(selector: LabelSelector | undefined): string | undefined {
  try {
    return labelSelectorFromObject(selector).toString();
  } catch {
    return undefined;
  }
}

/** metav1.FormatLabelSelector: the selector's text, `<none>` when empty, `<error>` when it does not parse. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const text = labelSelectorText(selector);
  if (text === undefined) return '<error>';
  return text || '<none>';
}

/** The CONTAINERS and IMAGES cells: every container of a template on one line, comma-separated. */
export function containerCells(containers: readonly { name: string; image?: string }[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/** Up to `max` items joined by commas, then `+ N more...` for the rest, as endpoint columns print. */
export function listWithMore(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

/** `True`/`False` for a set boolean, `<unset>` for a missing one. */
export function formatOptionalBool(value: boolean | undefined): string {
  if (value === undefined) return '<unset>';
  return value ? 'True' : 'False';
}

/** A host:port pair, with IPv6 hosts in brackets (net.JoinHostPort). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
