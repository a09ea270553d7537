/**
 * Shared by the contract suites: starts a backend for a describe block and builds the adapters against
 * it with a caller that records every logical AWS call (so tests can count them).
 */
import { afterAll, beforeAll } from "vitest";
import { createClientFactory } from "../../src/aws/clients.ts";
import { createAlarmsPort } from "../../src/aws/cloudwatch.ts";
import { createClustersPort } from "../../src/aws/eks.ts";
import {
  createCaller,
  sleepOrReject,
  type Caller,
  type RetryInfo,
  type RetryPolicy,
} from "../../src/aws/retry.ts";
import { createTrafficPort } from "../../src/aws/route53.ts";
import { createObjectStore } from "../../src/aws/s3.ts";
import { type Backend, type BackendSpec, REGION, useFakeCredentials } from "../support/backends.ts";

/** Starts the backend before the block's tests and stops it after; read `.current` inside tests. */
export function useBackend(spec: BackendSpec): { current: Backend } {
  const holder = {} as { current: Backend };
  beforeAll(async () => {
    useFakeCredentials();
    holder.current = await spec.start();
  }, 30_000);
  afterAll(async () => holder.current?.close());
  return holder;
}

export const FAST_POLL = { initialMs: 20, factor: 1.5, maxMs: 200 };

export interface Adapters {
  /** Logical calls made, by operation, in order. */
  ops: string[];
  retries: RetryInfo[];
  caller: Caller;
  traffic: ReturnType<typeof createTrafficPort>;
  alarms: ReturnType<typeof createAlarmsPort>;
  clusters: ReturnType<typeof createClustersPort>;
  objects: (bucket: string) => ReturnType<typeof createObjectStore>;
}

export function adapters(
  backend: Backend,
  options: { retry?: Partial<RetryPolicy>; signal?: AbortSignal; pageSize?: number } = {},
): Adapters {
  const clients = createClientFactory({ settings: { endpointUrl: backend.endpoint, region: REGION } });
  const ops: string[] = [];
  const retries: RetryInfo[] = [];
  const inner = createCaller({
    policy: { retries: 3, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 5_000, ...options.retry },
    onRetry: (info) => retries.push(info),
    signal: options.signal,
  });
  const caller: Caller = {
    call: (operation, fn, signal) => {
      ops.push(operation);
      return inner.call(operation, fn, signal);
    },
  };
  return {
    ops,
    retries,
    caller,
    traffic: createTrafficPort({
      client: () => clients.route53(),
      caller,
      poll: FAST_POLL,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    }),
    alarms: createAlarmsPort({ client: () => clients.cloudwatch(), caller }),
    clusters: createClustersPort({
      client: () => clients.eks(),
      caller,
      poll: FAST_POLL,
      now: () => new Date(),
      sleep: sleepOrReject,
    }),
    objects: (bucket) =>
      createObjectStore({
        client: () => clients.s3(),
        caller,
        bucket,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      }),
  };
}

/** Catches what `fn` throws (tests assert on the error itself). */
export async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure, but the call succeeded");
}
