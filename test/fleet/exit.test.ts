import { describe, expect, it } from "vitest";
import { worstExit } from "../../src/cli/commands/fleet-advance.ts";

describe("fleet advance exit code", () => {
  it("is the worst tick in the documented order 1 > 2 > 3 > 4 > 5 > 0", () => {
    expect(worstExit([])).toBe(0);
    expect(worstExit([0, 0])).toBe(0);
    expect(worstExit([0, 5])).toBe(5);
    expect(worstExit([5, 4, 0])).toBe(4);
    expect(worstExit([4, 3, 5])).toBe(3);
    expect(worstExit([3, 2])).toBe(2);
    expect(worstExit([2, 1, 3])).toBe(1);
  });
});
