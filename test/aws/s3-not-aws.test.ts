/** A 404 that is not S3's NoSuchKey must never read as "no state yet". */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createClientFactory } from "../../src/aws/clients.ts";
import { createCaller } from "../../src/aws/retry.ts";
import { createObjectStore } from "../../src/aws/s3.ts";
import { AwsError } from "../../src/errors.ts";
import { useFakeCredentials } from "../support/backends.ts";

let server: Server;
let url: string;
beforeAll(async () => {
  useFakeCredentials();
  server = createServer((req, res) => {
    req.resume();
    res
      .writeHead(404, { "content-type": "text/html" })
      .end("<html><body><h1>404 Not Found</h1></body></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("an HTML 404 from something that is not S3 is an AwsError, not an empty store", async () => {
  const clients = createClientFactory({ settings: { endpointUrl: url, region: "us-east-1" } });
  const store = createObjectStore({
    client: () => clients.s3(),
    caller: createCaller(),
    bucket: "state-bucket",
  });
  const error = await store.get("state.json").then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsError);
  expect(error).toMatchObject({ httpStatus: 404, operation: "s3:GetObject" });
});
