/**
 * Wires the driver to the fake world for engine tests: `advance()` is one tick, `input()` an operator
 * command, with the clock in the test's hands.
 */
import { runTick, type DriverDeps, type TickResult } from "../../src/runner/driver.ts";
import type { Input } from "../../src/engine/transition.ts";
import { parseState, type UpgradeState } from "../../src/engine/state.ts";
import type { CompiledPlan } from "../../src/plan/compile.ts";
import { FakeClock, fakeWorld, memoryStore, testPlan, type FakeWorld } from "../support/fake-world.ts";

export interface Harness {
  plan: CompiledPlan;
  world: FakeWorld;
  clock: FakeClock;
  store: ReturnType<typeof memoryStore>;
  deps: DriverDeps;
  advance(): Promise<TickResult>;
  input(input: Input): Promise<TickResult>;
  state(): UpgradeState;
  /** Event types of the log, in order. */
  types(): string[];
}

export function harness(plan: CompiledPlan = testPlan(), extra: Partial<DriverDeps> = {}): Harness {
  const clock = new FakeClock();
  const world = fakeWorld(plan, clock);
  const store = memoryStore(clock);
  const deps: DriverDeps = {
    plan,
    store,
    ports: world.ports,
    now: clock.now,
    owner: { host: "test", pid: 1, startedAt: clock.now().toISOString(), command: "advance" },
    insyncTimeoutMs: 60_000,
    ...extra,
  };
  const h: Harness = {
    plan,
    world,
    clock,
    store,
    deps,
    advance: () => runTick(h.deps),
    input: (input) => runTick(h.deps, input),
    state: () => parseState(store.text()!, plan.name, "memory"),
    types: () => h.state().events.map((e) => e.type),
  };
  return h;
}
