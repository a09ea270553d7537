/**
 * The plan format, defined once. Types, validation, the JSON Schema (`eks-bluegreen schema`) and
 * docs/plan-reference.md all follow from this file; keep descriptions short and true.
 * Semantic rules that cut across fields (weights increasing, blue ≠ green, …) live in validate.ts.
 */
import { z } from "zod";

export const API_VERSION = "eks-bluegreen/v1";

/** `90s`, `10m`, `1h30m`, `2d`, `500ms`: parsed by duration.ts. */
export const Duration = z
  .string()
  .regex(/^(?=\d)(\d+d)?(\d+h)?(\d+m(?!s))?(\d+s)?(\d+ms)?$/, {
    message: "must be a duration like 90s, 10m, 1h30m or 2d",
  })
  .meta({ description: "A duration: whole numbers with units d, h, m, s, ms, e.g. `90s`, `10m`, `1h30m`." });

const RoleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { message: "must be an IAM role ARN" })
  .meta({ description: "IAM role to assume for calls about this cluster." });

const Region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: "must be an AWS region like us-east-1" });

const ClusterBase = {
  name: z.string().min(1).max(100).meta({ description: "EKS cluster name." }),
  region: Region.optional().meta({ description: "Region of this cluster, if not the plan's." }),
  roleArn: RoleArn.optional(),
};

export const BlueCluster = z
  .strictObject({ ...ClusterBase })
  .meta({ description: "The cluster now serving traffic." });

export const GreenCluster = z
  .strictObject({
    ...ClusterBase,
    kubernetesVersion: z
      .string()
      .regex(/^1\.\d{1,2}$/, { message: 'must be a Kubernetes minor version in quotes, like "1.31"' })
      .meta({ description: 'Kubernetes version green must run, e.g. "1.31". Quote it in YAML.' }),
    nodegroups: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: "Managed node groups that must be ACTIVE and healthy. Default: all of them." }),
    addons: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: "EKS add-ons that must be ACTIVE and healthy. Default: all of them." }),
    insights: z
      .boolean()
      .default(false)
      .meta({ description: "Read EKS upgrade insights (ListInsights); an ERROR insight fails preflight." }),
  })
  .meta({ description: "The new cluster, at the target version." });

export const RecordType = z.enum([
  "A",
  "AAAA",
  "CNAME",
  "MX",
  "TXT",
  "SRV",
  "PTR",
  "SPF",
  "NAPTR",
  "CAA",
  "DS",
]);

export const RecordPair = z
  .strictObject({
    zoneId: z
      .string()
      .regex(/^(\/hostedzone\/)?Z[A-Z0-9]{1,31}$/, {
        message: "must be a hosted zone id like Z0123456789ABC",
      })
      .optional()
      .meta({ description: "Hosted zone id. Give zoneId or zoneName." }),
    zoneName: z.string().min(1).optional().meta({
      description: "Hosted zone name, e.g. example.com. Must name exactly one public or private zone.",
    }),
    name: z.string().min(1).max(255).meta({ description: "Record name, e.g. api.example.com." }),
    type: RecordType.default("A").meta({ description: "Record type of both weighted records." }),
    blue: z.string().min(1).max(128).meta({ description: "SetIdentifier of the record pointing at blue." }),
    green: z.string().min(1).max(128).meta({ description: "SetIdentifier of the record pointing at green." }),
  })
  .meta({
    description: "One pair of weighted records: the same name and type, one set identifier per cluster.",
  });

/** Any well-formed ARN; which service, region and resource it must name is checked in preflight. */
const Arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/, {
  message: "must be an ARN like arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/…",
});

export const ListenerTarget = z
  .strictObject({
    listenerArn: Arn.meta({ description: "ARN of the ALB listener whose forward action splits traffic." }),
    ruleArn: Arn.optional().meta({
      description: "ARN of one of the listener's rules; without it, the listener's default action.",
    }),
    blue: z.string().min(1).meta({ description: "Blue's target group, by ARN or by name." }),
    green: z.string().min(1).meta({ description: "Green's target group, by ARN or by name." }),
  })
  .meta({
    description:
      "An ALB listener (or rule) forwarding to both clusters' target groups with weights (e.g. bound by the AWS Load Balancer Controller's TargetGroupBinding).",
  });

