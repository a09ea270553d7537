/**
 * A small EC2 over its own query dialect (lower-camel XML, lists as `<item>`, errors under
 * `<Response><Errors>`): VPCs and subnets with their free IP counts, which is what creating a load
 * balancer needs and what green's capacity checks read (DescribeSubnets). Nothing else of EC2.
 */
import { randomBytes } from "node:crypto";
import {
  SandboxError,
  xmlResponse,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "./http.ts";
import { queryParams } from "./query.ts";
import { escapeXml } from "./xml.ts";

const NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
/** AWS keeps five addresses of every subnet. */
const RESERVED = 5;

export interface Subnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  /** Addresses in use besides the reserved ones (tests set it to make a subnet run short). */
  used: number;
}

export class Ec2World {
  private readonly vpcs = new Map<string, { vpcId: string; cidrBlock: string }>();
  private readonly subnets = new Map<string, Subnet>();

  createVpc(cidrBlock: string): { vpcId: string; cidrBlock: string } {
    checkCidr(cidrBlock);
    const vpc = { vpcId: `vpc-${randomBytes(8).toString("hex")}`, cidrBlock };
    this.vpcs.set(vpc.vpcId, vpc);
    return vpc;
  }

  createSubnet(vpcId: string, cidrBlock: string, availabilityZone: string, subnetId?: string): Subnet {
    if (!this.vpcs.has(vpcId))
      throw new SandboxError(400, "InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
    checkCidr(cidrBlock);
    const subnet: Subnet = {
      subnetId: subnetId ?? `subnet-${randomBytes(8).toString("hex")}`,
      vpcId,
      cidrBlock,
      availabilityZone,
      used: 0,
    };
    this.subnets.set(subnet.subnetId, subnet);
    return subnet;
  }

  subnet(id: string): Subnet | undefined {
    return this.subnets.get(id);
  }

  describeSubnets(ids: string[], vpcIds: string[]): Subnet[] {
    for (const id of ids) {
      if (!this.subnets.has(id))
        throw new SandboxError(400, "InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`);
    }
    return [...this.subnets.values()].filter(
      (s) =>
        (ids.length === 0 || ids.includes(s.subnetId)) && (vpcIds.length === 0 || vpcIds.includes(s.vpcId)),
    );
  }

  vpcList(): { vpcId: string; cidrBlock: string }[] {
    return [...this.vpcs.values()];
  }
}

function checkCidr(cidr: string): void {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || Number(m[5]) < 16 || Number(m[5]) > 28) {
    throw new SandboxError(
      400,
      "InvalidParameterValue",
      `Value (${cidr}) for parameter cidrBlock is invalid.`,
    );
  }
}

export function freeAddresses(s: Subnet): number {
  const size = 2 ** (32 - Number(s.cidrBlock.split("/")[1]));
  return Math.max(0, size - RESERVED - s.used);
}

/** `Name.1=a&Name.2=b` → `[a, b]`. */
function numbered(params: URLSearchParams, prefix: string): string[] {
  const out: [number, string][] = [];
  for (const [k, v] of params) {
    const m = new RegExp(`^${prefix.replace(".", "\\.")}\\.(\\d+)$`).exec(k);
    if (m) out.push([Number(m[1]), v]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

function filterValues(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (const [k, v] of params) {
    const m = /^Filter\.(\d+)\.Name$/.exec(k);
    if (m && v === name) out.push(...numbered(params, `Filter.${m[1]}.Value`));
  }
  return out;
}

function subnetXml(s: Subnet): string {
  return (
    `<item><subnetId>${s.subnetId}</subnetId><vpcId>${s.vpcId}</vpcId><state>available</state>` +
    `<cidrBlock>${s.cidrBlock}</cidrBlock><availableIpAddressCount>${freeAddresses(s)}</availableIpAddressCount>` +
    `<availabilityZone>${escapeXml(s.availabilityZone)}</availabilityZone></item>`
  );
}

function vpcXml(v: { vpcId: string; cidrBlock: string }): string {
  return `<vpcId>${v.vpcId}</vpcId><state>available</state><cidrBlock>${v.cidrBlock}</cidrBlock>`;
}

const OPERATIONS: Record<string, { mutating: boolean; run: (w: Ec2World, p: URLSearchParams) => string }> = {
  CreateVpc: { mutating: true, run: (w, p) => `<vpc>${vpcXml(w.createVpc(p.get("CidrBlock") ?? ""))}</vpc>` },
  DescribeVpcs: {
    mutating: false,
    run: (w) =>
      `<vpcSet>${w
        .vpcList()
        .map((v) => `<item>${vpcXml(v)}</item>`)
        .join("")}</vpcSet>`,
  },
  CreateSubnet: {
    mutating: true,
    run: (w, p) => {
      const s = w.createSubnet(
        p.get("VpcId") ?? "",
        p.get("CidrBlock") ?? "",
        p.get("AvailabilityZone") ?? "us-east-1a",
      );
      return `<subnet>${subnetXml(s).slice("<item>".length, -"</item>".length)}</subnet>`;
    },
  },
  DescribeSubnets: {
    mutating: false,
    run: (w, p) =>
      `<subnetSet>${w.describeSubnets(numbered(p, "SubnetId"), filterValues(p, "vpc-id")).map(subnetXml).join("")}</subnetSet>`,
  },
};

export function ec2Protocol(world: Ec2World): ServiceProtocol {
  return {
    service: "ec2",
    throttling: { status: 503, code: "RequestLimitExceeded", message: "Request limit exceeded." },
    renderError,
    route(request) {
      const params = queryParams(request);
      const name = params.get("Action");
      const operation = name ? OPERATIONS[name] : undefined;
      if (!name || !operation) return undefined;
      return {
        operation: name,
        mutating: operation.mutating,
        run: (): SandboxResponse =>
          xmlResponse(
            200,
            `<?xml version="1.0" encoding="UTF-8"?>\n<${name}Response xmlns="${NS}"><requestId>${request.requestId}</requestId>${operation.run(world, params)}</${name}Response>`,
            request.requestId,
          ),
      };
    },
  };
}

function renderError(error: SandboxError, request: SandboxRequest): SandboxResponse {
  return xmlResponse(
    error.status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${request.requestId}</RequestID></Response>`,
    request.requestId,
  );
}
