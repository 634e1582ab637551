/**
 * The cron dialect CronJob.spec.schedule accepts (Kubernetes uses robfig/cron's standard parser): five
 * fields — minute, hour, day of month, month, day of week — each a comma list of `*`, `?`, `n`, `a-b`,
 * optionally `/step`, with month and weekday names; or a macro (`@hourly`, `@daily`, `@every 90m`, ...).
 */

export interface CronFields {
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  daysOfWeek: number[];
  /** cron's rule: when both day fields are restricted, a day matches if either matches. */
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

export type CronSchedule = { kind: 'fields'; fields: CronFields } | { kind: 'every'; seconds: number };

export class CronScheduleError extends Error {}

interface Bounds {
  min: number;
  max: number;
  names?: string[];
}

const minuteBounds: Bounds = { min: 0, max: 59 };
const hourBounds: Bounds = { min: 0, max: 23 };
const dayOfMonthBounds: Bounds = { min: 1, max: 31 };
const monthBounds: Bounds = { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] };
const dayOfWeekBounds: Bounds = { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };

const macros: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseNumber(text: string, b: Bounds): number {
  const named = b.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return b.min + named;
  if (!/^\d+$/.test(text)) throw new CronScheduleError(`failed to parse int from ${text}: invalid syntax`);
  return Number(text);
}

function parseRange(expr: string, b: Bounds): { values: number[]; star: boolean } {
  const [rangeText, stepText, ...extraSlash] = expr.split('/');
  if (extraSlash.length > 0) throw new CronScheduleError(`too many slashes: ${expr}`);
  const star = rangeText === '*' || rangeText === '?';
  let start: number;
  let end: number;
  if (star) {
    start = b.min;
    end = b.max;
  } else {
    const [lowText, highText, ...extraHyphen] = rangeText.split('-');
    if (extraHyphen.length > 0) throw new CronScheduleError(`too many hyphens: ${expr}`);
    start = parseNumber(lowText, b);
    // `n/step` runs from n to the field's maximum.
    end = highText !== undefined ? parseNumber(highText, b) : stepText !== undefined ? b.max : start;
  }
  let step = 1;
  if (stepText !== undefined) {
    step = parseNumber(stepText, { min: 0, max: Infinity });
    if (step <= 0) throw new CronScheduleError(`step of range should be a positive number: ${expr}`);
  }
  if (start < b.min) throw new CronScheduleError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronScheduleError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return { values, star: star && step === 1 };
}

function parseField(text: string, b: Bounds): { values: number[]; restricted: boolean } {
  const set = new Set<number>();
  let restricted = true;
  for (const expr of text.split(',')) {
    const r = parseRange(expr, b);
    r.values.forEach((v) => set.add(v));
    if (r.star) restricted = false;
  }
  return { values: [...set].sort((x, y) => x - y), restricted };
}

const durationUnits: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration such as `1h30m` or `90s`, in seconds. */
function parseDuration(text: string): number {
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let seconds = 0;
  let matched = 0;
  for (let m = part.exec(text); m; m = part.exec(text)) {
    seconds += Number(m[1]) * durationUnits[m[2]];
    matched = part.lastIndex;
  }
  if (text.length === 0 || matched !== text.length) throw new CronScheduleError(`failed to parse duration @every ${text}: invalid duration "${text}"`);
  return seconds;
}

/** Parses a schedule, throwing CronScheduleError with a robfig/cron-style message when it is not one. */
export function parseCronSchedule(schedule: string): CronSchedule {
  let spec = schedule.trim();
  if (spec.length === 0) throw new CronScheduleError('empty spec string');
  // A TZ= or CRON_TZ= prefix names the zone; CronJob validation rejects it separately in favour of spec.timeZone.
  const tz = /^(CRON_TZ|TZ)=\S+\s*/.exec(spec);
  if (tz) spec = spec.slice(tz[0].length);
  if (spec.startsWith('@every ')) return { kind: 'every', seconds: parseDuration(spec.slice('@every '.length).trim()) };
  if (spec.startsWith('@')) {
    const expanded = macros[spec];
    if (!expanded) throw new CronScheduleError(`unrecognized descriptor: ${spec}`);
    spec = expanded;
  }
  const parts = spec.split(/\s+/);
  if (parts.length !== 5) throw new CronScheduleError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const [minute, hour, dom, month, dow] = parts;
  const daysOfMonth = parseField(dom, dayOfMonthBounds);
  const daysOfWeek = parseField(dow, dayOfWeekBounds);
  return {
    kind: 'fields',
    fields: {
      minutes: parseField(minute, minuteBounds).values,
      hours: parseField(hour, hourBounds).values,
      daysOfMonth: daysOfMonth.values,
      months: parseField(month, monthBounds).values,
      daysOfWeek: daysOfWeek.values,
      dayOfMonthRestricted: daysOfMonth.restricted,
      dayOfWeekRestricted: daysOfWeek.restricted,
    },
  };
}

/** Why a schedule does not parse, or undefined when it does. */
export function cronScheduleProblem(schedule: string): string | undefined {
  try {
    parseCronSchedule(schedule);
    return undefined;
  } catch (e) {
    if (e instanceof CronScheduleError) return e.message;
    throw e;
  }
}