export const AcceleratorTarget = z
  .strictObject({
    endpointGroupArn: Arn.meta({ description: "ARN of the Global Accelerator endpoint group." }),
    blue: Arn.meta({ description: "Endpoint id of blue: its load balancer's ARN." }),
    green: Arn.meta({ description: "Endpoint id of green: its load balancer's ARN." }),
  })
  .meta({ description: "A Global Accelerator endpoint group holding both clusters' load balancers." });

export const Step = z
  .strictObject({
    green: z
      .number()
      .int({ message: "must be a whole number of percent" })
      .min(1)
      .max(100)
      .meta({ description: "Green's share of traffic in percent after this step (blue gets the rest)." }),
    bake: Duration.default("10m").meta({
      description: "How long to watch alarms after Route 53 reports INSYNC before the next step.",
    }),
    approval: z
      .boolean()
      .default(false)
      .meta({ description: "Wait for `eks-bluegreen approve` before this step shifts traffic." }),
  })
  .meta({ description: "One traffic shift." });

export const Alarms = z
  .strictObject({
    names: z.array(z.string().min(1)).default([]).meta({ description: "Alarm names (metric or composite)." }),
    prefixes: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "Alarm name prefixes; every alarm whose name starts with one is watched." }),
    insufficientData: z
      .enum(["hold", "fail", "ignore"])
      .default("hold")
      .meta({ description: "What INSUFFICIENT_DATA means: hold (wait), fail (roll back) or ignore." }),
    pollInterval: Duration.default("30s").meta({ description: "How often to read alarm states." }),
    history: z.boolean().default(true).meta({
      description: "Read alarm history so an ALARM that came and went between two polls still counts.",
    }),
    critical: z.array(z.string().min(1)).default([]).meta({
      description: "Alarm names whose ALARM rolls back at once, even with rollback.mode gradual.",
    }),
  })
  .meta({
    description: "CloudWatch alarms that decide whether green is good. A missing alarm stops the upgrade.",
  });

export const Rollback = z
  .strictObject({
    automatic: z
      .boolean()
      .default(true)
      .meta({ description: "Roll back to blue on a failing verdict. If false, pause for a person instead." }),
    holdTimeout: Duration.default("15m").meta({
      description:
        "How long an inconclusive or error verdict may hold the upgrade before onHoldTimeout applies.",
    }),
    onHoldTimeout: z
      .enum(["rollback", "pause"])
      .default("pause")
      .meta({ description: "What to do when holdTimeout runs out." }),
    mode: z.enum(["immediate", "gradual"]).default("immediate").meta({
      description:
        "immediate: all traffic back to blue in one change. gradual: back down through the plan's steps with a bake of stepBake at each (a critical alarm still goes back at once).",
    }),
    stepBake: Duration.default("1m").meta({
      description: "With mode gradual: how long each step down holds before the next.",
    }),
  })
  .meta({ description: "When to go back to blue." });

export const Retire = z
  .strictObject({
    after: Duration.default("24h").meta({
      description: "How long green must hold 100% before blue is retired.",
    }),
    mode: z.enum(["delete", "scale-to-zero", "keep"]).default("keep").meta({
      description:
        "delete blue's node groups, Fargate profiles and cluster; scale its node groups to 0; or keep it.",
    }),
    approval: z
      .boolean()
      .default(true)
      .meta({ description: "Require `eks-bluegreen approve` before retiring. Always true for delete." }),
    blueRecords: z
      .enum(["keep", "delete"])
      .default("keep")
      .meta({ description: "At the end, keep blue's weighted records (at weight 0) or delete them." }),
  })
  .meta({ description: "What happens to blue once green has carried all traffic long enough." });

