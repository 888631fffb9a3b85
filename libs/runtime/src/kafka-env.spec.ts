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

  it('fetches at most 256 KiB per partition unless KAFKA_MAX_BYTES_PER_PARTITION says otherwise, and refuses less than 16 KiB', () => {
    expect(readKafkaEnv(new EnvReader({}), 'svc').maxBytesPerPartition).toBe(256 * 1024);
    expect(readKafkaEnv(new EnvReader({ KAFKA_MAX_BYTES_PER_PARTITION: '1048576' }), 'svc').maxBytesPerPartition).toBe(1024 * 1024);
    const env = new EnvReader({ KAFKA_MAX_BYTES_PER_PARTITION: '1000' });
    readKafkaEnv(env, 'svc');
    expect(env.problems).toEqual([expect.stringContaining('KAFKA_MAX_BYTES_PER_PARTITION must be an integer between 16384 and 67108864')]);
  });
});
