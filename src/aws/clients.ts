/**
 * Every AWS SDK client is built here and nowhere else, so credentials, region, endpoint and the "no SDK
 * retries" rule are decided once.
 *
 * - Credentials: the SDK's default chain (env, shared config / `AWS_PROFILE`, SSO, web identity, IMDS);
 *   `--profile` picks a profile; a `roleArn` is assumed with STS AssumeRole on top of that.
 * - Region: a cluster's own region (it names where that cluster lives) > `--region` > the plan's region >
 *   `AWS_REGION` / shared config.
 * - Endpoint: `--endpoint-url` overrides everything. Otherwise the SDK itself reads `AWS_ENDPOINT_URL`
 *   and the per-service `AWS_ENDPOINT_URL_ROUTE_53`, `_EKS`, `_CLOUDWATCH`, `_S3`, `_STS` (and
 *   `endpoint_url` in the shared config); see @smithy/core getEndpointUrlConfig. We rely on that rather
 *   than re-implementing it, and only look at the variables to turn on S3 path-style addressing.
 * - `maxAttempts: 1`: retries belong to retry.ts.
 * - Timeouts: every request has a connection timeout and a request timeout that throws
 *   (`throwOnRequestTimeout`; without it the SDK only prints a warning and waits on), plus the same idle
 *   socket timeout for a body that stalls half-way. The error is a `TimeoutError`, which retry.ts retries
 *   and then reports. `EKS_BLUEGREEN_AWS_TIMEOUT_MS` sets the request timeout (tests shorten it).
 * - The SDK's own log lines (warnings of the HTTP handler included) go to `log`, i.e. `--debug`, never
 *   straight to stderr.
 * - Every client refuses a 2xx answer that is an HTML page (answers.ts), whatever its protocol.
 *
 * The SDK modules are imported lazily, on the first client of each kind, so `plan --offline` never loads them.
 */
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EKSClient } from "@aws-sdk/client-eks";
import type { S3Client } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { GlobalAcceleratorClient } from "@aws-sdk/client-global-accelerator";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { ExitCode, ToolError } from "../errors.ts";
import type { AwsSettings } from "./settings.ts";
import { checkAnswers } from "./answers.ts";

/** Global Accelerator's control plane is served from us-west-2 only, whatever region the traffic is in. */
export const GLOBAL_ACCELERATOR_API_REGION = "us-west-2";

type AwsCredentialIdentityProvider = ReturnType<typeof fromTemporaryCredentials>;

/** Which account and region a client speaks for. */
export interface ClientScope {
  region?: string;
  roleArn?: string;
}

export interface ClientFactoryOptions {
  settings: AwsSettings;
  /** The plan's region, when there is a plan. */
  planRegion?: string;
  /** Environment to read endpoint variables from; the SDK itself reads process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Per-request timeout, so a silent endpoint becomes a retryable TimeoutError. Default:
   * `EKS_BLUEGREEN_AWS_TIMEOUT_MS` from `env`, else DEFAULT_REQUEST_TIMEOUT_MS.
   */
  requestTimeoutMs?: number;
  /** Where the SDK's log lines go (`--debug`); dropped when absent. */
  log?: (line: string) => void;
}

/** Long enough for Route 53's biggest listing page, short enough that a hang is noticed within a tick. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** A TCP connection to AWS takes milliseconds; seconds mean the endpoint is unreachable. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
export const TIMEOUT_ENV = "EKS_BLUEGREEN_AWS_TIMEOUT_MS";

/** The request timeout `env` asks for, or undefined (unset); a value that is not a positive number is a usage error. */
export function timeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new ToolError(
      "invalid-env",
      `${TIMEOUT_ENV}=${JSON.stringify(raw)} is not a positive number of milliseconds.`,
      { hint: `Set ${TIMEOUT_ENV} to e.g. 15000, or unset it.`, exitCode: ExitCode.Usage, fault: "user" },
    );
  }
  return n;
}

