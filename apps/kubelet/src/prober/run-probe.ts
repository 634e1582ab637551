import type { Container, Probe } from '@skiff/api';
import type { Clock } from '@skiff/client';
import { runExecProbe, type ExecRunner } from './exec-probe';
import { runGrpcProbe } from './grpc-probe';
import { runHttpProbe } from './http-probe';
import { resolveProbePort } from './probe-port';
import { unknown, type ProbeOutcome } from './probe-outcome';
import { runTcpProbe } from './tcp-probe';

/** Everything one probe run needs to know about its target. */
export interface ProbeTarget {
  probe: Probe;
  container: Pick<Container, 'name' | 'ports'>;
  containerId: string;
  /** Where http, tcp and grpc probes go when the probe names no host. */
  podIP?: string;
  timeoutSeconds: number;
}

export interface ProbeTools {
  runtime: ExecRunner;
  clock: Clock;
}

/** Runs whichever handler the probe declares (exec, httpGet, tcpSocket or grpc) once. */
export async function runProbe(target: ProbeTarget, tools: ProbeTools): Promise<ProbeOutcome> {
  const { probe, container, timeoutSeconds } = target;
  try {
    if (probe.exec) return await runExecProbe(tools.runtime, target.containerId, probe.exec.command ?? [], timeoutSeconds, tools.clock);
    if (probe.httpGet) {
      const g = probe.httpGet;
      return await runHttpProbe(
        {
          scheme: g.scheme || 'HTTP',
          host: hostOf(g.host, target.podIP),
          port: resolveProbePort(g.port, container),
          path: g.path ?? '/',
          headers: g.httpHeaders ?? [],
        },
        timeoutSeconds,
        tools.clock,
      );
    }
    if (probe.tcpSocket) {
      const t = probe.tcpSocket;
      return await runTcpProbe(hostOf(t.host, target.podIP), resolveProbePort(t.port, container), timeoutSeconds, tools.clock);
    }
    if (probe.grpc) {
      return await runGrpcProbe(hostOf(undefined, target.podIP), resolveProbePort(probe.grpc.port, container), probe.grpc.service ?? '', timeoutSeconds, tools.clock);
    }
    return unknown(`missing probe handler for container ${JSON.stringify(container.name)}`);
  } catch (e) {
    return unknown(e instanceof Error ? e.message : String(e));
  }
}

function hostOf(host: string | undefined, podIP: string | undefined): string {
  const h = host || podIP;
  if (!h) throw new Error('the pod has no IP address yet');
  return h;
}
