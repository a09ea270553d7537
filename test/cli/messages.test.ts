/** The catalog of output message codes (src/cli/messages.ts) and how the console shows a code. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MESSAGES, type MessageCode } from "../../src/cli/messages.ts";
import { consoleOutput, recordingOutput } from "../../src/cli/output.ts";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("message catalog", () => {
  const codes = Object.keys(MESSAGES) as MessageCode[];

  it("holds kebab-case codes, each with a level and a one-line description", () => {
    expect(codes.length).toBeGreaterThan(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(["result", "info", "warn", "debug"]).toContain(MESSAGES[code].level);
      expect(MESSAGES[code].description, code).toMatch(/^\S.*\.$/);
      expect(MESSAGES[code].description, code).not.toContain("\n");
    }
  });

  it("has no code that nothing in src/ writes (a removed message takes its code with it)", () => {
    const text = sources("src")
      .filter((f) => !f.endsWith(join("cli", "messages.ts")))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const unused = codes.filter((code) => !text.includes(`"${code}"`));
    expect(unused).toEqual([]);
  });
});

describe("the console", () => {
  afterEach(() => vi.restoreAllMocks());

  function stderrOf(options: Parameters<typeof consoleOutput>[0]): string {
    let written = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      written += String(chunk);
      return true;
    });
    const out = consoleOutput(options);
    out.warn("lock-unlock-failed", "could not release the state lock");
    out.info("run-paused", "Paused: drift");
    out.debug("aws-retry", "retry: {}");
    vi.restoreAllMocks();
    return written;
  }

  it("plain text shows the words alone; debug lines stay hidden", () => {
    expect(stderrOf({ json: false, debug: false })).toBe(
      "warning: could not release the state lock\nPaused: drift\n",
    );
  });

  it("--debug puts the code before each line", () => {
    expect(stderrOf({ json: false, debug: true })).toBe(
      "warning [lock-unlock-failed]: could not release the state lock\n" +
        "info [run-paused]: Paused: drift\n" +
        "debug [aws-retry]: retry: {}\n",
    );
  });

  it("--output json writes one JSON line per message, with code, level and text", () => {
    const lines = stderrOf({ json: true, debug: false, messages: "json" }).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { code: "lock-unlock-failed", level: "warn", text: "could not release the state lock" },
      { code: "run-paused", level: "result", text: "Paused: drift" },
    ]);
  });

  it("recordingOutput keeps the code, for tests to assert", () => {
    const out = recordingOutput();
    out.warn("github-summary-failed", "Could not append");
    out.print("plain");
    expect(out.lines.some((l) => l.code === "github-summary-failed" && l.stream === "warn")).toBe(true);
    expect(out.lines.find((l) => l.stream === "print")?.code).toBeUndefined();
  });
});
