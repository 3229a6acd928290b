import { notificationTypeNames } from '../notification-types';
import { EmailTemplates } from './email-templates';

describe('EmailTemplates', () => {
  const templates = new EmailTemplates();
  const values = {
    recipientName: 'Ada <b>',
    organizationName: 'Acme & Co',
    preferencesUrl: 'https://dash.example/settings/notifications',
    title: 'Eve <script>x</script>\nmentioned you',
    body: 'See <img src=x onerror=alert(1)>',
    url: 'https://dash.example/conversations/c-1',
    details: { author: 'Eve <script>x</script>' },
  };

  it('renders every type: one-line subject, raw text, escaped HTML, the preferences footer', () => {
    for (const type of notificationTypeNames) {
      const email = templates.notification(type, values);
      expect(email.subject).toBe('Eve <script>x</script> mentioned you');
      expect(email.text).toContain('Hello Ada <b>,');
      expect(email.text).toContain('See <img src=x onerror=alert(1)>');
      expect(email.text).toContain('Choose which emails you get: https://dash.example/settings/notifications');
      expect(email.html).toContain('See &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(email.html).toContain('Acme &amp; Co');
      expect(email.html).not.toMatch(/<script|<img/);
      expect(email.html).toContain('href="https://dash.example/settings/notifications"');
    }
    expect(templates.notification('note.mention', values).html).toContain('<strong>Eve &lt;script&gt;');
  });

  it('renders the account emails with their links and why they cannot be muted', () => {
    const invitation = templates.accountEmail('invitation', {
      recipientName: 'there',
      organizationName: 'Acme',
      role: 'agent',
      acceptUrl: 'https://dash.example/invitations/accept?token=inv_1&email=a%40b.c',
      expiresAt: 'Wed, 09 Dec 2026 04:00:00 GMT',
      footerNote: 'sent once',
    });
    expect(invitation.subject).toBe('You are invited to join Acme on Parley');
    expect(invitation.text).toContain('https://dash.example/invitations/accept?token=inv_1&email=a%40b.c');
    expect(invitation.text).toContain('Parley. sent once');
    expect(invitation.text).not.toContain('Choose which emails');
    const reset = templates.accountEmail('passwordReset', {
      recipientName: 'Ada',
      resetUrl: 'https://dash.example/reset-password?token=pwr_1',
      expiresAt: 'soon',
      footerNote: 'cannot be turned off',
    });
    expect(reset.subject).toBe('Reset your Parley password');
    expect(reset.html).toContain('href="https://dash.example/reset-password?token&#x3D;pwr_1"');
  });
});
