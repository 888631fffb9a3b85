import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../common/api-docs';
import { PlatformStatusDto } from './platform-status.dto';
import { PlatformStatusService } from './platform-status.service';

@ApiTags('overview')
@ApiStandardErrors()
@Controller('platform')
export class PlatformController {
  constructor(private readonly platform: PlatformStatusService) {}

  @Get('status')
  @ApiOperation({
    summary: 'Show the platform health',
    description:
      "Each service's readiness (the config service's own checks; the router's and the delivery service's /health/ready at PLATFORM_SERVICE_URLS) " +
      'and each consumer group with its state, members and lag per topic. Lag on a retry topic includes retries that are not due yet.',
  })
  @ApiOkResponse({ type: PlatformStatusDto })
  status(): Promise<PlatformStatusDto> {
    return this.platform.status();
  }
}
