/**
 * Notifications end to end: the built CLI upgrades plans/notifications.yaml against the sandbox, an
 * alarm rolls it back, and a loopback receiver (or the sandbox's SNS) gets the messages. Whatever the
 * receiver does (refuse, 500, hang, answer slowly) or SNS answers (AuthorizationError), the upgrade
 * behaves the same, and the failure shows in `history`. The URL, a secret, never leaks.
 */
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import type { PlanInput } from "../../src/plan/schema.ts";
import { ROOT, setup, type Env } from "../cli/harness.ts";
import { refusedUrl, startReceiver, type Mode, type Receiver } from "./receiver.ts";

const MARKER = "s3cr3t-MARKER-7f2a";

function notificationsPlan(sink: Record<string, unknown> = {}): PlanInput {
  const plan = parse(readFileSync(join(ROOT, "plans/notifications.yaml"), "utf8")) as PlanInput;
  const base = plan.notifications!.sinks[0]!;
  return {
    ...plan,
    steps: [
      { green: 10, bake: "1s" },
      { green: 50, bake: "1s" },
      { green: 100, bake: "1s" },
    ],
    alarms: { names: ["shop-5xx-rate"], pollInterval: "1s" },
    notifications: { sinks: [{ ...base, timeout: "1s", ...sink } as never] },
  };
}

let env: Env | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await env?.close();
  await receiver?.close();
  env = undefined;
  receiver = undefined;
});

function weights(e: Env) {
  const r53 = e.sandbox.world.route53;
  return {
    blue: r53.record("Z0EXAMPLE12345", "shop.example.com", "A", "shop-blue")?.Weight,
    green: r53.record("Z0EXAMPLE12345", "shop.example.com", "A", "shop-green")?.Weight,
  };
}

/** Step 1, then an alarm, then the tick that rolls back: exit codes and weights after each. */
async function rollbackRun(e: Env, extraEnv: Record<string, string>) {
  const out: { codes: number[]; weights: unknown[]; stdout: string; stderr: string } = {
    codes: [],
    weights: [],
    stdout: "",
    stderr: "",
  };
  const tick = async (args: string[]) => {
    const r = await e.cli(["--debug", ...args], extraEnv);
    out.codes.push(r.code);
    out.weights.push(weights(e));
    out.stdout += r.stdout;
    out.stderr += r.stderr;
    return r;
  };
  await tick(["advance", "plan.yaml"]);
  e.sandbox.world.cloudwatch.setAlarmState("shop-5xx-rate", "ALARM", "5xx above 1%");
  await tick(["advance", "plan.yaml"]);
  await tick(["status", "plan.yaml"]);
  return out;
}

async function history(e: Env, extraEnv: Record<string, string>) {
  const r = await e.cli(["--output", "json", "history", "plan.yaml"], extraEnv);
  return r.json.events as { seq: number; type: string; evidence?: Record<string, unknown> }[];
}

