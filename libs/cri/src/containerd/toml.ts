/** A TOML value containerd's config uses: scalars, string lists and nested tables. */
export type TomlValue = string | number | boolean | string[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue | undefined;
}

const bareKey = /^[A-Za-z0-9_-]+$/;

function key(k: string): string {
  return bareKey.test(k) ? k : JSON.stringify(k);
}

function scalar(v: Exclude<TomlValue, TomlTable>, where: string): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`TOML cannot hold ${v} at ${where}`);
    return String(v);
  }
  return `[${v.map((s) => JSON.stringify(s)).join(', ')}]`;
}

function isTable(v: TomlValue): v is TomlTable {
  return typeof v === 'object' && !Array.isArray(v);
}

/**
 * Renders `table` as TOML: each table's plain keys first, then its sub-tables as `[dotted."quoted".headers]`.
 * JSON string escaping is valid TOML basic-string escaping for the characters that can occur here.
 */
export function toToml(table: TomlTable): string {
  const lines: string[] = [];
  const emit = (t: TomlTable, path: string[]) => {
    const entries = Object.entries(t).filter((e): e is [string, TomlValue] => e[1] !== undefined);
    const scalars = entries.filter(([, v]) => !isTable(v));
    const tables = entries.filter(([, v]) => isTable(v)) as [string, TomlTable][];
    if (path.length > 0 && (scalars.length > 0 || tables.length === 0)) {
      if (lines.length > 0) lines.push('');
      lines.push(`[${path.map(key).join('.')}]`);
    }
    for (const [k, v] of scalars) lines.push(`${key(k)} = ${scalar(v as Exclude<TomlValue, TomlTable>, [...path, k].join('.'))}`);
    for (const [k, v] of tables) emit(v, [...path, k]);
  };
  emit(table, []);
  return `${lines.join('\n')}\n`;
}
