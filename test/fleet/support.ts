/** Fleets on disk for tests: three plans (dev, staging, prod) with their own records and states. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

export function fleetPlan(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name },
    region: "us-east-1",
    clusters: { blue: { name: `${name}-1-30` }, green: { name: `${name}-1-31`, kubernetesVersion: "1.31" } },
    traffic: {
      records: [
        {
          zoneName: "example.com",
          name: `${name}.example.com`,
          blue: `${name}-blue`,
          green: `${name}-green`,
        },
      ],
    },
    steps: [
      { green: 10, bake: "1s" },
      { green: 100, bake: "1s" },
    ],
    alarms: { names: [`${name}-5xx`], pollInterval: "1s" },
    rollback: { holdTimeout: "1s" },
    retire: { after: "200ms", mode: "keep", approval: false, blueRecords: "keep" },
    ...overrides,
  };
}

export const THREE_WAVES = `apiVersion: eks-bluegreen/v1
kind: Fleet
metadata:
  name: shop
waves:
  - name: dev
    plans: [dev.yaml]
  - name: staging
    plans: [staging.yaml]
  - name: prod
    plans: [prod.yaml]
`;

/** A temporary folder holding `files` (objects are written as YAML). */
export async function fleetDir(files: Record<string, string | Record<string, unknown>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ebg-fleet-"));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), typeof content === "string" ? content : stringify(content));
  }
  return dir;
}

export function threePlans(): Record<string, Record<string, unknown>> {
  return {
    "dev.yaml": fleetPlan("dev"),
    "staging.yaml": fleetPlan("staging"),
    "prod.yaml": fleetPlan("prod"),
  };
}
