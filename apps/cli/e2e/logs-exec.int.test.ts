import { once } from 'node:events';
import { FakeKubelet, startControlPlane, waitFor, type TestControlPlane } from '@skiff/testing';
import { CliHarness } from './skiff-harness';

/**
 * skiff logs, exec and attach against a real etcd + apiserver, which forwards them to a stand-in kubelet on
 * loopback: its logs are a fixed text, its exec runs real local processes over the channel protocol.
 */
jest.setTimeout(60_000);

let cp: TestControlPlane;
let h: CliHarness;
let kubelet: FakeKubelet;

const pod = (name: string, containers: string[], opts: { init?: string[]; labels?: Record<string, string>; node?: string } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: opts.labels ?? { app: name } },
  spec: {
    nodeName: opts.node ?? 'node-1',
    containers: containers.map((c) => ({ name: c, image: 'busybox:1.36' })),
    ...(opts.init ? { initContainers: opts.init.map((c) => ({ name: c, image: 'busybox:1.36' })) } : {}),
  },
});

beforeAll(async () => {
  cp = await startControlPlane();
  h = new CliHarness(cp.apiserver.url);
  kubelet = new FakeKubelet();
  await kubelet.start();
  await kubelet.registerNode(cp.apiserver.url, 'node-1');
  const pods = [
    pod('web', ['app'], { labels: { tier: 'front' } }),
    pod('duo', ['a', 'b'], { init: ['setup'], labels: { tier: 'front' } }),
    pod('starting', ['waiting']),
    pod('done', ['app']),
  ];
  await h.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));
  const finished = await fetch(`${cp.apiserver.url}/api/v1/namespaces/default/pods/done/status`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ status: { phase: 'Succeeded' } }),
  });
  expect(finished.status).toBe(200);
}, 60_000);

afterAll(async () => {
  h?.cleanup();
  await kubelet?.stop();
  await cp?.stop();
});

const lastKubeletRequest = () => kubelet.requests[kubelet.requests.length - 1];

