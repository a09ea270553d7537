/**
 * Change windows: when traffic may move forward. Pure (the time comes in); time zones through Intl, so
 * daylight-saving changes follow the IANA database. A window whose end is before its start crosses
 * midnight and belongs to the day it starts on; start = end means the whole day.
 */
import { UsageError } from "../errors.ts";

export interface WindowSpec {
  days: readonly string[];
  start: string;
  end: string;
  timeZone: string;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      throw new UsageError(
        `The change window time zone "${timeZone}" is not a known IANA time zone.`,
        "Use a name like Europe/Berlin or America/New_York.",
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Weekday (0 = Sunday) and minute of the day at `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = DAYS.indexOf(get("weekday").toLowerCase().slice(0, 3) as (typeof DAYS)[number]);
  return { day, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function insideWindow(window: WindowSpec, at: Date): boolean {
  const { day, minute } = localTime(at, window.timeZone);
  const start = minutes(window.start);
  const end = minutes(window.end);
  const on = (d: number) => window.days.includes(DAYS[(d + 7) % 7]!);
  if (start === end) return on(day);
  if (start < end) return on(day) && minute >= start && minute < end;
  return (on(day) && minute >= start) || (on(day - 1) && minute < end);
}

export interface WindowCheck {
  open: boolean;
  /** When the next window opens (within 8 days), when closed. */
  nextOpen?: Date;
}

/** No windows means always open. */
export function checkWindows(windows: readonly WindowSpec[], at: Date): WindowCheck {
  if (windows.length === 0 || windows.some((w) => insideWindow(w, at))) return { open: true };
  const isOpen = (t: Date) => windows.some((w) => insideWindow(w, t));
  const base = Math.floor(at.getTime() / 60_000) * 60_000;
  const coarse = 5 * 60_000;
  for (let t = base + coarse; t <= base + 8 * 86_400_000; t += coarse) {
    if (isOpen(new Date(t))) {
      let first = t;
      while (first - 60_000 > at.getTime() && isOpen(new Date(first - 60_000))) first -= 60_000;
      return { open: false, nextOpen: new Date(first) };
    }
  }
  return { open: false };
}
