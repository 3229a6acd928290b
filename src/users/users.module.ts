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
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';
import { UsersRepository } from './users.repository';

const repositories = [
  UsersRepository,
  OrganizationsRepository,
  MembershipsRepository,
  DepartmentsRepository,
  InvitationsRepository,
];

/** Users, organizations, memberships, departments, invitations and profiles. */
@Module({})
export class UsersModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: UsersModule,
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
      controllers: config.role.api
        ? [OrganizationsController, MembersController, InvitationsController, DepartmentsController, ProfileController]
        : [],
      providers: [
        ...repositories,
        OrganizationsService,
        MembersService,
        InvitationsService,
        DepartmentsService,
        ProfileService,
      ],
      // The auth module builds principals and accounts from these.
      exports: [
        UsersRepository,
        OrganizationsRepository,
        MembershipsRepository,
        InvitationsService,
        OrganizationsService,
      ],
    };
  }
}
