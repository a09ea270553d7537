/**
 * `fleet status <fleet.yaml | DIR>`: one table of every upgrade of a fleet, read from the plans' own
 * states (concurrently, lock-free, writing nothing). Exit 0, or 4 when any upgrade needs a person.
 */
import type { CommandContext, CommandResult } from "../context.ts";
import { ExitCode } from "../../errors.ts";
import { openFleet, viewFleet } from "../../fleet/open.ts";
import { fleetRow, needsPerson, rowsText } from "../../fleet/rows.ts";

export async function handler(options: { file: string }, ctx: CommandContext): Promise<CommandResult> {
  const fleet = await openFleet(options.file, ctx);
  const { readings, decisions } = await viewFleet(fleet, ctx);
  const rows = readings.map((r) =>
    fleetRow(
      r,
      decisions.find((d) => d.plan === r.plan.name),
    ),
  );
  ctx.out.print(
    `Fleet ${fleet.name} (${fleet.file}): ${rows.length} upgrade${rows.length === 1 ? "" : "s"}, onProblem ${fleet.onProblem}`,
  );
  for (const line of rowsText(rows)) ctx.out.print(line);
  const person = needsPerson(rows);
  if (person) ctx.out.print("A person is needed where ON says person (see docs/fleets.md).");
  return {
    exitCode: person ? ExitCode.NeedsPerson : ExitCode.Ok,
    json: {
      fleet: { name: fleet.name, file: fleet.file, onProblem: fleet.onProblem, waves: fleet.waves },
      upgrades: rows,
    },
  };
}
