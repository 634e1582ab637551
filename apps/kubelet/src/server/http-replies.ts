import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Status } from '@skiff/api';

export function sendJSON(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

export function sendStatus(res: http.ServerResponse, status: Status): void {
  sendJSON(res, status.code ?? 500, status);
}

/** Answers an upgrade request that will not be upgraded: a plain HTTP response with the Status, then close. */
export function rejectUpgrade(socket: Duplex, status: Status): void {
  const body = JSON.stringify(status);
  const code = status.code ?? 500;
  socket.end(
    `HTTP/1.1 ${code} ${http.STATUS_CODES[code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Resolves once `res` can take more data, or once the client has gone. */
export function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
