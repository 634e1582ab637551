import { EventEmitter } from 'events';
import { PassThrough, Readable } from 'stream';
import { waitFor } from '@skiff/testing';
import { RemoteCommandError } from './remote-command-status';
import { runRemoteCommand, TerminalSize } from './remote-command';
import { SpdyUpgradeError } from './spdy-upgrade';
import { RstStreamStatus } from './spdy-frames';
import { PeerSession, SpdyTestPeer, UpgradeDecision } from './spdy-test-peer';

// The test peer plays a CRI streaming server the way spdystream and the remotecommand v4 handler do: it replies
// to the client's streams, writes output, then the Status on the error stream, resets every stream it has not
// finished, says GOAWAY and closes the socket.

const V4 = { headers: { 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' } };
const SUCCESS = '{"metadata":{},"status":"Success"}';
const exitStatus = (code: number) =>
  JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });

let peer: SpdyTestPeer;

afterEach(async () => {
  await peer?.stop();
});

async function startPeer(decision: UpgradeDecision = V4): Promise<void> {
  peer = await SpdyTestPeer.start(() => decision);
}

function collect(): { sink: PassThrough; text: () => string } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { sink, text: () => text };
}

/** Finishes a command as the runtime's streaming server does. */
async function finish(session: PeerSession, streams: Record<string, number>, status: string | undefined, finished: number[] = []): Promise<void> {
  if (status !== undefined) await session.send({ type: 'DATA', streamId: streams.error, fin: false, data: Buffer.from(status) });
  for (const id of Object.values(streams)) {
    if (!finished.includes(id)) await session.send({ type: 'RST_STREAM', streamId: id, status: RstStreamStatus.CANCEL });
  }
  await session.send({ type: 'GOAWAY', lastGoodStreamId: Math.max(...Object.values(streams)), status: 0 });
  session.end();
}

async function streamsOf(session: PeerSession, types: string[]): Promise<Record<string, number>> {
  const ids = await Promise.all(types.map((t) => session.streamOfType(t)));
  return Object.fromEntries(types.map((t, i) => [t, ids[i]]));
}

