import { LinePrefixer } from './line-prefixer';

describe('LinePrefixer', () => {
  it('prefixes whole lines and holds a partial one until it is finished', () => {
    const lines = new LinePrefixer('[pod/web/app] ');
    expect(lines.push(Buffer.from('one\ntw')).toString()).toBe('[pod/web/app] one\n');
    expect(lines.push(Buffer.from('o')).toString()).toBe('');
    expect(lines.push(Buffer.from('\nthree\nfo')).toString()).toBe('[pod/web/app] two\n[pod/web/app] three\n');
    expect(lines.end().toString()).toBe('[pod/web/app] fo');
    expect(lines.end().length).toBe(0);
  });

  it('with an empty prefix only regroups bytes into lines', () => {
    const lines = new LinePrefixer('');
    expect(lines.push(Buffer.from('a\nb')).toString()).toBe('a\n');
    expect(lines.push(Buffer.from('\n')).toString()).toBe('b\n');
    expect(lines.end().length).toBe(0);
  });
});
