/**
 * The ports through which the engine, the preview and the health checks see AWS. Each lists only what
 * the tool needs; the adapters in `src/aws/` (and `src/health/kubernetes/`) implement them with the AWS
 * SDK, tests implement them in memory. The core owns these types: adapters import them from here, never
 * the other way, and nothing here names the SDK. No rules of the upgrade live behind a port: the
 * adapters report what AWS says and do what they are told.
 */
import type { Finding, KubernetesObservation } from "./observation.ts";

export interface CallOptions {
  signal?: AbortSignal;
}

// ---------------------------------------------------------------- what AWS returns, as the core reads it

/*
 * A record, a listener action and an endpoint as Route 53, ELBv2 and Global Accelerator return them,
 * typed by the fields the core reads. They are structural subsets of the SDK's types: an adapter hands
 * the SDK's object over whole, and writes it back with only the weight changed, so every field not named
 * here (values, AliasTarget, HealthCheckId, stickiness, other actions...) travels through as read. The
 * safety rule "change only the Weight, keep every other field" lives in the adapters' writers
 * (`aws/route53-batch.ts`, `aws/elbv2.ts` `withWeights`, `aws/globalaccelerator.ts`), each of which casts
 * back to the SDK's type at one place.
 */

/** A Route 53 record set (the SDK's `ResourceRecordSet`), every other field carried as read. */
export interface RecordSet {
  Name?: string;
  Type?: string;
  SetIdentifier?: string;
  Weight?: number;
  TTL?: number;
}

/** One ELBv2 listener or rule action (the SDK's `Action`), every other field carried as read. */
export interface ListenerAction {
  Type?: string;
  /** The single-target-group shorthand of a forward action. */
  TargetGroupArn?: string;
  ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string; Weight?: number }[] };
}

/** One Global Accelerator endpoint (the SDK's `EndpointDescription`). */
export interface Endpoint {
  EndpointId?: string;
  Weight?: number;
  /** Written back as read (UpdateEndpointGroup replaces the whole list). */
  ClientIPPreservationEnabled?: boolean;
}

// ---------------------------------------------------------------- traffic (Route 53)

/** Where a record pair lives, as the plan names it. */
export interface RecordPairRef {
  zoneId?: string;
  zoneName?: string;
  name: string;
  type: string;
  /** SetIdentifier of blue's weighted record */
  blue: string;
  /** SetIdentifier of green's weighted record */
  green: string;
}

/** One pair as Route 53 has it now. A missing record is `undefined`; the full record set is kept so UPSERTs change only the weight. */
export interface PairReading {
  pair: RecordPairRef;
  /** Resolved hosted zone id, without the `/hostedzone/` prefix; undefined when the zone was not found. */
  zoneId: string | undefined;
  blue: RecordSet | undefined;
  green: RecordSet | undefined;
  /** Every other weighted record sharing the name and type (neither blue nor green), which also takes traffic. */
  others: RecordSet[];
}

export interface SubmittedChange {
  zoneId: string;
  changeId: string;
  /** ISO time the change was submitted (alarm history is read from here). */
  submittedAt: string;
  /** Number of record pairs in this change. */
  pairs: number;
}

export interface TrafficPort {
  /** Reads every pair with the fewest calls (one paged listing per zone). */
  read(pairs: readonly RecordPairRef[], options?: CallOptions): Promise<PairReading[]>;
  /**
   * Sets green = `greenPercent` and blue = 100 − `greenPercent` on every pair, one atomic batch per hosted
   * zone (split only past Route 53's limits). Readings supply every other field of each record.
   */
  apply(
    readings: readonly PairReading[],
    greenPercent: number,
    options?: CallOptions,
  ): Promise<SubmittedChange[]>;
  /** Polls GetChange until every change is INSYNC or the timeout passes; returns the ids still PENDING. */
  waitInSync(changeIds: readonly string[], options: CallOptions & { timeoutMs: number }): Promise<string[]>;
  /** Deletes blue's weighted record of each pair (retire with `blueRecords: delete`). */
  deleteBlue(readings: readonly PairReading[], options?: CallOptions): Promise<SubmittedChange[]>;
}

