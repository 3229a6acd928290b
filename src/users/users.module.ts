import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { DepartmentsController } from './departments.controller';
import { DepartmentsRepository } from './departments.repository';
import { DepartmentsService } from './departments.service';
import { DepartmentEntity, DepartmentMemberEntity } from './entities/department.entity';
import { InvitationEntity } from './entities/invitation.entity';
import { MembershipEntity } from './entities/membership.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { UserEntity } from './entities/user.entity';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembershipsService } from './memberships.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const repositories = [
  UsersRepository,
  OrganizationsRepository,
  MembershipsRepository,
  DepartmentsRepository,
  InvitationsRepository,
];

/**
 * Users, organizations, memberships, departments, invitations and profiles: storage and rules.
 * Its public face is its services (`UsersService` accounts, `MembershipsService` incl. the
 * identity-provider sync, `OrganizationsService`, `InvitationsService`); repositories and entities
 * stay private. The auth module imports this one; `UsersModule` adds the HTTP API.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      UserEntity,
      OrganizationEntity,
      MembershipEntity,
      DepartmentEntity,
      DepartmentMemberEntity,
      InvitationEntity,
    ]),
  ],
  providers: [
    ...repositories,
    OrganizationsService,
    MembersService,
    InvitationsService,
    DepartmentsService,
    ProfileService,
    UsersService,
    MembershipsService,
  ],
  exports: [
    UsersService,
    MembershipsService,
    OrganizationsService,
    InvitationsService,
    MembersService,
    DepartmentsService,
    ProfileService,
  ],
})
export class UsersCoreModule {}

/** The users module with its controllers (API processes only). */
@Module({})
export class UsersModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: UsersModule,
      imports: [UsersCoreModule],
      controllers: config.role.api
        ? [OrganizationsController, MembersController, InvitationsController, DepartmentsController, ProfileController]
        : [],
      exports: [UsersCoreModule],
    };
  }
}
