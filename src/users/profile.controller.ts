import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUserId } from '@/access/access.decorators';
import { SetAvailabilityDto, UpdateProfileDto, UserDto } from './dto/profile.dto';
import { ProfileService } from './profile.service';

@ApiTags('profile')
@Controller('users/me')
export class ProfileController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Your profile' })
  @ApiOkResponse({ type: UserDto })
  get(@CurrentUserId() userId: string): Promise<UserDto> {
    return this.profile.get(userId);
  }

  @Patch()
  @Authenticated()
  @ApiOperation({ summary: 'Update your name, avatar, locale or time zone' })
  @ApiOkResponse({ type: UserDto })
  update(@CurrentUserId() userId: string, @Body() dto: UpdateProfileDto): Promise<UserDto> {
    return this.profile.update(userId, dto);
  }

  @Put('availability')
  @Authenticated()
  @ApiOperation({ summary: 'Set your live-chat availability (used for agent assignment)' })
  @ApiOkResponse({ type: UserDto })
  setAvailability(@CurrentUserId() userId: string, @Body() dto: SetAvailabilityDto): Promise<UserDto> {
    return this.profile.setAvailability(userId, dto.availability);
  }
}
