import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ChatbotsCoreModule } from '@/chatbots/chatbots.module';
import { loadWidgetAsset } from './widget-asset';
import { WidgetController } from './widget.controller';
import { RESPONSE_HEADERS, WIDGET_ASSET } from './widget.tokens';

/**
 * Serves the embeddable web widget at GET /widget.js and a demo page at GET /widget/{publicId}
 * (outside the /api/v1 prefix).
 */
@Module({
  imports: [ChatbotsCoreModule],
  controllers: [WidgetController],
  providers: [{ provide: WIDGET_ASSET, useFactory: () => loadWidgetAsset() }],
})
export class WidgetModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Added after the app's own onSend hook (createApp adds it before init), so it runs after it:
   * the widget's routes replace the headers they must (the script is loaded cross-origin; the demo
   * page has its own Content-Security-Policy).
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const config: unknown = request.routeOptions.config;
      const headers =
        typeof config === 'object' && config !== null
          ? (config as Record<string, unknown>)[RESPONSE_HEADERS]
          : undefined;
      if (typeof headers === 'object' && headers !== null) void reply.headers(headers);
      done(null, payload);
    });
  }
}
