import { describe, expect, it } from "vitest";
import { bareChangeId, bareZoneId, normalizeName } from "../../src/engine/route53-names.ts";

describe("Route 53 names", () => {
  it("matches names as Route 53 does: case, trailing dot and octal escapes", () => {
    expect(normalizeName("\\052.Example.COM.")).toBe("*.example.com");
    expect(normalizeName("*.example.com")).toBe("*.example.com");
    expect(normalizeName("a\\100b.example.com.")).toBe("a@b.example.com");
    expect(normalizeName("API.example.com")).toBe(normalizeName("api.example.com."));
  });

  it("strips the resource prefixes of zone and change ids", () => {
    expect(bareZoneId("/hostedzone/Z123")).toBe("Z123");
    expect(bareZoneId("Z123")).toBe("Z123");
    expect(bareChangeId("/change/C42")).toBe("C42");
  });
});
