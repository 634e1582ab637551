import type { Response } from 'express';
import { serialized } from '../storage/serialized';

/** Sends a JSON body (an object, or text already serialised) with its status code. */
export function sendJSON(res: Response, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : typeof body === 'object' && body !== null ? serialized(body) : JSON.stringify(body);
  // Written directly: express's send() would re-derive type, length and charset on the hot path.
  res.statusCode = code;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(isHead(res) ? undefined : text);
}

function isHead(res: Response): boolean {
  return res.req?.method === 'HEAD';
}
