import { FakeClock } from '@skiff/client';
import { CriClient, CriError, FakeCriServer, InMemoryRuntime, type ContainerConfig, type PodSandboxConfig } from '@skiff/cri';
import { waitFor } from '@skiff/testing';
import { runExecProbe } from './exec-probe';
import { ProbeManager, type ProbeResultEvent } from './probe-manager';

/** Exec probes through the real CRI client, over gRPC, to the in-memory runtime. */
describe('exec probe over CRI', () => {
  const clock = new FakeClock();
  let runtime: InMemoryRuntime;
  let server: FakeCriServer;
  let client: CriClient;
  let containerId = '';

  const sandboxConfig: PodSandboxConfig = { metadata: { name: 'web-1', uid: 'uid-cri', namespace: 'default', attempt: 0 } };
  const containerConfig: ContainerConfig = { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox' } };

  beforeEach(async () => {
    runtime = new InMemoryRuntime({ clock, images: ['busybox'] });
    server = new FakeCriServer(runtime);
    client = new CriClient(await server.start());
    const sandboxId = await client.runPodSandbox(sandboxConfig);
    containerId = await client.createContainer(sandboxId, containerConfig, sandboxConfig);
    await client.startContainer(containerId);
    runtime.setExecHandler((_id, cmd) => {
      if (cmd[0] === 'slow') throw new CriError('DEADLINE_EXCEEDED', 'timeout 1s exceeded');
      return cmd[0] === 'ok' ? { exitCode: 0, stdout: 'healthy\n' } : { exitCode: 2, stdout: 'partial ', stderr: 'not healthy\n' };
    });
  });

  afterEach(async () => {
    client.close();
    await server.stop();
  });

  it('maps exit codes, output and a runtime timeout', async () => {
    await expect(runExecProbe(client, containerId, ['ok'], 1, clock)).resolves.toEqual({ result: 'success', output: 'healthy\n' });
    await expect(runExecProbe(client, containerId, ['bad'], 1, clock)).resolves.toEqual({ result: 'failure', output: 'partial not healthy\n' });
    await expect(runExecProbe(client, containerId, ['slow', '-x'], 1, clock)).resolves.toEqual({ result: 'failure', output: 'command "slow -x" timed out' });
  });

  it('cannot probe an exited container', async () => {
    runtime.exitContainer(containerId, 0);
    const outcome = await runExecProbe(client, containerId, ['ok'], 1, clock);
    expect(outcome.result).toBe('unknown');
    expect(outcome.output).toMatch(/^rpc error: code = Unknown desc = /);
  });

  it('drives a liveness failure through the manager', async () => {
    const manager = new ProbeManager({ runtime: client, clock });
    const results: ProbeResultEvent[] = [];
    manager.on('result', (e) => results.push(e));
    manager.addPod({
      metadata: { name: 'web-1', namespace: 'default', uid: 'uid-cri' },
      spec: { containers: [{ name: 'app', livenessProbe: { exec: { command: ['bad'] }, failureThreshold: 1 } }] },
    });
    manager.containerStarted('uid-cri', 'app', containerId, clock.now());
    await clock.advance(0);
    await waitFor(() => results.length > 0, { what: 'the liveness result' });
    expect(results[0]).toMatchObject({ containerId, probeType: 'liveness', result: 'failure', message: 'Liveness probe failed: partial not healthy\n' });
    manager.stop();
  });
});
