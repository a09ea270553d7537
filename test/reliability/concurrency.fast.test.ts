/**
 * Ten `advance` processes at the same instant on one upgrade, with local file state and with S3 state
 * on the sandbox: exactly one moves, the others exit 5 naming the holder or find nothing to do (exit 0).
 * The first tick (creating the state) is raced on both, a later one (step 1 → 2) on local state;
 * concurrency.test.ts adds the later tick on S3 and S3 state on moto.
 */
import { describe, it } from "vitest";
import { raceOn } from "./support/concurrency.ts";
import { recordFigure } from "./support/figures.ts";

const S3 = { backend: "s3" as const, bucket: "ebg-state", key: "race/state.json" };

describe("ten advances at once: exactly one moves, none moves a second step", () => {
  it("local file state, first tick", async () => {
    recordFigure("concurrency", "local file: first tick", await raceOn("first", undefined));
  }, 60_000);
  it("local file state, later tick", async () => {
    recordFigure("concurrency", "local file: later tick", await raceOn("later", undefined));
  }, 60_000);
  it("S3 state on the sandbox, first tick", async () => {
    recordFigure("concurrency", "S3 sandbox: first tick", await raceOn("first", S3));
  }, 60_000);
});
