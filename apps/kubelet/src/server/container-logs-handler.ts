import type http from 'node:http';
import type { Logger } from '@skiff/logging';
import { parseContainerLogOptions } from './container-log-options';
import { containerLogChunks } from './container-log-stream';
import { drained, sendStatus } from './http-replies';
import type { KubeletServerDeps } from './kubelet-server-deps';
import { badRequestStatus, internalErrorStatus } from './kubelet-status';

export interface ContainerLogsTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** `GET /containerLogs/{namespace}/{pod}/{container}`: the container's log as text, followed on request. */
export async function serveContainerLogs(
  target: ContainerLogsTarget,
  query: URLSearchParams,
  res: http.ServerResponse,
  deps: KubeletServerDeps,
  opts: { pollIntervalMs: number; logger: Logger },
): Promise<void> {
  const parsed = parseContainerLogOptions(query);
  if (!parsed.ok) return sendStatus(res, badRequestStatus(parsed.message));
  const options = parsed.options;
  const lookup = await deps.findContainer(target.namespace, target.pod, target.container, options.previous);
  if ('error' in lookup) return sendStatus(res, lookup.error);

  const gone = new AbortController();
  res.on('close', () => gone.abort());
  const startBody = () => {
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'text/plain' });
  };
  // A follower may wait long for its first line: let the client (and the apiserver in between) see the answer now.
  if (options.follow && lookup.running) {
    startBody();
    res.flushHeaders();
  }
  const chunks = containerLogChunks(lookup.logPath, options, {
    running: lookup.running,
    stillRunning: async () => deps.containerRunning(lookup.containerId),
    pollIntervalMs: opts.pollIntervalMs,
    signal: gone.signal,
  });
  try {
    for await (const chunk of chunks) {
      startBody();
      if (!res.write(chunk)) await drained(res);
      if (gone.signal.aborted) break;
    }
  } catch (e) {
    opts.logger.warn('reading a container log failed', { ...target, logPath: lookup.logPath, error: (e as Error).message });
    if (!res.headersSent) return sendStatus(res, internalErrorStatus(`failed to read the log of container "${target.container}": ${(e as Error).message}`));
    res.destroy();
    return;
  }
  startBody();
  res.end();
}
