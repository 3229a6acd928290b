import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@/config';
import type { PriceTable } from './prices';

/** Injection token of the process's `PriceTable` (`config.billing.prices`: built-in + `BILLING_PRICES_FILE`). */
export const PRICE_TABLE = Symbol('PRICE_TABLE');

export const priceTableProvider: Provider<PriceTable> = {
  provide: PRICE_TABLE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): PriceTable => config.billing.prices,
};
