/**
 * EndpointGroupsPort over Global Accelerator. Its control plane answers in us-west-2 only, whatever
 * region the traffic is in (the client factory pins that). UpdateEndpointGroup replaces the whole
 * endpoint list, so every endpoint is written back with its weight and ClientIPPreservationEnabled as
 * read, and the group's other settings are left out of the request (left out means unchanged).
 */
import type { EndpointGroup, GlobalAcceleratorClient } from "@aws-sdk/client-global-accelerator";
import { AwsError } from "../errors.ts";
import type {
  CallOptions,
  Endpoint,
  EndpointGroupReading,
  EndpointGroupRef,
  EndpointGroupsPort,
} from "../engine/ports.ts";
import type { Caller } from "./retry.ts";

export interface EndpointGroupsPortDeps {
  client: () => Promise<GlobalAcceleratorClient>;
  caller: Caller;
  /** Re-read polling while an update settles (tests shorten it). */
  poll?: { initialMs: number; factor: number; maxMs: number };
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_POLL = { initialMs: 500, factor: 1.5, maxMs: 5_000 };
const DEFAULT_SETTLE_MS = 60_000;

const sdk = () => import("@aws-sdk/client-global-accelerator");

/** The accelerator's ARN is the endpoint group's up to `/listener/`. */
function acceleratorOf(endpointGroupArn: string): string {
  return endpointGroupArn.split("/listener/")[0]!;
}

/** The whole endpoint list to write: the pair's weights set, every other endpoint and field as read. */
export function endpointConfigurations(endpoints: readonly Endpoint[], ref: EndpointGroupRef, green: number) {
  return endpoints.map((e) => ({
    EndpointId: e.EndpointId,
    Weight: e.EndpointId === ref.green ? green : e.EndpointId === ref.blue ? 100 - green : e.Weight,
    ...(e.ClientIPPreservationEnabled !== undefined
      ? { ClientIPPreservationEnabled: e.ClientIPPreservationEnabled }
      : {}),
  }));
}

function weightsShow(reading: EndpointGroupReading, green: number): boolean {
  const weight = (id: string) => reading.endpoints.find((e) => e.EndpointId === id)?.Weight;
  return weight(reading.ref.green) === green && weight(reading.ref.blue) === 100 - green;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

export function createEndpointGroupsPort(deps: EndpointGroupsPortDeps): EndpointGroupsPort {
  const { caller } = deps;
  const poll = deps.poll ?? DEFAULT_POLL;
  const sleep = deps.sleep ?? defaultSleep;

  /** Whether an accelerator is still applying a change; one DescribeAccelerator however many of its groups are read. */
  async function acceleratorUpdating(acceleratorArn: string, signal?: AbortSignal): Promise<boolean> {
    const { DescribeAcceleratorCommand } = await sdk();
    const client = await deps.client();
    const accelerator = await caller.call(
      "globalaccelerator:DescribeAccelerator",
      (abortSignal) =>
        client.send(new DescribeAcceleratorCommand({ AcceleratorArn: acceleratorArn }), { abortSignal }),
      signal,
    );
    return accelerator.Accelerator?.Status === "IN_PROGRESS";
  }

  async function readOne(
    ref: EndpointGroupRef,
    signal?: AbortSignal,
    updating: (acceleratorArn: string) => Promise<boolean> = (arn) => acceleratorUpdating(arn, signal),
  ): Promise<EndpointGroupReading> {
    const { DescribeEndpointGroupCommand } = await sdk();
    const client = await deps.client();
    let group: EndpointGroup | undefined;
    try {
      group = (
        await caller.call(
          "globalaccelerator:DescribeEndpointGroup",
          (abortSignal) =>
            client.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: ref.endpointGroupArn }), {
              abortSignal,
            }),
          signal,
        )
      ).EndpointGroup;
    } catch (error) {
      if (error instanceof AwsError && error.awsCode === "EndpointGroupNotFoundException") {
        return { ref, found: false, endpoints: [], updating: false };
      }
      throw error;
    }
    return {
      ref,
      found: group !== undefined,
      endpoints: group?.EndpointDescriptions ?? [],
      updating: await updating(acceleratorOf(ref.endpointGroupArn)),
    };
  }

  async function read(refs: readonly EndpointGroupRef[], options: CallOptions = {}) {
    // Groups of one accelerator (one per region, typically) share its description within a read.
    const described = new Map<string, Promise<boolean>>();
    const updating = (arn: string) => {
      let status = described.get(arn);
      if (!status) described.set(arn, (status = acceleratorUpdating(arn, options.signal)));
      return status;
    };
    return Promise.all(refs.map((r) => readOne(r, options.signal, updating)));
  }

  return {
    read,
    async apply(readings, greenPercent, options = {}) {
      const { UpdateEndpointGroupCommand } = await sdk();
      const client = await deps.client();
      const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
      const out: EndpointGroupReading[] = [];
      for (const r of readings) {
        await caller.call(
          "globalaccelerator:UpdateEndpointGroup",
          (abortSignal) =>
            client.send(
              new UpdateEndpointGroupCommand({
                EndpointGroupArn: r.ref.endpointGroupArn,
                EndpointConfigurations: endpointConfigurations(r.endpoints, r.ref, greenPercent),
              }),
              { abortSignal },
            ),
          options.signal,
        );
        // Still updating is waited out, not an error: re-read until the weights show or the time is up.
        const deadline = Date.now() + settleMs;
        let delay = poll.initialMs;
        let now = await readOne(r.ref, options.signal);
        while (!weightsShow(now, greenPercent) && Date.now() < deadline && !options.signal?.aborted) {
          await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), options.signal);
          delay = Math.min(poll.maxMs, delay * poll.factor);
          now = await readOne(r.ref, options.signal);
        }
        out.push(now);
      }
      return out;
    },
  };
}
