import type { FlowProblem } from '@/flows';
import { DomainException, ResourceNotFound, ValidationFailed, type FieldError } from '@/common/errors/domain.exception';

export class ChatbotNotFound extends ResourceNotFound {
  constructor(id: string) {
    super('chatbot', id);
  }
}

export class ChatbotVersionNotFound extends DomainException {
  constructor(chatbotId: string, version: number) {
    super({
      code: 'chatbot_version.not_found',
      status: 404,
      detail: `Chatbot ${chatbotId} has no version ${version}.`,
    });
  }
}

export class TemplateNotFound extends ResourceNotFound {
  constructor(id: string) {
    super('template', id);
  }
}

/** 409: the draft changed since the client read it. */
export class StaleRevision extends DomainException {
  constructor(currentRevision: number) {
    super({
      code: 'chatbot.stale_revision',
      status: 409,
      detail: `The flow was changed by someone else (now at revision ${currentRevision}). Reload it and apply your edits again.`,
      extensions: { currentRevision },
      headers: { ETag: `"${currentRevision}"` },
    });
  }
}

/** 428: a draft save must say which revision it edits. */
export class RevisionRequired extends DomainException {
  constructor() {
    super({
      code: 'chatbot.revision_required',
      status: 428,
      detail: 'Send the revision you edited, as If-Match: "<revision>" or as "revision" in the body.',
    });
  }
}

/** 422: the flow has errors that stop it from being published. */
export class FlowNotPublishable extends DomainException {
  constructor(problems: readonly FlowProblem[]) {
    super({
      code: 'chatbot.flow_invalid',
      status: 422,
      detail: `The flow has ${problems.filter((p) => p.severity === 'error').length} error(s); fix them before publishing.`,
      extensions: { problems },
    });
  }
}

export class ChatbotArchived extends DomainException {
  constructor() {
    super({ code: 'chatbot.archived', status: 409, detail: 'This chatbot is archived; unarchive it first.' });
  }
}

/** 400 for a flow document that is not even shaped right. */
export class InvalidFlowDocument extends ValidationFailed {
  constructor(errors: readonly FieldError[], detail = 'The flow document is not valid.') {
    super(errors, detail);
  }
}
