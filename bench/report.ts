/**
 * Writes docs/performance.md from one full `npm run bench`: the runner's table of figures (the same one
 * it prints) with the machine it came from, then each of issue 7's benchmarks in detail, with what was
 * measured, how, the formula, what limits the figures and what was fixed. Never fails on a missed goal.
 */
import { readFile, writeFile } from "node:fs/promises";
import { largestCase, ratio, times, type EconomyCase } from "./economy.ts";
import {
  baselineStepCalls,
  expectedStepCalls,
  insyncRounds,
  route53Calls,
  secondsUnderRateLimit,
  totalCalls,
} from "./lib/economy-formula.ts";
import type { Machine } from "./lib/machine.ts";
import type { RawResults } from "./lib/raw.ts";
import { formatMb, formatMs } from "./lib/stats.ts";
import type { Figure } from "./run.ts";
import { judgementSection } from "./judgement.ts";

export interface BenchFigure {
  bench: string;
  figure: Figure;
}

export function formatValue(value: number, unit: Figure["unit"]): string {
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "ms") return formatMs(value);
  if (unit === "MB") return `${value.toFixed(0)} MB`;
  return String(value);
}

/** "ok", "MISSED" or "" when the figure has no goal. */
export function verdict(f: Figure): string {
  if (f.atLeast !== undefined) return f.value >= f.atLeast ? "ok" : "MISSED";
  if (f.goal !== undefined) return f.value <= f.goal ? "ok" : "MISSED";
  return "";
}

export function goalText(f: Figure): string {
  if (f.atLeast !== undefined) return `≥ ${formatValue(f.atLeast, f.unit)}`;
  return f.goal === undefined ? "" : `≤ ${formatValue(f.goal, f.unit)}`;
}

export function markdownTable(results: readonly BenchFigure[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    "| Bench | Figure | Value | Goal | |",
    "| --- | --- | --- | --- | --- |",
    ...results.map(({ bench, figure: f }) => {
      const cells = [
        bench,
        f.name,
        formatValue(f.value, f.unit),
        goalText(f),
        [verdict(f), f.note ?? ""].filter(Boolean).join(" "),
      ];
      return `| ${cells.map(esc).join(" | ")} |`;
    }),
  ].join("\n");
}

function economyTables(cases: readonly EconomyCase[]): string {
  const ops = [...new Set(cases.flatMap((c) => Object.keys(c.measured)))].sort();
  const head = `| pairs | zones | alarms | also | ${ops.join(" | ")} | total | model | script | ratio |`;
  const sep = `| ${["---", "---", "---", "---", ...ops.map(() => "---"), "---", "---", "---", "---"].join(" | ")} |`;
  const body = cases.map((c) => {
    const s = c.shape;
    const also = c.variant ?? "";
    if (c.error) return `| ${s.pairs} | ${s.zones} | ${s.alarms} | ${also} | failed: ${c.error} |`;
    const cells = ops.map((op) => {
      const m = c.measured[op] ?? 0;
      const e = c.expected[op] ?? 0;
      return m === e ? String(m) : `${m} (model ${e})`;
    });
    return `| ${s.pairs} | ${s.zones} | ${s.alarms} | ${also} | ${cells.join(" | ")} | ${totalCalls(c.measured)} | ${totalCalls(c.expected)} | ${totalCalls(c.baseline)} | ${times(ratio(c))}× |`;
  });
  return [head, sep, ...body].join("\n");
}

/** Route 53 calls and time for the largest plan at Route 53's real propagation (~60 s), from the model. */
function realisticInsync(): string {
  const rounds = insyncRounds(60_000);
  const shape = {
    pairs: 1000,
    zones: 3,
    alarms: 300,
    nodegroups: 1,
    addons: 2,
    insights: false,
    insyncRounds: rounds,
  };
  const tool = expectedStepCalls(shape);
  const script = baselineStepCalls(shape);
  const t = route53Calls(tool);
  const b = route53Calls(script);
  return [
    `With Route 53's usual propagation of about 60 s, the adapter's GetChange polling (first look at once, then`,
    `0.5 s growing ×1.5 up to 10 s) takes ${rounds} rounds per batch. For 1,000 pairs / 3 zones / 300 alarms the model then gives`,
    `**${totalCalls(tool)} calls a step (${t} to Route 53)** for the tool against **${totalCalls(script)} (${b} to Route 53)** for a script that`,
    `polls each change the same way: ${(totalCalls(script) / totalCalls(tool)).toFixed(0)}× fewer. At 5 requests a second the tool's Route 53 calls need`,
    `${secondsUnderRateLimit(t, 5).toFixed(1)} s of rate budget a step, the script's ${formatMs(secondsUnderRateLimit(b, 5) * 1000)}.`,
  ].join("\n");
}

