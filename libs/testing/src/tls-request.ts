import https from 'node:https';

export interface TlsRequestOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  method: string;
  path: string;
  /** The CA the server's certificate must chain to. */
  caPem: string;
  /** A client certificate to present. */
  cert?: { certPem: string; keyPem: string };
  /** A bearer token. */
  token?: string;
  /** Sent as JSON (or as it is, when a string with `contentType`). */
  body?: unknown;
  contentType?: string;
}

export interface TlsReply {
  status: number;
  /** The body parsed as JSON, else its text. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTPS request on a fresh connection, verifying the server against `caPem`, as the secure-port tests make them. */
export function tlsRequest(o: TlsRequestOptions): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (o.token !== undefined) headers.Authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json';
    const req = https.request(
      { host: o.host ?? '127.0.0.1', port: o.port, path: o.path, method: o.method, headers, agent: false, ca: o.caPem, cert: o.cert?.certPem, key: o.cert?.keyPem },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: the text it is.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(o.body === undefined ? undefined : typeof o.body === 'string' && o.contentType ? o.body : JSON.stringify(o.body));
  });
}
