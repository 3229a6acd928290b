import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Ip, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '@/auth/auth.decorators';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { SessionNotFound } from '../executions.exception';
import { SessionTokens } from '../session-token';
import { SessionsService } from '../sessions.service';
import { VisitorAccess } from '../visitor-access';
import { VisitorRateLimit } from '../visitor-rate-limit';
import { TypebotBots } from './typebot-bots';
import {
  TypebotContinueChatRequestDto,
  TypebotContinueChatResponseDto,
  TypebotStartChatRequestDto,
  TypebotStartChatResponseDto,
  TypebotTextMessageDto,
} from './typebot-chat.dto';
import { parseContinueChatRequest, parseStartChatRequest } from './typebot-chat.request';
import { TypebotProblemFilter } from './typebot-problem.filter';
import { concatTurns, resumedTurn, toTypebotContinueResponse, toTypebotResponse } from './typebot-mapping';
import type { TypebotContinueChatResponse, TypebotStartChatResponse } from './typebot-types';

/**
 * Typebot's chat API over Parley's engine, so a site embedding Typebot's widget (`@typebot.io/js`,
 * `@typebot.io/react`) can set its `apiHost` to Parley. Public: the `sessionId` Typebot clients
 * send back is Parley's session token, the credential of the session. Limits and checks are the
 * native chat API's; errors also carry a `message` member, which Typebot's widget shows.
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
  ) {}

  @Post('typebots/:publicId/startChat')
  @HttpCode(200)
  @Public()
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
    return toTypebotResponse(
      turn,
      { sessionToken: this.tokens.sign(started.sessionId), typebot },
      { textBubbleContentFormat: request.textBubbleContentFormat },
    );
  }

  @Post('sessions/:sessionId/continueChat')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: "Answer the awaited input (Typebot's continueChat)",
    description:
      'The `sessionId` is the one startChat answered. With a `message`, it is the reply to the awaited input ' +
      '(a choice by its label); without one, the answer is the current state (what is awaited).',
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
    const options = { textBubbleContentFormat: request.textBubbleContentFormat };
    if (request.reply) {
      // Typebot clients send no message id: each call is a new message.
      const turn = await this.sessions.reply(sessionId, randomUUID(), request.reply);
      return toTypebotContinueResponse(turn, options);
    }
    const current = await this.sessions.resume(sessionId);
    // Typebot's widget reports an embed's awaited event without data as a continueChat with no message.
    if (current.status === 'active' && current.input?.type === 'embedEvent') {
      return toTypebotContinueResponse(await this.sessions.reply(sessionId, randomUUID(), { text: '' }), options);
    }
    return toTypebotContinueResponse(resumedTurn(current), options);
  }
}
