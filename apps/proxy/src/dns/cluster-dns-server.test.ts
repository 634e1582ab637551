import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, SoaAnswer, SrvAnswer } from 'dns-packet';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { ClusterDnsServer, type DnsServerAddress } from './cluster-dns-server';
import { askTcp, askTcpRaw, askUdp, FakeUpstream, query, rcode, UdpClient } from './dns-test-support';
import { InMemoryDnsRecordSource, type DnsEndpoint } from './record-source';

const NOERROR = 0;
const FORMERR = 1;
const SERVFAIL = 2;
const NXDOMAIN = 3;
const NOTIMP = 4;
const REFUSED = 5;

function ready(ip: string, hostname?: string, ports = [{ name: 'http', protocol: 'TCP', port: 8080 }]): DnsEndpoint {
  return { addresses: [ip], hostname, ready: true, ports };
}

function clusterData(): InMemoryDnsRecordSource {
  const source = new InMemoryDnsRecordSource();
  source.setService({
    namespace: 'default',
    name: 'web',
    clusterIPs: ['10.96.0.20'],
    headless: false,
    ports: [
      { name: 'http', protocol: 'TCP', port: 80 },
      { name: '', protocol: 'TCP', port: 8443 },
      { name: 'dns', protocol: 'UDP', port: 53 },
    ],
  });
  source.setService({ namespace: 'default', name: 'dual', clusterIPs: ['10.96.0.30', 'fd00::30'], headless: false, ports: [] });
  source.setService({ namespace: 'default', name: 'nginx', clusterIPs: [], headless: true, ports: [{ name: 'http', protocol: 'TCP', port: 80 }] }, [
    ready('10.244.1.10', 'web-0'),
    ready('10.244.2.11', 'web-1'),
    { addresses: ['10.244.3.12'], hostname: 'web-2', ready: false, ports: [{ name: 'http', protocol: 'TCP', port: 8080 }] },
  ]);
  source.setService({ namespace: 'default', name: 'peers', clusterIPs: [], headless: true, ports: [] }, [ready('10.244.1.20')]);
  source.setService({ namespace: 'default', name: 'empty', clusterIPs: [], headless: true, ports: [] }, [{ ...ready('10.244.1.30'), ready: false }]);
  source.setService({ namespace: 'default', name: 'search', clusterIPs: [], headless: false, externalName: 'search.example.com', ports: [] });
  source.setService({ namespace: 'default', name: 'alias', clusterIPs: [], headless: false, externalName: 'web.default.svc.cluster.local', ports: [] });
  source.setService(
    { namespace: 'big', name: 'many', clusterIPs: [], headless: true, ports: [] },
    Array.from({ length: 60 }, (_, i) => ready(`10.244.${Math.floor(i / 200)}.${i + 1}`)),
  );
  return source;
}

/** The upstream: `example.com` resolves, `search.example.com` too, anything else is NXDOMAIN. */
function upstreamScript(q: DecodedPacket): Partial<dnsPacket.Packet> | 'silent' {
  const name = q.questions![0].name.toLowerCase();
  if (name === 'example.com' || name === 'search.example.com') return { answers: [{ type: 'A', name: q.questions![0].name, ttl: 60, data: '192.0.2.7' }] };
  return { flags: dnsPacket.RECURSION_AVAILABLE | NXDOMAIN };
}

let upstream: FakeUpstream;
let server: ClusterDnsServer;
let addr: DnsServerAddress;
let registry: Registry;

beforeAll(async () => {
  upstream = new FakeUpstream(upstreamScript);
  await upstream.start();
  registry = new Registry();
  server = new ClusterDnsServer({ source: clusterData(), address: '127.0.0.1', port: 0, upstreams: [upstream.endpoint], registry });
  addr = await server.start();
});

afterAll(async () => {
  await server.stop();
  await upstream.stop();
});

const answersOf = (reply: DecodedPacket) => (reply.answers ?? []) as (Answer & { data: unknown; ttl: number })[];
const dataOf = (reply: DecodedPacket, type: string) =>
  answersOf(reply)
    .filter((a) => a.type === type)
    .map((a) => a.data);
