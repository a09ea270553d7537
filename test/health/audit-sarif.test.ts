/**
 * `audit --output sarif|junit` through the built CLI: the SARIF validates against the SARIF 2.1.0 JSON
 * Schema (vendored in fixtures/, see the commit), rule ids are finding codes, locations point at the
 * manifest file and the line its object starts on; exit 0 clean, 4 blocking, and --fail-on-warnings.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import AjvFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT, BIN } from "../cli/harness.ts";

function cli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

// Both are CommonJS with `exports.default`: under ESM the class and function sit on `.default`.
const Ajv = AjvDraft04.default;
const addFormats = AjvFormats.default;
let validate: ReturnType<InstanceType<typeof Ajv>["compile"]>;
beforeAll(async () => {
  ensureBuilt();
  const schema = JSON.parse(
    await readFile(new URL("./fixtures/sarif-2.1.0-rtm.5.schema.json", import.meta.url), "utf8"),
  );
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
});

const run0 = (s: { runs: unknown[] }) => s.runs[0] as object;

// SARIF read loosely here: the schema checks the shape, the assertions what matters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe("audit --output sarif", () => {
  it("audit --manifests plans/manifests --output sarif validates against the SARIF 2.1.0 schema", async () => {
    const r = await cli(["audit", "--manifests", "plans/manifests", "--output", "sarif"]);
    const sarif: Json = JSON.parse(r.stdout);
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(sarif.version).toBe("2.1.0");
    // The validator does reject what is not SARIF 2.1.0.
    expect(validate({ ...sarif, version: "2.0.0" })).toBe(false);
    expect(validate({ ...sarif, runs: [{ ...run0(sarif), results: [{ ruleId: "x" }] }] })).toBe(false);
    const run = sarif.runs[0];
    const ruleIds = run.tool.driver.rules.map((x: Json) => x.id);
    expect(new Set(run.results.map((x: Json) => x.ruleId))).toEqual(new Set(ruleIds));
    expect(ruleIds).toContain("no-readiness-probe");
    // Blocking findings (removed APIs) are errors, and the exit is 4.
    expect(run.results.some((x: Json) => x.level === "error")).toBe(true);
    expect(r.code).toBe(4);
    // Each location is the manifest file and the line its object starts on.
    const located = run.results.filter((x: Json) => x.locations[0].physicalLocation);
    expect(located.length).toBe(run.results.length);
    for (const x of located.slice(0, 10)) {
      const { artifactLocation, region } = x.locations[0].physicalLocation;
      expect(artifactLocation.uri).toMatch(/^plans\/manifests\/.+\.ya?ml$/);
      const lines = (await readFile(join(ROOT, artifactLocation.uri), "utf8")).split("\n");
      expect(lines[region.startLine - 1]).toMatch(/^(apiVersion|kind|metadata):/);
    }
  });

  it("a clean audit is valid SARIF with no results and exits 0; warnings fail with --fail-on-warnings", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ebg-sarif-"));
    await writeFile(
      join(dir, "single.yaml"),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: solo, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: solo } }
  template:
    metadata: { labels: { app: solo } }
    spec:
      containers:
        - name: solo
          image: shop/solo:1.0
          readinessProbe: { httpGet: { path: /ready, port: 8080 } }
          livenessProbe: { httpGet: { path: /live, port: 8080 } }
          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 100m, memory: 64Mi } }
`,
    );
    const r = await cli(["audit", "--manifests", "single.yaml", "-o", "sarif"], dir);
    const sarif: Json = JSON.parse(r.stdout);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const levels = sarif.runs[0].results.map((x: Json) => x.level);
    expect(levels).not.toContain("error");
    expect(r.code).toBe(0);
    expect(levels).toContain("warning");
    const strict = await cli(
      ["audit", "--manifests", "single.yaml", "-o", "sarif", "--fail-on-warnings"],
      dir,
    );
    expect(strict.code).toBe(4);
  });

  it("is refused (exit 2) for commands other than audit", async () => {
    const r = await cli(["--output", "sarif", "plan", "plans/minimal.yaml", "--offline"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--output sarif is for `audit` only");
  });
});

describe("audit --output junit", () => {
  it("writes one test case per finding, failing the blocking ones", async () => {
    const r = await cli(["audit", "--manifests", "plans/manifests", "--output", "junit"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    const tests = Number(/<testsuite [^>]*tests="(\d+)"/.exec(r.stdout)![1]);
    const failures = Number(/<testsuite [^>]*failures="(\d+)"/.exec(r.stdout)![1]);
    expect((r.stdout.match(/<testcase /g) ?? []).length).toBe(tests);
    expect((r.stdout.match(/<failure /g) ?? []).length).toBe(failures);
    expect(failures).toBeGreaterThan(0);
    expect(r.stdout).toContain('classname="no-readiness-probe"');
  });
});
