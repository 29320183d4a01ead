/**
 * What a run's orders cost, from what the run consumed and a region's unit prices. Locally only DynamoDB's
 * request units are measured; in AWS the gate adds Lambda, Fargate and ALB from CloudWatch.
 */
export interface Consumption {
  writeRequestUnits: number;
  readRequestUnits: number;
  lambdaGbSeconds?: number;
  lambdaRequests?: number;
  fargateVcpuHours?: number;
  fargateGbHours?: number;
  albLcuHours?: number;
}

export interface UnitPrices {
  usdPerMillionWriteRequestUnits: number;
  usdPerMillionReadRequestUnits: number;
  lambdaUsdPerGbSecond?: number;
  lambdaUsdPerMillionRequests?: number;
  fargateUsdPerVcpuHour?: number;
  fargateUsdPerGbHour?: number;
  albUsdPerLcuHour?: number;
}

export interface OrderCost {
  orders: number;
  totalUsd: number;
  perMillionOrdersUsd: number;
  parts: Record<'dynamodb' | 'lambda' | 'fargate' | 'alb', number>;
  /** What the figure leaves out (not consumed, not priced, or not measurable here). */
  missing: string[];
}

export function orderCost(consumption: Consumption, prices: UnitPrices, orders: number): OrderCost {
  const missing: string[] = [];
  const part = (label: string, amount: number | undefined, price: number | undefined, per = 1) => {
    if (amount === undefined) {
      missing.push(`${label}: not measured`);
      return 0;
    }
    if (price === undefined) {
      missing.push(`${label}: no price`);
      return 0;
    }
    return (amount * price) / per;
  };
  const parts = {
    dynamodb:
      part('DynamoDB writes', consumption.writeRequestUnits, prices.usdPerMillionWriteRequestUnits, 1e6) +
      part('DynamoDB reads', consumption.readRequestUnits, prices.usdPerMillionReadRequestUnits, 1e6),
    lambda:
      part('Lambda GB-seconds', consumption.lambdaGbSeconds, prices.lambdaUsdPerGbSecond) +
      part('Lambda requests', consumption.lambdaRequests, prices.lambdaUsdPerMillionRequests, 1e6),
    fargate:
      part('Fargate vCPU-hours', consumption.fargateVcpuHours, prices.fargateUsdPerVcpuHour) +
      part('Fargate GB-hours', consumption.fargateGbHours, prices.fargateUsdPerGbHour),
    alb: part('ALB LCU-hours', consumption.albLcuHours, prices.albUsdPerLcuHour),
  };
  const totalUsd = parts.dynamodb + parts.lambda + parts.fargate + parts.alb;
  return { orders, totalUsd, perMillionOrdersUsd: orders === 0 ? NaN : (totalUsd / orders) * 1e6, parts, missing };
}
