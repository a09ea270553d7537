/**
 * ARNs and IAM condition values for the resources a plan touches. Formats follow the Service
 * Authorization Reference (eks cluster / nodegroup / fargateprofile / addon, route53 hostedzone / change,
 * s3 object) and Route 53's rules for normalised record names.
 */

/** The AWS partition a region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  return "aws";
}

/** The account id inside an IAM role ARN. */
export function accountOfRole(roleArn: string): string | undefined {
  return /^arn:[a-z-]+:iam::(\d{12}):role\//.exec(roleArn)?.[1];
}

export interface EksScope {
  partition: string;
  region: string;
  account: string;
  cluster: string;
}

const eksBase = (s: EksScope) => `arn:${s.partition}:eks:${s.region}:${s.account}`;

export const eksArn = {
  cluster: (s: EksScope) => `${eksBase(s)}:cluster/${s.cluster}`,
  /** Node group ARNs end in a UUID EKS assigns; `*` stands for it (or for every node group). */
  nodegroup: (s: EksScope, name = "*") =>
    `${eksBase(s)}:nodegroup/${s.cluster}/${name}${name === "*" ? "" : "/*"}`,
  fargateProfile: (s: EksScope, name = "*") =>
    `${eksBase(s)}:fargateprofile/${s.cluster}/${name}${name === "*" ? "" : "/*"}`,
  addon: (s: EksScope, name = "*") => `${eksBase(s)}:addon/${s.cluster}/${name}${name === "*" ? "" : "/*"}`,
};

export const route53Arn = {
  hostedZone: (partition: string, zoneId: string) => `arn:${partition}:route53:::hostedzone/${zoneId}`,
  anyChange: (partition: string) => `arn:${partition}:route53:::change/*`,
};

export const s3Arn = {
  bucket: (partition: string, bucket: string) => `arn:${partition}:s3:::${bucket}`,
  object: (partition: string, bucket: string, key: string) => `arn:${partition}:s3:::${bucket}/${key}`,
};

/**
 * A record name as `route53:ChangeResourceRecordSetsNormalizedRecordNames` compares it: lower case, no
 * trailing dot, and every character other than a-z, 0-9, `-`, `_` and `.` as a `\` + three-digit octal
 * escape (a wildcard `*` is `\052`). Escapes already in the name are decoded first, so both spellings agree.
 */
export function normalizedRecordName(name: string): string {
  const decoded = name.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
  const bare = decoded.toLowerCase().replace(/\.$/, "");
  return bare.replace(/[^a-z0-9\-_.]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

/** Hosted zone id without `/hostedzone/`. */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, "");
}
