import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Ip, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '@/access/access.decorators';
import { WithProblemMessage } from '@/common/errors/problem-message';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { ConversationStore } from '@/chat/conversation-store.service';
import type { ChatTurn } from '../chat-view';
import { SessionEnded, SessionNotFound } from '../executions.exception';
import { SessionTokens } from '../session-token';
import { SessionsService } from '../sessions.service';
import { type SessionOwner, VisitorAccess } from '../visitor-access';
import { VisitorRateLimit } from '../visitor-rate-limit';
import { TypebotBots } from './typebot-bots';
import {
  TypebotClientLogsRequestDto,
  TypebotClientLogsResponseDto,
  TypebotContinueChatRequestDto,
  TypebotContinueChatResponseDto,
  TypebotStartChatRequestDto,
  TypebotStartChatResponseDto,
  TypebotTextMessageDto,
} from './typebot-chat.dto';
import { parseContinueChatRequest, parseStartChatRequest } from './typebot-chat.request';
import {
  MAX_CLIENT_LOGS_PER_REQUEST,
  MAX_CLIENT_LOGS_PER_SESSION,
  parseClientLogsRequest,
  TypebotClientLogs,
} from './typebot-client-logs';
import { typebotLiveChatTurn } from './typebot-live-chat';
import { TypebotProblemFilter } from './typebot-problem.filter';
import {
  concatTurns,
  progressBarEnabled,
  reaskedTurn,
  toTypebotContinueResponse,
  toTypebotResponse,
} from './typebot-mapping';
import type { TypebotContinueChatResponse, TypebotStartChatResponse } from './typebot-types';

/**
 * Typebot's chat API over Parley's engine, so a site embedding Typebot's widget (`@typebot.io/js`,
 * `@typebot.io/react`) can set its `apiHost` to Parley. Public: the `sessionId` Typebot clients
 * send back is Parley's session token, the credential of the session. Limits and checks are the
 * native chat API's; errors also carry a `message` member, which Typebot's widget shows, and an
 * unknown or ended session is a 404 "Session not found." (on which the widget starts over).
 */
