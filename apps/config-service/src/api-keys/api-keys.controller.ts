import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/scopes';
import { ApiPathParams, ApiStandardErrors } from '../common/api-docs';
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
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'Creates an API key with the given scopes: `admin` may do everything, `read` may only read (GET, template previews, the Template Mapper). ' +
      'The response carries the key itself (`pb_…`), shown this once: only a digest of it is stored. Needs an admin key.',
  })
  @ApiCreatedResponse({ type: ApiKeyDto, description: 'The response carries the key, shown this once' })
  async create(@Body() body: CreateApiKeyDto): Promise<ApiKeyDto> {
    const { key, secret } = await this.keys.create(body.name, body.scopes);
    return ApiKeyDto.from(key, secret);
  }

  @Get()
  @ApiOperation({
    summary: 'List API keys',
    description:
      'Returns every API key, newest first, without the keys themselves; revoked keys only with `includeRevoked=true`. ' + 'Needs an admin key, even to read.',
  })
  @ApiOkResponse({ type: ApiKeyDto, isArray: true, description: 'The API keys, newest first' })
  async list(@Query() query: ListApiKeysQueryDto): Promise<ApiKeyDto[]> {
    return (await this.keys.list(query.includeRevoked ?? false)).map((k) => ApiKeyDto.from(k));
  }

  @Get(':keyId')
  @ApiOperation({ summary: 'Get an API key', description: 'Returns one API key, without the key itself. Needs an admin key, even to read.' })
  @ApiPathParams('keyId')
  @ApiOkResponse({ type: ApiKeyDto, description: 'The API key' })
  async get(@Param('keyId') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.keys.get(id));
  }

  @Delete(':keyId')
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'Revokes the key: requests with it are refused (401) from now on. The key stays listed, with `revokedAt`, for the record; ' +
      'revoking it again changes nothing. Returns the revoked key. Needs an admin key.',
  })
  @ApiPathParams('keyId')
  @ApiOkResponse({ type: ApiKeyDto, description: 'Revoked: the key stops working at once' })
  async revoke(@Param('keyId') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.keys.revoke(id));
  }
}
