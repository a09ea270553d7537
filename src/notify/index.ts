/** Notifications: the pure selector and messages, and the shell deliverer (see docs/runbook.md). */
export { createNotifier, type Notify, type NotifierOptions } from "./deliver.ts";
export { dueDeliveries, notificationFindings, notifyEventsOf, sinksOf, unsetUrlEnv } from "./events.ts";
export { buildMessage, slackPayload } from "./message.ts";
export type { NotifyResult } from "../engine/notified.ts";
