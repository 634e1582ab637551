import * as zlib from 'zlib';
import { spdyHeaderDictionary } from './spdy-dictionary';

// SPDY/3.1 frame layout (the draft spec, section 2.2): every frame has an 8-byte header. Control frames start with
// the control bit, a 15-bit version and a 16-bit type; data frames start with a 31-bit stream id. The second word
// is 8 bits of flags and a 24-bit payload length.

export const SPDY_VERSION = 3;
export const MAX_FRAME_PAYLOAD = 0xffffff;
const FRAME_HEADER_LENGTH = 8;

export const ControlFrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const FLAG_SETTINGS_CLEAR = 0x01;

export const RstStreamStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

export const SettingsId = {
  UPLOAD_BANDWIDTH: 1,
  DOWNLOAD_BANDWIDTH: 2,
  ROUND_TRIP_TIME: 3,
  MAX_CONCURRENT_STREAMS: 4,
  CURRENT_CWND: 5,
  DOWNLOAD_RETRANS_RATE: 6,
  INITIAL_WINDOW_SIZE: 7,
  CLIENT_CERTIFICATE_VECTOR_SIZE: 8,
} as const;

/** Header names are lower case on the wire; a value holding several values separates them with NUL. */
export type SpdyHeaders = Record<string, string>;

export interface SpdySetting {
  id: number;
  value: number;
  flags: number;
}

export type SpdyFrame =
  | { type: 'DATA'; streamId: number; fin: boolean; data: Buffer }
  | {
      type: 'SYN_STREAM';
      streamId: number;
      associatedStreamId: number;
      priority: number;
      fin: boolean;
      unidirectional: boolean;
      headers: SpdyHeaders;
    }
  | { type: 'SYN_REPLY'; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: 'RST_STREAM'; streamId: number; status: number }
  | { type: 'SETTINGS'; clearSettings: boolean; settings: SpdySetting[] }
  | { type: 'PING'; id: number }
  | { type: 'GOAWAY'; lastGoodStreamId: number; status: number }
  | { type: 'HEADERS'; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: 'WINDOW_UPDATE'; streamId: number; deltaWindowSize: number };

export type SpdyFrameType = SpdyFrame['type'];

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(`SPDY protocol error: ${message}`);
    this.name = 'SpdyProtocolError';
  }
}

/**
 * One zlib context that lives as long as the connection: SPDY compresses every header block of a direction as one
 * continuing zlib stream, each block ending in a sync flush so that the peer can decode it on arrival.
 * Blocks are processed strictly in call order.
 */
class HeaderZlibContext {
  private readonly stream: zlib.Deflate | zlib.Inflate;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(kind: 'deflate' | 'inflate') {
    // The per-write flush makes each write end on a block boundary; the large watermark keeps the transform from
    // waiting for a reader, since output is collected with read() once the write has been processed.
    const options: zlib.ZlibOptions & { highWaterMark: number } = {
      dictionary: spdyHeaderDictionary,
      flush: zlib.constants.Z_SYNC_FLUSH,
      highWaterMark: 1 << 24,
    };
    this.stream = kind === 'deflate' ? zlib.createDeflate(options) : zlib.createInflate(options);
    this.stream.on('error', () => undefined);
  }

  process(input: Buffer): Promise<Buffer> {
    const run = () =>
      new Promise<Buffer>((resolve, reject) => {
        if (this.stream.destroyed) {
          reject(new SpdyProtocolError('header compression context is broken'));
          return;
        }
        const onError = (err: Error) => reject(new SpdyProtocolError(`header block zlib: ${err.message}`));
        this.stream.once('error', onError);
        this.stream.write(input, (err) => {
          this.stream.off('error', onError);
          if (err) {
            onError(err);
            return;
          }
          const parts: Buffer[] = [];
          for (let chunk = this.stream.read() as Buffer | null; chunk !== null; chunk = this.stream.read() as Buffer | null) {
            parts.push(chunk);
          }
          resolve(Buffer.concat(parts));
        });
      });
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.stream.destroy();
  }
}

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const nameBytes = Buffer.from(name.toLowerCase(), 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    if (nameBytes.length === 0) throw new SpdyProtocolError('empty header name');
    parts.push(u32(nameBytes.length), nameBytes, u32(valueBytes.length), valueBytes);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const reader = new ByteReader(block, 'header block');
  const count = reader.u32();
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = reader.bytes(reader.u32()).toString('utf8');
    const value = reader.bytes(reader.u32()).toString('utf8');
    if (name.length === 0) throw new SpdyProtocolError('empty header name');
    if (name !== name.toLowerCase()) throw new SpdyProtocolError(`header name ${JSON.stringify(name)} is not lower case`);
    if (name in headers) throw new SpdyProtocolError(`duplicate header ${JSON.stringify(name)}`);
    headers[name] = value;
  }
  if (!reader.atEnd()) throw new SpdyProtocolError('trailing bytes after the header block');
  return headers;
}

