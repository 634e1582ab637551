import * as zlib from 'zlib';
import { spdyHeaderDictionary } from './spdy-dictionary';
import {
  decodeHeaderBlock,
  encodeDataFrame,
  encodeHeaderBlock,
  RstStreamStatus,
  SettingsId,
  SpdyFrame,
  SpdyFrameDecoder,
  SpdyFrameEncoder,
  SpdyProtocolError,
} from './spdy-frames';

async function encodeAll(frames: SpdyFrame[], encoder = new SpdyFrameEncoder()): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const frame of frames) out.push(await encoder.encode(frame));
  return out;
}

async function decodeAll(bytes: Buffer, decoder = new SpdyFrameDecoder(), chunkSize = bytes.length): Promise<SpdyFrame[]> {
  const frames: SpdyFrame[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    decoder.push(bytes.subarray(i, i + chunkSize));
    for (let f = await decoder.next(); f; f = await decoder.next()) frames.push(f);
  }
  return frames;
}

const everyFrameType: SpdyFrame[] = [
  { type: 'SYN_STREAM', streamId: 1, associatedStreamId: 0, priority: 3, fin: false, unidirectional: false, headers: { streamtype: 'error' } },
  { type: 'SYN_STREAM', streamId: 3, associatedStreamId: 1, priority: 0, fin: true, unidirectional: true, headers: { streamtype: 'stdin', multi: 'a\0b' } },
  { type: 'SYN_REPLY', streamId: 1, fin: false, headers: {} },
  { type: 'HEADERS', streamId: 1, fin: true, headers: { 'x-trailer': 'done' } },
  { type: 'DATA', streamId: 3, fin: false, data: Buffer.from('hi\n') },
  { type: 'DATA', streamId: 3, fin: true, data: Buffer.alloc(0) },
  { type: 'RST_STREAM', streamId: 5, status: RstStreamStatus.CANCEL },
  { type: 'SETTINGS', clearSettings: true, settings: [{ id: SettingsId.INITIAL_WINDOW_SIZE, value: 1 << 20, flags: 1 }] },
  { type: 'PING', id: 7 },
  { type: 'GOAWAY', lastGoodStreamId: 9, status: 0 },
  { type: 'WINDOW_UPDATE', streamId: 0, deltaWindowSize: 0x7fffffff },
  { type: 'WINDOW_UPDATE', streamId: 3, deltaWindowSize: 32768 },
];

