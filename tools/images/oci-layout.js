// Writes and reads OCI image layouts (oci-layout, index.json, blobs/sha256/...) for single-layer images built
// from a root filesystem folder. Every byte is a function of the folder's contents: tar sorts names, zeroes
// times and owners, and gzip leaves out the name and time, so the same inputs give the same digests.
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

const REF_NAME = 'org.opencontainers.image.ref.name';

function sha256(data) {
  return `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
}

function sha256File(file) {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}

function blobPath(layoutDir, digest) {
  const [alg, hex] = digest.split(':');
  return path.join(layoutDir, 'blobs', alg, hex);
}

function writeBlob(layoutDir, data) {
  const digest = sha256(data);
  const file = blobPath(layoutDir, digest);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return { digest, size: data.length };
}

/** Packs `rootfsDir` into a gzipped tar blob; returns its descriptor and the uncompressed tar's digest (the diff id). */
function writeLayer(layoutDir, rootfsDir, workDir) {
  const tarFile = path.join(workDir, 'layer.tar');
  const entries = fs.readdirSync(rootfsDir).sort();
  execFileSync('tar', [
    '--create', '--file', tarFile, '--directory', rootfsDir,
    '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=gnu',
    '--', ...entries,
  ]);
  const diffId = sha256File(tarFile);
  const uncompressedSize = fs.statSync(tarFile).size;
  execFileSync('gzip', ['-n', '-9', tarFile]);
  const gzFile = `${tarFile}.gz`;
  const digest = sha256File(gzFile);
  const size = fs.statSync(gzFile).size;
  const dest = blobPath(layoutDir, digest);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.renameSync(gzFile, dest);
  return { layer: { mediaType: MEDIA_TYPES.layer, digest, size }, diffId, uncompressedSize };
}

/**
 * Writes a complete one-layer image into `layoutDir` (which must be empty or absent): the layer from
 * `rootfsDir`, an image config built from `imageConfig` (the OCI config's `config` object), the manifest and an
 * index naming it with each of `tags`.
 */
function writeImage({ layoutDir, rootfsDir, workDir, imageConfig, tags, arch }) {
  fs.mkdirSync(path.join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  const { layer, diffId, uncompressedSize } = writeLayer(layoutDir, rootfsDir, workDir);
  const config = {
    created: '1970-01-01T00:00:00Z',
    architecture: arch,
    os: 'linux',
    config: imageConfig,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: 'skiff tools/images' }],
  };
  const configDesc = { mediaType: MEDIA_TYPES.config, ...writeBlob(layoutDir, Buffer.from(JSON.stringify(config))) };
  const manifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config: configDesc, layers: [layer] };
  const manifestDesc = { mediaType: MEDIA_TYPES.manifest, ...writeBlob(layoutDir, Buffer.from(JSON.stringify(manifest))) };
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: tags.map((tag) => ({ ...manifestDesc, annotations: { [REF_NAME]: tag } })),
  };
  fs.writeFileSync(path.join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(layoutDir, 'index.json'), JSON.stringify(index));
  fs.writeFileSync(path.join(layoutDir, 'sizes.json'), JSON.stringify({ uncompressedLayers: uncompressedSize }));
  return readImage(layoutDir);
}

/** The image in a layout written by writeImage: its manifest (parsed and raw), tags and blob descriptors. */
function readImage(layoutDir) {
  const index = JSON.parse(fs.readFileSync(path.join(layoutDir, 'index.json'), 'utf8'));
  if (!Array.isArray(index.manifests) || index.manifests.length === 0) {
    throw new Error(`${layoutDir}/index.json names no manifest`);
  }
  const manifestDesc = index.manifests[0];
  const manifestRaw = fs.readFileSync(blobPath(layoutDir, manifestDesc.digest));
  if (sha256(manifestRaw) !== manifestDesc.digest) throw new Error(`${layoutDir}: manifest blob does not match its digest`);
  const manifest = JSON.parse(manifestRaw.toString('utf8'));
  const blobs = [manifest.config, ...manifest.layers];
  for (const b of blobs) {
    const file = blobPath(layoutDir, b.digest);
    if (!fs.existsSync(file) || fs.statSync(file).size !== b.size) throw new Error(`${layoutDir}: blob ${b.digest} is missing or truncated`);
  }
  return {
    layoutDir,
    manifestDigest: manifestDesc.digest,
    manifestRaw,
    manifest,
    tags: index.manifests.map((m) => m.annotations?.[REF_NAME]).filter(Boolean),
    blobs,
    // What a registry stores for the image: manifest, config and the compressed layers.
    size: manifestRaw.length + blobs.reduce((sum, b) => sum + b.size, 0),
    unpackedSize: readSizes(layoutDir).uncompressedLayers,
  };
}

function readSizes(layoutDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(layoutDir, 'sizes.json'), 'utf8'));
  } catch {
    return {};
  }
}

module.exports = { MEDIA_TYPES, sha256, sha256File, blobPath, writeImage, readImage };
