import { FakeClock } from '@skiff/client';
import type { ExecRunner } from './exec-probe';
import { probeErroredMessage, probeFailedMessage, probeKillMessage, probeWarningMessage } from './probe-events';
import { runProbe } from './run-probe';

describe('runProbe', () => {
  const clock = new FakeClock();
  const execs: string[][] = [];
  const runtime: ExecRunner = {
    execSync: async (_id, cmd) => {
      execs.push(cmd);
      return { exitCode: 0, stdout: Buffer.from('fine'), stderr: Buffer.alloc(0) };
    },
  };
  const container = { name: 'web', ports: [{ name: 'http', containerPort: 8080 }] };

  it('runs the exec handler in the container', async () => {
    await expect(runProbe({ probe: { exec: { command: ['ls'] } }, container, containerId: 'c1', timeoutSeconds: 1 }, { runtime, clock })).resolves.toEqual({
      result: 'success',
      output: 'fine',
    });
    expect(execs).toEqual([['ls']]);
  });

  it('cannot run a network probe before the pod has an IP, nor one naming an unknown port', async () => {
    await expect(
      runProbe({ probe: { tcpSocket: { port: 'http' } }, container, containerId: 'c1', timeoutSeconds: 1 }, { runtime, clock }),
    ).resolves.toEqual({ result: 'unknown', output: 'the pod has no IP address yet' });
    await expect(
      runProbe({ probe: { httpGet: { port: 'admin' } }, container, containerId: 'c1', podIP: '127.0.0.1', timeoutSeconds: 1 }, { runtime, clock }),
    ).resolves.toEqual({ result: 'unknown', output: 'port "admin" not found in the ports of container "web"' });
  });

  it('reports a probe without a handler', async () => {
    await expect(runProbe({ probe: { periodSeconds: 3 }, container, containerId: 'c1', timeoutSeconds: 1 }, { runtime, clock })).resolves.toEqual({
      result: 'unknown',
      output: 'missing probe handler for container "web"',
    });
  });
});

describe('probe event messages', () => {
  it('read as Kubernetes writes them', () => {
    expect(probeFailedMessage('readiness', 'HTTP probe failed with statuscode: 500')).toBe('Readiness probe failed: HTTP probe failed with statuscode: 500');
    expect(probeErroredMessage('liveness', 'boom')).toBe('Liveness probe errored and resulted in unknown state: boom');
    expect(probeWarningMessage('startup', 'x')).toBe('Startup probe warning: x');
    expect(probeKillMessage('web', 'liveness')).toBe('Container web failed liveness probe, will be restarted');
    expect(probeKillMessage('web', 'startup', false)).toBe('Container web failed startup probe');
  });
});
