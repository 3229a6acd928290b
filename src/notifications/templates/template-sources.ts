import type { NotificationType } from '../notification-types';

/**
 * Handlebars sources of every email: a subject line, a plain-text and an HTML body. Subjects and
 * plain text are compiled without escaping; HTML escapes every `{{value}}` (names and note
 * excerpts are other people's text). `layout-text` and `layout-html` wrap every body and add the
 * footer (the preferences link, or why the email cannot be muted).
 */
export interface EmailTemplateSource {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const layoutText = `Hello {{recipientName}},

{{> @partial-block }}

-- 
{{#if preferencesUrl}}Parley{{#if organizationName}} · {{organizationName}}{{/if}}. Choose which emails you get: {{preferencesUrl}}
{{else}}Parley. {{footerNote}}
{{/if}}`;

export const layoutHtml = `<!doctype html>
<html><body style="font-family: sans-serif; color: #222; line-height: 1.5">
<p>Hello {{recipientName}},</p>
{{> @partial-block }}
<hr style="border: none; border-top: 1px solid #ddd">
<p style="color: #777; font-size: 12px">{{#if preferencesUrl}}Parley{{#if organizationName}} · {{organizationName}}{{/if}}. <a href="{{preferencesUrl}}">Choose which emails you get</a>.{{else}}Parley. {{footerNote}}{{/if}}</p>
</body></html>`;

/** The plain notification: its body and a link. */
const simple = (subject: string): EmailTemplateSource => ({
  subject,
  text: `{{#> layout-text}}{{body}}

Open it: {{url}}{{/layout-text}}`,
  html: `{{#> layout-html}}<p>{{body}}</p>
<p><a href="{{url}}">Open it in Parley</a></p>{{/layout-html}}`,
});

export const notificationTemplates: { readonly [T in NotificationType]: EmailTemplateSource } = {
  'conversation.assigned': simple('{{title}}'),
  'conversation.handoff_waiting': simple('{{title}}'),
  'note.mention': {
    subject: '{{title}}',
    text: `{{#> layout-text}}{{details.author}} mentioned you in a private note:

> {{body}}

Open the conversation: {{url}}{{/layout-text}}`,
    html: `{{#> layout-html}}<p><strong>{{details.author}}</strong> mentioned you in a private note:</p>
<blockquote style="border-left: 3px solid #ccc; margin: 0; padding-left: 12px">{{body}}</blockquote>
<p><a href="{{url}}">Open the conversation</a></p>{{/layout-html}}`,
  },
  'billing.quota_warning': simple('{{title}}'),
  'billing.subscription_changed': simple('{{title}}'),
  'webhook.subscription_disabled': {
    subject: '{{title}}',
    text: `{{#> layout-text}}{{body}}

Fix the endpoint, then turn the subscription on again: {{url}}{{/layout-text}}`,
    html: `{{#> layout-html}}<p>{{body}}</p>
<p><a href="{{url}}">Fix the endpoint, then turn the subscription on again</a></p>{{/layout-html}}`,
  },
};

/** Emails to an address (no notification row; preferences do not apply). */
export const accountTemplates = {
  invitation: {
    subject: 'You are invited to join {{organizationName}} on Parley',
    text: `{{#> layout-text}}You are invited to join {{organizationName}} on Parley as {{role}}.

Accept the invitation: {{acceptUrl}}

The link works until {{expiresAt}}. If you did not expect it, ignore this email.{{/layout-text}}`,
    html: `{{#> layout-html}}<p>You are invited to join <strong>{{organizationName}}</strong> on Parley as {{role}}.</p>
<p><a href="{{acceptUrl}}">Accept the invitation</a></p>
<p>The link works until {{expiresAt}}. If you did not expect it, ignore this email.</p>{{/layout-html}}`,
  },
  passwordReset: {
    subject: 'Reset your Parley password',
    text: `{{#> layout-text}}Someone (we hope you) asked to reset the password of your Parley account.

Choose a new password: {{resetUrl}}

The link works once, until {{expiresAt}}. If you did not ask, ignore this email: your password stays as it is.{{/layout-text}}`,
    html: `{{#> layout-html}}<p>Someone (we hope you) asked to reset the password of your Parley account.</p>
<p><a href="{{resetUrl}}">Choose a new password</a></p>
<p>The link works once, until {{expiresAt}}. If you did not ask, ignore this email: your password stays as it is.</p>{{/layout-html}}`,
  },
} as const satisfies Record<string, EmailTemplateSource>;

export type AccountTemplate = keyof typeof accountTemplates;
