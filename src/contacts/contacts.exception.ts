import { DomainException, type FieldError, ValidationFailed } from '@/common/errors/domain.exception';

export class ContactNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'contact.not_found', status: 404, detail: `There is no contact ${id}.` });
  }
}

/** The email or phone is another contact's (the database's unique index said so). */
export class ContactDuplicate extends DomainException {
  constructor(field: 'email' | 'phone', conflictingContactId: string | null) {
    super({
      code: 'contact.duplicate',
      status: 409,
      detail: `Another contact of the organization has this ${field}.`,
      errors: [{ field, message: `belongs to contact ${conflictingContactId ?? '(unknown)'}` }],
      extensions: { field, conflictingContactId },
    });
  }
}

export class TagNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'tag.not_found', status: 404, detail: `There is no tag ${id}.` });
  }
}

export class TagNameTaken extends DomainException {
  constructor(name: string) {
    super({
      code: 'tag.name_taken',
      status: 409,
      detail: `A tag named "${name}" exists.`,
      errors: [{ field: 'name', message: 'is taken' }],
    });
  }
}

export class ContactAttributeNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'contact_attribute.not_found', status: 404, detail: `There is no contact attribute ${id}.` });
  }
}

export class ContactAttributeKeyTaken extends DomainException {
  constructor(key: string) {
    super({
      code: 'contact_attribute.key_taken',
      status: 409,
      detail: `A contact attribute with key "${key}" exists.`,
      errors: [{ field: 'key', message: 'is taken' }],
    });
  }
}

export class SegmentNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'segment.not_found', status: 404, detail: `There is no segment ${id}.` });
  }
}

export class SegmentNameTaken extends DomainException {
  constructor(name: string) {
    super({
      code: 'segment.name_taken',
      status: 409,
      detail: `A segment named "${name}" exists.`,
      errors: [{ field: 'name', message: 'is taken' }],
    });
  }
}

/** 400 naming the fields (a contact's or a filter's). */
export const invalidFields = (errors: readonly FieldError[]): ValidationFailed => new ValidationFailed(errors);

/** Erasing contacts (one, in bulk, or a merge's source) is for organization admins. */
export class ContactEraseForbidden extends DomainException {
  constructor() {
    super({ code: 'contact.forbidden', status: 403, detail: 'Only organization admins delete contacts.' });
  }
}
