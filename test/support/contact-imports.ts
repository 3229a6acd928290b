import type { TestApp, TestResponse } from './test-app';

export interface UploadOptions {
  readonly fields?: Record<string, string>;
  readonly fileName?: string;
  readonly organizationId?: string;
}

/** `POST /api/v1/contacts/imports` as a browser sends it: multipart fields, then the file. */
export async function uploadImport(
  t: TestApp,
  token: string,
  csv: string | Buffer,
  { fields = {}, fileName = 'contacts.csv', organizationId }: UploadOptions = {},
): Promise<TestResponse<any>> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([typeof csv === 'string' ? csv : new Uint8Array(csv)], { type: 'text/csv' }), fileName);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (organizationId) headers['x-organization-id'] = organizationId;
  const response = await fetch(`${t.url}/api/v1/contacts/imports`, { method: 'POST', headers, body: form });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, text, body: isJson && text ? JSON.parse(text) : text };
}

const finished = ['completed', 'failed', 'canceled'];

/** Polls the import until it has finished; returns every status seen, in order, and the last answer. */
export async function waitForImport(
  t: TestApp,
  token: string,
  id: string,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<{ seen: string[]; last: any }> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.request('GET', `/api/v1/contacts/imports/${id}`, { token });
    if (res.status !== 200) throw new Error(`status ${res.status}: ${res.text}`);
    if (seen[seen.length - 1] !== res.body.status) seen.push(res.body.status);
    if (finished.includes(res.body.status)) return { seen, last: res.body };
    if (Date.now() > deadline) throw new Error(`import ${id} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Parses the simple CSV that errors.csv is (quoted fields, CRLF rows). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
