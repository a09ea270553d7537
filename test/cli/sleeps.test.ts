import { describe, expect, it } from "vitest";
import { sleepOrReject } from "../../src/aws/retry.ts";
import { sleepUntilAborted } from "../../src/cli/commands/run.ts";

describe("the two abortable sleeps, named by what abort does", () => {
  it("sleepOrReject (retry waits) rejects with the signal's reason", async () => {
    const controller = new AbortController();
    const wait = sleepOrReject(60_000, controller.signal);
    controller.abort(new Error("stopped"));
    await expect(wait).rejects.toThrow("stopped");
  });

  it("sleepUntilAborted (the wait between ticks) resolves quietly", async () => {
    const controller = new AbortController();
    const wait = sleepUntilAborted(60_000, controller.signal);
    controller.abort(new Error("stopped"));
    await expect(wait).resolves.toBeUndefined();
  });

  it("both finish after the time when nothing aborts", async () => {
    const signal = new AbortController().signal;
    await expect(sleepOrReject(1, signal)).resolves.toBeUndefined();
    await expect(sleepUntilAborted(1, signal)).resolves.toBeUndefined();
  });
});
