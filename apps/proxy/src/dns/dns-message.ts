import * as dnsPacket from 'dns-packet';
import type { Answer, OptAnswer, Packet, Question } from 'dns-packet';

/** Response codes cluster DNS sends (RFC 1035 §4.1.1, RFC 6891 for BADVERS). */
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;
export type RcodeValue = (typeof Rcode)[keyof typeof Rcode];

/** The largest UDP answer a client gets without EDNS (RFC 1035 §4.2.1). */
export const classicUdpLimit = 512;
/** The UDP payload size this server advertises and the most it sends (the DNS flag day 2020 value). */
export const advertisedUdpSize = 1232;

const qrFlag = 1 << 15;
const opcodeShift = 11;

/** A query that decoded and has the shape this server answers: one question, at most one OPT record. */
export interface DnsQuery {
  id: number;
  /** The header flags as sent (opcode, RD, CD...). */
  flags: number;
  question: Question;
  /** The client's EDNS record, when it sent one. */
  opt?: OptAnswer;
  raw: Buffer;
}

/** What to do with a packet that arrived: answer it, answer with an error at once, or drop it silently. */
export type ParsedPacket = { kind: 'query'; query: DnsQuery } | { kind: 'error'; response: Buffer; rcode: RcodeValue } | { kind: 'drop' };

/**
 * Decodes an incoming packet. Anything too short to carry an id, and anything that is itself a response, is
 * dropped (answering responses invites loops); malformed queries get FORMERR, other opcodes NOTIMP.
 */
export function parseQueryPacket(raw: Buffer): ParsedPacket {
  if (raw.length < 12) return { kind: 'drop' };
  const id = raw.readUInt16BE(0);
  const flags = raw.readUInt16BE(2);
  if (flags & qrFlag) return { kind: 'drop' };
  const opcode = (flags >> opcodeShift) & 0xf;
  if (opcode !== 0) return { kind: 'error', rcode: Rcode.NOTIMP, response: errorResponse(id, flags, Rcode.NOTIMP) };
  let decoded: ReturnType<typeof dnsPacket.decode>;
  try {
    decoded = dnsPacket.decode(raw);
  } catch {
    return { kind: 'error', rcode: Rcode.FORMERR, response: errorResponse(id, flags, Rcode.FORMERR) };
  }
  const opts = (decoded.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
  const questions = decoded.questions ?? [];
  if (questions.length !== 1 || opts.length > 1) {
    return { kind: 'error', rcode: Rcode.FORMERR, response: errorResponse(id, flags, Rcode.FORMERR, questions.length === 1 ? questions : []) };
  }
  const query: DnsQuery = { id, flags, question: questions[0], opt: opts[0], raw };
  // Only EDNS version 0 exists; a higher one must get BADVERS (RFC 6891 §6.1.3).
  if (query.opt && query.opt.ednsVersion > 0) {
    return { kind: 'error', rcode: Rcode.BADVERS, response: encodeResponse(query, { rcode: Rcode.BADVERS, authoritative: false }, 'tcp') };
  }
  return { kind: 'query', query };
}

function errorResponse(id: number, queryFlags: number, rcode: RcodeValue, questions: Question[] = []): Buffer {
  const opcodeAndRd = queryFlags & ((0xf << opcodeShift) | dnsPacket.RECURSION_DESIRED);
  return dnsPacket.encode({ type: 'response', id, flags: opcodeAndRd | rcode, questions });
}

/** The sections and code of an answer to one query. */
export interface ResponseContent {
  rcode: RcodeValue;
  authoritative: boolean;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
}

/** The most bytes a UDP answer to this query may have: 512 without EDNS, else what the client advertised. */
export function udpLimitFor(query: DnsQuery): number {
  if (!query.opt) return classicUdpLimit;
  return Math.max(classicUdpLimit, Math.min(query.opt.udpPayloadSize, 4096));
}

/**
 * Encodes an answer echoing the query's id, question, RD and CD bits. Over UDP an answer that is too long loses
 * its additional section, then as many answers and authority records as it must, and is marked truncated so
 * the client asks again over TCP.
 */
export function encodeResponse(query: DnsQuery, content: ResponseContent, transport: 'udp' | 'tcp'): Buffer {
  let flags = (query.flags & (dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED)) | dnsPacket.RECURSION_AVAILABLE | (content.rcode & 0xf);
  if (content.authoritative) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  const opt: OptAnswer[] = query.opt
    ? [{ type: 'OPT', name: '.', udpPayloadSize: advertisedUdpSize, extendedRcode: content.rcode >> 4, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
    : [];
  const packet: Packet = {
    type: 'response',
    id: query.id,
    flags,
    questions: [query.question],
    answers: content.answers ?? [],
    authorities: content.authorities ?? [],
    additionals: [...(content.additionals ?? []), ...opt],
  };
  if (transport === 'tcp') return dnsPacket.encode(packet);
  const limit = udpLimitFor(query);
  if (dnsPacket.encodingLength(packet) <= limit) return dnsPacket.encode(packet);
  // Dropping additional data needs no TC bit (RFC 2181 §9); dropping anything else does.
  const withoutExtra: Packet = { ...packet, additionals: opt };
  if (dnsPacket.encodingLength(withoutExtra) <= limit) return dnsPacket.encode(withoutExtra);
  const truncated: Packet = { ...withoutExtra, flags: flags | dnsPacket.TRUNCATED_RESPONSE, authorities: [] };
  const answers = packet.answers!;
  let fit = 0;
  // The library does not compress names, so each record's size is fixed and the answers can be added one by one.
  while (fit < answers.length && dnsPacket.encodingLength({ ...truncated, answers: answers.slice(0, fit + 1) }) <= limit) fit++;
  return dnsPacket.encode({ ...truncated, answers: answers.slice(0, fit) });
}

/** The rcode of an encoded DNS message, extended codes aside. */
export function rcodeOf(message: Buffer): number {
  return message.length >= 4 ? message.readUInt16BE(2) & 0xf : -1;
}

/** Adds the 2-byte length prefix DNS over TCP frames messages with (RFC 1035 §4.2.2). */
export function frameForTcp(message: Buffer): Buffer {
  const framed = Buffer.allocUnsafe(message.length + 2);
  framed.writeUInt16BE(message.length, 0);
  message.copy(framed, 2);
  return framed;
}

/**
 * Splits length-prefixed messages off the front of a TCP byte stream; returns the messages and what is left
 * over (an incomplete message still arriving).
 */
export function takeTcpMessages(buffered: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let offset = 0;
  while (buffered.length - offset >= 2) {
    const length = buffered.readUInt16BE(offset);
    if (buffered.length - offset - 2 < length) break;
    messages.push(buffered.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return { messages, rest: buffered.subarray(offset) };
}
