import * as dnsPacket from 'dns-packet';
import type { Answer, Question } from 'dns-packet';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import type { Registry } from 'prom-client';
import { silentLogger, type Logger } from '@skiff/logging';
import { ClusterZone } from './cluster-zone';
import { encodeResponse, frameForTcp, parseQueryPacket, Rcode, rcodeOf, takeTcpMessages, type DnsQuery, type ResponseContent } from './dns-message';
import { DnsMetrics, type DnsQueryResult } from './dns-metrics';
import type { DnsRecordSource } from './record-source';
import { defaultResolvConfPath, readResolvConf, upstreamsExcludingSelf, type Upstream } from './resolv-conf';
import { UpstreamForwarder } from './upstream-forwarder';

export interface ClusterDnsServerOptions {
  source: DnsRecordSource;
  /** The cluster domain; `cluster.local` by default. */
  clusterDomain?: string;
  /**
   * The address to listen on (UDP and TCP); `0.0.0.0` by default. A specific address is better where queries are
   * DNATed here: UDP replies from a wildcard socket leave from the route's source address, which may not be the
   * address the query was sent to.
   */
  address?: string;
  /** 53 by default; 0 picks a free port, the same one for UDP and TCP. */
  port?: number;
  ttlSeconds?: number;
  /** Where the node's resolvers are listed; `/etc/resolv.conf` by default. */
  resolvConfPath?: string;
  /** Resolvers to forward to instead of those in resolvConfPath. */
  upstreams?: Upstream[];
  /** Time one upstream gets before the next is tried (1 s by default). */
  upstreamTimeoutMs?: number;
  /** Time a forwarded query may take in all before SERVFAIL (2 s by default). */
  forwardTimeoutMs?: number;
  /** Forwarded queries in flight at once; past it queries are REFUSED (1000 by default). */
  maxConcurrentForwards?: number;
  /** TCP clients served at once (1000 by default). */
  maxTcpConnections?: number;
  /** An idle TCP connection is closed after this long (10 s by default, as CoreDNS does). */
  tcpIdleTimeoutMs?: number;
  registry?: Registry;
  logger?: Logger;
}

export interface DnsServerAddress {
  address: string;
  port: number;
}

/** Queries one TCP connection may have outstanding before the server stops reading from it. */
const maxPendingPerConnection = 64;
/** Attempts to find a port free for both UDP and TCP when asked for any port. */
const bindAttempts = 10;

/**
 * The node's cluster DNS: answers names in the cluster domain (and reverse names of cluster addresses) from a
 * DnsRecordSource, and forwards everything else to the node's resolvers. Listens on UDP and on TCP.
 */
export class ClusterDnsServer {
  private readonly zone: ClusterZone;
  private readonly metrics: DnsMetrics;
  private readonly logger: Logger;
  private forwarder?: UpstreamForwarder;
  private udp?: UdpSocket;
  private tcp?: TcpServer;
  private readonly connections = new Set<TcpSocket>();
  private bound?: DnsServerAddress;
  private stopped = false;

  constructor(private readonly opts: ClusterDnsServerOptions) {
    this.zone = new ClusterZone({ source: opts.source, domain: opts.clusterDomain, ttlSeconds: opts.ttlSeconds });
    this.metrics = new DnsMetrics(opts.registry);
    this.logger = opts.logger ?? silentLogger();
  }

