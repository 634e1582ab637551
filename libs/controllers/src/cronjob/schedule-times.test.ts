import { parseCronSchedule } from '@skiff/api';
import { mostRecentScheduleTime, nextScheduleTime } from './schedule-times';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cron schedule times', () => {
  it('finds the next minute, hour, weekday and month boundary', () => {
    expect(iso(nextScheduleTime(parseCronSchedule('*/15 * * * *'), t('2024-05-01T10:07:30Z')))).toBe('2024-05-01T10:15:00.000Z');
    expect(iso(nextScheduleTime(parseCronSchedule('*/15 * * * *'), t('2024-05-01T10:15:00Z')))).toBe('2024-05-01T10:30:00.000Z');
    expect(iso(nextScheduleTime(parseCronSchedule('0 9 * * 1'), t('2024-05-01T10:00:00Z')))).toBe('2024-05-06T09:00:00.000Z');
    expect(iso(nextScheduleTime(parseCronSchedule('@yearly'), t('2024-05-01T10:00:00Z')))).toBe('2025-01-01T00:00:00.000Z');
    expect(nextScheduleTime(parseCronSchedule('0 0 30 2 *'), t('2024-05-01T10:00:00Z'))).toBeUndefined();
  });

  it('matches either day field when both are restricted', () => {
    // The 13th, or any Friday: 2024-05-03 is a Friday.
    expect(iso(nextScheduleTime(parseCronSchedule('0 0 13 * 5'), t('2024-05-01T10:00:00Z')))).toBe('2024-05-03T00:00:00.000Z');
  });

  it('reads the schedule in the CronJob time zone', () => {
    // 09:00 in New York in May (EDT, UTC-4) is 13:00 UTC; in January (EST) 14:00 UTC.
    expect(iso(nextScheduleTime(parseCronSchedule('0 9 * * *'), t('2024-05-01T10:00:00Z'), 'America/New_York'))).toBe('2024-05-01T13:00:00.000Z');
    expect(iso(nextScheduleTime(parseCronSchedule('0 9 * * *'), t('2024-01-10T15:00:00Z'), 'America/New_York'))).toBe('2024-01-11T14:00:00.000Z');
  });

  it('steps @every schedules by their interval', () => {
    expect(iso(nextScheduleTime(parseCronSchedule('@every 90s'), t('2024-05-01T10:00:00Z')))).toBe('2024-05-01T10:01:30.000Z');
  });

  it('finds the most recent missed time and counts the misses', () => {
    expect(mostRecentScheduleTime(parseCronSchedule('*/10 * * * *'), t('2024-05-01T10:00:00Z'), t('2024-05-01T10:35:00Z'))).toEqual({ latest: t('2024-05-01T10:30:00Z'), missed: 3 });
    expect(mostRecentScheduleTime(parseCronSchedule('*/10 * * * *'), t('2024-05-01T10:00:00Z'), t('2024-05-01T10:05:00Z'))).toEqual({ latest: undefined, missed: 0 });
    const far = mostRecentScheduleTime(parseCronSchedule('* * * * *'), t('2024-01-01T00:00:00Z'), t('2024-05-01T10:00:30Z'));
    expect(far.missed).toBeGreaterThan(100);
    expect(iso(far.latest)).toBe('2024-05-01T10:00:00.000Z');
  });
});
