// Builds a root filesystem folder entry by entry with explicit modes, so the layer does not depend on the
// umask or on the modes of the files it was copied from.
const fs = require('node:fs');
const path = require('node:path');

class Rootfs {
  constructor(dir) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o755);
  }

  /** Creates a directory with `mode`; missing parents are made 0755. */
  directory(rel, mode = 0o755) {
    const full = this.parents(rel);
    if (!fs.existsSync(full)) fs.mkdirSync(full);
    fs.chmodSync(full, mode);
  }

  /** Writes a file with `mode`; missing parents are made 0755. */
  file(rel, content, mode = 0o644) {
    const full = this.parents(rel);
    fs.writeFileSync(full, content);
    fs.chmodSync(full, mode);
  }

  /** Copies the file at `source` into the rootfs with `mode`. */
  copy(rel, source, mode = 0o755) {
    this.file(rel, fs.readFileSync(source), mode);
  }

  symlink(rel, target) {
    fs.symlinkSync(target, this.parents(rel));
  }

  exists(rel) {
    try {
      fs.lstatSync(this.resolve(rel));
      return true;
    } catch {
      return false;
    }
  }

  /** Makes the missing parent directories of `rel` (0755) and returns its absolute path. */
  parents(rel) {
    const full = this.resolve(rel);
    let dir = this.dir;
    for (const part of path.relative(this.dir, path.dirname(full)).split(path.sep).filter(Boolean)) {
      dir = path.join(dir, part);
      if (!fs.existsSync(dir)) {
        fs.mkdirSync(dir);
        fs.chmodSync(dir, 0o755);
      }
    }
    return full;
  }

  resolve(rel) {
    const full = path.resolve(this.dir, rel.replace(/^\/+/, ''));
    if (!full.startsWith(this.dir + path.sep)) throw new Error(`path ${rel} is not inside the rootfs`);
    return full;
  }
}

module.exports = { Rootfs };
