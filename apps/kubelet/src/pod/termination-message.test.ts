import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PodDirs } from '../volumes/pod-dirs';
import { prepareTerminationMessageFile, readTerminationMessage, terminationMessageFromLog } from './termination-message';
import { testContainer, testPod } from './test-fixtures';

describe('termination messages', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'term-msg-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const annotations = (policy = 'File') => ({
    'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
    'io.kubernetes.container.terminationMessagePolicy': policy,
  });

  it('makes a fresh world-writable file per run under the pod container dir', async () => {
    const c = testContainer({ terminationMessagePath: '/dev/termination-log' });
    const first = await prepareTerminationMessageFile(new PodDirs(root), testPod(), c);
    const second = await prepareTerminationMessageFile(new PodDirs(root), testPod(), c);
    expect(first?.containerPath).toBe('/dev/termination-log');
    expect(dirname(first!.hostPath)).toBe(join(root, 'pods/1111-2222/containers/app'));
    expect(second!.hostPath).not.toBe(first!.hostPath);
    expect(statSync(first!.hostPath).mode & 0o777).toBe(0o666);
    expect(await prepareTerminationMessageFile(new PodDirs(root), testPod(), testContainer())).toBeUndefined();
  });

  it('reads the last 4 KiB of the mounted file', async () => {
    const file = join(root, 'msg');
    writeFileSync(file, 'x'.repeat(5000) + 'THE END');
    const { message, fallbackToLogs } = await readTerminationMessage({ annotations: annotations(), mounts: [{ containerPath: '/dev/termination-log', hostPath: file }] });
    expect(message).toHaveLength(4096);
    expect(message.endsWith('THE END')).toBe(true);
    expect(fallbackToLogs).toBe(false);
  });

  it('asks for the log tail only with FallbackToLogsOnError and an empty or missing file', async () => {
    const file = join(root, 'empty');
    writeFileSync(file, '');
    const mounts = [{ containerPath: '/dev/termination-log', hostPath: file }];
    expect(await readTerminationMessage({ annotations: annotations('FallbackToLogsOnError'), mounts })).toEqual({ message: '', fallbackToLogs: true });
    expect(await readTerminationMessage({ annotations: annotations('File'), mounts })).toEqual({ message: '', fallbackToLogs: false });
    const gone = [{ containerPath: '/dev/termination-log', hostPath: join(root, 'gone') }];
    expect(await readTerminationMessage({ annotations: annotations('FallbackToLogsOnError'), mounts: gone })).toEqual({ message: '', fallbackToLogs: true });
  });

  it('cuts a log to its last 80 lines and 2 KiB', () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const tail = terminationMessageFromLog(log);
    expect(tail.startsWith('line 20\n')).toBe(true);
    expect(tail.endsWith('line 99\n')).toBe(true);
    expect(Buffer.byteLength(terminationMessageFromLog('y'.repeat(3000)))).toBe(2048);
  });
});
