import { alignColumns } from '../printers/table-text';

/**
 * Builds kubectl-describe text: `Key:  value` lines whose values line up within a section, nested sections
 * indented by two spaces, and small tables (containers' ports, conditions, events).
 */
export class DescribeWriter {
  private readonly lines: string[] = [];
  private pending: { indent: number; pairs: [string, string][] } | undefined;

  /** A `Key:  value` line; values of consecutive lines at one indent are aligned. */
  field(key: string, value: unknown, indent = 0): this {
    const text = value === undefined || value === null || value === '' ? '<none>' : String(value);
    if (!this.pending || this.pending.indent !== indent) this.flush(), (this.pending = { indent, pairs: [] });
    this.pending.pairs.push([`${key}:`, text]);
    return this;
  }

  /** A map (labels, annotations, selectors) as `k=v`, one per line under the key. */
  map(key: string, values: Record<string, string> | undefined, indent = 0): this {
    const entries = Object.entries(values ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length === 0) return this.field(key, '<none>', indent);
    this.field(key, `${entries[0][0]}=${entries[0][1]}`, indent);
    for (const [k, v] of entries.slice(1)) this.pending!.pairs.push(['', `${k}=${v}`]);
    return this;
  }

  /** A heading line such as `Containers:` followed by indented content. */
  heading(title: string, indent = 0): this {
    this.flush();
    this.lines.push(`${' '.repeat(indent)}${title}:`);
    return this;
  }

  table(rows: string[][], indent = 2): this {
    this.flush();
    if (rows.length <= 1) return this;
    for (const line of alignColumns(rows).trimEnd().split('\n')) this.lines.push(' '.repeat(indent) + line);
    return this;
  }

  text(line: string): this {
    this.flush();
    this.lines.push(line);
    return this;
  }

  toString(): string {
    this.flush();
    return this.lines.join('\n') + '\n';
  }

  private flush(): void {
    if (!this.pending) return;
    const width = Math.max(...this.pending.pairs.map(([k]) => k.length)) + 2;
    const pad = ' '.repeat(this.pending.indent);
    for (const [k, v] of this.pending.pairs) this.lines.push(`${pad}${k.padEnd(width)}${v}`);
    this.pending = undefined;
  }
}
