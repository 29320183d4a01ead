import {
  asArray,
  parseJson,
  PROTECTED_STACKS,
  referencedResource,
  SECURITY_GROUP,
  sourcesOf,
  ofType,
  violation,
  type ResourceRecord,
  type Rule,
  type Violation,
} from './records';
import { isUnknown } from './unknowns';
/** Network and edge: public task IPs, open ingress, HTTPS at the load balancer, and the DynamoDB endpoint's policy. */
/** The only stack whose tasks may have public IPs (it has no NAT gateway: docs/capacity.md, "Fixed monthly cost"). */
export const PUBLIC_TASK_IP_STACKS = ['development'];

export const noPublicTaskIps: Rule = {
  id: 'no-public-task-ip',
  description:
    'ECS services run without public IPs, except on development, where a task with one must sit in security groups of the stack that admit ' +
    'nothing but the load balancer’s group (groups are found by id, or at preview by the groups their ids come from; one it cannot find fails)',
  check: (resources, { stack }) => {
    const groups = ofType(resources, SECURITY_GROUP);
    // The groups a list of ids names: by id, or at preview (ids unknown) the groups the list was computed from.
    const groupsIn = (record: ResourceRecord, property: string, ids: unknown): { found: ResourceRecord[]; missing: string[] } => {
      const list = asArray(ids as unknown[]);
      if (isUnknown(ids) || list.some(isUnknown)) {
        const found = sourcesOf(resources, record, property, SECURITY_GROUP);
        return { found, missing: found.length === 0 ? ['its group’s id is unknown and comes from no group of the stack'] : [] };
      }
      const found = groups.filter((g) => list.includes(g.id ?? g.name));
      const missing = list.map(String).filter((id) => !found.some((g) => (g.id ?? g.name) === id));
      return { found, missing: missing.map((id) => `${id} is not a group of the stack, so what it admits is unknown`) };
    };
    const set = (value: unknown) => value !== undefined && value !== null && value !== '';
    const loadBalancerGroups = new Set(
      ofType(resources, 'aws:lb/loadBalancer:LoadBalancer').flatMap((lb) => groupsIn(lb, 'securityGroups', lb.inputs.securityGroups).found),
    );
    // What a task's group admits besides the load balancer's group: ingress rules on it, and inline ingress.
    const admitsOthers = (group: ResourceRecord): string[] => [
      ...ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')
        .filter((r) => referencedResource(resources, r, 'securityGroupId', SECURITY_GROUP) === group)
        .filter((r) => {
          const from = referencedResource(resources, r, 'referencedSecurityGroupId', SECURITY_GROUP);
          return !(from && loadBalancerGroups.has(from)) || set(r.inputs.cidrIpv4) || set(r.inputs.cidrIpv6) || set(r.inputs.prefixListId);
        })
        .map((r) => `${r.name} admits ${String(r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6 ?? r.inputs.prefixListId ?? r.inputs.referencedSecurityGroupId)}`),
      ...ofType(resources, 'aws:ec2/securityGroupRule:SecurityGroupRule')
        .filter((r) => r.inputs.type === 'ingress' && referencedResource(resources, r, 'securityGroupId', SECURITY_GROUP) === group)
        .filter((r) => {
          const from = referencedResource(resources, r, 'sourceSecurityGroupId', SECURITY_GROUP);
          return !(from && loadBalancerGroups.has(from)) || asArray(r.inputs.cidrBlocks as unknown[]).length > 0;
        })
        .map((r) => `${r.name} admits more than the load balancer`),
      ...(isUnknown(group.inputs.ingress) || asArray(group.inputs.ingress as unknown[]).length > 0 ? [`${group.name} has inline ingress`] : []),
    ];
    return ofType(resources, 'aws:ecs/service:Service').flatMap((s) => {
      const network = s.inputs.networkConfiguration as { assignPublicIp?: unknown; securityGroups?: unknown } | undefined;
      if (network !== undefined && !isUnknown(network) && network.assignPublicIp === false) return [];
      if (!PUBLIC_TASK_IP_STACKS.includes(stack)) return [violation('no-public-task-ip', s, `assignPublicIp must be false on ${stack}`)];
      if (network === undefined || isUnknown(network) || asArray(network.securityGroups as unknown[]).length === 0)
        return [violation('no-public-task-ip', s, 'a task with a public IP needs its own security group (the VPC default admits the VPC)')];
      const { found, missing } = groupsIn(s, 'networkConfiguration', network.securityGroups);
      return [...missing, ...found.flatMap(admitsOthers)].map((reason) =>
        violation('no-public-task-ip', s, `a task with a public IP must admit only the load balancer’s security group: ${reason}`),
      );
    });
  },
};

const LOAD_BALANCER_PORTS = new Set([80, 443]);