describe('skiff logs', () => {
  it('prints the log of the only container', async () => {
    expect(await h.skiff(['logs', 'web'])).toEqual({ code: 0, stdout: 'line one\nline two\n', stderr: '' });
    expect(lastKubeletRequest().path).toBe('/containerLogs/default/web/app');
    expect(Object.fromEntries(lastKubeletRequest().query)).toEqual({});
  });

  it('defaults to the first of several containers with kubectl\'s note, and passes every option on', async () => {
    const r = await h.skiff(['logs', 'pod/duo', '--tail=3', '--timestamps', '--since=5m', '--limit-bytes=100', '-p']);
    expect(r).toEqual({ code: 0, stdout: 'line one\nline two\n', stderr: 'Defaulted container "a" out of: a, b, setup (init)\n' });
    expect(lastKubeletRequest().path).toBe('/containerLogs/default/duo/a');
    expect(Object.fromEntries(lastKubeletRequest().query)).toEqual({ previous: 'true', timestamps: 'true', tailLines: '3', sinceSeconds: '300', limitBytes: '100' });
    await h.ok(['logs', 'duo', 'b', '--since-time=2024-05-01T10:00:00Z']);
    expect(lastKubeletRequest().path).toBe('/containerLogs/default/duo/b');
    expect(lastKubeletRequest().query.get('sinceTime')).toBe('2024-05-01T10:00:00Z');
  });

  it('prints every container of a pod in order, each line behind its prefix', async () => {
    const r = await h.skiff(['logs', 'duo', '--all-containers', '--prefix']);
    expect(r.stdout).toBe(['setup', 'a', 'b'].flatMap((c) => [`[pod/duo/${c}] line one\n`, `[pod/duo/${c}] line two\n`]).join(''));
  });

  it('follows a log as it comes, until the kubelet ends it', async () => {
    const run = h.spawnSkiff(['logs', '-f', 'web']);
    await waitFor(() => run.output() === 'line one\nline two\n' && kubelet.followerCount === 1, { what: 'the first lines while the log is still open' });
    kubelet.endFollowedLogs('the end\n');
    const [code] = await once(run.child, 'exit');
    expect(code).toBe(0);
    expect(run.output()).toBe('line one\nline two\nthe end\n');
  });

  it('follows the logs of every pod of a selector side by side', async () => {
    const run = h.spawnSkiff(['logs', '-f', '-l', 'tier=front', '--prefix', '--tail=-1']);
    await waitFor(() => kubelet.followerCount === 2 && run.output().split('\n').length === 6, { what: 'both logs to be followed' });
    kubelet.endFollowedLogs('bye\n');
    const [code] = await once(run.child, 'exit');
    expect(code).toBe(0);
    const lines = run.output().trimEnd().split('\n');
    expect(lines[0]).toBe('Defaulted container "a" out of: a, b, setup (init)');
    expect(lines.slice(1).sort()).toEqual(
      ['[pod/duo/a] ', '[pod/web/app] '].flatMap((p) => [`${p}bye`, `${p}line one`, `${p}line two`]).sort(),
    );
  });

  it('refuses to follow more logs at once than --max-log-requests', async () => {
    const r = await h.skiff(['logs', '-f', '-l', 'tier=front', '--all-containers', '--max-log-requests=2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: you are attempting to follow 4 log streams, but maximum allowed concurrency is 2, use --max-log-requests to increase the limit\n');
  });

  it('says so when a selector matches no pod', async () => {
    expect(await h.skiff(['logs', '-l', 'app=none'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  });

  it('reports errors as kubectl does, exit code 1', async () => {
    expect(await h.skiff(['logs', 'nothere'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nothere" not found\n' });
    expect(await h.skiff(['logs', 'web', '-c', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'error: container nope is not valid for pod web\n' });
    expect(await h.skiff(['logs', 'starting'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (BadRequest): container "waiting" in pod "starting" is waiting to start: ContainerCreating\n',
    });
    expect((await h.skiff(['logs', 'web', '--since=5m', '--since-time=2024-05-01T10:00:00Z'])).stderr).toBe(
      'error: at most one of `sinceTime` or `sinceSeconds` may be specified\n',
    );
    expect((await h.skiff(['logs'])).stderr).toMatch(/^error: expected 'logs \[-f\] \[-p\] \(POD \| TYPE\/NAME\) \[-c CONTAINER\]'\./);
  });
});

describe('skiff exec', () => {
  it('feeds piped stdin to the command and ends it at EOF', async () => {
    expect(await h.skiff(['exec', '-i', 'web', '--', 'cat'], 'hi\n')).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
    const seen = lastKubeletRequest();
    expect(seen.path).toBe('/exec/default/web/app');
    expect(seen.query.toString()).toBe('command=cat&input=1&output=1&error=1');
    expect(seen.headers['sec-websocket-protocol']).toBe('v5.channel.k8s.io,v4.channel.k8s.io');
  });

  it('passes the exit code through and keeps stderr apart', async () => {
    const r = await h.skiff(['exec', 'duo', '-c', 'b', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\ncommand terminated with exit code 3\n' });
    expect(lastKubeletRequest().path).toBe('/exec/default/duo/b');
  });

  it('defaults the container with kubectl\'s note, unless -q', async () => {
    expect(await h.skiff(['exec', 'duo', '--', 'true'])).toEqual({ code: 0, stdout: '', stderr: 'Defaulted container "a" out of: a, b, setup (init)\n' });
    expect(await h.skiff(['exec', '-q', 'duo', '--', 'true'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('runs without a terminal when stdin is not one, and says so', async () => {
    const r = await h.skiff(['exec', '-it', 'web', '--', 'cat'], 'piped\n');
    expect(r).toEqual({ code: 0, stdout: 'piped\n', stderr: 'Unable to use a TTY - input is not a terminal or the right kind of file\n' });
    expect(lastKubeletRequest().query.has('tty')).toBe(false);
  });

  it('asks for a terminal when stdin is one, and gets stderr merged into it', async () => {
    const r = await h.skiffOnTerminal(['exec', '-it', 'web', '--', 'sh', '-c', 'echo on-a-terminal']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('on-a-terminal');
    expect(lastKubeletRequest().query.toString()).toBe('command=sh&command=-c&command=echo+on-a-terminal&input=1&output=1&tty=1');
  });

  it('reports a command that cannot run, a pod that is done, and a missing command', async () => {
    expect(await h.skiff(['exec', 'web', '--', 'no-such-command'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: Internal error occurred: spawn no-such-command ENOENT\n',
    });
    expect(await h.skiff(['exec', 'done', '--', 'true'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot exec into a container in a completed pod; current phase is Succeeded\n',
    });
    expect((await h.skiff(['exec', 'web'])).stderr).toBe('error: you must specify at least one command for the container\n');
    expect((await h.skiff(['exec', 'web', '-c', 'nope', '--', 'true'])).stderr).toBe('Error from server (BadRequest): container nope is not valid for pod web\n');
  });
});

describe('skiff attach', () => {
  it('connects stdin and stdout to the container\'s main process', async () => {
    const r = await h.skiff(['attach', '-i', 'web'], 'typed\n');
    expect(r).toEqual({ code: 0, stdout: 'typed\n', stderr: "If you don't see a command prompt, try pressing enter.\n" });
    expect(lastKubeletRequest().path).toBe('/attach/default/web/app');
    expect(lastKubeletRequest().query.toString()).toBe('input=1&output=1&error=1');
  });
});