/** The SDK's Logger interface, routed to one line-writer. */
export interface SdkLogger {
  trace(...content: unknown[]): void;
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

export function sdkLogger(log: ((line: string) => void) | undefined): SdkLogger {
  const write =
    (level: string) =>
    (...content: unknown[]) => {
      if (!log) return;
      const text = content.map((c) => (typeof c === "string" ? c : safeJson(c))).join(" ");
      log(`aws-sdk ${level}: ${text}`);
    };
  // `info` is every command's full input and output: too much even for --debug.
  return {
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: write("warn"),
    error: write("error"),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface ClientFactory {
  route53(scope?: ClientScope): Promise<Route53Client>;
  cloudwatch(scope?: ClientScope): Promise<CloudWatchClient>;
  eks(scope?: ClientScope): Promise<EKSClient>;
  s3(scope?: ClientScope): Promise<S3Client>;
  sts(scope?: ClientScope): Promise<STSClient>;
  elbv2(scope?: ClientScope): Promise<ElasticLoadBalancingV2Client>;
  /** Always in us-west-2, where Global Accelerator's API is served. */
  globalAccelerator(scope?: ClientScope): Promise<GlobalAcceleratorClient>;
  sns(scope?: ClientScope): Promise<SNSClient>;
  ec2(scope?: ClientScope): Promise<EC2Client>;
  /** The region a scope resolves to (undefined leaves it to AWS_REGION / shared config). */
  regionFor(scope?: ClientScope): string | undefined;
}

/** Shared configuration of every client. Exported for tests. */
export interface BaseConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
  maxAttempts: 1;
  credentials?: AwsCredentialIdentityProvider;
  logger: SdkLogger;
  requestHandler: {
    requestTimeout: number;
    connectionTimeout: number;
    socketTimeout: number;
    throwOnRequestTimeout: true;
    logger: SdkLogger;
  };
}

/** Suffix of the per-service endpoint variable, as the SDK derives it from the service id. */
type ServiceKey =
  | "ROUTE_53"
  | "CLOUDWATCH"
  | "EKS"
  | "S3"
  | "STS"
  | "ELASTIC_LOAD_BALANCING_V2"
  | "GLOBAL_ACCELERATOR"
  | "SNS"
  | "EC2";

export function resolveRegion(
  settings: AwsSettings,
  planRegion: string | undefined,
  scope: ClientScope | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  return scope?.region ?? settings.region ?? planRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}

/** True when S3 calls go to a custom endpoint (then buckets are addressed by path, not by host name). */
export function s3EndpointOverridden(settings: AwsSettings, env: NodeJS.ProcessEnv): boolean {
  return Boolean(settings.endpointUrl || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

export function createClientFactory(options: ClientFactoryOptions): ClientFactory {
  const env = options.env ?? process.env;
  const { settings } = options;
  const cache = new Map<string, Promise<unknown>>();
  const credentialCache = new Map<string, Promise<AwsCredentialIdentityProvider>>();
  const logger = sdkLogger(options.log);
  const requestTimeout = options.requestTimeoutMs ?? timeoutFromEnv(env) ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const requestHandler = {
    requestTimeout,
    connectionTimeout: Math.min(requestTimeout, DEFAULT_CONNECTION_TIMEOUT_MS),
    socketTimeout: requestTimeout,
    throwOnRequestTimeout: true as const,
    logger,
  };

  const regionFor = (scope?: ClientScope) => resolveRegion(settings, options.planRegion, scope, env);

  async function credentialsFor(
    scope: ClientScope | undefined,
  ): Promise<AwsCredentialIdentityProvider | undefined> {
    const roleArn = scope?.roleArn;
    if (!roleArn) return undefined;
    const region = regionFor(scope);
    const key = `${roleArn}\u0000${region ?? ""}`;
    let provider = credentialCache.get(key);
    if (!provider) {
      provider = import("@aws-sdk/credential-providers").then(({ fromTemporaryCredentials }) =>
        fromTemporaryCredentials({
          params: { RoleArn: roleArn, RoleSessionName: "eks-bluegreen", DurationSeconds: 3600 },
          clientConfig: {
            region,
            profile: settings.profile,
            maxAttempts: 1,
            logger,
            requestHandler,
            ...(endpointFor("STS") ? { endpoint: endpointFor("STS") } : {}),
          },
        }),
      );
      credentialCache.set(key, provider);
    }
    return provider;
  }

  // The SDK reads endpoint variables from process.env only; an `env` given explicitly (a command's
  // context, a test) is applied here so it means the same thing.
  function endpointFor(service: ServiceKey): string | undefined {
    if (settings.endpointUrl) return settings.endpointUrl;
    if (env === process.env) return undefined;
    return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
  }

  async function base(service: ServiceKey, scope: ClientScope | undefined): Promise<BaseConfig> {
    const config: BaseConfig = { maxAttempts: 1, logger, requestHandler };
    const region = regionFor(scope);
    if (region) config.region = region;
    if (settings.profile) config.profile = settings.profile;
    const endpoint = endpointFor(service);
    if (endpoint) config.endpoint = endpoint;
    const credentials = await credentialsFor(scope);
    if (credentials) config.credentials = credentials;
    return config;
  }

  function cached<T>(kind: string, scope: ClientScope | undefined, make: () => Promise<T>): Promise<T> {
    const key = `${kind}\u0000${regionFor(scope) ?? ""}\u0000${scope?.roleArn ?? ""}`;
    let client = cache.get(key) as Promise<T> | undefined;
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  }

  return {
    regionFor,
    route53: (scope) =>
      cached("route53", scope, async () => {
        const { Route53Client } = await import("@aws-sdk/client-route-53");
        return checkAnswers(new Route53Client(await base("ROUTE_53", scope)), "Route 53");
      }),
    cloudwatch: (scope) =>
      cached("cloudwatch", scope, async () => {
        const { CloudWatchClient } = await import("@aws-sdk/client-cloudwatch");
        return checkAnswers(new CloudWatchClient(await base("CLOUDWATCH", scope)), "CloudWatch");
      }),
    eks: (scope) =>
      cached("eks", scope, async () => {
        const { EKSClient } = await import("@aws-sdk/client-eks");
        return checkAnswers(new EKSClient(await base("EKS", scope)), "EKS");
      }),
    s3: (scope) =>
      cached("s3", scope, async () => {
        const { S3Client } = await import("@aws-sdk/client-s3");
        const client = new S3Client({
          ...(await base("S3", scope)),
          forcePathStyle: s3EndpointOverridden(settings, env),
        });
        return checkAnswers(client, "S3");
      }),
    sts: (scope) =>
      cached("sts", scope, async () => {
        const { STSClient } = await import("@aws-sdk/client-sts");
        return checkAnswers(new STSClient(await base("STS", scope)), "STS");
      }),
    elbv2: (scope) =>
      cached("elbv2", scope, async () => {
        const { ElasticLoadBalancingV2Client } = await import("@aws-sdk/client-elastic-load-balancing-v2");
        return new ElasticLoadBalancingV2Client(await base("ELASTIC_LOAD_BALANCING_V2", scope));
      }),
    globalAccelerator: (scope) => {
      const pinned = { ...scope, region: GLOBAL_ACCELERATOR_API_REGION };
      return cached("globalaccelerator", pinned, async () => {
        const { GlobalAcceleratorClient } = await import("@aws-sdk/client-global-accelerator");
        return new GlobalAcceleratorClient(await base("GLOBAL_ACCELERATOR", pinned));
      });
    },
    sns: (scope) =>
      cached("sns", scope, async () => {
        const { SNSClient } = await import("@aws-sdk/client-sns");
        return new SNSClient(await base("SNS", scope));
      }),
    ec2: (scope) =>
      cached("ec2", scope, async () => {
        const { EC2Client } = await import("@aws-sdk/client-ec2");
        return new EC2Client(await base("EC2", scope));
      }),
  };
}