// ---------------------------------------------------------------- traffic (ALB listeners and rules)

/** A listener (its default actions) or one of its rules, forwarding to blue's and green's target groups. */
export interface ListenerRef {
  listenerArn: string;
  ruleArn?: string;
  /** Target group of each side, by ARN or by name. */
  blue: string;
  green: string;
}

/** What ELBv2 says now; the engine decides whether it can be shifted. */
export interface ListenerReading {
  ref: ListenerRef;
  listenerFound: boolean;
  /** Undefined when the ref names no rule. */
  ruleFound: boolean | undefined;
  /** The listener the rule belongs to, from its ARN. */
  ruleListenerArn: string | undefined;
  /** Target group ARNs (names resolved); undefined when the name matched none. */
  blueArn: string | undefined;
  greenArn: string | undefined;
  /** The listener's default actions or the rule's actions, exactly as read. */
  actions: ListenerAction[];
}

export interface ListenersPort {
  /** Reads every listener and rule with the fewest calls (batched describes, names resolved once). */
  read(refs: readonly ListenerRef[], options?: CallOptions): Promise<ListenerReading[]>;
  /**
   * Sets green = p and blue = 100 − p in each forward action (ModifyListener or ModifyRule), keeping every
   * other field; then reads them again and returns what ELBv2 now says (the step is applied when the
   * re-read shows the weights).
   */
  apply(
    readings: readonly ListenerReading[],
    greenPercent: number,
    options?: CallOptions,
  ): Promise<ListenerReading[]>;
}

// ---------------------------------------------------------------- traffic (Global Accelerator)

/** An endpoint group holding each cluster's load balancer as an endpoint. */
export interface EndpointGroupRef {
  endpointGroupArn: string;
  /** Endpoint ids (the load balancers' ARNs). */
  blue: string;
  green: string;
}

export interface EndpointGroupReading {
  ref: EndpointGroupRef;
  found: boolean;
  /** Every endpoint as read (UpdateEndpointGroup replaces the list, so all of them are written back). */
  endpoints: Endpoint[];
  /** The accelerator is applying an earlier update (IN_PROGRESS). */
  updating: boolean;
}

export interface EndpointGroupsPort {
  read(refs: readonly EndpointGroupRef[], options?: CallOptions): Promise<EndpointGroupReading[]>;
  /**
   * Sets green = p and blue = 100 − p (UpdateEndpointGroup with the whole endpoint list, every other
   * field as read), then re-reads until the weights show or `settleMs` passes; returns the last reading.
   */
  apply(
    readings: readonly EndpointGroupReading[],
    greenPercent: number,
    options?: CallOptions & { settleMs?: number },
  ): Promise<EndpointGroupReading[]>;
}

// ---------------------------------------------------------------- alarms (CloudWatch)

export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmReading {
  name: string;
  kind: "metric" | "composite";
  state: AlarmStateValue;
  reason: string;
  /** ISO time of the last state change */
  updatedAt: string;
}

export interface AlarmTransition {
  name: string;
  at: string;
  from: AlarmStateValue | undefined;
  to: AlarmStateValue;
  summary: string;
}

export interface AlarmSelector {
  names: readonly string[];
  prefixes: readonly string[];
}

export interface AlarmsPort {
  /** Resolves names (≤100 a call) and prefixes, metric and composite. `missing` lists names and prefixes that matched nothing. */
  describe(
    selector: AlarmSelector,
    options?: CallOptions,
  ): Promise<{ alarms: AlarmReading[]; missing: string[] }>;
  /** State updates since `since` for the given alarms (one paged call without an alarm name, filtered here). */
  history(since: Date, names: readonly string[], options?: CallOptions): Promise<AlarmTransition[]>;
}