export function performanceDoc(
  m: Machine,
  results: readonly BenchFigure[],
  r: RawResults,
  wallMs: number,
  command = "npm run bench",
): string {
  const parts: string[] = [];
  parts.push(`# Performance

The figures below come from one run of \`${command}\` (it builds first), which prints the same table.
Benchmarks print figures; they are not tests, and a busy machine makes every wall time longer. This file is
rewritten by each full run (\`npm run bench -- --only <name>\` prints its table but leaves this file alone).

**Machine:** ${m.cores} cores, ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node} (${m.platform}); 1-minute load
average ${m.loadAverage} when the run started (the machine is shared with other work, so wall times are noisy;
CPU times are steadier). **Date:** ${m.date}. Whole run: ${formatMs(wallMs)}.

${markdownTable(results)}`);

  if (r.reaction) {
    const x = r.reaction;
    const flips = x.flips.map((t) => (t.reactionMs === undefined ? "—" : formatMs(t.reactionMs))).join(", ");
    const transients = x.transients
      .map((t) => (t.reactionMs === undefined ? "missed" : formatMs(t.reactionMs)))
      .join(", ");
    parts.push(`## 1. Reaction

Each trial starts its own sandbox and the built CLI's \`run\` (\`node bin/eks-bluegreen.js run\`) as a child
process, on the real clock, with a ${x.options.pollMs / 1000} s poll interval. Once step 1's change is INSYNC (the bake has started),
the sandbox flips the plan's alarm to ALARM at a random moment spread over two poll cycles
(\`faults.scheduleAlarm\`). The figure is the time from the flip to the arrival of the rollback's
\`ChangeResourceRecordSets\` in the sandbox's call log. ${x.options.parallel} trials run at a time, each on its own sandbox.

- Flip → rollback, ${x.flips.length} trials: ${flips}.
- Median ${formatMs(x.medianMs)}, maximum ${formatMs(x.maxMs)}; goal: both ≤ poll interval + 1 s = ${formatMs(x.options.pollMs + 1000)}.
  The expected shape is uniform between the tick's own time and one poll interval plus it: \`run\` sleeps
  the poll interval after each tick, so a flip waits for the next tick (0 … ${x.options.pollMs / 1000} s), which then observes,
  decides, persists its intent and sends the rollback batch.
- Transient: ${x.options.transientMs} ms of ALARM, scheduled to start 0.2 s to ${((x.options.pollMs - x.options.transientMs - 400) / 1000).toFixed(1)} s after a poll and back to OK before the next one;
  ${x.betweenPolls} of ${x.transients.length} verifiably had no \`DescribeAlarms\` inside the ALARM window. Caught ${x.caught} of ${x.transients.length}
  (through \`DescribeAlarmHistory\` since the step's change): ${transients}.
- Whole section: ${formatMs(x.wallMs)}.${(() => {
      const errors = [...new Set([...x.flips, ...x.transients].flatMap((t) => (t.error ? [t.error] : [])))];
      return errors.length ? `\n- Trials that went wrong: ${errors.map((e) => `"${e}"`).join("; ")}.` : "";
    })()}`);
  }

  if (r.economy) {
    const big = largestCase(r.economy);
    parts.push(`## 2. API economy

Each plan gets its own sandbox (INSYNC at once); the engine's driver runs in-process (\`runTick\`, as
\`advance\` does). Tick 1 creates the state and performs step 1; after the bake, tick 2 is one forward step:
observe (Route 53 weights, alarms and their history, green's cluster) + apply + wait for INSYNC. The counts
are tick 2's calls in \`sandbox.calls\`, by operation. Records are A records with one value, dealt
round-robin over the zones (zones by id); green names 1 node group and 2 add-ons; state is local (no calls).

${economyTables(r.economy)}

**The formula** (per forward step; p_z = pairs in zone z, v = values per record, every zone holds its NS and
SOA besides the pairs):

- \`ListResourceRecordSets\` = Σ_z ⌈(2·p_z + 2) / 300⌉ (one page when the zone has a single pair: the
  listing starts at its name)
- \`ChangeResourceRecordSets\` = Σ_z ⌈p_z / ⌊1000 / (4·v)⌋⌉ — both records of a pair UPSERTed, each value
  counting twice against 1,000 elements (250 pairs a batch for v = 1; the 32,000-character limit is
  far away for A records)
- \`GetChange\` = batches × polling rounds until INSYNC (1 when Route 53 answers INSYNC at the first look;
  the "INSYNC after 2 s" row takes 4: at once, +0.5 s, +0.75 s, +1.125 s)
- \`DescribeAlarms\` = ⌈alarm names / 100⌉ (+ pages per name prefix)
- \`DescribeAlarmHistory\` = max(1, ⌈state changes of *every* alarm in the account since the step's change /
  100⌉): one paged call without alarm names covers all of the plan's alarms, so other teams' flapping alarms
  add pages (the "125 other alarms flapping" row: 250 changes, 3 pages) — still far cheaper than one call
  per alarm, which is the alternative
- EKS: \`DescribeCluster\` 1 + \`DescribeNodegroup\` per node group + \`ListFargateProfiles\` 1 +
  \`DescribeAddon\` per add-on (+ \`ListNodegroups\`/\`ListAddons\` when the plan names none, + \`ListInsights\`
  with \`insights: true\`; + \`ListHostedZonesByName\` per zone named by name)

Every measured count ${r.economy.every((c) => c.mismatches.length === 0 && !c.error) ? "equals" : "is compared with"} the model (cells show "(model n)" where they differ).
Nothing grows with one call per record: from 1 to 1,000 pairs the Route 53 calls grow with pages and
batches only, the alarm calls with ⌈alarms / 100⌉.

**Against the shell-script way** (per pair: 1 \`list-resource-record-sets\` + 1 \`change-resource-record-sets\`
+ ≥ 1 \`get-change\`; per alarm one \`describe-alarms\`; its EKS checks not even counted):
${big && !big.error ? `for 1,000 pairs / 3 zones / 300 alarms the tool makes **${totalCalls(big.measured)} calls a step, the script ${totalCalls(big.baseline)}: ${ratio(big).toFixed(0)}× fewer** (goal ≥ 50×).` : "the largest case failed; see the table."}

**Under Route 53's rate limit.** Route 53 has long documented 5 requests a second per account for its
whole API (a \`Throttling\` / \`Rate exceeded\` error beyond it; [Route 53 quotas](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html)), plus \`PriorRequestNotComplete\` when a
zone's previous change is still being processed; a recent update of its throttling raised the account bucket to 10 a
second with a burst of 50 and added a per-account change-throughput limit
([throttling for Route 53 API requests](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html)).
${
  big && !big.error
    ? `At 5 a second the tool's ${route53Calls(big.measured)} Route 53 calls a step take ${secondsUnderRateLimit(route53Calls(big.measured), 5).toFixed(1)} s of budget (inside the new burst of 50: no wait at all);
the script's ${route53Calls(big.baseline)} take ${formatMs(secondsUnderRateLimit(route53Calls(big.baseline), 5) * 1000)} at 5 a second (${formatMs(secondsUnderRateLimit(route53Calls(big.baseline), 10, 50) * 1000)} at 10 a second after the burst) — every step,
while it also starves anyone else in the account, and its 1,000 changes to 3 zones queue behind each
other (\`PriorRequestNotComplete\`).`
    : ""
}

${realisticInsync()}`);
  }

  const planColdStart = results.filter((x) => x.bench === "plan" && x.figure.name.startsWith("cold start"));
  if (r.coldStart || planColdStart.length > 0) {
    const c = r.coldStart;
    const wall = planColdStart
      .map(
        ({ figure: f }) =>
          `- ${f.name}: **${formatValue(f.value, f.unit)}**${goalText(f) ? ` (goal ${goalText(f)}: ${verdict(f)})` : ""}`,
      )
      .join("\n");
    const cpu = c
      ? c.commands
          .map(
            (x) =>
              `- \`${x.label}\`: ${formatMs(x.cpuMedianMs)} CPU (${formatMs(x.wallMedianMs)} wall, ${formatMb(x.rssMedianBytes)}) in the same runs`,
          )
          .join("\n")
      : "";
    parts.push(`## 3. Cold start

bench/plan.ts runs each command as a fresh process (\`node bin/eks-bluegreen.js …\`, after one warm-up run for
the file cache) and takes the median wall time of 10:

${wall}

Because wall time on a shared machine swings with the load, bench/cold-start.ts runs Node's own start
(\`node -e ''\`: ${c ? formatMs(c.floorWallMs) : "n/a"} here) interleaved with both commands and reports their CPU time
(user + system, read by a preload at exit), which moves much less:

${cpu}

**What the preview's start was made of, and what was fixed.** \`node --cpu-prof\` on \`plan --offline
plans/production.yaml\` showed ~200 ms of profile, of which about a third was Node resolving, reading and
compiling the hundreds of small files of \`zod\` (v4, including its ~45 message locales), \`yaml\` and
\`commander\` one by one (\`node:internal/modules/esm/*\`, \`cjs/loader\`, \`node:fs\`). The build
(\`scripts/build.mjs\`) now bundles those pure-JS dependencies into the CLI's chunks and keeps only zod's
English locale (the one the tool uses); the AWS SDK and the Kubernetes client stay external and load only
on the live paths. On this machine that took \`plan --offline\`'s CPU time from about 235 ms to about
150 ms (medians of 10, \`/usr/bin/time\`), with \`--version\` unchanged at Node's floor plus ~15 ms.

**What is left:** Node's own start (the floor above); compiling the bundled zod and yaml (~0.9 MB of
JavaScript, ~25 ms); building the plan schema; ~20 ms for the first \`Intl.DateTimeFormat\` (ICU time-zone
data, needed to validate the production plan's change-window time zone); and parsing. Bundling the AWS SDK
as well was tried: it needs the SDK's ESM build (\`mainFields\`), saves only ~10% of a live preview and
touches the credential chain, so it was left out.`);
  }

  if (r.scale) {
    const s = r.scale;
    const u = s.upgrade;
    parts.push(`## 4. Scale

A generated plan of 1,000 A-record pairs over 3 zones and 500 alarm names (bench/lib/fixtures.ts), previewed
by the built CLI (median of 5 after a warm-up run; peak RSS of the process):

- offline: ${formatMs(s.offline.wallMedianMs)} wall, ${formatMs(s.offline.cpuMedianMs)} CPU, peak ${formatMb(s.offline.maxRssBytes)} (goal ≤ 1 s, ≤ 200 MB)
- against the sandbox (reads ${s.sandbox.calls ?? "?"} calls: all records, alarms, green's cluster): ${formatMs(s.sandbox.wallMedianMs)} wall, ${formatMs(s.sandbox.cpuMedianMs)} CPU, peak ${formatMb(s.sandbox.maxRssBytes)}

Where the time goes (\`node --cpu-prof\` on the live preview): parsing the 6,000-line plan with \`yaml\`'s
Document API (kept for line/column errors) ~220 ms and validating it with zod ~65 ms; loading the AWS SDK
clients ~300 ms; parsing the Route 53 XML of ~2,000 records. The Route 53 adapter's \`read\` used to match
every pair against every record of its zone with a regex-normalised name (1,000 × ~670 comparisons, ~150 ms of
CPU on every observation, \`run\`'s ticks included); this benchmark found it (finding P1, from its first runs on 25 Nov 2026, when the live preview took 1.1–1.6 s
against its 1 s goal) and
src/aws/route53.ts now indexes each zone's listing once and lists the zones concurrently. Measured on a patched
copy before that change landed (medians of 6 interleaved runs): 743 → 682 ms wall, 932 → 798 ms CPU. The sandbox answers
on the same machine, so its XML rendering shares the CPU and counts in the wall time too.
${s.sandbox.wallMedianMs <= 1000 ? "The live preview met the 1 s goal in this run. Earlier runs on this machine on 25 Nov 2026, before P1's fix and with a load average of 4–5 on its 2 cores, measured 1.1–1.6 s; what remains is mostly fixed cost paid before any record is read: loading the AWS SDK on the live path (~300 ms) and parsing the plan (~280 ms)." : `The live preview missed the 1 s goal in this run (${formatMs(s.sandbox.wallMedianMs)}; the process itself used ${formatMs(s.sandbox.cpuMedianMs)} of CPU). What limits it: the fixed cost of loading the AWS SDK on the live path (~300 ms) and the plan's parse (~280 ms); the load average of the machine (${m.loadAverage} on ${m.cores} cores at the start) stretches the rest.`}

A complete upgrade of the same plan in the sandbox: \`run\` with five steps (1, 10, 25, 50, 100 % green), 1 s
bakes, 1 s polls, retire mode \`keep\`: **${formatMs(u.wallMs)}** wall, exit ${u.exitCode}, ${u.totalCalls} calls in all:
${Object.entries(u.calls)
  .sort()
  .map(([op, n]) => `${op} ${n}`)
  .join(", ")}.${u.error ? `\n\nIt failed: ${u.error}` : ""}`);
  }
  if (r.judgement) {
    parts.push(`<!-- judgement:start -->\n${judgementSection(r.judgement)}\n<!-- judgement:end -->`);
  }
  return `${parts.join("\n\n")}\n`;
}

/**
 * Sections the report does not generate (written by other benches or by hand) sit between
 * `<!-- NAME:start -->` and `<!-- NAME:end -->`; a rewrite keeps every such block the new text lacks.
 */
export function keepMarkedSections(next: string, previous: string): string {
  const blocks = [...previous.matchAll(/<!-- ([a-z-]+):start -->[\s\S]*?<!-- \1:end -->/g)];
  const kept = blocks.filter((b) => !next.includes(`<!-- ${b[1]}:start -->`)).map((b) => b[0]);
  return kept.length === 0 ? next : `${next.trimEnd()}\n\n${kept.join("\n\n")}\n`;
}

export async function writePerformanceDoc(
  file: URL | string,
  ...args: Parameters<typeof performanceDoc>
): Promise<void> {
  const previous = await readFile(file, "utf8").catch(() => "");
  await writeFile(file, keepMarkedSections(performanceDoc(...args), previous));
}
