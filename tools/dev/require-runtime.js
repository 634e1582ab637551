#!/usr/bin/env node
// Makes sure a node has what it needs beneath the kubelet: containerd, runc, the CNI plugins, iptables, the
// parts the local images are built from (busybox-static, gcc + libc6-dev for pause) and a registry to pull
// them from. Installs missing Debian packages with apt-get when running as root, otherwise stops with one
// line naming them. As root it also turns on IPv4 forwarding, which pod traffic leaving the bridge needs.
const { execFileSync, execSync } = require('node:child_process');
const fs = require('node:fs');

const RUNTIME_PACKAGES = [
  'containerd',
  'runc',
  'containernetworking-plugins',
  'iptables',
  'busybox-static',
  'docker-registry',
  'gcc',
  'libc6-dev',
];

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasCommand(cmd) {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

/** The packages of `pkgs` dpkg reports as installed, asked in one dpkg-query call (it is on every start's path). */
function installedPackages(pkgs) {
  let out;
  try {
    out = execFileSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...pkgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    // dpkg-query exits 1 when it knows some of the packages not at all, and still lists the others.
    out = typeof e.stdout === 'string' ? e.stdout : '';
  }
  return new Set(
    out
      .split('\n')
      .filter((line) => line.trim().endsWith(' installed'))
      .map((line) => line.split(' ')[0].split(':')[0]),
  );
}

/** The packages of RUNTIME_PACKAGES that dpkg does not report as installed. */
function missingRuntimePackages() {
  if (!hasCommand('dpkg-query')) {
    throw new Error(`a Debian-based system is needed (no dpkg-query); install the equivalents of: ${RUNTIME_PACKAGES.join(' ')}`);
  }
  const installed = installedPackages(RUNTIME_PACKAGES);
  return RUNTIME_PACKAGES.filter((p) => !installed.has(p));
}

/** Sets a sysctl through /proc/sys when it differs; returns true when it changed something. */
function ensureSysctl(name, value) {
  const file = `/proc/sys/${name.replace(/\./g, '/')}`;
  if (!fs.existsSync(file)) return false;
  if (fs.readFileSync(file, 'utf8').trim() === value) return false;
  fs.writeFileSync(file, value);
  return true;
}

/** The kernel settings a node needs: forwarding for pod traffic, and bridged traffic through iptables for Services. */
function ensureNodeSysctls() {
  if (!isRoot()) return [];
  const changed = [];
  for (const [name, value] of [
    ['net.ipv4.ip_forward', '1'],
    ['net.bridge.bridge-nf-call-iptables', '1'],
  ]) {
    if (ensureSysctl(name, value)) changed.push(`${name}=${value}`);
  }
  return changed;
}

/**
 * Installs what is missing (as root) or throws with the one command that would; then sets the node's sysctls.
 * `log` receives progress lines.
 */
function requireRuntime(log = (line) => console.error(line)) {
  const missing = missingRuntimePackages();
  if (missing.length > 0) {
    if (!isRoot() || !hasCommand('apt-get')) {
      throw new Error(`missing Debian packages: ${missing.join(' ')}; run \`sudo apt-get install -y ${missing.join(' ')}\` and retry`);
    }
    log(`installing ${missing.join(' ')} with apt-get`);
    try {
      execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`, {
        stdio: ['ignore', 'inherit', 'inherit'],
        shell: '/bin/sh',
      });
    } catch {
      throw new Error(`installing ${missing.join(' ')} with apt-get failed; install them by hand and retry`);
    }
  }
  for (const s of ensureNodeSysctls()) log(`set ${s}`);
}

module.exports = { RUNTIME_PACKAGES, hasCommand, missingRuntimePackages, ensureNodeSysctls, requireRuntime };

if (require.main === module) {
  try {
    requireRuntime();
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}
