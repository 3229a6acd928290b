import Handlebars from 'handlebars';
import type { NotificationType } from '../notification-types';
import {
  type AccountTemplate,
  accountTemplates,
  type EmailTemplateSource,
  layoutHtml,
  layoutText,
  notificationTemplates,
} from './template-sources';

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

type Compiled = { readonly [K in keyof EmailTemplateSource]: Handlebars.TemplateDelegate };

/** What every email's layout reads (the rest is the template's own). */
export interface LayoutValues {
  readonly recipientName: string;
  readonly organizationName?: string | null;
  /** The preferences page; when absent, `footerNote` says why the email cannot be muted. */
  readonly preferencesUrl?: string;
  readonly footerNote?: string;
}

/**
 * Every email template, compiled once (at boot: the provider is built with the module). Plain text
 * and subjects do not escape; HTML escapes every value. Two Handlebars environments keep the
 * escaping rules of the layouts apart.
 */
export class EmailTemplates {
  private readonly textEnv = Handlebars.create();
  private readonly htmlEnv = Handlebars.create();
  private readonly notifications: { readonly [T in NotificationType]: Compiled };
  private readonly account: { readonly [T in AccountTemplate]: Compiled };

  constructor() {
    this.textEnv.registerPartial('layout-text', this.textEnv.compile(layoutText, { noEscape: true, strict: false }));
    this.htmlEnv.registerPartial('layout-html', this.htmlEnv.compile(layoutHtml));
    this.notifications = mapValues(notificationTemplates, (source) => this.compile(source));
    this.account = mapValues(accountTemplates, (source) => this.compile(source));
  }

  notification(type: NotificationType, values: LayoutValues & Record<string, unknown>): RenderedEmail {
    return render(this.notifications[type], values);
  }

  accountEmail(template: AccountTemplate, values: LayoutValues & Record<string, unknown>): RenderedEmail {
    return render(this.account[template], values);
  }

  private compile(source: EmailTemplateSource): Compiled {
    return {
      subject: this.textEnv.compile(source.subject, { noEscape: true }),
      text: this.textEnv.compile(source.text, { noEscape: true }),
      html: this.htmlEnv.compile(source.html),
    };
  }
}

function render(compiled: Compiled, values: Record<string, unknown>): RenderedEmail {
  return {
    // One line, whatever a name or title holds (no header injection).
    subject: compiled
      .subject(values)
      .replace(/[\r\n]+/g, ' ')
      .trim()
      .slice(0, 250),
    text: compiled.text(values),
    html: compiled.html(values),
  };
}

function mapValues<K extends string, A, B>(record: { readonly [P in K]: A }, map: (value: A) => B): { [P in K]: B } {
  return Object.fromEntries(Object.entries<A>(record).map(([key, value]) => [key, map(value)])) as { [P in K]: B };
}
