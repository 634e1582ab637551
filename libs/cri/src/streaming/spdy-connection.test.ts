import { once } from 'events';
import { waitFor } from '@skiff/testing';
import { SpdyConnection } from './spdy-connection';
import { connectSpdy, SpdyUpgradeError } from './spdy-upgrade';
import { RstStreamStatus, SettingsId, SpdyFrame, SpdyProtocolError } from './spdy-frames';
import { SpdyStream, SpdyStreamResetError } from './spdy-stream';
import { PeerSession, SpdyTestPeer } from './spdy-test-peer';

type DataFrame = Extract<SpdyFrame, { type: 'DATA' }>;

let peer: SpdyTestPeer;
const connections: SpdyConnection[] = [];

afterEach(async () => {
  for (const c of connections.splice(0)) c.destroy();
  await peer?.stop();
});

async function connect(options: Parameters<typeof connectSpdy>[1] = {}): Promise<{ connection: SpdyConnection; session: PeerSession }> {
  const { connection } = await connectSpdy(peer.url(), options);
  connections.push(connection);
  return { connection, session: await peer.nextSession(peer.sessions.length > 0 ? peer.sessions.length - 1 : 0) };
}

function dataOn(session: PeerSession, streamId: number): DataFrame[] {
  return session.received.filter((f): f is DataFrame => f.type === 'DATA' && f.streamId === streamId);
}

function bytesOn(session: PeerSession, streamId: number): number {
  return dataOn(session, streamId).reduce((n, f) => n + f.data.length, 0);
}

