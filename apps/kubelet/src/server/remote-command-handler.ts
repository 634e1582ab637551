import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@skiff/logging';
import type { WebSocketServer } from 'ws';
import { rejectUpgrade } from './http-replies';
import type { KubeletServerDeps } from './kubelet-server-deps';
import { badRequestStatus, failureStatus, notFoundStatus } from './kubelet-status';
import { channelProtocols, chooseChannelProtocol, runRemoteCommandSession, type RemoteCommandRequest } from './remote-command-session';

export type RemoteCommandKind = 'exec' | 'attach';

export interface RemoteCommandTarget {
  kind: RemoteCommandKind;
  namespace: string;
  pod: string;
  /** Present in the `/{kind}/{namespace}/{pod}/{uid}/{container}` form: the pod must have this uid. */
  uid?: string;
  container: string;
}

const trueWords = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

/** The kubelet's own names (input/output/error=1, as the apiserver sends them) and the API's (stdin/stdout/stderr=true). */
function flag(query: URLSearchParams, ...names: string[]): boolean {
  return names.some((n) => trueWords.has(query.get(n) ?? ''));
}

export function remoteCommandRequestOf(query: URLSearchParams): RemoteCommandRequest {
  const tty = flag(query, 'tty');
  return { stdin: flag(query, 'input', 'stdin'), stdout: flag(query, 'output', 'stdout'), stderr: flag(query, 'error', 'stderr') && !tty, tty };
}

/**
 * An upgrade request to `/exec/...` or `/attach/...`: checked (streams, command, subprotocol, the container),
 * then accepted as a WebSocket speaking the channel protocol, or answered with a Status and closed.
 */
export async function serveRemoteCommand(
  target: RemoteCommandTarget,
  query: URLSearchParams,
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  wss: WebSocketServer,
  deps: KubeletServerDeps,
  logger: Logger,
): Promise<void> {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    return rejectUpgrade(
      socket,
      badRequestStatus(`${target.kind} is served over WebSocket (${channelProtocols.join(', ')}) only; ${req.headers.upgrade} is not supported: use kubectl 1.30 or newer`),
    );
  }
  const protocol = chooseChannelProtocol(req.headers['sec-websocket-protocol']);
  if (!protocol) {
    return rejectUpgrade(
      socket,
      badRequestStatus(`unable to upgrade: requested protocol(s) are not supported: [${req.headers['sec-websocket-protocol'] ?? ''}]; supported protocols are [${channelProtocols.join(' ')}]`),
    );
  }
  const request = remoteCommandRequestOf(query);
  if (!request.stdin && !request.stdout && !request.stderr) return rejectUpgrade(socket, badRequestStatus('you must specify at least 1 of stdin, stdout, stderr'));
  const command = query.getAll('command');
  if (target.kind === 'exec' && command.length === 0) return rejectUpgrade(socket, badRequestStatus('you must specify at least one command for the container'));

  if (target.uid !== undefined) {
    const pod = (await deps.pods()).find((p) => p.metadata.namespace === target.namespace && p.metadata.name === target.pod);
    if (pod && pod.metadata.uid !== target.uid) {
      return rejectUpgrade(socket, notFoundStatus(`pod "${target.pod}" with UID "${target.uid}" not found in namespace "${target.namespace}"`));
    }
  }
  const lookup = await deps.findContainer(target.namespace, target.pod, target.container, false);
  if ('error' in lookup) return rejectUpgrade(socket, lookup.error);
  if (!lookup.running) return rejectUpgrade(socket, badRequestStatus(`container "${target.container}" in pod "${target.pod}" is not running`));

  wss.handleUpgrade(req, socket, head, (ws) => {
    runRemoteCommandSession(ws, request, (streams) =>
      target.kind === 'exec' ? deps.exec(lookup.containerId, command, streams) : deps.attach(lookup.containerId, streams),
    ).catch((e) => {
      logger.warn(`${target.kind} session failed`, { ...target, error: (e as Error).message });
      ws.terminate();
    });
  });
}

/** For a request that reached /exec or /attach without asking for an upgrade. */
export const upgradeRequiredStatus = (kind: RemoteCommandKind) =>
  failureStatus(400, 'BadRequest', `Upgrade request required: ${kind} is served over WebSocket (${channelProtocols.join(', ')})`);
