import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiStandardErrors } from '../common/api-docs';
import { RequestContext } from '../common/request-context';
import { RequireScope } from './scopes';

export class MeDto {
  @ApiProperty({ example: 'key_4f8k2m9x1c4v7b6n5q0z', description: 'The key\'s id, or "bootstrap" for the admin key from configuration' }) keyId!: string;
  @ApiProperty({ example: 'Support desk (read-only)' }) name!: string;
  @ApiProperty({ example: ['read'], description: 'admin: everything; read: reading, previews and the mapper' }) scopes!: string[];
  @ApiProperty({ example: false, description: 'Whether this key may change anything (an admin key)' }) canWrite!: boolean;
}

/** Who the presented key is: the console reads it after sign-in to know what it may offer. */
@ApiTags('session')
@ApiStandardErrors()
@RequireScope('read')
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({
    summary: 'Identify the API key',
    description: 'Returns the name and scopes of the key that made the request. Any valid key may call it; an unknown or revoked key gets 401.',
  })
  @ApiOkResponse({ type: MeDto })
  me(): MeDto {
    const actor = RequestContext.actor();
    return { keyId: actor.keyId, name: actor.name, scopes: actor.scopes, canWrite: actor.scopes.includes('admin') };
  }
}
