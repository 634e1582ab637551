import type { HttpKubeClient } from '@skiff/client';
import { apiErrorFromResponse } from '@skiff/client';
import { LinePrefixer } from './line-prefixer';

/** One container's log to print: which, and the request path (with its query) that serves it. */
export interface LogSource {
  pod: string;
  container: string;
  path: string;
}

export interface CopyLogOptions {
  /** Print whole lines behind this prefix (`--prefix`, or '' when several logs share the output). */
  linePrefix?: string;
  /** Receives the bytes; resolves when it can take more. */
  write(chunk: Buffer): Promise<void>;
}

/**
 * Copies one log from the server as it arrives, until the server ends it. A status other than 200 is the
 * server's error; a connection lost before the end is an error too, so a cut-off log never looks complete.
 */
export async function copyLog(client: HttpKubeClient, source: LogSource, opts: CopyLogOptions): Promise<void> {
  const res = await client.streamRequest('GET', source.path, { Accept: 'application/json, */*' });
  if (res.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    throw apiErrorFromResponse(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), 'GET', source.path);
  }
  const lines = opts.linePrefix === undefined ? undefined : new LinePrefixer(opts.linePrefix);
  try {
    for await (const chunk of res) {
      const out = lines ? lines.push(chunk as Buffer) : (chunk as Buffer);
      if (out.length) await opts.write(out);
    }
  } catch (err) {
    throw new Error(`the log of pod/${source.pod}/${source.container} was cut off: ${(err as Error).message}`, { cause: err });
  }
  if (!res.complete) throw new Error(`the log of pod/${source.pod}/${source.container} was cut off: the connection closed before its end`);
  const rest = lines?.end();
  if (rest?.length) await opts.write(rest);
}
