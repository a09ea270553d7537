/** The scheduler examples: the GitHub Actions matrix and the Kubernetes CronJobs, checked as files. */
import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadAllYaml, type V1CronJob, type V1ServiceAccount } from "@kubernetes/client-node";
import { loadFleet } from "../../src/fleet/schema.ts";
import { modelName, validate } from "./k8s-validate.ts";

const ROOT = join(import.meta.dirname, "../..");
const read = (file: string) => readFile(join(ROOT, file), "utf8");

describe("scheduler examples", () => {
  it("the example fleet loads: three plans in three waves, S3 state", async () => {
    const fleet = await loadFleet("plans/fleet/fleet.yaml", { cwd: ROOT });
    expect(fleet.waves.map((w) => w.name)).toEqual(["dev", "staging", "prod"]);
    expect(fleet.plans.every((p) => p.plan.doc.state.backend === "s3")).toBe(true);
  });

  it("the GitHub Actions workflow: a matrix of the fleet's plans, a concurrency group per plan, advance --fleet", async () => {
    const wf = parse(await read("deploy/github-actions/eks-upgrade-fleet.yml"));
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(wf.permissions["id-token"]).toBe("write");
    const job = wf.jobs.advance;
    const plans: string[] = job.strategy.matrix.plan;
    expect(plans).toEqual(["dev", "staging", "prod"]);
    for (const p of plans) expect(existsSync(join(ROOT, "plans/fleet", `${p}.yaml`))).toBe(true);
    expect(job.strategy["fail-fast"]).toBe(false);
    expect(job.concurrency.group).toContain("${{ matrix.plan }}");
    expect(job.concurrency["cancel-in-progress"]).toBe(false);
    const run = job.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    expect(run).toContain('advance --fleet plans/fleet/fleet.yaml "plans/fleet/${{ matrix.plan }}.yaml"');
    expect(wf.jobs.status.steps.at(-1).run).toContain("fleet status plans/fleet/fleet.yaml");
  });

  it("the Kubernetes manifests are valid against the client's types: a service account, one CronJob per plan", async () => {
    const objects = [
      ...loadAllYaml(await read("deploy/kubernetes/serviceaccount.yaml")),
      ...loadAllYaml(await read("deploy/kubernetes/cronjobs.yaml")),
    ];
    const raw = [
      ...parseAll(await read("deploy/kubernetes/serviceaccount.yaml")),
      ...parseAll(await read("deploy/kubernetes/cronjobs.yaml")),
    ];
    for (const o of raw) expect(validate(o, modelName(o.apiVersion, o.kind), o.kind)).toEqual([]);
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      "v1 Namespace",
      "v1 ServiceAccount",
      "batch/v1 CronJob",
      "batch/v1 CronJob",
      "batch/v1 CronJob",
    ]);
    const sa = objects[1] as V1ServiceAccount;
    expect(sa.metadata?.annotations?.["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const fleet = await loadFleet("plans/fleet/fleet.yaml", { cwd: ROOT });
    const jobs = objects.slice(2) as V1CronJob[];
    expect(jobs.map((j) => j.metadata?.labels?.["eks-bluegreen/plan"])).toEqual(
      fleet.plans.map((p) => p.ref.replace(".yaml", "")),
    );
    for (const j of jobs) {
      expect(j.spec?.concurrencyPolicy).toBe("Forbid");
      const pod = j.spec!.jobTemplate.spec!.template.spec!;
      expect(pod.serviceAccountName).toBe(sa.metadata?.name);
      expect(j.metadata?.namespace).toBe(sa.metadata?.namespace);
      const args = pod.containers[0]!.args!;
      expect(args.slice(2, 5)).toEqual(["advance", "--fleet", "/plans/fleet.yaml"]);
      expect(existsSync(join(ROOT, "plans/fleet", args[5]!.replace("/plans/", "")))).toBe(true);
    }
  });

  it("the validator is not vacuous: a misspelt field, a wrong type and a missing container are found", () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "x" },
      spec: { schedul: "* * * * *", suspend: "no", jobTemplate: { spec: { template: { spec: {} } } } },
    };
    expect(validate(job, modelName(job.apiVersion, job.kind), "CronJob")).toEqual([
      "CronJob.spec.schedul: not a field of V1CronJobSpec",
      "CronJob.spec.suspend: must be true or false",
      "CronJob.spec.jobTemplate.spec.template.spec.containers: required by V1PodSpec",
      "CronJob.spec.schedule: required by V1CronJobSpec",
    ]);
  });
});

function parseAll(text: string): { apiVersion: string; kind: string }[] {
  return text
    .split(/^---$/m)
    .map((d) => parse(d))
    .filter(Boolean);
}
