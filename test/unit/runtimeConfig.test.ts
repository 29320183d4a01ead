import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { DEFAULT_REGION, parseEnvironment } from '../../core/config';
import { readProcessorConfig } from '../../processor/src/config';
import { readConfig, trustedPools } from '../../service/src/config';

const awsPools = {
  TABLE_NAME: 't',
  COGNITO_USER_POOL_ID: 'eu-west-1_c',
  COGNITO_CLIENT_ID: 'app,smoke',
  COGNITO_ADMIN_USER_POOL_ID: 'eu-west-1_a',
  COGNITO_ADMIN_CLIENT_ID: 'console',
};
import { localSettings } from '../../local/settings';

/** Every runtime parses its environment once, with a schema, and they agree on the region default. */
describe('runtime configuration', () => {
  it('gives the processor and the API the same region default', () => {
    expect(readProcessorConfig({ TABLE_NAME: 't' }).AWS_REGION).toBe(DEFAULT_REGION);
    expect(readConfig(awsPools).AWS_REGION).toBe(DEFAULT_REGION);
  });

  it('trusts both pools or none: the API never starts without knowing which pool issues admin rights', () => {
    expect(trustedPools(readConfig(awsPools))).toEqual({
      kind: 'aws',
      pools: { customers: { userPoolId: 'eu-west-1_c', clientIds: ['app', 'smoke'] }, admins: { userPoolId: 'eu-west-1_a', clientIds: ['console'] } },
    });
    const local = {
      TABLE_NAME: 't',
      COGNITO_CLIENT_ID: 'app',
      COGNITO_ISSUER: 'http://127.0.0.1:1/c',
      COGNITO_JWKS_URI: 'http://127.0.0.1:1/c/.well-known/jwks.json',
      COGNITO_ADMIN_CLIENT_ID: 'console',
      COGNITO_ADMIN_ISSUER: 'http://127.0.0.1:1/a',
      COGNITO_ADMIN_JWKS_URI: 'http://127.0.0.1:1/a/.well-known/jwks.json',
    };
    expect(trustedPools(readConfig(local))).toMatchObject({ kind: 'local', pools: { admins: { issuer: 'http://127.0.0.1:1/a', clientIds: ['console'] } } });
    const { COGNITO_ADMIN_USER_POOL_ID: _admins, ...customersOnly } = awsPools;
    expect(() => readConfig(customersOnly)).toThrow(/COGNITO_ADMIN_USER_POOL_ID/);
    const { COGNITO_ADMIN_JWKS_URI: _jwks, ...noAdminJwks } = local;
    expect(() => readConfig(noAdminJwks)).toThrow(/COGNITO_ADMIN_JWKS_URI/);
    expect(() => readConfig({ ...awsPools, COGNITO_ADMIN_CLIENT_ID: ' , ' })).toThrow(/COGNITO_ADMIN_CLIENT_ID/);
  });

  it('reads the local stack’s environment with its defaults, ports derived from PORT, empty meaning unset', () => {
    expect(localSettings({})).toMatchObject({
      apiPort: 5000,
      dynamoPort: 5001,
      cognitoPort: 5002,
      tableName: 'orders-local',
      logLevel: 'warn',
      processorLogLevel: 'WARN',
      parallelizationFactor: 1,
    });
    expect(localSettings({ PORT: '6000', COGNITO_PORT: '7000', TABLE_NAME: '', PROCESSOR_LOG_LEVEL: 'debug' })).toMatchObject({
      apiPort: 6000,
      dynamoPort: 6001,
      cognitoPort: 7000,
      tableName: 'orders-local',
      processorLogLevel: 'DEBUG',
    });
  });

  it.each([
    ['PORT', 'x'],
    ['DYNAMODB_PORT', '70000'],
    ['PARALLELIZATION_FACTOR', '11'],
    ['PARALLELIZATION_FACTOR', '1.5'],
    ['PROCESSOR_LOG_LEVEL', 'loud'],
    ['LOG_LEVEL', 'chatty'],
  ])('refuses a local %s of %s, naming it', (name, value) => {
    expect(() => localSettings({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });

  it('defaults to the region every stack deploys to (Pulumi.<stack>.yaml)', () => {
    for (const stack of ['development', 'stage', 'main']) {
      const file = load(readFileSync(path.join(__dirname, '../..', `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
      expect(file.config['aws:region']).toBe(DEFAULT_REGION);
    }
  });

  it('names every variable it refuses, each with its problem, in one message', () => {
    const schema = z.object({ A: z.string(), B: z.enum(['on', 'off']) });
    expect(() => parseEnvironment(schema, { B: 'maybe' })).toThrow(/^invalid configuration: A: [^;]+; B: [^;]+$/);
  });

  it('refuses a processor environment without its table, or with tracing neither on nor off, naming the variable', () => {
    expect(() => readProcessorConfig({})).toThrow(/TABLE_NAME/);
    expect(() => readProcessorConfig({ TABLE_NAME: 't', TRACES: 'maybe' })).toThrow(/TRACES/);
    expect(readProcessorConfig({ TABLE_NAME: 't', TRACES: 'off', AWS_REGION: 'us-west-2' })).toEqual({
      TABLE_NAME: 't',
      TRACES: 'off',
      AWS_REGION: 'us-west-2',
    });
  });
});