export const Approvals = z
  .strictObject({
    expireAfter: Duration.optional().meta({ description: "An approval not used within this long lapses." }),
  })
  .meta({ description: "Approval gates." });

export const LocalState = z.strictObject({
  backend: z.literal("local"),
  dir: z
    .string()
    .min(1)
    .default(".eks-bluegreen")
    .meta({ description: "Directory for state, lock and event log." }),
});

export const S3State = z.strictObject({
  backend: z.literal("s3"),
  bucket: z.string().min(3).max(63).meta({ description: "S3 bucket holding state and lock objects." }),
  key: z.string().min(1).meta({ description: "Key of the state object; the lock is `<key>.lock`." }),
  region: Region.optional().meta({ description: "Region of the bucket, if not the plan's." }),
});

export const State = z.discriminatedUnion("backend", [LocalState, S3State]).meta({
  description: "Where the upgrade's state lives: a local file (default) or S3, shared by CI runners.",
});

export const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "must be a time like 09:00" });

export const ChangeWindow = z
  .strictObject({
    days: z
      .array(Weekday)
      .min(1)
      .default(["mon", "tue", "wed", "thu", "fri"])
      .meta({ description: "Days (in timeZone) the window opens on." }),
    start: ClockTime.meta({ description: "Start of the window, HH:MM, in timeZone." }),
    end: ClockTime.meta({
      description: "End of the window, HH:MM, in timeZone; before start means it crosses midnight.",
    }),
    timeZone: z.string().default("UTC").meta({ description: "IANA time zone, e.g. Europe/Berlin." }),
  })
  .meta({ description: "When traffic may move forward. Rollback is never held back by a window." });

export const KubernetesHealth = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: "Run the Kubernetes-level checks." }),
    kubeconfig: z
      .strictObject({
        path: z
          .string()
          .optional()
          .meta({ description: "Kubeconfig file. Default: $KUBECONFIG or ~/.kube/config." }),
        context: z.string().optional().meta({ description: "Context to use. Default: the current context." }),
      })
      .optional()
      .meta({ description: "Use a kubeconfig context instead of connecting through EKS." }),
    namespaces: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "Namespaces to check. Default: all but kube-system." }),
    labelSelector: z
      .string()
      .optional()
      .meta({ description: "Only workloads and pods matching this selector." }),
    minZones: z
      .number()
      .int()
      .min(1)
      .default(1)
      .meta({ description: "Ready nodes must span at least this many zones." }),
    pendingGrace: Duration.default("5m").meta({
      description: "A pod Pending longer than this fails the check.",
    }),
    maxRestarts: z
      .number()
      .int()
      .min(0)
      .default(3)
      .meta({ description: "Container restarts allowed to grow during one bake before the step fails." }),
    argocd: z
      .boolean()
      .default(true)
      .meta({ description: "Where Argo CD runs, its Applications must be Synced and Healthy." }),
    parity: z
      .strictObject({
        enabled: z.boolean().default(true).meta({ description: "Compare green's workloads with blue's." }),
        minReadyPercent: z.number().min(0).max(100).default(100).meta({
          description: "Green's ready replicas as a percent of blue's desired replicas, per workload.",
        }),
      })
      .default({ enabled: true, minReadyPercent: 100 })
      .meta({ description: "Blue↔green parity: every workload on blue runs on green too." }),
  })
  .meta({ description: "Kubernetes-level health of green (see docs/health.md)." });

export const Audit = z
  .strictObject({
    critical: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "Workloads (`namespace/name`) whose pods must have Guaranteed QoS." }),
    block: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "Audit finding codes that block the upgrade (turn into preflight errors)." }),
  })
  .meta({ description: "The resilience audit." });

