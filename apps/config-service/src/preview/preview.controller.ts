import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes';
import { ApiInvalidTemplate, ApiPathParams, ApiStandardErrors } from '../common/api-docs';
import { PreviewRequestDto, PreviewResultDto, TemplatePreviewRequestDto } from './preview.dto';
import { PreviewService } from './preview.service';

const DOES_NOT_RENDER = 'The template does not compile or render, or its output is not valid JSON: errors name the line; details.output holds the raw output';

/** Render preview: the live delivery's render, on a sample event or custom input. Reading, so read-only keys may use it. */
@ApiTags('templates')
@ApiStandardErrors()
@RequireScope('read')
@Controller('templates')
export class PreviewController {
  constructor(private readonly previews: PreviewService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview a template',
    description:
      'Renders a template exactly as live delivery would, and sends nothing: a saved template (`templateId`, optionally `version`), ' +
      'an unsaved `body`, or unsaved `mapping` rules (exactly one of the three), with the sample event of `eventType` or with your `input`. ' +
      'Returns the output byte for byte. 422 when the template does not compile or render, or JSON output is not valid JSON. Read-only keys may call it.',
  })
  @ApiOkResponse({ type: PreviewResultDto, description: 'The rendered output' })
  @ApiInvalidTemplate(DOES_NOT_RENDER)
  async preview(@Body() body: PreviewRequestDto): Promise<PreviewResultDto> {
    return this.previews.preview(body);
  }

  @Post(':templateId/preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview a saved template',
    description:
      'Renders the saved template (its newest version, or `version`) exactly as live delivery would, and sends nothing, with the sample ' +
      'event of `eventType` or with your `input`. Returns the output byte for byte. 422 when it does not render or JSON output is not valid JSON. ' +
      'Read-only keys may call it.',
  })
  @ApiPathParams('templateId')
  @ApiOkResponse({ type: PreviewResultDto, description: 'The rendered output' })
  @ApiInvalidTemplate(DOES_NOT_RENDER)
  async previewSaved(@Param('templateId') templateId: string, @Body() body: TemplatePreviewRequestDto): Promise<PreviewResultDto> {
    return this.previews.preview({ ...body, templateId });
  }
}
