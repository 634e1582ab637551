import * as net from 'node:net';
import type { Clock } from '@skiff/client';
import { describeDialError } from './network-error';
import { joinHostPort } from './probe-port';
import { failure, success, type ProbeOutcome } from './probe-outcome';
import { withDeadline } from './with-deadline';

/** Opens a TCP connection to host:port and closes it at once: connected within the timeout is success. */
export function runTcpProbe(host: string, port: number, timeoutSeconds: number, clock: Clock): Promise<ProbeOutcome> {
  const hostPort = joinHostPort(host, port);
  return withDeadline(
    clock,
    timeoutSeconds * 1000,
    (signal) =>
      new Promise<ProbeOutcome>((resolve) => {
        const socket = net.connect({ host, port });
        const onAbort = () => socket.destroy();
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => {
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve(success());
        });
        socket.once('error', (err) => {
          signal.removeEventListener('abort', onAbort);
          socket.destroy();
          resolve(failure(describeDialError(err, hostPort)));
        });
      }),
    () => failure(`dial tcp ${hostPort}: i/o timeout`),
  );
}