const isAuthoritative = (reply: DecodedPacket) => ((reply.flags ?? 0) & dnsPacket.AUTHORITATIVE_ANSWER) !== 0;
const isTruncated = (reply: DecodedPacket) => ((reply.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) !== 0;
const soaIn = (reply: DecodedPacket) => (reply.authorities ?? []).find((a): a is SoaAnswer => a.type === 'SOA');

describe('services over UDP', () => {
  it('answers a ClusterIP Service with its IP, authoritatively, with TTL 5, keeping id and question', async () => {
    const { reply } = await askUdp(addr, query('web.default.svc.cluster.local', 'A', { id: 777 }));
    expect(reply.id).toBe(777);
    expect(reply.type).toBe('response');
    expect(reply.questions).toEqual([{ name: 'web.default.svc.cluster.local', type: 'A', class: 'IN' }]);
    expect(rcode(reply)).toBe(NOERROR);
    expect(isAuthoritative(reply)).toBe(true);
    expect(answersOf(reply)).toEqual([expect.objectContaining({ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.0.20' })]);
  });

  it('compares names without regard to case and answers in the case asked', async () => {
    const { reply } = await askUdp(addr, query('WEB.Default.SVC.cluster.LOCAL.'));
    expect(rcode(reply)).toBe(NOERROR);
    expect(answersOf(reply)).toEqual([expect.objectContaining({ name: 'WEB.Default.SVC.cluster.LOCAL', data: '10.96.0.20' })]);
  });

  it('gives a dual-stack Service A and AAAA records by family', async () => {
    expect(dataOf((await askUdp(addr, query('dual.default.svc.cluster.local', 'A'))).reply, 'A')).toEqual(['10.96.0.30']);
    expect(dataOf((await askUdp(addr, query('dual.default.svc.cluster.local', 'AAAA'))).reply, 'AAAA')).toEqual(['fd00::30']);
  });

  it('answers a headless Service with its ready endpoints only', async () => {
    const { reply } = await askUdp(addr, query('nginx.default.svc.cluster.local'));
    expect(rcode(reply)).toBe(NOERROR);
    expect(dataOf(reply, 'A').sort()).toEqual(['10.244.1.10', '10.244.2.11']);
  });

  it('says NXDOMAIN for a headless Service without ready endpoints', async () => {
    const { reply } = await askUdp(addr, query('empty.default.svc.cluster.local'));
    expect(rcode(reply)).toBe(NXDOMAIN);
  });

  it('answers a StatefulSet pod by hostname under its headless Service', async () => {
    const { reply } = await askUdp(addr, query('web-1.nginx.default.svc.cluster.local'));
    expect(rcode(reply)).toBe(NOERROR);
    expect(dataOf(reply, 'A')).toEqual(['10.244.2.11']);
    // web-2 is not ready, so it has no name.
    expect(rcode((await askUdp(addr, query('web-2.nginx.default.svc.cluster.local'))).reply)).toBe(NXDOMAIN);
  });

  it('names endpoints without a hostname by their dashed address', async () => {
    const { reply } = await askUdp(addr, query('10-244-1-20.peers.default.svc.cluster.local'));
    expect(dataOf(reply, 'A')).toEqual(['10.244.1.20']);
  });

  it('gives endpoint names only to headless Services', async () => {
    expect(rcode((await askUdp(addr, query('web-0.web.default.svc.cluster.local'))).reply)).toBe(NXDOMAIN);
  });

  it('answers an ExternalName Service with a CNAME followed by the target resolved upstream', async () => {
    const { reply } = await askUdp(addr, query('search.default.svc.cluster.local'));
    expect(rcode(reply)).toBe(NOERROR);
    expect(answersOf(reply).map((a) => [a.type, a.name, a.data])).toEqual([
      ['CNAME', 'search.default.svc.cluster.local', 'search.example.com'],
      ['A', 'search.example.com', '192.0.2.7'],
    ]);
  });

  it('follows an ExternalName that points inside the cluster domain without asking upstream', async () => {
    const asked = upstream.received.length;
    const { reply } = await askUdp(addr, query('alias.default.svc.cluster.local'));
    expect(answersOf(reply).map((a) => [a.type, a.data])).toEqual([
      ['CNAME', 'web.default.svc.cluster.local'],
      ['A', '10.96.0.20'],
    ]);
    expect(upstream.received.length).toBe(asked);
  });
});

describe('SRV records', () => {
  it('answer a named port of a ClusterIP Service with the Service name and port, and its A record as additional', async () => {
    const { reply } = await askUdp(addr, query('_http._tcp.web.default.svc.cluster.local', 'SRV'));
    expect(rcode(reply)).toBe(NOERROR);
    expect(dataOf(reply, 'SRV')).toEqual([expect.objectContaining({ port: 80, target: 'web.default.svc.cluster.local' })]);
    expect((reply.additionals ?? []).map((a) => [a.type, a.name, (a as { data: unknown }).data])).toEqual([['A', 'web.default.svc.cluster.local', '10.96.0.20']]);
  });

  it('match the protocol too', async () => {
    expect(dataOf((await askUdp(addr, query('_dns._udp.web.default.svc.cluster.local', 'SRV'))).reply, 'SRV')).toEqual([expect.objectContaining({ port: 53 })]);
    expect(rcode((await askUdp(addr, query('_dns._tcp.web.default.svc.cluster.local', 'SRV'))).reply)).toBe(NXDOMAIN);
  });

  it('answer a headless Service with one record per ready endpoint, at the endpoint port', async () => {
    const { reply } = await askUdp(addr, query('_http._tcp.nginx.default.svc.cluster.local', 'SRV'));
    const records = (answersOf(reply) as SrvAnswer[]).map((a) => [a.data.target, a.data.port]).sort();
    expect(records).toEqual([
      ['web-0.nginx.default.svc.cluster.local', 8080],
      ['web-1.nginx.default.svc.cluster.local', 8080],
    ]);
    expect((reply.additionals ?? []).map((a) => a.name).sort()).toEqual(['web-0.nginx.default.svc.cluster.local', 'web-1.nginx.default.svc.cluster.local']);
  });

  it('do not exist for ports without a name or with another name', async () => {
    expect(rcode((await askUdp(addr, query('_https._tcp.web.default.svc.cluster.local', 'SRV'))).reply)).toBe(NXDOMAIN);
    expect(rcode((await askUdp(addr, query('_._tcp.web.default.svc.cluster.local', 'SRV'))).reply)).toBe(NXDOMAIN);
  });

  it('leave `_tcp.<svc>` as an empty name (NODATA)', async () => {
    const { reply } = await askUdp(addr, query('_tcp.web.default.svc.cluster.local', 'SRV'));
    expect(rcode(reply)).toBe(NOERROR);
    expect(reply.answers).toEqual([]);
  });
});

describe('negative answers', () => {
  it('says NXDOMAIN with the zone SOA for an unknown name in the cluster domain, without asking upstream', async () => {
    const asked = upstream.received.length;
    const { reply } = await askUdp(addr, query('nope.default.svc.cluster.local'));
    expect(rcode(reply)).toBe(NXDOMAIN);
    expect(isAuthoritative(reply)).toBe(true);
    expect(reply.answers).toEqual([]);
    expect(soaIn(reply)).toEqual(
      expect.objectContaining({
        name: 'cluster.local',
        ttl: 5,
        data: expect.objectContaining({ mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', minimum: 5 }),
      }),
    );
    expect(upstream.received.length).toBe(asked);
  });

  it('says NXDOMAIN for names of unknown shape and for namespaces without Services', async () => {
    for (const name of ['a.b.c.d.e.f.cluster.local', 'web.default.cluster.local', 'nothing.svc.cluster.local', 'web.other.svc.cluster.local']) {
      expect([name, rcode((await askUdp(addr, query(name))).reply)]).toEqual([name, NXDOMAIN]);
    }
  });

  it('says NOERROR with no answers and the SOA for a name that exists without the type asked', async () => {
    for (const [name, type] of [
      ['web.default.svc.cluster.local', 'AAAA'],
      ['web.default.svc.cluster.local', 'TXT'],
      ['web.default.svc.cluster.local', 'MX'],
      ['nginx.default.svc.cluster.local', 'AAAA'],
      ['default.svc.cluster.local', 'A'],
      ['svc.cluster.local', 'A'],
      ['cluster.local', 'A'],
    ] as const) {
      const { reply } = await askUdp(addr, query(name, type));
      expect([name, type, rcode(reply), reply.answers?.length, soaIn(reply)?.type]).toEqual([name, type, NOERROR, 0, 'SOA']);
    }
  });
});

describe('other cluster records', () => {
  it('answers PTR for a ClusterIP and for a headless endpoint', async () => {
    expect(dataOf((await askUdp(addr, query('20.0.96.10.in-addr.arpa', 'PTR'))).reply, 'PTR')).toEqual(['web.default.svc.cluster.local']);
    expect(dataOf((await askUdp(addr, query('10.1.244.10.in-addr.arpa', 'PTR'))).reply, 'PTR')).toEqual(['web-0.nginx.default.svc.cluster.local']);
  });

  it('answers PTR for an IPv6 ClusterIP', async () => {
    const reverse = `${[...'fd000000000000000000000000000030'].reverse().join('.')}.ip6.arpa`;
    expect(dataOf((await askUdp(addr, query(reverse, 'PTR'))).reply, 'PTR')).toEqual(['dual.default.svc.cluster.local']);
  });

  it('forwards PTR queries for addresses the cluster does not own', async () => {
    const { reply } = await askUdp(addr, query('7.2.0.192.in-addr.arpa', 'PTR'));
    expect(rcode(reply)).toBe(NXDOMAIN);
    expect(upstream.received.map((r) => r.query.questions![0].name)).toContain('7.2.0.192.in-addr.arpa');
  });

  it('publishes the schema version and the zone SOA', async () => {
    expect(dataOf((await askUdp(addr, query('dns-version.cluster.local', 'TXT'))).reply, 'TXT')).toEqual([[Buffer.from('1.1.0')]]);
    expect((await askUdp(addr, query('cluster.local', 'SOA'))).reply.answers?.[0]?.type).toBe('SOA');
  });

  it('answers pod names made of a dashed address', async () => {
    expect(dataOf((await askUdp(addr, query('10-244-1-5.default.pod.cluster.local'))).reply, 'A')).toEqual(['10.244.1.5']);
    expect(rcode((await askUdp(addr, query('10-244-1-500.default.pod.cluster.local'))).reply)).toBe(NXDOMAIN);
  });
});

describe('TCP', () => {
  it('answers cluster names and several pipelined queries on one connection', async () => {
    const { reply } = await askTcp(addr, query('web.default.svc.cluster.local'));
    expect(dataOf(reply, 'A')).toEqual(['10.96.0.20']);
    const replies = await askTcpRaw(addr, [query('web.default.svc.cluster.local', 'A', { id: 1 }), query('nope.default.svc.cluster.local', 'A', { id: 2 }), query('example.com', 'A', { id: 3 })]);
    const byId = new Map(replies.map((r) => dnsPacket.decode(r)).map((r) => [r.id, r]));
    expect(dataOf(byId.get(1)!, 'A')).toEqual(['10.96.0.20']);
    expect(rcode(byId.get(2)!)).toBe(NXDOMAIN);
    expect(dataOf(byId.get(3)!, 'A')).toEqual(['192.0.2.7']);
  });

  it('forwards over TCP what arrived over TCP', async () => {
    const before = upstream.received.length;
    await askTcp(addr, query('example.com'));
    expect(upstream.received.slice(before).map((r) => r.transport)).toEqual(['tcp']);
  });

  it('sends a large answer whole', async () => {
    const { reply } = await askTcp(addr, query('many.big.svc.cluster.local'));
    expect(isTruncated(reply)).toBe(false);
    expect(dataOf(reply, 'A')).toHaveLength(60);
  });

  it('answers FORMERR to a malformed message and keeps the connection serving', async () => {
    const garbage = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]), Buffer.from([0x3f, 0x61])]);
    const [bad, good] = await askTcpRaw(addr, [garbage, query('web.default.svc.cluster.local', 'A', { id: 9 })]);
    expect(bad.readUInt16BE(0)).toBe(0x1234);
    expect(bad.readUInt16BE(2) & 0xf).toBe(FORMERR);
    expect(dataOf(dnsPacket.decode(good), 'A')).toEqual(['10.96.0.20']);
  });
});

describe('truncation and EDNS', () => {
  it('truncates a UDP answer over 512 bytes when the client has no EDNS', async () => {
    const { raw, reply } = await askUdp(addr, query('many.big.svc.cluster.local'));
    expect(raw.length).toBeLessThanOrEqual(512);
    expect(isTruncated(reply)).toBe(true);
    expect(dataOf(reply, 'A').length).toBeGreaterThan(0);
    expect(dataOf(reply, 'A').length).toBeLessThan(60);
  });

  it('sends the whole answer over UDP to a client advertising a larger buffer, with an OPT record back', async () => {
    const opt = { type: 'OPT' as const, name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    const { raw, reply } = await askUdp(addr, query('many.big.svc.cluster.local', 'A', { additionals: [opt] }));
    expect(raw.length).toBeGreaterThan(512);
    expect(isTruncated(reply)).toBe(false);
    expect(dataOf(reply, 'A')).toHaveLength(60);
    expect(reply.additionals).toEqual([expect.objectContaining({ type: 'OPT', udpPayloadSize: 1232, ednsVersion: 0 })]);
  });

  it('answers BADVERS to an EDNS version it does not know', async () => {
    const opt = { type: 'OPT' as const, name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 1, flags: 0, flag_do: false, options: [] };
    const { reply } = await askUdp(addr, query('web.default.svc.cluster.local', 'A', { additionals: [opt] }));
    const respOpt = reply.additionals?.find((a) => a.type === 'OPT') as { extendedRcode: number } | undefined;
    // BADVERS is 16: 0 in the header, 1 in the OPT record's upper bits.
    expect([rcode(reply), respOpt?.extendedRcode]).toEqual([0, 1]);
    expect(reply.answers).toEqual([]);
  });
});

describe('malformed packets over UDP', () => {
  it('drops packets too short to answer and responses, and answers the next query', async () => {
    const client = new UdpClient(addr);
    try {
      client.send(Buffer.from([1, 2, 3]));
      client.send(dnsPacket.encode({ type: 'response', id: 55, questions: [{ name: 'web.default.svc.cluster.local', type: 'A' }] }));
      client.send(query('web.default.svc.cluster.local', 'A', { id: 56 }));
      expect(dnsPacket.decode(await client.next()).id).toBe(56);
    } finally {
      client.close();
    }
  });

  it('answers FORMERR to an undecodable query, two questions or two OPT records, and NOTIMP to other opcodes', async () => {
    const cut = query('web.default.svc.cluster.local').subarray(0, 20);
    const { reply: cutReply } = await askUdp(addr, cut);
    expect([cutReply.id, rcode(cutReply)]).toEqual([4321, FORMERR]);

    const two = dnsPacket.encode({ type: 'query', id: 8, questions: [{ name: 'a.cluster.local', type: 'A' }, { name: 'b.cluster.local', type: 'A' }] });
    expect(rcode((await askUdp(addr, two)).reply)).toBe(FORMERR);

    const opt = { type: 'OPT' as const, name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    expect(rcode((await askUdp(addr, query('web.default.svc.cluster.local', 'A', { additionals: [opt, opt] }))).reply)).toBe(FORMERR);

    const notify = query('web.default.svc.cluster.local', 'A', { flags: 4 << 11 });
    expect(rcode((await askUdp(addr, notify)).reply)).toBe(NOTIMP);
  });
});

describe('failures inside the server', () => {
  it('answers SERVFAIL when the record source throws, and keeps serving', async () => {
    const source = clusterData();
    const broken = Object.assign(Object.create(source) as InMemoryDnsRecordSource, {
      service: (namespace: string, name: string) => {
        if (name === 'boom') throw new Error('cache unavailable');
        return source.service(namespace, name);
      },
    });
    const fragile = new ClusterDnsServer({ source: broken, address: '127.0.0.1', port: 0, upstreams: [] });
    try {
      const fragileAddr = await fragile.start();
      expect(rcode((await askUdp(fragileAddr, query('boom.default.svc.cluster.local'))).reply)).toBe(SERVFAIL);
      expect(dataOf((await askUdp(fragileAddr, query('web.default.svc.cluster.local'))).reply, 'A')).toEqual(['10.96.0.20']);
    } finally {
      await fragile.stop();
    }
  });
});

describe('forwarding', () => {
  it('forwards other names to the upstream and returns its answer with the client id and question', async () => {
    const { reply } = await askUdp(addr, query('Example.COM', 'A', { id: 4242 }));
    expect(reply.id).toBe(4242);
    expect(reply.questions).toEqual([{ name: 'Example.COM', type: 'A', class: 'IN' }]);
    expect(dataOf(reply, 'A')).toEqual(['192.0.2.7']);
    expect(isAuthoritative(reply)).toBe(false);
    const forwarded = upstream.received.filter((r) => r.query.questions![0].name === 'Example.COM');
    expect(forwarded).toHaveLength(1);
  });

  it('passes the upstream NXDOMAIN through', async () => {
    expect(rcode((await askUdp(addr, query('nowhere.example'))).reply)).toBe(NXDOMAIN);
  });

  it('answers SERVFAIL when no upstream answers within the forward timeout', async () => {
    const silent = new FakeUpstream(() => 'silent');
    await silent.start();
    const quick = new ClusterDnsServer({ source: clusterData(), address: '127.0.0.1', port: 0, upstreams: [silent.endpoint, silent.endpoint], upstreamTimeoutMs: 100, forwardTimeoutMs: 150 });
    try {
      const quickAddr = await quick.start();
      const { reply } = await askUdp(quickAddr, query('example.com', 'A', { id: 99 }));
      expect([reply.id, rcode(reply)]).toEqual([99, SERVFAIL]);
      expect(reply.questions).toEqual([{ name: 'example.com', type: 'A', class: 'IN' }]);
      expect(silent.received.length).toBeGreaterThanOrEqual(1);
      // Cluster names are still answered while upstreams are dead.
      expect(dataOf((await askUdp(quickAddr, query('web.default.svc.cluster.local'))).reply, 'A')).toEqual(['10.96.0.20']);
    } finally {
      await quick.stop();
      await silent.stop();
    }
  });

  it('takes its upstreams from the resolv.conf it is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-dns-'));
    await writeFile(join(dir, 'resolv.conf'), 'search example.internal\nnameserver 192.0.2.1\nnameserver 192.0.2.2\n');
    const fromFile = new ClusterDnsServer({ source: clusterData(), address: '127.0.0.1', port: 0, resolvConfPath: join(dir, 'resolv.conf') });
    try {
      await fromFile.start();
      expect(fromFile.upstreamServers()).toEqual([
        { address: '192.0.2.1', port: 53 },
        { address: '192.0.2.2', port: 53 },
      ]);
    } finally {
      await fromFile.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tries the next upstream when one refuses', async () => {
    const refusing = new FakeUpstream((q) => ({ flags: REFUSED, questions: q.questions }));
    await refusing.start();
    const twoUpstreams = new ClusterDnsServer({ source: clusterData(), address: '127.0.0.1', port: 0, upstreams: [refusing.endpoint, upstream.endpoint] });
    try {
      const { reply } = await askUdp(await twoUpstreams.start(), query('example.com'));
      expect(dataOf(reply, 'A')).toEqual(['192.0.2.7']);
      expect(refusing.received).toHaveLength(1);
    } finally {
      await twoUpstreams.stop();
      await refusing.stop();
    }
  });

  it('refuses forwards beyond the concurrency limit', async () => {
    const silent = new FakeUpstream(() => 'silent');
    await silent.start();
    const narrow = new ClusterDnsServer({ source: clusterData(), address: '127.0.0.1', port: 0, upstreams: [silent.endpoint], maxConcurrentForwards: 1, upstreamTimeoutMs: 1000, forwardTimeoutMs: 1000 });
    const client = new UdpClient(await narrow.start());
    try {
      client.send(query('first.example', 'A', { id: 1 }));
      // The second query goes once the first has reached the silent upstream, so the first holds the only slot.
      const deadline = Date.now() + 5000;
      while (silent.received.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      client.send(query('second.example', 'A', { id: 2 }));
      const first = dnsPacket.decode(await client.next());
      expect([first.id, rcode(first)]).toEqual([2, REFUSED]);
    } finally {
      client.close();
      await narrow.stop();
      await silent.stop();
    }
  });
});

describe('metrics', () => {
  it('counts queries by result and observes their latency', async () => {
    const metrics = await registry.getMetricsAsJSON();
    const queries = metrics.find((m) => m.name === 'skiff_dns_queries_total')!;
    const count = (result: string) => (queries.values as { value: number; labels: Record<string, string> }[]).find((v) => v.labels.result === result)?.value ?? 0;
    for (const result of ['answer', 'nxdomain', 'nodata', 'forwarded', 'formerr', 'refused']) expect([result, count(result) > 0]).toEqual([result, true]);
    const text = await registry.metrics();
    expect(text).toMatch(/skiff_dns_query_duration_seconds_count\{result="answer"\} [1-9]/);
  });
});
