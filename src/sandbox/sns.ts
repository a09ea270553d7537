/**
 * SNS over the query protocol: `Publish` only, for notification sinks. Topics exist once seeded (from
 * a plan's `sns` sinks) or created by a test; every published message is kept in the world so tests can
 * read what was sent. Faults (e.g. `{service: "sns", code: "AuthorizationError"}`) apply as elsewhere.
 */
import { randomUUID } from "node:crypto";
import {
  SandboxError,
  xmlResponse,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "./http.ts";
import { queryDocument, queryErrorDocument, queryParams } from "./query.ts";

const NS = "http://sns.amazonaws.com/doc/2010-03-31/";

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  message: string;
  subject?: string;
  attributes: Record<string, string>;
  at: number;
}

export class SnsWorld {
  readonly topics = new Set<string>();
  readonly published: PublishedMessage[] = [];
  constructor(
    readonly now: () => number,
    readonly region: string,
    readonly accountId: string,
  ) {}

  createTopic(arnOrName: string): string {
    const arn = arnOrName.startsWith("arn:")
      ? arnOrName
      : `arn:aws:sns:${this.region}:${this.accountId}:${arnOrName}`;
    this.topics.add(arn);
    return arn;
  }

  publish(params: URLSearchParams): PublishedMessage {
    const topicArn = params.get("TopicArn") ?? params.get("TargetArn") ?? "";
    const message = params.get("Message");
    if (!message) throw new SandboxError(400, "InvalidParameter", "Invalid parameter: Message");
    if (message.length > 256 * 1024)
      throw new SandboxError(400, "InvalidParameter", "Invalid parameter: Message too long");
    if (!this.topics.has(topicArn)) throw new SandboxError(404, "NotFound", "Topic does not exist");
    const attributes: Record<string, string> = {};
    for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[params.get(`MessageAttributes.entry.${i}.Name`)!] =
        params.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? "";
    }
    const subject = params.get("Subject");
    const record: PublishedMessage = {
      messageId: randomUUID(),
      topicArn,
      message,
      ...(subject ? { subject } : {}),
      attributes,
      at: this.now(),
    };
    this.published.push(record);
    return record;
  }
}

export function snsProtocol(world: SnsWorld): ServiceProtocol {
  return {
    service: "sns",
    throttling: { status: 400, code: "Throttling", message: "Rate exceeded" },
    renderError: (error: SandboxError, request: SandboxRequest): SandboxResponse =>
      xmlResponse(
        error.status,
        queryErrorDocument(NS, error.type, error.code, error.message, request.requestId),
        request.requestId,
      ),
    route(request) {
      const params = queryParams(request);
      if (params.get("Action") !== "Publish") return undefined;
      return {
        operation: "Publish",
        mutating: true,
        run: () => {
          const record = world.publish(params);
          return xmlResponse(
            200,
            queryDocument("Publish", NS, { MessageId: record.messageId }, request.requestId),
            request.requestId,
          );
        },
      };
    },
  };
}
