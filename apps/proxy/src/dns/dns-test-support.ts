import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet } from 'dns-packet';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import { frameForTcp, takeTcpMessages } from './dns-message';

/** Test-only helpers: one-shot DNS clients and a scripted upstream resolver on 127.0.0.1. */

export interface Endpoint {
  address: string;
  port: number;
}

/** Encodes a query for `name`; `extra` overrides any field (id, flags, additionals...). */
export function query(name: string, type: string = 'A', extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({ type: 'query', id: 4321, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as 'A', class: 'IN' }], ...extra });
}

/** A UDP socket that collects every reply, for tests that send several packets and read replies in order. */
export class UdpClient {
  private readonly socket: UdpSocket = createSocket('udp4');
  private readonly replies: Buffer[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly server: Endpoint) {
    this.socket.on('message', (msg) => {
      this.replies.push(msg);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  send(message: Buffer): void {
    this.socket.send(message, this.server.port, this.server.address);
  }

  /** The next reply not yet read; fails after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no DNS reply');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.replies.shift()!;
  }

  close(): void {
    this.socket.close();
  }
}

/** Sends one message over UDP and decodes the reply. */
export async function askUdp(server: Endpoint, message: Buffer): Promise<{ raw: Buffer; reply: DecodedPacket }> {
  const client = new UdpClient(server);
  try {
    client.send(message);
    const raw = await client.next();
    return { raw, reply: dnsPacket.decode(raw) };
  } finally {
    client.close();
  }
}

/** Sends messages over one TCP connection and returns the raw replies, as many as messages were sent. */
export function askTcpRaw(server: Endpoint, messages: Buffer[], framed?: Buffer): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, server.address);
    let buffered: Buffer = Buffer.alloc(0);
    const replies: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`only ${replies.length} of ${messages.length} TCP replies`));
    }, 5000);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(framed ?? Buffer.concat(messages.map(frameForTcp))));
    socket.on('data', (chunk) => {
      const { messages: got, rest } = takeTcpMessages(Buffer.concat([buffered, chunk]));
      buffered = rest;
      replies.push(...got.map((m) => Buffer.from(m)));
      if (replies.length >= messages.length) {
        clearTimeout(timer);
        socket.end();
        resolve(replies);
      }
    });
  });
}

export async function askTcp(server: Endpoint, message: Buffer): Promise<{ raw: Buffer; reply: DecodedPacket }> {
  const [raw] = await askTcpRaw(server, [message]);
  return { raw, reply: dnsPacket.decode(raw) };
}

/** The rcode in a decoded reply's header. */
export function rcode(reply: DecodedPacket): number {
  return (reply.flags ?? 0) & 0xf;
}

/** What a scripted upstream does with a query: answer with these packet fields, or stay silent. */
export type UpstreamScript = (query: DecodedPacket, transport: 'udp' | 'tcp') => Partial<Packet> | 'silent';

/** A resolver on 127.0.0.1 (UDP and TCP on one port) that answers as its script says and records what it got. */
export class FakeUpstream {
  readonly received: { query: DecodedPacket; transport: 'udp' | 'tcp' }[] = [];
  private udp?: UdpSocket;
  private tcp?: Server;
  endpoint: Endpoint = { address: '127.0.0.1', port: 0 };

  constructor(private readonly script: UpstreamScript) {}

  async start(): Promise<Endpoint> {
    for (;;) {
      const udp = createSocket('udp4');
      await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
      const port = udp.address().port;
      const tcp = createServer((conn) => {
        let buffered: Buffer = Buffer.alloc(0);
        conn.on('error', () => undefined);
        conn.on('data', (chunk) => {
          const { messages, rest } = takeTcpMessages(Buffer.concat([buffered, chunk]));
          buffered = rest;
          for (const m of messages) {
            const reply = this.reply(m, 'tcp');
            if (reply) conn.write(frameForTcp(reply));
          }
        });
      });
      const listening = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (!listening) {
        udp.close();
        continue;
      }
      udp.on('message', (msg, rinfo) => {
        const reply = this.reply(msg, 'udp');
        if (reply) udp.send(reply, rinfo.port, rinfo.address);
      });
      this.udp = udp;
      this.tcp = tcp;
      this.endpoint = { address: '127.0.0.1', port };
      return this.endpoint;
    }
  }

  async stop(): Promise<void> {
    this.udp?.close();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  private reply(message: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    const q = dnsPacket.decode(message);
    this.received.push({ query: q, transport });
    const scripted = this.script(q, transport);
    if (scripted === 'silent') return undefined;
    return dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE, questions: q.questions, ...scripted });
  }
}
