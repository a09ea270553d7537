import { describe, expect, it } from "vitest";
import { checkWindows, insideWindow } from "../../src/engine/windows.ts";

const at = (iso: string) => new Date(iso);

describe("change windows", () => {
  const office = {
    days: ["mon", "tue", "wed", "thu", "fri"],
    start: "09:00",
    end: "17:00",
    timeZone: "Europe/Berlin",
  };

  it("is open inside the window in its time zone, closed outside", () => {
    // Monday 2026-03-02: Berlin is UTC+1 in winter.
    expect(insideWindow(office, at("2026-03-02T08:00:00Z"))).toBe(true);
    expect(insideWindow(office, at("2026-03-02T07:59:00Z"))).toBe(false);
    expect(insideWindow(office, at("2026-03-02T16:00:00Z"))).toBe(false);
    expect(insideWindow(office, at("2026-03-07T10:00:00Z"))).toBe(false); // Saturday
  });

  it("follows daylight saving time", () => {
    // Monday 2026-03-30: Berlin is UTC+2 in summer, so 07:00Z is 09:00 local.
    expect(insideWindow(office, at("2026-03-30T07:00:00Z"))).toBe(true);
    expect(insideWindow(office, at("2026-03-30T15:30:00Z"))).toBe(false);
  });

  it("crosses midnight and belongs to the day it starts on", () => {
    const night = { days: ["fri"], start: "22:00", end: "02:00", timeZone: "UTC" };
    expect(insideWindow(night, at("2026-03-06T23:00:00Z"))).toBe(true); // Friday
    expect(insideWindow(night, at("2026-03-07T01:59:00Z"))).toBe(true); // Saturday early
    expect(insideWindow(night, at("2026-03-07T23:00:00Z"))).toBe(false); // Saturday night
  });

  it("no windows means always open; closed says when the next opens", () => {
    expect(checkWindows([], at("2026-03-07T10:00:00Z")).open).toBe(true);
    const check = checkWindows([office], at("2026-03-06T18:00:00Z")); // Friday evening
    expect(check.open).toBe(false);
    expect(check.nextOpen?.toISOString()).toBe("2026-03-09T08:00:00.000Z");
  });

  it("refuses an unknown time zone with a usage error", () => {
    expect(() => insideWindow({ ...office, timeZone: "Mars/Olympus" }, new Date())).toThrow(/IANA/);
  });
});
