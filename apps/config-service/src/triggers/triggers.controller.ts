import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CreateTriggerDto, RotateSecretDto, TriggerDto, UpdateTriggerDto } from './trigger.dto';
import { TriggersService } from './triggers.service';

@ApiTags('triggers')
@ApiSecurity('api-key')
@Controller('customers/:customerId/triggers')
export class TriggersController {
  constructor(private readonly triggers: TriggersService) {}

  @Post()
  @ApiCreatedResponse({ type: TriggerDto, description: 'The response carries the signing secret, shown this once' })
  async create(@Param('customerId') customerId: string, @Body() body: CreateTriggerDto): Promise<TriggerDto> {
    const { trigger, signingSecret } = await this.triggers.create(customerId, body);
    return TriggerDto.from(trigger, signingSecret);
  }

  @Get()
  @ApiOkResponse({ type: TriggerDto, isArray: true })
  async list(@Param('customerId') customerId: string): Promise<TriggerDto[]> {
    return (await this.triggers.list(customerId)).map((t) => TriggerDto.from(t));
  }

  @Get(':triggerId')
  @ApiOkResponse({ type: TriggerDto })
  async get(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<TriggerDto> {
    return TriggerDto.from(await this.triggers.get(customerId, id));
  }

  @Patch(':triggerId')
  @ApiOkResponse({ type: TriggerDto })
  async update(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: UpdateTriggerDto): Promise<TriggerDto> {
    return TriggerDto.from(await this.triggers.update(customerId, id, body));
  }

  @Post(':triggerId/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: TriggerDto })
  async activate(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<TriggerDto> {
    return TriggerDto.from(await this.triggers.setStatus(customerId, id, 'active'));
  }

  @Post(':triggerId/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: TriggerDto })
  async pause(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<TriggerDto> {
    return TriggerDto.from(await this.triggers.setStatus(customerId, id, 'paused'));
  }

  @Post(':triggerId/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: TriggerDto, description: 'The response carries the new signing secret' })
  async rotate(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: RotateSecretDto): Promise<TriggerDto> {
    const { trigger, signingSecret } = await this.triggers.rotateSecret(customerId, id, body.graceSeconds ?? 86400);
    return TriggerDto.from(trigger, signingSecret);
  }

  @Get(':triggerId/secret')
  @ApiOkResponse({ description: 'The current signing secret', schema: { properties: { signingSecret: { type: 'string' } } } })
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
