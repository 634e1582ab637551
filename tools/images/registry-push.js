// Pushes an image from an OCI layout to a registry over the Distribution (registry v2) HTTP API: each blob
// the registry lacks goes up in one monolithic upload (POST, then PUT with its digest), then the manifest is
// PUT under each tag.
const fs = require('node:fs');
const { blobPath } = require('./oci-layout');

function normalizeRegistry(registry) {
  let url;
  try {
    url = new URL(registry);
  } catch {
    throw new Error(`registry must be a URL such as http://127.0.0.1:5000, got "${registry}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`registry URL must be http or https: ${registry}`);
  return url.origin;
}

async function expect(res, statuses, what) {
  if (statuses.includes(res.status)) return res;
  const body = await res.text().catch(() => '');
  throw new Error(`${what}: registry answered ${res.status} ${res.statusText} ${body.trim().slice(0, 500)}`);
}

async function hasBlob(base, repository, digest) {
  const res = await fetch(`${base}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
  return res.status === 200;
}

async function uploadBlob(base, repository, descriptor, data) {
  const started = await expect(
    await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { 'Content-Length': '0' } }),
    [202],
    `starting the upload of ${descriptor.digest} to ${repository}`,
  );
  const location = started.headers.get('location');
  if (!location) throw new Error(`the registry gave no upload location for ${repository}`);
  const url = new URL(location, base);
  url.searchParams.set('digest', descriptor.digest);
  await expect(
    await fetch(url, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) },
      body: data,
    }),
    [201],
    `uploading ${descriptor.digest} to ${repository}`,
  );
}

/**
 * Pushes `image` (from readImage) to `registry` as `repository:tag` for each tag; blobs already there are not
 * sent again. Returns the number of blobs uploaded.
 */
async function pushImage(image, registry, repository, tags) {
  const base = normalizeRegistry(registry);
  let uploaded = 0;
  for (const blob of image.blobs) {
    if (await hasBlob(base, repository, blob.digest)) continue;
    await uploadBlob(base, repository, blob, fs.readFileSync(blobPath(image.layoutDir, blob.digest)));
    uploaded++;
  }
  for (const tag of tags) {
    const res = await expect(
      await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
        method: 'PUT',
        headers: { 'Content-Type': image.manifest.mediaType },
        body: image.manifestRaw,
      }),
      [201],
      `putting the manifest ${repository}:${tag}`,
    );
    const digest = res.headers.get('docker-content-digest');
    if (digest && digest !== image.manifestDigest) {
      throw new Error(`the registry stored ${repository}:${tag} as ${digest}, expected ${image.manifestDigest}`);
    }
  }
  return uploaded;
}

module.exports = { pushImage, normalizeRegistry };