/** Turns frames into bytes for one direction of one connection (it owns that direction's header compression). */
export class SpdyFrameEncoder {
  private readonly compressor = new HeaderZlibContext('deflate');

  /** Frames must be encoded in the order they are sent: header blocks share one compression context. */
  async encode(frame: SpdyFrame): Promise<Buffer> {
    switch (frame.type) {
      case 'DATA':
        return encodeDataFrame(frame.streamId, frame.data, frame.fin);
      case 'SYN_STREAM': {
        const block = await this.compressor.process(encodeHeaderBlock(frame.headers));
        const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
        const fixed = Buffer.alloc(10);
        fixed.writeUInt32BE(streamIdField(frame.streamId), 0);
        fixed.writeUInt32BE(frame.associatedStreamId & 0x7fffffff, 4);
        fixed.writeUInt8((frame.priority & 0x07) << 5, 8);
        return controlFrame(ControlFrameType.SYN_STREAM, flags, Buffer.concat([fixed, block]));
      }
      case 'SYN_REPLY':
      case 'HEADERS': {
        const block = await this.compressor.process(encodeHeaderBlock(frame.headers));
        const type = frame.type === 'SYN_REPLY' ? ControlFrameType.SYN_REPLY : ControlFrameType.HEADERS;
        return controlFrame(type, frame.fin ? FLAG_FIN : 0, Buffer.concat([u32(streamIdField(frame.streamId)), block]));
      }
      case 'RST_STREAM':
        return controlFrame(ControlFrameType.RST_STREAM, 0, Buffer.concat([u32(streamIdField(frame.streamId)), u32(frame.status)]));
      case 'SETTINGS': {
        const parts = [u32(frame.settings.length)];
        for (const s of frame.settings) parts.push(u32(((s.flags & 0xff) << 24) | (s.id & 0xffffff)), u32(s.value));
        return controlFrame(ControlFrameType.SETTINGS, frame.clearSettings ? FLAG_SETTINGS_CLEAR : 0, Buffer.concat(parts));
      }
      case 'PING':
        return controlFrame(ControlFrameType.PING, 0, u32(frame.id));
      case 'GOAWAY':
        return controlFrame(ControlFrameType.GOAWAY, 0, Buffer.concat([u32(frame.lastGoodStreamId & 0x7fffffff), u32(frame.status)]));
      case 'WINDOW_UPDATE':
        if (frame.deltaWindowSize < 1 || frame.deltaWindowSize > 0x7fffffff) {
          throw new SpdyProtocolError(`window delta ${frame.deltaWindowSize} out of range`);
        }
        return controlFrame(ControlFrameType.WINDOW_UPDATE, 0, Buffer.concat([u32(frame.streamId & 0x7fffffff), u32(frame.deltaWindowSize)]));
    }
  }

  close(): void {
    this.compressor.close();
  }
}

/**
 * Turns bytes into frames for one direction of one connection. Feed it everything read from the socket with
 * push(); take complete frames with next() (undefined when more bytes are needed). Unknown control frame types
 * are skipped, as the spec requires.
 */
