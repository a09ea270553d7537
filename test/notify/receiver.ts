/** A loopback HTTP receiver for notification tests: records every POST, answers as told. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Mode = "ok" | "500" | "hang" | "slow";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Receiver {
  url: string;
  received: Received[];
  mode: Mode;
  close(): Promise<void>;
}

export async function startReceiver(mode: Mode, path = "/hook"): Promise<Receiver> {
  const received: Received[] = [];
  const state = { mode };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      received.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(text) });
      if (state.mode === "hang") return; // never answers
      const answer = () => {
        res.statusCode = state.mode === "500" ? 500 : 200;
        res.end(state.mode === "500" ? "boom" : "ok");
      };
      if (state.mode === "slow") setTimeout(answer, 300);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    get mode() {
      return state.mode;
    },
    set mode(m: Mode) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on a port nothing listens on (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}
