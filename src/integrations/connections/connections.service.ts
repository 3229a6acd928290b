import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { newId } from '@/database/base.entity';
import { isUniqueViolation } from '@/database/postgres-errors';
import { type Page, toPage } from '@/common/pagination/keyset';
import { SecretsVault } from '../vault/secrets-vault';
import { type HttpAuthType, isHttpAuth, requestAuth, type RequestAuth } from './connection-auth';
import {
  type ConnectionCredentials,
  ConnectionSecrets,
  type ConnectionType,
  type ResolvedConnection,
} from './connection-secrets';
import { ConnectionTester } from './connection-tester';
import { checkSecrets, checkSettings, toCredentials } from './connection-types';
import { ConnectionNameTaken, ConnectionNotFound, InvalidConnectionCredentials } from './connections.exception';
import { ConnectionsRepository } from './connections.repository';
import {
  type ConnectionDto,
  type ConnectionTestResultDto,
  type CreateConnectionDto,
  toConnectionDto,
  type UpdateConnectionDto,
} from './dto/connection.dto';
import type { ConnectionEntity } from './entities/connection.entity';
import { OAuth2Tokens } from './oauth2-tokens';

/** The auth of a connection for one HTTP request, or why there is none. */
export type HttpAuthorization =
  { ok: true; type: HttpAuthType; auth: RequestAuth; name: string } | { ok: false; error: string };

/**
 * Named credentials of an organization: settings in the clear, secrets sealed by the vault (aad =
 * the connection's id) and only ever opened inside the process (`find`, tests, request auth).
 * Org admins write; every member reads (without secrets), because flow editors pick connections.
 */
@Injectable()
export class ConnectionsService extends ConnectionSecrets {
  private readonly logger = new Logger(ConnectionsService.name);

  constructor(
    private readonly repo: ConnectionsRepository,
    private readonly vault: SecretsVault,
    private readonly tester: ConnectionTester,
    private readonly tokens: OAuth2Tokens,
  ) {
    super();
  }

  async list(organizationId: OrganizationId, limit: number, cursor?: string, type?: ConnectionType) {
    const rows = await this.repo.listPage(organizationId, limit, cursor, type);
    return toPage(rows, limit, toConnectionDto) satisfies Page<ConnectionDto>;
  }

  async get(organizationId: OrganizationId, id: string): Promise<ConnectionDto> {
    return toConnectionDto(await this.row(organizationId, id));
  }

  async create(organizationId: OrganizationId, userId: string | null, dto: CreateConnectionDto) {
    const settings = checkSettings(dto.type, dto.settings);
    const secrets = checkSecrets(dto.type, dto.secrets);
    const errors = [...(settings.ok ? [] : settings.errors), ...(secrets.ok ? [] : secrets.errors)];
    if (!settings.ok || !secrets.ok) throw new InvalidConnectionCredentials(errors);
    if (await this.repo.findByName(organizationId, dto.name)) throw new ConnectionNameTaken(dto.name);
    const id = newId();
    try {
      const row = await this.repo.insert(organizationId, {
        id,
        name: dto.name,
        type: dto.type,
        settings: settings.value,
        secretsSealed: this.vault.seal(JSON.stringify(secrets.value), id),
        createdById: userId,
      });
      return toConnectionDto(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConnectionNameTaken(dto.name);
      throw error;
    }
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateConnectionDto): Promise<ConnectionDto> {
    const row = await this.row(organizationId, id);
    const settings = dto.settings === undefined ? undefined : checkSettings(row.type, dto.settings);
    const secrets = dto.secrets === undefined ? undefined : checkSecrets(row.type, dto.secrets);
    const errors = [
      ...(settings && !settings.ok ? settings.errors : []),
      ...(secrets && !secrets.ok ? secrets.errors : []),
    ];
    if (errors.length > 0) throw new InvalidConnectionCredentials(errors);
    if (dto.name !== undefined) {
      const other = await this.repo.findByName(organizationId, dto.name);
      if (other && other.id !== id) throw new ConnectionNameTaken(dto.name);
    }
    try {
      await this.repo.update(organizationId, id, {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(settings?.ok ? { settings: settings.value } : {}),
        ...(secrets?.ok ? { secretsSealed: this.vault.seal(JSON.stringify(secrets.value), id) } : {}),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConnectionNameTaken(dto.name ?? '');
      throw error;
    }
    return this.get(organizationId, id);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    if (!(await this.repo.delete(organizationId, id))) throw new ConnectionNotFound(id);
  }

  /** Tries the connection (`ConnectionTester`) and stores the outcome; 200 either way. */
  async test(organizationId: OrganizationId, id: string, url?: string): Promise<ConnectionTestResultDto> {
    const row = await this.row(organizationId, id);
    const outcome = await this.tester.test(this.resolve(row), row.secretsSealed, url);
    await this.repo.recordTest(organizationId, id, outcome, new Date());
    this.logger.log(`Connection ${id} (${row.type}) tested: ${outcome.ok ? 'ok' : 'error'}`);
    return outcome;
  }

  /** `ConnectionSecrets`: the organization's connection, decrypted, or null. */
  async find(organizationId: OrganizationId, connectionId: string): Promise<ResolvedConnection | null> {
    if (!isUuid(connectionId)) return null;
    const row = await this.repo.find(organizationId, connectionId);
    if (!row) return null;
    void this.repo.touch(organizationId, row.id).catch(() => undefined);
    return this.resolve(row);
  }

  /**
   * The auth an HTTP request of a flow applies for `connectionId` (api_key, bearer, basic, OAuth2
   * with its cached token; `refresh` fetches a new token after a 401).
   */
  async httpAuthorization(
    organizationId: OrganizationId,
    connectionId: string,
    refresh = false,
  ): Promise<HttpAuthorization> {
    const row = isUuid(connectionId) ? await this.repo.find(organizationId, connectionId) : null;
    if (!row) return { ok: false, error: `connection ${connectionId} is not a connection of this organization` };
    const connection = this.resolve(row);
    const c = connection.credentials;
    if (!isHttpAuth(c)) {
      return { ok: false, error: `connection "${row.name}" is of type ${row.type}, which cannot authenticate HTTP` };
    }
    void this.repo.touch(organizationId, row.id).catch(() => undefined);
    let accessToken: string | undefined;
    if (c.type === 'oauth2_client_credentials') {
      try {
        if (refresh) await this.tokens.forget(row.id, c, row.secretsSealed);
        accessToken = await this.tokens.token(row.id, c, row.secretsSealed, refresh);
      } catch (error) {
        return { ok: false, error: `connection "${row.name}": ${(error as Error).message}` };
      }
    }
    return { ok: true, type: c.type, auth: requestAuth(c, accessToken), name: row.name };
  }

  private async row(organizationId: OrganizationId, id: string): Promise<ConnectionEntity> {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw new ConnectionNotFound(id);
    return row;
  }

  private resolve(row: ConnectionEntity): ResolvedConnection {
    const secrets = JSON.parse(this.vault.open(row.secretsSealed, row.id)) as Record<string, string>;
    const credentials: ConnectionCredentials = toCredentials(row.type, row.settings, secrets);
    return { id: row.id, name: row.name, credentials };
  }
}

const isUuid = (value: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
