import { defineTemplate, edge } from './define-template';

/**
 * Lead capture: name (validated by length and pattern), email (with a retry message), phone,
 * consent; then, when the `Webhook URL` variable is set, the lead is POSTed there (retried).
 */
export const leadCaptureTemplate = defineTemplate({
  id: 'lead-capture',
  name: 'Lead capture',
  description: 'Collects name, email and phone with validation, asks for consent, then sends the lead to your webhook.',
  category: 'lead-generation',
  flow: {
    schemaVersion: 1,
    variables: [
      { id: 'var-name', name: 'Name' },
      { id: 'var-email', name: 'Email' },
      { id: 'var-phone', name: 'Phone' },
      { id: 'var-consent', name: 'Consent' },
      { id: 'var-webhook-url', name: 'Webhook URL', defaultValue: '', saveInResults: false },
    ],
    events: [{ id: 'start', type: 'start', position: { x: 0, y: 0 } }],
    groups: [
      {
        id: 'welcome',
        title: 'Welcome',
        position: { x: 300, y: 0 },
        blocks: [
          { id: 'welcome-text', type: 'text', options: { text: "Hi! 👋 Let's get you in touch with our team." } },
          { id: 'ask-name', type: 'text', options: { text: "First, what's your name?" } },
          {
            id: 'name-input',
            type: 'textInput',
            options: {
              variableId: 'var-name',
              placeholder: 'Your full name',
              minLength: 2,
              maxLength: 80,
              pattern: "^[\\p{L}][\\p{L} .'-]*$",
              patternFlags: 'u',
              retryMessage: 'Please type your name using letters only.',
            },
          },
        ],
      },
      {
        id: 'contact',
        title: 'Contact details',
        position: { x: 650, y: 0 },
        blocks: [
          {
            id: 'ask-email',
            type: 'text',
            options: { text: 'Nice to meet you, {{Name}}! What is your email address?' },
          },
          {
            id: 'email-input',
            type: 'emailInput',
            options: {
              variableId: 'var-email',
              placeholder: 'name@example.com',
              retryMessage: "That doesn't look like an email address. Could you check it and type it again?",
            },
          },
          { id: 'ask-phone', type: 'text', options: { text: 'And a phone number where we can reach you?' } },
          { id: 'phone-input', type: 'phoneInput', options: { variableId: 'var-phone', defaultCountryCode: 'US' } },
        ],
      },
      {
        id: 'consent',
        title: 'Consent',
        position: { x: 1000, y: 0 },
        blocks: [
          {
            id: 'ask-consent',
            type: 'text',
            options: { text: 'May we store these details and contact you about your request?' },
          },
          {
            id: 'consent-input',
            type: 'choiceInput',
            options: { variableId: 'var-consent' },
            items: [
              { id: 'consent-yes', label: "Yes, that's fine", value: 'yes' },
              { id: 'consent-no', label: 'No, thanks', value: 'no' },
            ],
          },
        ],
      },
      {
        id: 'has-webhook',
        title: 'Webhook configured?',
        position: { x: 1350, y: -150 },
        blocks: [
          {
            id: 'webhook-check',
            type: 'condition',
            items: [
              {
                id: 'webhook-set',
                condition: {
                  comparisons: [{ id: 'webhook-url-set', variableId: 'var-webhook-url', operator: 'isSet' }],
                },
              },
            ],
          },
        ],
      },
      {
        id: 'send-lead',
        title: 'Send the lead',
        position: { x: 1700, y: -250 },
        blocks: [
          {
            id: 'lead-webhook',
            type: 'httpRequest',
            options: {
              method: 'POST',
              url: '{{Webhook URL}}',
              headers: [{ key: 'Content-Type', value: 'application/json' }],
              body: '{"name": "{{Name}}", "email": "{{Email}}", "phone": "{{Phone}}", "consent": "{{Consent}}"}',
              timeoutMs: 10_000,
              retries: 2,
            },
          },
        ],
      },
      {
        id: 'thanks',
        title: 'Thanks',
        position: { x: 2050, y: -150 },
        blocks: [
          {
            id: 'thanks-text',
            type: 'text',
            options: { text: "Thanks, {{Name}}! We'll get back to you at {{Email}} soon." },
          },
          { id: 'thanks-end', type: 'end' },
        ],
      },
      {
        id: 'no-consent',
        title: 'No consent',
        position: { x: 1350, y: 200 },
        blocks: [
          {
            id: 'forget-email',
            type: 'setVariable',
            options: { variableId: 'var-email', operation: { kind: 'clear' } },
          },
          {
            id: 'forget-phone',
            type: 'setVariable',
            options: { variableId: 'var-phone', operation: { kind: 'clear' } },
          },
          {
            id: 'no-consent-text',
            type: 'text',
            options: { text: "No problem, we won't keep your contact details. Have a great day!" },
          },
          { id: 'no-consent-end', type: 'end' },
        ],
      },
    ],
    edges: [
      edge('start-to-welcome', { eventId: 'start' }, 'welcome'),
      edge('name-to-contact', 'name-input', 'contact'),
      edge('phone-to-consent', 'phone-input', 'consent'),
      edge('consent-yes-to-check', ['consent-input', 'consent-yes'], 'has-webhook'),
      edge('consent-no-to-end', ['consent-input', 'consent-no'], 'no-consent'),
      edge('webhook-set-to-send', ['webhook-check', 'webhook-set'], 'send-lead'),
      edge('no-webhook-to-thanks', 'webhook-check', 'thanks'),
      edge('sent-to-thanks', 'lead-webhook', 'thanks'),
    ],
  },
});
