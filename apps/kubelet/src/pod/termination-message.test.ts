import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodDirs } from '../volumes/pod-dirs';
import { prepareTerminationMessageFile, readTerminationMessage, terminationMessageFile, terminationMessageFromLog } from './termination-message';
import { testContainer, testPod } from './test-fixtures';

describe('termination messages', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'term-msg-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const annotations = (policy = 'File') => ({
    'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
    'io.kubernetes.container.terminationMessagePolicy': policy,
  });

  it('makes an empty world-writable file per run under the pod container dir', () => {
    const c = testContainer({ terminationMessagePath: '/dev/termination-log' });
    const first = prepareTerminationMessageFile(new PodDirs(root), testPod(), c, 0);
    writeFileSync(first!.hostPath, 'old message');
    const second = prepareTerminationMessageFile(new PodDirs(root), testPod(), c, 1);
    expect(first).toEqual({ containerPath: '/dev/termination-log', hostPath: join(root, 'pods/1111-2222/containers/app/termination-log.0') });
    expect(second!.hostPath).toBe(terminationMessageFile(new PodDirs(root), testPod(), 'app', 1));
    expect(statSync(first!.hostPath).mode & 0o777).toBe(0o666);
    // The same attempt made again (a create that never started) starts empty.
    expect(readFileSync(prepareTerminationMessageFile(new PodDirs(root), testPod(), c, 0)!.hostPath, 'utf8')).toBe('');
    expect(prepareTerminationMessageFile(new PodDirs(root), testPod(), testContainer(), 0)).toBeUndefined();
  });

  it('reads the last 4 KiB of the mounted file', () => {
    const file = join(root, 'msg');
    writeFileSync(file, 'x'.repeat(5000) + 'THE END');
    const { message, fallbackToLogs } = readTerminationMessage({ annotations: annotations(), mounts: [{ containerPath: '/dev/termination-log', hostPath: file }] });
    expect(message).toHaveLength(4096);
    expect(message.endsWith('THE END')).toBe(true);
    expect(fallbackToLogs).toBe(false);
  });

  it('asks for the log tail only with FallbackToLogsOnError and an empty or missing file', () => {
    const file = join(root, 'empty');
    writeFileSync(file, '');
    const mounts = [{ containerPath: '/dev/termination-log', hostPath: file }];
    expect(readTerminationMessage({ annotations: annotations('FallbackToLogsOnError'), mounts })).toEqual({ message: '', fallbackToLogs: true });
    expect(readTerminationMessage({ annotations: annotations('File'), mounts })).toEqual({ message: '', fallbackToLogs: false });
    const gone = [{ containerPath: '/dev/termination-log', hostPath: join(root, 'gone') }];
    expect(readTerminationMessage({ annotations: annotations('FallbackToLogsOnError'), mounts: gone })).toEqual({ message: '', fallbackToLogs: true });
  });

  it('cuts a log to its last 80 lines and 2 KiB', () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const tail = terminationMessageFromLog(log);
    expect(tail.startsWith('line 20\n')).toBe(true);
    expect(tail.endsWith('line 99\n')).toBe(true);
    expect(Buffer.byteLength(terminationMessageFromLog('y'.repeat(3000)))).toBe(2048);
  });
});
