import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DataSource } from 'typeorm';
import { newId } from '@/database/base.entity';
import { isUniqueViolation } from '@/database/postgres-errors';

export interface ContactFields {
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly attributes: Record<string, unknown>;
}

/** A phone number in E.164 when it reads as one (else as typed, without spaces). */
export function normalizePhone(phone: string | null): string | null {
  if (!phone) return null;
  const parsed = parsePhoneNumberFromString(phone);
  return parsed?.isValid() ? parsed.format('E.164') : phone.replace(/\s+/g, '').slice(0, 32) || null;
}

/**
 * The conversation's contact from what a visitor told the bot: the organization's contact with that
 * email (case-insensitive) or phone when there is one (its empty fields filled, attributes merged),
 * else a new one. One contact per email and per phone is the database's rule (`uq_contacts_*`). The
 * contacts module owns the table; live chat keeps this one write (raw SQL on the table by name).
 */
@Injectable()
export class ContactsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async linkToConversation(
    organizationId: OrganizationId,
    conversationId: string,
    fields: ContactFields,
    attempt = 1,
  ): Promise<string> {
    const email = fields.email?.toLowerCase() ?? null;
    const phone = normalizePhone(fields.phone);
    try {
      return await this.dataSource.transaction(async (em) => {
        const [found] = await em.query<{ id: string }[]>(
          `SELECT id FROM contacts
            WHERE organization_id = $1 AND ((lower(email) = $2) OR (phone = $3))
            ORDER BY (lower(email) = $2) DESC NULLS LAST LIMIT 1 FOR UPDATE`,
          [organizationId, email, phone],
        );
        let id = found?.id;
        if (id) {
          await em.query(
            `UPDATE contacts SET name = COALESCE(name, $3), attributes = attributes || $4::jsonb, updated_at = now(),
                    first_seen_at = COALESCE(first_seen_at, now()), last_seen_at = now(),
                    email = CASE WHEN email IS NULL AND NOT EXISTS (
                              SELECT 1 FROM contacts o WHERE o.organization_id = $1 AND lower(o.email) = $5) THEN $5 ELSE email END,
                    phone = CASE WHEN phone IS NULL AND NOT EXISTS (
                              SELECT 1 FROM contacts o WHERE o.organization_id = $1 AND o.phone = $6) THEN $6 ELSE phone END
              WHERE id = $2 AND organization_id = $1`,
            [organizationId, id, fields.name, JSON.stringify(fields.attributes), email, phone],
          );
        } else {
          id = newId();
          await em.query(
            `INSERT INTO contacts (id, organization_id, name, email, phone, attributes, source, first_seen_at, last_seen_at,
                                   created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'chat', now(), now(), now(), now())`,
            [id, organizationId, fields.name, email, phone, JSON.stringify(fields.attributes)],
          );
        }
        await em.query('UPDATE conversations SET contact_id = $3 WHERE id = $2 AND organization_id = $1', [
          organizationId,
          conversationId,
          id,
        ]);
        // The bot session of the conversation knows its contact too (`chat_sessions.contact_id`).
        await em.query(
          `UPDATE chat_sessions SET contact_id = $3
            WHERE organization_id = $1 AND id = (SELECT session_id FROM conversations WHERE id = $2 AND organization_id = $1)`,
          [organizationId, conversationId, id],
        );
        return id;
      });
    } catch (error) {
      // Another conversation made the same contact at the same moment: it exists now, match it.
      if (isUniqueViolation(error) && attempt < 3) {
        return this.linkToConversation(organizationId, conversationId, fields, attempt + 1);
      }
      throw error;
    }
  }
}
