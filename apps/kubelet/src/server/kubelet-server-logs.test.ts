import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { formatCriLogLine } from '@skiff/cri';
import { waitFor } from '@skiff/testing';
import { FakeKubeletDeps, type FakeContainer } from './fake-kubelet-deps';
import { KubeletServer } from './kubelet-server';

jest.setTimeout(30_000);

let dir: string;
let deps: FakeKubeletDeps;
let server: KubeletServer;
let base: string;
let app: FakeContainer;

const record = (time: string, stream: 'stdout' | 'stderr', tag: 'F' | 'P', content: string) => formatCriLogLine({ time, stream, partial: tag === 'P', content });

const firstLog = [
  record('2024-05-01T10:00:01.000000001Z', 'stdout', 'F', 'one'),
  record('2024-05-01T10:00:02.5Z', 'stderr', 'F', 'two (stderr)'),
  record('2024-05-01T10:00:03.000000003Z', 'stdout', 'P', 'thr'),
  record('2024-05-01T10:00:03.000000004Z', 'stdout', 'P', 'e'),
  record('2024-05-01T10:00:03.000000005Z', 'stdout', 'F', 'e'),
  record('2024-05-01T10:00:04Z', 'stdout', 'F', ''),
  record('2024-05-01T10:00:05.123Z', 'stdout', 'F', 'five'),
].join('');

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-logs-'));
  fs.mkdirSync(path.join(dir, 'app'));
  fs.writeFileSync(path.join(dir, 'app', '1.log'), firstLog);
  fs.writeFileSync(path.join(dir, 'app', '0.log'), record('2024-04-30T09:00:00Z', 'stdout', 'F', 'the previous instance said this'));
  deps = new FakeKubeletDeps();
  app = deps.add('default', 'web', 'app', {
    id: 'c1',
    logPath: path.join(dir, 'app', '1.log'),
    running: true,
    previous: { id: 'c0', logPath: path.join(dir, 'app', '0.log') },
  });
  deps.add('default', 'web', 'init', { id: 'c2', logPath: path.join(dir, 'none.log'), running: false, waiting: 'ContainerCreating' });
  server = new KubeletServer(deps, { address: '127.0.0.1', port: 0, metrics: new Registry(), followPollIntervalMs: 50 });
  base = `http://127.0.0.1:${await server.listen()}`;
});

