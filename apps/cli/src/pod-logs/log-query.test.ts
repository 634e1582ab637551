import { logQuery } from './log-query';

describe('logQuery', () => {
  it('sends only the options that were set', () => {
    expect(logQuery({}, false)).toEqual({});
    expect(logQuery({ follow: true, previous: true, timestamps: true, tail: '3', since: '5m', limitBytes: '100' }, false)).toEqual({
      follow: 'true',
      previous: 'true',
      timestamps: 'true',
      tailLines: '3',
      sinceSeconds: '300',
      limitBytes: '100',
    });
    expect(logQuery({ sinceTime: '2024-05-01T10:00:00Z', limitBytes: '0' }, false)).toEqual({ sinceTime: '2024-05-01T10:00:00Z' });
  });

  it('shows 10 lines by default for a selector, and every line with --tail=-1', () => {
    expect(logQuery({}, true)).toEqual({ tailLines: '10' });
    expect(logQuery({ tail: '-1' }, true)).toEqual({});
  });

  it('rounds --since to whole seconds, as kubectl does', () => {
    expect(logQuery({ since: '1500ms' }, false)).toEqual({ sinceSeconds: '2' });
    expect(logQuery({ since: '90ms' }, false)).toEqual({ sinceSeconds: '0' });
  });

  it('refuses bad flags before any request', () => {
    expect(() => logQuery({ tail: '-5' }, false)).toThrow('--tail must be greater than or equal to -1');
    expect(() => logQuery({ tail: 'x' }, false)).toThrow('invalid argument "x" for "--tail" flag: not an integer');
    expect(() => logQuery({ since: '5m', sinceTime: '2024-05-01T10:00:00Z' }, false)).toThrow('at most one of `sinceTime` or `sinceSeconds` may be specified');
    expect(() => logQuery({ since: 'abc' }, false)).toThrow('invalid argument "abc" for "--since" flag: time: invalid duration "abc"');
    expect(() => logQuery({ sinceTime: 'yesterday' }, false)).toThrow('invalid --since-time "yesterday"');
  });
});
