import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { buildSwaggerDocument, type Scheme, type SwaggerDocument } from '@skiff/api';
import { encodeSwaggerDocument, openAPIV2ProtobufContentType, openAPIV2ProtobufMediaType } from '../protobuf/openapi-v2-message';
import { StatusError } from './status-error';

/**
 * Serves the Swagger 2.0 document at `/openapi/v2` the way Kubernetes does: gnostic protobuf for clients that ask
 * for it (kubectl and client-go accept nothing else, and need it to validate `kind: List` files, kinds without a
 * PATCH operation, and — before 1.29 — everything), JSON otherwise. One ETag (of the JSON) for both forms, as
 * upstream, with `Vary: Accept`.
 */

export interface OpenAPIV2ServiceOptions {
  /** The Kubernetes version reported in `info.version`. */
  version: string;
  strategicMergePatch?: boolean;
}

type Format = 'json' | 'protobuf';

/** The media types served, in the order a `*\/*` or `application/*` range picks them. */
const served: { type: string; format: Format; contentType: string }[] = [
  { type: 'application/json', format: 'json', contentType: 'application/json' },
  { type: openAPIV2ProtobufMediaType, format: 'protobuf', contentType: openAPIV2ProtobufContentType },
  { type: openAPIV2ProtobufContentType, format: 'protobuf', contentType: openAPIV2ProtobufContentType },
];

/** The format for an Accept header: its ranges by quality (stable for ties), the first one served wins. */
export function negotiateOpenAPIV2(accept: string | undefined): { format: Format; contentType: string } | undefined {
  const ranges = (accept?.trim() ? accept : '*/*')
    .split(',')
    .map((r, index) => {
      const [type, ...params] = r.split(';').map((p) => p.trim());
      const q = params.find((p) => /^q=/i.test(p));
      return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.type && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const [main, sub] = range.type.split('/');
    const match = served.find((s) => (main === '*' || main === 'application') && (sub === '*' || s.type === range.type));
    if (match) return match;
  }
  return undefined;
}

export class OpenAPIV2Service {
  private document?: SwaggerDocument;
  private json?: { body: Buffer; etag: string };
  private protobuf?: Buffer;

  constructor(
    private readonly scheme: Scheme,
    private readonly opts: OpenAPIV2ServiceOptions,
  ) {}

  /** Built on first use and kept: the scheme does not change while the server runs. */
  swagger(): SwaggerDocument {
    this.document ??= buildSwaggerDocument(this.scheme, { version: this.opts.version, strategicMergePatch: this.opts.strategicMergePatch });
    return this.document;
  }

  jsonBody(): { body: Buffer; etag: string } {
    if (!this.json) {
      const body = Buffer.from(JSON.stringify(this.swagger()));
      this.json = { body, etag: createHash('sha512').update(body).digest('hex').toUpperCase() };
    }
    return this.json;
  }

  protobufBody(): Buffer {
    this.protobuf ??= encodeSwaggerDocument(this.swagger());
    return this.protobuf;
  }

  /** Express middleware for `/openapi/v2`. */
  handler(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      if (req.path !== '/' && req.path !== '') return next();
      try {
        res.setHeader('Vary', 'Accept');
        const chosen = negotiateOpenAPIV2(req.headers.accept);
        if (!chosen) {
          throw new StatusError(406, 'NotAcceptable', `only application/json and ${openAPIV2ProtobufMediaType} are served here, not ${req.headers.accept}`);
        }
        const { etag } = this.jsonBody();
        const body = chosen.format === 'json' ? this.jsonBody().body : this.protobufBody();
        res.setHeader('ETag', `"${etag}"`);
        res.setHeader('Cache-Control', 'no-cache, private');
        const ifNoneMatch = req.headers['if-none-match'];
        if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === `"${etag}"` || t.trim() === '*')) {
          res.status(304).end();
          return;
        }
        res.status(200);
        res.setHeader('Content-Type', chosen.contentType);
        res.setHeader('Content-Length', body.length);
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch (e) {
        next(e);
      }
    };
  }
}
