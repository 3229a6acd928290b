import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@/config';
import { loadPriceTable, type PriceTable } from './prices';

/** Injection token of the process's `PriceTable` (built-in, merged with `BILLING_PRICES_FILE`; read at boot). */
export const PRICE_TABLE = Symbol('PRICE_TABLE');

export const priceTableProvider: Provider<PriceTable> = {
  provide: PRICE_TABLE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): PriceTable => loadPriceTable(config.billing.pricesFile),
};
