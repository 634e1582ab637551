import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** An HTTP upgrade request's connection, for a handler that takes it over (exec, attach, proxies). */
export interface UpgradeRequest {
  socket: Duplex;
  /** Bytes the client sent after the request headers. */
  head: Buffer;
  /** Records a connection that has been taken over, so that stopping the server ends it. */
  track(socket: Duplex): void;
}

const upgrades = new WeakMap<http.IncomingMessage, UpgradeRequest>();

/** The upgrade behind a request, when it came in as one. */
export function upgradeOf(req: http.IncomingMessage): UpgradeRequest | undefined {
  return upgrades.get(req);
}

/**
 * Upgrade requests get their own connection handling in Node, away from the request handler. This gives them
 * back to the express app with a response bound to the connection: routing, validation and Status errors are
 * shared with every other request, and a handler that accepts the upgrade takes the socket over.
 */
export class UpgradeDispatcher {
  private readonly taken = new Set<Duplex>();

  constructor(private readonly app: (req: http.IncomingMessage, res: http.ServerResponse) => void) {}

  readonly dispatch = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    upgrades.set(req, {
      socket,
      head,
      track: (s) => {
        this.taken.add(s);
        s.once('close', () => this.taken.delete(s));
      },
    });
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    // Nothing else ends a response answered on a connection that was not upgraded.
    res.on('finish', () => socket.end());
    this.app(req, res);
  };

  /** Ends every connection handed over to a kubelet. */
  closeAll(): void {
    for (const s of this.taken) s.destroy();
    this.taken.clear();
  }
}
