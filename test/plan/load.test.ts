import { mkdtempSync, writeFileSync, mkdirSync, openSync, ftruncateSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlan, parsePlan } from "../../src/plan/load.ts";
import { PlanError, ExitCode } from "../../src/errors.ts";
import { planError, toYaml, validPlan } from "./support.ts";

const dir = mkdtempSync(join(tmpdir(), "plan-load-"));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
async function loadError(path: string): Promise<PlanError> {
  const error = await loadPlan(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PlanError);
  expect((error as PlanError).exitCode).toBe(ExitCode.Usage);
  return error as PlanError;
}

describe("loadPlan", () => {
  it.each([
    "plans/minimal.yaml",
    "plans/production.yaml",
    "plans/s3-state.yaml",
    "plans/metric-gates.yaml",
    "plans/alb.yaml",
    "plans/global-accelerator.yaml",
    "plans/notifications.yaml",
  ])("accepts the example %s", async (path) => {
    const plan = await loadPlan(path);
    expect(plan.steps.at(-1)!.green).toBe(100);
    expect(plan.warnings).toEqual([]);
  });

  it("names file, line, column, field path and the nearest known key for a typo", () => {
    const text = toYaml(validPlan()).replace("  name: shop-1-31\n", "  nmae: shop-1-31\n");
    const error = planError(text);
    const unknown = error.issues.find((i) => i.path === "metadata.nmae")!;
    expect(unknown).toMatchObject({
      message: 'unknown field "nmae"',
      hint: 'did you mean "name"?',
      line: 3,
      column: 3,
    });
    expect(error.message).toContain("plan.yaml:3:3: metadata.nmae: unknown field");
    // The suggestion already says it: no separate "metadata.name is required".
    expect(error.issues.map((i) => i.path)).toEqual(["metadata.nmae"]);
  });

  it("lists the allowed keys when no known key is close", () => {
    const plan = validPlan();
    (plan.clusters as Record<string, unknown>).purple = { name: "x" };
    const issue = planError(toYaml(plan)).issues[0]!;
    expect(issue.path).toBe("clusters.purple");
    expect(issue.hint).toContain("blue, green");
  });

  it("explains wrong types with the value given and how to fix it", () => {
    const text = toYaml(validPlan())
      .replace('kubernetesVersion: "1.31"', "kubernetesVersion: 1.30")
      .replace("approval: true", "approval: yes");
    const issues = planError(text).issues;
    expect(issues.find((i) => i.path === "clusters.green.kubernetesVersion")).toMatchObject({
      message: "must be text, not the number 1.3",
      hint: 'put the value in quotes: "1.30"',
    });
    expect(issues.find((i) => i.path === "steps[2].approval")).toMatchObject({
      message: 'must be true or false, not the text "yes"',
    });
  });

  it("suggests the nearest allowed value of an enum", () => {
    const plan = validPlan();
    plan.retire = { mode: "delet" };
    expect(planError(toYaml(plan)).issues[0]).toMatchObject({
      path: "retire.mode",
      hint: 'did you mean "delete"?',
    });
  });

  it("reports semantic errors with their positions", () => {
    const plan = validPlan();
    plan.steps = [{ green: 50 }, { green: 40 }];
    const error = planError(toYaml(plan));
    expect(error.issues.map((i) => i.code)).toEqual(["weights-not-increasing", "last-step-not-100"]);
    expect(error.issues[0]!.line).toBeGreaterThan(1);
  });

  it("refuses malformed YAML, several documents, and alias bombs", () => {
    expect(planError("apiVersion: [\n").issues[0]!.message).toMatch(/^not valid YAML/);
    expect(planError("a: 1\n---\nb: 2\n").issues[0]!.message).toContain("more than one YAML document");
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]"];
    bomb.push(
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
    );
    expect(planError(bomb.join("\n")).issues[0]!.message).toContain("too many aliases");
    expect(planError("key: a\nkey: b\n").issues[0]!.message).toMatch(/unique|duplicate/i);
  });

  it("refuses a document that is not a mapping", () => {
    expect(planError("- a\n- b\n").issues[0]!.message).toContain("must be a mapping");
    expect(planError("42\n").issues[0]!.message).toContain("must be a mapping");
  });

  it("refuses an empty file, a comments-only file, a binary file, a directory, a missing file", async () => {
    expect((await loadError(file("empty.yaml", ""))).issues[0]!.message).toBe("the file is empty");
    expect((await loadError(file("comments.yaml", "# nothing\n"))).issues[0]!.message).toBe(
      "the file is empty",
    );
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe]);
    expect((await loadError(file("bin.yaml", binary))).issues[0]!.message).toContain("not a text file");
    expect(
      (await loadError(file("latin1.yaml", Buffer.from([0x61, 0x3a, 0x20, 0xe9])))).issues[0]!.message,
    ).toContain("not a text file");
    mkdirSync(join(dir, "a-dir"), { recursive: true });
    expect((await loadError(join(dir, "a-dir"))).issues[0]!.message).toContain("is a directory");
    expect((await loadError(join(dir, "nope.yaml"))).issues[0]!.message).toBe("no such file");
  });

  it("refuses a 10 MB file before reading it", async () => {
    const path = join(dir, "big.yaml");
    const fd = openSync(path, "w");
    ftruncateSync(fd, 10 * 1024 * 1024);
    closeSync(fd);
    const error = await loadError(path);
    expect(error.issues[0]!.message).toContain("at most 1 MiB");
  });

  it("keeps comments and formatting out of the plan hash", () => {
    const a = parsePlan(toYaml(validPlan()), "a.yaml");
    const b = parsePlan(`# a comment\n${toYaml(validPlan())}\n\n`, "b.yaml");
    expect(a.hash).toBe(b.hash);
  });
});

describe("messages for common slips", () => {
  it("says how to write percent, whole numbers, durations and lists", () => {
    const plan = validPlan();
    plan.steps = [{ green: "50%", bake: "10 minutes" }, { green: 100.5 }];
    (plan.alarms as Record<string, unknown>).names = "shop";
    const byPath = Object.fromEntries(planError(toYaml(plan)).issues.map((i) => [i.path, i]));
    expect(byPath["steps[0].green"]).toMatchObject({ hint: "write a number without quotes or a % sign" });
    expect(byPath["steps[0].bake"]!.message).toContain("must be a duration like 90s");
    expect(byPath["steps[1].green"]).toMatchObject({
      message: "must be a whole number of percent",
      hint: "use a whole number, e.g. 100",
    });
    expect(byPath["alarms.names"]!.message).toContain("must be a list");
  });
});

describe("YAML conveniences", () => {
  it("accepts anchors, aliases and merge keys within the alias limit", () => {
    const text = toYaml(validPlan()).replace(
      /steps:\n(.|\n)*?alarms:/,
      "steps:\n  - &step { green: 10, bake: 30m }\n  - { <<: *step, green: 50 }\n  - { <<: *step, green: 100 }\nalarms:",
    );
    const plan = parsePlan(text, "p.yaml");
    expect(plan.steps.map((s) => [s.green, s.bakeMs])).toEqual([
      [10, 1_800_000],
      [50, 1_800_000],
      [100, 1_800_000],
    ]);
  });
});
