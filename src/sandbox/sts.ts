/** STS GetCallerIdentity over the query protocol: enough for `aws sts get-caller-identity` and SDK checks. */
import {
  xmlResponse,
  type SandboxError,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "./http.ts";
import { queryDocument, queryErrorDocument, queryParams } from "./query.ts";

const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

export function stsProtocol(accountId: string): ServiceProtocol {
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
      if (queryParams(request).get("Action") !== "GetCallerIdentity") return undefined;
      return {
        operation: "GetCallerIdentity",
        mutating: false,
        run: () =>
          xmlResponse(
            200,
            queryDocument(
              "GetCallerIdentity",
              NS,
              {
                UserId: "AIDASANDBOXUSER00001",
                Account: accountId,
                Arn: `arn:aws:iam::${accountId}:user/sandbox`,
              },
              request.requestId,
            ),
            request.requestId,
          ),
      };
    },
  };
}
