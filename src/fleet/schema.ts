/**
 * The Fleet file: plans in waves (dev → staging → prod), read with the plan's YAML helpers so every
 * problem names its line. Loading also loads every plan it names and refuses a fleet whose plans would
 * fight: the same plan twice, a plan in two waves, two plans moving the same traffic target, or two
 * plans sharing one state. All refusals are a FleetError (exit 2).
 */
import { open, readdir, stat } from "node:fs/promises";
import { basename, dirname, relative, resolve } from "node:path";
import { z } from "zod";
import { ExitCode, PlanError, ToolError, type PlanIssue } from "../errors.ts";
import { byPosition, fromZodIssues } from "../plan/issues.ts";
import { decodePlanText, loadPlan, type LoadedPlan } from "../plan/load.ts";
import { API_VERSION } from "../plan/schema.ts";
import { formatPath, parseYaml, type FieldPath, type PlanSource } from "../plan/source.ts";
import { stateIdentity, trafficClaims } from "./identity.ts";

export const FLEET_KIND = "Fleet";
/** Fleet files are a few hundred bytes; anything above this is not one. */
export const MAX_FLEET_BYTES = 1024 * 1024;

export const ON_PROBLEM = ["hold", "continue"] as const;
export type OnProblem = (typeof ON_PROBLEM)[number];

export const Wave = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
        message: "must be lower-case letters, digits and dashes",
      })
      .optional()
      .meta({ description: "Name of the wave (default: wave-1, wave-2, …)." }),
    plans: z
      .array(z.string().min(1))
      .min(1, { message: "needs at least one plan" })
      .meta({ description: "Plan files, relative to the fleet file." }),
    maxConcurrent: z
      .number()
      .int({ message: "must be a whole number" })
      .min(1)
      .optional()
      .meta({ description: "At most this many plans of the wave in flight at once (default: all)." }),
  })
  .meta({ description: "Plans that may run at the same time." });

export const Fleet = z
  .strictObject({
    apiVersion: z.literal(API_VERSION, { message: `must be "${API_VERSION}"` }),
    kind: z.literal(FLEET_KIND, { message: `must be "${FLEET_KIND}"` }),
    metadata: z.strictObject({
      name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
        message: "must be lower-case letters, digits and dashes, at most 63 characters",
      }),
      description: z.string().optional(),
    }),
    onProblem: z
      .enum(ON_PROBLEM)
      .default("hold")
      .meta({ description: "A rollback, pause or damaged state in a wave: hold later waves, or continue." }),
    waves: z.array(Wave).min(1, { message: "needs at least one wave" }),
  })
  .meta({ title: "eks-bluegreen fleet", description: "Plans in waves." });

export type FleetDoc = z.output<typeof Fleet>;

/** A plan as the fleet holds it. */
export interface FleetPlan {
  /** metadata.name of the plan: the fleet's key for it. */
  name: string;
  /** The path as written in the fleet file. */
  ref: string;
  /** Resolved path (relative to the working directory when possible). */
  file: string;
  wave: number;
  plan: LoadedPlan;
}

export interface FleetWave {
  index: number;
  name: string;
  maxConcurrent: number | undefined;
  plans: string[];
}

export interface LoadedFleet {
  file: string;
  name: string;
  onProblem: OnProblem;
  waves: FleetWave[];
  /** Every plan, in wave order then file order. */
  plans: FleetPlan[];
}

/** A fleet file that cannot be used (exit 2); lists every issue with file:line:column. */
export class FleetError extends ToolError {
  readonly file: string;
  readonly issues: readonly PlanIssue[];
  constructor(file: string, issues: readonly PlanIssue[]) {
    const lines = issues.map((i) => {
      const where = `${file}${i.line ? `:${i.line}:${i.column ?? 1}` : ""}`;
      const field = i.path ? ` ${i.path}:` : "";
      return `${where}:${field} ${i.message}${i.hint ? ` (${i.hint})` : ""}`;
    });
    super("invalid-fleet", `The fleet ${file} is not valid:\n  ${lines.join("\n  ")}`, {
      hint: "Fix the lines above; docs/fleets.md describes the fleet file.",
      exitCode: ExitCode.Usage,
      fault: "user",
    });
    this.file = file;
    this.issues = issues;
  }
}

/** Codes of the fleet's own checks (stable, kebab-case). */
export const FLEET_ISSUES = [
  "fleet-plan-missing",
  "fleet-plan-invalid",
  "fleet-plan-twice",
  "fleet-plan-in-two-waves",
  "fleet-plan-name-twice",
  "fleet-shared-target",
  "fleet-shared-state",
] as const;
export type FleetIssueCode = (typeof FLEET_ISSUES)[number];