export class SpdyFrameDecoder {
  private readonly decompressor = new HeaderZlibContext('inflate');
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
  }

  /** Bytes received that do not yet form a whole frame. */
  get pendingBytes(): number {
    return this.buffered.length;
  }

  async next(): Promise<SpdyFrame | undefined> {
    for (;;) {
      if (this.buffered.length < FRAME_HEADER_LENGTH) return undefined;
      const length = this.buffered.readUInt32BE(4) & 0xffffff;
      if (this.buffered.length < FRAME_HEADER_LENGTH + length) return undefined;
      const head = this.buffered.subarray(0, FRAME_HEADER_LENGTH);
      const payload = this.buffered.subarray(FRAME_HEADER_LENGTH, FRAME_HEADER_LENGTH + length);
      this.buffered = this.buffered.subarray(FRAME_HEADER_LENGTH + length);
      const frame = await this.decodeFrame(head, payload);
      if (frame) return frame;
    }
  }

  close(): void {
    this.decompressor.close();
  }

  private async decodeFrame(head: Buffer, payload: Buffer): Promise<SpdyFrame | undefined> {
    const firstWord = head.readUInt32BE(0);
    const flags = head.readUInt8(4);
    if ((firstWord & 0x80000000) === 0) {
      const streamId = firstWord & 0x7fffffff;
      if (streamId === 0) throw new SpdyProtocolError('DATA frame on stream 0');
      return { type: 'DATA', streamId, fin: (flags & FLAG_FIN) !== 0, data: Buffer.from(payload) };
    }
    const version = (firstWord >>> 16) & 0x7fff;
    const type = firstWord & 0xffff;
    if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    const reader = new ByteReader(payload, controlFrameName(type));
    switch (type) {
      case ControlFrameType.SYN_STREAM: {
        const streamId = nonZeroStreamId(reader.u32() & 0x7fffffff, 'SYN_STREAM');
        const associatedStreamId = reader.u32() & 0x7fffffff;
        const priority = reader.u8() >>> 5;
        reader.u8(); // credential slot, unused
        const headers = decodeHeaderBlock(await this.decompressor.process(reader.rest()));
        return {
          type: 'SYN_STREAM',
          streamId,
          associatedStreamId,
          priority,
          fin: (flags & FLAG_FIN) !== 0,
          unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
          headers,
        };
      }
      case ControlFrameType.SYN_REPLY:
      case ControlFrameType.HEADERS: {
        const streamId = nonZeroStreamId(reader.u32() & 0x7fffffff, controlFrameName(type));
        const headers = decodeHeaderBlock(await this.decompressor.process(reader.rest()));
        return { type: type === ControlFrameType.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS', streamId, fin: (flags & FLAG_FIN) !== 0, headers };
      }
      case ControlFrameType.RST_STREAM: {
        const streamId = nonZeroStreamId(reader.u32() & 0x7fffffff, 'RST_STREAM');
        const status = reader.u32();
        reader.expectEnd();
        return { type: 'RST_STREAM', streamId, status };
      }
      case ControlFrameType.SETTINGS: {
        const count = reader.u32();
        const settings: SpdySetting[] = [];
        for (let i = 0; i < count; i++) {
          const flagsAndId = reader.u32();
          settings.push({ flags: flagsAndId >>> 24, id: flagsAndId & 0xffffff, value: reader.u32() });
        }
        reader.expectEnd();
        return { type: 'SETTINGS', clearSettings: (flags & FLAG_SETTINGS_CLEAR) !== 0, settings };
      }
      case ControlFrameType.PING: {
        const id = reader.u32();
        reader.expectEnd();
        return { type: 'PING', id };
      }
      case ControlFrameType.GOAWAY: {
        const lastGoodStreamId = reader.u32() & 0x7fffffff;
        const status = reader.u32();
        reader.expectEnd();
        return { type: 'GOAWAY', lastGoodStreamId, status };
      }
      case ControlFrameType.WINDOW_UPDATE: {
        const streamId = reader.u32() & 0x7fffffff;
        const deltaWindowSize = reader.u32() & 0x7fffffff;
        reader.expectEnd();
        if (deltaWindowSize === 0) throw new SpdyProtocolError('WINDOW_UPDATE with a zero delta');
        return { type: 'WINDOW_UPDATE', streamId, deltaWindowSize };
      }
      default:
        return undefined;
    }
  }
}

export function encodeDataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  if (data.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`DATA payload of ${data.length} bytes is too large`);
  const head = Buffer.alloc(FRAME_HEADER_LENGTH);
  head.writeUInt32BE(streamIdField(streamId), 0);
  head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`${controlFrameName(type)} payload is too large`);
  const head = Buffer.alloc(FRAME_HEADER_LENGTH);
  head.writeUInt32BE((0x8000 | SPDY_VERSION) * 0x10000 + type, 0);
  head.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

function streamIdField(streamId: number): number {
  if (!Number.isInteger(streamId) || streamId < 1 || streamId > 0x7fffffff) {
    throw new SpdyProtocolError(`invalid stream id ${streamId}`);
  }
  return streamId;
}

function nonZeroStreamId(streamId: number, frame: string): number {
  if (streamId === 0) throw new SpdyProtocolError(`${frame} on stream 0`);
  return streamId;
}

function controlFrameName(type: number): string {
  const entry = Object.entries(ControlFrameType).find(([, value]) => value === type);
  return entry ? entry[0] : `control frame type ${type}`;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** Bounds-checked reads from one frame's payload; running past the end is a protocol error, not a crash. */
class ByteReader {
  private offset = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly what: string,
  ) {}

  u8(): number {
    this.need(1);
    return this.buffer.readUInt8(this.offset++);
  }

  u32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  rest(): Buffer {
    const value = this.buffer.subarray(this.offset);
    this.offset = this.buffer.length;
    return value;
  }

  atEnd(): boolean {
    return this.offset === this.buffer.length;
  }

  expectEnd(): void {
    if (!this.atEnd()) throw new SpdyProtocolError(`${this.what} is ${this.buffer.length} bytes, longer than expected`);
  }

  private need(length: number): void {
    if (this.offset + length > this.buffer.length) throw new SpdyProtocolError(`${this.what} is truncated`);
  }
}
