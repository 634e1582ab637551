// A small general-purpose image: Debian's static busybox with a symlink per applet (sh, httpd, wget, nc,
// sleep, ...), the root and nobody accounts, and the folders those applets expect.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { isStaticElf } = require('./elf');
const { sha256File } = require('./oci-layout');

const BUSYBOX = '/bin/busybox';
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function busyboxBinary() {
  if (!fs.existsSync(BUSYBOX)) {
    throw new Error(`${BUSYBOX} is missing: run \`node tools/dev/require-runtime.js\` (as root) to install busybox-static`);
  }
  if (!isStaticElf(BUSYBOX)) {
    throw new Error(`${BUSYBOX} is dynamically linked; install busybox-static in place of busybox`);
  }
  return BUSYBOX;
}

/** "1.35.0" from the binary's banner. */
function busyboxVersion() {
  const banner = execFileSync(busyboxBinary(), [], { encoding: 'utf8' }).split('\n')[0];
  const m = banner.match(/BusyBox v(\d+)\.(\d+)\.(\d+)/);
  if (!m) throw new Error(`cannot read the busybox version from "${banner}"`);
  return { full: `${m[1]}.${m[2]}.${m[3]}`, minor: `${m[1]}.${m[2]}` };
}

const busyboxImage = {
  name: 'busybox',
  source: __filename,
  repository: 'library/busybox',
  get tags() {
    const v = busyboxVersion();
    return ['latest', v.minor, v.full];
  },
  inputs: () => [sha256File(busyboxBinary())],
  build(rootfs) {
    const binary = busyboxBinary();
    rootfs.copy('bin/busybox', binary, 0o755);
    const applets = execFileSync(binary, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    for (const applet of applets) {
      if (!rootfs.exists(applet)) rootfs.symlink(applet, '/bin/busybox');
    }
    rootfs.file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    rootfs.file('etc/group', 'root:x:0:\nnobody:x:65534:\n');
    rootfs.directory('root', 0o700);
    rootfs.directory('tmp', 0o1777);
    rootfs.directory('var/www');
    for (const d of ['dev', 'proc', 'sys', 'home', 'usr/local/bin']) rootfs.directory(d);
    return { Env: [PATH], Cmd: ['sh'], WorkingDir: '/' };
  },
};

module.exports = { busyboxImage, busyboxVersion };