function issue(
  source: PlanSource | undefined,
  path: FieldPath,
  code: FleetIssueCode,
  message: string,
  hint?: string,
): PlanIssue {
  const pos = source?.locate(path);
  return {
    path: formatPath(path),
    code,
    message,
    ...(hint ? { hint } : {}),
    ...(pos ? { line: pos.line, column: pos.column } : {}),
  };
}

async function readFleetText(file: string): Promise<string> {
  const refuse = (message: string, hint?: string) =>
    new FleetError(file, [{ path: "", message, ...(hint ? { hint } : {}) }]);
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === "ENOENT"
      ? refuse("no such file", "check the path; an example fleet is plans/fleet/fleet.yaml")
      : refuse(`cannot read the file (${code ?? "error"})`, "check the path and its permissions");
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw refuse("is a directory", "name the fleet file, or use `fleet status DIR`");
    if (!info.isFile()) throw refuse("is not a regular file");
    if (info.size > MAX_FLEET_BYTES)
      throw refuse("is larger than 1 MiB; fleet files are a few hundred bytes");
    const bytes = await handle.readFile();
    try {
      return decodePlanText(bytes, file);
    } catch {
      throw refuse("is not a text file (it holds binary data)");
    }
  } finally {
    await handle.close();
  }
}

/** Parses and checks the fleet text alone (no plan loaded): schema issues, with lines. */
export function parseFleetText(text: string, file: string): { doc: FleetDoc; source: PlanSource } {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new FleetError(file, parsed.issues);
  const result = Fleet.safeParse(parsed.source.data);
  if (!result.success) throw new FleetError(file, fromZodIssues(result.error.issues, Fleet, parsed.source));
  return { doc: result.data, source: parsed.source };
}

/** `wave-2` for the second wave without a name. */
export function waveName(doc: FleetDoc, index: number): string {
  return doc.waves[index]?.name ?? `wave-${index + 1}`;
}

type Loaded = { ok: true; plan: LoadedPlan } | { ok: false; missing: boolean; error?: unknown };

async function loadOne(cwd: string, abs: string): Promise<Loaded> {
  try {
    await stat(abs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: false, missing: true };
  }
  // Loaded by absolute path, shown (in messages and hints) relative to the working directory.
  return loadPlan(abs).then(
    (plan): Loaded => ({ ok: true, plan: { ...plan, file: displayPath(cwd, abs) } }),
    (error: unknown): Loaded => ({ ok: false, missing: false, error }),
  );
}

/** Loads the fleet file and every plan it names; refuses (exit 2) anything the fleet cannot run. */
export async function loadFleet(file: string, options: { cwd?: string } = {}): Promise<LoadedFleet> {
  const cwd = options.cwd ?? process.cwd();
  const text = await readFleetText(resolve(cwd, file)).catch((error: unknown) => {
    if (error instanceof FleetError) throw new FleetError(file, error.issues);
    throw error;
  });
  const { doc, source } = parseFleetText(text, file);
  return assemble(file, doc, source, dirname(resolve(cwd, file)), cwd);
}

/** `fleet status DIR`: every plan (`*.yaml`, `*.yml`, fleet files skipped) in DIR, as one wave. */
export async function loadFleetDir(dir: string, options: { cwd?: string } = {}): Promise<LoadedFleet> {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, dir);
  const names = (await readdir(abs)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const plans: string[] = [];
  for (const name of names) {
    const head = await readFleetText(resolve(abs, name)).catch(() => "");
    const parsed = parseYaml(head);
    const kind = parsed.ok ? (parsed.source.data as { kind?: unknown } | null)?.kind : undefined;
    if (kind !== FLEET_KIND) plans.push(name);
  }
  if (plans.length === 0) {
    throw new FleetError(dir, [
      { path: "", message: "holds no plan files (*.yaml)", hint: "give a folder of plans, or a fleet file" },
    ]);
  }
  const base =
    basename(abs)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "fleet";
  const doc: FleetDoc = {
    apiVersion: API_VERSION,
    kind: FLEET_KIND,
    metadata: { name: base },
    onProblem: "hold",
    waves: [{ name: "all", plans }],
  };
  const source: PlanSource = { data: doc, locate: () => undefined, raw: () => undefined };
  return assemble(dir, doc, source, abs, cwd);
}

