import { SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPE = 'postback:required-scope';

/**
 * Scope a route needs. Without it: GET, HEAD and OPTIONS need `read` (an admin key has it too),
 * everything else needs `admin`.
 */
export const RequireScope = (scope: 'admin' | 'read') => SetMetadata(REQUIRED_SCOPE, scope);
