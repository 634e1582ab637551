import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { anyVersionKey, changeKey, PodWatch } from './pod-watch';

/** A server whose one watch response is written by the test, line by line. */
async function watchServer(): Promise<{ base: URL; send: (line: object) => void; close: () => Promise<void> }> {
  let res: http.ServerResponse | undefined;
  const server = http.createServer((_req, r) => {
    res = r;
    r.writeHead(200, { 'Content-Type': 'application/json' });
    r.flushHeaders();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: new URL(`http://127.0.0.1:${port}`),
    send: (line) => res!.write(`${JSON.stringify(line)}\n`),
    close: () => {
      res?.end();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const pod = (name: string, resourceVersion: string) => ({ metadata: { name, resourceVersion } });

describe('PodWatch', () => {
  it('matches a change by name and resourceVersion, and a DELETED by name at any resourceVersion', async () => {
    const server = await watchServer();
    const watch = await PodWatch.open(server.base, '/api/v1/namespaces/default/pods?watch=1');
    try {
      const added = watch.waitFor(changeKey('ADDED', 'a', '10'), 5000);
      const deleted = watch.waitFor(anyVersionKey('DELETED', 'a'), 5000);
      server.send({ type: 'ADDED', object: pod('a', '10') });
      server.send({ type: 'DELETED', object: pod('a', '57') });
      expect(await added).toEqual(expect.any(Number));
      expect(await deleted).toEqual(expect.any(Number));
      expect(watch.arrivalOf(changeKey('DELETED', 'a', '57'))).toBe(await deleted);
      // A DELETED for another pod, or an ADDED at another version, is not what was waited for.
      expect(watch.arrivalOf(anyVersionKey('DELETED', 'b'))).toBeUndefined();
      expect(watch.arrivalOf(changeKey('ADDED', 'a', '11'))).toBeUndefined();
    } finally {
      watch.close();
      await server.close();
    }
  });

  it('counts the keys that never arrive within the wait', async () => {
    const server = await watchServer();
    const watch = await PodWatch.open(server.base, '/watch');
    try {
      server.send({ type: 'DELETED', object: pod('x', '3') });
      const missing = await watch.waitForAll([anyVersionKey('DELETED', 'x'), anyVersionKey('DELETED', 'y')], 200);
      expect(missing).toBe(1);
    } finally {
      watch.close();
      await server.close();
    }
  });
});
