/**
 * Time windows as Darktrace reads them: `starttime`/`endtime` in epoch ms, or `from`/`to` as
 * `YYYY-MM-DD HH:MM:SS` (ISO with `T`/`Z` also accepted). A lone start runs to now, a lone end
 * reaches back `defaultSpanMs`, neither gives the last `defaultSpanMs`.
 */
import type { Params } from '../http/params.ts';
import { parseHumanTime } from '../http/params.ts';

export interface TimeWindow {
  start: number;
  end: number;
}

export function readWindow(params: Params, now: number, defaultSpanMs: number): TimeWindow {
  const start = params.number('starttime') ?? human(params.string('from'));
  const end = params.number('endtime') ?? human(params.string('to'));
  if (start === undefined && end === undefined) return { start: now - defaultSpanMs, end: now };
  if (start === undefined) return { start: (end as number) - defaultSpanMs, end: end as number };
  return { start, end: end ?? now };
}

function human(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text);
  return parseHumanTime(text);
}

export const DAY_MS = 86_400_000;
