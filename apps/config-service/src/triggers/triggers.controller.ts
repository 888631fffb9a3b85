import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireScope } from '../auth/scopes';
import { ApiConflict, ApiInvalidTemplate, ApiPageResponse, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { Page } from '../common/pagination.dto';
import { PreviewResultDto, TriggerPreviewRequestDto } from '../preview/preview.dto';
import { PreviewService } from '../preview/preview.service';
import { TestFireResultDto } from '../test-fire/test-fire.dto';
import { TestFireService } from '../test-fire/test-fire.service';
import {
  ActivateTriggerDto,
  CreateTriggerDto,
  ListTriggersQueryDto,
  RestoreRevisionDto,
  RotateSecretDto,
  SigningSecretDto,
  TestTriggerDto,
  TriggerDto,
  TriggerRevisionDto,
  UpdateTriggerDto,
} from './trigger.dto';
import { PageQueryDto } from '../common/pagination.dto';
import { TriggersService, TriggerView } from './triggers.service';

const dto = (v: TriggerView, secret?: string) => TriggerDto.from(v, secret);

@ApiTags('triggers')
@ApiStandardErrors()
@ApiPathParams('customerId')
@Controller('customers/:customerId/triggers')
export class TriggersController {
  constructor(
    private readonly triggers: TriggersService,
    private readonly testFire: TestFireService,
    private readonly previews: PreviewService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a trigger',
    description:
      'Creates a trigger for the customer as a draft: it delivers nothing until activated. It uses an existing template (`templateId`, global ' +
      "or the customer's) or one created with it (`template`). A URL trigger needs a `url` that passes the destination checks and a JSON template; " +
      'an email trigger needs `email`. The response carries the signing secret, shown this once. 422 when an inline template does not compile.',
  })
  @ApiInvalidTemplate('The inline template does not compile')
  @ApiCreatedResponse({ type: TriggerDto, description: 'Created as a draft. The response carries the signing secret, shown this once' })
  async create(@Param('customerId') customerId: string, @Body() body: CreateTriggerDto): Promise<TriggerDto> {
    const created = await this.triggers.create(customerId, body);
    return dto(created, created.signingSecret);
  }

  @Get()
  @ApiOperation({
    summary: "List a customer's triggers",
    description:
      "Returns the customer's triggers a page at a time, oldest first, optionally only those in a `status` or subscribed to an `eventType`. " +
      'Signing secrets are not included.',
  })
  @ApiPageResponse(TriggerDto, 'One page of triggers, oldest first')
  async list(@Param('customerId') customerId: string, @Query() query: ListTriggersQueryDto): Promise<Page<TriggerDto>> {
    const page = await this.triggers.list(customerId, query);
    return { ...page, items: page.items.map((v) => dto(v)) };
  }

  @Get(':triggerId')
  @ApiOperation({
    summary: 'Get a trigger',
    description:
      'Returns the trigger with its status, whether its current configuration has passed a test-fire (`testedCurrentConfig`) and its last test. ' +
      'The signing secret is not included.',
  })
  @ApiPathParams('triggerId')
  @ApiOkResponse({ type: TriggerDto, description: 'The trigger' })
  async get(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<TriggerDto> {
    return dto(await this.triggers.get(customerId, id));
  }

  @Patch(':triggerId')
  @ApiOperation({
    summary: 'Update a trigger',
    description:
      'Changes a trigger; fields left out keep their value, and the delivery method (`channel`) cannot change. A new `templateId` without ' +
      "`templateVersion` follows that template's latest version. Every change makes a new revision. A live trigger goes on sending its live " +
      'revision: the change waits as a draft (`pendingChanges`) until it is activated, which needs a passing test-fire of it when it changes ' +
      'where or what is sent (URL, method, headers, email settings, template or version).',
  })
  @ApiPathParams('triggerId')
  @ApiOkResponse({ type: TriggerDto, description: 'The updated trigger' })
  async update(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: UpdateTriggerDto): Promise<TriggerDto> {
    return dto(await this.triggers.update(customerId, id, body));
  }

  @Post(':triggerId/preview')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: "Preview a trigger's postback",
    description:
      "Renders what this trigger would send for the sample event of `eventType` (default: the trigger's first) or for your `input`, and sends " +
      'nothing: its template at the version its newest revision uses (the one a test-fire tests), the same sandbox and limits as delivery, and ' +
      "the `meta` of a first live attempt (the event's delivery id, the trigger, the customer). For the same event it is byte for byte the body " +
      'live delivery sends. 422 when it does not render. Read-only keys may call it.',
  })
  @ApiPathParams('triggerId')
  @ApiOkResponse({ type: PreviewResultDto, description: 'The rendered postback body' })
  @ApiInvalidTemplate('The template does not render, or its output is not valid JSON: errors name the line')
  async preview(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: TriggerPreviewRequestDto): Promise<PreviewResultDto> {
    return this.previews.previewTrigger(customerId, id, body);
  }

  @Post(':triggerId/test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Test-fire a trigger',
    description:
      'Sends the sample event of `eventType` (or your `data`) through the real pipeline (Kafka, the router, the delivery service) to this trigger ' +
      'only, whatever its status, marked as a test and never retried, and waits up to `timeoutMs`. 200 with what was sent and what came back; ' +
      '202 when no outcome came in time (look the delivery id up in the delivery log). A delivered test of the current configuration allows activation.',
  })
  @ApiPathParams('triggerId')
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

  @Get(':triggerId/revisions')
  @ApiOperation({
    summary: "List a trigger's revisions",
    description:
      'Every change to a trigger makes a new revision; none is changed afterwards. Newest first, each with who made it and when, whether it is ' +
      'live or the draft waiting for a test, when it passed a test and went live, and what changed from the revision before.',
  })
  @ApiPathParams('triggerId')
  @ApiPageResponse(TriggerRevisionDto, 'One page of revisions, newest first')
  async revisions(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Query() query: PageQueryDto): Promise<Page<TriggerRevisionDto>> {
    const page = await this.triggers.revisions(customerId, id, query);
    return { ...page, items: page.items.map((v) => TriggerRevisionDto.from(v)) };
  }

  @Post(':triggerId/revisions/:number/restore')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Restore an earlier revision',
    description:
      'Makes an earlier revision the newest again, with the template version it went live with: a new revision that waits as the draft and goes ' +
      'live like any change (test, then activate). With `activate: true` it goes live in the same call when its configuration has passed a ' +
      'test before (a rollback), else 409. Returns the trigger.',
  })
  @ApiPathParams('triggerId', 'number')
  @ApiOkResponse({ type: TriggerDto, description: 'The trigger, with the restored settings as its newest revision' })
  @ApiConflict('With activate: the configuration has not passed a test (use force to override; it is recorded)')
  async restore(
    @Param('customerId') customerId: string,
    @Param('triggerId') id: string,
    @Param('number', ParseIntPipe) number: number,
    @Body() body: RestoreRevisionDto,
  ): Promise<TriggerDto> {
    return dto(await this.triggers.restore(customerId, id, number, body));
  }

  @Post(':triggerId/activate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Activate a trigger',
    description:
      'Starts delivery with the newest revision: a draft or paused trigger becomes active, and a live trigger with changes waiting (or a newer ' +
      'template version) sends with them from now on, the template version pinned. Activation needs a passed test-fire of the current ' +
      'configuration: without one the answer is 409, unless `force` is true (a forced activation and its `reason` are recorded in the ' +
      'audit log). Activating an active trigger without changes waiting changes nothing. Returns the trigger.',
  })
  @ApiPathParams('triggerId')
  @ApiOkResponse({ type: TriggerDto, description: 'The active trigger' })
  @ApiConflict('The current configuration has not passed a test-fire (use force to override; it is recorded)')
  async activate(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: ActivateTriggerDto): Promise<TriggerDto> {
    return dto(await this.triggers.activate(customerId, id, body));
  }

  @Post(':triggerId/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause a trigger',
    description:
      'Stops delivery: events that arrive while the trigger is paused are not sent, not even later, and a delivery waiting for a retry ' +
      'is skipped (error code TRIGGER_INACTIVE). Pausing a paused trigger changes nothing. Returns the trigger.',
  })
  @ApiPathParams('triggerId')
  @ApiOkResponse({ type: TriggerDto, description: 'The paused trigger' })
  async pause(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<TriggerDto> {
    return dto(await this.triggers.pause(customerId, id));
  }

  @Post(':triggerId/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: "Rotate a trigger's signing secret",
    description:
      'Makes a new signing secret and returns it, shown this once. For `graceSeconds` (default one day, at most seven) the old secret keeps ' +
      'signing too, and each postback carries both signatures, so the receiver can switch without refusing one; 0 retires the old secret at once. ' +
      '`previousSecretExpiresAt` says until when both sign; after it the old secret signs nothing, whatever the services have cached.',
  })
  @ApiPathParams('triggerId')
  @ApiOkResponse({ type: TriggerDto, description: 'The response carries the new signing secret' })
  async rotate(@Param('customerId') customerId: string, @Param('triggerId') id: string, @Body() body: RotateSecretDto): Promise<TriggerDto> {
    const rotated = await this.triggers.rotateSecret(customerId, id, body.graceSeconds ?? 86400);
    return dto(rotated, rotated.signingSecret);
  }

  @Get(':triggerId/secret')
  @RequireScope('admin')
  @ApiOperation({
    summary: "Reveal a trigger's signing secret",
    description:
      'Returns the current signing secret, for setting up a receiver. Needs an admin key although it only reads, and every read is recorded in the audit log.',
  })
  @ApiPathParams('triggerId')
  @ApiOkResponse({ type: SigningSecretDto, description: 'The current signing secret (the read is recorded in the audit log)' })
  async secret(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<SigningSecretDto> {
    return { signingSecret: await this.triggers.revealSecret(customerId, id) };
  }

  @Delete(':triggerId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a trigger',
    description:
      'Deletes the trigger: the router stops delivering to it at once. Its deliveries stay in the delivery log. Answers 204 with no body. ' +
      'Its template is kept.',
  })
  @ApiPathParams('triggerId')
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@Param('customerId') customerId: string, @Param('triggerId') id: string): Promise<void> {
    await this.triggers.delete(customerId, id);
  }
}
