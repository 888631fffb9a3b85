import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class HealthCheckResultDto {
  @ApiProperty({ enum: ['ok', 'down'], example: 'ok' }) status!: 'ok' | 'down';
  @ApiPropertyOptional({ example: 'consumer delivery-jobs is not running: broker unreachable' }) detail?: string;
}

@ApiExtraModels(HealthCheckResultDto)
export class ServiceStatusDto {
  @ApiProperty({ example: 'router-service' }) name!: string;
  @ApiProperty({ example: 'http://127.0.0.1:3001', nullable: true, type: String, description: 'null for the config service itself' }) url!: string | null;
  @ApiProperty({ enum: ['ready', 'not-ready', 'unreachable'], example: 'ready' }) status!: 'ready' | 'not-ready' | 'unreachable';
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(HealthCheckResultDto) },
    example: { kafka: { status: 'ok' }, 'consumer:order-events': { status: 'ok' } },
    description: "The service's readiness checks (empty when unreachable)",
  })
  checks!: Record<string, HealthCheckResultDto>;
  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:3001' }) error?: string;
}

export class TopicLagDto {
  @ApiProperty({ example: 'postback.deliveries' }) topic!: string;
  @ApiProperty({ example: 0, description: 'Records not yet consumed (end offset minus committed offset, summed over partitions)' }) lag!: number;
}

export class ConsumerGroupStatusDto {
  @ApiProperty({ example: 'delivery' }) role!: string;
  @ApiProperty({ example: 'postback-delivery' }) groupId!: string;
  @ApiProperty({ example: 'Stable', description: "Kafka's group state: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead or Unknown" })
  state!: string;
  @ApiProperty({ example: 2, description: 'Consumers in the group now' }) members!: number;
  @ApiProperty({ example: 0 }) lag!: number;
  @ApiProperty({ type: [TopicLagDto] }) topics!: TopicLagDto[];
  @ApiPropertyOptional({ example: 'broker unreachable' }) error?: string;
}

export class PlatformStatusDto {
  @ApiProperty({ example: '2026-11-30T10:15:00.000Z' }) checkedAt!: string;
  @ApiProperty({ type: [ServiceStatusDto], description: 'Each service and whether it is ready' }) services!: ServiceStatusDto[];
  @ApiProperty({ type: [ConsumerGroupStatusDto], description: 'Consumer groups with their members and lag' }) consumers!: ConsumerGroupStatusDto[];
}
