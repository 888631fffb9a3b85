import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireScope } from '../auth/scopes';
import { ApiErrorDto, ApiStandardErrors } from '../common/api-docs';
import { Page } from '../common/pagination.dto';
import { TestFireResultDto } from '../test-fire/test-fire.dto';
import { TestFireService } from '../test-fire/test-fire.service';
import { ActivateTriggerDto, CreateTriggerDto, ListTriggersQueryDto, RotateSecretDto, TestTriggerDto, TriggerDto, UpdateTriggerDto } from './trigger.dto';
import { TriggersService, TriggerView } from './triggers.service';

const dto = (v: TriggerView, secret?: string) => TriggerDto.from(v.trigger, v.configHash, secret);

@ApiTags('triggers')
@ApiStandardErrors()
@Controller('customers/:customerId/triggers')
export class TriggersController {
  constructor(
    private readonly triggers: TriggersService,
    private readonly testFire: TestFireService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: TriggerDto, description: 'Created as a draft. The response carries the signing secret, shown this once' })
  async create(@Param('customerId') customerId: string, @Body() body: CreateTriggerDto): Promise<TriggerDto> {
    const created = await this.triggers.create(customerId, body);
    return dto(created, created.signingSecret);
  }

  @Get()
  async list(@Param('customerId') customerId: string, @Query() query: ListTriggersQueryDto): Promise<Page<TriggerDto>> {
    const page = await this.triggers.list(customerId, query);
    return { ...page, items: page.items.map((v) => dto(v)) };
  }

  @Get(':triggerId')
  @ApiOkResponse({ type: TriggerDto })
  async get(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<TriggerDto> {
    return dto(await this.triggers.get(customerId, id));
  }

  @Patch(':triggerId')
  @ApiOkResponse({ type: TriggerDto })
  async update(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: UpdateTriggerDto): Promise<TriggerDto> {
    return dto(await this.triggers.update(customerId, id, body));
  }

  @Post(':triggerId/test')
  @HttpCode(200)
  @ApiOkResponse({
    type: TestFireResultDto,
    description: 'Sent through Kafka, the router and the delivery service, marked as a test: what was sent and what came back',
  })
  @ApiAcceptedResponse({ type: TestFireResultDto, description: 'No outcome within the wait: look the delivery id up in the delivery log' })
  async test(
    @Param('customerId') customerId: string,
    @Param('triggerId') id: string,
    @Body() body: TestTriggerDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TestFireResultDto> {
    const result = await this.testFire.fire(customerId, id, body);
    if (result.outcome === 'pending') res.status(202);
    return result;
  }

  @Post(':triggerId/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: TriggerDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The current configuration has not passed a test-fire (use force to override; it is recorded)' })
  async activate(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: ActivateTriggerDto): Promise<TriggerDto> {
    return dto(await this.triggers.activate(customerId, id, body));
  }

  @Post(':triggerId/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: TriggerDto })
  async pause(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<TriggerDto> {
    return dto(await this.triggers.pause(customerId, id));
  }

  @Post(':triggerId/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: TriggerDto, description: 'The response carries the new signing secret' })
  async rotate(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: RotateSecretDto): Promise<TriggerDto> {
    const rotated = await this.triggers.rotateSecret(customerId, id, body.graceSeconds ?? 86400);
    return dto(rotated, rotated.signingSecret);
  }

  @Get(':triggerId/secret')
  @RequireScope('admin')
  @ApiOkResponse({
    description: 'The current signing secret (the read is recorded in the audit log)',
    schema: { properties: { signingSecret: { type: 'string' } } },
  })
  async secret(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<{ signingSecret: string }> {
    return { signingSecret: await this.triggers.revealSecret(customerId, id) };
  }

  @Delete(':triggerId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<void> {
    await this.triggers.delete(customerId, id);
  }
}
