import { DomainException } from '@/common/errors/domain.exception';

export class NotificationNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'notification.not_found', status: 404, detail: `There is no notification ${id}.` });
  }
}

/** 403: notifications belong to people; an API key has none. */
export class NotificationsUserRequired extends DomainException {
  constructor() {
    super({
      code: 'notification.user_required',
      status: 403,
      detail: 'Notifications belong to signed-in users, not API keys.',
    });
  }
}

/** 400: the same type and channel twice in one update. */
export class DuplicatePreference extends DomainException {
  constructor(index: number) {
    super({
      code: 'request.validation_failed',
      status: 400,
      detail: 'The request has invalid fields.',
      errors: [{ field: `preferences[${index}]`, message: 'this type and channel is already listed' }],
    });
  }
}
