/**
 * STS over the query protocol: GetCallerIdentity (for `aws sts get-caller-identity`, `iam-policy` and SDK
 * checks) and AssumeRole (so plans with a `roleArn` run against the sandbox). Assumed credentials reuse the
 * sandbox's key pair with a session token of their own, so anything signed with them (EKS bearer tokens
 * included) still verifies; the session token tells GetCallerIdentity which role is speaking.
 */
import { randomBytes } from "node:crypto";
import {
  SandboxError,
  xmlResponse,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "./http.ts";
import { queryDocument, queryErrorDocument, queryParams } from "./query.ts";

const NS = "https://sts.amazonaws.com/doc/2011-06-15/";
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

interface Session {
  account: string;
  role: string;
  sessionName: string;
}

export function stsProtocol(
  accountId: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  now: () => number,
): ServiceProtocol {
  const sessions = new Map<string, Session>();

  const callerIdentity = (request: SandboxRequest) => {
    const token = request.headers["x-amz-security-token"];
    const session = typeof token === "string" ? sessions.get(token) : undefined;
    return session
      ? {
          UserId: `AROASANDBOXROLE00001:${session.sessionName}`,
          Account: session.account,
          Arn: `arn:aws:sts::${session.account}:assumed-role/${session.role}/${session.sessionName}`,
        }
      : { UserId: "AIDASANDBOXUSER00001", Account: accountId, Arn: `arn:aws:iam::${accountId}:user/sandbox` };
  };

  const assumeRole = (request: SandboxRequest) => {
    const params = queryParams(request);
    const roleArn = params.get("RoleArn") ?? "";
    const sessionName = params.get("RoleSessionName") ?? "";
    const match = ROLE_ARN.exec(roleArn);
    if (!match) throw new SandboxError(400, "ValidationError", `RoleArn ${roleArn} is not a role ARN.`);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw new SandboxError(400, "ValidationError", "RoleSessionName must be 2 to 64 characters.");
    }
    const durationSeconds = Number(params.get("DurationSeconds") ?? 3600);
    const sessionToken = `sandbox-session-${randomBytes(12).toString("hex")}`;
    sessions.set(sessionToken, { account: match[1]!, role: match[2]!, sessionName });
    return {
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: sessionToken,
        Expiration: new Date(now() + durationSeconds * 1000),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROASANDBOXROLE00001:${sessionName}`,
        Arn: `arn:aws:sts::${match[1]}:assumed-role/${match[2]}/${sessionName}`,
      },
    };
  };

  return {
    service: "sts",
    throttling: { status: 400, code: "Throttling", message: "Rate exceeded" },
    renderError: (error: SandboxError, request: SandboxRequest): SandboxResponse =>
      xmlResponse(
        error.status,
        queryErrorDocument(NS, error.type, error.code, error.message, request.requestId),
        request.requestId,
      ),
    route(request) {
      const action = queryParams(request).get("Action");
      if (action === "GetCallerIdentity") {
        return {
          operation: "GetCallerIdentity",
          mutating: false,
          run: () =>
            xmlResponse(
              200,
              queryDocument(action, NS, callerIdentity(request), request.requestId),
              request.requestId,
            ),
        };
      }
      if (action === "AssumeRole") {
        return {
          operation: "AssumeRole",
          mutating: false,
          run: () =>
            xmlResponse(
              200,
              queryDocument(action, NS, assumeRole(request), request.requestId),
              request.requestId,
            ),
        };
      }
      return undefined;
    },
  };
}
