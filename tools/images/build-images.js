#!/usr/bin/env node
// Builds the node's images (pause, busybox) without Docker into a cache of OCI layouts and pushes them to a
// registry, so containerd pulls them as it would on a real cluster:
//   node tools/images/build-images.js --registry=http://127.0.0.1:5000 [--cache-dir=DIR]
// An image is rebuilt only when its inputs (the recipe, the builder, the busybox binary, pause.c, gcc and
// libc) change; the same inputs give byte-identical images.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { readImage, writeImage } = require('./oci-layout');
const { Rootfs } = require('./rootfs');
const { pushImage, normalizeRegistry } = require('./registry-push');
const { pauseImage } = require('./pause-image');
const { busyboxImage } = require('./busybox-image');

const DEFAULT_CACHE_DIR = path.resolve(__dirname, '..', '..', '.skiff', 'images');
const BUILDER_SOURCES = ['oci-layout.js', 'rootfs.js', 'elf.js', 'build-images.js'].map((f) => path.join(__dirname, f));
const IMAGES = [pauseImage, busyboxImage];
// The name containerd's sandbox_image uses; a mirror for registry.k8s.io points at the local registry.
const SANDBOX_IMAGE = 'registry.k8s.io/pause:3.9';

function goArch() {
  const arches = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  const arch = arches[process.arch];
  if (!arch) throw new Error(`no OCI architecture name known for ${process.arch}`);
  return arch;
}

function inputsHash(recipe, tags, arch) {
  const hash = crypto.createHash('sha256');
  for (const part of [recipe.name, arch, tags.join(','), ...[...BUILDER_SOURCES, recipe.source].map((f) => fs.readFileSync(f)), ...recipe.inputs()]) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function cachedImage(dir) {
  try {
    return readImage(dir);
  } catch {
    return undefined;
  }
}

/** The recipe's image from the cache, built first when its inputs changed. */
function buildImage(recipe, cacheDir) {
  const arch = goArch();
  const tags = recipe.tags;
  const finalDir = path.join(cacheDir, `${recipe.name}-${inputsHash(recipe, tags, arch)}`);
  const cached = cachedImage(finalDir);
  if (cached) return { ...cached, built: false };

  fs.mkdirSync(cacheDir, { recursive: true });
  const buildDir = fs.mkdtempSync(path.join(cacheDir, `.build-${recipe.name}-`));
  try {
    const workDir = path.join(buildDir, 'work');
    fs.mkdirSync(workDir);
    const rootfs = new Rootfs(path.join(buildDir, 'rootfs'));
    const imageConfig = recipe.build(rootfs, workDir);
    const layoutDir = path.join(buildDir, 'layout');
    writeImage({ layoutDir, rootfsDir: rootfs.dir, workDir, imageConfig, tags, arch });
    // Another build of the same inputs may have finished first; its result is identical, so either stays.
    fs.rmSync(finalDir, { recursive: true, force: true });
    try {
      fs.renameSync(layoutDir, finalDir);
    } catch (e) {
      if (!cachedImage(finalDir)) throw e;
    }
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
  pruneOtherBuilds(cacheDir, recipe.name, path.basename(finalDir));
  return { ...readImage(finalDir), built: true };
}

function pruneOtherBuilds(cacheDir, name, keep) {
  for (const entry of fs.readdirSync(cacheDir)) {
    if (entry !== keep && entry.startsWith(`${name}-`) && /^[0-9a-f]{16}$/.test(entry.slice(name.length + 1))) {
      fs.rmSync(path.join(cacheDir, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Builds (when needed) and pushes every node image to `registry` (e.g. http://127.0.0.1:5000). Returns, per
 * image, its references in that registry, manifest and config digests, sizes and whether it was rebuilt.
 */
async function ensureImages({ registry, cacheDir = DEFAULT_CACHE_DIR } = {}) {
  const base = registry === undefined ? undefined : normalizeRegistry(registry);
  const results = [];
  for (const recipe of IMAGES) {
    const image = buildImage(recipe, cacheDir);
    const uploadedBlobs = base ? await pushImage(image, base, recipe.repository, image.tags) : 0;
    const host = base ? new URL(base).host : undefined;
    results.push({
      name: recipe.name,
      repository: recipe.repository,
      tags: image.tags,
      references: host ? image.tags.map((t) => `${host}/${recipe.repository}:${t}`) : [],
      digest: image.manifestDigest,
      // What CRI PullImage returns as the image ref (containerd's image id).
      configDigest: image.manifest.config.digest,
      size: image.size,
      unpackedSize: image.unpackedSize,
      built: image.built,
      uploadedBlobs,
      layoutDir: image.layoutDir,
    });
  }
  return results;
}

function parseArgs(argv) {
  const opts = {};
  for (const arg of argv) {
    const m = arg.match(/^--(registry|cache-dir)=(.+)$/);
    if (m) opts[m[1] === 'registry' ? 'registry' : 'cacheDir'] = m[2];
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else throw new Error(`unknown argument "${arg}"; usage: build-images.js [--registry=http://127.0.0.1:5000] [--cache-dir=DIR]`);
  }
  return opts;
}

module.exports = { ensureImages, buildImage, IMAGES, SANDBOX_IMAGE, DEFAULT_CACHE_DIR };

if (require.main === module) {
  (async () => {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      console.log('usage: build-images.js [--registry=http://127.0.0.1:5000] [--cache-dir=DIR]\nwithout --registry the images are only built');
      return;
    }
    for (const r of await ensureImages(opts)) {
      const where = r.references.length > 0 ? r.references.join(' ') : r.layoutDir;
      console.log(`${r.name} ${r.digest} ${(r.size / 1024).toFixed(0)} KiB (${r.built ? 'built' : 'cached'}${r.references.length ? `, ${r.uploadedBlobs} blobs uploaded` : ''}) ${where}`);
    }
  })().catch((e) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