  /** Binds both listeners and resolves the address they share. */
  async start(): Promise<DnsServerAddress> {
    if (this.bound) return this.bound;
    const address = this.opts.address ?? '0.0.0.0';
    const port = this.opts.port ?? 53;
    this.forwarder = new UpstreamForwarder({
      upstreams: await this.upstreams(address, port),
      attemptTimeoutMs: this.opts.upstreamTimeoutMs,
      totalTimeoutMs: this.opts.forwardTimeoutMs,
      maxConcurrent: this.opts.maxConcurrentForwards,
    });
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp(address, port);
      const udpPort = udp.address().port;
      try {
        this.tcp = await this.listenTcp(address, udpPort);
        this.udp = udp;
        this.bound = { address, port: udpPort };
        break;
      } catch (err) {
        udp.close();
        // With port 0 the kernel may hand out a UDP port whose TCP twin is taken; try another.
        if (port !== 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= bindAttempts) throw err;
      }
    }
    this.logger.info('cluster DNS listening', { ...this.bound, domain: this.zone.domain, upstreams: this.forwarder.upstreams.map((u) => `${u.address}:${u.port}`) });
    return this.bound;
  }

  /** The address both listeners are bound to; start() must have resolved. */
  address(): DnsServerAddress {
    if (!this.bound) throw new Error('cluster DNS server is not started');
    return this.bound;
  }

  /** The resolvers non-cluster names go to. */
  upstreamServers(): readonly Upstream[] {
    return this.forwarder?.upstreams ?? [];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.forwarder?.close();
    for (const conn of this.connections) conn.destroy();
    this.connections.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  /** Answers one DNS message as it arrived over `transport`; undefined means it is dropped unanswered. */
  async answer(raw: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const started = process.hrtime.bigint();
    const parsed = parseQueryPacket(raw);
    if (parsed.kind === 'drop') return undefined;
    let outcome: { result: DnsQueryResult; response: Buffer };
    if (parsed.kind === 'error') outcome = { result: parsed.rcode === Rcode.NOTIMP ? 'refused' : 'formerr', response: parsed.response };
    else {
      try {
        outcome = await this.respond(parsed.query, transport);
      } catch (err) {
        // Data the encoder cannot write (a malformed ExternalName, say) costs this answer, not the server.
        this.logger.error('cluster DNS could not answer', { name: parsed.query.question.name, error: (err as Error).message });
        outcome = { result: 'servfail', response: encodeResponse(parsed.query, { rcode: Rcode.SERVFAIL, authoritative: false }, transport) };
      }
    }
    this.metrics.observe(outcome.result, Number(process.hrtime.bigint() - started) / 1e9);
    return outcome.response;
  }

  private async respond(query: DnsQuery, transport: 'udp' | 'tcp'): Promise<{ result: DnsQueryResult; response: Buffer }> {
    const reply = (result: DnsQueryResult, content: ResponseContent) => ({ result, response: encodeResponse(query, content, transport) });
    const found = this.zone.resolve(query.question);
    switch (found.result) {
      case 'answer': {
        const chased = found.chase ? await this.chase(found.chase, transport) : [];
        return reply('answer', { rcode: Rcode.NOERROR, authoritative: true, answers: [...found.answers, ...chased], additionals: found.additionals });
      }
      case 'nxdomain':
        return reply('nxdomain', { rcode: Rcode.NXDOMAIN, authoritative: true, authorities: found.authorities });
      case 'nodata':
        return reply('nodata', { rcode: Rcode.NOERROR, authoritative: true, authorities: found.authorities });
      case 'refused':
        return reply('refused', { rcode: Rcode.REFUSED, authoritative: false });
      case 'forward': {
        const questionLength = dnsPacket.encodingLength({ questions: [query.question] }) - 12;
        const upstreamReply = await this.forwarder!.forward(query.raw, questionLength, transport);
        if (upstreamReply === 'refused') return reply('refused', { rcode: Rcode.REFUSED, authoritative: false });
        if (!upstreamReply) {
          this.logger.debug('no upstream answered', { name: query.question.name, type: query.question.type });
          return reply('servfail', { rcode: Rcode.SERVFAIL, authoritative: false });
        }
        return { result: 'forwarded', response: upstreamReply };
      }
    }
  }

  /** Resolves an ExternalName's target upstream; its records follow the CNAME, and a failure leaves the CNAME alone. */
  private async chase(question: Question, transport: 'udp' | 'tcp'): Promise<Answer[]> {
    const query = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [question] });
    const questionLength = query.length - 12;
    const reply = await this.forwarder!.forward(query, questionLength, transport);
    if (!reply || reply === 'refused' || rcodeOf(reply) !== Rcode.NOERROR) return [];
    try {
      return dnsPacket.decode(reply).answers ?? [];
    } catch {
      return [];
    }
  }

  private async upstreams(address: string, port: number): Promise<Upstream[]> {
    if (this.opts.upstreams) return this.opts.upstreams;
    const path = this.opts.resolvConfPath ?? defaultResolvConfPath;
    const { nameservers, ignored } = await readResolvConf(path);
    if (ignored.length) this.logger.warn('ignoring resolv.conf nameserver lines that are not addresses', { path, lines: ignored });
    const upstreams = upstreamsExcludingSelf(nameservers, { address, port });
    if (upstreams.length === 0) this.logger.warn('no upstream resolvers: names outside the cluster will get SERVFAIL', { path });
    return upstreams;
  }

  private bindUdp(address: string, port: number): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.logger.warn('cluster DNS UDP socket error', { error: err.message }));
        socket.on('message', (msg, rinfo) => this.onUdpMessage(socket, msg, rinfo.address, rinfo.port));
        resolve(socket);
      });
    });
  }

  private onUdpMessage(socket: UdpSocket, msg: Buffer, address: string, port: number): void {
    this.answer(msg, 'udp').then(
      (response) => {
        if (!response || this.stopped) return;
        socket.send(response, port, address, (err) => err && this.logger.debug('cluster DNS UDP send failed', { error: err.message }));
      },
      (err: Error) => this.logger.error('cluster DNS query failed', { error: err.message }),
    );
  }

  private listenTcp(address: string, port: number): Promise<TcpServer> {
    return new Promise((resolve, reject) => {
      const server = createServer((conn) => this.onTcpConnection(conn));
      server.maxConnections = this.opts.maxTcpConnections ?? 1000;
      server.once('error', reject);
      server.listen({ host: address, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.warn('cluster DNS TCP listener error', { error: err.message }));
        resolve(server);
      });
    });
  }

  private onTcpConnection(conn: TcpSocket): void {
    if (this.stopped) {
      conn.destroy();
      return;
    }
    this.connections.add(conn);
    let buffered: Buffer = Buffer.alloc(0);
    let pending = 0;
    conn.setTimeout(this.opts.tcpIdleTimeoutMs ?? 10_000, () => conn.destroy());
    conn.on('error', () => conn.destroy());
    conn.on('close', () => this.connections.delete(conn));
    conn.on('data', (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const { messages, rest } = takeTcpMessages(buffered);
      buffered = rest;
      for (const message of messages) {
        pending++;
        if (pending >= maxPendingPerConnection) conn.pause();
        // Answers go back as they are ready, which may be out of order (RFC 7766 §6.2.1.1).
        this.answer(Buffer.from(message), 'tcp').then(
          (response) => {
            if (response && !conn.destroyed) conn.write(frameForTcp(response));
            if (--pending < maxPendingPerConnection && conn.isPaused()) conn.resume();
          },
          (err: Error) => {
            this.logger.error('cluster DNS query failed', { error: err.message });
            conn.destroy();
          },
        );
      }
    });
  }
}
