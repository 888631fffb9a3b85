import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiConflict, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { ListReplaysQueryDto, ReplayJobDto, ReplayOneResultDto, StartFilteredReplayDto, StartReplayDto } from './replay.dto';
import { ReplaysService } from './replays.service';

@ApiTags('deliveries')
@ApiStandardErrors()
@Controller()
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  @Post('deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay one delivery',
    description:
      'Sends the delivery again with the same delivery id (webhook-id), so the receiver can drop a duplicate, rendered with the current template and settings ' +
      'and with a fresh retry budget. 409 while it is still being retried, for a test delivery, or when its trigger is gone.',
  })
  @ApiPathParams('deliveryId')
  @ApiAcceptedResponse({ type: ReplayOneResultDto, description: 'Handed to the delivery service; follow it in the delivery log' })
  @ApiConflict('Still being retried, a test delivery, or its trigger is gone')
  async replayOne(@Param('deliveryId') id: string): Promise<ReplayOneResultDto> {
    return this.replays.replayOne(id);
  }

  @Post('replays')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay failed deliveries by filter',
    description:
      'Every failed (dead-lettered) live delivery whose last attempt is in [from, to), narrowed by customer, trigger and event type when given, ' +
      'is sent again in the background. Returns the job: follow its progress with GET /replays/{replayId}.',
  })
  @ApiAcceptedResponse({ type: ReplayJobDto, description: 'The job, queued' })
  async startFiltered(@Body() body: StartFilteredReplayDto): Promise<ReplayJobDto> {
    const { from, to, ...filter } = body;
    return ReplayJobDto.from(await this.replays.startBulk({ ...filter, from: new Date(from), to: new Date(to) }));
  }

  @Get('replays')
  @ApiOperation({ summary: 'List bulk replays', description: 'The newest bulk replay jobs with their progress, optionally of one customer or trigger.' })
  @ApiOkResponse({ type: ReplayJobDto, isArray: true })
  async listAll(@Query() q: ListReplaysQueryDto): Promise<ReplayJobDto[]> {
    return (await this.replays.list(q)).map((j) => ReplayJobDto.from(j));
  }

  @Get('replays/:replayId')
  @ApiOperation({
    summary: 'Show a bulk replay',
    description: 'A bulk replay job: its filter, status, how many deliveries matched and how many were sent again.',
  })
  @ApiPathParams('replayId')
  @ApiOkResponse({ type: ReplayJobDto, description: 'Progress of a bulk replay' })
  async get(@Param('replayId') id: string): Promise<ReplayJobDto> {
    return ReplayJobDto.from(await this.replays.get(id));
  }

  @Post('customers/:customerId/triggers/:triggerId/replays')
  @HttpCode(202)
  @ApiOperation({
    summary: "Replay a trigger's failed deliveries",
    description:
      'Every failed live delivery of the trigger whose last attempt is in [from, to), sent again in the background (POST /replays with the trigger as filter).',
  })
  @ApiPathParams('customerId', 'triggerId')
  @ApiAcceptedResponse({ type: ReplayJobDto, description: 'The job, queued' })
  async start(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string, @Body() body: StartReplayDto): Promise<ReplayJobDto> {
    return ReplayJobDto.from(await this.replays.startBulk({ customerId, triggerId, from: new Date(body.from), to: new Date(body.to) }));
  }

  @Get('customers/:customerId/triggers/:triggerId/replays')
  @ApiOperation({ summary: "List a trigger's bulk replays", description: 'The newest bulk replay jobs limited to this trigger, with their progress.' })
  @ApiPathParams('customerId', 'triggerId')
  @ApiOkResponse({ type: ReplayJobDto, isArray: true })
  async list(@Param('triggerId') triggerId: string): Promise<ReplayJobDto[]> {
    return (await this.replays.list({ triggerId })).map((j) => ReplayJobDto.from(j));
  }
}
