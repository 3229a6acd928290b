import { DomainException, ResourceNotFound } from '@/common/errors/domain.exception';

export class OrganizationNotFound extends ResourceNotFound {
  constructor(id: string) {
    super('organization', id);
  }
}

export class MemberNotFound extends ResourceNotFound {
  constructor(userId: string) {
    super('member', userId);
  }
}

export class DepartmentNotFound extends ResourceNotFound {
  constructor(id: string) {
    super('department', id);
  }
}

export class InvitationNotFound extends ResourceNotFound {
  constructor(id: string) {
    super('invitation', id);
  }
}

export class LastAdmin extends DomainException {
  constructor() {
    super({
      code: 'member.last_admin',
      status: 409,
      detail: 'An organization keeps at least one org_admin: promote someone else first.',
    });
  }
}

export class InvitationInvalid extends DomainException {
  constructor(reason: 'expired' | 'used' | 'revoked' | 'unknown' | 'email_mismatch') {
    const details = {
      expired: 'This invitation has expired; ask for a new one.',
      used: 'This invitation was already accepted.',
      revoked: 'This invitation was revoked.',
      unknown: 'This invitation token is not valid.',
      email_mismatch: 'This invitation was sent to another email address.',
    } as const;
    super({
      code: `invitation.${reason}`,
      status: reason === 'email_mismatch' ? 403 : reason === 'unknown' ? 404 : 410,
      detail: details[reason],
    });
  }
}

export class AlreadyMember extends DomainException {
  constructor() {
    super({ code: 'member.already_member', status: 409, detail: 'This person is already a member.' });
  }
}

export class DepartmentNameTaken extends DomainException {
  constructor() {
    super({ code: 'department.name_taken', status: 409, detail: 'A department with this name exists.' });
  }
}
