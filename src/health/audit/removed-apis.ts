/**
 * API versions Kubernetes stopped serving, by the release that removed them, from the upstream
 * Deprecated API Migration Guide (kubernetes.io/docs/reference/using-api/deprecation-guide). Its last
 * removals are in v1.32; v1.33 and v1.34 removed no API versions. Add a release here when it removes
 * one, and move NEWEST_KNOWN forward when a release has been checked.
 */

export interface RemovedApi {
  apiVersion: string;
  kinds: readonly string[];
  /** First minor version that no longer serves it. */
  removedIn: string;
  /** What to use instead. */
  replacement: string;
}

/** The newest Kubernetes version this table has been checked against (the audit's default target). */
export const NEWEST_KNOWN = "1.34";

const r = (apiVersion: string, kinds: string[], removedIn: string, replacement: string): RemovedApi => ({
  apiVersion,
  kinds,
  removedIn,
  replacement,
});

const WORKLOADS = ["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"];

export const REMOVED_APIS: readonly RemovedApi[] = [
  r(
    "extensions/v1beta1",
    [...WORKLOADS, "NetworkPolicy", "PodSecurityPolicy"],
    "1.16",
    "apps/v1, networking.k8s.io/v1, policy/v1beta1",
  ),
  r("apps/v1beta1", WORKLOADS, "1.16", "apps/v1"),
  r("apps/v1beta2", WORKLOADS, "1.16", "apps/v1"),
  r("extensions/v1beta1", ["Ingress"], "1.22", "networking.k8s.io/v1"),
  r("networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "1.22", "networking.k8s.io/v1"),
  r(
    "admissionregistration.k8s.io/v1beta1",
    ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    "1.22",
    "admissionregistration.k8s.io/v1",
  ),
  r("apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], "1.22", "apiextensions.k8s.io/v1"),
  r("apiregistration.k8s.io/v1beta1", ["APIService"], "1.22", "apiregistration.k8s.io/v1"),
  r("authentication.k8s.io/v1beta1", ["TokenReview"], "1.22", "authentication.k8s.io/v1"),
  r(
    "authorization.k8s.io/v1beta1",
    ["SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"],
    "1.22",
    "authorization.k8s.io/v1",
  ),
  r("certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], "1.22", "certificates.k8s.io/v1"),
  r("coordination.k8s.io/v1beta1", ["Lease"], "1.22", "coordination.k8s.io/v1"),
  r(
    "rbac.authorization.k8s.io/v1beta1",
    ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    "1.22",
    "rbac.authorization.k8s.io/v1",
  ),
  r("scheduling.k8s.io/v1beta1", ["PriorityClass"], "1.22", "scheduling.k8s.io/v1"),
  r(
    "storage.k8s.io/v1beta1",
    ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
    "1.22",
    "storage.k8s.io/v1",
  ),
  r("batch/v1beta1", ["CronJob"], "1.25", "batch/v1"),
  r("discovery.k8s.io/v1beta1", ["EndpointSlice"], "1.25", "discovery.k8s.io/v1"),
  r("events.k8s.io/v1beta1", ["Event"], "1.25", "events.k8s.io/v1"),
  r("autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2"),
  r("policy/v1beta1", ["PodDisruptionBudget"], "1.25", "policy/v1"),
  r("policy/v1beta1", ["PodSecurityPolicy"], "1.25", "Pod Security Admission (no replacement object)"),
  r("node.k8s.io/v1beta1", ["RuntimeClass"], "1.25", "node.k8s.io/v1"),
  r(
    "flowcontrol.apiserver.k8s.io/v1beta1",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "1.26",
    "flowcontrol.apiserver.k8s.io/v1",
  ),
  r("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2"),
  r("storage.k8s.io/v1beta1", ["CSIStorageCapacity"], "1.27", "storage.k8s.io/v1"),
  r(
    "flowcontrol.apiserver.k8s.io/v1beta2",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "1.29",
    "flowcontrol.apiserver.k8s.io/v1",
  ),
  r(
    "flowcontrol.apiserver.k8s.io/v1beta3",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "1.32",
    "flowcontrol.apiserver.k8s.io/v1",
  ),
];

/** `"1.29"` → 29; throws on anything else. */
export function minorOf(version: string): number {
  const m = version.match(/^v?1\.(\d{1,2})(\.\d+)?$/);
  if (!m) throw new RangeError(`not a Kubernetes version: "${version}" (use e.g. 1.31)`);
  return Number(m[1]);
}

/** The table's entry for this object, if its API version is ever removed. */
export function removal(apiVersion: string, kind: string): RemovedApi | undefined {
  return REMOVED_APIS.find((e) => e.apiVersion === apiVersion && e.kinds.includes(kind));
}
