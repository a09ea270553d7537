/**
 * Issue 17, full part: the clock-skew race (see support/skew.ts) 20 times in a row on S3 state in the
 * sandbox and on moto (S3 only; Route 53, CloudWatch and EKS stay on the sandbox), each round with the
 * lease shortened to 2 s against a 3 s INSYNC wait, plus one round each with the default lease.
 * EKS_BLUEGREEN_SKEW_ROUNDS changes the count.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMoto, type Moto } from "../support/moto.ts";
import { recordFigure } from "./support/figures.ts";
import { faketimeUnavailable, skewRace, type SkewOptions } from "./support/skew.ts";

const ROUNDS = Number(process.env.EKS_BLUEGREEN_SKEW_ROUNDS ?? 20);
const skip = faketimeUnavailable();
if (skip && process.env.CI === "true")
  throw new Error(`${skip}; CI requires faketime (.ci/run installs it).`);

let moto: Moto | undefined;

describe.skipIf(skip !== undefined)(
  `clocks an hour apart, ${ROUNDS} rounds${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    beforeAll(async () => {
      moto = await startMoto();
    }, 60_000);
    afterAll(async () => moto?.close());

    const s3 = (backend: "sandbox" | "moto"): SkewOptions["s3"] =>
      backend === "sandbox" ? { kind: "sandbox" } : { kind: "moto", endpoint: moto!.endpoint };

    it.each(["sandbox", "moto"] as const)(
      `on %s: ${ROUNDS} rounds in a row, lease 2 s, INSYNC 3 s`,
      async (backend) => {
        const ms: number[] = [];
        const lockWrites: number[] = [];
        const failures: string[] = [];
        // Every round runs (a failure is kept, not thrown at once), so the figures say how many held.
        for (let round = 0; round < ROUNDS; round++) {
          try {
            const outcome = await skewRace({ s3: s3(backend), leaseMs: 2_000, inSyncDelayMs: 3_000 });
            ms.push(outcome.ms);
            lockWrites.push(outcome.lockWrites);
          } catch (error) {
            failures.push(`round ${round + 1}: ${(error as Error).message.split("\n")[0]!.slice(0, 300)}`);
          }
        }
        recordFigure("clock-skew", `${backend}: ${ROUNDS} rounds, lease 2 s, INSYNC 3 s`, {
          rounds: ROUNDS,
          passed: ROUNDS - failures.length,
          ...(ms.length ? { raceMs: { min: Math.min(...ms), max: Math.max(...ms) } } : {}),
          ...(lockWrites.length
            ? { winnerLockWrites: { min: Math.min(...lockWrites), max: Math.max(...lockWrites) } }
            : {}),
          failures,
        });
        expect(failures).toEqual([]);
      },
      900_000,
    );

    it.each(["sandbox", "moto"] as const)(
      "on %s: default lease, INSYNC 1 s",
      async (backend) => {
        recordFigure(
          "clock-skew",
          `${backend}: default lease, INSYNC 1 s`,
          await skewRace({ s3: s3(backend), inSyncDelayMs: 1_000 }),
        );
      },
      120_000,
    );
  },
);
