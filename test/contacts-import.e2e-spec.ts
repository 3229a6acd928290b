import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, uploadImport, waitForImport } from './support/contact-imports';
import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

const storageDir = mkdtempSync(join(tmpdir(), 'parley-imports-'));
afterAll(() => rmSync(storageDir, { recursive: true, force: true }));

describe('contacts CSV import', () => {
  let t: TestApp;
  let admin: Account;

  beforeAll(async () => {
    t = await startTestApp({ STORAGE_DIR: storageDir });
    admin = await register(t);
  });
  afterAll(() => t.close());

  const contactsOf = (organizationId: string) =>
    t.sql<{ name: string | null; email: string | null; phone: string | null; attributes: Record<string, unknown>; source: string | null }>(
      `SELECT name, email, phone, attributes, source FROM contacts WHERE organization_id = $1 ORDER BY email NULLS LAST, phone`,
      [organizationId],
    );

  it('takes an upload (202), progresses and completes with exact counts, bad rows in errors.csv', async () => {
    const csv = [
      'E-mail,Phone number,First name,Last name,Notes',
      'ada@example.com,+44 20 7946 0958,Ada,Lovelace,first',
      'GRACE@Example.com,,Grace,Hopper,second',
      'not-an-email,,Bad,Email,third',
      ',+1 202 555 0199,Only,Phone,fourth',
      ',12345,Bad,Phone,fifth',
      'ada@example.com,,Ada,Again,duplicate',
      ',,No,Identity,sixth',
      'alan@example.com,,Alan,"Turing, A.",quoted',
    ].join('\n');
    const res = await uploadImport(t, admin.accessToken, csv, { fields: { tags: 'fair-2026, VIP' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/v1/contacts/imports/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'queued', dedupe: 'skip', tags: ['fair-2026', 'VIP'] });

    const { seen, last } = await waitForImport(t, admin.accessToken, res.body.id);
    expect(seen[seen.length - 1]).toBe('completed');
    expect(last.counts).toEqual({ total: 8, processed: 8, created: 4, updated: 0, skipped: 1, failed: 3 });
    expect(last.progress).toBe(1);
    expect(last.mapping).toEqual({
      'E-mail': 'email',
      'Phone number': 'phone',
      'First name': 'firstName',
      'Last name': 'lastName',
      Notes: 'ignore',
    });
    expect(last.startedAt).not.toBeNull();
    expect(last.finishedAt).not.toBeNull();

    expect(await contactsOf(admin.organizationId)).toEqual([
      { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+442079460958', attributes: {}, source: 'import' },
      { name: 'Alan Turing, A.', email: 'alan@example.com', phone: null, attributes: {}, source: 'import' },
      { name: 'Grace Hopper', email: 'grace@example.com', phone: null, attributes: {}, source: 'import' },
      { name: 'Only Phone', email: null, phone: '+12025550199', attributes: {}, source: 'import' },
    ]);
    const tagged = await t.sql<{ name: string; n: number }>(
      `SELECT g.name, count(*)::int AS n FROM contact_tags ct JOIN tags g ON g.id = ct.tag_id
        WHERE ct.organization_id = $1 GROUP BY g.name ORDER BY lower(g.name)`,
      [admin.organizationId],
    );
    expect(tagged).toEqual([
      { name: 'fair-2026', n: 4 },
      { name: 'VIP', n: 4 },
    ]);

    const errors = await t.request('GET', `/api/v1/contacts/imports/${res.body.id}/errors.csv`, {
      token: admin.accessToken,
    });
    expect(errors.status).toBe(200);
    expect(errors.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(parseCsv(errors.text)).toEqual([
      ['row', 'outcome', 'reason', 'E-mail', 'Phone number', 'First name', 'Last name', 'Notes'],
      ['4', 'failed', 'Invalid email "not-an-email".', 'not-an-email', '', 'Bad', 'Email', 'third'],
      ['6', 'failed', 'Invalid phone number "12345": write it with +<country code>.', '', '12345', 'Bad', 'Phone', 'fifth'],
      [
        '7',
        'skipped',
        'Duplicate in the file: its email or phone number is on an earlier row.',
        'ada@example.com',
        '',
        'Ada',
        'Again',
        'duplicate',
      ],
      ['8', 'failed', 'The row has neither an email nor a phone number.', '', '', 'No', 'Identity', 'sixth'],
    ]);
  });
});
