// Tells a statically linked executable from a dynamic one: a dynamic ELF has a PT_INTERP program header
// naming its loader, which an image without /lib would not have.
const fs = require('node:fs');

const PT_INTERP = 3;

function isStaticElf(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    fs.readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF executable`);
    if (head[4] !== 2 || head[5] !== 1) throw new Error(`${file} is not a 64-bit little-endian ELF executable`);
    const phoff = Number(head.readBigUInt64LE(32));
    const phentsize = head.readUInt16LE(54);
    const phnum = head.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    fs.readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      if (table.readUInt32LE(i * phentsize) === PT_INTERP) return false;
    }
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { isStaticElf };