export const Readiness = z
  .strictObject({
    addons: z.boolean().default(true).meta({
      description:
        "Check that every add-on's version supports green's Kubernetes version (eks:DescribeAddonVersions).",
    }),
    fargate: z
      .boolean()
      .default(true)
      .meta({ description: "Check that green's Fargate profiles are ACTIVE (eks:DescribeFargateProfile)." }),
    subnets: z.boolean().default(false).meta({
      description:
        "Check that green's subnets have a free IP for each of blue's running pods (ec2:DescribeSubnets).",
    }),
    amiMaxAgeDays: z.number().int().min(1).default(90).meta({
      description: "A node group whose AMI release is older than this many days is a warning.",
    }),
  })
  .meta({ description: "Upgrade-readiness checks of green, in preflight and `plan` (see docs/health.md)." });

export const Capacity = z
  .strictObject({
    headroom: z.number().min(0).max(1000).default(10).meta({
      description:
        "Percent above the traffic share: before a step to p%, green needs ⌈p/100 × blue's ready replicas at the start × (1 + headroom/100)⌉ ready replicas per workload.",
    }),
  })
  .meta({
    description:
      "Capacity that follows traffic (needs `health.kubernetes`): hold before a step while green is too small for it (see docs/health.md).",
  });

export const Health = z
  .strictObject({
    kubernetes: KubernetesHealth.optional(),
    audit: Audit.optional(),
    readiness: Readiness.optional(),
  })
  .meta({ description: "Green's health beyond EKS status." });

/** A CloudWatch dimension; `{{var}}` in the value is templated per side. */
export const AnalysisDimension = z
  .strictObject({
    name: z.string().min(1).max(255).meta({ description: "Dimension name, e.g. `LoadBalancer`." }),
    value: z.string().min(1).max(1024).meta({
      description: "Dimension value; `{{cluster}}` and `analysis.variables` are filled in per side.",
    }),
  })
  .meta({ description: "One dimension of the metric." });

export const AnalysisMetricStat = z
  .strictObject({
    namespace: z
      .string()
      .min(1)
      .max(255)
      .meta({ description: "Metric namespace, e.g. `AWS/ApplicationELB`." }),
    metricName: z.string().min(1).max(255).meta({ description: "Metric name, e.g. `RequestCount`." }),
    dimensions: z.array(AnalysisDimension).max(30).default([]).meta({
      description: "Dimensions (at most 30); templated per side.",
    }),
    stat: z.string().min(1).default("Sum").meta({
      description:
        "CloudWatch statistic: Sum, Average, Minimum, Maximum, SampleCount, pNN or pNN.N, tmNN, wmNN, tcNN, tsNN, IQM, or a range form like TM(10%:90%) or PR(:300).",
    }),
    period: z.number().int().min(1).default(60).meta({
      description: "Seconds per datapoint: 1, 5, 10, 20, 30 or a multiple of 60. ALB metrics have 60.",
    }),
  })
  .meta({ description: "A metric and statistic (CloudWatch MetricStat)." });

/** An id as CloudWatch allows it: a lower-case letter first, then letters, digits and `_`. */
export const ANALYSIS_QUERY_ID = /^[a-z][a-zA-Z0-9_]{0,200}$/;

export const AnalysisQuery = z
  .strictObject({
    id: z
      .string()
      .regex(ANALYSIS_QUERY_ID, {
        message: "must start with a lower-case letter and hold only letters, digits and _",
      })
      .meta({ description: "Id of this query within the metric; expressions refer to it." }),
    metricStat: AnalysisMetricStat.optional(),
    expression: z.string().min(1).max(2048).optional().meta({
      description:
        "Metric math over the metric's other ids, e.g. `errors / requests * 100`. Give it or metricStat.",
    }),
    label: z.string().max(255).optional().meta({ description: "Label shown in the evidence." }),
    returnData: z.boolean().optional().meta({
      description:
        "Return this query's datapoints. Default: true for the judged (last) query and the queries minData and test name.",
    }),
  })
  .meta({ description: "One CloudWatch MetricDataQuery, written once and templated for each side." });

