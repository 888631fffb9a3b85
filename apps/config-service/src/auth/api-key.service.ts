import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ServiceConfig } from '../config/service-config';

export interface Principal {
  keyId: string;
  name: string;
  scopes: string[];
}

/** Checks presented API keys. Keys are compared as SHA-256 digests, in constant time. */
@Injectable()
export class ApiKeyService {
  private readonly bootstrapDigest: Buffer;

  constructor(config: ServiceConfig) {
    this.bootstrapDigest = digest(config.adminApiKey);
  }

  authenticate(presented: string): Principal | undefined {
    if (timingSafeEqual(digest(presented), this.bootstrapDigest)) return { keyId: 'bootstrap', name: 'bootstrap admin key', scopes: ['admin'] };
    return undefined;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
