import { DomainException } from '@/common/errors/domain.exception';

/** 403: the caller is not a member of the organization it names (or its API key belongs to another). */
export class NotAMember extends DomainException {
  constructor(detail = 'You are not a member of this organization.') {
    super({ code: 'organization.not_member', status: 403, detail });
  }
}

/** 403: the caller's organization is suspended (its members and keys are locked out). */
export class OrganizationSuspended extends DomainException {
  constructor() {
    super({ code: 'organization.suspended', status: 403, detail: 'This organization is suspended.' });
  }
}

/** 403: a signed-in user who belongs to no organization yet called an organization's route. */
export class NoOrganization extends DomainException {
  constructor() {
    super({ code: 'organization.none', status: 403, detail: 'You do not belong to any organization yet.' });
  }
}

/** 400: a member of several organizations did not say which one the request is for. */
export class OrganizationRequired extends DomainException {
  constructor() {
    super({
      code: 'organization.required',
      status: 400,
      detail: 'You belong to several organizations: say which one with the X-Organization-Id header.',
      errors: [{ field: 'X-Organization-Id', message: 'required when you belong to several organizations' }],
    });
  }
}
