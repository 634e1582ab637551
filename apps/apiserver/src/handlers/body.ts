import type { Request } from 'express';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import { decodeProtobufBody, protobufMediaType } from '../protobuf';
import type { BodySource } from './duplicate-fields';
import { badRequest, tooLarge, unsupportedMediaType } from './status-error';

export const maxBodyBytes = 3 * 1024 * 1024;

/** Reads the raw body, refusing more than 3 MiB with 413 (checked on Content-Length and while streaming). */
export async function readBody(req: Request): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

/** Parses JSON, reporting where a syntax error is as line and column. */
export function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse does not always say where it failed; a position-reporting parser finds the spot.
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const where = first ? ` at ${lineAndColumn(text, first.offset)}: ${printParseErrorCode(first.error)}` : `: ${(e as Error).message}`;
    throw badRequest(`error decoding JSON${where}`);
  }
}

export function parseYAML(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw badRequest(`error decoding YAML${where}: ${e.message.split('\n')[0]}`);
  }
  return doc.toJS();
}

export type BodyMediaType = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

export function mediaTypeOf(req: Request): BodyMediaType | undefined {
  const ct = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
  switch (ct) {
    case '':
    case 'application/json':
    case '*/*':
      return 'json';
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return 'yaml';
    case protobufMediaType:
      return 'protobuf';
    case 'application/json-patch+json':
      return 'json-patch';
    case 'application/merge-patch+json':
      return 'merge-patch';
    case 'application/strategic-merge-patch+json':
      return 'strategic-merge-patch';
    case 'application/apply-patch+yaml':
      return 'apply-patch';
    default:
      return undefined;
  }
}

/** Reads and decodes an object body: JSON, YAML or Kubernetes protobuf. */
export async function readObjectBody(req: Request): Promise<Record<string, unknown>> {
  return (await readObjectBodySource(req)).body;
}

/**
 * Reads and decodes a JSON, YAML or Kubernetes protobuf object body, keeping the text of JSON and YAML for
 * checks that need it (duplicate fields).
 */
export async function readObjectBodySource(req: Request): Promise<{ body: Record<string, unknown>; source?: BodySource }> {
  const raw = await readBody(req);
  const type = mediaTypeOf(req);
  // kubectl's typed clients (create namespace/deployment/secret..., drain) send protobuf.
  if (type === 'protobuf') return { body: decodeProtobufBody(raw) };
  if (type !== 'json' && type !== 'yaml') {
    throw unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${protobufMediaType}`,
    );
  }
  const text = raw.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty: an object is required');
  const value = type === 'yaml' ? parseYAML(text) : parseJSON(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('the request body must be a JSON object');
  return { body: value as Record<string, unknown>, source: { text, format: type } };
}

/** A DELETE's optional DeleteOptions body, in JSON or (from typed clients such as `kubectl drain`) protobuf. */
export async function readOptionalOptionsBody(req: Request): Promise<Record<string, unknown> | undefined> {
  const raw = await readBody(req);
  if (!raw.length) return undefined;
  const value = mediaTypeOf(req) === 'protobuf' ? decodeProtobufBody(raw) : parseJSON(raw.toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('the request body must be a DeleteOptions object');
  return value as Record<string, unknown>;
}
