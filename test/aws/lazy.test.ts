/**
 * `plan --offline` must not load the AWS SDK: building the ports imports nothing from it; the first call
 * of a port loads only that service's client.
 */
import { describe, expect, it, vi } from "vitest";

const loaded = vi.hoisted(() => [] as string[]);
vi.mock("@aws-sdk/client-route-53", () => {
  loaded.push("route-53");
  return {};
});
vi.mock("@aws-sdk/client-cloudwatch", () => {
  loaded.push("cloudwatch");
  return {};
});
vi.mock("@aws-sdk/client-eks", () => {
  loaded.push("eks");
  return {};
});
vi.mock("@aws-sdk/client-s3", () => {
  loaded.push("s3");
  return {};
});
vi.mock("@aws-sdk/client-sts", () => {
  loaded.push("sts");
  return {};
});
vi.mock("@aws-sdk/credential-providers", () => {
  loaded.push("credential-providers");
  return {};
});

import { createPorts } from "../../src/runner/ports.ts";
import { buildPlan } from "../support/plan-builder.ts";

describe("lazy SDK loading", () => {
  it("createPorts loads no AWS SDK module; a call loads only its own service", async () => {
    const plan = buildPlan(
      {
        metadata: { name: "lazy" },
        roleArn: "arn:aws:iam::123456789012:role/x",
        state: { backend: "s3", bucket: "bucket-name", key: "k" },
      },
      "lazy.yaml",
    );
    const ports = await createPorts(plan, {});
    expect(ports.objects).toBeDefined();
    expect(loaded).toEqual([]);
    await expect(ports.alarms.describe({ names: ["x"], prefixes: [] })).rejects.toBeDefined();
    expect(loaded).toContain("cloudwatch");
    expect(loaded.filter((m) => ["route-53", "eks", "s3", "sts"].includes(m))).toEqual([]);
  });
});
