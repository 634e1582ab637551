// The sandbox ("pause") image: one static binary that holds a pod's namespaces, built here from pause.c.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { sha256File } = require('./oci-layout');

const SOURCE = path.join(__dirname, 'pause', 'pause.c');

function compilerIdentity() {
  let version;
  try {
    version = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    throw new Error('gcc is not installed: run `node tools/dev/require-runtime.js` (as root) to install gcc and libc6-dev');
  }
  const libc = execFileSync('gcc', ['-print-file-name=libc.a'], { encoding: 'utf8' }).trim();
  if (!path.isAbsolute(libc) || !fs.existsSync(libc)) {
    throw new Error('the static C library (libc.a) is missing: install libc6-dev');
  }
  return [version, sha256File(libc)];
}

const pauseImage = {
  name: 'pause',
  source: __filename,
  // The sandbox image containerd is configured with; the registry mirror for registry.k8s.io serves it.
  repository: 'pause',
  tags: ['3.9'],
  inputs: () => [fs.readFileSync(SOURCE), ...compilerIdentity()],
  build(rootfs, workDir) {
    const binary = path.join(workDir, 'pause');
    // Compiled from a fixed relative name and stripped, so the binary does not depend on where the repo lives.
    execFileSync('gcc', ['-static', '-O2', '-s', '-o', binary, path.basename(SOURCE)], { cwd: path.dirname(SOURCE) });
    rootfs.copy('pause', binary, 0o755);
    return {
      Entrypoint: ['/pause'],
      User: '65535:65535',
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      WorkingDir: '/',
    };
  },
};

module.exports = { pauseImage };
