import { cronScheduleProblem, parseCronSchedule } from './cron-schedule';

describe('parseCronSchedule', () => {
  it('expands lists, ranges, steps and names', () => {
    const s = parseCronSchedule('*/15 9-17 1,15 jan-mar MON-FRI');
    expect(s).toEqual({
      kind: 'fields',
      fields: {
        minutes: [0, 15, 30, 45],
        hours: [9, 10, 11, 12, 13, 14, 15, 16, 17],
        daysOfMonth: [1, 15],
        months: [1, 2, 3],
        daysOfWeek: [1, 2, 3, 4, 5],
        dayOfMonthRestricted: true,
        dayOfWeekRestricted: true,
      },
    });
  });

  it('runs n/step to the field maximum and treats ? like *', () => {
    const s = parseCronSchedule('5/20 0 ? * ?');
    expect(s.kind === 'fields' && s.fields.minutes).toEqual([5, 25, 45]);
    expect(s.kind === 'fields' && s.fields.dayOfMonthRestricted).toBe(false);
  });

  it('expands macros and @every', () => {
    expect(parseCronSchedule('@hourly')).toEqual(parseCronSchedule('0 * * * *'));
    expect(parseCronSchedule('@weekly')).toEqual(parseCronSchedule('0 0 * * 0'));
    expect(parseCronSchedule('@every 1h30m')).toEqual({ kind: 'every', seconds: 5400 });
  });
});

describe('cronScheduleProblem', () => {
  it('accepts common schedules', () => {
    for (const s of ['* * * * *', '0 3 * * *', '30 2 */2 * 1-5', '@daily', '@midnight', '0 0 1 1 *', 'CRON_TZ=UTC 0 * * * *']) {
      expect(cronScheduleProblem(s)).toBeUndefined();
    }
  });

  it('explains what is wrong', () => {
    expect(cronScheduleProblem('')).toBe('empty spec string');
    expect(cronScheduleProblem('* * *')).toBe('expected exactly 5 fields, found 3: [* * *]');
    expect(cronScheduleProblem('61 * * * *')).toBe('end of range (61) above maximum (59): 61');
    expect(cronScheduleProblem('* * 0 * *')).toBe('beginning of range (0) below minimum (1): 0');
    expect(cronScheduleProblem('* 5-2 * * *')).toBe('beginning of range (5) beyond end of range (2): 5-2');
    expect(cronScheduleProblem('*/0 * * * *')).toBe('step of range should be a positive number: */0');
    expect(cronScheduleProblem('@fortnightly')).toBe('unrecognized descriptor: @fortnightly');
    expect(cronScheduleProblem('every minute')).toBe('expected exactly 5 fields, found 2: [every minute]');
    expect(cronScheduleProblem('a * * * *')).toContain('failed to parse int from a');
    expect(cronScheduleProblem('@every soon')).toContain('failed to parse duration');
    expect(cronScheduleProblem('* * * * 7')).toBe('end of range (7) above maximum (6): 7');
  });
});
