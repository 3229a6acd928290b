/** One email as the mail transport sends it (addresses as RFC 5322 strings, e.g. `Ada <ada@example.com>`). */
export interface MailMessage {
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly bcc?: readonly string[];
  readonly replyTo?: string;
  /** Default `MAIL_FROM`. */
  readonly from?: string;
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
}