describe('SPDY/3.1 frame codec', () => {
  it('round-trips every frame type, whole and fed one byte at a time', async () => {
    const bytes = Buffer.concat(await encodeAll(everyFrameType));
    expect(await decodeAll(bytes)).toEqual(everyFrameType);
    expect(await decodeAll(bytes, new SpdyFrameDecoder(), 1)).toEqual(everyFrameType);
  });

  it('lays out fixed-size frames as the spec says', async () => {
    const [rst, ping, windowUpdate, goaway, data] = await encodeAll([
      { type: 'RST_STREAM', streamId: 5, status: RstStreamStatus.CANCEL },
      { type: 'PING', id: 1 },
      { type: 'WINDOW_UPDATE', streamId: 3, deltaWindowSize: 0x8000 },
      { type: 'GOAWAY', lastGoodStreamId: 7, status: 1 },
      { type: 'DATA', streamId: 3, fin: true, data: Buffer.from('ab') },
    ]);
    // control bit + version 3, type, flags, 24-bit length, then the fields
    expect(rst.toString('hex')).toBe('80030003' + '00000008' + '00000005' + '00000005');
    expect(ping.toString('hex')).toBe('80030006' + '00000004' + '00000001');
    expect(windowUpdate.toString('hex')).toBe('80030009' + '00000008' + '00000003' + '00008000');
    expect(goaway.toString('hex')).toBe('80030007' + '00000008' + '00000007' + '00000001');
    // data: stream id, FIN flag in the top byte of the length word
    expect(data.toString('hex')).toBe('00000003' + '01000002' + '6162');
  });

  it('puts FIN and UNIDIRECTIONAL in the flags byte of SYN_STREAM, and priority in the top three bits', async () => {
    const [frame] = await encodeAll([
      { type: 'SYN_STREAM', streamId: 1, associatedStreamId: 0, priority: 5, fin: true, unidirectional: true, headers: {} },
    ]);
    expect(frame.readUInt8(4)).toBe(0x03);
    expect(frame.readUInt8(16)).toBe(5 << 5);
  });

  it('compresses header blocks with zlib primed with the SPDY/3 dictionary, each block ending in a sync flush', async () => {
    const headers = { streamtype: 'stdout', 'x-stream-protocol-version': 'v4.channel.k8s.io' };
    const [frame] = await encodeAll([{ type: 'SYN_REPLY', streamId: 1, fin: false, headers }]);
    const block = frame.subarray(12);
    // zlib header with FDICT set, then the dictionary's Adler-32: the id every SPDY/3 peer expects
    expect(block.readUInt8(0) & 0x0f).toBe(8);
    expect(block.readUInt8(1) & 0x20).toBe(0x20);
    expect(block.subarray(2, 6).toString('hex')).toBe('e3c6a7c2');
    expect(block.subarray(-4).toString('hex')).toBe('0000ffff');
    const plain = zlib.inflateSync(block, { dictionary: spdyHeaderDictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(decodeHeaderBlock(plain)).toEqual(headers);
  });

  it('keeps one compression context per direction: later blocks need the earlier ones to decode', async () => {
    const encoder = new SpdyFrameEncoder();
    const headers = { streamtype: 'stderr', 'a-long-header-name': 'a value long enough to be worth referring back to' };
    const frames: SpdyFrame[] = [1, 3, 5].map((streamId) => ({ type: 'SYN_STREAM', streamId, associatedStreamId: 0, priority: 0, fin: false, unidirectional: false, headers }));
    const [first, second, third] = await encodeAll(frames, encoder);
    expect(second.length).toBeLessThan(first.length);
    expect(await decodeAll(Buffer.concat([first, second, third]))).toEqual(frames);
    await expect(decodeAll(second)).rejects.toThrow(SpdyProtocolError);
  });

  it('encodes header blocks as counts and lengths, lower-casing names', () => {
    const block = encodeHeaderBlock({ StreamType: 'error' });
    expect(block.toString('hex')).toBe('00000001' + '0000000a' + Buffer.from('streamtype').toString('hex') + '00000005' + Buffer.from('error').toString('hex'));
    expect(decodeHeaderBlock(block)).toEqual({ streamtype: 'error' });
  });

  it('returns nothing until a whole frame has arrived', async () => {
    const decoder = new SpdyFrameDecoder();
    const bytes = encodeDataFrame(1, Buffer.from('hello'), false);
    decoder.push(bytes.subarray(0, 10));
    expect(await decoder.next()).toBeUndefined();
    expect(decoder.pendingBytes).toBe(10);
    decoder.push(bytes.subarray(10));
    expect(await decoder.next()).toEqual({ type: 'DATA', streamId: 1, fin: false, data: Buffer.from('hello') });
  });

  it('skips control frames of unknown types', async () => {
    const unknown = Buffer.from('8003000a0000000400000000', 'hex');
    const ping = await new SpdyFrameEncoder().encode({ type: 'PING', id: 2 });
    expect(await decodeAll(Buffer.concat([unknown, ping]))).toEqual([{ type: 'PING', id: 2 }]);
  });

  it.each([
    ['a truncated RST_STREAM', '800300030000000400000001', /RST_STREAM is truncated/],
    ['an over-long PING', '80030006000000080000000100000000', /PING is 8 bytes, longer than expected/],
    ['another SPDY version', '800200060000000400000001', /unsupported SPDY version 2/],
    ['DATA on stream 0', '0000000000000000', /DATA frame on stream 0/],
    ['RST_STREAM on stream 0', '80030003000000080000000000000005', /RST_STREAM on stream 0/],
    ['a zero window delta', '80030009000000080000000100000000', /zero delta/],
    ['a header block that is not zlib', '800300020000000a00000001aabbccddeeff', /header block zlib/],
  ])('rejects %s with a protocol error', async (_name, hex, message) => {
    await expect(decodeAll(Buffer.from(hex, 'hex'))).rejects.toThrow(message);
  });

  it('rejects malformed header blocks', () => {
    const upper = Buffer.concat([Buffer.from('000000010000000141', 'hex'), Buffer.from('00000000', 'hex')]);
    expect(() => decodeHeaderBlock(upper)).toThrow(/not lower case/);
    const duplicate = Buffer.concat([Buffer.from('00000002', 'hex'), ...[0, 1].map(() => Buffer.from('0000000161' + '00000000', 'hex'))]);
    expect(() => decodeHeaderBlock(duplicate)).toThrow(/duplicate header "a"/);
    expect(() => decodeHeaderBlock(Buffer.from('0000000100000009', 'hex'))).toThrow(/header block is truncated/);
    expect(() => decodeHeaderBlock(Buffer.from('0000000000', 'hex'))).toThrow(/trailing bytes/);
  });

  it('refuses to encode what the wire cannot carry', async () => {
    const encoder = new SpdyFrameEncoder();
    await expect(encoder.encode({ type: 'DATA', streamId: 0, fin: false, data: Buffer.alloc(0) })).rejects.toThrow(/invalid stream id 0/);
    await expect(encoder.encode({ type: 'WINDOW_UPDATE', streamId: 1, deltaWindowSize: 0 })).rejects.toThrow(/out of range/);
    expect(() => encodeDataFrame(1, Buffer.alloc(0x1000000), false)).toThrow(/too large/);
  });
});
