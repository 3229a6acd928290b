import { DomainException, type FieldError } from '@/common/errors/domain.exception';

export class ContactImportNotFound extends DomainException {
  constructor(id: string) {
    super({ code: 'contact_import.not_found', status: 404, detail: `There is no contact import ${id}.` });
  }
}

/** Cancel on an import that has already completed, failed or been canceled. */
export class ContactImportFinished extends DomainException {
  constructor(status: string) {
    super({
      code: 'contact_import.finished',
      status: 409,
      detail: `The import has already finished (${status}).`,
      extensions: { status },
    });
  }
}

/** The upload is not `multipart/form-data`, or has no `file` part. */
export class ImportUploadInvalid extends DomainException {
  constructor(detail: string, errors: readonly FieldError[] = [{ field: 'file', message: detail }]) {
    super({ code: 'contact_import.invalid_upload', status: 400, detail, errors });
  }
}

/** 415: the import takes `multipart/form-data` only. */
export class ImportUploadNotMultipart extends DomainException {
  constructor() {
    super({
      code: 'request.unsupported_media_type',
      status: 415,
      detail: 'Send the file as multipart/form-data (field "file").',
    });
  }
}