export const noOpenIngress: Rule = {
  id: 'no-open-security-group',
  description:
    'Only a load balancer security group accepts traffic from anywhere, and only on 80/443 (a rule’s group is found by its id, or at preview by ' +
    'the group its id comes from; a group it cannot find is not a load balancer group)',
  check: (resources) => {
    const groups = ofType(resources, SECURITY_GROUP);
    // The rule's group: by its id, or at a preview (ids unknown) through the property dependencies of securityGroupId.
    // One it cannot find (outside the stack, or computed from something else) counts as not a load balancer group.
    const onLoadBalancerGroup = (rule: ResourceRecord) =>
      (referencedResource(resources, rule, 'securityGroupId', SECURITY_GROUP)?.inputs.tags as Record<string, string> | undefined)?.role === 'load-balancer';
    // A CIDR still unknown at preview is computed from another resource (a VPC's or subnet's block), never the literal "anywhere".
    const open = (cidr: unknown) => cidr === '0.0.0.0/0' || cidr === '::/0';
    const found: Violation[] = [];
    for (const rule of ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')) {
      const { cidrIpv4, cidrIpv6, fromPort, toPort, ipProtocol } = rule.inputs as Record<string, unknown>;
      if (!open(cidrIpv4) && !open(cidrIpv6)) continue;
      const webPort = fromPort === toPort && LOAD_BALANCER_PORTS.has(Number(fromPort)) && ipProtocol === 'tcp';
      if (!webPort || !onLoadBalancerGroup(rule)) {
        found.push(violation('no-open-security-group', rule, `open to the internet on ${String(ipProtocol)} ${String(fromPort)}-${String(toPort)}`));
      }
    }
    // Inline rules on a group are not used by this program; any open one is a violation, and so is a list still unknown.
    for (const group of groups) {
      if (isUnknown(group.inputs.ingress)) {
        found.push(violation('no-open-security-group', group, 'inline ingress is unknown: it may be open to the internet'));
        continue;
      }
      for (const ingress of asArray(group.inputs.ingress as Array<{ cidrBlocks?: string[]; ipv6CidrBlocks?: string[] }>)) {
        if ([...(ingress.cidrBlocks ?? []), ...(ingress.ipv6CidrBlocks ?? [])].some(open)) {
          found.push(violation('no-open-security-group', group, 'inline ingress open to the internet'));
        }
      }
    }
    return found;
  },
};
export const httpsOnStageAndMain: Rule = {
  id: 'https-on-stage-and-main',
  description:
    'stage and main serve HTTPS only: a TLS listener with a certificate, and plain HTTP only redirects to it (a certificate ARN still unknown at preview is one the stack sets)',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    const listeners = ofType(resources, 'aws:lb/listener:Listener');
    const https = listeners.filter((l) => l.inputs.protocol === 'HTTPS' && l.inputs.certificateArn);
    const redirectsToHttps = (l: ResourceRecord) =>
      asArray(l.inputs.defaultActions as Array<{ type: string; redirect?: { protocol?: string } }>).every(
        (a) => a.type === 'redirect' && a.redirect?.protocol === 'HTTPS',
      );
    return [
      ...(https.length === 0
        ? [violation('https-on-stage-and-main', 'stack', `${stack} has no HTTPS listener: set orders:domain (docs/deploying.md, HTTPS)`)]
        : []),
      ...listeners
        .filter((l) => l.inputs.protocol === 'HTTP' && !redirectsToHttps(l))
        .map((l) => violation('https-on-stage-and-main', l, `plain HTTP must only redirect to HTTPS in ${stack}`)),
    ];
  },
};
interface EndpointStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export const dynamoDbEndpointPolicy: Rule = {
  id: 'dynamodb-endpoint-policy',
  description:
    'A DynamoDB VPC endpoint has a policy that lets only principals of this account reach named tables (AWS’s default lets anyone reach any ' +
    'table); a policy still unknown at preview, built from the table’s ARN, is one the stack sets, and an endpoint list still unknown is judged at the update',
  check: (resources) => {
    const id = 'dynamodb-endpoint-policy';
    const isDynamoDb = (serviceName: unknown) => typeof serviceName === 'string' && serviceName.endsWith('.dynamodb');
    // awsx's VPC takes the endpoint as a spec (its inputs, as the mocks record them); the engine also sees the endpoint.
    const endpoints = [
      ...ofType(resources, 'awsx:ec2:Vpc').flatMap((vpc) =>
        isUnknown(vpc.inputs.vpcEndpointSpecs)
          ? []
          : asArray(vpc.inputs.vpcEndpointSpecs as Array<{ serviceName?: unknown; policy?: unknown }>)
              .filter((spec) => isDynamoDb(spec.serviceName))
              .map((spec) => ({ record: vpc, policy: spec.policy })),
      ),
      ...ofType(resources, 'aws:ec2/vpcEndpoint:VpcEndpoint')
        .filter((e) => isDynamoDb(e.inputs.serviceName))
        .map((e) => ({ record: e, policy: e.inputs.policy })),
    ];
    return endpoints.flatMap(({ record, policy }) => {
      if (isUnknown(policy)) return [];
      if (policy === undefined || policy === null || policy === '')
        return [violation(id, record, 'the DynamoDB endpoint has no policy: AWS’s default lets every principal reach every table')];
      return asArray((parseJson(policy) as { Statement?: EndpointStatement | EndpointStatement[] }).Statement)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => {
          const label = s.Sid ?? 'a statement';
          const targets = asArray(s.Resource);
          const account = s.Condition?.StringEquals?.['aws:PrincipalAccount'];
          return [
            ...(targets.length === 0 ? [`${label} names no table`] : []),
            ...targets
              .filter((r) => !/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^*]+/.test(r))
              .map((r) => `${label} reaches ${r}: name the stack’s table`),
            ...(asArray(s.Action).includes('*') ? [`${label} allows every action of every service`] : []),
            ...(account ? [] : [`${label} admits principals of any account: limit it with aws:PrincipalAccount`]),
          ].map((message) => violation(id, record, message));
        });
    });
  },
};
