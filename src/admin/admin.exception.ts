import { DomainException } from '@/common/errors/domain.exception';

/** 403: the queue dashboard is for super admins only. */
export class QueueDashboardForbidden extends DomainException {
  constructor() {
    super({ code: 'admin.super_admin_required', status: 403, detail: 'The queue dashboard is for super admins only.' });
  }
}
