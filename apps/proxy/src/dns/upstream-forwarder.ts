import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, connect as tcpConnect } from 'node:net';
import { frameForTcp, rcodeOf, Rcode, takeTcpMessages } from './dns-message';
import type { Upstream } from './resolv-conf';

export interface UpstreamForwarderOptions {
  upstreams: Upstream[];
  /** How long one upstream gets to answer before the next is tried. */
  attemptTimeoutMs?: number;
  /** How long a query may take across all upstreams before the caller answers SERVFAIL. */
  totalTimeoutMs?: number;
  /** Forwarded queries in flight at once; more are refused rather than queued. */
  maxConcurrent?: number;
}

export const defaultAttemptTimeoutMs = 1000;
export const defaultTotalTimeoutMs = 2000;
export const defaultMaxConcurrentForwards = 1000;

/** Answers that say "this server could not help", after which the next upstream is asked, as glibc does. */
const retryableRcodes = new Set<number>([Rcode.SERVFAIL, Rcode.NOTIMP, Rcode.REFUSED]);

/**
 * Sends queries on to the node's resolvers in order, over the transport the client used, each on its own
 * socket and with a fresh random id. Returns the answer with the client's id restored, or undefined when no
 * upstream answered within the total time.
 */
export class UpstreamForwarder {
  private inFlight = 0;
  private readonly attemptTimeoutMs: number;
  private readonly totalTimeoutMs: number;
  private readonly maxConcurrent: number;
  private readonly sockets = new Set<{ close(): void }>();

  constructor(private readonly opts: UpstreamForwarderOptions) {
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? defaultAttemptTimeoutMs;
    this.totalTimeoutMs = opts.totalTimeoutMs ?? defaultTotalTimeoutMs;
    this.maxConcurrent = opts.maxConcurrent ?? defaultMaxConcurrentForwards;
  }

  get upstreams(): readonly Upstream[] {
    return this.opts.upstreams;
  }

  get pending(): number {
    return this.inFlight;
  }

  /** Runs `forward` if a slot is free; resolves `refused` when the concurrency limit is reached. */
  async forward(query: Buffer, questionLength: number, transport: 'udp' | 'tcp'): Promise<Buffer | undefined | 'refused'> {
    if (this.inFlight >= this.maxConcurrent) return 'refused';
    this.inFlight++;
    try {
      return await this.exchangeWithAny(query, questionLength, transport);
    } finally {
      this.inFlight--;
    }
  }

  /** Closes every upstream socket still open; their queries end unanswered. */
  close(): void {
    for (const s of this.sockets) s.close();
    this.sockets.clear();
  }

  private async exchangeWithAny(query: Buffer, questionLength: number, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const deadline = Date.now() + this.totalTimeoutMs;
    const clientId = query.readUInt16BE(0);
    let fallback: Buffer | undefined;
    for (const upstream of this.opts.upstreams) {
      const timeLeft = Math.min(this.attemptTimeoutMs, deadline - Date.now());
      if (timeLeft <= 0) break;
      const id = randomInt(0x10000);
      const sent = Buffer.from(query);
      sent.writeUInt16BE(id, 0);
      const accept = (reply: Buffer) => isAnswerTo(reply, sent, questionLength);
      const reply = transport === 'udp' ? await this.udpExchange(upstream, sent, accept, timeLeft) : await this.tcpExchange(upstream, sent, accept, timeLeft);
      if (!reply) continue;
      reply.writeUInt16BE(clientId, 0);
      if (!retryableRcodes.has(rcodeOf(reply))) return reply;
      fallback = reply;
    }
    return fallback;
  }

  private udpExchange(upstream: Upstream, message: Buffer, accept: (reply: Buffer) => boolean, timeoutMs: number): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const socket = createSocket(isIPv6(upstream.address) ? 'udp6' : 'udp4');
      let settled = false;
      const finish = (reply?: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.sockets.delete(handle);
        try {
          socket.close();
        } catch {
          // Already closed by close().
        }
        resolve(reply);
      };
      const handle = { close: () => finish() };
      this.sockets.add(handle);
      const timer = setTimeout(() => finish(), timeoutMs);
      // A connected socket hears ICMP port-unreachable as an error, so a dead upstream fails at once.
      socket.on('error', () => finish());
      socket.on('message', (reply) => {
        if (accept(reply)) finish(Buffer.from(reply));
      });
      socket.connect(upstream.port, upstream.address, () => socket.send(message, (err) => err && finish()));
    });
  }

  private tcpExchange(upstream: Upstream, message: Buffer, accept: (reply: Buffer) => boolean, timeoutMs: number): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const socket = tcpConnect({ host: upstream.address, port: upstream.port });
      let buffered: Buffer = Buffer.alloc(0);
      let settled = false;
      const finish = (reply?: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.sockets.delete(handle);
        socket.destroy();
        resolve(reply);
      };
      const handle = { close: () => finish() };
      this.sockets.add(handle);
      const timer = setTimeout(() => finish(), timeoutMs);
      socket.on('error', () => finish());
      socket.on('close', () => finish());
      socket.on('connect', () => socket.write(frameForTcp(message)));
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        const { messages, rest } = takeTcpMessages(buffered);
        buffered = rest;
        const reply = messages.find(accept);
        if (reply) finish(Buffer.from(reply));
      });
    });
  }
}

/**
 * Whether `reply` answers `query`: a response with the same id and the same question (compared without regard
 * to ASCII case, as some servers fold it).
 */
function isAnswerTo(reply: Buffer, query: Buffer, questionLength: number): boolean {
  if (reply.length < 12 + questionLength) return false;
  if (reply.readUInt16BE(0) !== query.readUInt16BE(0) || !(reply[2] & 0x80)) return false;
  for (let i = 12; i < 12 + questionLength; i++) if (foldCase(reply[i]) !== foldCase(query[i])) return false;
  return true;
}

function foldCase(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}
