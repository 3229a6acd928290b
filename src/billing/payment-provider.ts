import type { OrganizationId } from '@/access/organization-id';
import type { PlanCode } from '@/config/app-config';
import type { SubscriptionStatus } from './billing-limits';

/** What a provider says about a subscription after a call or a webhook. */
export interface ProviderSubscriptionState {
  readonly status: SubscriptionStatus;
  readonly plan?: PlanCode;
  /** The provider's id of the subscription (stored in `subscriptions.provider_reference`). */
  readonly reference?: string;
  readonly currentPeriodEnd?: Date;
}

/**
 * The seam for a payment provider (Stripe, Paddle, …). **None is wired**: without a binding, plan
 * changes apply at once with status `active` and nothing is charged. To add one, implement this
 * class, bind it in `BillingModule` (`{ provide: PaymentProvider, useClass: StripePaymentProvider }`),
 * and route the provider's webhook to `handleWebhook` from a `@Public()` controller that checks the
 * provider's signature; `BillingService` then asks it before a plan change or a cancellation.
 */
export abstract class PaymentProvider {
  /** The provider's name, stored in `subscriptions.provider` (e.g. `stripe`). */
  abstract readonly name: string;
  /** Creates (or finds) the provider's customer for the organization; returns its reference. */
  abstract createCustomer(organizationId: OrganizationId, billingEmail: string | null): Promise<string>;
  /** Moves the organization's subscription to `plan` (prorating as the provider does). */
  abstract changePlan(organizationId: OrganizationId, plan: PlanCode): Promise<ProviderSubscriptionState>;
  /** Cancels at the end of the current period. */
  abstract cancel(organizationId: OrganizationId): Promise<ProviderSubscriptionState>;
  /**
   * A webhook of the provider (raw body and headers, signature checked here): the organization and
   * the state it reports, or undefined for events that change no subscription.
   */
  abstract handleWebhook(
    rawBody: Buffer,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<{ organizationId: OrganizationId; state: ProviderSubscriptionState } | undefined>;
}
