/** Plans with an analysis section, shared by the plan and analysis tests. */
import { validPlan } from "../plan/support.ts";

type Obj = Record<string, unknown>;

/** A plan with a valid analysis section: a 5xx rate compared with blue, and the observed split. */
export function analysisPlan(): Obj {
  return {
    ...validPlan(),
    analysis: {
      variables: {
        blue: { alb: "app/shop-blue/0123456789abcdef" },
        green: { alb: "app/shop-green/fedcba9876543210" },
      },
      metrics: [
        {
          name: "error-rate",
          queries: [
            {
              id: "errors",
              metricStat: {
                namespace: "AWS/ApplicationELB",
                metricName: "HTTPCode_Target_5XX_Count",
                dimensions: [{ name: "LoadBalancer", value: "{{alb}}" }],
                stat: "Sum",
              },
            },
            {
              id: "requests",
              metricStat: {
                namespace: "AWS/ApplicationELB",
                metricName: "RequestCount",
                dimensions: [{ name: "LoadBalancer", value: "{{ alb }}" }],
              },
            },
            { id: "rate", expression: "100 * errors / requests" },
          ],
          compare: { direction: "higher-is-worse", maxRatio: 1.5, maxIncrease: 0.1 },
          test: { confidence: 0.95 },
          minData: { datapoints: 3, requests: { query: "requests", min: 500 } },
        },
      ],
      split: {
        queries: [
          {
            id: "requests",
            metricStat: {
              namespace: "AWS/ApplicationELB",
              metricName: "RequestCount",
              dimensions: [{ name: "LoadBalancer", value: "{{alb}}" }],
            },
          },
        ],
      },
    },
  };
}
