import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { escapeXml, parseXml, textOf, toXml } from "../../src/sandbox/xml.ts";
import { queryXml, unflatten } from "../../src/sandbox/query.ts";
import { serviceOf } from "../../src/sandbox/router.ts";
import type { SandboxRequest } from "../../src/sandbox/http.ts";

const request = (over: Partial<SandboxRequest>): SandboxRequest => ({
  method: "GET",
  path: "/",
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.alloc(0),
  requestId: "r",
  ...over,
});

describe("XML", () => {
  it("reads back any text it writes, entities included", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        // XML 1.0 cannot carry control characters or lone surrogates; the SDKs never send them.
        const clean = [...text].filter((c) => c >= " " || c === "\t" || c === "\n").join("");
        const root = parseXml(`<R>${toXml({ V: clean })}</R>`);
        expect(root.children[0]!.text).toBe(clean);
      }),
    );
  });

  it("ignores the declaration, namespaces prefixes and whitespace, and rejects malformed input", () => {
    const root = parseXml('<?xml version="1.0"?>\n<a:Root xmlns:a="x">\n  <Name> n </Name><Empty/></a:Root>');
    expect(root.name).toBe("Root");
    expect(textOf(root, "Name")).toBe("n");
    expect(textOf(root, "Empty")).toBe("");
    expect(() => parseXml("<A><B></A>")).toThrow();
    expect(() => parseXml("<A>")).toThrow();
    expect(escapeXml(`<&>"'`)).toBe("&lt;&amp;&gt;&quot;&apos;");
  });
});

describe("query protocol", () => {
  it("unflattens member lists and nested structures in order", () => {
    const params = new URLSearchParams(
      "Action=X&Names.member.2=b&Names.member.1=a&Names.member.10=j&Dims.member.1.Name=n&Dims.member.1.Value=v&Top=t",
    );
    expect(unflatten(params)).toEqual({
      Names: ["a", "b", "j"],
      Dims: [{ Name: "n", Value: "v" }],
      Top: "t",
    });
  });

  it("renders lists as <member> and dates as ISO-8601", () => {
    expect(queryXml({ L: ["a", "b"], D: new Date(0), U: undefined })).toBe(
      "<L><member>a</member><member>b</member></L><D>1970-01-01T00:00:00.000Z</D>",
    );
  });
});

describe("routing", () => {
  const none = () => null;
  it("routes by the SigV4 credential scope first", () => {
    const auth = (service: string) => ({
      authorization: `AWS4-HMAC-SHA256 Credential=sandbox/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    });
    expect(serviceOf(request({ headers: auth("monitoring"), path: "/2013-04-01/x" }), none)).toBe(
      "monitoring",
    );
    expect(serviceOf(request({ headers: auth("eks") }), none)).toBe("eks");
    expect(
      serviceOf(
        request({ query: new URLSearchParams("X-Amz-Credential=a/20260101/us-east-1/sts/aws4_request") }),
        none,
      ),
    ).toBe("sts");
  });

  it("falls back to the target header, the path and the Action", () => {
    expect(
      serviceOf(
        request({ headers: { "x-amz-target": "GraniteServiceVersion20100801.DescribeAlarms" } }),
        none,
      ),
    ).toBe("monitoring");
    expect(serviceOf(request({ path: "/2013-04-01/hostedzone" }), none)).toBe("route53");
    expect(serviceOf(request({ path: "/clusters/a" }), none)).toBe("eks");
    expect(serviceOf(request({}), () => "GetCallerIdentity")).toBe("sts");
    expect(serviceOf(request({}), () => "DescribeAlarms")).toBe("monitoring");
    expect(serviceOf(request({ path: "/bucket/key" }), none)).toBe("s3");
  });
});
