import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import type { Pod } from '@skiff/api';
import { FakeClock } from '@skiff/client';
import { waitFor } from '@skiff/testing';
import type { ExecRunner } from './exec-probe';
import { ProbeManager, type ProbeResultEvent } from './probe-manager';

/** The manager driving real http and tcp probes against loopback servers, with time on a fake clock. */
describe('ProbeManager over the network', () => {
  let server: http.Server;
  let tcp: net.Server;
  let port = 0;
  let tcpPort = 0;
  let status = 500;
  let tcpAccepted = 0;
  const hosts: string[] = [];
  const noExec: ExecRunner = { execSync: () => Promise.reject(new Error('no exec in this test')) };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      if (req.url === '/moved') {
        res.writeHead(302, { location: `http://localhost:${port}/healthz` });
        res.end('see elsewhere');
        return;
      }
      res.writeHead(status);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    tcp = net.createServer((s) => {
      tcpAccepted++;
      s.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcp.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => tcp.close(resolve));
  });

  function pod(): Pod {
    return {
      metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-net' },
      spec: {
        containers: [
          {
            name: 'web',
            ports: [{ name: 'http', containerPort: port }, { name: 'db', containerPort: tcpPort }],
            readinessProbe: {
              httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'Host', value: 'shop.example.test' }] },
              periodSeconds: 5,
              failureThreshold: 1,
            },
            livenessProbe: { tcpSocket: { port: 'db' }, periodSeconds: 5 },
            startupProbe: { httpGet: { path: '/moved', port: 'http' }, periodSeconds: 5 },
          },
        ],
      },
    };
  }

  it('reports readiness from the HTTP status, liveness from the TCP port, and a redirect warning', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const results: ProbeResultEvent[] = [];
    const manager = new ProbeManager({
      runtime: noExec,
      clock,
      events: { containerEvent: (_p, container, type, reason, message) => events.push(`${container} ${type} ${reason}: ${message}`) },
    });
    manager.on('result', (e) => results.push(e));
    manager.addPod(pod());
    manager.containerStarted('uid-net', 'web', 'c1', clock.now(), '127.0.0.1');

    await clock.advance(0);
    // The startup probe's redirect to another host is not followed: success, with a warning event.
    await waitFor(() => manager.isStarted('uid-net', 'web'), { what: 'the startup probe to pass' });
    await waitFor(() => events.some((e) => e.startsWith('web Warning Unhealthy: Readiness')), { what: 'the readiness failure event' });
    expect(events).toEqual([
      'web Warning ProbeWarning: Startup probe warning: Probe terminated redirects, Response body: see elsewhere',
      'web Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 500',
    ]);
    expect(hosts).toContain('shop.example.test');
    expect(manager.isReady('uid-net', 'web')).toBe(false);

    status = 200;
    await clock.advance(5000);
    await waitFor(() => manager.isReady('uid-net', 'web'), { what: 'readiness' });
    expect(results.map((r) => `${r.probeType}=${r.result}`)).toEqual(['startup=success', 'readiness=success']);
    // Liveness connected to the named TCP port each period without a failure.
    await waitFor(() => tcpAccepted >= 2, { what: 'two liveness connections' });
    expect(events.filter((e) => e.includes('Liveness'))).toEqual([]);
    manager.stop();
  });
});