// ---------------------------------------------------------------- metrics (CloudWatch GetMetricData)

/** One query, as GetMetricData takes it (the SDK's shape, without the SDK's types). */
export interface MetricDataQuery {
  Id: string;
  Expression?: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
    Unit?: string;
  };
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

/** One query's datapoints over the window, oldest first, and what CloudWatch said about them. */
export interface MetricSeries {
  id: string;
  label: string;
  /** ISO times, oldest first. */
  timestamps: string[];
  values: number[];
  /** Complete, PartialData (more existed than was returned), InternalError, Forbidden. */
  status: string;
  messages: string[];
}

export interface MetricsPort {
  /** Every query in as few GetMetricData calls as the 500-query limit allows; pages followed. */
  getData(
    queries: readonly MetricDataQuery[],
    window: { start: Date; end: Date },
    options?: CallOptions,
  ): Promise<{ series: MetricSeries[]; messages: string[]; calls: number }>;
}

// ---------------------------------------------------------------- clusters (EKS)

export interface HealthIssue {
  code: string;
  message: string;
  resourceIds?: string[];
}

export interface NodegroupReading {
  name: string;
  status: string;
  version: string | undefined;
  issues: HealthIssue[];
  scaling: { min: number; max: number; desired: number } | undefined;
  /** `AL2_x86_64`, `AL2023_x86_64_STANDARD`, `BOTTLEROCKET_x86_64`, `CUSTOM`... (readiness checks). */
  amiType?: string;
  /** e.g. `1.33.0-20250704`; the date suffix dates the AMI (readiness checks). */
  releaseVersion?: string;
}

export interface AddonReading {
  name: string;
  status: string;
  version: string | undefined;
  issues: HealthIssue[];
}

export interface InsightReading {
  id: string;
  name: string;
  category: string;
  status: "PASSING" | "WARNING" | "ERROR" | "UNKNOWN";
  reason: string;
}

export interface ClusterReading {
  name: string;
  exists: boolean;
  status: string | undefined;
  version: string | undefined;
  platformVersion: string | undefined;
  endpoint: string | undefined;
  /** base64 PEM, as DescribeCluster returns it */
  certificateAuthority: string | undefined;
  arn: string | undefined;
  issues: HealthIssue[];
  nodegroups: NodegroupReading[];
  fargateProfiles: string[];
  addons: AddonReading[];
  /** Present only when asked for. */
  insights: InsightReading[] | undefined;
  /** The cluster's subnets (DescribeCluster `resourcesVpcConfig.subnetIds`), for the subnet readiness check. */
  subnetIds?: string[];
}

/** One version of an add-on as DescribeAddonVersions lists it for one Kubernetes version. */
export interface AddonVersionReading {
  version: string;
  /** The version EKS installs by default on that Kubernetes version. */
  isDefault: boolean;
}

/** Free IP addresses per subnet (EC2 DescribeSubnets `AvailableIpAddressCount`). */
export interface SubnetsPort {
  freeIps(subnetIds: readonly string[], options?: CallOptions): Promise<{ subnetId: string; free: number }[]>;
}

export interface ClusterQuery {
  /** Node groups to read; undefined = all. */
  nodegroups?: readonly string[];
  /** Add-ons to read; undefined = all. */
  addons?: readonly string[];
  insights?: boolean;
}

export type RetireProgress = (message: string) => void;

export interface ClustersPort {
  describe(name: string, query?: ClusterQuery, options?: CallOptions): Promise<ClusterReading>;
  /** Deletes node groups and Fargate profiles (one at a time), waits, then deletes the cluster. */
  deleteCluster(
    name: string,
    options: CallOptions & { timeoutMs: number; onProgress?: RetireProgress },
  ): Promise<void>;
  /** The versions of an add-on published for a Kubernetes version (readiness checks; absent on fakes). */
  addonVersions?(
    addonName: string,
    kubernetesVersion: string,
    options?: CallOptions,
  ): Promise<AddonVersionReading[]>;
  /** Each Fargate profile's status (readiness checks; absent on fakes). */
  fargateStatuses?(name: string, options?: CallOptions): Promise<{ name: string; status: string }[]>;
  /** Scales every managed node group to 0 (min 0, desired 0). */
  scaleToZero(
    name: string,
    options: CallOptions & { timeoutMs: number; onProgress?: RetireProgress },
  ): Promise<void>;
}

