import path from 'node:path';

/** One image tools/images built and pushed, as its ensureImages reports it. */
export interface NodeImage {
  name: string;
  digest: string;
  configDigest: string;
  size: number;
  tags: string[];
}

/**
 * Builds (or takes from the cache) the node images (busybox, and pause for registry.k8s.io/pause:3.9) and pushes
 * them to `registryUrl`, e.g. a TestRegistry's url; a kubelet with that registry as its mirror then pulls them.
 */
export async function pushNodeImages(registryUrl: string): Promise<NodeImage[]> {
  // tools/images is plain JS shared with the command line.
  const { ensureImages } = require(path.resolve(__dirname, '../../../tools/images/build-images.js')) as {
    ensureImages(o: { registry: string }): Promise<NodeImage[]>;
  };
  return ensureImages({ registry: registryUrl });
}
