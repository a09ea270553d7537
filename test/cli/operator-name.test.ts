import { describe, expect, it } from "vitest";
import { DEFAULT_OPERATOR, operatorName } from "../../src/cli/operator-name.ts";

describe("operatorName: one fallback for approve, resume and rollback", () => {
  it("prefers the name given, then $USER, then $USERNAME", () => {
    expect(operatorName({ USER: "ann", USERNAME: "bob" }, "carol")).toBe("carol");
    expect(operatorName({ USER: "ann", USERNAME: "bob" })).toBe("ann");
    expect(operatorName({ USERNAME: "bob" })).toBe("bob");
  });

  it("treats blank values as unset and trims names", () => {
    expect(operatorName({ USER: "  ", USERNAME: " bob " })).toBe("bob");
    expect(operatorName({ USER: "ann" }, "  ")).toBe("ann");
  });

  it("falls back to one default when nothing names the operator", () => {
    expect(DEFAULT_OPERATOR).toBe("operator");
    expect(operatorName({})).toBe("operator");
    expect(operatorName({ USER: "" })).toBe("operator");
  });
});
