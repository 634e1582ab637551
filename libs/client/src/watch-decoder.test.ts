import { WatchEventDecoder } from './watch-decoder';

const ev = (name: string, rv: string) => JSON.stringify({ type: 'ADDED', object: { metadata: { name, resourceVersion: rv } } });

describe('WatchEventDecoder', () => {
  it('reassembles events split across chunks and splits chunks holding several', () => {
    const d = new WatchEventDecoder<{ metadata: { name: string } }>();
    const stream = `${ev('a', '1')}\n${ev('b', '2')}\n${ev('c', '3')}\n`;
    const names: string[] = [];
    // Every split point, including inside the JSON and right at the newlines.
    for (let cut = 1; cut < stream.length; cut += 7) {
      const decoder = new WatchEventDecoder<{ metadata: { name: string } }>();
      const got = [...decoder.write(stream.slice(0, cut)), ...decoder.write(stream.slice(cut)), ...decoder.end()];
      expect(got.map((e) => e.object.metadata.name)).toEqual(['a', 'b', 'c']);
    }
    for (const chunk of stream.match(/.{1,5}/gs)!) names.push(...d.write(chunk).map((e) => e.object.metadata.name));
    expect(names).toEqual(['a', 'b', 'c']);
  });

  it('keeps a multi-byte character split between two buffers intact', () => {
    const bytes = Buffer.from(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x' }, data: { greeting: 'héllo €' } } })}\n`);
    const at = bytes.indexOf(0xe2) + 1; // inside the three-byte euro sign
    const d = new WatchEventDecoder<{ data: { greeting: string } }>();
    const got = [...d.write(bytes.subarray(0, at)), ...d.write(bytes.subarray(at))];
    expect(got[0].object.data.greeting).toBe('héllo €');
  });

  it('returns a last event that lacks its newline at the end', () => {
    const d = new WatchEventDecoder();
    expect(d.write(ev('a', '1'))).toEqual([]);
    expect(d.end()).toHaveLength(1);
  });

  it('rejects lines that are not watch events', () => {
    expect(() => new WatchEventDecoder().write('not json\n')).toThrow(/malformed watch event "not json"/);
    expect(() => new WatchEventDecoder().write('{"kind":"Pod"}\n')).toThrow(/expected \{"type", "object"\}/);
  });
});