export const AnalysisCompare = z
  .strictObject({
    direction: z
      .enum(["higher-is-worse", "lower-is-worse"])
      .default("higher-is-worse")
      .meta({ description: "Which way green is worse than blue." }),
    maxIncrease: z.number().min(0).optional().meta({
      description:
        "Allowed absolute difference green − blue in the worse direction, e.g. 0.5 (points of 5xx %).",
    }),
    maxRatio: z.number().min(1).optional().meta({
      description:
        "Allowed ratio green ÷ blue in the worse direction, e.g. 1.5. With maxIncrease too, green must exceed both to fail. Neither: 1.5.",
    }),
  })
  .meta({ description: "Compare green with blue over the same window." });

export const AnalysisTest = z
  .strictObject({
    kind: z.enum(["mann-whitney", "binomial"]).default("mann-whitney").meta({
      description:
        "mann-whitney: U test of the two sides' per-period datapoints (as Kayenta's judge). binomial: exact test of green's share of the events (e.g. 5xx) given its share of the requests, over the window's sums; for rates, far stronger on small samples.",
    }),
    confidence: z.number().min(0.5).max(0.9999).optional().meta({
      description:
        "A comparison fails only when the difference is significant at this level (one-sided). Default: 0.995 for binomial, 0.95 for mann-whitney.",
    }),
    count: z
      .string()
      .regex(ANALYSIS_QUERY_ID, { message: "must be a query id of this metric" })
      .optional()
      .meta({
        description: "(binomial) Id of the event-count query, e.g. the 5xx count.",
      }),
    total: z
      .string()
      .regex(ANALYSIS_QUERY_ID, { message: "must be a query id of this metric" })
      .optional()
      .meta({
        description: "(binomial) Id of the request-count query.",
      }),
  })
  .meta({ description: "A statistical test a comparison must also pass before it fails." });

export const AnalysisMinData = z
  .strictObject({
    datapoints: z.number().int().min(1).default(3).meta({
      description: "Fewer datapoints than this on a judged side: inconclusive, never fail.",
    }),
    requests: z
      .strictObject({
        query: z.string().regex(ANALYSIS_QUERY_ID, { message: "must be a query id of this metric" }).meta({
          description: "Id of this metric's request-count query (its Sum over the window is counted).",
        }),
        min: z.number().int().min(1).meta({ description: "Fewer requests than this: inconclusive." }),
      })
      .optional()
      .meta({ description: "A minimum number of requests in the window." }),
  })
  .meta({ description: "Below this much data a metric is inconclusive, never failed." });

export const AnalysisMetric = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
        message: "must be lower-case letters, digits and dashes, at most 63 characters",
      })
      .meta({ description: "Name of the metric in events, status and the preview." }),
    queries: z.array(AnalysisQuery).min(1, { message: "needs at least one query" }).max(100).meta({
      description: "MetricDataQueries; the last one is the value judged.",
    }),
    threshold: z
      .strictObject({
        max: z.number().optional().meta({ description: "Green fails above this value." }),
        min: z.number().optional().meta({ description: "Green fails below this value." }),
      })
      .optional()
      .meta({ description: "A fixed limit on green's value." }),
    compare: AnalysisCompare.optional(),
    test: AnalysisTest.optional(),
    minData: AnalysisMinData.default({ datapoints: 3 }),
    mustHaveData: z
      .boolean()
      .default(false)
      .meta({ description: "No datapoint at all on green fails instead of being inconclusive." }),
    failureLimit: z.number().int().min(0).default(2).meta({
      description: "Failed evaluations allowed within one step; one more fails the step (Argo Rollouts).",
    }),
    inconclusiveLimit: z.number().int().min(0).default(5).meta({
      description: "Inconclusive evaluations allowed within one step; one more applies the hold policy.",
    }),
    consecutiveErrorLimit: z.number().int().min(0).default(4).meta({
      description: "Unreadable evaluations in a row allowed; one more makes the metric an error (holds).",
    }),
    window: Duration.default("5m").meta({ description: "Lookback of each evaluation; at least the period." }),
    fromStep: z.number().int().min(1).optional().meta({ description: "Judge only from this step on." }),
    fromGreen: z.number().int().min(1).max(100).optional().meta({
      description: "Judge only at steps where green has at least this percent.",
    }),
  })
  .meta({ description: "One metric gate, judged on green (threshold) and/or against blue (compare)." });

