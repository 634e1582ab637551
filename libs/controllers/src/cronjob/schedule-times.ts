import type { CronFields, CronSchedule } from '@skiff/api';

const minuteMs = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (CronJob spec.timeZone is an IANA name). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock minute of an instant in a zone, expressed as if it were UTC (so Date.UTC arithmetic walks the calendar). */
function wallClock(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
}

/** The instant a wall-clock minute in the zone falls on; around DST changes the offset is re-read once. */
function instantOf(wall: number, timeZone: string): number {
  const guess = wall - (wallClock(wall, timeZone) - Math.floor(wall / minuteMs) * minuteMs);
  const offset = wallClock(guess, timeZone) - Math.floor(guess / minuteMs) * minuteMs;
  return wall - offset;
}

function dayMatches(f: CronFields, d: Date): boolean {
  const dom = f.daysOfMonth.includes(d.getUTCDate());
  const dow = f.daysOfWeek.includes(d.getUTCDay());
  // cron's rule: with both day fields restricted either may match; otherwise the unrestricted one matches everything.
  return f.dayOfMonthRestricted && f.dayOfWeekRestricted ? dom || dow : dom && dow;
}

/** Five years without a match means the schedule never fires (e.g. 30 February). */
const searchLimitMs = 5 * 366 * 24 * 3600_000;

/** The first time the schedule fires strictly after `afterMs`, read in `timeZone`; undefined when it never does. */
export function nextScheduleTime(schedule: CronSchedule, afterMs: number, timeZone = 'UTC'): number | undefined {
  if (schedule.kind === 'every') {
    const stepMs = Math.max(1, Math.round(schedule.seconds)) * 1000;
    return Math.floor(afterMs / 1000) * 1000 + stepMs;
  }
  const f = schedule.fields;
  const startWall = wallClock(afterMs, timeZone) + minuteMs;
  for (let wall = startWall; wall - startWall < searchLimitMs; ) {
    const d = new Date(wall);
    if (!f.months.includes(d.getUTCMonth() + 1)) {
      wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    } else if (!dayMatches(f, d)) {
      wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (!f.hours.includes(d.getUTCHours())) {
      wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    } else if (!f.minutes.includes(d.getUTCMinutes())) {
      wall += minuteMs;
    } else {
      const at = instantOf(wall, timeZone);
      if (at > afterMs) return at;
      wall += minuteMs;
    }
  }
  return undefined;
}

/**
 * Kubernetes' mostRecentScheduleTime: the latest fire time in (earliestMs, nowMs], and how many were missed
 * in that window (the controller only starts the latest one).
 */
export function mostRecentScheduleTime(schedule: CronSchedule, earliestMs: number, nowMs: number, timeZone = 'UTC'): { latest?: number; missed: number } {
  let latest: number | undefined;
  let missed = 0;
  for (let t = nextScheduleTime(schedule, earliestMs, timeZone); t !== undefined && t <= nowMs; t = nextScheduleTime(schedule, t, timeZone)) {
    latest = t;
    missed++;
    // Beyond this many the count no longer matters; a far-away earliest time must not spin.
    if (missed > 100) {
      const before = nextScheduleTimeBefore(schedule, nowMs, t, timeZone);
      return { latest: before ?? latest, missed };
    }
  }
  return { latest, missed };
}

/** The last fire time ≤ nowMs, looking back over growing windows so the usual case walks only a few steps. */
function nextScheduleTimeBefore(schedule: CronSchedule, nowMs: number, fromMs: number, timeZone: string): number | undefined {
  const windows = schedule.kind === 'every' ? [schedule.seconds * 1000 + 1000] : [3600_000, 24 * 3600_000, 32 * 24 * 3600_000, 366 * 24 * 3600_000];
  for (const window of windows) {
    let last: number | undefined;
    for (let t = nextScheduleTime(schedule, Math.max(fromMs, nowMs - window), timeZone); t !== undefined && t <= nowMs; t = nextScheduleTime(schedule, t, timeZone)) last = t;
    if (last !== undefined) return last;
  }
  return undefined;
}
