// The Kubernetes settings a plan without `health.kubernetes` gets (e.g. `audit --plan`) come from the plan
// schema's defaults, not from a hand-kept copy: change a default in the schema and observe follows.
import { expect, it, vi } from "vitest";
import { z } from "zod";
import type * as Schema from "../../src/plan/schema.ts";

vi.mock("../../src/plan/schema.ts", async (importOriginal) => {
  const schema = await importOriginal<typeof Schema>();
  return {
    ...schema,
    KubernetesHealth: schema.KubernetesHealth.extend({
      maxRestarts: z.number().int().min(0).default(7),
      pendingGrace: z.string().default("90s"),
      namespaces: z.array(z.string()).default(["shop"]),
    }),
  };
});

it("observe's default settings follow a changed schema default", async () => {
  const { DEFAULT_KUBERNETES_SETTINGS } = await import("../../src/health/kubernetes/observe.ts");
  expect(DEFAULT_KUBERNETES_SETTINGS).toMatchObject({
    maxRestarts: 7,
    pendingGraceMs: 90_000,
    namespaces: ["shop"],
    minZones: 1,
  });
});
