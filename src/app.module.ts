import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { AuthModule } from '@/auth/auth.module';
import { BillingModule } from '@/billing/billing.module';
import { BillingCostsModule } from '@/billing/costs/billing-costs.module';
import { ChatModule } from '@/chat/chat.module';
import { ChatGatewayModule } from '@/chat/gateway/chat-gateway.module';
import { ChatbotsModule } from '@/chatbots/chatbots.module';
import { ContactsModule } from '@/contacts/contacts.module';
import { ContactImportsModule } from '@/contacts/imports/contact-imports.module';
import { ExecutionsModule } from '@/executions/executions.module';
import { type AppConfig, ConfigModule } from '@/config';
import { CommonModule } from '@/common/common.module';
import { EventsModule } from '@/events/events.module';
import { DatabaseModule } from '@/database/database.module';
import { HealthModule } from '@/health/health.module';
import { OpenAiModule } from '@/integrations/openai/openai.module';
import { ConnectionsModule } from '@/integrations/connections/connections.module';
import { MailModule } from '@/integrations/mail/mail.module';
import { VaultModule } from '@/integrations/vault/vault.module';
import { WebhooksModule } from '@/integrations/webhooks/webhooks.module';
import { WhatsAppModule } from '@/integrations/whatsapp/whatsapp.module';
import { LoggingModule } from '@/logging/logging.module';
import { MetricsModule } from '@/metrics/metrics.module';
import { NotificationsModule } from '@/notifications/notifications.module';
import { QueueModule } from '@/queue/queue.module';
import { RedisModule } from '@/redis/redis.module';
import { StorageModule } from '@/storage/storage.module';
import { UsersModule } from '@/users/users.module';
import { WidgetModule } from '@/widget/widget.module';

/**
 * The root module. Built from the resolved configuration because what a process runs depends on
 * it: API controllers only with `APP_ROLE` api/all, queue processors only with worker/all.
 * Health and metrics are served by every process so orchestrators can probe workers too.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extraModules: readonly Type[] = []): DynamicModule {
    // Built once: the live-chat modules import these very instances (modules are keyed by reference).
    const auth = AuthModule.register(config);
    const executions = ExecutionsModule.register(config);
    const chat = ChatModule.register(config, executions);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        CommonModule,
        DatabaseModule,
        RedisModule,
        QueueModule.forRoot(config),
        EventsModule.forRoot(config),
        StorageModule.forRoot(config),
        OpenAiModule,
        BillingCostsModule.register(config),
        VaultModule.forRoot(config),
        ConnectionsModule.register(config),
        MailModule.forRoot(config),
        HealthModule,
        MetricsModule,
        BillingModule.register(config),
        UsersModule.register(config),
        auth,
        ChatbotsModule.register(config),
        executions,
        chat,
        ContactsModule.register(config),
        ContactImportsModule.register(config),
        ...(config.role.api ? [ChatGatewayModule.register({ auth, executions, chat })] : []),
        WidgetModule,
        WebhooksModule.register(config),
        WhatsAppModule.register(config, executions),
        NotificationsModule.register(config),
        ...extraModules,
      ],
    };
  }
}
