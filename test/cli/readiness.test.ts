/**
 * Issue 16, readiness: `plan` and the first `advance` against the sandbox list green's readiness
 * findings (built CLI). Needs `npm run build`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe("readiness checks through the CLI", () => {
  it("plan lists an add-on left at an old version and an AL2 node group on 1.33, and exits 4", async () => {
    env = await setup(
      compressedPlan({
        clusters: { blue: { name: "shop-1-32" }, green: { name: "shop-1-33", kubernetesVersion: "1.33" } },
      }),
    );
    const clean = await env.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(clean.code, clean.stderr).toBe(0);
    const codes = (r: typeof clean) => (r.json.findings as { code: string }[]).map((f) => f.code);
    expect(codes(clean)).toContain("readiness-needs-kubernetes");
    expect(codes(clean)).not.toContain("addon-version-unsupported");

    env.sandbox.world.eks.createAddon("shop-1-33", "coredns", {
      status: "ACTIVE",
      version: "v1.11.4-eksbuild.2",
    });
    env.sandbox.world.eks.createNodegroup("shop-1-33", "legacy", { status: "ACTIVE", amiType: "AL2_x86_64" });
    const r = await env.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(4);
    expect(codes(r)).toEqual(expect.arrayContaining(["addon-version-unsupported", "ami-type-unsupported"]));
    const human = await env.cli(["plan", "plan.yaml"]);
    expect(human.stdout).toContain("addon-version-unsupported");
    expect(human.stdout).toContain("coredns");

    const advance = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(advance.code, advance.stderr).toBe(4);
    expect(JSON.stringify(advance.json)).toContain("ami-type-unsupported");
  });
});