export const AnalysisSplit = z
  .strictObject({
    queries: z.array(AnalysisQuery).min(1, { message: "needs at least one query" }).max(20).meta({
      description: "Request-count query per side (templated); the last one is the count.",
    }),
    window: Duration.default("3m").meta({ description: "Green's share is counted over this lookback." }),
    tolerance: z.number().min(0).max(100).optional().meta({
      description:
        "Allowed distance in percentage points from the written weight. Default: max(2, 25% of it).",
    }),
    maxConvergence: Duration.default("15m").meta({
      description: "How long the observed split may take to reach the written weight.",
    }),
    onNoConvergence: z
      .enum(["hold", "pause", "rollback"])
      .default("pause")
      .meta({ description: "What to do when it has not converged after maxConvergence." }),
  })
  .meta({ description: "The observed split: green's share of requests, counted per side." });

export const Analysis = z
  .strictObject({
    interval: Duration.default("1m").meta({
      description: "How often metrics are evaluated during a bake (ALB metrics arrive once a minute).",
    }),
    variables: z
      .strictObject({
        blue: z
          .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
          .default({})
          .meta({
            description: "Template variables for blue's queries, e.g. `alb: app/shop-blue/0123456789abcdef`.",
          }),
        green: z
          .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
          .default({})
          .meta({
            description: "Template variables for green's queries.",
          }),
      })
      .default({ blue: {}, green: {} })
      .meta({ description: "Per-side values for `{{name}}` in queries; `{{cluster}}` is built in." }),
    metrics: z.array(AnalysisMetric).default([]).meta({ description: "The metric gates." }),
    split: AnalysisSplit.optional(),
  })
  .meta({ description: "Judge green by CloudWatch metrics, against blue, and check the traffic it gets." });

export const Plan = z
  .strictObject({
    apiVersion: z
      .literal(API_VERSION, { message: `must be "${API_VERSION}"` })
      .meta({ description: "Version of the plan format; plans are checked against it on read." }),
    kind: z.literal("UpgradePlan").default("UpgradePlan").meta({ description: "Kind of document." }),
    metadata: z
      .strictObject({
        name: z
          .string()
          .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
            message: "must be lower-case letters, digits and dashes, at most 63 characters",
          })
          .meta({ description: "Name of this upgrade; names the state and appears in every message." }),
        description: z
          .string()
          .optional()
          .meta({ description: "Free text for people; not used by the tool." }),
      })
      .meta({ description: "Names the upgrade." }),
    region: Region.meta({ description: "AWS region of the clusters, alarms and state bucket." }),
    roleArn: RoleArn.optional().meta({
      description: "IAM role to assume for every call unless a cluster names its own.",
    }),
    clusters: z
      .strictObject({ blue: BlueCluster, green: GreenCluster })
      .meta({ description: "The two clusters: blue serves traffic now, green takes it over." }),
    traffic: z
      .strictObject({
        records: z.array(RecordPair).default([]).meta({
          description: "Weighted record pairs; all of them move together, one batch per hosted zone.",
        }),
        listeners: z.array(ListenerTarget).default([]).meta({
          description:
            "ALB listeners or rules with a weighted forward action to both clusters' target groups.",
        }),
        accelerators: z.array(AcceleratorTarget).default([]).meta({
          description: "Global Accelerator endpoint groups holding both clusters' load balancers.",
        }),
      })
      .meta({
        description:
          "What splits traffic between blue and green: Route 53 weighted records, ALB listeners, Global Accelerator endpoint groups, in any mix. All move together at one percentage.",
      }),
    steps: z.array(Step).min(1, { message: "needs at least one step" }).meta({
      description: "Traffic shifts in order; green's share must grow at every step and end at 100.",
    }),
    alarms: Alarms.default({
      names: [],
      prefixes: [],
      insufficientData: "hold",
      pollInterval: "30s",
      history: true,
      critical: [],
    }),
    health: Health.optional(),
    capacity: Capacity.optional(),
    analysis: Analysis.optional(),
    rollback: Rollback.default({
      automatic: true,
      holdTimeout: "15m",
      onHoldTimeout: "pause",
      mode: "immediate",
      stepBake: "1m",
    }),
    retire: Retire.default({ after: "24h", mode: "keep", approval: true, blueRecords: "keep" }),
    approvals: Approvals.default({}),
    state: State.default({ backend: "local", dir: ".eks-bluegreen" }),
    changeWindows: z.array(ChangeWindow).default([]).meta({
      description: "When traffic may move forward. None: any time. Rollback is never held back by a window.",
    }),
    notifications: z.lazy(() => Notifications).optional(),
  })
  .meta({ title: "eks-bluegreen upgrade plan", description: "A blue/green EKS upgrade, step by step." });

