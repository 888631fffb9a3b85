import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes';
import { ApiStandardErrors } from '../common/api-docs';
import { ApiKeyDto, CreateApiKeyDto, ListApiKeysQueryDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

/** API keys: admin only, reading included. */
@ApiTags('api keys')
@ApiStandardErrors()
@RequireScope('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: ApiKeyDto, description: 'The response carries the key, shown this once' })
  async create(@Body() body: CreateApiKeyDto): Promise<ApiKeyDto> {
    const { key, secret } = await this.keys.create(body.name, body.scopes);
    return ApiKeyDto.from(key, secret);
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyDto, isArray: true })
  async list(@Query() query: ListApiKeysQueryDto): Promise<ApiKeyDto[]> {
    return (await this.keys.list(query.includeRevoked ?? false)).map((k) => ApiKeyDto.from(k));
  }

  @Get(':keyId')
  @ApiOkResponse({ type: ApiKeyDto })
  async get(@Param('keyId') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.keys.get(id));
  }

  @Delete(':keyId')
  @ApiOkResponse({ type: ApiKeyDto, description: 'Revoked: the key stops working at once' })
  async revoke(@Param('keyId') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.keys.revoke(id));
  }
}
