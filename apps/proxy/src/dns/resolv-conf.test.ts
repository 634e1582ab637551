import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseResolvConfNameservers, readResolvConf, upstreamsExcludingSelf } from './resolv-conf';

describe('resolv.conf', () => {
  it('lists nameservers in order, skipping comments, options and lines that are not addresses', () => {
    const text = ['# generated', 'search example.internal', 'nameserver 192.0.2.1 ; primary', 'nameserver  2001:DB8::53', 'nameserver resolver.example', 'options ndots:2 timeout:1', 'nameserver 192.0.2.2'].join('\n');
    expect(parseResolvConfNameservers(text)).toEqual({ nameservers: ['192.0.2.1', '2001:db8::53', '192.0.2.2'], ignored: ['nameserver resolver.example'] });
  });

  it('means the local resolver when no nameserver is listed, as glibc does', () => {
    expect(parseResolvConfNameservers('search a.example\n').nameservers).toEqual(['127.0.0.1']);
  });

  it('reads a file, and treats a missing one as empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-resolv-'));
    try {
      await writeFile(join(dir, 'resolv.conf'), 'nameserver 198.51.100.1\n');
      expect((await readResolvConf(join(dir, 'resolv.conf'))).nameservers).toEqual(['198.51.100.1']);
      expect((await readResolvConf(join(dir, 'missing'))).nameservers).toEqual(['127.0.0.1']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves out the DNS server itself so that forwarding cannot loop', () => {
    expect(upstreamsExcludingSelf(['10.0.0.5', '10.0.0.6'], { address: '10.0.0.5', port: 53 })).toEqual([{ address: '10.0.0.6', port: 53 }]);
    expect(upstreamsExcludingSelf(['127.0.0.1', '10.0.0.6'], { address: '0.0.0.0', port: 53 })).toEqual([{ address: '10.0.0.6', port: 53 }]);
    // On another port the server is not the one resolv.conf names.
    expect(upstreamsExcludingSelf(['10.0.0.5'], { address: '10.0.0.5', port: 5353 })).toEqual([{ address: '10.0.0.5', port: 53 }]);
  });
});
