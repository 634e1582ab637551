import { parseTokenFile } from './token-file';

describe('parseTokenFile', () => {
  it('reads token,user,uid and a quoted group list, skipping comments and blank lines', () => {
    const tokens = parseTokenFile('# tokens\n\nt1,alice,uid-1,"team-a,team-b"\nt2,bob,\nt3, carol ,uid-3,ops\n');
    expect(tokens.get('t1')).toEqual({ name: 'alice', uid: 'uid-1', groups: ['team-a', 'team-b'] });
    expect(tokens.get('t2')).toEqual({ name: 'bob', groups: [] });
    expect(tokens.get('t3')).toEqual({ name: 'carol', uid: 'uid-3', groups: ['ops'] });
    expect(tokens.size).toBe(3);
  });

  it('keeps a doubled quote inside a quoted field', () => {
    expect(parseTokenFile('t,"a ""b""",u\n').get('t')?.name).toBe('a "b"');
  });

  it.each([
    ['t1,alice\n', /line 1: want token,user,uid/],
    [',alice,u\n', /line 1: empty token/],
    ['t1,,u\n', /line 1: empty user name/],
    ['t1,a,u\nt1,b,u\n', /line 2: the token is listed twice/],
    ['t1,a,u,"g1,g2\n', /line 1: unterminated quote/],
    ['t1,"a"x,u\n', /line 1: text after a closing quote/],
  ])('refuses %j', (text, message) => {
    expect(() => parseTokenFile(text)).toThrow(message);
  });
});
