import { UsageError } from '../errors.ts';

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as cron accepts.
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

function bad(schedule: string, why: string): UsageError {
  return new UsageError(
    `Invalid value for --cron: '${schedule}': ${why}`,
    'Give five fields "minute hour day-of-month month day-of-week", e.g. --cron "0 */2 * * *"; each field may use *, numbers, ranges a-b, steps */n or a-b/n, lists a,b and month/day names (jan, mon)',
    'E_CRON_SCHEDULE',
  );
}

function value(token: string, spec: FieldSpec, schedule: string): number {
  const lower = token.toLowerCase();
  const named = spec.names?.indexOf(lower as never) ?? -1;
  if (named >= 0) return spec.name === 'month' ? named + 1 : named;
  if (!/^\d+$/.test(token)) throw bad(schedule, `${spec.name} '${token}' is not a number${spec.names ? ' or a name' : ''}`);
  const n = Number(token);
  if (n < spec.min || n > spec.max) throw bad(schedule, `${spec.name} ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

/**
 * Validates a five-field cron schedule as Vixie cron reads it (numbers, ranges, steps, lists,
 * month and weekday names). Returns the schedule with its fields separated by single spaces.
 */
export function validateCronSchedule(schedule: string): string {
  if (/[\r\n%]/.test(schedule)) throw bad(schedule, 'newlines and % are not allowed');
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') throw bad(schedule, `expected 5 fields, found ${fields[0] === '' ? 0 : fields.length}`);
  fields.forEach((field, i) => {
    const spec = FIELDS[i]!;
    for (const item of field.split(',')) {
      if (item === '') throw bad(schedule, `empty list item in the ${spec.name} field`);
      const [range, step, extra] = item.split('/');
      if (extra !== undefined) throw bad(schedule, `'${item}' has more than one step`);
      if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > spec.max + 1)) {
        throw bad(schedule, `step '${step}' in the ${spec.name} field must be a number from 1 to ${spec.max + 1}`);
      }
      if (range === '*') continue;
      const [lo, hi, more] = range!.split('-');
      if (more !== undefined || lo === '' || hi === '') throw bad(schedule, `'${range}' is not a valid ${spec.name} range`);
      const a = value(lo!, spec, schedule);
      if (hi !== undefined) {
        const b = value(hi, spec, schedule);
        if (b < a) throw bad(schedule, `range ${range} in the ${spec.name} field runs backwards`);
      }
    }
  });
  return fields.join(' ');
}
