import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes';
import { ApiErrorDto, ApiStandardErrors } from '../common/api-docs';
import { PreviewRequestDto, PreviewResultDto, TemplatePreviewRequestDto } from './preview.dto';
import { PreviewService } from './preview.service';

/** Render preview: the live delivery's render, on a sample event or custom input. Reading, so read-only keys may use it. */
@ApiTags('templates')
@ApiStandardErrors()
@RequireScope('read')
@Controller('templates')
export class PreviewController {
  constructor(private readonly previews: PreviewService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOkResponse({ type: PreviewResultDto })
  @ApiUnprocessableEntityResponse({
    type: ApiErrorDto,
    description: 'The template does not compile or render, or its output is not valid JSON: errors name the line; details.output holds the raw output',
  })
  async preview(@Body() body: PreviewRequestDto): Promise<PreviewResultDto> {
    return this.previews.preview(body);
  }

  @Post(':templateId/preview')
  @HttpCode(200)
  @ApiOkResponse({ type: PreviewResultDto })
  @ApiUnprocessableEntityResponse({ type: ApiErrorDto })
  async previewSaved(@Param('templateId') templateId: string, @Body() body: TemplatePreviewRequestDto): Promise<PreviewResultDto> {
    return this.previews.preview({ ...body, templateId });
  }
}