async function readAll(stream: SpdyStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('connectSpdy', () => {
  it('upgrades with Connection: Upgrade and Upgrade: SPDY/3.1 and returns the 101 headers', async () => {
    peer = await SpdyTestPeer.start(() => ({ headers: { 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' } }));
    const { connection, responseHeaders } = await connectSpdy(peer.url('/exec/abc'), { headers: { 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' } });
    connections.push(connection);
    const { request } = await peer.nextSession();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/exec/abc');
    expect(request.headers.connection).toBe('Upgrade');
    expect(request.headers.upgrade).toBe('SPDY/3.1');
    expect(request.headers['x-stream-protocol-version']).toBe('v4.channel.k8s.io');
    expect(responseHeaders['x-stream-protocol-version']).toBe('v4.channel.k8s.io');
  });

  it('reports a refused upgrade with the status and body', async () => {
    peer = await SpdyTestPeer.start(() => ({ status: 404, body: '404 page not found\n' }));
    const err = await connectSpdy(peer.url()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpdyUpgradeError);
    expect(err).toMatchObject({ statusCode: 404, message: 'SPDY upgrade refused with HTTP 404: 404 page not found' });
  });

  it('gives up on an unanswered upgrade when the signal aborts', async () => {
    peer = await SpdyTestPeer.start(() => ({ silent: true }));
    const controller = new AbortController();
    const connecting = connectSpdy(peer.url(), { signal: controller.signal });
    await waitFor(() => peer.sockets > 0, { what: 'the client to connect' });
    controller.abort(new Error('no answer'));
    await expect(connecting).rejects.toThrow('no answer');
  });

  it('refuses a receive window outside the allowed range', async () => {
    peer = await SpdyTestPeer.start();
    await expect(connectSpdy(peer.url(), { connection: { receiveWindow: 10 } })).rejects.toThrow(/receiveWindow must be an integer from 1024/);
  });

  it('rejects URLs other than http and https', async () => {
    await expect(connectSpdy('ws://127.0.0.1:1/exec/x')).rejects.toThrow(/only http and https/);
  });
});

describe('SpdyConnection', () => {
  beforeEach(async () => {
    peer = await SpdyTestPeer.start();
  });

  it('announces a large receive window first, then opens streams with odd ids once the peer replies', async () => {
    const { connection, session } = await connect();
    session.autoReply = false;
    const opening = connection.openStream({ streamtype: 'error' });
    const syn = await session.waitFor('SYN_STREAM');
    expect(session.received.slice(0, 2)).toEqual([
      { type: 'SETTINGS', clearSettings: false, settings: [{ id: SettingsId.INITIAL_WINDOW_SIZE, value: 0x7fffffff, flags: 0 }] },
      { type: 'WINDOW_UPDATE', streamId: 0, deltaWindowSize: 0x7fffffff - 65536 },
    ]);
    expect(syn).toMatchObject({ streamId: 1, headers: { streamtype: 'error' }, fin: false });
    let opened = false;
    void opening.then(() => (opened = true));
    await connection.ping();
    expect(opened).toBe(false);
    await session.send({ type: 'SYN_REPLY', streamId: 1, fin: false, headers: { 'x-reply': 'yes' } });
    const stream = await opening;
    expect(stream.id).toBe(1);
    expect(stream.replyHeaders).toEqual({ 'x-reply': 'yes' });
    session.autoReply = true;
    const ids = await Promise.all([connection.openStream({ streamtype: 'stdin' }), connection.openStream({ streamtype: 'stdout' })]);
    expect(ids.map((s) => s.id)).toEqual([3, 5]);
  });

  it('rejects a stream the peer refuses', async () => {
    const { connection, session } = await connect();
    session.autoReply = false;
    const opening = connection.openStream({ streamtype: 'stdin' });
    const syn = await session.waitFor('SYN_STREAM');
    await session.send({ type: 'RST_STREAM', streamId: syn.streamId, status: RstStreamStatus.REFUSED_STREAM });
    await expect(opening).rejects.toThrow(new SpdyStreamResetError(1, RstStreamStatus.REFUSED_STREAM));
    await expect(opening).rejects.toThrow(/reset by the peer \(REFUSED_STREAM\)/);
  });

  it('half-closes: end() sends FIN while the peer may keep sending, and the peer FIN ends the readable side', async () => {
    const { connection, session } = await connect();
    const stream = await connection.openStream({ streamtype: 'stdin' });
    stream.end('abc');
    expect((await session.dataUntilFin(1)).toString()).toBe('abc');
    const received = readAll(stream);
    await session.send({ type: 'DATA', streamId: 1, fin: false, data: Buffer.from('after ') });
    await session.send({ type: 'DATA', streamId: 1, fin: true, data: Buffer.from('our FIN') });
    expect(await received).toBe('after our FIN');
  });

  it('keeps writing after the peer half-closed its side', async () => {
    const { connection, session } = await connect();
    const stream = await connection.openStream({ streamtype: 'stdin' });
    const ended = once(stream, 'end');
    stream.resume();
    await session.send({ type: 'DATA', streamId: 1, fin: true, data: Buffer.alloc(0) });
    await ended;
    stream.end('still open');
    expect((await session.dataUntilFin(1)).toString()).toBe('still open');
  });

  it('echoes the peer PINGs and matches answers to its own', async () => {
    const { connection, session } = await connect();
    await session.send({ type: 'PING', id: 2 });
    expect(await session.waitFor('PING')).toEqual({ type: 'PING', id: 2 });
    session.autoPong = false;
    const rtt = connection.ping();
    const ours = await session.waitFor('PING', (f) => f.id % 2 === 1);
    let answered = false;
    void rtt.then(() => (answered = true));
    await session.send({ type: 'PING', id: 2 });
    await session.waitFor('PING', (f) => f.id === 2, session.received.indexOf(ours) + 1);
    expect(answered).toBe(false);
    await session.send({ type: 'PING', id: ours.id });
    expect(await rtt).toBeGreaterThanOrEqual(0);
  });

  it('sends no more than the peer window once the peer does flow control, and resumes on WINDOW_UPDATE', async () => {
    const { connection, session } = await connect();
    await session.send({ type: 'SETTINGS', clearSettings: false, settings: [{ id: SettingsId.INITIAL_WINDOW_SIZE, value: 1000, flags: 0 }] });
    await connection.ping();
    const stream = await connection.openStream({ streamtype: 'stdin' });
    stream.end(Buffer.alloc(5000, 1));
    await session.waitFor('DATA', (f) => f.streamId === 1);
    await connection.ping();
    expect(bytesOn(session, 1)).toBe(1000);
    await session.send({ type: 'WINDOW_UPDATE', streamId: 1, deltaWindowSize: 2500 });
    await connection.ping();
    expect(bytesOn(session, 1)).toBe(3500);
    await session.send({ type: 'WINDOW_UPDATE', streamId: 1, deltaWindowSize: 10000 });
    expect((await session.dataUntilFin(1)).length).toBe(5000);
  });

  it('keeps to the session window across streams', async () => {
    const { connection, session } = await connect();
    const [a, b] = await Promise.all([connection.openStream({ streamtype: 'a' }), connection.openStream({ streamtype: 'b' })]);
    await session.send({ type: 'WINDOW_UPDATE', streamId: 1, deltaWindowSize: 1 << 20 }, { type: 'WINDOW_UPDATE', streamId: 3, deltaWindowSize: 1 << 20 });
    await connection.ping();
    a.write(Buffer.alloc(40000));
    b.write(Buffer.alloc(40000));
    await session.waitFor('DATA', (f) => f.streamId === 3);
    await connection.ping();
    expect(bytesOn(session, 1) + bytesOn(session, 3)).toBe(65536);
    await session.send({ type: 'WINDOW_UPDATE', streamId: 0, deltaWindowSize: 1 << 20 });
    a.end();
    b.end();
    await Promise.all([session.dataUntilFin(1), session.dataUntilFin(3)]);
    expect(bytesOn(session, 1) + bytesOn(session, 3)).toBe(80000);
  });

  it('does not wait for windows a peer never announces (spdystream sends no WINDOW_UPDATE)', async () => {
    const { connection, session } = await connect();
    const stream = await connection.openStream({ streamtype: 'stdin' });
    stream.end(Buffer.alloc(200 * 1024, 7));
    expect((await session.dataUntilFin(1)).length).toBe(200 * 1024);
  });

  it('waits for the default window of a silent peer when told to always enforce it', async () => {
    const { connection, session } = await connect({ connection: { enforcePeerWindow: 'always' } });
    const stream = await connection.openStream({ streamtype: 'stdin' });
    stream.end(Buffer.alloc(100 * 1024));
    await session.waitFor('DATA', (f) => f.streamId === 1);
    await connection.ping();
    expect(bytesOn(session, 1)).toBe(65536);
  });

  it('credits the peer with WINDOW_UPDATEs as the reader takes data', async () => {
    const { connection, session } = await connect({ connection: { receiveWindow: 4096 } });
    expect(await session.waitFor('SETTINGS')).toMatchObject({ settings: [{ id: SettingsId.INITIAL_WINDOW_SIZE, value: 4096 }] });
    const stream = await connection.openStream({ streamtype: 'stdout' });
    const received = readAll(stream);
    for (let i = 0; i < 10; i++) await session.send({ type: 'DATA', streamId: 1, fin: i === 9, data: Buffer.alloc(1024, 65) });
    expect((await received).length).toBe(10240);
    await connection.ping();
    const updates = session.received.filter((f): f is Extract<SpdyFrame, { type: 'WINDOW_UPDATE' }> => f.type === 'WINDOW_UPDATE');
    const total = (id: number) => updates.filter((u) => u.streamId === id).reduce((n, u) => n + u.deltaWindowSize, 0);
    expect(total(1)).toBe(8192);
    expect(total(0)).toBe(10240);
    expect(updates.every((u) => u.deltaWindowSize >= 2048)).toBe(true);
  });

  it('stops reading the socket while a stream reader lags, and carries on once it catches up', async () => {
    const { connection, session } = await connect({ connection: { streamBufferBytes: 1024 } });
    const stream = await connection.openStream({ streamtype: 'stdout' });
    const frames: SpdyFrame[] = [];
    for (let i = 0; i < 20; i++) frames.push({ type: 'DATA', streamId: 1, fin: false, data: Buffer.alloc(1024) });
    await session.send(...frames, { type: 'PING', id: 2 });
    await waitFor(() => stream.readableLength >= 1024, { what: 'the stream buffer to fill' });
    // Frames arrive and are handled in one burst; without the pause all 20 KiB would be buffered by now.
    expect(stream.readableLength).toBeLessThanOrEqual(2048);
    expect(session.received.some((f) => f.type === 'PING' && f.id === 2)).toBe(false);
    let total = 0;
    stream.on('data', (chunk: Buffer) => (total += chunk.length));
    await session.waitFor('PING', (f) => f.id === 2);
    expect(total).toBe(20 * 1024);
  });

  it('ends the readable side on RST_STREAM from the peer and fails later writes', async () => {
    const { connection, session } = await connect();
    const stream = await connection.openStream({ streamtype: 'error' });
    const received = readAll(stream);
    await session.send({ type: 'DATA', streamId: 1, fin: false, data: Buffer.from('{"status":"Success"}') }, { type: 'RST_STREAM', streamId: 1, status: RstStreamStatus.CANCEL });
    expect(await received).toBe('{"status":"Success"}');
    expect(stream.resetStatus).toBe(RstStreamStatus.CANCEL);

    const other = await connection.openStream({ streamtype: 'stdin' });
    const reset = once(other, 'reset');
    await session.send({ type: 'RST_STREAM', streamId: other.id, status: RstStreamStatus.CANCEL });
    await reset;
    const failed = once(other, 'error');
    other.write('too late');
    expect((await failed)[0]).toBeInstanceOf(SpdyStreamResetError);
  });

  it('refuses streams the peer tries to open', async () => {
    const { connection, session } = await connect();
    await session.send({ type: 'SYN_STREAM', streamId: 2, associatedStreamId: 0, priority: 0, fin: false, unidirectional: false, headers: {} });
    expect(await session.waitFor('RST_STREAM')).toEqual({ type: 'RST_STREAM', streamId: 2, status: RstStreamStatus.REFUSED_STREAM });
    await connection.ping();
  });

  it('fails streams the peer left unfinished when the connection ends', async () => {
    const { connection, session } = await connect();
    const stream = await connection.openStream({ streamtype: 'stdout' });
    const failed = once(stream, 'error');
    session.end();
    expect(String((await failed)[0])).toMatch(/SPDY connection closed/);
    expect(await connection.closed).toBeUndefined();
    await expect(connection.openStream({ streamtype: 'x' })).rejects.toThrow(/closed/);
  });

  it('answers garbage with GOAWAY (PROTOCOL_ERROR) and closes with a protocol error', async () => {
    const { connection, session } = await connect();
    await connection.ping();
    session.socket.write(Buffer.from('8002000100000000', 'hex'));
    expect(await session.waitFor('GOAWAY')).toMatchObject({ status: 1 });
    expect(await connection.closed).toBeInstanceOf(SpdyProtocolError);
  });

  it('after the peer GOAWAY, opens no new streams and fails those the peer never handled', async () => {
    const { connection, session } = await connect();
    const kept = await connection.openStream({ streamtype: 'a' });
    session.autoReply = false;
    const unanswered = connection.openStream({ streamtype: 'b' });
    await session.waitFor('SYN_STREAM', (f) => f.streamId === 3);
    const goaway = once(connection, 'goaway');
    await session.send({ type: 'GOAWAY', lastGoodStreamId: 1, status: 0 });
    expect(await goaway).toEqual([1, 0]);
    await expect(unanswered).rejects.toThrow(/went away before handling stream 3/);
    await expect(connection.openStream({ streamtype: 'c' })).rejects.toThrow(/going away/);
    const received = readAll(kept);
    await session.send({ type: 'DATA', streamId: 1, fin: true, data: Buffer.from('still served') });
    expect(await received).toBe('still served');
  });

  it('close() says GOAWAY and ends the socket; destroy() fails open streams', async () => {
    const { connection, session } = await connect();
    const stream = await connection.openStream({ streamtype: 'a' });
    stream.on('error', () => undefined);
    const closing = connection.close();
    expect(await session.waitFor('GOAWAY')).toMatchObject({ lastGoodStreamId: 0, status: 0 });
    session.end();
    await closing;
    expect(stream.destroyed).toBe(true);

    const second = await connect();
    const open = await second.connection.openStream({ streamtype: 'b' });
    const failed = once(open, 'error');
    second.connection.destroy(new Error('torn down'));
    expect(String((await failed)[0])).toMatch(/torn down/);
    expect(await second.connection.closed).toEqual(new Error('torn down'));
  });
});
