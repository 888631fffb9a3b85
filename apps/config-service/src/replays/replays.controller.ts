import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto, ApiStandardErrors } from '../common/api-docs';
import { ReplayJobDto, StartReplayDto } from './replay.dto';
import { ReplaysService } from './replays.service';

@ApiTags('deliveries')
@ApiStandardErrors()
@Controller()
export class ReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  @Post('deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Sent again with the same delivery id, rendered with the current template; follow it in the delivery log' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Still being retried, a test delivery, or its trigger is gone' })
  async replayOne(@Param('deliveryId') id: string): Promise<{ deliveryId: string; attempt: number }> {
    return this.replays.replayOne(id);
  }

  @Post('customers/:customerId/triggers/:triggerId/replays')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReplayJobDto, description: 'Every failed delivery of the trigger in the range, replayed in the background' })
  async start(@Param('customerId') customerId: string, @Param('triggerId') triggerId: string, @Body() body: StartReplayDto): Promise<ReplayJobDto> {
    return ReplayJobDto.from(await this.replays.startBulk(customerId, triggerId, new Date(body.from), new Date(body.to)));
  }

  @Get('customers/:customerId/triggers/:triggerId/replays')
  @ApiOkResponse({ type: ReplayJobDto, isArray: true })
  async list(@Param('triggerId') triggerId: string): Promise<ReplayJobDto[]> {
    return (await this.replays.list(triggerId)).map((j) => ReplayJobDto.from(j));
  }

  @Get('replays/:replayId')
  @ApiOkResponse({ type: ReplayJobDto, description: 'Progress of a bulk replay' })
  async get(@Param('replayId') id: string): Promise<ReplayJobDto> {
    return ReplayJobDto.from(await this.replays.get(id));
  }
}
