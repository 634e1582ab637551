import { selectControllers, workersFor } from './controller-selection';
import { parseControllerManagerFlags, parseDuration, UsageError } from './options';

describe('controller-manager flags', () => {
  it('has Kubernetes defaults', () => {
    expect(parseControllerManagerFlags([])).toEqual({
      kubeconfig: undefined,
      controllers: ['*'],
      leaderElect: false,
      leaderElectResourceName: 'skiff-controller-manager',
      leaderElectResourceNamespace: 'kube-system',
      leaderElectLeaseDurationMs: 15_000,
      leaderElectRenewDeadlineMs: 10_000,
      leaderElectRetryPeriodMs: 2_000,
      nodeMonitorGracePeriodMs: 40_000,
      clusterCIDR: '10.244.0.0/16',
      concurrentWorkers: undefined,
      clusterSigningDurationMs: 8760 * 3600_000,
      bindAddress: '127.0.0.1',
      port: 10257,
      verbosity: 0,
    });
  });

  it('parses each flag', () => {
    const o = parseControllerManagerFlags(['--kubeconfig=/k', '--controllers=*,-podgc', '--leader-elect', '--node-monitor-grace-period=1m30s', '--cluster-cidr=10.0.0.0/8', '--concurrent-workers=3', '--port=0', '--v=4']);
    expect(o).toMatchObject({ kubeconfig: '/k', controllers: ['*', '-podgc'], leaderElect: true, nodeMonitorGracePeriodMs: 90_000, clusterCIDR: '10.0.0.0/8', concurrentWorkers: 3, port: 0, verbosity: 4 });
  });

  it.each([['--port=70000'], ['--cluster-cidr=10.0.0.0'], ['--node-monitor-grace-period=40'], ['--concurrent-workers=0'], ['--no-such-flag']])('rejects %s with one line', (flag) => {
    expect(() => parseControllerManagerFlags([flag])).toThrow(UsageError);
    try {
      parseControllerManagerFlags([flag]);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('parses Go durations', () => {
    expect(parseDuration('40s')).toBe(40_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h2m')).toBe(3_720_000);
  });
});

describe('--controllers', () => {
  const known = ['garbagecollector', 'namespace', 'podgc', 'serviceaccount'];
  it('selects all with *, minus the disabled ones, whatever the order', () => {
    expect(selectControllers(['*'], known)).toEqual(known);
    expect(selectControllers(['-podgc', '*'], known)).toEqual(['garbagecollector', 'namespace', 'serviceaccount']);
  });
  it('leaves controllers that are off by default out of *, unless named', () => {
    const all = ['bootstrapsigner', 'namespace', 'tokencleaner'];
    const off = ['bootstrapsigner', 'tokencleaner'];
    expect(selectControllers(['*'], all, off)).toEqual(['namespace']);
    expect(selectControllers(['*', 'bootstrapsigner', 'tokencleaner'], all, off)).toEqual(all);
    expect(selectControllers(['tokencleaner'], all, off)).toEqual(['tokencleaner']);
  });
  it('parses the cluster signing flags', () => {
    expect(parseControllerManagerFlags(['--cluster-signing-cert-file=/p/ca.crt', '--cluster-signing-key-file=/p/ca.key', '--cluster-signing-duration=720h'])).toMatchObject({
      clusterSigningCertFile: '/p/ca.crt',
      clusterSigningKeyFile: '/p/ca.key',
      clusterSigningDurationMs: 720 * 3600_000,
    });
  });
  it('selects only the named ones without *', () => {
    expect(selectControllers(['namespace', 'podgc'], known)).toEqual(['namespace', 'podgc']);
  });
  it('rejects unknown names', () => {
    expect(() => selectControllers(['*', '-nope'], known)).toThrow('unknown controller "nope"');
    expect(() => selectControllers(['nope'], known)).toThrow(UsageError);
  });
  it('gives each controller its default worker count unless overridden', () => {
    expect(workersFor('garbagecollector', undefined)).toBe(20);
    expect(workersFor('replicaset', undefined)).toBe(5);
    expect(workersFor('garbagecollector', 2)).toBe(2);
  });
});
