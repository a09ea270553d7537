/** The built CLI as a user runs it (`npm run build` first): exit codes, clean stderr, JSON documents. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, openSync, ftruncateSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(process.cwd(), "bin/eks-bluegreen.js");
const dir = mkdtempSync(join(tmpdir(), "plan-cli-"));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const STACK = /^\s+at .+[:(]/m;

describe("eks-bluegreen plan (built CLI)", () => {
  const big = join(dir, "big.yaml");
  const fd = openSync(big, "w");
  ftruncateSync(fd, 10 * 1024 * 1024);
  closeSync(fd);
  const broken: [string, string][] = [
    [write("malformed.yaml", "apiVersion: [\n  metadata: {"), "not valid YAML"],
    [write("types.yaml", "apiVersion: eks-bluegreen/v1\nmetadata: 5\nsteps: yes\n"), "must be a mapping"],
    [write("unknown.yaml", "apiVersion: eks-bluegreen/v1\nregoin: us-east-1\n"), 'did you mean "region"?'],
    [write("empty.yaml", ""), "the file is empty"],
    [write("binary.yaml", Buffer.from([0, 1, 2, 255, 254])), "not a text file"],
    [dir, "is a directory"],
    [join(dir, "missing.yaml"), "does not exist"],
    [big, "at most 1 MiB"],
  ];

  it.each(broken)("refuses %s with exit 2, a clear message and no stack trace", (file, message) => {
    const r = cli("plan", "--offline", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/^error: The plan (.* is not valid:|file .* does not exist)/);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe("");
  });

  it("prints one JSON error document under --output json", () => {
    const r = cli("--output", "json", "plan", "--offline", broken[2]![0]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe("invalid-plan");
    expect(doc.error.message).toContain("unknown.yaml:2:1: regoin");
  });

  it("previews an example plan offline as JSON with the documented fields, exit 0", () => {
    const r = cli("-o", "json", "plan", "--offline", "plans/production.yaml");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const doc = JSON.parse(r.stdout);
    expect(doc.timeline[0]).toEqual(
      expect.objectContaining({ step: 1, blue: 99, green: 1, bakeSeconds: 900, approval: false }),
    );
    expect(doc.timeline.at(-1)).toEqual(expect.objectContaining({ step: 5, green: 100, approval: true }));
    expect(doc.findings[0]).toEqual(expect.objectContaining({ severity: "info", code: "offline" }));
    expect(doc.changeBatches.steps).toHaveLength(5);
    expect(doc.detection.worstCaseSeconds).toBe(95);
  });

  it("prints the plan's JSON Schema", () => {
    for (const args of [["schema"], ["--output", "json", "schema"]]) {
      const r = cli(...args);
      expect(r.code).toBe(0);
      const schema = JSON.parse(r.stdout);
      expect(schema.$schema).toContain("json-schema.org");
      expect(schema.required).toEqual(
        expect.arrayContaining(["apiVersion", "region", "clusters", "traffic", "steps"]),
      );
      expect(schema.properties.steps.items.properties.green.maximum).toBe(100);
    }
  });
});
