/**
 * Issue 17, fast part: ten `advance` at once on S3 state in the sandbox, five of them under libfaketime an
 * hour ahead or behind, with the lease shortened to 2 s and a 3 s INSYNC wait (so the winner's renewals
 * keep its lock). clock-skew.test.ts runs it 20 times in a row on the sandbox and on moto.
 */
import { describe, it } from "vitest";
import { recordFigure } from "./support/figures.ts";
import { faketimeUnavailable, skewRace } from "./support/skew.ts";

const skip = faketimeUnavailable();
if (skip && process.env.CI === "true")
  throw new Error(`${skip}; CI requires faketime (.ci/run installs it).`);

describe.skipIf(skip !== undefined)(`clocks an hour apart${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("S3 state on the sandbox, lease 2 s, INSYNC 3 s: exactly one moves, the others wait (0) or are refused (5), no takeover", async () => {
    recordFigure(
      "clock-skew",
      "sandbox, lease 2 s, INSYNC 3 s",
      await skewRace({ s3: { kind: "sandbox" }, leaseMs: 2_000, inSyncDelayMs: 3_000 }),
    );
  }, 60_000);
});
