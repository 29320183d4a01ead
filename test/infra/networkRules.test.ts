import { dynamoDbEndpointPolicy, httpsOnStageAndMain, noOpenIngress, noPublicTaskIps } from '../../infra/policy/network';
import type { ResourceRecord, Rule } from '../../infra/policy/records';
import { UNKNOWN } from '../../infra/policy/unknowns';
import { messages as messagesOn, record } from './handBuiltGraph';

/**
 * The network rules on small graphs built by hand, one fact changed per case, each expectation from the rule's own
 * description (what it promises an operator) and the AWS behaviour behind it: a security group admits what its
 * ingress rules and inline ingress admit, from a CIDR, a prefix list or another group; ALB listeners forward or
 * redirect; a VPC endpoint's policy is an IAM resource policy whose default allows everything. rules.test.ts shows
 * each rule catching its violation on the program's own graph; these hold the edges that graph does not have.
 */
const SG = 'aws:ec2/securityGroup:SecurityGroup';
const INGRESS_RULE = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
const LEGACY_RULE = 'aws:ec2/securityGroupRule:SecurityGroupRule';

const messages = (rule: Rule, resources: ResourceRecord[], stack = 'development') => messagesOn(rule, resources, stack);

describe('no-public-task-ip', () => {
  const albGroup = record(SG, 'alb-sg', { tags: { role: 'load-balancer' } }, { id: 'sg-alb' });
  const taskGroup = record(SG, 'task-sg', {}, { id: 'sg-task' });
  const lb = record('aws:lb/loadBalancer:LoadBalancer', 'alb', { securityGroups: ['sg-alb'] });
  const fromAlb = record(INGRESS_RULE, 'task-from-alb', { securityGroupId: 'sg-task', referencedSecurityGroupId: 'sg-alb', ipProtocol: 'tcp' });
  const service = (network: unknown) => record('aws:ecs/service:Service', 'svc', { networkConfiguration: network });
  const publicTask = service({ assignPublicIp: true, securityGroups: ['sg-task'] });
  const graph = (...extra: ResourceRecord[]) => [albGroup, taskGroup, lb, fromAlb, ...extra];
  const reasons = (resources: ResourceRecord[], stack = 'development') =>
    messages(noPublicTaskIps, resources, stack).map((m) => m.replace('a task with a public IP must admit only the load balancer’s security group: ', ''));

  it('lets a development task have a public IP behind groups that admit only the load balancer’s group, and no other stack', () => {
    expect(reasons(graph(publicTask))).toEqual([]);
    expect(reasons(graph(publicTask), 'stage')).toEqual(['assignPublicIp must be false on stage']);
    expect(reasons(graph(service({ assignPublicIp: false, securityGroups: ['sg-task'] })), 'main')).toEqual([]);
    expect(reasons(graph(service(undefined)), 'main')).toEqual(['assignPublicIp must be false on main']);
  });

  it('wants a public task in groups of its own', () => {
    const ownGroupNeeded = 'a task with a public IP needs its own security group (the VPC default admits the VPC)';
    expect(reasons(graph(service(undefined)))).toEqual([ownGroupNeeded]);
    expect(reasons(graph(service(UNKNOWN)))).toEqual([ownGroupNeeded]);
    expect(reasons(graph(service({ assignPublicIp: true, securityGroups: [] })))).toEqual([ownGroupNeeded]);
  });

  it('names every address, prefix list or group a task’s ingress rule admits besides the load balancer', () => {
    const alsoFrom = (inputs: Record<string, unknown>) => record(INGRESS_RULE, 'extra', { securityGroupId: 'sg-task', ipProtocol: 'tcp', ...inputs });
    expect(reasons(graph(publicTask, alsoFrom({ cidrIpv4: '10.0.0.0/8' })))).toEqual(['extra admits 10.0.0.0/8']);
    expect(reasons(graph(publicTask, alsoFrom({ cidrIpv6: '::/0' })))).toEqual(['extra admits ::/0']);
    expect(reasons(graph(publicTask, alsoFrom({ prefixListId: 'pl-123' })))).toEqual(['extra admits pl-123']);
    expect(reasons(graph(publicTask, alsoFrom({ referencedSecurityGroupId: 'sg-task' })))).toEqual(['extra admits sg-task']);
    // The load balancer's group with an address as well: AWS takes one source per rule, but the rule is not what it says.
    expect(reasons(graph(publicTask, alsoFrom({ referencedSecurityGroupId: 'sg-alb', cidrIpv4: '10.0.0.0/8' })))).toEqual(['extra admits 10.0.0.0/8']);
    // Empty fields are no source.
    expect(reasons(graph(publicTask, alsoFrom({ referencedSecurityGroupId: 'sg-alb', cidrIpv4: '', cidrIpv6: null })))).toEqual([]);
    // A rule on another group says nothing about the task's.
    expect(reasons(graph(publicTask, alsoFrom({ securityGroupId: 'sg-alb', cidrIpv4: '0.0.0.0/0' })))).toEqual([]);
  });

  it('reads the older security group rules the same way, ingress only', () => {
    const legacy = (inputs: Record<string, unknown>) => record(LEGACY_RULE, 'legacy', { securityGroupId: 'sg-task', ...inputs });
    expect(reasons(graph(publicTask, legacy({ type: 'ingress', sourceSecurityGroupId: 'sg-alb' })))).toEqual([]);
    expect(reasons(graph(publicTask, legacy({ type: 'ingress', sourceSecurityGroupId: 'sg-task' })))).toEqual(['legacy admits more than the load balancer']);
    expect(reasons(graph(publicTask, legacy({ type: 'ingress', cidrBlocks: ['10.0.0.0/8'] })))).toEqual(['legacy admits more than the load balancer']);
    expect(reasons(graph(publicTask, legacy({ type: 'egress', cidrBlocks: ['0.0.0.0/0'] })))).toEqual([]);
    expect(reasons(graph(publicTask, legacy({ type: 'ingress', securityGroupId: 'sg-alb', cidrBlocks: ['0.0.0.0/0'] })))).toEqual([]);
  });

  it('counts any inline ingress on a task’s group, and a list still unknown', () => {
    const withInline = (ingress: unknown) => [albGroup, record(SG, 'task-sg', { ingress }, { id: 'sg-task' }), lb, fromAlb, publicTask];
    expect(reasons(withInline([{ cidrBlocks: ['10.0.0.0/8'] }]))).toEqual(['task-sg has inline ingress']);
    expect(reasons(withInline(UNKNOWN))).toEqual(['task-sg has inline ingress']);
    expect(reasons(withInline([]))).toEqual([]);
  });

  it('fails a group it cannot find, by id, or at a preview by the groups the ids come from', () => {
    const twoGroups = service({ assignPublicIp: true, securityGroups: ['sg-task', 'sg-elsewhere'] });
    expect(reasons(graph(twoGroups))).toEqual(['sg-elsewhere is not a group of the stack, so what it admits is unknown']);
    // At a preview the ids are unknown; the groups are those the engine records the value came from.
    const previewTask = record(
      'aws:ecs/service:Service',
      'svc',
      { networkConfiguration: { assignPublicIp: true, securityGroups: [UNKNOWN] } },
      { propertyDependencies: { networkConfiguration: [taskGroup.urn!] } },
    );
    const previewRule = record(INGRESS_RULE, 'extra', { securityGroupId: 'sg-task', cidrIpv4: '10.0.0.0/8' });
    expect(reasons(graph(previewTask))).toEqual([]);
    expect(reasons(graph(previewTask, previewRule))).toEqual(['extra admits 10.0.0.0/8']);
    const orphan = record('aws:ecs/service:Service', 'svc', { networkConfiguration: { assignPublicIp: true, securityGroups: UNKNOWN } });
    expect(reasons(graph(orphan))).toEqual(['its group’s id is unknown and comes from no group of the stack']);
  });

  it('takes the load balancer’s groups at a preview from what its list was computed from', () => {
    const previewLb = record(
      'aws:lb/loadBalancer:LoadBalancer',
      'alb',
      { securityGroups: [UNKNOWN] },
      { propertyDependencies: { securityGroups: [albGroup.urn!] } },
    );
    expect(reasons([albGroup, taskGroup, previewLb, fromAlb, publicTask])).toEqual([]);
    const blindLb = record('aws:lb/loadBalancer:LoadBalancer', 'alb', { securityGroups: [UNKNOWN] });
    expect(reasons([albGroup, taskGroup, blindLb, fromAlb, publicTask])).toEqual(['task-from-alb admits sg-alb']);
  });
});

