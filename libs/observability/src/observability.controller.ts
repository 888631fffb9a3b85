import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { HealthService } from './health';

/** `/health/live`, `/health/ready` and `/metrics`: open endpoints, excluded from authentication. */
@Controller()
export class ObservabilityController {
  constructor(
    private readonly health: HealthService,
    private readonly registry: Registry,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.readiness();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }
}
