import * as http from 'http';
import { AddressInfo, Socket } from 'net';
import { Duplex } from 'stream';
import { SpdyFrame, SpdyFrameDecoder, SpdyFrameEncoder } from './spdy-frames';

// A scriptable SPDY/3.1 server for unit tests: it answers the HTTP upgrade, then hands each connection to the
// test as a PeerSession that records every frame received and sends whatever frames the test writes.

export interface UpgradeDecision {
  /** Status other than 101 refuses the upgrade with `body`. */
  status?: number;
  body?: string;
  /** Extra headers on the 101 answer, e.g. the negotiated X-Stream-Protocol-Version. */
  headers?: Record<string, string>;
  /** Never answer the upgrade request. */
  silent?: boolean;
}

export class PeerSession {
  readonly received: SpdyFrame[] = [];
  /** Reply to every SYN_STREAM with an empty SYN_REPLY, as spdystream does once it accepts a stream. */
  autoReply = true;
  /** Echo the client's PINGs (odd ids), as every SPDY endpoint must. */
  autoPong = true;
  private readonly encoder = new SpdyFrameEncoder();
  private readonly decoder = new SpdyFrameDecoder();
  private readonly waiters: { match: (f: SpdyFrame) => boolean; from: number; resolve: (f: SpdyFrame) => void }[] = [];
  private readChain: Promise<void> = Promise.resolve();
  private writeChain: Promise<void> = Promise.resolve();
  readonly ended: Promise<void>;

  constructor(
    readonly socket: Duplex,
    readonly request: http.IncomingMessage,
    head: Buffer,
  ) {
    socket.on('error', () => undefined);
    // The HTTP server's sockets allow half-open connections; a SPDY server closes once the client has.
    socket.on('end', () => socket.end());
    this.ended = new Promise((resolve) => socket.on('close', () => resolve()));
    if (head.length > 0) this.feed(head);
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
  }

  /** Frames are written in call order; header blocks share this side's compression context. */
  send(...frames: SpdyFrame[]): Promise<void> {
    const write = async () => {
      for (const frame of frames) {
        const bytes = await this.encoder.encode(frame);
        if (!this.socket.destroyed) this.socket.write(bytes);
      }
    };
    const result = this.writeChain.then(write);
    this.writeChain = result.catch(() => undefined);
    return result;
  }

  /** The first frame received (from `from` on, in arrival order) that matches. */
  waitFor<T extends SpdyFrame['type']>(type: T, match: (f: Extract<SpdyFrame, { type: T }>) => boolean = () => true, from = 0): Promise<Extract<SpdyFrame, { type: T }>> {
    const test = (f: SpdyFrame) => f.type === type && match(f as Extract<SpdyFrame, { type: T }>);
    const found = this.received.slice(from).find(test);
    if (found) return Promise.resolve(found as Extract<SpdyFrame, { type: T }>);
    return new Promise((resolve) => this.waiters.push({ match: test, from, resolve: resolve as (f: SpdyFrame) => void }));
  }

  /** The SYN_STREAM whose streamtype header is `streamType`. */
  async streamOfType(streamType: string): Promise<number> {
    const syn = await this.waitFor('SYN_STREAM', (f) => f.headers.streamtype === streamType);
    return syn.streamId;
  }

  /** Everything received on a stream until its FIN. */
  async dataUntilFin(streamId: number): Promise<Buffer> {
    await this.waitFor('DATA', (f) => f.streamId === streamId && f.fin);
    return Buffer.concat(this.received.filter((f): f is Extract<SpdyFrame, { type: 'DATA' }> => f.type === 'DATA' && f.streamId === streamId).map((f) => f.data));
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private feed(chunk: Buffer): void {
    this.readChain = this.readChain.then(async () => {
      this.decoder.push(chunk);
      for (let frame = await this.decoder.next(); frame; frame = await this.decoder.next()) this.record(frame);
    });
    this.readChain.catch((err: Error) => {
      this.socket.destroy(err);
    });
  }

  private record(frame: SpdyFrame): void {
    this.received.push(frame);
    if (frame.type === 'SYN_STREAM' && this.autoReply) void this.send({ type: 'SYN_REPLY', streamId: frame.streamId, fin: false, headers: {} });
    if (frame.type === 'PING' && frame.id % 2 === 1 && this.autoPong) void this.send(frame);
    const index = this.received.length - 1;
    for (const waiter of [...this.waiters]) {
      if (index >= waiter.from && waiter.match(frame)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  }
}

export class SpdyTestPeer {
  readonly sessions: PeerSession[] = [];
  private readonly openSockets = new Set<Socket>();
  private sessionWaiters: ((s: PeerSession) => void)[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(decide: (req: http.IncomingMessage) => UpgradeDecision = () => ({})): Promise<SpdyTestPeer> {
    const server = http.createServer((_req, res) => {
      res.writeHead(400).end('upgrade required');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const peer = new SpdyTestPeer(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket: Socket) => {
      peer.openSockets.add(socket);
      socket.on('close', () => peer.openSockets.delete(socket));
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      const decision = decide(req);
      if (decision.silent) return;
      if (decision.status !== undefined && decision.status !== 101) {
        const body = decision.body ?? '';
        socket.end(`HTTP/1.1 ${decision.status} Refused\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      const extra = Object.entries(decision.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${extra}\r\n`);
      const session = new PeerSession(socket, req, head);
      peer.sessions.push(session);
      for (const wake of peer.sessionWaiters.splice(0)) wake(session);
    });
    return peer;
  }

  /** Connections currently open to the peer. */
  get sockets(): number {
    return this.openSockets.size;
  }

  url(path = '/exec/token'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next connection to arrive (or the first one, if it already has). */
  nextSession(index = 0): Promise<PeerSession> {
    if (this.sessions[index]) return Promise.resolve(this.sessions[index]);
    return new Promise((resolve) => {
      const wait = (s: PeerSession) => (this.sessions[index] === s ? resolve(s) : this.sessionWaiters.push(wait));
      this.sessionWaiters.push(wait);
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.openSockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