@ApiTags('chat (Typebot-compatible)')
@ApiExtraModels(TypebotTextMessageDto)
@UseFilters(TypebotProblemFilter)
@Controller()
export class TypebotChatController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: SessionTokens,
    private readonly bots: TypebotBots,
    private readonly limits: VisitorRateLimit,
    private readonly access: VisitorAccess,
    private readonly clientLogs: TypebotClientLogs,
    private readonly store: ConversationStore,
  ) {}

  @Post('typebots/:publicId/startChat')
  @HttpCode(200)
  @Public()
  @WithProblemMessage()
  @ApiOperation({
    summary: "Start a conversation (Typebot's startChat)",
    description:
      'Starts a session with a published bot, as `POST /bots/{publicId}/sessions` does, and answers in the shape ' +
      "of Typebot's startChat. Unknown Typebot fields in the body are ignored.",
  })
  @ApiParam({ name: 'publicId', description: "The bot's public id" })
  @ApiBody({ type: TypebotStartChatRequestDto, required: false })
  @ApiOkResponse({ type: TypebotStartChatResponseDto })
  @ApiProblems(400, 403, 404, 409, 429)
  async startChat(
    @Param('publicId') publicId: string,
    @Body() body: unknown,
    @Headers('origin') origin: string | undefined,
    @Ip() ip: string,
  ): Promise<TypebotStartChatResponse> {
    await this.limits.start(ip, publicId);
    const request = parseStartChatRequest(body);
    const started = await this.sessions.start(publicId, {
      ...(request.variables ? { variables: request.variables } : {}),
      ...(origin ? { origin } : {}),
    });
    const typebot = await this.bots.info(publicId);
    // A flow that starts with an input can be answered at once (Typebot's `message` on startChat).
    const turn =
      request.reply && started.input
        ? concatTurns(started, await this.sessions.reply(started.sessionId, randomUUID(), request.reply))
        : started;
    const owner = turn.status === 'handoff' ? await this.access.owner(started.sessionId) : undefined;
    return toTypebotResponse(
      await this.withLiveChat(owner, turn),
      { sessionToken: this.tokens.sign(started.sessionId), typebot },
      { textBubbleContentFormat: request.textBubbleContentFormat, progressBar: progressBarEnabled(typebot.theme) },
    );
  }

  @Post('sessions/:sessionId/continueChat')
  @HttpCode(200)
  @Public()
  @WithProblemMessage()
  @ApiOperation({
    summary: "Answer the awaited input (Typebot's continueChat)",
    description:
      'The `sessionId` is the one startChat answered. With a `message`, it is the reply to the awaited input ' +
      '(a choice by its label); without one, the awaited input is asked again after its retry message, as ' +
      'Typebot does. A session that is over or unknown answers 404 "Session not found.".',
  })
  @ApiParam({ name: 'sessionId', description: 'The sessionId from startChat' })
  @ApiBody({ type: TypebotContinueChatRequestDto, required: false })
  @ApiOkResponse({ type: TypebotContinueChatResponseDto })
  @ApiProblems(400, 403, 404, 409, 429)
  async continueChat(
    @Param('sessionId') sessionToken: string,
    @Body() body: unknown,
    @Headers('origin') origin: string | undefined,
    @Ip() ip: string,
  ): Promise<TypebotContinueChatResponse> {
    const sessionId = this.tokens.verify(sessionToken);
    if (!sessionId) throw new SessionNotFound();
    await this.limits.message(ip, sessionId);
    await this.access.check(sessionId, origin);
    const request = parseContinueChatRequest(body);
    const owner = await this.access.owner(sessionId);
    const options = {
      textBubbleContentFormat: request.textBubbleContentFormat,
      progressBar: owner ? await this.bots.progressBar(owner.organizationId, owner.chatbotId) : false,
    };
    if (request.reply) {
      // Typebot clients send no message id: each call is a new message.
      const turn = await this.sessions.reply(sessionId, randomUUID(), request.reply);
      return toTypebotContinueResponse(await this.withLiveChat(owner, turn), options);
    }
    const current = await this.sessions.resume(sessionId);
    // While a human owns the conversation, a continueChat without a message asks what agents wrote.
    if (current.status === 'handoff') {
      const turn: ChatTurn = {
        sessionId,
        status: 'handoff',
        messages: [],
        input: null,
        actions: [],
        progress: current.progress,
      };
      return toTypebotContinueResponse(await this.withLiveChat(owner, turn), options);
    }
    // Typebot's widget reports an embed's awaited event without data as a continueChat with no message.
    if (current.status === 'active' && current.input?.type === 'embedEvent') {
      return toTypebotContinueResponse(await this.sessions.reply(sessionId, randomUUID(), { text: '' }), options);
    }
    if (current.status !== 'active') throw new SessionEnded(current.status);
    return toTypebotContinueResponse(reaskedTurn(current), options);
  }

  /** A handed-off turn as Typebot clients see it: agents' unseen messages and a text input (see typebot-live-chat). */
  private async withLiveChat(owner: SessionOwner | undefined, turn: ChatTurn): Promise<ChatTurn> {
    if (turn.status !== 'handoff' || !owner) return turn;
    return typebotLiveChatTurn(turn, await this.store.takeUnseenByVisitor(owner.organizationId, turn.sessionId));
  }

  @Post(['sessions/:sessionId/clientLogs', 'api/v2/sessions/:sessionId/clientLogs'])
  @HttpCode(200)
  @Public()
  @WithProblemMessage()
  @ApiOperation({
    summary: "Report what failed in the client (Typebot's clientLogs)",
    description:
      "Typebot's widget reports errors on its side of a turn here (`POST {apiHost}/api/v2/sessions/{sessionId}" +
      "/clientLogs`; also served under /api/v1). The logs join the session's execution log as `client:log` " +
      `steps, after the turn they follow. At most ${MAX_CLIENT_LOGS_PER_REQUEST} logs per request and ` +
      `${MAX_CLIENT_LOGS_PER_SESSION} per session (more are dropped); rate-limited as messages are.`,
  })
  @ApiParam({ name: 'sessionId', description: 'The sessionId from startChat' })
  @ApiBody({ type: TypebotClientLogsRequestDto })
  @ApiOkResponse({ type: TypebotClientLogsResponseDto })
  @ApiProblems(400, 403, 404, 429)
  async saveClientLogs(
    @Param('sessionId') sessionToken: string,
    @Body() body: unknown,
    @Headers('origin') origin: string | undefined,
    @Ip() ip: string,
  ): Promise<TypebotClientLogsResponseDto> {
    const sessionId = this.tokens.verify(sessionToken);
    if (!sessionId) throw new SessionNotFound();
    await this.limits.message(ip, sessionId);
    await this.access.check(sessionId, origin);
    await this.clientLogs.append(sessionId, parseClientLogsRequest(body));
    return { message: 'Logs successfully saved.' };
  }
}