async function assemble(
  file: string,
  doc: FleetDoc,
  source: PlanSource,
  base: string,
  cwd: string,
): Promise<LoadedFleet> {
  const refs = doc.waves.flatMap((w, wi) =>
    w.plans.map((ref, pi) => ({ ref, wave: wi, path: ["waves", wi, "plans", pi] as FieldPath })),
  );
  const issues: PlanIssue[] = [];
  const seen = new Map<string, (typeof refs)[number]>();
  const unique: ((typeof refs)[number] & { abs: string })[] = [];
  for (const r of refs) {
    const abs = resolve(base, r.ref);
    const first = seen.get(abs);
    if (first) {
      issues.push(
        first.wave === r.wave
          ? issue(source, r.path, "fleet-plan-twice", `names ${r.ref} a second time`, "list each plan once")
          : issue(
              source,
              r.path,
              "fleet-plan-in-two-waves",
              `names ${r.ref}, already in ${waveName(doc, first.wave)}`,
              "a plan belongs to one wave: remove it from one of them",
            ),
      );
      continue;
    }
    seen.set(abs, r);
    unique.push({ ...r, abs });
  }
  const loaded = await Promise.all(unique.map((r) => loadOne(cwd, r.abs)));
  const plans: FleetPlan[] = [];
  unique.forEach((r, i) => {
    const outcome = loaded[i]!;
    if (outcome.ok) {
      plans.push({
        name: outcome.plan.name,
        ref: r.ref,
        file: outcome.plan.file,
        wave: r.wave,
        plan: outcome.plan,
      });
      return;
    }
    const error = outcome.error;
    if (!outcome.missing && !(error instanceof PlanError)) throw error;
    issues.push(
      outcome.missing || !(error instanceof PlanError)
        ? issue(
            source,
            r.path,
            "fleet-plan-missing",
            `names ${r.ref}, which does not exist`,
            "paths are relative to the fleet file",
          )
        : issue(
            source,
            r.path,
            "fleet-plan-invalid",
            `names ${r.ref}, which is not a valid plan: ${firstIssue(error)}`,
            `run \`eks-bluegreen plan --offline ${displayPath(cwd, r.abs)}\` for every problem`,
          ),
    );
  });
  issues.push(...conflicts(plans, doc, source, cwd));
  if (issues.length > 0) throw new FleetError(file, issues.sort(byPosition));
  return {
    file,
    name: doc.metadata.name,
    onProblem: doc.onProblem,
    waves: doc.waves.map((w, i) => ({
      index: i,
      name: waveName(doc, i),
      maxConcurrent: w.maxConcurrent,
      plans: plans.filter((p) => p.wave === i).map((p) => p.name),
    })),
    plans,
  };
}

function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith("..") ? rel : abs;
}

function firstIssue(error: PlanError): string {
  const i = error.issues[0];
  if (!i) return "unknown problem";
  return `${i.line ? `line ${i.line}: ` : ""}${i.path ? `${i.path}: ` : ""}${i.message}`;
}

/** Pairs of plans that share a name, a traffic target or a state. */
function conflicts(plans: FleetPlan[], doc: FleetDoc, source: PlanSource, cwd: string): PlanIssue[] {
  const index = new Map<string, FieldPath>();
  for (const p of plans) {
    const i = doc.waves[p.wave]!.plans.indexOf(p.ref);
    index.set(p.file, ["waves", p.wave, "plans", i]);
  }
  const out: PlanIssue[] = [];
  const byName = new Map<string, FleetPlan>();
  const byState = new Map<string, FleetPlan>();
  const byClaim = new Map<string, FleetPlan>();
  for (const p of plans) {
    const at = index.get(p.file) ?? ["waves", p.wave];
    const sameName = byName.get(p.name);
    if (sameName) {
      out.push(
        issue(
          source,
          at,
          "fleet-plan-name-twice",
          `names ${p.ref}, whose metadata.name "${p.name}" is also ${sameName.ref}'s`,
          "every plan of a fleet needs its own metadata.name",
        ),
      );
    } else byName.set(p.name, p);
    const state = stateIdentity(p.plan, cwd);
    const sameState = byState.get(state.key);
    if (sameState) {
      out.push(
        issue(
          source,
          at,
          "fleet-shared-state",
          `names ${p.ref}, whose state (${state.where}) is also ${sameState.ref}'s`,
          "give every plan its own state.key (S3) or metadata.name (local)",
        ),
      );
    } else byState.set(state.key, p);
    const reported = new Set<string>();
    for (const claim of trafficClaims(p.plan.doc)) {
      const other = byClaim.get(claim.key);
      if (other && other !== p) {
        if (reported.has(other.file)) continue;
        reported.add(other.file);
        out.push(
          issue(
            source,
            at,
            "fleet-shared-target",
            `names ${p.ref}, which moves ${claim.label} as ${other.ref} does`,
            "two upgrades must never move the same traffic target: remove it from one plan",
          ),
        );
      } else byClaim.set(claim.key, p);
    }
  }
  return out;
}
