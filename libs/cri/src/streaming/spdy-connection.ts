import { EventEmitter } from 'events';
import { Duplex } from 'stream';
import {
  RstStreamStatus,
  SettingsId,
  SpdyFrame,
  SpdyFrameDecoder,
  SpdyFrameEncoder,
  SpdyHeaders,
  SpdyProtocolError,
} from './spdy-frames';
import { SpdyStream, SpdyStreamCarrier } from './spdy-stream';

/** SPDY/3.1's initial stream and session window (section 2.6.8). */
export const DEFAULT_WINDOW_SIZE = 64 * 1024;
const MAX_WINDOW = 0x7fffffff;
const MAX_DATA_CHUNK = 32 * 1024;

export interface SpdyConnectionOptions {
  /**
   * When to hold back DATA until the peer's window allows it. 'always' follows the spec to the letter.
   * 'when-announced' (the default) starts doing so once the peer has sent a WINDOW_UPDATE or an
   * INITIAL_WINDOW_SIZE setting: Kubernetes' streaming servers (spdystream) implement no flow control — they
   * never send WINDOW_UPDATE — so a strict client would stall after the first 64 KiB of stdin.
   */
  enforcePeerWindow?: 'always' | 'when-announced';
  /** Readable buffer per stream; a stream whose reader falls this far behind pauses the whole connection. */
  streamBufferBytes?: number;
  /**
   * The window we grant the peer, per stream and for the session; announced when the connection starts. The
   * default is the largest allowed, so that WINDOW_UPDATE frames are practically never needed later: servers
   * built on spdystream close their socket right after a command's status, and any frame of ours still in
   * flight then (such as a WINDOW_UPDATE) makes their kernel answer with a TCP reset that can cut off the last
   * bytes of output. Reading pauses instead when a stream's reader falls behind (TCP back-pressure).
   */
  receiveWindow?: number;
}

export interface SpdyConnectionEvents {
  close: [error: Error | undefined];
  goaway: [lastGoodStreamId: number, status: number];
}

/**
 * The client end of a SPDY/3.1 session over an upgraded HTTP/1.1 connection: opens streams (odd ids), answers
 * the peer's PINGs, keeps both flow-control windows and tears every stream down when the socket goes.
 * Streams the peer tries to open are refused.
 */
