import { Injectable } from '@nestjs/common';
import type { OrganizationId } from '@/access/organization-id';
import { ContactsRepository } from './contacts.repository';

/** How channel integrations (WhatsApp) match the people writing in to contacts, known by phone. */
@Injectable()
export class ChannelContacts {
  constructor(private readonly contacts: ContactsRepository) {}

  /** The organization's contact with this E.164 phone, made when there is none (its name filled when it had none). */
  upsertByPhone(organizationId: OrganizationId, phone: string, name: string | null): Promise<string> {
    return this.contacts.upsertByPhone(organizationId, phone, name);
  }
}
