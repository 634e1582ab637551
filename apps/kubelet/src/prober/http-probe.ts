import * as http from 'node:http';
import * as https from 'node:https';
import type { Clock } from '@skiff/client';
import { describeDialError } from './network-error';
import { joinHostPort } from './probe-port';
import { failure, maxProbeOutputBytes, probeUserAgent, success, unknown, type ProbeOutcome } from './probe-outcome';
import { withDeadline } from './with-deadline';

export interface HttpProbeTarget {
  /** `http` or `https` (any case). */
  scheme: string;
  host: string;
  port: number;
  /** Path with optional query; `/` when empty. */
  path: string;
  headers: { name: string; value: string }[];
}

/** A client gives up after this many requests in one redirect chain. */
const maxRequests = 10;
const redirectCodes = new Set([301, 302, 303, 307, 308]);

/** The URL a probe requests first: the path (and query) taken as given, on scheme://host:port. */
export function probeUrl(target: Pick<HttpProbeTarget, 'scheme' | 'host' | 'port' | 'path'>): URL {
  const url = new URL(`${target.scheme.toLowerCase()}://${joinHostPort(target.host, target.port)}`);
  const path = target.path || '/';
  const queryAt = path.indexOf('?');
  const pathPart = queryAt < 0 ? path : path.slice(0, queryAt);
  url.pathname = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  if (queryAt >= 0) url.search = path.slice(queryAt + 1);
  return url;
}

interface Progress {
  url: URL;
  readingBody: boolean;
}

/**
 * One HTTP GET probe. Status 200–399 is success and anything else failure; redirects are followed only while they
 * stay on the same host name (at most ten requests), and a redirect elsewhere ends the probe as a success with a
 * warning. Certificates are not verified for https. At most 10 KiB of the body is read. The whole exchange,
 * redirects included, must finish within the timeout.
 */
export function runHttpProbe(target: HttpProbeTarget, timeoutSeconds: number, clock: Clock): Promise<ProbeOutcome> {
  let start: URL;
  try {
    start = probeUrl(target);
  } catch (e) {
    return Promise.resolve(unknown(`invalid probe URL: ${(e as Error).message}`));
  }
  const progress: Progress = { url: start, readingBody: false };
  return withDeadline(
    clock,
    timeoutSeconds * 1000,
    (signal) => followRedirects(start, target.headers, signal, progress),
    () =>
      failure(
        progress.readingBody
          ? `Get "${progress.url.href}": context deadline exceeded (Client.Timeout or context cancellation while reading body)`
          : `Get "${progress.url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      ),
  );
}

async function followRedirects(start: URL, headerList: HttpProbeTarget['headers'], signal: AbortSignal, progress: Progress): Promise<ProbeOutcome> {
  const hostOverride = headerList.find((h) => h.name.toLowerCase() === 'host')?.value;
  let url = start;
  let keepHostOverride = hostOverride !== undefined;
  for (let requests = 1; ; requests++) {
    progress.url = url;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return failure(`Get "${url.href}": unsupported protocol scheme "${url.protocol.slice(0, -1)}"`);
    }
    let res: http.IncomingMessage;
    try {
      res = await get(url, requestHeaders(headerList, keepHostOverride ? hostOverride : undefined), signal);
    } catch (e) {
      return failure(`Get "${url.href}": ${describeDialError(e, url.host)}`);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (redirectCodes.has(status) && location) {
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        res.destroy();
        return failure(`Get "${url.href}": failed to parse Location header ${JSON.stringify(location)}`);
      }
      if (next.hostname === start.hostname) {
        res.destroy();
        if (requests >= maxRequests) return failure(`Get "${location}": stopped after ${maxRequests} redirects`);
        // A Host override survives only redirects that stay relative to the current request.
        keepHostOverride = keepHostOverride && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(location);
        url = next;
        continue;
      }
    }
    progress.readingBody = true;
    let body: string;
    try {
      body = await readAtMost(res, maxProbeOutputBytes);
    } catch (e) {
      return unknown(`reading the response body of ${url.href}: ${(e as Error).message}`);
    }
    if (status >= 200 && status < 300) return success(body);
    if (status >= 300 && status < 400) return { result: 'success', output: `Probe terminated redirects, Response body: ${body}`, warning: true };
    // The body is left out on purpose: it may hold anything, and events are readable by many.
    return failure(`HTTP probe failed with statuscode: ${status}`);
  }
}

function requestHeaders(list: HttpProbeTarget['headers'], hostOverride: string | undefined): http.OutgoingHttpHeaders {
  const headers: Record<string, string[]> = {};
  for (const { name, value } of list) {
    const key = name.toLowerCase();
    if (key === 'host') continue;
    (headers[key] ??= []).push(value);
  }
  headers['user-agent'] ??= [probeUserAgent];
  headers['accept'] ??= ['*/*'];
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) out[k] = v.length === 1 ? v[0] : v;
  if (hostOverride !== undefined && hostOverride !== '') out.host = hostOverride;
  return out;
}

function get(url: URL, headers: http.OutgoingHttpHeaders, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      method: 'GET',
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers,
      // A fresh connection per probe, closed afterwards.
      agent: false,
      rejectUnauthorized: false,
      signal,
    };
    const req = url.protocol === 'https:' ? https.request(options, resolve) : http.request(options, resolve);
    req.once('error', reject);
    req.end();
  });
}

/** Reads up to `limit` bytes of the body, then drops the connection rather than draining the rest. */
function readAtMost(res: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      res.removeAllListeners('data');
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    res.on('data', (chunk: Buffer) => {
      const room = limit - length;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      length += Math.min(chunk.length, room);
      if (length >= limit) {
        finish();
        res.destroy();
      }
    });
    res.once('end', () => finish());
    res.once('error', (e) => finish(e));
    res.once('aborted', () => finish(new Error('connection closed before the body ended')));
  });
}
