import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { workerProviders } from '@/queue/queue.module';
import { ContactImportRunner } from './contact-import.runner';
import { ContactImportsController } from './contact-imports.controller';
import { ContactImportsRepository } from './contact-imports.repository';
import { ContactImportsService } from './contact-imports.service';
import { ContactImportEntity, ContactImportErrorEntity } from './entities/contact-import.entity';
import { ContactImportsProcessor } from './jobs/contact-imports.processor';

/**
 * Contacts CSV imports (docs/contacts-import.md): the upload and status API in API processes, the
 * import job (`imports` queue) in workers. Part of the contacts area: it writes `contacts`, `tags`
 * and `contact_tags` by table name in set-based SQL.
 */
@Module({})
export class ContactImportsModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ContactImportsModule,
      imports: [TypeOrmModule.forFeature([ContactImportEntity, ContactImportErrorEntity])],
      controllers: config.role.api ? [ContactImportsController] : [],
      providers: [
        ContactImportsRepository,
        ContactImportsService,
        ...workerProviders(config, [ContactImportRunner, ContactImportsProcessor]),
      ],
    };
  }
}
