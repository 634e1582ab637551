import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPath } from './host-path';

describe('checkHostPath', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hostpath-'));
    mkdirSync(join(dir, 'a-dir'));
    writeFileSync(join(dir, 'a-file'), 'x');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('checks nothing for the empty type, even for a missing path', async () => {
    await expect(checkHostPath(join(dir, 'missing'), '')).resolves.toBeUndefined();
    await expect(checkHostPath(join(dir, 'missing'), undefined)).resolves.toBeUndefined();
  });

  it('makes directories for DirectoryOrCreate, parents included', async () => {
    const path = join(dir, 'new/nested');
    await checkHostPath(path, 'DirectoryOrCreate');
    expect(statSync(path).isDirectory()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o755);
    await expect(checkHostPath(join(dir, 'a-file'), 'DirectoryOrCreate')).rejects.toThrow(`hostPath type check failed: ${dir}/a-file is not a directory`);
  });

  it('makes an empty file for FileOrCreate but not its parent', async () => {
    await checkHostPath(join(dir, 'made'), 'FileOrCreate');
    expect(statSync(join(dir, 'made')).size).toBe(0);
    await expect(checkHostPath(join(dir, 'a-file'), 'FileOrCreate')).resolves.toBeUndefined();
    expect(statSync(join(dir, 'a-file')).size).toBe(1);
    await expect(checkHostPath(join(dir, 'no-parent/file'), 'FileOrCreate')).rejects.toThrow(/ENOENT/);
    await expect(checkHostPath(join(dir, 'a-dir'), 'FileOrCreate')).rejects.toThrow('is not a file');
  });

  it('requires existing things of the right kind for the plain types', async () => {
    await expect(checkHostPath(join(dir, 'a-dir'), 'Directory')).resolves.toBeUndefined();
    await expect(checkHostPath(join(dir, 'missing'), 'Directory')).rejects.toThrow('is not a directory');
    await expect(checkHostPath(join(dir, 'a-file'), 'File')).resolves.toBeUndefined();
    await expect(checkHostPath(join(dir, 'a-dir'), 'File')).rejects.toThrow('is not a file');
    await expect(checkHostPath(join(dir, 'a-file'), 'Socket')).rejects.toThrow(`${dir}/a-file is not a socket file`);
    await expect(checkHostPath('/dev/null', 'CharDevice')).resolves.toBeUndefined();
    await expect(checkHostPath(join(dir, 'a-file'), 'CharDevice')).rejects.toThrow('is not a character device');
    await expect(checkHostPath('/dev/null', 'BlockDevice')).rejects.toThrow('/dev/null is not a block device');
    await expect(checkHostPath(dir, 'Folder')).rejects.toThrow('Folder is an invalid volume type');
  });

  it('accepts a listening unix socket for Socket', async () => {
    const path = join(dir, 'app.sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      await expect(checkHostPath(path, 'Socket')).resolves.toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
