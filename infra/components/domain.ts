import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { DomainConfig } from '../config';

/**
 * The API's public name. With `certificateArn`, an existing ACM certificate is used and the operator points
 * the hostname at the load balancer (docs/deploying.md, HTTPS). With `hostedZoneId`, the certificate is requested and validated
 * by DNS in that Route 53 zone, and `pointAt` creates the alias record.
 */
export class ApiDomain extends pulumi.ComponentResource {
  readonly hostname: string;
  readonly certificateArn: pulumi.Output<string>;
  private readonly zoneId?: string;
  private readonly name: string;

  constructor(name: string, domain: DomainConfig, opts?: pulumi.ComponentResourceOptions) {
    super('orders:domain:ApiDomain', name, {}, opts);
    this.name = name;
    this.hostname = domain.hostname;
    if ('certificateArn' in domain) {
      this.certificateArn = pulumi.output(domain.certificateArn);
    } else {
      this.zoneId = domain.hostedZoneId;
      const certificate = new aws.acm.Certificate(name, { domainName: domain.hostname, validationMethod: 'DNS' }, { parent: this });
      const option = certificate.domainValidationOptions.apply((options) => {
        const [first] = options;
        if (!first) throw new Error(`ACM gave ${domain.hostname} no DNS validation record`);
        return first;
      });
      const proof = new aws.route53.Record(
        `${name}-certificate-validation`,
        {
          zoneId: domain.hostedZoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        { parent: this },
      );
      this.certificateArn = new aws.acm.CertificateValidation(
        name,
        { certificateArn: certificate.arn, validationRecordFqdns: [proof.fqdn] },
        { parent: this },
      ).certificateArn;
    }
    this.registerOutputs({ hostname: this.hostname, certificateArn: this.certificateArn });
  }

  /** In a configured zone: the hostname as an alias of the load balancer (A record). */
  pointAt(loadBalancer: aws.lb.LoadBalancer): aws.route53.Record | undefined {
    if (!this.zoneId) return undefined;
    return new aws.route53.Record(
      `${this.name}-alias`,
      {
        zoneId: this.zoneId,
        name: this.hostname,
        type: 'A',
        aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
      },
      { parent: this },
    );
  }
}
