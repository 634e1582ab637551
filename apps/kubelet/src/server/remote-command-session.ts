import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Status } from '@skiff/api';
import WebSocket from 'ws';
import { AsyncQueue } from './async-queue';
import type { RemoteCommandResult, RemoteCommandStreams, TerminalSize } from './kubelet-server-deps';

/** The channel protocols served, best first. v5 adds the close-stream message (how stdin's end reaches us). */
export const channelProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ChannelProtocol = (typeof channelProtocols)[number];

/** Stream ids: the first byte of every binary message. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The protocol to answer with, from a Sec-WebSocket-Protocol header; undefined when none is served. */
export function chooseChannelProtocol(offered: string | string[] | undefined): ChannelProtocol | undefined {
  const names = new Set(
    [offered ?? []]
      .flat()
      .flatMap((h) => h.split(','))
      .map((p) => p.trim()),
  );
  return channelProtocols.find((p) => names.has(p));
}

export interface RemoteCommandRequest {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

const successStatus: Status = { metadata: {}, status: 'Success' };

export function exitCodeStatus(exitCode: number): Status {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function internalErrorStatus(err: unknown): Status {
  const message = typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

/**
 * One exec or attach session over an accepted WebSocket: stdin from channel 0 (ended by the v5 close-stream
 * message `[255, 0]` or by the client going away), stdout and stderr out on 1 and 2, terminal sizes from 4, and
 * when the command ends exactly one Status on channel 3 followed by a normal close (1000).
 */
export async function runRemoteCommandSession(
  ws: WebSocket,
  request: RemoteCommandRequest,
  run: (streams: RemoteCommandStreams) => Promise<RemoteCommandResult>,
): Promise<void> {
  const aborted = new AbortController();
  const resizes = new AsyncQueue<TerminalSize>();
  const stdin = request.stdin
    ? new Readable({
        read: () => {
          if (ws.isPaused) ws.resume();
        },
      })
    : undefined;
  const endStdin = () => {
    if (stdin && !stdin.readableEnded) stdin.push(null);
  };
  const toClient = (channel: number) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        // A client that went away gets nothing more; the command is not failed for it.
        if (ws.readyState !== WebSocket.OPEN) return callback();
        ws.send(frame(channel, chunk), { binary: true }, () => callback());
      },
    });
  const stdout = request.stdout ? toClient(Channel.stdout) : undefined;
  const stderr = request.stderr && !request.tty ? toClient(Channel.stderr) : undefined;

  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case Channel.stdin:
        if (stdin && !stdin.readableEnded && payload.length && !stdin.push(payload)) ws.pause();
        break;
      case Channel.resize: {
        const size = parseTerminalSize(payload);
        if (size) resizes.push(size);
        break;
      }
      case Channel.close:
        if (payload[0] === Channel.stdin) endStdin();
        break;
    }
  });
  ws.on('close', () => {
    endStdin();
    resizes.end();
    aborted.abort();
  });

  let status: Status;
  try {
    const { exitCode } = await run({ stdin, stdout, stderr, tty: request.tty, resizes, signal: aborted.signal });
    status = exitCode === 0 ? successStatus : exitCodeStatus(exitCode);
  } catch (e) {
    status = internalErrorStatus(e);
  }
  // Output the command wrote must reach the client before the Status that ends the session.
  await Promise.all(
    [stdout, stderr].map(async (w) => {
      if (!w) return;
      if (!w.writableEnded) w.end();
      await finished(w).catch(() => undefined);
    }),
  );
  resizes.end();
  if (ws.readyState === WebSocket.OPEN) {
    ws.send(frame(Channel.error, Buffer.from(JSON.stringify(status))), { binary: true });
    ws.close(1000);
  }
}

function parseTerminalSize(payload: Buffer): TerminalSize | undefined {
  try {
    const v = JSON.parse(payload.toString('utf8')) as { Width?: unknown; Height?: unknown };
    if (typeof v.Width === 'number' && typeof v.Height === 'number') return { width: v.Width, height: v.Height };
  } catch {
    // Not a size: ignored, as the client cannot be told about it anyway.
  }
  return undefined;
}
