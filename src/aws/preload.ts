/**
 * Loads the AWS SDK clients a tick uses before the tick takes its lock. Loading them is the largest piece
 * of CPU work in a tick (about 1 s on a busy 2-core machine, several seconds when ten runs start at
 * once); done under the lock, it would stall the lock's renewals and could let a short lease run out.
 */
export async function preloadSdk(): Promise<void> {
  await Promise.all([
    import("@aws-sdk/client-route-53"),
    import("@aws-sdk/client-cloudwatch"),
    import("@aws-sdk/client-eks"),
    import("@aws-sdk/client-s3"),
  ]);
}
