import { chainHash, endpointChain, serviceChain } from './chain-names';
import type { EndpointInfo, ProxyState, ServicePortInfo } from './proxy-state';
import { probability, renderRules } from './render-rules';

// Chain names of default/web:http over TCP and its endpoints (sha256 → base32, 16 characters).
const SVC = 'SKIFF-SVC-CDGGSHYLG3RE2FKL';
const EXT = 'SKIFF-EXT-CDGGSHYLG3RE2FKL';
const SVL = 'SKIFF-SVL-CDGGSHYLG3RE2FKL';
const SEP_A = 'SKIFF-SEP-UIQK3OSOSTRHRPBX'; // 10.244.1.2:8080
const SEP_B = 'SKIFF-SEP-2AZ33KU3V5PGPQZH'; // 10.244.1.3:8080
const SEP_C = 'SKIFF-SEP-SS2T4ADR43IYLGAO'; // 10.244.2.4:8080
const SEP_D = 'SKIFF-SEP-A4JCWMD6AMIS43DD'; // 10.244.1.7:8080

function ep(ip: string, over: Partial<EndpointInfo> = {}): EndpointInfo {
  return { ip, port: 8080, ready: true, serving: true, terminating: false, local: false, ...over };
}

function web(over: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return {
    namespace: 'default',
    name: 'web',
    portName: 'http',
    protocol: 'tcp',
    clusterIP: '10.96.0.20',
    port: 80,
    externalIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    endpoints: [ep('10.244.1.2')],
    ...over,
  };
}

function state(services: ServicePortInfo[], over: Partial<ProxyState> = {}): ProxyState {
  return { services, clusterCIDR: '10.244.0.0/16', nodePortAddresses: [], localhostNodePorts: false, ...over };
}

/** The rules of one chain in one table, in order. */
function rulesOf(text: string, table: 'nat' | 'filter', chain: string): string[] {
  const section = text.split(`*${table}\n`)[1].split('COMMIT')[0];
  return section.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
}

function declaredChains(text: string, table: 'nat' | 'filter'): string[] {
  const section = text.split(`*${table}\n`)[1].split('COMMIT')[0];
  return section
    .split('\n')
    .filter((l) => l.startsWith(':'))
    .map((l) => l.slice(1).split(' ')[0]);
}

const nodePortsJump = '-A SKIFF-SERVICES -m comment --comment "skiff service nodeports; NOTE: this must be the last rule in this chain"';

describe('chain names', () => {
  it('hash like kube-proxy (sha256, base32, 16 characters), so names are stable across restarts', () => {
    // kube-proxy's own test vectors for ns1/svc1:p80 over TCP and its endpoint 10.180.0.1:80.
    expect(chainHash('ns1/svc1:p80tcp')).toBe('XPGD46QRK7WJZT7O');
    expect(chainHash('ns1/svc1:p80tcp10.180.0.1:80')).toBe('SXIVWICOYRO3J4NJ');
    expect(serviceChain('default/web:http', 'tcp')).toBe(SVC);
    expect(endpointChain('default/web:http', 'tcp', '10.244.1.2:8080')).toBe(SEP_A);
    expect(SVC.length).toBeLessThanOrEqual(28);
  });

  it('formats probabilities as kube-proxy does', () => {
    expect([2, 3, 4, 7].map(probability)).toEqual(['0.5000000000', '0.3333333333', '0.2500000000', '0.1428571429']);
  });
});

