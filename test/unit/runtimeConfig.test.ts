import { DEFAULT_REGION } from '../../core/config';
import { readProcessorConfig } from '../../processor/src/config';
import { readConfig } from '../../service/src/config';

/** Every runtime parses its environment once, with a schema, and they agree on the region default. */
describe('runtime configuration', () => {
  it('gives the processor and the API the same region default', () => {
    expect(readProcessorConfig({ TABLE_NAME: 't' }).AWS_REGION).toBe(DEFAULT_REGION);
    expect(readConfig({ TABLE_NAME: 't', COGNITO_CLIENT_ID: 'c', COGNITO_USER_POOL_ID: 'eu-west-1_x' }).AWS_REGION).toBe(DEFAULT_REGION);
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