describe("notifications", () => {
  it("a rollback by an alarm POSTs messages naming it, keyed <plan>:<seq>; the URL never leaks", async () => {
    receiver = await startReceiver("ok", `/hook/${MARKER}?token=${MARKER}`);
    env = await setup(notificationsPlan());
    const vars = { EKS_BLUEGREEN_WEBHOOK_URL: receiver.url };
    const run = await rollbackRun(env, vars);
    expect(run.codes).toEqual([0, 3, 0]);
    expect(weights(env)).toEqual({ blue: 100, green: 0 });

    const types = receiver.received.map((r) => r.body.event.type);
    expect(types).toEqual(expect.arrayContaining(["rollback-started", "rolled-back"]));
    const rollback = receiver.received.find((r) => r.body.event.type === "rollback-started")!;
    expect(rollback.body.event.message).toMatch(/Rolling back to blue/);
    expect(rollback.body.event.evidence.alarms).toContainEqual({ name: "shop-5xx-rate", state: "ALARM" });
    expect(rollback.body.idempotencyKey).toBe(`shop-1-31:${rollback.body.event.seq}`);
    expect(rollback.headers["idempotency-key"]).toBe(rollback.body.idempotencyKey);
    expect(rollback.body.upgrade).toMatchObject({ phase: "rolled-back", writtenGreen: 0 });
    expect(rollback.body.notify).toEqual(["rollback-started"]);

    const events = await history(env, vars);
    const notified = events.filter((e) => e.type === "notified");
    expect(notified.map((e) => e.evidence?.eventSeq).sort()).toEqual(
      receiver.received.map((r) => r.body.event.seq).sort(),
    );
    // Delivered once: later ticks send nothing again.
    const before = receiver.received.length;
    await env.cli(["advance", "plan.yaml"], vars);
    expect(receiver.received.length).toBe(before);

    const stateDir = join(env.dir, ".eks-bluegreen");
    const files = (await readdir(stateDir, { recursive: true, withFileTypes: true })).filter((f) =>
      f.isFile(),
    );
    expect(files.length).toBeGreaterThan(0);
    const state = (await Promise.all(files.map((f) => readFile(join(f.parentPath, f.name), "utf8")))).join(
      "\n",
    );
    const hist = await env.cli(["--debug", "history", "plan.yaml"], vars);
    for (const text of [run.stdout, run.stderr, state, hist.stdout, hist.stderr]) {
      expect(text).not.toContain(MARKER);
      expect(text).not.toContain(receiver.url);
    }
  });

  const faults: [string, Mode | "refused", string | RegExp][] = [
    ["refuses the connection", "refused", "ECONNREFUSED"],
    ["answers 500", "500", "HTTP 500"],
    ["hangs past the timeout", "hang", /no answer within 1s/],
  ];
  it.each(faults)("a receiver that %s changes nothing; the failure is in history", async (_, mode, error) => {
    // Baseline: the same upgrade with a receiver that answers.
    receiver = await startReceiver("ok");
    env = await setup(notificationsPlan());
    const good = await rollbackRun(env, { EKS_BLUEGREEN_WEBHOOK_URL: receiver.url });
    await env.close();
    await receiver.close();

    receiver = await startReceiver(mode === "refused" ? "ok" : mode);
    const url = mode === "refused" ? await refusedUrl() : receiver.url;
    env = await setup(notificationsPlan());
    const vars = { EKS_BLUEGREEN_WEBHOOK_URL: url };
    const bad = await rollbackRun(env, vars);
    expect(bad.codes).toEqual(good.codes);
    expect(bad.weights).toEqual(good.weights);

    const failed = (await history(env, vars)).filter((e) => e.type === "notify-failed");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.evidence).toMatchObject({ sink: "team-hook", attempt: 1 });
    expect(String(failed[0]!.evidence?.error)).toMatch(error);
    const text = await env.cli(["history", "plan.yaml"], vars);
    expect(text.stdout).toMatch(/notify-failed/);
  });

  it("a slow receiver (within the timeout) is notified; the upgrade is the same", async () => {
    receiver = await startReceiver("slow");
    env = await setup(notificationsPlan());
    const vars = { EKS_BLUEGREEN_WEBHOOK_URL: receiver.url };
    const run = await rollbackRun(env, vars);
    expect(run.codes).toEqual([0, 3, 0]);
    const events = await history(env, vars);
    expect(events.filter((e) => e.type === "notified").length).toBe(2);
    expect(events.filter((e) => e.type === "notify-failed")).toEqual([]);
  });

  it("a failure is retried on later ticks with the same key, at most maxAttempts times", async () => {
    receiver = await startReceiver("500");
    env = await setup(notificationsPlan({ maxAttempts: 2 }));
    const vars = { EKS_BLUEGREEN_WEBHOOK_URL: receiver.url };
    await rollbackRun(env, vars);
    const first = receiver.received.length;
    expect(first).toBe(2); // rollback-started, rolled-back
    await env.cli(["advance", "plan.yaml"], vars); // second attempt, still 500
    await env.cli(["advance", "plan.yaml"], vars); // no third attempt
    expect(receiver.received.length).toBe(4);
    const keys = receiver.received.map((r) => r.headers["idempotency-key"]);
    expect(keys.slice(2).sort()).toEqual(keys.slice(0, 2).sort());
    const failed = (await history(env, vars)).filter((e) => e.type === "notify-failed");
    expect(failed.map((e) => e.evidence?.attempt)).toEqual([1, 1, 2, 2]);

    receiver.mode = "ok";
    await env.cli(["advance", "plan.yaml"], vars);
    expect(receiver.received.length).toBe(4);
  });

  it("a webhook whose URL variable is unset is a preflight error (notification-url-unset), nothing changes", async () => {
    env = await setup(notificationsPlan());
    const r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.json.error.code).toBe("preflight-failed");
    expect(r.json.error.message).toContain("EKS_BLUEGREEN_WEBHOOK_URL");
    expect(weights(env)).toEqual({ blue: 100, green: 0 });
    const plan = await env.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(plan.code).toBe(4);
    expect(JSON.stringify(plan.json)).toContain("notification-url-unset");
  });

  it("SNS: Publish carries the message and key; AuthorizationError changes nothing and shows in history", async () => {
    const topicArn = "arn:aws:sns:eu-west-1:123456789012:upgrades";
    const plan = notificationsPlan();
    plan.notifications = {
      sinks: [{ kind: "sns", name: "ops-topic", topicArn, events: ["rollback-started", "rolled-back"] }],
    };
    env = await setup(plan);
    const good = await rollbackRun(env, {});
    const published = env.sandbox.world.sns.published;
    expect(published.map((p) => JSON.parse(p.message).event.type).sort()).toEqual([
      "rollback-started",
      "rolled-back",
    ]);
    expect(published[0]!.attributes["Idempotency-Key"]).toBe(
      JSON.parse(published[0]!.message).idempotencyKey,
    );
    expect(published[0]!.topicArn).toBe(topicArn);
    await env.close();

    env = await setup(plan);
    env.sandbox.faults.error({ service: "sns", code: "AuthorizationError", status: 403 });
    const bad = await rollbackRun(env, {});
    expect(bad.codes).toEqual(good.codes);
    expect(bad.weights).toEqual(good.weights);
    expect(env.sandbox.world.sns.published).toEqual([]);
    const failed = (await history(env, {})).filter((e) => e.type === "notify-failed");
    expect(failed.map((e) => e.evidence?.error)).toEqual(["AuthorizationError", "AuthorizationError"]);
  });
});