// ---------------------------------------------------------------- objects (S3, for shared state)

export interface StoredObject {
  body: string;
  etag: string;
  /** The object's `Last-Modified` (S3's clock, whole seconds), when the store sends it. */
  lastModified?: Date;
  /** The response's `Date` header: S3's own time when it answered (whole seconds), when sent. */
  date?: Date;
}

/** One response's `Date` header beside this machine's clock when the response arrived. */
export interface ServerTimeReading {
  operation: string;
  key: string;
  /** S3's time (the `Date` header, whole seconds). */
  serverTime: Date;
  /** This machine's clock when the response arrived. */
  localTime: Date;
}

export interface ObjectStorePort {
  get(key: string, options?: CallOptions): Promise<StoredObject | undefined>;
  /**
   * Conditional put: `ifMatch` (replace only this version) or `ifNoneMatch: "*"` (create only).
   * Throws PreconditionFailedError when the condition does not hold. Returns the new ETag.
   */
  put(
    key: string,
    body: string,
    condition: { ifMatch: string } | { ifNoneMatch: "*" } | undefined,
    options?: CallOptions,
  ): Promise<string>;
  delete(key: string, options?: CallOptions & { ifMatch?: string }): Promise<void>;
  /** Every key under `prefix` (all pages of ListObjectsV2), for finding other upgrades' states. */
  list(prefix: string, options?: CallOptions): Promise<string[]>;
}

// ---------------------------------------------------------------- Kubernetes (green's workloads)

export interface KubernetesPort {
  /**
   * Green's Kubernetes health (with parity against blue when the plan asks for it). Throws when green's
   * API does not answer: the caller turns that into an error part, never a failing finding.
   */
  observeGreen(
    green: ClusterReading,
    options: { now: Date; signal?: AbortSignal },
  ): Promise<KubernetesObservation>;
  /**
   * The resilience audit of green's live workloads, with the plan's `health.audit` (critical, block) and
   * green's target version; EKS insights included when the reading carries them. Throws when unreadable.
   */
  audit(green: ClusterReading, options: { signal?: AbortSignal }): Promise<Finding[]>;
  /** Green's nodes (kubelet versions) and blue's pod count, for the readiness checks. Throws when unreadable. */
  readinessFacts?(
    green: ClusterReading,
    options: { signal?: AbortSignal; bluePods?: boolean },
  ): Promise<KubernetesReadinessFacts>;
}

export interface KubernetesReadinessFacts {
  nodes: { name: string; ready: boolean; kubeletVersion: string }[];
  /** Pods running on blue (every namespace), or an error when blue's API did not answer; read only when asked. */
  bluePods?: { ok: true; count: number } | { ok: false; error: string };
}

/** All ports one run needs. */
export interface Ports {
  traffic: TrafficPort;
  alarms: AlarmsPort;
  /** Clusters by plan role, since blue and green may sit in different regions or accounts. */
  clusters: { blue: ClustersPort; green: ClustersPort };
  objects?: ObjectStorePort;
  /** Present only when the plan names ALB listeners or rules. */
  listeners?: ListenersPort;
  /** Present only when the plan names Global Accelerator endpoint groups. */
  endpointGroups?: EndpointGroupsPort;
  /** CloudWatch metric queries (metric analysis and the observed split). */
  metrics?: MetricsPort;
  /** Present only when the plan enables `health.kubernetes`. */
  kubernetes?: KubernetesPort;
  /** Present only when the plan asks for `health.readiness.subnets` (loads the EC2 client). */
  subnets?: SubnetsPort;
}
