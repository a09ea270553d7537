/**
 * The composition root: `createPorts(plan, settings)` builds the adapters (src/aws/, and the Kubernetes
 * port of src/health/kubernetes/) behind the core's ports (engine/ports.ts) for the plan preview, the
 * driver and the state store. Nothing here loads the AWS SDK; each client is imported on its first call.
 */
import type { AwsSettings } from "../aws/settings.ts";
import { ExitCode, ToolError } from "../errors.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { createAlarmsPort } from "../aws/cloudwatch.ts";
import { createClientFactory, type ClientFactory, type ClientScope } from "../aws/clients.ts";
import { createClustersPort } from "../aws/eks.ts";
import { createMetricsPort } from "../aws/metrics.ts";
import type { Ports, ServerTimeReading } from "../engine/ports.ts";
import { createCaller, sleepOrReject, type OnRetry, type RetryPolicy } from "../aws/retry.ts";
import { createTrafficPort } from "../aws/route53.ts";
import { createObjectStore } from "../aws/s3.ts";
import { callerIdentity, type CallerIdentity } from "../aws/sts.ts";

export type { RetryInfo, RetryPolicy, OnRetry } from "../aws/retry.ts";
export type { CallerIdentity } from "../aws/sts.ts";

type Poll = { initialMs: number; factor: number; maxMs: number };

export interface PortsOptions {
  /** Aborts every AWS call of these ports (Ctrl-C). */
  signal?: AbortSignal;
  /** Called before each retry: count and log them. */
  onRetry?: OnRetry;
  /** Retry budget; defaults to DEFAULT_RETRY_POLICY. */
  retry?: Partial<RetryPolicy>;
  /** Endpoint variables are read from here (the SDK itself reads process.env). */
  env?: NodeJS.ProcessEnv;
  /** Polling of GetChange and of EKS while it works (tests shorten them). */
  poll?: { route53?: Poll; eks?: Poll };
  /** Where the AWS SDK's own log lines go (`--debug`); without it they are dropped, never printed. */
  log?: (line: string) => void;
  /** Hears every S3 response's `Date` beside this machine's clock (clock skew for `--debug`). */
  onServerTime?: (reading: ServerTimeReading) => void;
}

export const RETRY_BUDGET_ENV = "EKS_BLUEGREEN_AWS_RETRY_BUDGET_MS";

/** `EKS_BLUEGREEN_AWS_RETRY_BUDGET_MS`: how long one AWS call may keep retrying (tests and fail-fast CI shorten it). */
export function retryFromEnv(env: NodeJS.ProcessEnv): Partial<RetryPolicy> {
  const raw = env[RETRY_BUDGET_ENV];
  if (raw === undefined || raw.trim() === "") return {};
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw new ToolError(
      "invalid-env",
      `${RETRY_BUDGET_ENV}=${JSON.stringify(raw)} is not a number of milliseconds (0 or more).`,
      {
        hint: `Set ${RETRY_BUDGET_ENV} to e.g. 120000, or unset it.`,
        exitCode: ExitCode.Usage,
        fault: "user",
      },
    );
  }
  return { budgetMs: n };
}

export async function createPorts(
  plan: CompiledPlan,
  settings: AwsSettings,
  options: PortsOptions = {},
): Promise<Ports> {
  const { doc } = plan;
  const env = options.env ?? process.env;
  const clients = createClientFactory({ settings, planRegion: doc.region, env, log: options.log });
  const caller = createCaller({
    signal: options.signal,
    onRetry: options.onRetry,
    policy: { ...retryFromEnv(env), ...options.retry },
  });
  const planScope: ClientScope = doc.roleArn ? { roleArn: doc.roleArn } : {};
  const clusterScope = (c: { region?: string; roleArn?: string }): ClientScope => ({
    ...(c.region ? { region: c.region } : {}),
    ...(c.roleArn || doc.roleArn ? { roleArn: c.roleArn ?? doc.roleArn } : {}),
  });
  const clustersFor = (scope: ClientScope) =>
    createClustersPort({
      client: () => clients.eks(scope),
      caller,
      poll: options.poll?.eks,
      now: () => new Date(),
      sleep: sleepOrReject,
    });

  const ports: Ports = {
    traffic: createTrafficPort({
      client: () => clients.route53(planScope),
      caller,
      poll: options.poll?.route53,
    }),
    alarms: createAlarmsPort({ client: () => clients.cloudwatch(planScope), caller }),
    metrics: createMetricsPort({ client: () => clients.cloudwatch(planScope), caller }),
    clusters: {
      blue: clustersFor(clusterScope(doc.clusters.blue)),
      green: clustersFor(clusterScope(doc.clusters.green)),
    },
  };
  if (doc.traffic.listeners.length > 0) {
    // Only plans that shift through an ALB load the ELBv2 client; each listener's region is in its ARN.
    const { createListenersPort } = await import("../aws/elbv2.ts");
    ports.listeners = createListenersPort({
      client: (region) => clients.elbv2({ ...planScope, region }),
      caller,
    });
  }
  if (doc.traffic.accelerators.length > 0) {
    const { createEndpointGroupsPort } = await import("../aws/globalaccelerator.ts");
    ports.endpointGroups = createEndpointGroupsPort({
      client: () => clients.globalAccelerator(planScope),
      caller,
    });
  }
  if (doc.health?.kubernetes?.enabled) {
    // Only plans that look inside green load the Kubernetes client.
    const { createKubernetesPort } = await import("../health/kubernetes/port.ts");
    ports.kubernetes = createKubernetesPort(plan, settings, ports.clusters.blue, options.env ?? process.env);
  }
  if (doc.health?.readiness?.subnets) {
    // Only plans that ask for the subnet check load the EC2 client.
    const { createSubnetsPort } = await import("../aws/ec2.ts");
    ports.subnets = createSubnetsPort({
      client: () => clients.ec2(clusterScope(doc.clusters.green)),
      caller,
    });
  }
  if (doc.state.backend === "s3") {
    const scope: ClientScope = { ...planScope, ...(doc.state.region ? { region: doc.state.region } : {}) };
    ports.objects = createObjectStore({
      client: () => clients.s3(scope),
      caller,
      bucket: doc.state.bucket,
      ...(options.onServerTime ? { onServerTime: options.onServerTime } : {}),
    });
  }
  return ports;
}

/** The account and ARN the default credentials (or `roleArn`) stand for, e.g. for `iam-policy`. */
export async function whoAmI(
  settings: AwsSettings,
  options: PortsOptions & { region?: string; roleArn?: string } = {},
): Promise<CallerIdentity> {
  const env = options.env ?? process.env;
  const clients: ClientFactory = createClientFactory({
    settings,
    planRegion: options.region,
    env,
    log: options.log,
  });
  const caller = createCaller({
    signal: options.signal,
    onRetry: options.onRetry,
    policy: { ...retryFromEnv(env), ...options.retry },
  });
  const scope: ClientScope = options.roleArn ? { roleArn: options.roleArn } : {};
  return callerIdentity({ client: () => clients.sts(scope), caller }, { signal: options.signal });
}
