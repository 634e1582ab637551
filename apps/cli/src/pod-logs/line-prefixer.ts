/**
 * Cuts a log stream into whole lines, each behind a prefix (`[pod/web/app] ` or nothing), so that streams
 * printed together never mix within a line. A last line without a newline comes out at the end, as it is.
 */
export class LinePrefixer {
  private partial = Buffer.alloc(0);
  private readonly prefix: Buffer;

  constructor(prefix: string) {
    this.prefix = Buffer.from(prefix);
  }

  /** The complete lines the chunk finishes, prefixed; an incomplete tail waits for the next chunk. */
  push(chunk: Uint8Array): Buffer {
    const data = this.partial.length ? Buffer.concat([this.partial, chunk]) : Buffer.from(chunk);
    const parts: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      parts.push(this.prefix, data.subarray(start, nl + 1));
      start = nl + 1;
    }
    this.partial = Buffer.from(data.subarray(start));
    return Buffer.concat(parts);
  }

  /** What is left of an unfinished last line, prefixed; empty when the stream ended on a newline. */
  end(): Buffer {
    const rest = this.partial.length ? Buffer.concat([this.prefix, this.partial]) : Buffer.alloc(0);
    this.partial = Buffer.alloc(0);
    return rest;
  }
}
