import { z } from 'zod';
import { readJson } from './cli';

/**
 * What the pipeline scripts read from `pulumi stack output --json --stack <name>` (infra/index.ts exports
 * these names; a test checks them against the program's exports under mocks). Other outputs pass through.
 */
export const StackOutputs = z.looseObject({
  apiUrl: z.url(),
  userPoolId: z.string().min(1),
  userPoolClientId: z.string().min(1),
  /** The post-deploy smoke's client (admin password auth). */
  smokeClientId: z.string().min(1),
  /** The k6 gate's client (USER_PASSWORD_AUTH): only on stacks that carry a gate. */
  loadTestClientId: z.string().min(1).optional(),
  /** What the gate's cost reading looks up in CloudWatch (scripts/pipeline/cloudwatchUsage.ts). */
  usage: z
    .strictObject({
      tableName: z.string(),
      indexNames: z.array(z.string()),
      functionName: z.string(),
      functionMemoryMb: z.number(),
      clusterName: z.string(),
      serviceName: z.string(),
      taskCpu: z.number(),
      taskMemoryMb: z.number(),
      loadBalancerArnSuffix: z.string(),
    })
    .optional(),
  tableName: z.string().min(1),
  region: z.string().min(1),
  /** The release the stack runs (infra/index.ts exports the config it was deployed with). */
  apiImage: z.string().min(1).optional(),
  processorBundle: z.string().min(1).optional(),
});
export type StackOutputs = z.infer<typeof StackOutputs>;

export function readStackOutputs(file: string): StackOutputs {
  const parsed = StackOutputs.safeParse(readJson(file));
  if (!parsed.success) {
    throw new Error(
      `${file} is not the output of \`pulumi stack output --json\`: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
