/**
 * Global Accelerator over AWS JSON 1.1 (`X-Amz-Target: GlobalAccelerator_V20180706.<Operation>`): the
 * list and describe calls a shift reads, UpdateEndpointGroup that it writes, and the create calls that
 * tests and people use. Errors carry `__type` as the SDK and the AWS CLIs read it.
 */
import {
  jsonResponse,
  readJson,
  type SandboxError,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "../http.ts";
import {
  gaError,
  type EndpointConfiguration,
  type EndpointGroupSettings,
  type GlobalAcceleratorWorld,
} from "./world.ts";

export const GA_TARGET_PREFIX = "GlobalAccelerator_V20180706.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

type Input = Record<string, unknown>;

function required(input: Input, key: string): string {
  const v = input[key];
  if (typeof v !== "string" || v === "") throw gaError("InvalidArgumentException", `${key} is required.`);
  return v;
}

function endpoints(value: unknown): EndpointConfiguration[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    throw gaError("InvalidArgumentException", "EndpointConfigurations must be a list.");
  return value as EndpointConfiguration[];
}

const SETTINGS = [
  "TrafficDialPercentage",
  "HealthCheckPort",
  "HealthCheckProtocol",
  "HealthCheckPath",
  "HealthCheckIntervalSeconds",
  "ThresholdCount",
  "PortOverrides",
] as const;

function settings(input: Input): EndpointGroupSettings {
  return Object.fromEntries(SETTINGS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
}

type Operation = (world: GlobalAcceleratorWorld, input: Input) => Record<string, unknown>;

const OPERATIONS: Record<string, { mutating: boolean; run: Operation }> = {
  ListAccelerators: { mutating: false, run: (w) => ({ Accelerators: w.allAccelerators() }) },
  DescribeAccelerator: {
    mutating: false,
    run: (w, input) => ({ Accelerator: w.accelerator(required(input, "AcceleratorArn")) }),
  },
  ListListeners: {
    mutating: false,
    run: (w, input) => ({ Listeners: w.listenersOf(required(input, "AcceleratorArn")) }),
  },
  ListEndpointGroups: {
    mutating: false,
    run: (w, input) => ({ EndpointGroups: w.endpointGroupsOf(required(input, "ListenerArn")) }),
  },
  DescribeEndpointGroup: {
    mutating: false,
    run: (w, input) => ({ EndpointGroup: w.endpointGroup(required(input, "EndpointGroupArn")) }),
  },
  UpdateEndpointGroup: {
    mutating: true,
    run: (w, input) => ({
      EndpointGroup: w.updateEndpointGroup(
        required(input, "EndpointGroupArn"),
        endpoints(input["EndpointConfigurations"]),
        settings(input),
      ),
    }),
  },
  CreateAccelerator: {
    mutating: true,
    run: (w, input) => ({ Accelerator: w.createAccelerator(required(input, "Name")) }),
  },
  CreateListener: {
    mutating: true,
    run: (w, input) => ({
      Listener: w.createListener(
        required(input, "AcceleratorArn"),
        (input["PortRanges"] as { FromPort: number; ToPort: number }[] | undefined) ?? [
          { FromPort: 80, ToPort: 80 },
        ],
        typeof input["Protocol"] === "string" ? (input["Protocol"] as string) : "TCP",
      ),
    }),
  },
  CreateEndpointGroup: {
    mutating: true,
    run: (w, input) => ({
      EndpointGroup: w.createEndpointGroup(
        required(input, "ListenerArn"),
        required(input, "EndpointGroupRegion"),
        endpoints(input["EndpointConfigurations"]) ?? [],
        settings(input),
      ),
    }),
  },
};

/** JSON 1.1 wants timestamps as epoch seconds. */
function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, wire(v)]),
    );
  }
  return value;
}

export function globalAcceleratorProtocol(world: GlobalAcceleratorWorld): ServiceProtocol {
  return {
    service: "globalaccelerator",
    throttling: { status: 400, code: "ThrottlingException", message: "Rate exceeded" },
    renderError,
    route(request) {
      const target = String(request.headers["x-amz-target"] ?? "");
      if (!target.startsWith(GA_TARGET_PREFIX)) return undefined;
      const name = target.slice(GA_TARGET_PREFIX.length);
      const operation = OPERATIONS[name];
      if (!operation) return undefined;
      return {
        operation: name,
        mutating: operation.mutating,
        run: (): SandboxResponse =>
          jsonResponse(200, wire(operation.run(world, readJson(request))), request.requestId, CONTENT_TYPE),
      };
    },
  };
}

function renderError(error: SandboxError, request: SandboxRequest): SandboxResponse {
  return jsonResponse(
    error.status,
    { __type: error.code, Message: error.message },
    request.requestId,
    CONTENT_TYPE,
  );
}
