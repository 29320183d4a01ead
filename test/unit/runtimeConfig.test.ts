import { DEFAULT_REGION } from '../../core/config';
import { readProcessorConfig } from '../../processor/src/config';
import { readConfig } from '../../service/src/config';
import { localSettings } from '../../local/settings';

/** Every runtime parses its environment once, with a schema, and they agree on the region default. */
describe('runtime configuration', () => {
  it('gives the processor and the API the same region default', () => {
    expect(readProcessorConfig({ TABLE_NAME: 't' }).AWS_REGION).toBe(DEFAULT_REGION);
    expect(readConfig({ TABLE_NAME: 't', COGNITO_CLIENT_ID: 'c', COGNITO_USER_POOL_ID: 'eu-west-1_x' }).AWS_REGION).toBe(DEFAULT_REGION);
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
