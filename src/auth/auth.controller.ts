import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { NoStore } from '@/common/http/no-store.decorator';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { Authenticated, CurrentPrincipal, Public } from '@/access/access.decorators';
import { AuthService } from './auth.service';
import {
  ChangePasswordDto,
  LoginDto,
  MeDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  RegisterDto,
  RegisteredDto,
  SessionDto,
  TokenPairDto,
} from './dto/auth.dto';
import {
  LoginThrottlerGuard,
  THROTTLE_BY_ACCOUNT,
  THROTTLE_BY_ACCOUNT_AND_IP,
  THROTTLE_BY_IP,
} from './login-throttler.guard';
import type { Principal } from '@/access/principal';
import type { ClientMeta } from './refresh-tokens.service';

const clientMeta = (request: FastifyRequest): ClientMeta => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
});

/** Only the IP counter applies (no account named in the body). */
const ipOnly = SkipThrottle({ [THROTTLE_BY_ACCOUNT]: true, [THROTTLE_BY_ACCOUNT_AND_IP]: true });
/** No sign-in counter applies (an authenticated call). */
const noThrottle = SkipThrottle({
  [THROTTLE_BY_ACCOUNT]: true,
  [THROTTLE_BY_ACCOUNT_AND_IP]: true,
  [THROTTLE_BY_IP]: true,
});

@ApiTags('auth')
@Controller('auth')
@UseGuards(LoginThrottlerGuard)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @NoStore()
  @Public()
  @ipOnly
  @ApiOperation({ summary: 'Create an account and a new organization (or join one with an invitation)' })
  @ApiCreatedResponse({ type: RegisteredDto })
  @ApiProblems(403, 404, 409, 410, 429)
  register(@Body() dto: RegisterDto, @Req() request: FastifyRequest): Promise<RegisteredDto> {
    return this.auth.register(dto, clientMeta(request));
  }

  @Post('login')
  @NoStore()
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Sign in with email and password; throttled per IP, per account and IP, and per account' })
  @ApiOkResponse({ type: SessionDto })
  @ApiProblems(401, 429)
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<SessionDto> {
    return this.auth.login(dto, clientMeta(request));
  }

  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @Public()
  @ipOnly
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair (rotation)',
    description: 'A refresh token works once. Presenting a used one ends the whole session (reuse detection).',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems(401, 429)
  refresh(@Body() dto: RefreshDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken, clientMeta(request));
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @noThrottle
  @ApiOperation({ summary: 'End this session: its refresh token stops working, its access tokens are refused' })
  @ApiNoContentResponse()
  logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.logout(principal);
  }

  @Get('me')
  @Authenticated()
  @noThrottle
  @ApiOperation({ summary: 'The signed-in user and their memberships with roles' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.auth.me(principal);
  }

  @Post('change-password')
  @HttpCode(204)
  @Authenticated()
  @ipOnly
  @ApiOperation({ summary: "Change your password; ends the user's other sessions" })
  @ApiNoContentResponse()
  @ApiProblems(429)
  changePassword(@CurrentPrincipal() principal: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(principal, dto.currentPassword, dto.newPassword);
  }

  @Post('password-reset/request')
  @NoStore()
  @HttpCode(202)
  @Public()
  // Few emails per account (and fewer per account and IP, so one stranger cannot use them all up).
  @Throttle({
    [THROTTLE_BY_ACCOUNT_AND_IP]: { limit: 3, ttl: 15 * 60_000 },
    [THROTTLE_BY_ACCOUNT]: { limit: 10, ttl: 15 * 60_000 },
  })
  @ApiOperation({
    summary: 'Email a password reset link',
    description: 'Answers 202 whether or not the account exists, so it cannot be used to discover accounts.',
  })
  @ApiAcceptedResponse({ description: 'If the account exists, a reset link is on its way' })
  @ApiProblems(429)
  requestPasswordReset(@Body() dto: PasswordResetRequestDto): Promise<void> {
    return this.auth.requestPasswordReset(dto.email);
  }

  @Post('password-reset/confirm')
  @NoStore()
  @HttpCode(204)
  @Public()
  @ipOnly
  @ApiOperation({ summary: 'Set a new password with the emailed token; ends every session of the user' })
  @ApiNoContentResponse()
  @ApiProblems(429)
  confirmPasswordReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    return this.auth.confirmPasswordReset(dto.token, dto.newPassword);
  }
}
