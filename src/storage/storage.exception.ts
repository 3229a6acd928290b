import { DomainException } from '@/common/errors/domain.exception';

/** 413: an upload passed its size limit. */
export class StorageLimitExceeded extends DomainException {
  constructor(maxBytes: number) {
    super({ code: 'storage.too_large', status: 413, detail: `The file is larger than ${maxBytes} bytes.` });
  }
}

/** 404: a signed file URL that is unknown, expired or tampered with (never says which). */
export class FileLinkInvalid extends DomainException {
  constructor() {
    super({ code: 'storage.not_found', status: 404, detail: 'This file link does not exist or has expired.' });
  }
}
