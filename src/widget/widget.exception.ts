import { DomainException } from '@/common/errors/domain.exception';

/** dist/widget/widget.js was not there when the app booted (`npm run build` bundles it). */
export class WidgetNotBuilt extends DomainException {
  constructor() {
    super({
      code: 'widget.not_built',
      status: 503,
      detail: 'The web widget is not available: dist/widget/widget.js was not built (run `npm run build`).',
    });
  }
}
