import type { Request, Response } from 'express';
import { apiVersionOf, type ResourceType } from '@skiff/api';
import { collectionPrefix } from '../storage/keys';
import { StorageError } from '../storage/storage-error';
import type { CachedObject, CacheWatcher, WatchCache } from '../storage/watch-cache';
import type { Selection } from './selection';
import { badRequest, gone, StatusError } from './status-error';

// Past this much unsent output a watcher is too slow to keep; it is closed and will re-watch.
const maxBufferedBytes = 16 * 1024 * 1024;

export interface WatchQuery {
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  /** Renders each event's object for this watcher (Table watches); otherwise the cached JSON is sent as is. */
  encodeObject?: (c: CachedObject) => string;
}

/**
 * Serves a watch: newline-delimited JSON events over a chunked 200 response, headers flushed at once.
 * Expired resourceVersions get an ERROR event carrying a 410 Status, as Kubernetes sends them.
 */
export function serveWatch(req: Request, res: Response, type: ResourceType, cache: WatchCache, sel: Selection, q: WatchQuery, onEnd?: () => void): void {
  const rv = q.resourceVersion ?? '';
  if (rv && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');

  let open = true;
  let unregister: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    if (!open) return;
    open = false;
    unregister();
    if (timer) clearTimeout(timer);
    res.end();
    onEnd?.();
  };
  const write = (line: string): boolean => {
    if (!open) return false;
    res.write(line);
    if (res.writableLength > maxBufferedBytes) {
      finish();
      return false;
    }
    return true;
  };
  const sendError = (err: StatusError) => {
    write(`{"type":"ERROR","object":${JSON.stringify(err.toStatus())}}\n`);
    finish();
  };

  const encodeObject = q.encodeObject;
  const watcher: CacheWatcher = {
    startRv: 0,
    wantsBookmarks: q.allowWatchBookmarks,
    matches: (view) => sel.matches(view),
    deliver: encodeObject
      ? (t, c) => write(`{"type":"${t}","object":${encodeObject(c)}}\n`)
      : (t, c) => write(`{"type":"${t}","object":${c.json}}\n`),
    bookmark: (r) => {
      write(`{"type":"BOOKMARK","object":{"kind":${JSON.stringify(type.kind)},"apiVersion":${JSON.stringify(apiVersionOf(type))},"metadata":{"resourceVersion":"${r}"}}}\n`);
    },
    close: (reason?: StorageError) => {
      if (reason?.kind === 'Compacted') sendError(gone(reason.message));
      else finish();
    },
  };
  // A client that goes away is noticed on the response, not the request (which closes once its body is read).
  res.on('close', finish);
  try {
    unregister = cache.watch(watcher, rv ? Number(rv) : 0, collectionPrefix(type, sel.namespace));
  } catch (e) {
    if (e instanceof StorageError && e.kind === 'Compacted') {
      sendError(gone(e.message));
      return;
    }
    if (e instanceof StorageError) {
      sendError(new StatusError(503, 'ServiceUnavailable', e.message));
      return;
    }
    throw e;
  }
  if (!open) {
    unregister();
    return;
  }
  // Headers go out once the watcher is registered, so a client that has them misses no later change.
  res.flushHeaders();
  // Without a timeout the stream stays open for 30-60 minutes, like Kubernetes' min-request-timeout.
  const seconds = q.timeoutSeconds && q.timeoutSeconds > 0 ? q.timeoutSeconds : 1800 * (1 + Math.random());
  timer = setTimeout(finish, seconds * 1000);
  void req;
}
