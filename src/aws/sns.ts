/**
 * SNS Publish for notification sinks. The client comes from the factory (`clients.sns`), which honours
 * AWS_ENDPOINT_URL_SNS and makes one attempt per call: retries are the notifier's, one per tick.
 */
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";

export interface SnsPublish {
  topicArn: string;
  message: string;
  subject?: string;
  idempotencyKey: string;
}

export async function publishToSns(
  client: SNSClient,
  p: SnsPublish,
  signal: AbortSignal,
): Promise<{ messageId?: string }> {
  const out = await client.send(
    new PublishCommand({
      TopicArn: p.topicArn,
      Message: p.message,
      ...(p.subject ? { Subject: p.subject.slice(0, 99) } : {}),
      MessageAttributes: { "Idempotency-Key": { DataType: "String", StringValue: p.idempotencyKey } },
    }),
    { abortSignal: signal },
  );
  return out.MessageId ? { messageId: out.MessageId } : {};
}
