/**
 * What a sink receives, built from the event and the state (pure). The webhook and SNS get the JSON
 * document; Slack gets an incoming-webhook payload (`text` for the notification, blocks for the phone).
 */
import type { EventRecord, UpgradeState } from "../engine/state.ts";
import { storedReasonText } from "../engine/reason.ts";
import type { ReasonCode } from "../engine/vocabulary.ts";
import type { Delivery } from "./events.ts";

export const MESSAGE_KIND = "eks-bluegreen.notification";

export interface NotificationMessage {
  kind: typeof MESSAGE_KIND;
  idempotencyKey: string;
  /** The notification events this is (what the sink subscribed to). */
  notify: string[];
  plan: { name: string; hash: string; file?: string };
  event: EventRecord;
  upgrade: {
    phase: UpgradeState["phase"];
    step: number;
    writtenGreen: number;
    reason: string;
    /** The reason's stable code (vocabulary.ts REASON_CODES); `reason` is its sentence. */
    reasonCode: ReasonCode;
    rollbackReason?: string;
    pause?: { code: string; reason: string };
    updatedAt: string;
  };
  /** What a person must do next, when anything. */
  next?: string;
}

export function nextStep(state: UpgradeState, file?: string): string | undefined {
  const plan = file ?? `<plan>`;
  switch (state.phase) {
    case "awaiting-approval":
    case "waiting-to-retire":
      return `Approve with \`eks-bluegreen approve ${plan}\` (or go back with \`eks-bluegreen rollback ${plan}\`).`;
    case "paused":
      return `A person decides: \`eks-bluegreen resume ${plan}\` (add --adopt after drift) or \`eks-bluegreen rollback ${plan}\`; see docs/runbook.md.`;
    case "rolled-back":
    case "rolling-back":
      return `All traffic goes back to blue. Find the cause (\`eks-bluegreen history ${plan}\`), fix green, then start a new upgrade.`;
    default:
      return undefined;
  }
}

export function buildMessage(d: Delivery, state: UpgradeState, file?: string): NotificationMessage {
  const next = nextStep(state, file);
  return {
    kind: MESSAGE_KIND,
    idempotencyKey: d.idempotencyKey,
    notify: d.matched,
    plan: { name: state.plan.name, hash: state.plan.hash, ...(file ? { file } : {}) },
    event: d.event,
    upgrade: {
      phase: state.phase,
      step: state.step,
      writtenGreen: state.writtenGreen,
      reason: storedReasonText(state),
      reasonCode: state.reason.code,
      ...(state.rollbackReason ? { rollbackReason: state.rollbackReason } : {}),
      ...(state.pause ? { pause: { code: state.pause.code, reason: state.pause.reason } } : {}),
      updatedAt: state.updatedAt,
    },
    ...(next ? { next } : {}),
  };
}

const ICON: Record<string, string> = {
  "rollback-started": ":rotating_light:",
  "rolled-back": ":rewind:",
  paused: ":double_vertical_bar:",
  drift: ":warning:",
  "hold-timeout": ":hourglass:",
  "awaiting-approval": ":raised_hand:",
  "step-done": ":white_check_mark:",
  completed: ":tada:",
  retired: ":wastebasket:",
};

/** Slack incoming-webhook payload: one line of text (the phone notification) and a few blocks. */
export function slackPayload(m: NotificationMessage): Record<string, unknown> {
  const icon = ICON[m.notify[0] ?? ""] ?? ":information_source:";
  const text = `${icon} ${m.plan.name}: ${m.event.message}`;
  const fields = [
    `*Event*\n${m.event.type} (#${m.event.seq})`,
    `*Phase*\n${m.upgrade.phase}, step ${m.upgrade.step}`,
    `*Green*\n${m.upgrade.writtenGreen}%`,
    `*At*\n${m.event.at}`,
  ];
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: `${icon} *${m.plan.name}*: ${m.event.message}` } },
    { type: "section", fields: fields.map((t) => ({ type: "mrkdwn", text: t })) },
  ];
  if (m.next) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Next:* ${m.next}` } });
  blocks.push({
    type: "context",
    elements: [
      { type: "mrkdwn", text: `idempotency key ${m.idempotencyKey} · plan ${m.plan.hash.slice(0, 12)}` },
    ],
  });
  return { text, blocks, idempotencyKey: m.idempotencyKey };
}