describe('runRemoteCommand', () => {
  it('pipes stdin (its end reaches the server as FIN), separates stdout and stderr, and resolves exit code 0', async () => {
    await startPeer();
    const out = collect();
    const err = collect();
    const result = runRemoteCommand(peer.url(), { stdin: Readable.from([Buffer.from('hi\n')]), stdout: out.sink, stderr: err.sink });
    const session = await peer.nextSession();
    expect(session.request.headers['x-stream-protocol-version']).toBe('v4.channel.k8s.io');
    const streams = await streamsOf(session, ['error', 'stdin', 'stdout', 'stderr']);
    expect(streams).toEqual({ error: 1, stdin: 3, stdout: 5, stderr: 7 });
    const input = await session.dataUntilFin(streams.stdin);
    await session.send(
      { type: 'DATA', streamId: streams.stdout, fin: false, data: input },
      { type: 'DATA', streamId: streams.stderr, fin: false, data: Buffer.from('to stderr\n') },
      { type: 'DATA', streamId: streams.stdout, fin: true, data: Buffer.alloc(0) },
      { type: 'DATA', streamId: streams.stderr, fin: true, data: Buffer.alloc(0) },
    );
    await finish(session, streams, SUCCESS, [streams.stdout, streams.stderr]);
    expect(await result).toEqual({ exitCode: 0, status: { metadata: {}, status: 'Success' } });
    expect(out.text()).toBe('hi\n');
    expect(err.text()).toBe('to stderr\n');
    // Output streams are the caller's: left open.
    expect(out.sink.writableEnded).toBe(false);
  });

  it('resolves the exit code of a NonZeroExitCode failure', async () => {
    await startPeer();
    const out = collect();
    const result = runRemoteCommand(peer.url(), { stdout: out.sink });
    const session = await peer.nextSession();
    const streams = await streamsOf(session, ['error', 'stdout']);
    await session.send({ type: 'DATA', streamId: streams.stdout, fin: true, data: Buffer.from('partial') });
    await finish(session, streams, exitStatus(3), [streams.stdout]);
    await expect(result).resolves.toMatchObject({ exitCode: 3, status: { reason: 'NonZeroExitCode' } });
    expect(out.text()).toBe('partial');
    expect(session.received.filter((f) => f.type === 'SYN_STREAM')).toHaveLength(2);
  });

  it('rejects with the message of any other failure', async () => {
    await startPeer();
    const result = runRemoteCommand(peer.url(), { stdout: new PassThrough() });
    const session = await peer.nextSession();
    const streams = await streamsOf(session, ['error', 'stdout']);
    const failure = { metadata: {}, status: 'Failure', message: 'error executing command in container: no such file', reason: 'InternalError', code: 500 };
    await finish(session, streams, JSON.stringify(failure));
    const err = await result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteCommandError);
    expect(err).toMatchObject({ message: 'error executing command in container: no such file', status: failure });
  });

  it('treats an error stream that ends empty as success, as kubectl does', async () => {
    await startPeer();
    const result = runRemoteCommand(peer.url(), { stdout: new PassThrough() });
    const session = await peer.nextSession();
    await finish(session, await streamsOf(session, ['error', 'stdout']), undefined);
    await expect(result).resolves.toMatchObject({ exitCode: 0 });
  });

  it('with a tty opens a resize stream instead of stderr and sends each size as a JSON line', async () => {
    await startPeer();
    const resizes = new EventEmitter();
    const result = runRemoteCommand(peer.url(), { stdin: new PassThrough(), stdout: new PassThrough(), tty: true, resizes });
    const session = await peer.nextSession();
    const streams = await streamsOf(session, ['error', 'stdin', 'stdout', 'resize']);
    const sizes = [
      { width: 100, height: 40 },
      { width: 80, height: 24 },
    ];
    await waitFor(() => resizes.listenerCount('resize') > 0, { what: 'runRemoteCommand to listen for resizes' });
    for (const size of sizes) resizes.emit('resize', size);
    await session.waitFor('DATA', (f) => f.streamId === streams.resize && f.data.toString().includes('80'));
    const sent = session.received.filter((f) => f.type === 'DATA' && f.streamId === streams.resize).map((f) => (f.type === 'DATA' ? f.data.toString() : ''));
    expect(sent.join('')).toBe('{"Width":100,"Height":40}\n{"Width":80,"Height":24}\n');
    expect(session.received.some((f) => f.type === 'SYN_STREAM' && f.headers.streamtype === 'stderr')).toBe(false);
    await finish(session, streams, exitStatus(4));
    await expect(result).resolves.toMatchObject({ exitCode: 4 });
    expect(resizes.listenerCount('resize')).toBe(0);
  });

  it('takes terminal sizes from an async iterable too', async () => {
    await startPeer();
    const result = runRemoteCommand(peer.url(), { stdout: new PassThrough(), tty: true, resizes: sizesOf([{ width: 120, height: 30 }]) });
    const session = await peer.nextSession();
    const streams = await streamsOf(session, ['error', 'stdout', 'resize']);
    const resize = await session.waitFor('DATA', (f) => f.streamId === streams.resize);
    expect(resize.data.toString()).toBe('{"Width":120,"Height":30}\n');
    await finish(session, streams, SUCCESS);
    await expect(result).resolves.toMatchObject({ exitCode: 0 });
  });

  it('stops feeding stdin once the command is over, leaving the source to the caller', async () => {
    await startPeer();
    const stdin = new PassThrough();
    const result = runRemoteCommand(peer.url(), { stdin, stdout: new PassThrough() });
    const session = await peer.nextSession();
    const streams = await streamsOf(session, ['error', 'stdin', 'stdout']);
    stdin.write('first line\n');
    await session.waitFor('DATA', (f) => f.streamId === streams.stdin);
    await finish(session, streams, SUCCESS);
    await expect(result).resolves.toMatchObject({ exitCode: 0 });
    expect(stdin.listenerCount('data')).toBe(0);
    expect(stdin.destroyed).toBe(false);
  });

  it('refuses a server that does not speak remotecommand v4', async () => {
    await startPeer({ headers: { 'X-Stream-Protocol-Version': 'v3.channel.k8s.io' } });
    await expect(runRemoteCommand(peer.url(), { stdout: new PassThrough() })).rejects.toThrow(
      'streaming server negotiated protocol "v3.channel.k8s.io", expected v4.channel.k8s.io',
    );
  });

  it('reports a refused upgrade, e.g. an expired token', async () => {
    await startPeer({ status: 404, body: '404 page not found\n' });
    const err = await runRemoteCommand(peer.url(), { stdout: new PassThrough() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpdyUpgradeError);
    expect(err).toMatchObject({ statusCode: 404 });
  });

  it('fails when the connection drops before the command status arrives', async () => {
    await startPeer();
    const result = runRemoteCommand(peer.url(), { stdout: new PassThrough() });
    const session = await peer.nextSession();
    await streamsOf(session, ['error', 'stdout']);
    session.destroy();
    await expect(result).rejects.toThrow(/SPDY connection closed before the stream ended|ECONNRESET/);
  });

  it('tears the connection down when aborted', async () => {
    await startPeer();
    const controller = new AbortController();
    const result = runRemoteCommand(peer.url(), { stdout: new PassThrough(), signal: controller.signal });
    const session = await peer.nextSession();
    await streamsOf(session, ['error', 'stdout']);
    controller.abort(new Error('user hit ^C'));
    await expect(result).rejects.toThrow('user hit ^C');
    await session.ended;
    const early = new AbortController();
    early.abort();
    await expect(runRemoteCommand(peer.url(), { stdout: new PassThrough(), signal: early.signal })).rejects.toThrow(/aborted/);
  });

  it('rejects options the runtime would refuse before connecting', async () => {
    await expect(runRemoteCommand('http://127.0.0.1:1/exec/x', { stdout: new PassThrough(), stderr: new PassThrough(), tty: true })).rejects.toThrow(
      /tty and stderr cannot both be set/,
    );
    await expect(runRemoteCommand('http://127.0.0.1:1/exec/x', {})).rejects.toThrow(/at least one of stdin, stdout and stderr/);
  });
});

async function* sizesOf(sizes: TerminalSize[]): AsyncIterable<TerminalSize> {
  for (const size of sizes) yield size;
  await new Promise(() => undefined);
}