describe('no-open-security-group', () => {
  const albGroup = record(SG, 'alb-sg', { tags: { role: 'load-balancer' } }, { id: 'sg-alb' });
  const appGroup = record(SG, 'app-sg', { tags: { role: 'tasks' } }, { id: 'sg-app' });
  const rule = (inputs: Record<string, unknown>) =>
    record(INGRESS_RULE, 'in', { securityGroupId: 'sg-alb', ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', ...inputs });
  const found = (...extra: ResourceRecord[]) => messages(noOpenIngress, [albGroup, appGroup, ...extra]);

  it('lets only a load balancer group take the internet, on TCP 80 or 443 alone', () => {
    expect(found(rule({}))).toEqual([]);
    expect(found(rule({ fromPort: 80, toPort: 80, cidrIpv4: undefined, cidrIpv6: '::/0' }))).toEqual([]);
    expect(found(rule({ fromPort: 22, toPort: 22 }))).toEqual(['open to the internet on tcp 22-22']);
    expect(found(rule({ fromPort: 80, toPort: 443 }))).toEqual(['open to the internet on tcp 80-443']);
    expect(found(rule({ ipProtocol: 'udp' }))).toEqual(['open to the internet on udp 443-443']);
    expect(found(rule({ ipProtocol: '-1', fromPort: undefined, toPort: undefined }))).toEqual(['open to the internet on -1 undefined-undefined']);
    expect(found(rule({ securityGroupId: 'sg-app' }))).toEqual(['open to the internet on tcp 443-443']);
    expect(found(rule({ securityGroupId: 'sg-app', cidrIpv4: undefined, cidrIpv6: '::/0' }))).toEqual(['open to the internet on tcp 443-443']);
    expect(found(rule({ securityGroupId: 'sg-app', cidrIpv4: '10.0.0.0/16' }))).toEqual([]);
    // A group outside the stack is not known to be a load balancer's.
    expect(found(rule({ securityGroupId: 'sg-unknown' }))).toEqual(['open to the internet on tcp 443-443']);
  });

  it('finds a rule’s group at a preview by what its id was computed from', () => {
    const preview = (from: string[]) =>
      record(
        INGRESS_RULE,
        'in',
        { securityGroupId: UNKNOWN, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' },
        { propertyDependencies: { securityGroupId: from } },
      );
    expect(found(preview([albGroup.urn!]))).toEqual([]);
    expect(found(preview([appGroup.urn!]))).toEqual(['open to the internet on tcp 443-443']);
    expect(found(preview([]))).toEqual(['open to the internet on tcp 443-443']);
  });

  it('catches inline ingress open to the internet over IPv4 or IPv6, and inline ingress still unknown', () => {
    const inline = (ingress: unknown) => messages(noOpenIngress, [record(SG, 'g', { ingress })]);
    expect(inline([{ cidrBlocks: ['0.0.0.0/0'] }])).toEqual(['inline ingress open to the internet']);
    expect(inline([{ ipv6CidrBlocks: ['::/0'] }])).toEqual(['inline ingress open to the internet']);
    expect(inline([{ cidrBlocks: ['10.0.0.0/8'], ipv6CidrBlocks: ['fd00::/8'] }, { cidrBlocks: ['0.0.0.0/0'] }])).toEqual([
      'inline ingress open to the internet',
    ]);
    expect(inline([{ cidrBlocks: ['10.0.0.0/8'] }, {}])).toEqual([]);
    expect(inline(UNKNOWN)).toEqual(['inline ingress is unknown: it may be open to the internet']);
    expect(inline(undefined)).toEqual([]);
  });
});

describe('https-on-stage-and-main', () => {
  const LISTENER = 'aws:lb/listener:Listener';
  const https = record(LISTENER, 'https', { protocol: 'HTTPS', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' });
  const http = (defaultActions: unknown) => record(LISTENER, 'http', { protocol: 'HTTP', defaultActions });
  const toHttps = { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } };

  it('wants a TLS listener with a certificate on stage and main, and plain HTTP that only redirects to it', () => {
    expect(messages(httpsOnStageAndMain, [https, http([toHttps])], 'stage')).toEqual([]);
    expect(messages(httpsOnStageAndMain, [https], 'main')).toEqual([]);
    const noCertificate = record(LISTENER, 'https', { protocol: 'HTTPS' });
    expect(messages(httpsOnStageAndMain, [noCertificate], 'main')).toEqual(['main has no HTTPS listener: set orders:domain (docs/deploying.md, HTTPS)']);
    expect(messages(httpsOnStageAndMain, [https, http([{ type: 'forward', targetGroupArn: 'tg' }])], 'stage')).toEqual([
      'plain HTTP must only redirect to HTTPS in stage',
    ]);
    expect(messages(httpsOnStageAndMain, [https, http([toHttps, { type: 'forward' }])], 'stage')).toEqual(['plain HTTP must only redirect to HTTPS in stage']);
    expect(messages(httpsOnStageAndMain, [https, http([{ type: 'redirect', redirect: { protocol: 'HTTP' } }])], 'stage')).toHaveLength(1);
    expect(messages(httpsOnStageAndMain, [https, http([{ type: 'fixed-response', redirect: { protocol: 'HTTPS' } }])], 'stage')).toHaveLength(1);
  });

  it('leaves development to plain HTTP', () => {
    expect(messages(httpsOnStageAndMain, [http([{ type: 'forward' }])], 'development')).toEqual([]);
  });
});

describe('dynamodb-endpoint-policy', () => {
  const tableArn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders-main';
  const statement = (overrides: Record<string, unknown> = {}) => ({
    Sid: 'OrdersTable',
    Effect: 'Allow',
    Principal: '*',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    Resource: [tableArn, `${tableArn}/index/*`],
    Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
    ...overrides,
  });
  const endpoint = (policy: unknown, serviceName = 'com.amazonaws.eu-west-1.dynamodb') =>
    record('aws:ec2/vpcEndpoint:VpcEndpoint', 'ddb', { serviceName, policy: typeof policy === 'object' && policy !== null ? JSON.stringify(policy) : policy });
  const found = (...resources: ResourceRecord[]) => messages(dynamoDbEndpointPolicy, resources, 'main');

  it('passes an endpoint that lets this account’s principals reach named tables', () => {
    expect(found(endpoint({ Statement: [statement()] }))).toEqual([]);
    expect(found(endpoint({ Statement: statement({ Resource: 'arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders' }) }))).toEqual([]);
    expect(found(endpoint({ Statement: [statement(), { Effect: 'Deny', Action: '*', Resource: '*' }] }))).toEqual([]);
  });

  it('catches an endpoint without a policy, which AWS opens to every principal and table; one still unknown is judged at the update', () => {
    const none = 'the DynamoDB endpoint has no policy: AWS’s default lets every principal reach every table';
    expect(found(endpoint(undefined))).toEqual([none]);
    expect(found(endpoint(null))).toEqual([none]);
    expect(found(endpoint(''))).toEqual([none]);
    expect(found(endpoint(UNKNOWN))).toEqual([]);
    expect(found(endpoint(undefined, 'com.amazonaws.eu-west-1.s3'))).toEqual([]);
  });

  it('names every statement reaching past the stack’s tables, allowing every action, or admitting any account', () => {
    expect(found(endpoint({ Statement: [statement({ Resource: '*' })] }))).toEqual(['OrdersTable reaches *: name the stack’s table']);
    expect(found(endpoint({ Statement: [statement({ Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/*' })] }))).toEqual([
      'OrdersTable reaches arn:aws:dynamodb:eu-west-1:123456789012:table/*: name the stack’s table',
    ]);
    expect(found(endpoint({ Statement: [statement({ Resource: `x${tableArn}` })] }))).toEqual([`OrdersTable reaches x${tableArn}: name the stack’s table`]);
    expect(found(endpoint({ Statement: [statement({ Resource: 'arn:aws:dynamodb:eu-west-1:1234:table/orders' })] }))).toHaveLength(1);
    expect(found(endpoint({ Statement: [statement({ Resource: undefined })] }))).toEqual(['OrdersTable names no table']);
    expect(found(endpoint({ Statement: [statement({ Action: '*' })] }))).toEqual(['OrdersTable allows every action of every service']);
    expect(found(endpoint({ Statement: [statement({ Sid: undefined, Condition: undefined })] }))).toEqual([
      'a statement admits principals of any account: limit it with aws:PrincipalAccount',
    ]);
  });

  it('reads the endpoint awsx’s VPC declares as a spec the same way, and waits for a spec list still unknown', () => {
    const vpc = (specs: unknown) => record('awsx:ec2:Vpc', 'vpc', { vpcEndpointSpecs: specs });
    expect(found(vpc([{ serviceName: 'com.amazonaws.eu-west-1.dynamodb', policy: JSON.stringify({ Statement: [statement()] }) }]))).toEqual([]);
    expect(found(vpc([{ serviceName: 'com.amazonaws.eu-west-1.dynamodb' }]))).toHaveLength(1);
    expect(found(vpc([{ serviceName: 'com.amazonaws.eu-west-1.s3' }, { serviceName: 42 }]))).toEqual([]);
    expect(found(vpc(UNKNOWN))).toEqual([]);
  });
});
