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
import { ContactAttributesController, ContactSettingsController } from './contact-attributes.controller';
import { ContactAttributesRepository } from './contact-attributes.repository';
import { ContactAttributesService } from './contact-attributes.service';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';
import { SegmentsController } from './segments.controller';
import { SegmentsRepository } from './segments.repository';
import { SegmentsService } from './segments.service';
import { TagsController } from './tags.controller';
import { TagsRepository } from './tags.repository';
import { TagsService } from './tags.service';

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
 * The contacts' storage and rules without the API, for modules that read and write contacts as
 * part of their work (executions: a flow's `updateContact` block and `{{contact.*}}` values). Its
 * public face is `ContactsService`; the repository stays private to the contacts module.
 */
@Module({
  imports: [TypeOrmModule.forFeature(contactEntities)],
  providers: [ContactsRepository, ContactsService],
  exports: [ContactsService, ContactsRepository],
})
export class ContactsCoreModule {}

/**
 * Contacts: profiles with typed custom attributes, tags, consent history, search and filters,
 * segments, merge, erasure and export. Owns the `contacts` table; live chat links conversations to
 * contacts through its own small repository (raw SQL on the table by name).
 */
@Module({})
export class ContactsModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ContactsModule,
      imports: [TypeOrmModule.forFeature(contactEntities), ContactsCoreModule],
      controllers: config.role.api
        ? [
            ContactsController,
            TagsController,
            ContactAttributesController,
            ContactSettingsController,
            SegmentsController,
          ]
        : [],
      providers: [
        TagsRepository,
        TagsService,
        ContactAttributesRepository,
        ContactAttributesService,
        SegmentsRepository,
        SegmentsService,
      ],
      exports: [ContactsCoreModule, SegmentsService],
    };
  }
}
