import { EnvReader } from './env-reader';
import { readKafkaEnv } from './kafka-env';

describe('readKafkaEnv', () => {
  it('gives group consumers a 30 s session timeout unless KAFKA_SESSION_TIMEOUT_MS says otherwise', () => {
    expect(readKafkaEnv(new EnvReader({}), 'svc').sessionTimeout).toBe(30_000);
    expect(readKafkaEnv(new EnvReader({ KAFKA_SESSION_TIMEOUT_MS: '10000' }), 'svc').sessionTimeout).toBe(10_000);
  });

  it('refuses a session timeout below what a broker accepts by default (6 s)', () => {
    const env = new EnvReader({ KAFKA_SESSION_TIMEOUT_MS: '2000' });
    readKafkaEnv(env, 'svc');
    expect(env.problems).toEqual([expect.stringContaining('KAFKA_SESSION_TIMEOUT_MS must be an integer between 6000 and 300000')]);
  });
});
