import { EventEmitter } from 'events';
import { Readable, Writable } from 'stream';
import { SpdyConnection } from './spdy-connection';
import { connectSpdy, SpdyUpgradeOptions } from './spdy-upgrade';
import { SpdyStream } from './spdy-stream';
import { decodeRemoteCommandStatus, RemoteCommandError, RemoteCommandResult } from './remote-command-status';

/** The remotecommand protocol version this client speaks: v4 reports exit codes as a JSON Status. */
export const REMOTE_COMMAND_PROTOCOL_V4 = 'v4.channel.k8s.io';

export interface TerminalSize {
  width: number;
  height: number;
}

export interface RemoteCommandOptions {
  /** Piped to the command; its end half-closes the stdin stream, which the runtime turns into EOF. */
  stdin?: Readable;
  /** Receives the command's stdout (never ended by us). */
  stdout?: Writable;
  /** Receives the command's stderr (never ended by us). Not allowed with `tty`: a terminal has one output. */
  stderr?: Writable;
  tty?: boolean;
  /** Terminal sizes to apply, for `tty`: an async iterable, or an emitter of 'resize' events with a TerminalSize. */
  resizes?: AsyncIterable<TerminalSize> | EventEmitter;
  /** Tears the connection down; the returned promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  tls?: SpdyUpgradeOptions['tls'];
}

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/**
 * Runs the Kubernetes remotecommand protocol (v4, over SPDY/3.1) against a CRI streaming URL as returned by
 * the runtime's Exec or Attach call. The streams opened must match what the CRI request asked for: the runtime
 * waits for exactly those (stdin/stdout/stderr as given here, plus resize with a tty).
 * Resolves with the command's exit code once its status and all of its output have arrived.
 */
export async function runRemoteCommand(url: string | URL, options: RemoteCommandOptions = {}): Promise<RemoteCommandResult> {
  const { stdin, stdout, stderr, signal } = options;
  const tty = options.tty ?? false;
  if (tty && stderr) throw new Error('remote command: tty and stderr cannot both be set (a terminal merges stderr into stdout)');
  if (!stdin && !stdout && !stderr) throw new Error('remote command: at least one of stdin, stdout and stderr is required');
  signal?.throwIfAborted();

  const { connection, responseHeaders } = await connectSpdy(url, {
    headers: { 'X-Stream-Protocol-Version': REMOTE_COMMAND_PROTOCOL_V4 },
    signal,
    tls: options.tls,
  }).catch((err: unknown) => {
    throw signal?.aborted ? abortReason(signal) : err;
  });
  const onAbort = () => connection.destroy(abortReason(signal));
  signal?.addEventListener('abort', onAbort, { once: true });
  const cleanups: (() => void)[] = [];
  let finished = false;
  try {
    signal?.throwIfAborted();
    const negotiated = responseHeaders['x-stream-protocol-version'];
    if (negotiated !== REMOTE_COMMAND_PROTOCOL_V4) {
      throw new RemoteCommandError(`streaming server negotiated protocol ${JSON.stringify(negotiated ?? '')}, expected ${REMOTE_COMMAND_PROTOCOL_V4}`);
    }
    const wanted: StreamType[] = ['error'];
    if (stdin) wanted.push('stdin');
    if (stdout) wanted.push('stdout');
    if (stderr) wanted.push('stderr');
    if (tty) wanted.push('resize');
    const opened = await Promise.all(wanted.map((type) => openTypedStream(connection, type)));
    const streams = new Map(wanted.map((type, i) => [type, opened[i]]));

    const statusText = readAll(streams.get('error')!);
    const outputs: Promise<void>[] = [];
    if (stdout) outputs.push(copyInto(streams.get('stdout')!, stdout, 'stdout'));
    if (stderr) outputs.push(copyInto(streams.get('stderr')!, stderr, 'stderr'));
    // The terminal size goes first, as kubectl sends it, so that a shell starts out at the right size.
    const resizeStream = streams.get('resize');
    if (resizeStream && options.resizes) cleanups.push(forwardResizes(options.resizes, resizeStream));
    if (stdin) cleanups.push(pipeStdin(stdin, streams.get('stdin')!));

    const [text] = await Promise.all([statusText, ...outputs]);
    finished = true;
    return decodeRemoteCommandStatus(text);
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const cleanup of cleanups) cleanup();
    // After a complete run the server closes the connection itself; otherwise there is nothing to wait for.
    if (finished) await connection.close();
    else connection.destroy();
  }
}

async function openTypedStream(connection: SpdyConnection, type: StreamType): Promise<SpdyStream> {
  try {
    const stream = await connection.openStream({ streamtype: type });
    // Failures surface through the reads and writes on it; the event must not go unhandled meanwhile.
    stream.on('error', () => undefined);
    return stream;
  } catch (err) {
    throw new RemoteCommandError(`streaming server did not accept the ${type} stream: ${(err as Error).message}`);
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('remote command aborted');
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function copyInto(source: Readable, destination: Writable, name: string): Promise<void> {
  for await (const chunk of source) {
    if (destination.destroyed || destination.writableEnded) throw new RemoteCommandError(`the ${name} destination was closed`);
    if (!destination.write(chunk)) await drained(destination, name);
  }
}

function drained(destination: Writable, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      destination.off('drain', onDrain);
      destination.off('close', onClose);
      destination.off('error', done);
      if (err) reject(new RemoteCommandError(`writing ${name} failed: ${err.message}`));
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('destination closed'));
    destination.on('drain', onDrain);
    destination.on('close', onClose);
    destination.on('error', done);
  });
}

/** Pipes the caller's stdin into the stdin stream; returns how to stop once the command is over. */
function pipeStdin(source: Readable, stdinStream: SpdyStream): () => void {
  const endStdin = () => stdinStream.end();
  // A command that exits before its stdin is done gets its stdin stream reset: stop feeding it.
  const stop = () => source.unpipe(stdinStream);
  source.on('error', endStdin);
  stdinStream.on('reset', stop);
  source.pipe(stdinStream);
  return () => {
    stop();
    source.off('error', endStdin);
    stdinStream.off('reset', stop);
  };
}

function forwardResizes(resizes: AsyncIterable<TerminalSize> | EventEmitter, resizeStream: SpdyStream): () => void {
  const send = (size: TerminalSize) => {
    if (!resizeStream.writable) return;
    resizeStream.write(`${JSON.stringify({ Width: size.width, Height: size.height })}\n`);
  };
  if (resizes instanceof EventEmitter) {
    resizes.on('resize', send);
    return () => resizes.off('resize', send);
  }
  const iterator = resizes[Symbol.asyncIterator]();
  let stopped = false;
  void (async () => {
    for (;;) {
      const next = await iterator.next().catch(() => ({ done: true as const, value: undefined }));
      if (stopped || next.done) return;
      send(next.value);
    }
  })();
  return () => {
    stopped = true;
    void iterator.return?.()?.catch(() => undefined);
  };
}
