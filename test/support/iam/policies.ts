/**
 * `tsx test/support/iam/policies.ts <stack>`: the identity policies the Pulumi program gives the API task role
 * and the processor role of one stack, from its mocked graph (one program run per process), as JSON on stdout.
 */
import { filledIn } from '../../infra/filledIn';
import { ACCOUNT, REGION, runStack } from '../../infra/harness';
import type { StackPolicies } from './contract';

async function main() {
  const stack = process.argv[2]!;
  const run = await runStack(stack, filledIn(stack));
  const policyOf = (roleName: string) => {
    const found = run.ofType('aws:iam/rolePolicy:RolePolicy').find((p) => p.name === roleName);
    if (!found) throw new Error(`no role policy ${roleName} in ${stack}`);
    return JSON.parse(found.inputs.policy as string) as StackPolicies['roles']['api']['policy'];
  };
  const tableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${String(run.outputs.tableName)}`;
  const result: StackPolicies = {
    stack,
    account: ACCOUNT,
    tableArn,
    streamArn: String(run.outputs.streamArn),
    roles: {
      api: { roleArn: `arn:aws:iam::${ACCOUNT}:role/orders-${stack}-task`, policy: policyOf(`orders-${stack}-task`) },
      processor: { roleArn: `arn:aws:iam::${ACCOUNT}:role/orders-${stack}-processor`, policy: policyOf(`orders-${stack}-processor`) },
    },
  };
  process.stdout.write(`\nIAM-POLICIES ${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
