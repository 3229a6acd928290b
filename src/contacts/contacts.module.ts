import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { ContactAttributeDefinitionEntity } from './entities/contact-attribute-definition.entity';
import { ContactConsentEntity } from './entities/contact-consent.entity';
import { ContactErasureEntity } from './entities/contact-erasure.entity';
import { ContactSettingsEntity } from './entities/contact-settings.entity';
import { ContactEntity } from './entities/contact.entity';
import { SegmentEntity } from './entities/segment.entity';
import { ContactTagEntity, TagEntity } from './entities/tag.entity';

export const contactEntities = [
  ContactEntity,
  ContactSettingsEntity,
  ContactAttributeDefinitionEntity,
  TagEntity,
  ContactTagEntity,
  ContactConsentEntity,
  SegmentEntity,
  ContactErasureEntity,
];

/**
 * Contacts: profiles with typed custom attributes, tags, consent history, search and filters,
 * segments, merge, erasure and export. Owns the `contacts` table; live chat links conversations to
 * contacts through its own small repository (raw SQL on the table by name).
 */
@Module({})
export class ContactsModule {
  static register(config: AppConfig): DynamicModule {
    void config;
    return {
      module: ContactsModule,
      imports: [TypeOrmModule.forFeature(contactEntities)],
      controllers: [],
      providers: [],
      exports: [],
    };
  }
}
