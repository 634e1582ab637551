/** Minimal HTTP helpers for integration tests that check exact status codes and bodies. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export async function call<T = any>(base: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply<T>> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

/**
 * Opens a watch and reads its events until `until` says stop or the deadline passes. `connected` resolves once
 * the server has sent the headers, which it does only after the watch is registered.
 */
export function openWatch(base: string, path: string, until: (events: any[]) => boolean, timeoutMs = 10_000): { connected: Promise<void>; events: Promise<any[]> } {
  const ctrl = new AbortController();
  let onConnected!: () => void;
  const connected = new Promise<void>((r) => (onConnected = r));
  const events = (async () => {
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    const evs: any[] = [];
    try {
      const res = await fetch(base + path, { signal: ctrl.signal });
      onConnected();
      const reader = res.body!.getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += Buffer.from(value).toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) evs.push(JSON.parse(line));
        }
        if (until(evs)) break;
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
    } finally {
      clearTimeout(timer);
      onConnected();
      ctrl.abort();
    }
    return evs;
  })();
  return { connected, events };
}

export function readWatch(base: string, path: string, until: (events: any[]) => boolean, timeoutMs = 10_000): Promise<any[]> {
  return openWatch(base, path, until, timeoutMs).events;
}
