import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy as CustomStrategy } from 'passport-custom';
import { DomainException } from '@/common/errors/domain.exception';
import { ApiKeysService } from '../api-keys.service';
import { Unauthenticated } from '../auth.exception';
import { credentialsOf } from '../credentials';
import type { Principal } from '@/access/principal';
import { detachedPassport, STRATEGY } from './strategy-names';

/**
 * `api-key`: an organization's API key, from `X-Api-Key` or `Authorization: Bearer pk_…`. The key
 * is looked up by its visible prefix and compared by hash in constant time (`ApiKeysService`).
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CustomStrategy, STRATEGY.apiKey) {
  constructor(private readonly apiKeys: ApiKeysService) {
    super();
  }

  /** See `detachedPassport`: never the process-wide Passport instance. */
  getPassportInstance() {
    return detachedPassport;
  }

  async validate(request: FastifyRequest): Promise<Principal> {
    const credentials = credentialsOf(request);
    if (credentials?.kind !== 'api_key') throw new Unauthenticated('auth.invalid_api_key', 'The API key is not valid.');
    return this.apiKeys.authenticate(credentials.value);
  }

  /** `validate` throws its coded errors, so a bare failure cannot happen; answer 401 if it does. */
  failure(info: unknown): DomainException {
    return info instanceof DomainException
      ? info
      : new Unauthenticated('auth.invalid_api_key', 'The API key is not valid.');
  }
}
