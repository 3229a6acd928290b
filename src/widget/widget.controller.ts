import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import { BotNotAvailable } from '@/executions/executions.exception';
import { Public } from '@/access/access.decorators';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { DEMO_PAGE_CSP, demoPage, matchesEtag, type WidgetAsset } from './widget-asset';
import { WidgetNotBuilt } from './widget.exception';
import { RESPONSE_HEADERS, WIDGET_ASSET } from './widget.tokens';

/** Any site may load the script: a customer page does, cross-origin, with a plain script tag. */
const crossOrigin = { 'cross-origin-resource-policy': 'cross-origin' };

/** The embeddable web widget (widget/, bundled into dist/widget/widget.js) and its demo page. */
@ApiTags('widget')
@Controller()
export class WidgetController {
  constructor(
    @Inject(WIDGET_ASSET) private readonly asset: WidgetAsset | undefined,
    private readonly chatbots: PublishedChatbots,
  ) {}

  @Get('widget.js')
  @Public()
  @RouteConfig({ [RESPONSE_HEADERS]: crossOrigin })
  @ApiOperation({
    summary: 'The embeddable web widget',
    description:
      'Put `<script src="https://<host>/widget.js" data-bot="<publicId>" async></script>` on a page: a chat ' +
      'launcher and panel talking to the visitor chat API of this server (`data-api` overrides the API base). ' +
      'Cached 5 minutes; revalidate with If-None-Match (304).',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a cached copy' })
  @ApiOkResponse({
    description: 'The widget script',
    content: { 'application/javascript': { schema: { type: 'string' } } },
    headers: { ETag: { schema: { type: 'string' } }, 'Cache-Control': { schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 304, description: 'The cached copy (If-None-Match) is current' })
  @ApiProblems(503)
  script(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): FastifyReply {
    const asset = this.asset;
    if (!asset) throw new WidgetNotBuilt();
    void reply.headers({ etag: asset.etag, 'cache-control': 'public, max-age=300' });
    if (matchesEtag(ifNoneMatch, asset.etag)) return reply.code(304).send();
    return reply.type('application/javascript; charset=utf-8').send(asset.body);
  }

  @Get('widget/:publicId')
  @Public()
  @RouteConfig({
    [RESPONSE_HEADERS]: { 'content-security-policy': DEMO_PAGE_CSP },
  })
  @ApiOperation({
    summary: 'A demo page embedding the web widget for a bot',
    description: 'An HTML page with the widget opened; the bot must be published and allow this origin.',
  })
  @ApiParam({ name: 'publicId', description: 'The public id of a published bot' })
  @ApiOkResponse({ description: 'The demo page', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiProblems(404)
  async demo(@Param('publicId') publicId: string, @Res() reply: FastifyReply): Promise<FastifyReply> {
    // Only for a bot that answers: no page (and no page title echoing any id) for anything else.
    const bot = await this.chatbots.findByPublicIdCapability(publicId);
    if (!bot || bot.status !== 'published' || !bot.publishedVersion) throw new BotNotAvailable();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(demoPage(publicId));
  }
}
