import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { FakeClock, type Clock } from '@skiff/client';
import { freePort } from '@skiff/testing';
import { runTcpProbe } from './tcp-probe';

describe('tcp probe', () => {
  const clock = new FakeClock();
  let server: net.Server;
  let port = 0;
  let accepted = 0;

  beforeAll(async () => {
    server = net.createServer((sock) => {
      accepted++;
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is success when the port accepts a connection', async () => {
    await expect(runTcpProbe('127.0.0.1', port, 1, clock)).resolves.toEqual({ result: 'success', output: '' });
    expect(accepted).toBeGreaterThan(0);
  });

  it('is failure with connection refused on a closed port', async () => {
    const closed = await freePort();
    await expect(runTcpProbe('127.0.0.1', closed, 1, clock)).resolves.toEqual({
      result: 'failure',
      output: `dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
  });

  it('is failure with an i/o timeout when the connection does not complete in time', async () => {
    // A clock on which every timeout has already passed when it is set.
    const expired: Clock = { now: () => 0, setTimer: (fn) => fn(), clearTimer: () => undefined };
    const before = accepted;
    await expect(runTcpProbe('127.0.0.1', port, 1, expired)).resolves.toEqual({
      result: 'failure',
      output: `dial tcp 127.0.0.1:${port}: i/o timeout`,
    });
    expect(accepted).toBe(before);
  });
});
