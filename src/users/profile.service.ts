import { Injectable } from '@nestjs/common';
import type { Availability } from './entities/user.entity';
import { type UserDto, toUserDto, type UpdateProfileDto } from './dto/profile.dto';
import { UsersRepository } from './users.repository';
import { ResourceNotFound } from '@/common/errors/domain.exception';

@Injectable()
export class ProfileService {
  constructor(private readonly users: UsersRepository) {}

  async get(userId: string): Promise<UserDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new ResourceNotFound('user', userId);
    return toUserDto(user);
  }

  async update(userId: string, dto: UpdateProfileDto): Promise<UserDto> {
    const patch = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    if (Object.keys(patch).length > 0) await this.users.update(userId, patch);
    return this.get(userId);
  }

  async setAvailability(userId: string, availability: Availability): Promise<UserDto> {
    await this.users.update(userId, { availability });
    return this.get(userId);
  }
}
