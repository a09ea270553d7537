/** The catalog of output message codes (src/messages.ts) and how the console shows a code. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MESSAGES, type MessageCode } from "../../src/messages.ts";
import { EventEmitter } from "node:events";
import { consoleOutput, guardPipes, recordingOutput } from "../../src/cli/output.ts";
import { reportToGitHub } from "../../src/cli/github.ts";
import { testContext } from "../support/context.ts";

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
      .filter((f) => !f.endsWith(join("src", "messages.ts")))
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

describe("a message from a command", () => {
  it("a job summary that cannot be written is a warning with its code; the command goes on", async () => {
    const { ctx, out } = testContext("json");
    // A folder where the summary file should be: appending to it fails (EISDIR).
    ctx.env = { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: process.cwd() };
    await reportToGitHub(ctx, {
      command: "status",
      planName: "shop",
      planFile: "plan.yaml",
      state: undefined,
      reason: "",
      exitCode: 0,
      events: [],
    });
    expect(out.lines.map((l) => l.code)).toEqual(["github-summary-failed"]);
    expect(out.lines[0]!.stream).toBe("warn");
  });
});

describe("a stdout that cannot be written", () => {
  it("is a warning with its code for a full disk, and nothing at all for a closed pipe", () => {
    const out = recordingOutput();
    const stdout = new EventEmitter();
    guardPipes([stdout as unknown as NodeJS.WriteStream], out.warn);
    stdout.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    expect(out.lines).toEqual([]);
    stdout.emit("error", Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
    expect(out.lines).toEqual([
      {
        stream: "warn",
        code: "output-write-failed",
        text: "cannot write the output: no space left on device",
      },
    ]);
  });
});
