/**
 * How to reach AWS, from the command line (`--region`, `--profile`, `--endpoint-url`). The adapters and
 * the Kubernetes port read it; the CLI fills it in (`cli/context.ts` carries it as `ctx.aws`).
 */
export interface AwsSettings {
  region?: string;
  profile?: string;
  /** `--endpoint-url`: every service at one endpoint (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_* also apply). */
  endpointUrl?: string;
}
