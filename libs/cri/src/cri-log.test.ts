import { formatCriLogLine, formatRfc3339Nano, parseCriLog, parseCriLogLine, parseRfc3339Nano, renderCriLogEntry } from './cri-log';

describe('parseCriLogLine', () => {
  it('reads a full line as containerd writes it', () => {
    expect(parseCriLogLine('2016-10-06T00:17:09.669794202Z stdout F hello world\n')).toEqual({
      timestamp: '2016-10-06T00:17:09.669794202Z',
      timeMs: Date.parse('2016-10-06T00:17:09.669Z'),
      nanos: 669_794_202,
      stream: 'stdout',
      partial: false,
      content: 'hello world',
    });
  });

  it('reads partial lines, stderr, extra tags, empty content and spaces inside the content', () => {
    expect(parseCriLogLine('2016-10-06T00:17:09.669794202Z stderr P part one ')).toMatchObject({ stream: 'stderr', partial: true, content: 'part one ' });
    expect(parseCriLogLine('2016-10-06T00:17:09Z stdout F:x  two  spaces')).toMatchObject({ partial: false, content: ' two  spaces', nanos: 0 });
    expect(parseCriLogLine('2016-10-06T00:17:09.5Z stdout F ')).toMatchObject({ content: '', nanos: 500_000_000 });
    expect(parseCriLogLine('2016-10-06T00:17:09.5Z stdout F')).toMatchObject({ content: '' });
  });

  it('understands zone offsets', () => {
    expect(parseCriLogLine('2016-10-06T02:17:09.25+02:00 stdout F x').timeMs).toBe(Date.parse('2016-10-06T00:17:09.250Z'));
    expect(parseRfc3339Nano('2016-10-05T21:17:09-03:00')?.timeMs).toBe(Date.parse('2016-10-06T00:17:09Z'));
  });

  it('names what is wrong with a malformed line', () => {
    expect(() => parseCriLogLine('garbage')).toThrow('no timestamp');
    expect(() => parseCriLogLine('yesterday stdout F x')).toThrow('bad timestamp "yesterday"');
    expect(() => parseCriLogLine('2016-10-06T00:17:09Z stdin F x')).toThrow('unexpected stream "stdin"');
    expect(() => parseCriLogLine('2016-10-06T00:17:09Z stdout')).toThrow('no stream');
    expect(() => parseCriLogLine('2016-10-06T00:17:09Z stdout X x')).toThrow('unexpected tag "X"');
    expect(() => parseCriLogLine('2016-13-06T00:17:09Z stdout F x')).toThrow('bad timestamp');
  });
});

describe('parseCriLog', () => {
  it('parses a file, skipping malformed lines and reporting them', () => {
    const text = ['2024-05-01T10:00:00Z stdout P abc', '2024-05-01T10:00:00.1Z stdout F def', 'oops', '2024-05-01T10:00:01Z stderr F err', ''].join('\n');
    const { entries, errors } = parseCriLog(text);
    expect(entries.map((e) => renderCriLogEntry(e)).join('')).toBe('abcdef\nerr\n');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('"oops"');
  });
});

describe('formatting', () => {
  it('formats times as Go’s RFC3339Nano does: trailing zeros dropped', () => {
    expect(formatRfc3339Nano(Date.parse('2024-05-01T10:00:00Z'))).toBe('2024-05-01T10:00:00Z');
    expect(formatRfc3339Nano(Date.parse('2024-05-01T10:00:00.120Z'))).toBe('2024-05-01T10:00:00.12Z');
    expect(formatRfc3339Nano(Date.parse('2024-05-01T10:00:00Z'), 1)).toBe('2024-05-01T10:00:00.000000001Z');
  });

  it('writes lines that parse back to the same entry', () => {
    const line = formatCriLogLine({ time: Date.parse('2024-05-01T10:00:00.5Z'), stream: 'stderr', partial: true, content: 'a b' });
    expect(line).toBe('2024-05-01T10:00:00.5Z stderr P a b\n');
    expect(parseCriLogLine(line)).toMatchObject({ stream: 'stderr', partial: true, content: 'a b', nanos: 500_000_000 });
    expect(formatCriLogLine({ time: '2016-10-06T00:17:09.669794202Z', stream: 'stdout', content: 'x' })).toBe('2016-10-06T00:17:09.669794202Z stdout F x\n');
    expect(() => formatCriLogLine({ time: 0, stream: 'stdout', content: 'a\nb' })).toThrow('cannot contain a newline');
  });

  it('renders entries with their nanosecond time when timestamps are asked for', () => {
    const entry = parseCriLogLine('2016-10-06T00:17:09.669794202Z stdout F hi');
    expect(renderCriLogEntry(entry, true)).toBe('2016-10-06T00:17:09.669794202Z hi\n');
    expect(renderCriLogEntry(parseCriLogLine('2016-10-06T00:17:09Z stdout P hi'))).toBe('hi');
  });
});
