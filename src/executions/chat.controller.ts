import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@/auth/auth.decorators';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import type { ChatTurn } from './chat-view';
import { ChatTurnDto, SendMessageDto, SessionViewDto, StartedSessionDto, StartSessionDto } from './dto/chat.dto';
import { SessionNotFound } from './executions.exception';
import { SessionTokens } from './session-token';
import { SessionsService } from './sessions.service';

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

/** The visitor-facing chat API (public: the session token is the credential). */
@ApiTags('chat')
@Controller()
export class ChatController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: SessionTokens,
  ) {}

  private check(sessionId: string, authorization?: string, header?: string): void {
    if (this.tokens.verify(sessionTokenOf(authorization, header)) !== sessionId) throw new SessionNotFound();
  }

  @Post('bots/:publicId/sessions')
  @Public()
  @ApiOperation({
    summary: 'Start a conversation with a published bot',
    description:
      'Checks the bot is published and the Origin is allowed. Answers the first messages and what is awaited.',
  })
  @ApiCreatedResponse({ type: StartedSessionDto })
  @ApiProblems(403, 404)
  async start(
    @Param('publicId') publicId: string,
    @Body() dto: StartSessionDto,
    @Headers('origin') origin: string | undefined,
  ): Promise<ChatTurn & { sessionToken: string }> {
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
      'once. Concurrent messages of one session are applied one after the other, in arrival order; past ' +
      'SESSION_TURN_QUEUE_LIMIT waiting messages, 429 session.busy (Retry-After).',
  })
  @ApiOkResponse({ type: ChatTurnDto })
  @ApiProblems(404, 409, 429)
  async send(
    @UuidParam('id') id: string,
    @Body() dto: SendMessageDto,
    @Headers('authorization') authorization?: string,
    @Headers('x-session-token') token?: string,
  ): Promise<ChatTurn> {
    this.check(id, authorization, token);
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
  @ApiProblems(404)
  resume(
    @UuidParam('id') id: string,
    @Headers('authorization') authorization?: string,
    @Headers('x-session-token') token?: string,
  ) {
    this.check(id, authorization, token);
    return this.sessions.resume(id);
  }
}
