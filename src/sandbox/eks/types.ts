/** The shapes of EKS resources as the sandbox keeps them (timestamps in epoch ms). */

export interface HealthIssue {
  code: string;
  message: string;
  resourceIds?: string[];
}

export interface Pending {
  /** A status to reach, or "gone" to disappear. */
  to: string;
  at: number;
  apply?: () => void;
}

export interface Cluster {
  name: string;
  arn: string;
  createdAt: number;
  version: string;
  platformVersion: string;
  endpoint: string;
  roleArn: string;
  status: "CREATING" | "ACTIVE" | "DELETING" | "FAILED" | "UPDATING" | "PENDING";
  certificateAuthority: { data: string };
  health: { issues: HealthIssue[] };
  tags: Record<string, string>;
  /** `resourcesVpcConfig.subnetIds` (tests set them to point the subnet readiness check at EC2 subnets). */
  subnetIds?: string[];
  pending?: Pending;
}

export interface Nodegroup {
  nodegroupName: string;
  nodegroupArn: string;
  clusterName: string;
  version: string;
  releaseVersion: string;
  createdAt: number;
  modifiedAt: number;
  status: "CREATING" | "ACTIVE" | "UPDATING" | "DELETING" | "CREATE_FAILED" | "DELETE_FAILED" | "DEGRADED";
  capacityType: string;
  scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
  instanceTypes: string[];
  amiType: string;
  nodeRole: string;
  health: { issues: HealthIssue[] };
  pending?: Pending;
}

export interface FargateProfile {
  fargateProfileName: string;
  fargateProfileArn: string;
  clusterName: string;
  createdAt: number;
  podExecutionRoleArn: string;
  selectors: { namespace: string; labels?: Record<string, string> }[];
  status: "CREATING" | "ACTIVE" | "DELETING" | "CREATE_FAILED" | "DELETE_FAILED";
  pending?: Pending;
}

export interface Addon {
  addonName: string;
  clusterName: string;
  status:
    | "CREATING"
    | "ACTIVE"
    | "CREATE_FAILED"
    | "DEGRADED"
    | "DELETING"
    | "DELETE_FAILED"
    | "UPDATING"
    | "UPDATE_FAILED";
  addonVersion: string;
  addonArn: string;
  createdAt: number;
  modifiedAt: number;
  health: { issues: HealthIssue[] };
  pending?: Pending;
}

export interface Insight {
  id: string;
  name: string;
  category: "UPGRADE_READINESS" | "MISCONFIGURATION";
  kubernetesVersion: string;
  lastRefreshTime: number;
  lastTransitionTime: number;
  description: string;
  insightStatus: { status: "PASSING" | "WARNING" | "ERROR" | "UNKNOWN"; reason: string };
}

export interface Update {
  id: string;
  status: "InProgress" | "Failed" | "Cancelled" | "Successful";
  type: string;
  params: { type: string; value: string }[];
  createdAt: number;
  errors: { errorCode: string; errorMessage: string; resourceIds: string[] }[];
  pending?: Pending;
}