afterEach(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function logs(query = '', container = 'app'): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${base}/containerLogs/default/web/${container}${query}`);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('GET /containerLogs', () => {
  it('prints every line, joining partial records, stdout and stderr in file order', async () => {
    const r = await logs();
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/plain');
    expect(r.text).toBe('one\ntwo (stderr)\nthree\n\nfive\n');
  });

  it('keeps the bytes of a character split across partial records, and skips malformed lines', async () => {
    const snowman = Buffer.from('☃');
    fs.writeFileSync(
      app.logPath,
      Buffer.concat([
        Buffer.from('2024-05-01T10:00:01Z stdout P a'),
        snowman.subarray(0, 1),
        Buffer.from('\nnot a log line\n2024-05-01T10:00:01Z stdout F '),
        snowman.subarray(1),
        Buffer.from('b\n2024-05-01T10:00:02Z stdout F:x with more tags\n'),
      ]),
    );
    expect((await logs()).text).toBe('a☃b\nwith more tags\n');
  });

  it('tailLines counts whole lines, a line made of partial records being one', async () => {
    expect((await logs('?tailLines=2')).text).toBe('\nfive\n');
    expect((await logs('?tailLines=3')).text).toBe('three\n\nfive\n');
    expect((await logs('?tailLines=0')).text).toBe('');
    expect((await logs('?tailLines=100')).text).toBe('one\ntwo (stderr)\nthree\n\nfive\n');
  });

  it('tailLines reads a file larger than one read chunk from its end', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => record('2024-05-01T10:00:00Z', 'stdout', 'F', `line ${i} ${'x'.repeat(40)}`));
    fs.writeFileSync(app.logPath, lines.join(''));
    const r = await logs('?tailLines=1500');
    const out = r.text.split('\n').filter(Boolean);
    expect(out).toHaveLength(1500);
    expect(out[0]).toMatch(/^line 3500 x/);
    expect(out[1499]).toMatch(/^line 4999 x/);
  });

  it('timestamps=true puts the time of a line first record in front of it', async () => {
    expect((await logs('?timestamps=true')).text).toBe(
      [
        '2024-05-01T10:00:01.000000001Z one',
        '2024-05-01T10:00:02.5Z two (stderr)',
        '2024-05-01T10:00:03.000000003Z three',
        '2024-05-01T10:00:04Z ',
        '2024-05-01T10:00:05.123Z five',
        '',
      ].join('\n'),
    );
  });

  it('limitBytes cuts the output at that many bytes', async () => {
    expect((await logs('?limitBytes=6')).text).toBe('one\ntw');
    expect((await logs('?limitBytes=6&tailLines=1')).text).toBe('five\n');
  });

  it('sinceTime and sinceSeconds leave out earlier lines, to the nanosecond', async () => {
    expect((await logs(`?sinceTime=${encodeURIComponent('2024-05-01T10:00:03.000000004Z')}`)).text).toBe('ee\n\nfive\n');
    expect((await logs(`?sinceTime=${encodeURIComponent('2024-05-01T12:00:02+02:00')}`)).text).toBe('two (stderr)\nthree\n\nfive\n');
    expect((await logs('?sinceSeconds=3600')).text).toBe('');
  });

  it('previous=true reads the exited instance before the current one', async () => {
    expect((await logs('?previous=true')).text).toBe('the previous instance said this\n');
  });

  it('answers Kubernetes Status errors for bad options, unknown pods and containers that have not started', async () => {
    const bad = await logs('?tailLines=-1');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message: 'tailLines: Invalid value: -1: must be greater than or equal to 0' });
    expect(JSON.parse((await logs('?sinceSeconds=5&sinceTime=2024-05-01T10:00:00Z')).text).message).toBe('at most one of `sinceTime` or `sinceSeconds` may be specified');
    expect((await logs('?follow=maybe')).status).toBe(400);
    expect((await logs('?limitBytes=0')).status).toBe(400);

    const waiting = await logs('', 'init');
    expect(waiting.status).toBe(400);
    expect(JSON.parse(waiting.text).message).toBe('container "init" in pod "web" is waiting to start: ContainerCreating');

    const missing = await fetch(`${base}/containerLogs/default/nope/app`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ reason: 'NotFound', message: 'pod "nope" not found in namespace "default"' });

    deps.containers.get('default/web/app')!.previous = undefined;
    expect(JSON.parse((await logs('?previous=true')).text).message).toBe('previous terminated container "app" in pod "web" not found');
  });
});

/** How many descriptors this process holds open on `file`. */
function openHandlesOf(file: string): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

/** Reads a streamed response as it arrives. */
function streamText(url: string): { text: () => string; done: Promise<string>; abort: () => void } {
  const ctrl = new AbortController();
  let text = '';
  const done = (async () => {
    const res = await fetch(url, { signal: ctrl.signal });
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return text;
      text += Buffer.from(value).toString();
    }
  })();
  return { text: () => text, done, abort: () => ctrl.abort() };
}

describe('GET /containerLogs?follow=true', () => {
  it('streams appended lines and ends once the container has stopped and the file is drained', async () => {
    const s = streamText(`${base}/containerLogs/default/web/app?follow=true&tailLines=1`);
    await waitFor(() => s.text() === 'five\n', { what: 'the tail line' });
    fs.appendFileSync(app.logPath, record('2024-05-01T10:00:06Z', 'stdout', 'P', 'six '));
    fs.appendFileSync(app.logPath, record('2024-05-01T10:00:06.1Z', 'stdout', 'F', 'and a half'));
    await waitFor(() => s.text() === 'five\nsix and a half\n', { what: 'the appended line' });
    // The last words of a stopping container are written just before it is seen stopped.
    fs.appendFileSync(app.logPath, record('2024-05-01T10:00:07Z', 'stderr', 'F', 'bye'));
    app.running = false;
    await expect(s.done).resolves.toBe('five\nsix and a half\nbye\n');
  });

  it('keeps following across rotation: the file renamed away and created anew', async () => {
    const s = streamText(`${base}/containerLogs/default/web/app?follow=true&tailLines=1`);
    await waitFor(() => s.text() === 'five\n', { what: 'the tail line' });
    fs.appendFileSync(app.logPath, record('2024-05-01T10:00:06Z', 'stdout', 'F', 'before rotation'));
    await waitFor(() => s.text() === 'five\nbefore rotation\n', { what: 'the line before rotation' });
    fs.renameSync(app.logPath, `${app.logPath}.20240501-100007`);
    fs.writeFileSync(app.logPath, record('2024-05-01T10:00:08Z', 'stdout', 'F', 'after rotation'));
    await waitFor(() => s.text() === 'five\nbefore rotation\nafter rotation\n', { what: 'the line in the new file' });
    fs.writeFileSync(app.logPath, record('2024-05-01T10:00:09Z', 'stdout', 'F', 'truncated'));
    await waitFor(() => s.text().endsWith('truncated\n'), { what: 'the line after truncation' });
    s.abort();
    await s.done.catch(() => undefined);
  });

  it('ends at the end of the file for a container that has already stopped', async () => {
    app.running = false;
    expect((await logs('?follow=true')).text).toBe('one\ntwo (stderr)\nthree\n\nfive\n');
  });

  it('stops reading when the client goes away', async () => {
    const s = streamText(`${base}/containerLogs/default/web/app?follow=true`);
    await waitFor(() => s.text().endsWith('five\n'), { what: 'the log' });
    expect(openHandlesOf(app.logPath)).toBe(1);
    s.abort();
    await s.done.catch(() => undefined);
    await waitFor(() => openHandlesOf(app.logPath) === 0, { what: 'the log file to be closed' });
  });
});