describe('renderRules', () => {
  it('renders a ClusterIP service with one endpoint (whole restore text)', () => {
    expect(renderRules(state([web()])).text).toBe(`*filter
:SKIFF-SERVICES - [0:0]
:SKIFF-EXTERNAL-SERVICES - [0:0]
:SKIFF-FORWARD - [0:0]
:SKIFF-FIREWALL - [0:0]
-A SKIFF-FORWARD -m conntrack --ctstate INVALID -j DROP
-A SKIFF-FORWARD -m comment --comment "skiff forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A SKIFF-FORWARD -m comment --comment "skiff forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:SKIFF-SERVICES - [0:0]
:SKIFF-NODEPORTS - [0:0]
:SKIFF-POSTROUTING - [0:0]
:SKIFF-MARK-MASQ - [0:0]
:${SVC} - [0:0]
:${SEP_A} - [0:0]
-A SKIFF-POSTROUTING -m comment --comment "skiff pod traffic leaving the cluster network" -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m addrtype ! --dst-type LOCAL -m mark ! --mark 0x4000/0x4000 -j MASQUERADE
-A SKIFF-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A SKIFF-POSTROUTING -j MARK --xor-mark 0x4000
-A SKIFF-POSTROUTING -m comment --comment "skiff service traffic requiring SNAT" -j MASQUERADE --random-fully
-A SKIFF-MARK-MASQ -j MARK --or-mark 0x4000
-A SKIFF-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j ${SVC}
-A ${SVC} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ
-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.2:8080" -j ${SEP_A}
-A ${SEP_A} -m comment --comment default/web:http -s 10.244.1.2 -j SKIFF-MARK-MASQ
-A ${SEP_A} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:8080
${nodePortsJump} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j SKIFF-NODEPORTS
COMMIT
`);
  });

  it('spreads two endpoints evenly: 1/2, then the rest', () => {
    const { text } = renderRules(state([web({ endpoints: [ep('10.244.1.2'), ep('10.244.1.3')] })]));
    expect(rulesOf(text, 'nat', SVC)).toEqual([
      `-A ${SVC} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.20 --dport 80 ! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.2:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP_A}`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.3:8080" -j ${SEP_B}`,
    ]);
  });

  it('spreads three endpoints with 1/3, 1/2 and the rest', () => {
    const { text } = renderRules(state([web({ endpoints: [ep('10.244.2.4'), ep('10.244.1.2'), ep('10.244.1.3')] })]));
    expect(rulesOf(text, 'nat', SVC).slice(1)).toEqual([
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.2.4:8080" -m statistic --mode random --probability 0.3333333333 -j ${SEP_C}`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.2:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP_A}`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.3:8080" -j ${SEP_B}`,
    ]);
    for (const [sep, ip] of [[SEP_A, '10.244.1.2'], [SEP_B, '10.244.1.3'], [SEP_C, '10.244.2.4']]) {
      expect(rulesOf(text, 'nat', sep)).toEqual([
        `-A ${sep} -m comment --comment default/web:http -s ${ip} -j SKIFF-MARK-MASQ`,
        `-A ${sep} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination ${ip}:8080`,
      ]);
    }
  });

  it('sends NodePort traffic through an EXT chain that marks it for masquerade, and matches nodeport addresses', () => {
    const svc = web({ nodePort: 30080 });
    const { text } = renderRules(state([svc], { nodePortAddresses: ['127.0.0.0/8'], localhostNodePorts: true }));
    expect(rulesOf(text, 'nat', 'SKIFF-NODEPORTS')).toEqual([`-A SKIFF-NODEPORTS -m comment --comment default/web:http -m tcp -p tcp --dport 30080 -j ${EXT}`]);
    expect(rulesOf(text, 'nat', EXT)).toEqual([
      `-A ${EXT} -m comment --comment "masquerade traffic for default/web:http external destinations" -j SKIFF-MARK-MASQ`,
      `-A ${EXT} -j ${SVC}`,
    ]);
    expect(rulesOf(text, 'nat', 'SKIFF-SERVICES').at(-1)).toBe(`${nodePortsJump} -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS`);
    // Loopback NodePorts need route_localnet, and then only DNATed traffic may reach 127.0.0.0/8 from outside.
    expect(rulesOf(text, 'filter', 'SKIFF-FIREWALL')).toEqual([
      '-A SKIFF-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    ]);
  });

  it('answers NodePorts on every local address when no nodeport addresses are given, loopback only when allowed', () => {
    const all = renderRules(state([web({ nodePort: 30080 })], { localhostNodePorts: true })).text;
    expect(rulesOf(all, 'nat', 'SKIFF-SERVICES').at(-1)).toBe(`${nodePortsJump} -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS`);
    const noLoopback = renderRules(state([web({ nodePort: 30080 })], { localhostNodePorts: false })).text;
    expect(rulesOf(noLoopback, 'nat', 'SKIFF-SERVICES').at(-1)).toBe(`${nodePortsJump} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j SKIFF-NODEPORTS`);
    expect(rulesOf(noLoopback, 'filter', 'SKIFF-FIREWALL')).toEqual([]);
    const listed = renderRules(state([], { nodePortAddresses: ['192.168.5.0/24', '127.0.0.0/8'], localhostNodePorts: false })).text;
    expect(rulesOf(listed, 'nat', 'SKIFF-SERVICES')).toEqual([
      '-A SKIFF-SERVICES -m comment --comment "skiff service nodeports are not served on loopback" -d 127.0.0.0/8 -j RETURN',
      `${nodePortsJump} -d 192.168.5.0/24 -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS`,
      `${nodePortsJump} -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS`,
    ]);
  });

  it('keeps a client on its endpoint with ClientIP affinity (recent lists named after the endpoint chain)', () => {
    const { text } = renderRules(state([web({ affinityTimeoutSeconds: 600, endpoints: [ep('10.244.1.2'), ep('10.244.1.3')] })]));
    expect(rulesOf(text, 'nat', SVC).slice(1)).toEqual([
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.2:8080" -m recent --name ${SEP_A} --rcheck --seconds 600 --reap -j ${SEP_A}`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.3:8080" -m recent --name ${SEP_B} --rcheck --seconds 600 --reap -j ${SEP_B}`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.2:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP_A}`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.3:8080" -j ${SEP_B}`,
    ]);
    expect(rulesOf(text, 'nat', SEP_A)[1]).toBe(
      `-A ${SEP_A} -m comment --comment default/web:http -m recent --name ${SEP_A} --set -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:8080`,
    );
  });

  it('masquerades hairpin traffic and traffic from outside the cluster CIDR, and only marked packets', () => {
    const { text } = renderRules(state([web()]));
    expect(rulesOf(text, 'nat', SEP_A)[0]).toBe(`-A ${SEP_A} -m comment --comment default/web:http -s 10.244.1.2 -j SKIFF-MARK-MASQ`);
    expect(rulesOf(text, 'nat', SVC)[0]).toContain('! -s 10.244.0.0/16 -j SKIFF-MARK-MASQ');
    expect(rulesOf(text, 'nat', 'SKIFF-MARK-MASQ')).toEqual(['-A SKIFF-MARK-MASQ -j MARK --or-mark 0x4000']);
    expect(rulesOf(text, 'nat', 'SKIFF-POSTROUTING')).toEqual([
      '-A SKIFF-POSTROUTING -m comment --comment "skiff pod traffic leaving the cluster network" -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m addrtype ! --dst-type LOCAL -m mark ! --mark 0x4000/0x4000 -j MASQUERADE',
      '-A SKIFF-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A SKIFF-POSTROUTING -j MARK --xor-mark 0x4000',
      '-A SKIFF-POSTROUTING -m comment --comment "skiff service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ]);
    // Without a cluster CIDR kube-proxy cannot tell outside traffic apart and adds no such rule; hairpin stays.
    const noCIDR = renderRules(state([web()], { clusterCIDR: undefined })).text;
    expect(rulesOf(noCIDR, 'nat', SVC)).toEqual([`-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.2:8080" -j ${SEP_A}`]);
    expect(rulesOf(noCIDR, 'nat', SEP_A)[0]).toContain('-s 10.244.1.2 -j SKIFF-MARK-MASQ');
  });

  it('follows endpoint changes: new endpoint chains appear, stale ones are flushed and deleted in the same restore', () => {
    const first = renderRules(state([web({ endpoints: [ep('10.244.1.2'), ep('10.244.1.3')] })]));
    expect(first.chains.nat).toEqual(['SKIFF-SERVICES', 'SKIFF-NODEPORTS', 'SKIFF-POSTROUTING', 'SKIFF-MARK-MASQ', SVC, SEP_A, SEP_B]);
    expect(first.deletedChains).toEqual([]);

    const second = renderRules(state([web({ endpoints: [ep('10.244.1.3'), ep('10.244.1.7')] })]), first.chains);
    expect(second.deletedChains).toEqual([SEP_A]);
    expect(declaredChains(second.text, 'nat')).toEqual(['SKIFF-SERVICES', 'SKIFF-NODEPORTS', 'SKIFF-POSTROUTING', 'SKIFF-MARK-MASQ', SVC, SEP_B, SEP_D, SEP_A]);
    const natLines = second.text.split('*nat\n')[1].trimEnd().split('\n');
    expect(natLines.slice(-2)).toEqual([`-X ${SEP_A}`, 'COMMIT']);
    expect(second.text).not.toContain(`-j ${SEP_A}`);
    expect(rulesOf(second.text, 'nat', SVC).slice(1)).toEqual([
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.3:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP_B}`,
      `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.7:8080" -j ${SEP_D}`,
    ]);

    // The service going away takes its chains with it; chains that are not per-service ones are never deleted.
    const third = renderRules(state([]), { nat: [...second.chains.nat, 'SKIFF-SOMETHING-ELSE', 'KUBE-SVC-X'], filter: second.chains.filter });
    expect(third.deletedChains).toEqual([SEP_B, SEP_D, SVC]);
    expect(third.signature).toBe(renderRules(state([])).text);
  });

  it('gives headless services no rules (they never become service ports) and leaves only the base chains', () => {
    const { text, ruleCount } = renderRules(state([]));
    expect(declaredChains(text, 'nat')).toEqual(['SKIFF-SERVICES', 'SKIFF-NODEPORTS', 'SKIFF-POSTROUTING', 'SKIFF-MARK-MASQ']);
    expect(ruleCount).toEqual({ nat: 6, filter: 3 });
  });

  it('rejects traffic to a service without endpoints in the filter table, as kube-proxy does, with no nat chains', () => {
    const { text } = renderRules(state([web({ nodePort: 30080, externalIPs: ['192.168.5.10'], endpoints: [] })]));
    expect(rulesOf(text, 'filter', 'SKIFF-SERVICES')).toEqual([
      '-A SKIFF-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j REJECT',
    ]);
    expect(rulesOf(text, 'filter', 'SKIFF-EXTERNAL-SERVICES')).toEqual([
      '-A SKIFF-EXTERNAL-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 192.168.5.10 --dport 80 -j REJECT',
      '-A SKIFF-EXTERNAL-SERVICES -m comment --comment "default/web:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT',
    ]);
    expect(declaredChains(text, 'nat').filter((c) => c.includes(SVC.slice(-16)))).toEqual([]);
    expect(rulesOf(text, 'nat', 'SKIFF-NODEPORTS')).toEqual([]);
  });

  it('refuses, after every service rule, connections into the service range that no Service port took', () => {
    const { text, ruleCount } = renderRules(state([web({ port: 80 }), web({ name: 'idle', clusterIP: '10.96.0.21', endpoints: [] })], { serviceCIDRs: ['10.96.0.0/12', '10.112.0.0/16'] }));
    expect(rulesOf(text, 'filter', 'SKIFF-SERVICES')).toEqual([
      '-A SKIFF-SERVICES -m comment --comment "default/idle:http has no endpoints" -m tcp -p tcp -d 10.96.0.21 --dport 80 -j REJECT',
      '-A SKIFF-SERVICES -m comment --comment "skiff service IP or port that no Service holds" -d 10.96.0.0/12 -j REJECT',
      '-A SKIFF-SERVICES -m comment --comment "skiff service IP or port that no Service holds" -d 10.112.0.0/16 -j REJECT',
    ]);
    expect(ruleCount.filter).toBe(6);
    expect(rulesOf(renderRules(state([web()])).text, 'filter', 'SKIFF-SERVICES')).toEqual([]);
  });

  it('uses ready endpoints only, falling back to serving terminating ones when none is ready', () => {
    const mixed = [ep('10.244.1.2', { ready: false, serving: true, terminating: true }), ep('10.244.1.3'), ep('10.244.2.4', { ready: false, serving: false })];
    const { text } = renderRules(state([web({ endpoints: mixed })]));
    expect(declaredChains(text, 'nat').filter((c) => c.startsWith('SKIFF-SEP-'))).toEqual([SEP_B]);

    const terminating = [ep('10.244.1.2', { ready: false, serving: true, terminating: true }), ep('10.244.2.4', { ready: false, serving: false, terminating: true })];
    const fallback = renderRules(state([web({ endpoints: terminating })])).text;
    expect(declaredChains(fallback, 'nat').filter((c) => c.startsWith('SKIFF-SEP-'))).toEqual([SEP_A]);

    const none = renderRules(state([web({ endpoints: [ep('10.244.1.2', { ready: false, serving: false })] })])).text;
    expect(rulesOf(none, 'filter', 'SKIFF-SERVICES')[0]).toContain('has no endpoints');
  });

  it('routes the cluster DNS ClusterIP:53 (udp and tcp) to the node-local listener instead of its endpoints', () => {
    const dns = (port: number, protocol: 'udp' | 'tcp', portName: string) =>
      web({ namespace: 'kube-system', name: 'kube-dns', portName, clusterIP: '10.96.0.10', port, protocol, endpoints: [] });
    const { text } = renderRules(
      state([dns(53, 'udp', 'dns'), dns(53, 'tcp', 'dns-tcp'), dns(9153, 'tcp', 'metrics'), web()], {
        localDns: { clusterIP: '10.96.0.10', address: '169.254.20.10', port: 53 },
      }),
    );
    expect(rulesOf(text, 'nat', 'SKIFF-SERVICES').slice(0, 2)).toEqual([
      '-A SKIFF-SERVICES -m comment --comment "cluster DNS to the node-local listener" -m udp -p udp -d 10.96.0.10 --dport 53 -j DNAT --to-destination 169.254.20.10:53',
      '-A SKIFF-SERVICES -m comment --comment "cluster DNS to the node-local listener" -m tcp -p tcp -d 10.96.0.10 --dport 53 -j DNAT --to-destination 169.254.20.10:53',
    ]);
    // Port 53 is answered locally even without endpoints; the Service's other ports are ordinary ones.
    expect(rulesOf(text, 'filter', 'SKIFF-SERVICES')).toEqual([
      '-A SKIFF-SERVICES -m comment --comment "kube-system/kube-dns:metrics has no endpoints" -m tcp -p tcp -d 10.96.0.10 --dport 9153 -j REJECT',
    ]);
  });

  it('with externalTrafficPolicy Local sends outside traffic to local endpoints only, without masquerade', () => {
    const eps = [ep('10.244.1.2', { local: true }), ep('10.244.2.4')];
    const { text } = renderRules(state([web({ nodePort: 30080, externalPolicyLocal: true, endpoints: eps })]));
    expect(rulesOf(text, 'nat', EXT)).toEqual([
      `-A ${EXT} -m comment --comment "pod traffic for default/web:http external destinations" -s 10.244.0.0/16 -j ${SVC}`,
      `-A ${EXT} -m comment --comment "masquerade LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j SKIFF-MARK-MASQ`,
      `-A ${EXT} -m comment --comment "route LOCAL traffic for default/web:http external destinations" -m addrtype --src-type LOCAL -j ${SVC}`,
      `-A ${EXT} -j ${SVL}`,
    ]);
    expect(rulesOf(text, 'nat', SVL)).toEqual([`-A ${SVL} -m comment --comment "default/web:http -> 10.244.1.2:8080" -j ${SEP_A}`]);
    expect(rulesOf(text, 'nat', SVC).slice(1)).toHaveLength(2);

    // No local endpoint: outside traffic is dropped, while pods and the node still reach the service.
    const remote = renderRules(state([web({ nodePort: 30080, externalPolicyLocal: true, endpoints: [ep('10.244.2.4')] })])).text;
    expect(rulesOf(remote, 'nat', EXT).some((r) => r.endsWith(`-j ${SVL}`))).toBe(false);
    expect(rulesOf(remote, 'filter', 'SKIFF-EXTERNAL-SERVICES')).toEqual([
      '-A SKIFF-EXTERNAL-SERVICES -m comment --comment "default/web:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP',
    ]);
  });

  it('with internalTrafficPolicy Local drops ClusterIP traffic on a node without local endpoints', () => {
    const { text } = renderRules(state([web({ internalPolicyLocal: true, endpoints: [ep('10.244.2.4')] })]));
    expect(rulesOf(text, 'filter', 'SKIFF-SERVICES')).toEqual([
      '-A SKIFF-SERVICES -m comment --comment "default/web:http has no local endpoints" -m tcp -p tcp -d 10.96.0.20 --dport 80 -j DROP',
    ]);
    expect(declaredChains(text, 'nat').filter((c) => c.startsWith('SKIFF-S') && c !== 'SKIFF-SERVICES')).toEqual([]);
    const local = renderRules(state([web({ internalPolicyLocal: true, endpoints: [ep('10.244.1.2', { local: true }), ep('10.244.2.4')] })])).text;
    expect(rulesOf(local, 'nat', 'SKIFF-SERVICES')[0]).toContain(`-j ${SVL}`);
    expect(rulesOf(local, 'nat', SVL).at(-1)).toBe(`-A ${SVL} -m comment --comment "default/web:http -> 10.244.1.2:8080" -j ${SEP_A}`);
  });

  it('renders the same text whatever order services arrive in', () => {
    const a = web();
    const b = web({ name: 'api', clusterIP: '10.96.0.21' });
    expect(renderRules(state([a, b])).text).toBe(renderRules(state([b, a])).text);
  });

  it('drops per-endpoint comments past 1000 endpoints, as kube-proxy does to keep restores small', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ep(`10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`));
    const { text } = renderRules(state([web({ endpoints: many })]));
    const sepRules = text.split('\n').filter((l) => l.startsWith('-A SKIFF-SEP-'));
    expect(sepRules).toHaveLength(2002);
    expect(sepRules.every((l) => !l.includes('--comment'))).toBe(true);
    expect(rulesOf(text, 'nat', SVC)[1]).toMatch(/^-A \S+ -m statistic --mode random --probability 0.0009990010 -j SKIFF-SEP-/);
  });
});
