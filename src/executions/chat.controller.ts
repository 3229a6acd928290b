import { Body, Controller, Get, Headers, HttpCode, Ip, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@/access/access.decorators';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import type { ChatTurn } from './chat-view';
import {
  ChatTurnDto,
  HistoryQueryDto,
  MessageViewDto,
  SendMessageDto,
  SessionViewDto,
  StartedSessionDto,
  StartSessionDto,
} from './dto/chat.dto';
import { SessionNotFound } from './executions.exception';
import { SessionTokens } from './session-token';
import { SessionsService } from './sessions.service';
import { VisitorAccess } from './visitor-access';
import { VisitorRateLimit } from './visitor-rate-limit';

const sessionTokenHeader = ApiHeader({
  name: 'Authorization',
  required: true,
  description: 'Bearer <sessionToken> from the start answer (or send it as X-Session-Token)',
});

/** The token of the request, which must be for the session in the path. */
export function sessionTokenOf(authorization: string | undefined, header: string | undefined): string | undefined {
  if (header) return header;
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1];
}

/**
 * The visitor-facing chat API (public: the session token is the credential). Rate limited per
 * client IP, bot and session; a session's requests are refused once its organization is suspended
 * or when they come from an Origin the bot does not allow.
 */
@ApiTags('chat')
@Controller()
export class ChatController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: SessionTokens,
    private readonly limits: VisitorRateLimit,
    private readonly access: VisitorAccess,
  ) {}

  /** The token is for this session, the client is within its limits, the bot still answers it here. */
  private async admit(
    sessionId: string,
    ip: string,
    origin: string | undefined,
    authorization?: string,
    header?: string,
  ): Promise<void> {
    if (this.tokens.verify(sessionTokenOf(authorization, header)) !== sessionId) throw new SessionNotFound();
    await this.limits.message(ip, sessionId);
    await this.access.check(sessionId, origin);
  }

  @Post('bots/:publicId/sessions')
  @Public()
  @ApiOperation({
    summary: 'Start a conversation with a published bot',
    description:
      'Checks the bot is published and the Origin is allowed. Answers the first messages and what is awaited. ' +
      'Rate limited per client IP and per bot (429 with Retry-After).',
  })
  @ApiCreatedResponse({ type: StartedSessionDto })
  @ApiProblems(400, 403, 404, 429)
  async start(
    @Param('publicId') publicId: string,
    @Body() dto: StartSessionDto,
    @Headers('origin') origin: string | undefined,
    @Ip() ip: string,
  ): Promise<ChatTurn & { sessionToken: string }> {
    await this.limits.start(ip, publicId);
    const turn = await this.sessions.start(publicId, { variables: dto.variables, origin });
    return { ...turn, sessionToken: this.tokens.sign(turn.sessionId) };
  }

  @Post('sessions/:id/messages')
  @HttpCode(200)
  @Public()
  @sessionTokenHeader
  @ApiOperation({
    summary: 'Answer the awaited input',
    description:
      'Idempotent per clientMessageId for the whole session: a retry gets the first answer and the flow advances ' +
      'once. Concurrent messages of one session are applied one after the other, in arrival order (429 session.busy ' +
      'past SESSION_TURN_QUEUE_LIMIT waiting ones). Rate limited per client IP and per session.',
  })
  @ApiOkResponse({ type: ChatTurnDto })
  @ApiProblems(400, 403, 404, 409, 429)
  async send(
    @UuidParam('id') id: string,
    @Body() dto: SendMessageDto,
    @Ip() ip: string,
    @Headers('origin') origin: string | undefined,
    @Headers('authorization') authorization?: string,
    @Headers('x-session-token') token?: string,
  ): Promise<ChatTurn> {
    await this.admit(id, ip, origin, authorization, token);
    return this.sessions.reply(
      id,
      dto.clientMessageId,
      {
        ...(dto.text !== undefined ? { text: dto.text } : {}),
        ...(dto.value !== undefined ? { value: dto.value } : {}),
        ...(dto.fileUrls ? { fileUrls: dto.fileUrls } : {}),
      },
      dto.command,
    );
  }

  @Get('sessions/:id')
  @Public()
  @sessionTokenHeader
  @ApiOperation({ summary: 'Resume: what is awaited and the transcript so far (404 session.expired when expired)' })
  @ApiOkResponse({ type: SessionViewDto })
  @ApiProblems(403, 404, 429)
  async resume(
    @UuidParam('id') id: string,
    @Ip() ip: string,
    @Headers('origin') origin: string | undefined,
    @Headers('authorization') authorization?: string,
    @Headers('x-session-token') token?: string,
  ) {
    await this.admit(id, ip, origin, authorization, token);
    return this.sessions.resume(id);
  }

  @Get('sessions/:id/messages')
  @Public()
  @sessionTokenHeader
  @ApiOperation({
    summary: 'What the visitor missed: messages after `after` (bot, visitor, agents, activity; never private notes)',
    description:
      'For clients without the socket (or reconnecting): poll with the id of the last message you have. ' +
      'Oldest first, at most `limit`.',
  })
  @ApiOkResponse({ type: [MessageViewDto] })
  @ApiProblems(400, 403, 404, 429)
  async history(
    @UuidParam('id') id: string,
    @Query() query: HistoryQueryDto,
    @Ip() ip: string,
    @Headers('origin') origin: string | undefined,
    @Headers('authorization') authorization?: string,
    @Headers('x-session-token') token?: string,
  ) {
    await this.admit(id, ip, origin, authorization, token);
    return this.sessions.visitorHistory(id, query.after, query.limit);
  }
}
