import type * as http from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { apiErrorFromResponse, type ConnectionSettings } from '@skiff/client';
import WebSocket from 'ws';
import {
  Channel,
  channelProtocols,
  closeStreamFrame,
  dataFrame,
  remoteCommandEnd,
  resizeFrame,
  type ChannelProtocol,
  type TerminalSize,
} from './channel-protocol';

/** The terminal of a `-t` session: its size now, and its changes (SIGWINCH). */
export interface TerminalSizeSource {
  size(): TerminalSize;
  onResize(listener: (size: TerminalSize) => void): () => void;
}

export interface RemoteCommandStreams {
  /** Sent on channel 0; its end is announced with v5's close-stream message. */
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Present under a tty: its size is sent first and again whenever it changes. */
  terminal?: TerminalSizeSource;
}

/** The remote command could not be run, or ended with a failure other than an exit code. */
export class RemoteCommandError extends Error {
  override name = 'RemoteCommandError';
}

export interface RemoteCommandOptions {
  /** How long the WebSocket handshake may take. Default 30 s. */
  handshakeTimeoutMs?: number;
}

/**
 * Runs an exec or attach over a WebSocket to `target` (the server's URL for pods/NAME/exec or /attach, with the
 * client's auth headers and TLS settings) and resolves with the command's exit code once the server closes the
 * session. A refused upgrade rejects with the server's Status as an ApiError; a Failure status other than an exit
 * code, or a broken session, rejects with a RemoteCommandError.
 */
export function runRemoteCommand(target: ConnectionSettings, streams: RemoteCommandStreams, opts: RemoteCommandOptions = {}): Promise<number> {
  const url = new URL(target.url.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const path = url.pathname + url.search;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...channelProtocols], {
      headers: target.headers,
      ...target.tls,
      perMessageDeflate: false,
      handshakeTimeout: opts.handshakeTimeoutMs ?? 30_000,
    });
    const cleanups: (() => void)[] = [];
    let statusText = '';
    let settled = false;
    const finish = (outcome: { exitCode: number } | { error: Error }) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.exitCode);
    };

    ws.on('unexpected-response', (req: http.ClientRequest, res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => finish({ error: err }));
      res.on('end', () => {
        req.destroy();
        finish({ error: apiErrorFromResponse(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), 'GET', path) });
      });
    });
    ws.on('error', (err) => {
      finish({ error: err });
      ws.terminate();
    });
    ws.on('open', () => {
      const protocol = ws.protocol as ChannelProtocol;
      if (streams.terminal) {
        const terminal = streams.terminal;
        ws.send(resizeFrame(terminal.size()));
        cleanups.push(terminal.onResize((size) => ws.readyState === WebSocket.OPEN && ws.send(resizeFrame(size))));
      }
      if (streams.stdin) cleanups.push(sendStdin(ws, streams.stdin, protocol));
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) {
        finish({ error: new RemoteCommandError('the server sent a text message, but the channel protocol carries binary messages only') });
        ws.terminate();
        return;
      }
      const message = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (message.length === 0) return;
      const payload = message.subarray(1);
      switch (message[0]) {
        case Channel.stdout:
          return writeOut(ws, streams.stdout, payload);
        case Channel.stderr:
          return writeOut(ws, streams.stderr, payload);
        case Channel.status:
          statusText += payload.toString('utf8');
          return;
      }
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (statusText) {
        const end = remoteCommandEnd(statusText);
        return finish('exitCode' in end ? end : { error: new RemoteCommandError(end.failure) });
      }
      // A session the server closes normally without a status is a success, as for the Kubernetes client.
      if (code === 1000 || code === 1005) return finish({ exitCode: 0 });
      const why = reason.length ? `: ${reason.toString('utf8')}` : '';
      finish({ error: new RemoteCommandError(`the connection closed before the command ended (close code ${code}${why})`) });
    });
  });
}

/** Output that cannot be written yet holds the session's reading back, instead of piling up in memory. */
function writeOut(ws: WebSocket, out: Writable, payload: Buffer): void {
  if (out.write(payload) || ws.isPaused) return;
  ws.pause();
  out.once('drain', () => ws.resume());
}

/**
 * Pipes local input to channel 0, one message at a time so a fast producer cannot outrun the connection. At its
 * end, v5 tells the server with the close-stream message; v4 has no way to say it, so the command keeps its input open.
 */
function sendStdin(ws: WebSocket, stdin: Readable, protocol: ChannelProtocol): () => void {
  let stopped = false;
  const onData = (chunk: Buffer | string) => {
    if (stopped || ws.readyState !== WebSocket.OPEN) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (bytes.length === 0) return;
    stdin.pause();
    ws.send(dataFrame(Channel.stdin, bytes), () => {
      if (!stopped) stdin.resume();
    });
  };
  const onEnd = () => {
    if (!stopped && ws.readyState === WebSocket.OPEN && protocol === 'v5.channel.k8s.io') ws.send(closeStreamFrame(Channel.stdin));
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.once('error', onEnd);
  return () => {
    stopped = true;
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.off('error', onEnd);
    stdin.pause();
  };
}
