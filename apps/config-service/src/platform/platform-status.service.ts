import { Injectable } from '@nestjs/common';
import { KafkaClient } from '@postback/kafka';
import { HealthReport, HealthService } from '@postback/observability';
import { ServiceConfig } from '../config/service-config';
import { ConsumerGroupStatusDto, PlatformStatusDto, ServiceStatusDto } from './platform-status.dto';

const PROBE_TIMEOUT_MS = 2000;

/**
 * The platform's health as the console's overview shows it: each service's readiness (this one's
 * own checks, the others' `/health/ready` at their configured URLs) and each consumer group's
 * state, members and lag, read from the broker.
 */
@Injectable()
export class PlatformStatusService {
  constructor(
    private readonly config: ServiceConfig,
    private readonly health: HealthService,
    private readonly kafka: KafkaClient,
  ) {}

  async status(): Promise<PlatformStatusDto> {
    const [self, others, consumers] = await Promise.all([
      this.health.readiness(PROBE_TIMEOUT_MS),
      Promise.all(this.config.platform.services.map((s) => probe(s.name, s.url))),
      Promise.all(this.config.platform.consumerGroups.map((g) => this.group(g.role, g.groupId))),
    ]);
    return {
      checkedAt: new Date().toISOString(),
      services: [{ name: 'config-service', url: null, status: self.status === 'ok' ? 'ready' : 'not-ready', checks: self.checks }, ...others],
      consumers,
    };
  }

  private async group(role: string, groupId: string): Promise<ConsumerGroupStatusDto> {
    try {
      const g = await withTimeout(this.kafka.groupStatus(groupId), PROBE_TIMEOUT_MS);
      return { role, groupId, state: g.state, members: g.members, lag: g.topics.reduce((sum, t) => sum + t.lag, 0), topics: g.topics };
    } catch (e) {
      return { role, groupId, state: 'Unknown', members: 0, lag: 0, topics: [], error: (e as Error).message };
    }
  }
}

async function probe(name: string, url: string): Promise<ServiceStatusDto> {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const report = (await res.json().catch(() => undefined)) as HealthReport | undefined;
    return { name, url, status: res.ok ? 'ready' : 'not-ready', checks: report?.checks ?? {} };
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return { name, url, status: 'unreachable', checks: {}, error: cause ?? (e as Error).message };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the broker within ${ms} ms`)), ms);
    }),
  ]);
}
