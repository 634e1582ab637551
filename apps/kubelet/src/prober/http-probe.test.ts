import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '@skiff/client';
import { freePort, waitFor } from '@skiff/testing';
import { probeUrl, runHttpProbe, type HttpProbeTarget } from './http-probe';

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** A loopback server whose answers the tests choose by path; /healthz answers with `healthStatus`. */
function startServer(create: (h: http.RequestListener) => http.Server) {
  const seen: Seen[] = [];
  const state = { healthStatus: 200, port: 0 };
  const hanging: http.ServerResponse[] = [];
  const server = create((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const url = req.url ?? '/';
    if (url === '/healthz') {
      res.writeHead(state.healthStatus, { 'content-type': 'text/plain' });
      res.end(state.healthStatus < 400 ? 'ok' : 'boom');
    } else if (url.startsWith('/status/')) {
      res.writeHead(Number(url.slice('/status/'.length)));
      res.end('status body');
    } else if (url === '/redirect-relative') {
      res.writeHead(302, { location: '/healthz' });
      res.end();
    } else if (url === '/redirect-absolute') {
      res.writeHead(301, { location: `http://127.0.0.1:${state.port}/healthz` });
      res.end();
    } else if (url === '/redirect-other-host') {
      res.writeHead(302, { location: `http://localhost:${state.port}/healthz` });
      res.end('moved elsewhere');
    } else if (url === '/loop') {
      res.writeHead(307, { location: '/loop' });
      res.end();
    } else if (url === '/big') {
      res.writeHead(200);
      res.end('a'.repeat(50 * 1024));
    } else if (url === '/hang') {
      hanging.push(res);
    } else {
      res.writeHead(200);
      res.end(`echo ${url}`);
    }
  });
  return {
    seen,
    state,
    server,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      state.port = (server.address() as AddressInfo).port;
      return state.port;
    },
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('http probe', () => {
  const clock = new FakeClock();
  const srv = startServer((h) => http.createServer(h));
  let port = 0;
  const target = (p: string, extra: Partial<HttpProbeTarget> = {}): HttpProbeTarget => ({
    scheme: 'HTTP',
    host: '127.0.0.1',
    port,
    path: p,
    headers: [],
    ...extra,
  });

  beforeAll(async () => {
    port = await srv.listen();
  });
  afterAll(() => srv.close());
  beforeEach(() => {
    srv.seen.length = 0;
    srv.state.healthStatus = 200;
  });

  it('is success on 200 and failure naming the status code on 500', async () => {
    await expect(runHttpProbe(target('/healthz'), 1, clock)).resolves.toEqual({ result: 'success', output: 'ok' });
    srv.state.healthStatus = 500;
    await expect(runHttpProbe(target('/healthz'), 1, clock)).resolves.toEqual({
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
  });

  it('counts 200–399 as success and 400 and above as failure', async () => {
    for (const [code, result] of [
      [200, 'success'],
      [204, 'success'],
      [299, 'success'],
      [304, 'success'],
      [399, 'success'],
      [400, 'failure'],
      [404, 'failure'],
      [503, 'failure'],
    ] as const) {
      expect({ code, result: (await runHttpProbe(target(`/status/${code}`), 1, clock)).result }).toEqual({ code, result });
    }
  });

  it('sends the kube-probe User-Agent and Accept */* by default', async () => {
    await runHttpProbe(target('/anything'), 1, clock);
    expect(srv.seen[0].headers['user-agent']).toBe('kube-probe/1.32');
    expect(srv.seen[0].headers['accept']).toBe('*/*');
    expect(srv.seen[0].headers['host']).toBe(`127.0.0.1:${port}`);
  });

  it('sends the probe headers, lets them replace User-Agent and override Host', async () => {
    await runHttpProbe(
      target('/anything', {
        headers: [
          { name: 'X-Custom', value: 'one' },
          { name: 'User-Agent', value: 'my-checker' },
          { name: 'Host', value: 'app.example.test' },
          { name: 'X-Multi', value: 'a' },
          { name: 'x-multi', value: 'b' },
        ],
      }),
      1,
      clock,
    );
    const h = srv.seen[0].headers;
    expect(h['x-custom']).toBe('one');
    expect(h['user-agent']).toBe('my-checker');
    expect(h['host']).toBe('app.example.test');
    expect(h['x-multi']).toBe('a, b');
  });

  it('requests the path with its query', async () => {
    await expect(runHttpProbe(target('/ready?verbose=1&x=y'), 1, clock)).resolves.toMatchObject({ output: 'echo /ready?verbose=1&x=y' });
    await runHttpProbe(target(''), 1, clock);
    expect(srv.seen.map((s) => s.url)).toEqual(['/ready?verbose=1&x=y', '/']);
  });

  it('follows a redirect on the same host, keeping a Host override through a relative one', async () => {
    srv.state.healthStatus = 500;
    const host = [{ name: 'Host', value: 'app.example.test' }];
    await expect(runHttpProbe(target('/redirect-relative', { headers: host }), 1, clock)).resolves.toEqual({
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
    expect(srv.seen.map((s) => [s.url, s.headers.host])).toEqual([
      ['/redirect-relative', 'app.example.test'],
      ['/healthz', 'app.example.test'],
    ]);

    srv.seen.length = 0;
    srv.state.healthStatus = 200;
    await expect(runHttpProbe(target('/redirect-absolute', { headers: host }), 1, clock)).resolves.toEqual({ result: 'success', output: 'ok' });
    expect(srv.seen.map((s) => [s.url, s.headers.host])).toEqual([
      ['/redirect-absolute', 'app.example.test'],
      ['/healthz', `127.0.0.1:${port}`],
    ]);
    expect(srv.seen[1].headers['user-agent']).toBe('kube-probe/1.32');
  });

  it('does not follow a redirect to another host: success with a warning carrying the body', async () => {
    srv.state.healthStatus = 500;
    await expect(runHttpProbe(target('/redirect-other-host'), 1, clock)).resolves.toEqual({
      result: 'success',
      output: 'Probe terminated redirects, Response body: moved elsewhere',
      warning: true,
    });
    expect(srv.seen.map((s) => s.url)).toEqual(['/redirect-other-host']);
  });

  it('gives up after ten requests in a redirect chain', async () => {
    await expect(runHttpProbe(target('/loop'), 1, clock)).resolves.toEqual({ result: 'failure', output: 'Get "/loop": stopped after 10 redirects' });
    expect(srv.seen).toHaveLength(10);
  });

  it('reads at most 10 KiB of the body', async () => {
    const outcome = await runHttpProbe(target('/big'), 1, clock);
    expect(outcome).toEqual({ result: 'success', output: 'a'.repeat(10 * 1024) });
  });

  it('fails when no answer comes within the timeout on the clock', async () => {
    const fake = new FakeClock();
    let settled: unknown;
    void runHttpProbe(target('/hang'), 3, fake).then((o) => (settled = o));
    await waitFor(() => srv.seen.some((s) => s.url === '/hang'), { what: 'the probe request' });
    await fake.advance(2999);
    expect(settled).toBeUndefined();
    await fake.advance(1);
    expect(settled).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it('fails with connection refused on a port nobody listens on', async () => {
    const closed = await freePort();
    await expect(runHttpProbe(target('/healthz', { port: closed }), 1, clock)).resolves.toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${closed}/healthz": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
  });

  it('formats the URL from scheme, host, port and path', () => {
    expect(probeUrl({ scheme: 'HTTPS', host: '10.1.2.3', port: 8443, path: 'live?x=1' }).href).toBe('https://10.1.2.3:8443/live?x=1');
    expect(probeUrl({ scheme: 'http', host: 'fd00::5', port: 80, path: '/' }).href).toBe('http://[fd00::5]/');
  });
});

describe('https probe', () => {
  const clock = new FakeClock();
  let dir = '';
  let srv: ReturnType<typeof startServer>;
  let port = 0;

  beforeAll(async () => {
    // A self-signed certificate: the probe must not verify it, as the kubelet does not.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-probe-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=probe-test',
    ], { stdio: 'ignore' });
    const key = fs.readFileSync(path.join(dir, 'key.pem'));
    const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
    srv = startServer((h) => https.createServer({ key, cert }, h));
    port = await srv.listen();
  });
  afterAll(async () => {
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('probes over TLS without verifying the certificate', async () => {
    const t: HttpProbeTarget = { scheme: 'HTTPS', host: '127.0.0.1', port, path: '/healthz', headers: [] };
    await expect(runHttpProbe(t, 1, clock)).resolves.toEqual({ result: 'success', output: 'ok' });
    srv.state.healthStatus = 503;
    await expect(runHttpProbe(t, 1, clock)).resolves.toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 503' });
  });

  it('a plain http probe against the TLS port fails', async () => {
    const t: HttpProbeTarget = { scheme: 'HTTP', host: '127.0.0.1', port, path: '/healthz', headers: [] };
    const outcome = await runHttpProbe(t, 1, clock);
    expect(outcome.result).toBe('failure');
  });
});
