/**
 * Global Accelerator as data: accelerators, listeners and endpoint groups whose endpoints (each
 * cluster's load balancer) carry weights 0–255. UpdateEndpointGroup replaces the whole endpoint list,
 * as on AWS, so a writer that drops an endpoint removes it. After an update the accelerator is
 * IN_PROGRESS for `updateDelayMs`, and until then reads still show the previous endpoints: the "still
 * updating" window a client must wait out rather than treat as a failure.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { SandboxError } from "../http.ts";

export interface EndpointDescription {
  EndpointId: string;
  Weight: number;
  HealthState: string;
  ClientIPPreservationEnabled: boolean;
}

export interface EndpointConfiguration {
  EndpointId: string;
  Weight?: number;
  ClientIPPreservationEnabled?: boolean;
}

export interface Accelerator {
  AcceleratorArn: string;
  Name: string;
  IpAddressType: string;
  Enabled: boolean;
  Status: string;
  DnsName: string;
  CreatedTime: Date;
  LastModifiedTime: Date;
}

export interface GaListener {
  ListenerArn: string;
  PortRanges: { FromPort: number; ToPort: number }[];
  Protocol: string;
  ClientAffinity: string;
}

export interface EndpointGroup {
  EndpointGroupArn: string;
  EndpointGroupRegion: string;
  EndpointDescriptions: EndpointDescription[];
  TrafficDialPercentage: number;
  HealthCheckPort: number;
  HealthCheckProtocol: string;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds: number;
  ThresholdCount: number;
  PortOverrides: { ListenerPort: number; EndpointPort: number }[];
}

export type EndpointGroupSettings = Partial<Omit<EndpointGroup, "EndpointGroupArn" | "EndpointDescriptions">>;

const MAX_WEIGHT = 255;

export function gaError(code: string, message: string, status = 400): SandboxError {
  return new SandboxError(status, code, message);
}

export class GlobalAcceleratorWorld {
  /** How long an update stays IN_PROGRESS (and invisible to reads). Default 0. */
  updateDelayMs = 0;
  private readonly accelerators = new Map<string, Accelerator>();
  private readonly listeners = new Map<string, GaListener & { acceleratorArn: string }>();
  private readonly groups = new Map<
    string,
    EndpointGroup & { listenerArn: string; pending?: { at: number; endpoints: EndpointDescription[] } }
  >();

  constructor(
    private readonly now: () => number,
    private readonly accountId: string,
  ) {}

  createAccelerator(name: string, arn?: string): Accelerator {
    const t = new Date(this.now());
    const accelerator: Accelerator = {
      AcceleratorArn: arn ?? `arn:aws:globalaccelerator::${this.accountId}:accelerator/${randomUUID()}`,
      Name: name,
      IpAddressType: "IPV4",
      Enabled: true,
      Status: "DEPLOYED",
      DnsName: `${randomBytes(8).toString("hex")}.awsglobalaccelerator.com`,
      CreatedTime: t,
      LastModifiedTime: t,
    };
    this.accelerators.set(accelerator.AcceleratorArn, accelerator);
    return accelerator;
  }

  createListener(
    acceleratorArn: string,
    ports: { FromPort: number; ToPort: number }[],
    protocol = "TCP",
    arn?: string,
  ): GaListener {
    this.accelerator(acceleratorArn);
    const listener = {
      ListenerArn: arn ?? `${acceleratorArn}/listener/${randomBytes(4).toString("hex")}`,
      PortRanges: ports,
      Protocol: protocol,
      ClientAffinity: "NONE",
      acceleratorArn,
    };
    this.listeners.set(listener.ListenerArn, listener);
    return strip(listener);
  }

  createEndpointGroup(
    listenerArn: string,
    region: string,
    endpoints: EndpointConfiguration[],
    settings: EndpointGroupSettings = {},
    arn?: string,
  ): EndpointGroup {
    if (!this.listeners.has(listenerArn)) throw gaError("ListenerNotFoundException", "Listener not found.");
    const group = {
      EndpointGroupArn: arn ?? `${listenerArn}/endpoint-group/${randomBytes(6).toString("hex")}`,
      EndpointGroupRegion: region,
      EndpointDescriptions: this.describe(endpoints, []),
      TrafficDialPercentage: 100,
      HealthCheckPort: 80,
      HealthCheckProtocol: "TCP",
      HealthCheckIntervalSeconds: 30,
      ThresholdCount: 3,
      PortOverrides: [],
      ...settings,
      listenerArn,
    };
    this.groups.set(group.EndpointGroupArn, group);
    return this.endpointGroup(group.EndpointGroupArn);
  }

  hasAccelerator(arn: string): boolean {
    return this.accelerators.has(arn);
  }

  hasListener(arn: string): boolean {
    return this.listeners.has(arn);
  }

  hasEndpointGroup(arn: string): boolean {
    return this.groups.has(arn);
  }

  accelerator(arn: string): Accelerator {
    const a = this.accelerators.get(arn);
    if (!a) throw gaError("AcceleratorNotFoundException", "Accelerator not found.");
    this.settle();
    return a;
  }

  allAccelerators(): Accelerator[] {
    this.settle();
    return [...this.accelerators.values()];
  }

  listenersOf(acceleratorArn: string): GaListener[] {
    this.accelerator(acceleratorArn);
    return [...this.listeners.values()].filter((l) => l.acceleratorArn === acceleratorArn).map(strip);
  }

  endpointGroupsOf(listenerArn: string): EndpointGroup[] {
    if (!this.listeners.has(listenerArn)) throw gaError("ListenerNotFoundException", "Listener not found.");
    return [...this.groups.values()]
      .filter((g) => g.listenerArn === listenerArn)
      .map((g) => this.endpointGroup(g.EndpointGroupArn));
  }

  endpointGroup(arn: string): EndpointGroup {
    this.settle();
    const g = this.groups.get(arn);
    if (!g) throw gaError("EndpointGroupNotFoundException", "Endpoint group not found.");
    const { listenerArn: _listener, pending: _pending, ...visible } = g;
    return structuredClone(visible);
  }

  /** Replaces the endpoint list (when given) and the other settings given; the rest stays. */
  updateEndpointGroup(
    arn: string,
    endpoints: EndpointConfiguration[] | undefined,
    settings: EndpointGroupSettings,
  ): EndpointGroup {
    this.settle();
    const g = this.groups.get(arn);
    if (!g) throw gaError("EndpointGroupNotFoundException", "Endpoint group not found.");
    const next = endpoints ? this.describe(endpoints, g.EndpointDescriptions) : g.EndpointDescriptions;
    Object.assign(g, settings);
    const accelerator = this.acceleratorOf(g.listenerArn);
    accelerator.LastModifiedTime = new Date(this.now());
    if (this.updateDelayMs > 0) {
      g.pending = { at: this.now() + this.updateDelayMs, endpoints: next };
      accelerator.Status = "IN_PROGRESS";
      const { listenerArn: _l, pending: _p, ...visible } = g;
      return structuredClone({ ...visible, EndpointDescriptions: next });
    }
    g.EndpointDescriptions = next;
    return this.endpointGroup(arn);
  }

  /** A hand edit in the console: one endpoint's weight, at once. */
  setWeight(arn: string, endpointId: string, weight: number): void {
    const g = this.groups.get(arn);
    const e = g?.EndpointDescriptions.find((d) => d.EndpointId === endpointId);
    if (!e) throw new Error(`no endpoint ${endpointId} in ${arn}`);
    e.Weight = weight;
  }

  private acceleratorOf(listenerArn: string): Accelerator {
    return this.accelerators.get(this.listeners.get(listenerArn)!.acceleratorArn)!;
  }

  private settle(): void {
    const t = this.now();
    for (const g of this.groups.values()) {
      if (g.pending && g.pending.at <= t) {
        g.EndpointDescriptions = g.pending.endpoints;
        delete g.pending;
      }
    }
    for (const a of this.accelerators.values()) {
      if (a.Status !== "IN_PROGRESS") continue;
      const busy = [...this.groups.values()].some(
        (g) => g.pending && this.listeners.get(g.listenerArn)?.acceleratorArn === a.AcceleratorArn,
      );
      if (!busy) a.Status = "DEPLOYED";
    }
  }

  private describe(
    endpoints: EndpointConfiguration[],
    previous: EndpointDescription[],
  ): EndpointDescription[] {
    const seen = new Set<string>();
    return endpoints.map((e) => {
      if (!e.EndpointId) throw gaError("InvalidArgumentException", "EndpointId is required.");
      if (seen.has(e.EndpointId))
        throw gaError("InvalidArgumentException", `Endpoint ${e.EndpointId} is listed twice.`);
      seen.add(e.EndpointId);
      const weight = e.Weight ?? 128;
      if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
        throw gaError(
          "InvalidArgumentException",
          `Weight ${String(e.Weight)} must be an integer from 0 to ${MAX_WEIGHT}.`,
        );
      }
      const before = previous.find((p) => p.EndpointId === e.EndpointId);
      return {
        EndpointId: e.EndpointId,
        Weight: weight,
        HealthState: before?.HealthState ?? "HEALTHY",
        // AWS's default for an ALB endpoint is true: a writer that leaves it out turns it on.
        ClientIPPreservationEnabled: e.ClientIPPreservationEnabled ?? true,
      };
    });
  }
}

function strip<T extends { acceleratorArn: string }>(listener: T): Omit<T, "acceleratorArn"> {
  const { acceleratorArn: _a, ...rest } = listener;
  return rest;
}
