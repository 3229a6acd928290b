import { Body, Controller, Header, HttpCode, Inject, Optional, Post } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { Public } from '@/access/access.decorators';
import { KeycloakTokenVerifier } from './keycloak';
import { SsoDisabled } from './keycloak/keycloak.exception';
import { KeycloakProvisioning } from './keycloak-provisioning.service';
import { SessionDenylist } from './session-denylist.service';

/** How long a Keycloak session stays denied after a back-channel logout. */
const KEYCLOAK_DENY_SECONDS = 24 * 3600;

export class BackchannelLogoutDto {
  @ApiProperty({ description: 'The logout token (a JWT signed by Keycloak)' })
  @IsString()
  @Length(10, 16_384)
  logout_token!: string;
}

@ApiTags('auth')
@Controller('auth/keycloak')
export class KeycloakController {
  constructor(
    private readonly denylist: SessionDenylist,
    private readonly provisioning: KeycloakProvisioning,
    @Optional() @Inject(KeycloakTokenVerifier) private readonly keycloak: KeycloakTokenVerifier | null,
  ) {}

  @Post('backchannel-logout')
  @HttpCode(200)
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'OpenID Connect back-channel logout (called by Keycloak)',
    description:
      'Configure it as the client\'s "Backchannel logout URL". The session (`sid`) named by the logout ' +
      'token is refused from then on; a token naming only the user (`sub`) ends all their earlier tokens.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'Logged out' })
  @ApiProblems(404, 503)
  async backchannelLogout(@Body() dto: BackchannelLogoutDto): Promise<void> {
    if (!this.keycloak) {
      throw new SsoDisabled();
    }
    const claims = await this.keycloak.verifyLogoutToken(dto.logout_token);
    if (claims.sid) {
      await this.denylist.deny(claims.sid, KEYCLOAK_DENY_SECONDS);
      return;
    }
    const userId = claims.sub ? await this.provisioning.linkedUserId(this.keycloak.issuer, claims.sub) : undefined;
    if (userId) await this.denylist.denyUserTokensBefore(userId, KEYCLOAK_DENY_SECONDS);
  }
}
