import fs from 'node:fs';
import https from 'node:https';
import { nodes, type Node } from '@skiff/api';
import type { HttpKubeClient } from '@skiff/client';
import type { ProcessRun } from './supervisor';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns a value, the run's process exits (then the supervisor reports the exit) or the
 * deadline passes; the last error is part of the timeout message.
 */
export async function pollUntil<T>(run: ProcessRun, what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (!run.exited.aborted) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`no ${what} within ${Math.round(timeoutMs / 1000)} s${lastError ? ` (last error: ${lastError})` : ''}`);
    await sleep(intervalMs);
  }
  throw new Error(`${run.name} ${String(run.exited.reason)}`);
}

/** The first match of `pattern` in what this run wrote to its log. */
export function logMatch(run: ProcessRun, pattern: RegExp): RegExpMatchArray | undefined {
  let text: string;
  try {
    const fd = fs.openSync(run.logFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, Math.min(size - run.logOffset, 1024 * 1024)));
      fs.readSync(fd, buf, 0, buf.length, run.logOffset);
      text = buf.toString();
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return text.match(pattern) ?? undefined;
}

/** Where a program started with --port=0 serves: it prints `listening on http://ADDR:PORT`. */
export function waitForListening(run: ProcessRun, timeoutMs = 60_000): Promise<string> {
  return pollUntil(run, `"listening on" line in ${run.logFile}`, async () => logMatch(run, /listening on (https?:\/\/[\d.]+:\d+)/)?.[1], timeoutMs);
}

/** A client certificate and the CA to verify the server with, for an https:// check. */
export interface CheckTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** The status of GET `url`, over TLS with `tls` when given (within 2 s). */
function getStatus(url: string, tls?: CheckTls): Promise<number> {
  if (!tls) return fetch(url, { signal: AbortSignal.timeout(2000) }).then(async (res) => (await res.arrayBuffer(), res.status));
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: tls.caPem, cert: tls.certPem, key: tls.keyPem, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 2 s`)));
    req.on('error', reject);
  });
}

/** Resolves once GET `url` answers 2xx (`/health`, `/healthz`, `/readyz`); over TLS with `tls` when given. */
export function waitForHttpOk(run: ProcessRun, url: string, timeoutMs = 60_000, tls?: CheckTls): Promise<true> {
  return pollUntil(
    run,
    `answer from ${url}`,
    async () => {
      const status = await getStatus(url, tls);
      if (status < 200 || status > 299) throw new Error(`${url} answered ${status}`);
      return true as const;
    },
    timeoutMs,
  );
}

/** Resolves once the apiserver's /readyz answers ok through `client` (the admin's, with its credentials). */
export function waitForApiserverReady(run: ProcessRun, client: HttpKubeClient, timeoutMs = 60_000): Promise<true> {
  return pollUntil(
    run,
    'ready apiserver (/readyz)',
    async () => {
      const res = await client.rawRequest('GET', '/readyz');
      if (res.status !== 200) throw new Error(`/readyz answered ${res.status}: ${res.body.trim().slice(0, 200)}`);
      return true as const;
    },
    timeoutMs,
  );
}

/**
 * Whether the Node reports Ready=True in a status written at or after `sinceMs`: a Node kept from the last run still
 * says Ready until the node lifecycle controller notices its kubelet is gone, so only a fresh heartbeat counts.
 */
export function nodeIsReady(node: Node, sinceMs = 0): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  // Heartbeats have whole seconds.
  return Date.parse(ready.lastHeartbeatTime ?? '') >= Math.floor(sinceMs / 1000) * 1000;
}

/** Resolves once Node `name` is Ready in the API, by a heartbeat of this run's kubelet. */
export function waitForNodeReady(run: ProcessRun, client: HttpKubeClient, name: string, sinceMs: number, timeoutMs = 120_000): Promise<true> {
  return pollUntil(
    run,
    `Ready node ${name}`,
    async () => {
      const node = await client.get<Node>(nodes, undefined, name);
      if (!nodeIsReady(node, sinceMs)) throw new Error(`node ${name} is not Ready yet`);
      return true as const;
    },
    timeoutMs,
    100,
  );
}
