import { Duplex } from 'stream';
import { RstStreamStatus, SpdyHeaders } from './spdy-frames';

/** What a stream needs from the connection that carries it. */
export interface SpdyStreamCarrier {
  sendData(stream: SpdyStream, data: Buffer, fin: boolean): Promise<void>;
  /** The application has taken `bytes` of received data: the peer may send that much more. */
  creditReceived(stream: SpdyStream, bytes: number): void;
  resetStream(stream: SpdyStream, status: number): void;
  forgetStream(stream: SpdyStream): void;
}

export class SpdyStreamResetError extends Error {
  constructor(
    readonly streamId: number,
    readonly status: number,
  ) {
    super(`SPDY stream ${streamId} was reset by the peer (${rstStatusName(status)})`);
    this.name = 'SpdyStreamResetError';
  }
}

export function rstStatusName(status: number): string {
  const entry = Object.entries(RstStreamStatus).find(([, value]) => value === status);
  return entry ? entry[0] : `status ${status}`;
}

const EMPTY = Buffer.alloc(0);

/**
 * One SPDY stream opened by us: a Duplex whose writable side sends DATA frames (end() sends FIN, half-closing
 * our direction) and whose readable side yields the peer's DATA until its FIN. A RST_STREAM from the peer ends the
 * readable side (servers built on spdystream end streams that way when they are done) and fails later writes.
 */
export class SpdyStream extends Duplex {
  /** Headers of the peer's SYN_REPLY and any HEADERS frames after it. */
  replyHeaders: SpdyHeaders = {};
  /** The status of the peer's RST_STREAM, when it reset this stream. */
  resetStatus: number | undefined;
  /** Bytes we may still send before the peer's next WINDOW_UPDATE. */
  sendWindow: number;

  private remoteEnded = false;
  private localEnded = false;
  private connectionGone: Error | undefined;
  private hasReply = false;
  private creditDeferred = 0;
  private drainWaiters: (() => void)[] = [];
  private settleReply!: (err?: Error) => void;
  /** Settles when the peer replies to our SYN_STREAM (or refuses it, or the connection dies first). */
  readonly replied: Promise<void>;

  constructor(
    private readonly carrier: SpdyStreamCarrier,
    readonly id: number,
    readonly requestHeaders: SpdyHeaders,
    initialSendWindow: number,
    readableHighWaterMark: number,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark, writableHighWaterMark: readableHighWaterMark });
    this.sendWindow = initialSendWindow;
    this.replied = new Promise<void>((resolve, reject) => {
      this.settleReply = (err) => (err ? reject(err) : resolve());
    });
    this.replied.catch(() => undefined);
  }

  /** True once nothing more can be sent on this stream. */
  get localClosed(): boolean {
    return this.localEnded || this.resetStatus !== undefined || this.connectionGone !== undefined;
  }

  get remoteClosed(): boolean {
    return this.remoteEnded;
  }

  /** Why writes can no longer succeed, if they cannot. */
  get sendError(): Error | undefined {
    if (this.resetStatus !== undefined) return new SpdyStreamResetError(this.id, this.resetStatus);
    return this.connectionGone;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.carrier.sendData(this, chunk, false).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.resetStatus !== undefined) {
      // Nothing left to half-close: the peer already tore the stream down.
      this.localEnded = true;
      callback();
      return;
    }
    this.carrier.sendData(this, EMPTY, true).then(() => {
      this.localEnded = true;
      this.forgetIfDone();
      callback();
    }, callback);
  }

  override _read(): void {
    if (this.creditDeferred > 0 && !this.connectionGone) this.carrier.creditReceived(this, this.creditDeferred);
    this.creditDeferred = 0;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A stream the peer has finished is dropped without a word: spdystream servers close their socket right after
    // finishing a command, and a late RST_STREAM reaching the closed socket makes the peer's kernel answer with a
    // TCP reset that can discard the output still in flight to us.
    if (!this.localClosed && !this.remoteEnded) {
      this.carrier.resetStream(this, RstStreamStatus.CANCEL);
    }
    this.carrier.forgetStream(this);
    // Nothing more will be read here: bytes held back count for the session only, and the connection reads on.
    this.remoteEnded = true;
    this._read();
    callback(error);
  }

  /** The peer's SYN_REPLY arrived. */
  receiveReply(headers: SpdyHeaders, fin: boolean): void {
    Object.assign(this.replyHeaders, headers);
    this.hasReply = true;
    this.settleReply();
    if (fin) this.receiveEnd();
  }

  receiveHeaders(headers: SpdyHeaders, fin: boolean): void {
    Object.assign(this.replyHeaders, headers);
    if (fin) this.receiveEnd();
  }

  /**
   * Hands the peer's bytes to the reader. Returns false when the readable buffer is full: the connection then
   * waits for drained() before reading more, and the peer's window is credited only once the reader caught up.
   */
  receiveData(data: Buffer, fin: boolean): boolean {
    const deliver = data.length > 0 && !this.remoteEnded && !this.destroyed;
    const accepted = deliver ? this.push(data) : true;
    // End first, so that the last frame's credit goes to the session only: the stream needs no more window.
    if (fin) this.receiveEnd();
    if (data.length === 0) return accepted;
    if (accepted) this.carrier.creditReceived(this, data.length);
    else this.creditDeferred += data.length;
    return accepted;
  }

  /** Resolves when the reader has taken enough that the readable buffer has room again. */
  drained(): Promise<void> {
    if (this.destroyed || this.creditDeferred === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  receiveReset(status: number): void {
    this.resetStatus = status;
    this.settleReply(new SpdyStreamResetError(this.id, status));
    this.endReadable();
    this.carrier.forgetStream(this);
    this.emit('reset', status);
  }

  /**
   * The connection ended. A stream the peer had not finished is cut short: it is destroyed with `error` (when
   * there is one and the stream was ever handed out, i.e. the peer had replied to it).
   */
  connectionClosed(error: Error | undefined): void {
    this.connectionGone = error ?? new Error('SPDY connection closed');
    this.settleReply(this.connectionGone);
    if (!this.remoteEnded && !this.destroyed) this.destroy(this.hasReply ? error : undefined);
    this._read();
  }

  private receiveEnd(): void {
    this.endReadable();
    this.forgetIfDone();
  }

  private endReadable(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    if (!this.destroyed) this.push(null);
  }

  private forgetIfDone(): void {
    if (this.localEnded && this.remoteEnded) this.carrier.forgetStream(this);
  }
}