export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> implements SpdyStreamCarrier {
  private readonly encoder = new SpdyFrameEncoder();
  private readonly decoder = new SpdyFrameDecoder();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pings = new Map<number, { sentAt: number; settle: (err?: Error) => void }>();
  private readonly windowWaiters = new Set<() => void>();
  private readonly streamBufferBytes: number;
  private readonly receiveWindow: number;
  private writeChain: Promise<void> = Promise.resolve();
  private inbound: Promise<void> = Promise.resolve();
  private readingStopped = false;
  private nextStreamId = 1;
  private nextPingId = 1;
  private lastPeerStreamId = 0;
  private peerInitialWindow = DEFAULT_WINDOW_SIZE;
  private sessionSendWindow = DEFAULT_WINDOW_SIZE;
  private sessionCreditPending = 0;
  private readonly streamCreditPending = new Map<number, number>();
  private enforcingWindow: boolean;
  private peerWentAway = false;
  private goawaySent = false;
  private closedWith: { error: Error | undefined } | undefined;
  /** Settles (never rejects) when the connection is over; holds the error that ended it, if any. */
  readonly closed: Promise<Error | undefined>;
  private settleClosed!: (error: Error | undefined) => void;

  constructor(
    private readonly socket: Duplex,
    head: Buffer = Buffer.alloc(0),
    options: SpdyConnectionOptions = {},
  ) {
    super();
    this.enforcingWindow = options.enforcePeerWindow === 'always';
    this.streamBufferBytes = options.streamBufferBytes ?? DEFAULT_WINDOW_SIZE;
    this.receiveWindow = options.receiveWindow ?? MAX_WINDOW;
    if (!Number.isInteger(this.receiveWindow) || this.receiveWindow < 1024 || this.receiveWindow > MAX_WINDOW) {
      throw new RangeError(`receiveWindow must be an integer from 1024 to ${MAX_WINDOW}, got ${options.receiveWindow}`);
    }
    this.closed = new Promise((resolve) => (this.settleClosed = resolve));
    if (this.receiveWindow !== DEFAULT_WINDOW_SIZE) {
      this.sendQuietly({ type: 'SETTINGS', clearSettings: false, settings: [{ id: SettingsId.INITIAL_WINDOW_SIZE, value: this.receiveWindow, flags: 0 }] });
      if (this.receiveWindow > DEFAULT_WINDOW_SIZE) {
        this.sendQuietly({ type: 'WINDOW_UPDATE', streamId: 0, deltaWindowSize: this.receiveWindow - DEFAULT_WINDOW_SIZE });
      }
    }
    this.startReading(head);
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Opens a stream and resolves once the peer has replied to it. */
  async openStream(headers: SpdyHeaders, options: { priority?: number } = {}): Promise<SpdyStream> {
    if (this.closedWith) throw this.closedWith.error ?? new Error('SPDY connection is closed');
    if (this.peerWentAway || this.goawaySent) throw new Error('SPDY connection is going away; no new streams');
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(this, id, headers, this.peerInitialWindow, this.streamBufferBytes);
    this.streams.set(id, stream);
    await this.send({ type: 'SYN_STREAM', streamId: id, associatedStreamId: 0, priority: options.priority ?? 0, fin: false, unidirectional: false, headers });
    await stream.replied;
    return stream;
  }

  /** Round trip time of a PING in milliseconds. */
  async ping(): Promise<number> {
    if (this.closedWith) throw this.closedWith.error ?? new Error('SPDY connection is closed');
    const id = this.nextPingId;
    this.nextPingId = this.nextPingId + 2 > MAX_WINDOW ? 1 : this.nextPingId + 2;
    const sentAt = Date.now();
    const answered = new Promise<void>((resolve, reject) => {
      this.pings.set(id, { sentAt, settle: (err) => (err ? reject(err) : resolve()) });
    });
    answered.catch(() => undefined);
    try {
      await this.send({ type: 'PING', id });
    } catch (err) {
      this.pings.delete(id);
      throw err;
    }
    await answered;
    return Date.now() - sentAt;
  }

  /**
   * Says GOAWAY, ends our side of the socket and waits until the peer has closed too; a peer that has not done so
   * within `timeoutMs` is cut off.
   */
  async close(timeoutMs = 5000): Promise<void> {
    if (!this.closedWith && !this.goawaySent) {
      this.goawaySent = true;
      await this.send({ type: 'GOAWAY', lastGoodStreamId: this.lastPeerStreamId, status: 0 }).catch(() => undefined);
      this.socket.end();
    }
    const timer = setTimeout(() => this.destroy(), timeoutMs);
    timer.unref();
    await this.closed;
    clearTimeout(timer);
  }

  /** Drops the connection at once; open streams fail with `error`, or just close without one. */
  destroy(error?: Error): void {
    this.terminate(error, error);
    this.socket.destroy();
  }

  sendData = async (stream: SpdyStream, data: Buffer, fin: boolean): Promise<void> => {
    let offset = 0;
    do {
      const sendError = stream.sendError;
      if (sendError) throw sendError;
      let length = Math.min(data.length - offset, MAX_DATA_CHUNK);
      if (length > 0 && this.enforcingWindow) {
        await this.sendWindowOpen(stream);
        length = Math.min(length, stream.sendWindow, this.sessionSendWindow);
      }
      const afterWait = stream.sendError;
      if (afterWait) throw afterWait;
      stream.sendWindow -= length;
      this.sessionSendWindow -= length;
      const last = offset + length >= data.length;
      await this.send({ type: 'DATA', streamId: stream.id, fin: fin && last, data: data.subarray(offset, offset + length) });
      offset += length;
    } while (offset < data.length);
  };

  creditReceived = (stream: SpdyStream, bytes: number): void => {
    this.creditSessionOnly(bytes);
    if (stream.remoteClosed) return;
    const pending = (this.streamCreditPending.get(stream.id) ?? 0) + bytes;
    if (pending >= this.receiveWindow / 2) {
      this.sendQuietly({ type: 'WINDOW_UPDATE', streamId: stream.id, deltaWindowSize: pending });
      this.streamCreditPending.delete(stream.id);
    } else {
      this.streamCreditPending.set(stream.id, pending);
    }
  };

  resetStream = (stream: SpdyStream, status: number): void => {
    this.sendQuietly({ type: 'RST_STREAM', streamId: stream.id, status });
  };

  forgetStream = (stream: SpdyStream): void => {
    this.streams.delete(stream.id);
    this.streamCreditPending.delete(stream.id);
    this.wakeWindowWaiters();
  };

  private async sendWindowOpen(stream: SpdyStream): Promise<void> {
    while (this.enforcingWindow && (stream.sendWindow <= 0 || this.sessionSendWindow <= 0)) {
      if (stream.sendError) return;
      await new Promise<void>((resolve) => this.windowWaiters.add(resolve));
    }
  }

  private wakeWindowWaiters(): void {
    const waiters = [...this.windowWaiters];
    this.windowWaiters.clear();
    for (const wake of waiters) wake();
  }

  /** Frames go out strictly in the order they were sent: header blocks share one compression context. */
  private send(frame: SpdyFrame): Promise<void> {
    const write = async () => {
      if (this.closedWith) throw this.closedWith.error ?? new Error('SPDY connection is closed');
      const bytes = await this.encoder.encode(frame);
      await new Promise<void>((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
    };
    const result = this.writeChain.then(write);
    this.writeChain = result.catch(() => undefined);
    return result;
  }

  private sendQuietly(frame: SpdyFrame): void {
    this.send(frame).catch((err: Error) => this.terminate(err, err));
  }

  /**
   * Reads the socket one chunk at a time: the socket stays paused while a chunk's frames are handled (header
   * blocks inflate asynchronously, a lagging stream reader holds things up), so frames are handled in order and
   * the peer feels TCP back-pressure. The end or failure of the socket is handled after every frame before it.
   */
  private startReading(head: Buffer): void {
    const handle = (chunk: Buffer) =>
      this.inbound.then(async () => {
        if (this.closedWith || this.readingStopped) return;
        this.decoder.push(chunk);
        await this.handleBufferedFrames();
      });
    const fail = (err: unknown) => this.failOnError(err);
    if (head.length > 0) this.inbound = handle(head).catch(fail);
    this.socket.on('data', (chunk: Buffer) => {
      this.socket.pause();
      this.inbound = handle(chunk)
        .then(() => {
          if (!this.closedWith && !this.readingStopped) this.socket.resume();
        })
        .catch(fail);
    });
    this.socket.on('end', () => {
      this.inbound = this.inbound.then(() => {
        if (this.decoder.pendingBytes > 0) this.failOnError(new SpdyProtocolError('connection ended inside a frame'));
        else this.terminate(undefined, new Error('SPDY connection closed before the stream ended'));
      });
    });
    this.socket.on('error', (err) => {
      this.inbound = this.inbound.then(() => this.terminate(err, err));
    });
    this.socket.on('close', () => {
      this.inbound = this.inbound.then(() => this.terminate(undefined, new Error('SPDY connection closed before the stream ended')));
    });
  }

  private failOnError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.readingStopped = true;
    if (error instanceof SpdyProtocolError && !this.closedWith) {
      // Tell the peer why, then drop the connection once that is written.
      this.goawaySent = true;
      this.send({ type: 'GOAWAY', lastGoodStreamId: this.lastPeerStreamId, status: 1 })
        .catch(() => undefined)
        .finally(() => this.terminate(error, error));
      return;
    }
    this.terminate(error, error);
  }

  private async handleBufferedFrames(): Promise<void> {
    for (let frame = await this.decoder.next(); frame; frame = await this.decoder.next()) {
      await this.handleFrame(frame);
      if (this.closedWith) return;
    }
  }

  private async handleFrame(frame: SpdyFrame): Promise<void> {
    switch (frame.type) {
      case 'DATA': {
        const stream = this.streams.get(frame.streamId);
        if (!stream) {
          // A stream we already dropped: its bytes still count against the session window.
          this.creditSessionOnly(frame.data.length);
          return;
        }
        if (!stream.receiveData(frame.data, frame.fin)) await stream.drained();
        return;
      }
      case 'SYN_STREAM':
        if (frame.streamId % 2 === 1 || frame.streamId <= this.lastPeerStreamId) {
          throw new SpdyProtocolError(`peer opened stream ${frame.streamId}, which is not a valid server stream id`);
        }
        this.lastPeerStreamId = frame.streamId;
        this.sendQuietly({ type: 'RST_STREAM', streamId: frame.streamId, status: RstStreamStatus.REFUSED_STREAM });
        return;
      case 'SYN_REPLY': {
        const stream = this.streams.get(frame.streamId);
        if (stream) stream.receiveReply(frame.headers, frame.fin);
        return;
      }
      case 'HEADERS': {
        const stream = this.streams.get(frame.streamId);
        if (stream) stream.receiveHeaders(frame.headers, frame.fin);
        return;
      }
      case 'RST_STREAM': {
        const stream = this.streams.get(frame.streamId);
        if (stream) stream.receiveReset(frame.status);
        this.wakeWindowWaiters();
        return;
      }
      case 'SETTINGS':
        for (const setting of frame.settings) {
          if (setting.id !== SettingsId.INITIAL_WINDOW_SIZE) continue;
          const delta = setting.value - this.peerInitialWindow;
          this.peerInitialWindow = setting.value;
          for (const stream of this.streams.values()) stream.sendWindow += delta;
          this.enforcingWindow = true;
        }
        this.wakeWindowWaiters();
        return;
      case 'PING':
        if (frame.id % 2 === 0) {
          this.sendQuietly({ type: 'PING', id: frame.id });
        } else {
          const pending = this.pings.get(frame.id);
          this.pings.delete(frame.id);
          pending?.settle();
        }
        return;
      case 'GOAWAY':
        this.peerWentAway = true;
        for (const stream of [...this.streams.values()]) {
          // Streams above the last one the peer processed were never seen by it.
          if (stream.id > frame.lastGoodStreamId) {
            this.streams.delete(stream.id);
            stream.connectionClosed(new Error(`SPDY peer went away before handling stream ${stream.id}`));
          }
        }
        this.emit('goaway', frame.lastGoodStreamId, frame.status);
        return;
      case 'WINDOW_UPDATE':
        if (frame.streamId === 0) {
          this.sessionSendWindow = Math.min(this.sessionSendWindow + frame.deltaWindowSize, MAX_WINDOW);
        } else {
          const stream = this.streams.get(frame.streamId);
          if (stream) stream.sendWindow = Math.min(stream.sendWindow + frame.deltaWindowSize, MAX_WINDOW);
        }
        this.enforcingWindow = true;
        this.wakeWindowWaiters();
        return;
    }
  }

  private creditSessionOnly(bytes: number): void {
    this.sessionCreditPending += bytes;
    if (this.sessionCreditPending >= this.receiveWindow / 2) {
      this.sendQuietly({ type: 'WINDOW_UPDATE', streamId: 0, deltaWindowSize: this.sessionCreditPending });
      this.sessionCreditPending = 0;
    }
  }

  /** Ends the connection: `error` is why (undefined for a clean end), `streamError` what unfinished streams fail with. */
  private terminate(error: Error | undefined, streamError: Error | undefined): void {
    if (this.closedWith) return;
    this.closedWith = { error };
    for (const stream of [...this.streams.values()]) stream.connectionClosed(streamError);
    this.streams.clear();
    const pingError = streamError ?? new Error('SPDY connection closed');
    for (const { settle } of this.pings.values()) settle(pingError);
    this.pings.clear();
    this.wakeWindowWaiters();
    this.encoder.close();
    this.decoder.close();
    // A clean end from the peer leaves our side to close; after an error nothing more can be said.
    if (error) this.socket.destroy();
    else this.socket.end();
    this.settleClosed(error);
    this.emit('close', error);
  }
}
