/** Which service a request is for: the SigV4 credential scope first, then path and headers. */
import type { SandboxRequest, ServiceName } from "./http.ts";

const SERVICES: readonly ServiceName[] = [
  "route53",
  "eks",
  "monitoring",
  "s3",
  "sts",
  "elasticloadbalancing",
  "globalaccelerator",
  "ec2",
  "sns",
];

/** ELBv2's query actions, for unsigned requests (CloudWatch's query actions are the other kind). */
const ELBV2_ACTIONS =
  /^(Describe(LoadBalancers|TargetGroups|Listeners|Rules)|Modify(Listener|Rule)|Create(LoadBalancer|TargetGroup|Listener|Rule))$/;

export function serviceOf(request: SandboxRequest, formAction: () => string | null): ServiceName {
  const auth = String(request.headers["authorization"] ?? "");
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
  if (scope && (SERVICES as readonly string[]).includes(scope)) return scope as ServiceName;
  // Presigned URLs carry the scope in the query string.
  const credential = request.query.get("X-Amz-Credential");
  const queryScope = credential?.split("/")[3];
  if (queryScope && (SERVICES as readonly string[]).includes(queryScope)) return queryScope as ServiceName;
  if (String(request.headers["x-amz-target"] ?? "").startsWith("GraniteServiceVersion20100801."))
    return "monitoring";
  if (String(request.headers["x-amz-target"] ?? "").startsWith("GlobalAccelerator_V20180706."))
    return "globalaccelerator";
  if (request.path.startsWith("/2013-04-01/")) return "route53";
  if (/^\/clusters(\/|$)/.test(request.path) || request.path.startsWith("/addons/")) return "eks";
  const action = formAction();
  if (action === "GetCallerIdentity" || action === "AssumeRole") return "sts";
  if (action === "Publish") return "sns";
  if (action && ELBV2_ACTIONS.test(action)) return "elasticloadbalancing";
  if (action && /^(Create|Describe)(Vpcs?|Subnets?)$/.test(action)) return "ec2";
  if (action) return "monitoring";
  return "s3";
}
