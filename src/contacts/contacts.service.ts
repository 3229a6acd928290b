import { Quotas } from '@/billing/billing.contracts';
import type { OrganizationId } from '@/access/organization-id';
import type { TenantContext } from '@/access/principal';
import { roleAtLeast } from '@/access/roles';
import { Injectable } from '@nestjs/common';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Readable } from 'node:stream';
import { Readable as NodeReadable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { neutralizeFormula } from '@/common/csv/spreadsheet-safe';
import { type FieldError, ValidationFailed } from '@/common/errors/domain.exception';
import { isUniqueViolation } from '@/database/postgres-errors';
import { checkAttributes } from './attribute-values';
import {
  type ContactFilter,
  ContactFilterInvalid,
  type ContactSort,
  contactFilterSql,
  contactOrderSql,
  formatContactCursor,
  parseContactCursor,
  type SqlFragment,
} from './contact-filter';
import { type ContactRow, type ContactSettingsRow, type ContactWrite, ContactsRepository } from './contacts.repository';
import { ContactDuplicate, ContactEraseForbidden, ContactNotFound, invalidFields } from './contacts.exception';
import type {
  BulkContactsDto,
  BulkResultDto,
  ConsentDto,
  ContactDto,
  ContactPageDto,
  CreateContactDto,
  ErasureDto,
  RecordConsentDto,
  UpdateContactDto,
} from './dto/contact.dto';
import { consentChannels } from './entities/contact.entity';
import {
  describeFieldErrors,
  type FlowContactOutcome,
  type FlowContactUpdate,
  flowContactWrite,
} from './flow-contact-update';

export const toContactDto = (row: ContactRow): ContactDto => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  attributes: row.attributes,
  lifecycleStage: row.lifecycle_stage,
  leadScore: row.lead_score,
  blocked: row.blocked,
  source: row.source,
  tagIds: row.tag_ids,
  consents: row.consents,
  firstSeenAt: row.first_seen_at,
  lastSeenAt: row.last_seen_at,
  conversationCount: row.conversation_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** An email as given, trimmed, its domain lowercased (uniqueness is case-insensitive anyway). */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/** E.164, or undefined when it is not a valid number (read in `country` when it has no `+`). */
export function toE164(phone: string, country: string | null): string | undefined {
  const parsed = parsePhoneNumberFromString(phone, country ? { defaultCountry: country as CountryCode } : undefined);
  return parsed?.isValid() ? parsed.format('E.164') : undefined;
}

export interface Actor {
  readonly userId: string | null;
  readonly tenant: TenantContext;
}

/** Contacts: profiles, typed attributes, tags, consent, search and filters, bulk actions, merge, erasure, export. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly repo: ContactsRepository,
    private readonly quotas: Quotas,
  ) {}

  /** A filter's SQL over `c`, from `$1` (the organization); 400 naming the fields it gets wrong. */
  async filterSql(organizationId: OrganizationId, filter: ContactFilter): Promise<SqlFragment> {
    const types =
      filter.attributes && Object.keys(filter.attributes).length
        ? await this.repo.attributeTypes(organizationId)
        : new Map();
    try {
      return contactFilterSql(organizationId, filter, types);
    } catch (error) {
      if (error instanceof ContactFilterInvalid) throw invalidFields(error.errors);
      throw error;
    }
  }

  async list(
    organizationId: OrganizationId,
    filter: ContactFilter,
    page: { sort: ContactSort; cursor?: string; limit: number },
  ): Promise<ContactPageDto> {
    const cursor = page.cursor === undefined ? undefined : parseContactCursor(page.cursor);
    if (page.cursor !== undefined && !cursor) {
      throw new ValidationFailed([{ field: 'cursor', message: 'cursor must be a nextCursor of this list' }]);
    }
    const where = await this.filterSql(organizationId, filter);
    const order = contactOrderSql(page.sort, cursor, where.params.length + 1);
    const rows = await this.repo.list(where, order, page.limit + 1, where.params.length > 1);
    const more = rows.length > page.limit;
    const items = more ? rows.slice(0, page.limit) : rows;
    const last = items[items.length - 1];
    return {
      items: items.map(toContactDto),
      nextCursor: more && last ? formatContactCursor(last.cursor_micros, last.id) : null,
    };
  }

  async count(organizationId: OrganizationId, filter: ContactFilter): Promise<number> {
    return this.repo.count(await this.filterSql(organizationId, filter));
  }

  async get(organizationId: OrganizationId, id: string): Promise<ContactDto> {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw new ContactNotFound(id);
    return toContactDto(row);
  }

  async create(organizationId: OrganizationId, dto: CreateContactDto): Promise<ContactDto> {
    await this.quotas.assertAvailable(organizationId, 'contacts');
    const settings = await this.repo.settings(organizationId);
    const fields = await this.checked(organizationId, settings, dto);
    const tagIds = await this.checkedTags(organizationId, dto.tagIds);
    const id = await this.writing(organizationId, fields, () =>
      this.repo.transaction(async (em) => {
        const created = await this.repo.insert(em, organizationId, {
          name: fields.name ?? null,
          email: fields.email ?? null,
          phone: fields.phone ?? null,
          attributes: fields.attributes ?? {},
          lifecycleStage: fields.lifecycleStage ?? settings.defaultLifecycleStage,
          leadScore: fields.leadScore ?? 0,
          blocked: fields.blocked ?? false,
          source: fields.source ?? 'api',
        });
        if (tagIds) await this.repo.replaceTags(em, organizationId, created, tagIds);
        return created;
      }),
    );
    return this.get(organizationId, id);
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateContactDto): Promise<ContactDto> {
    const settings = await this.repo.settings(organizationId);
    const fields = await this.checked(organizationId, settings, dto);
    const tagIds = await this.checkedTags(organizationId, dto.tagIds);
    const found = await this.writing(organizationId, fields, () =>
      this.repo.transaction(async (em) => {
        const updated = await this.repo.update(em, organizationId, id, fields);
        if (updated && tagIds) await this.repo.replaceTags(em, organizationId, id, tagIds);
        return updated;
      }),
    );
    if (!found) throw new ContactNotFound(id);
    return this.get(organizationId, id);
  }

  /** Sets one attribute of a contact (a flow's `setContactAttribute`), checked against its definition. */
  async setAttribute(organizationId: OrganizationId, contactId: string, key: string, value: unknown): Promise<void> {
    const definitions = await this.repo.attributeTypes(organizationId);
    const { values, errors } = checkAttributes(definitions, { [key]: value });
    if (errors.length) throw invalidFields(errors);
    await this.repo.transaction((em) => this.repo.update(em, organizationId, contactId, { attributes: values }));
  }

  /** The contact's fields for a flow's variables (`contact.name`, `contact.attributes.plan`, …), or null. */
  async fieldsOf(organizationId: OrganizationId, contactId: string): Promise<ContactDto | null> {
    const row = await this.repo.find(organizationId, contactId);
    return row ? toContactDto(row) : null;
  }

  /**
   * A flow's `updateContact` block: sets the session's contact's fields, or, when the session has
   * none yet, matches the organization's contact by the email or phone given (filling only its
   * empty name, email and phone) or makes one, and links the session and its conversation to it.
   * Invalid values and conflicts are an outcome, never an exception: the flow logs them and goes on.
   */
  async updateFromFlow(
    organizationId: OrganizationId,
    update: FlowContactUpdate,
    attempt = 1,
  ): Promise<FlowContactOutcome & { contact?: ContactDto }> {
    const [settings, definitions] = await Promise.all([
      this.repo.settings(organizationId),
      this.repo.attributeTypes(organizationId),
    ]);
    const { write, errors } = flowContactWrite(update.fields, settings, definitions, {
      email: normalizeEmail,
      phone: toE164,
    });
    if (errors.length) return { ok: false, error: describeFieldErrors(errors) };
    try {
      return await this.repo.transaction(async (em) => {
        let contactId = update.contactId;
        let linked = false;
        if (contactId) {
          if (!(await this.repo.update(em, organizationId, contactId, write))) {
            return { ok: false as const, error: "the session's contact no longer exists" };
          }
        } else {
          if (!write.email && !write.phone) {
            return { ok: false as const, error: 'the session has no contact yet: set its email or phone' };
          }
          const found = await this.repo.matchForUpdate(em, organizationId, write.email ?? null, write.phone ?? null);
          if (found) {
            const fill: ContactWrite = { ...write };
            if (found.name) delete fill.name;
            if (found.email) delete fill.email;
            if (found.phone) delete fill.phone;
            await this.repo.update(em, organizationId, found.id, fill);
            contactId = found.id;
          } else {
            contactId = await this.repo.insert(em, organizationId, {
              name: write.name ?? null,
              email: write.email ?? null,
              phone: write.phone ?? null,
              attributes: write.attributes ?? {},
              lifecycleStage: write.lifecycleStage ?? settings.defaultLifecycleStage,
              leadScore: write.leadScore ?? 0,
              blocked: false,
              source: 'chat',
            });
          }
          await this.repo.linkSession(em, organizationId, update.sessionId, contactId);
          linked = true;
        }
        const row = await this.repo.find(organizationId, contactId, em);
        return { ok: true as const, contactId, linked, ...(row ? { contact: toContactDto(row) } : {}) };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another session made the same contact at the same moment: it exists now, match it.
      if (!update.contactId && attempt < 3) return this.updateFromFlow(organizationId, update, attempt + 1);
      return { ok: false, error: 'that email or phone belongs to another contact' };
    }
  }

  async recordConsent(
    organizationId: OrganizationId,
    contactId: string,
    recordedBy: string | null,
    dto: RecordConsentDto,
  ): Promise<ConsentDto> {
    const row = await this.repo.addConsent(organizationId, contactId, {
      channel: dto.channel,
      status: dto.status,
      source: dto.source,
      evidence: dto.evidence ?? null,
      ip: dto.ip ?? null,
      user_agent: dto.userAgent ?? null,
      recorded_at: dto.recordedAt ?? new Date(),
      recorded_by: recordedBy,
    });
    if (!row) throw new ContactNotFound(contactId);
    return toConsentDto(row);
  }

  async consents(organizationId: OrganizationId, contactId: string): Promise<ConsentDto[]> {
    await this.get(organizationId, contactId);
    return (await this.repo.consents(organizationId, contactId)).map(toConsentDto);
  }

  async bulk(actor: Actor, dto: BulkContactsDto): Promise<BulkResultDto> {
    const organizationId = actor.tenant.organizationId;
    if ((dto.filter === undefined) === (dto.ids === undefined)) {
      throw new ValidationFailed([{ field: 'filter', message: 'give either filter or ids' }]);
    }
    const where = await this.filterSql(organizationId, dto.ids ? { ids: dto.ids } : dto.filter!);
    switch (dto.action) {
      case 'tag':
      case 'untag': {
        const tagIds = (await this.checkedTags(organizationId, dto.tagIds)) ?? [];
        const result =
          dto.action === 'tag' ? await this.repo.bulkTag(where, tagIds) : await this.repo.bulkUntag(where, tagIds);
        return { action: dto.action, ...result };
      }
      case 'delete': {
        if (!roleAtLeast(actor.tenant.role, 'org_admin')) throw new ContactEraseForbidden();
        const erased = await this.repo.erase(where, actor.userId, dto.reason!);
        return { action: 'delete', matched: erased.length, affected: erased.length };
      }
    }
  }

  /** Erasure: the only delete. 404 for another organization's or a missing contact. */
  async erase(actor: Actor, contactId: string, reason: string | undefined): Promise<ErasureDto> {
    const organizationId = actor.tenant.organizationId;
    if (!reason?.trim()) {
      // Another organization's contact is not found, whatever the request lacks.
      await this.get(organizationId, contactId);
      throw new ValidationFailed([{ field: 'reason', message: 'reason is required (body or ?reason=)' }]);
    }
    const where = await this.filterSql(organizationId, { ids: [contactId] });
    const [row] = await this.repo.erase(where, actor.userId, reason.trim());
    if (!row) throw new ContactNotFound(contactId);
    return { id: row.id, contactId: row.contact_id, reason: row.reason, removed: row.removed, erasedAt: row.erased_at };
  }

  async merge(organizationId: OrganizationId, targetId: string, sourceId: string): Promise<ContactDto> {
    if (targetId === sourceId) {
      throw new ValidationFailed([{ field: 'sourceId', message: 'sourceId must be another contact' }]);
    }
    if (!(await this.repo.merge(organizationId, targetId, sourceId))) {
      const missing = (await this.repo.find(organizationId, targetId)) ? sourceId : targetId;
      throw new ContactNotFound(missing);
    }
    return this.get(organizationId, targetId);
  }

  /** The CSV of the matching contacts, streamed in keyset batches (attribute columns by definition key). */
  async exportCsv(organizationId: OrganizationId, filter: ContactFilter): Promise<Readable> {
    const where = await this.filterSql(organizationId, filter);
    const keys = [...(await this.repo.attributeTypes(organizationId)).keys()].sort();
    const columns = [
      'id',
      'name',
      'email',
      'phone',
      'lifecycle_stage',
      'lead_score',
      'blocked',
      'source',
      'tags',
      ...consentChannels.map((c) => `consent_${c}`),
      'first_seen_at',
      'last_seen_at',
      'conversation_count',
      'created_at',
      ...keys.map((k) => `attribute_${k}`),
    ];
    const rows = this.repo.stream(where);
    async function* records() {
      for await (const row of rows) {
        yield [
          row.id,
          row.name,
          row.email,
          row.phone,
          row.lifecycle_stage,
          row.lead_score,
          row.blocked,
          row.source,
          row.tag_names,
          ...consentChannels.map((c) => row.consents[c]?.status ?? ''),
          row.first_seen_at?.toISOString() ?? '',
          row.last_seen_at?.toISOString() ?? '',
          row.conversation_count,
          row.created_at.toISOString(),
          ...keys.map((k) => csvValue(row.attributes[k])),
        ];
      }
    }
    // Formulas are not run by spreadsheets: a cell starting with = + - @ is prefixed with '.
    const csv = stringify({ header: true, columns, cast: { string: neutralizeFormula, boolean: (b) => String(b) } });
    return NodeReadable.from(records()).pipe(csv);
  }

  private async checked(
    organizationId: OrganizationId,
    settings: ContactSettingsRow,
    dto: CreateContactDto,
  ): Promise<ContactWrite> {
    const errors: FieldError[] = [];
    const fields: ContactWrite = {};
    if (dto.name !== undefined) fields.name = dto.name === null ? null : dto.name.trim() || null;
    if (dto.email !== undefined) fields.email = dto.email === null ? null : normalizeEmail(dto.email);
    if (dto.phone !== undefined) {
      if (dto.phone === null) fields.phone = null;
      else {
        const e164 = toE164(dto.phone, settings.defaultCountry);
        if (e164) fields.phone = e164;
        else
          errors.push({
            field: 'phone',
            message: 'phone must be a valid phone number (E.164, or national in the default country)',
          });
      }
    }
    if (dto.lifecycleStage !== undefined) {
      if (settings.lifecycleStages.includes(dto.lifecycleStage)) fields.lifecycleStage = dto.lifecycleStage;
      else
        errors.push({
          field: 'lifecycleStage',
          message: `lifecycleStage must be one of ${settings.lifecycleStages.join(', ')}`,
        });
    }
    if (dto.leadScore !== undefined) fields.leadScore = dto.leadScore;
    if (dto.blocked !== undefined) fields.blocked = dto.blocked;
    if (dto.source !== undefined) fields.source = dto.source;
    if (dto.attributes !== undefined) {
      const checked = checkAttributes(await this.repo.attributeTypes(organizationId), dto.attributes);
      errors.push(...checked.errors);
      fields.attributes = checked.values;
    }
    if (errors.length) throw invalidFields(errors);
    return fields;
  }

  private async checkedTags(organizationId: OrganizationId, tagIds: readonly string[] | undefined) {
    if (tagIds === undefined) return undefined;
    const own = await this.repo.ownTags(organizationId, tagIds);
    const unknown = [...new Set(tagIds)].filter((id) => !own.includes(id));
    if (unknown.length) {
      throw new ValidationFailed([{ field: 'tagIds', message: `unknown tags: ${unknown.join(', ')}` }]);
    }
    return own;
  }

  /** Runs a write; a unique violation on email/phone becomes 409 naming the contact that holds it. */
  private async writing<T>(organizationId: OrganizationId, fields: ContactWrite, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const constraint =
        (error as { driverError?: { constraint?: string }; constraint?: string }).driverError?.constraint ??
        (error as { constraint?: string }).constraint;
      const field = constraint === 'uq_contacts_phone' ? 'phone' : 'email';
      const value = field === 'phone' ? fields.phone : fields.email;
      throw new ContactDuplicate(field, value ? await this.repo.holderOf(organizationId, field, value) : null);
    }
  }
}

const toConsentDto = (row: {
  id: string;
  channel: ConsentDto['channel'];
  status: ConsentDto['status'];
  source: string;
  evidence: string | null;
  ip: string | null;
  user_agent: string | null;
  recorded_at: Date;
  recorded_by: string | null;
}): ConsentDto => ({
  id: row.id,
  channel: row.channel,
  status: row.status,
  source: row.source,
  evidence: row.evidence,
  ip: row.ip,
  userAgent: row.user_agent,
  recordedAt: row.recorded_at,
  recordedBy: row.recorded_by,
});

const csvValue = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};