/** A plan as written (before defaults). */
export type PlanInput = z.input<typeof Plan>;
/** A plan after parsing: defaults filled, durations still strings. */
export type PlanDoc = z.output<typeof Plan>;
export type RecordPairDoc = z.output<typeof RecordPair>;
export type ListenerTargetDoc = z.output<typeof ListenerTarget>;
export type AcceleratorTargetDoc = z.output<typeof AcceleratorTarget>;
export type StepDoc = z.output<typeof Step>;
export type AnalysisDoc = z.output<typeof Analysis>;
export type AnalysisMetricDoc = z.output<typeof AnalysisMetric>;
export type AnalysisQueryDoc = z.output<typeof AnalysisQuery>;
export type AnalysisSplitDoc = z.output<typeof AnalysisSplit>;

/** What a notification sink can ask for; notify/events.ts maps each to the engine's event types. */
export const NOTIFY_EVENTS = [
  "rollback-started",
  "rolled-back",
  "paused",
  "awaiting-approval",
  "hold-timeout",
  "step-done",
  "completed",
  "retired",
  "drift",
] as const;
export const NotifyEvent = z.enum(NOTIFY_EVENTS);

const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name like HOOK_URL" });

const SinkBase = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: "must be lower-case letters, digits and dashes" })
    .optional()
    .meta({ description: "Names the sink in `history` (default: its kind and position, e.g. `webhook-1`)." }),
  events: z.array(NotifyEvent).min(1, { message: "needs at least one event" }).meta({
    description: "Events this sink receives.",
  }),
  timeout: Duration.default("5s").meta({ description: "Longest wait for one delivery attempt." }),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(3)
    .meta({ description: "Attempts per event (one per tick); a failure is retried on later ticks." }),
};

export const NotificationSink = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("webhook"),
      ...SinkBase,
      urlEnv: EnvName.meta({
        description: "Environment variable holding the URL (a secret: never in the plan, output or state).",
      }),
    }),
    z.strictObject({
      kind: z.literal("slack"),
      ...SinkBase,
      urlEnv: EnvName.meta({
        description: "Environment variable holding the Slack incoming-webhook URL (a secret).",
      }),
    }),
    z.strictObject({
      kind: z.literal("sns"),
      ...SinkBase,
      topicArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, { message: "must be an SNS topic ARN" })
        .meta({ description: "SNS topic to publish to (honours AWS_ENDPOINT_URL_SNS)." }),
    }),
  ])
  .meta({
    description: "Where to send notifications: a JSON webhook, a Slack incoming webhook or an SNS topic.",
  });

export const Notifications = z
  .strictObject({
    sinks: z.array(NotificationSink).min(1, { message: "needs at least one sink" }).meta({
      description: "Sinks; delivery never blocks or fails the upgrade, and is recorded in the event log.",
    }),
  })
  .meta({ description: "Tell people what the upgrade did: rollbacks, pauses, approvals, completion." });
export type NotificationSinkDoc = z.output<typeof NotificationSink>;
export type NotifyEventName = z.infer<typeof NotifyEvent>;
