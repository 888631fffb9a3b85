import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiConflict, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { BackfillDto, StartBackfillDto } from './backfill.dto';
import { BackfillsService } from './backfills.service';

const BASE = 'customers/:customerId/triggers/:triggerId/backfills';

@ApiTags('triggers')
@ApiStandardErrors()
@Controller()
export class BackfillsController {
  constructor(private readonly backfills: BackfillsService) {}

  @Post(BASE)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Backfill a trigger from the order stream',
    description:
      "Routes the order events recorded on the order topics in [from, to) through the trigger's live revision again, in the background: " +
      "events of the trigger's customer and live event types whose delivery the log does not have as delivered (or still being retried) are " +
      'sent, with the delivery id (webhook-id) the router gives them, at most `ratePerSecond` a second. `redeliver: true` sends the delivered ' +
      'ones too. The range is what the topics still hold (their retention). Follow it with GET …/backfills/{backfillId}; pause, resume or cancel it.',
  })
  @ApiPathParams('customerId', 'triggerId')
  @ApiAcceptedResponse({ type: BackfillDto, description: 'The backfill, running' })
  @ApiConflict('The trigger has never been activated, or is not active')
  async start(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string, @Body() body: StartBackfillDto): Promise<BackfillDto> {
    return BackfillDto.from(await this.backfills.start(customerId, triggerId, body));
  }

  @Get(BASE)
  @ApiOperation({ summary: "List a trigger's backfills", description: 'The newest 20 backfills of the trigger, with their status and progress.' })
  @ApiPathParams('customerId', 'triggerId')
  @ApiOkResponse({ type: BackfillDto, isArray: true })
  async list(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string): Promise<BackfillDto[]> {
    return (await this.backfills.list(customerId, triggerId)).map((b) => BackfillDto.from(b));
  }

  @Get(`${BASE}/:backfillId`)
  @ApiOperation({
    summary: 'Show a backfill',
    description: 'Its range, status, progress per partition of the order topics, and how many events it sent, left out as already delivered, or skipped.',
  })
  @ApiPathParams('customerId', 'triggerId', 'backfillId')
  @ApiOkResponse({ type: BackfillDto, description: 'The backfill' })
  async get(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string, @Param('backfillId') id: string): Promise<BackfillDto> {
    return BackfillDto.from(await this.backfills.get(customerId, triggerId, id));
  }

  @Post(`${BASE}/:backfillId/pause`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a backfill', description: 'It stops within about a second, keeping its positions; resume goes on from them.' })
  @ApiPathParams('customerId', 'triggerId', 'backfillId')
  @ApiOkResponse({ type: BackfillDto, description: 'The backfill, paused' })
  @ApiConflict('The backfill is not running')
  async pause(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string, @Param('backfillId') id: string): Promise<BackfillDto> {
    return BackfillDto.from(await this.backfills.act(customerId, triggerId, id, 'pause'));
  }

  @Post(`${BASE}/:backfillId/resume`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a backfill', description: 'A paused backfill goes on from where it stopped (the trigger must be active).' })
  @ApiPathParams('customerId', 'triggerId', 'backfillId')
  @ApiOkResponse({ type: BackfillDto, description: 'The backfill, running' })
  @ApiConflict('The backfill is not paused, or the trigger is not active')
  async resume(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string, @Param('backfillId') id: string): Promise<BackfillDto> {
    return BackfillDto.from(await this.backfills.act(customerId, triggerId, id, 'resume'));
  }

  @Post(`${BASE}/:backfillId/cancel`)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a backfill',
    description: 'A running or paused backfill stops for good (within about a second); the jobs it produced are delivered as any other.',
  })
  @ApiPathParams('customerId', 'triggerId', 'backfillId')
  @ApiOkResponse({ type: BackfillDto, description: 'The backfill, canceled' })
  @ApiConflict('The backfill has already completed, failed or been canceled')
  async cancel(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string, @Param('backfillId') id: string): Promise<BackfillDto> {
    return BackfillDto.from(await this.backfills.act(customerId, triggerId, id, 'cancel'));
  }
}
