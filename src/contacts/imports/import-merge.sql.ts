/**
 * The set-based merge of one import's staged rows into `contacts`, statement by statement, all in
 * one transaction (see `ImportStaging.merge`). `$1` is the organization, `$2` the import; `S` is
 * the import's staging table. Counts come from the statements' row counts.
 */

/** A UUIDv7 (time-ordered, like the app's ids) made in SQL: 48 bits of milliseconds, version 7, random bits. */
export const SQL_UUID_V7 = `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing
  substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid`;

export const stagingTableName = (importId: string): string => `contact_import_staging_${importId.replace(/-/g, '')}`;

/** Staged rows: valid and normalized (email lower case, phone E.164), with the file's row number and the row as CSV. */
export const createStagingSql = (table: string): string => `
  CREATE UNLOGGED TABLE "${table}" (
    row_no integer NOT NULL,
    name text,
    email text,
    phone text,
    lifecycle_stage text,
    lead_score integer,
    attributes jsonb,
    raw text NOT NULL
  )`;

export const stagingColumns = '(row_no, name, email, phone, lifecycle_stage, lead_score, attributes, raw)';
export const errorColumns = '(import_id, organization_id, row_no, outcome, reason, raw)';

/**
 * Every staged row with its fate, before anything is written:
 * - `duplicate`: its email or its phone is on an earlier row of the file (first occurrence wins);
 * - `by_email`/`by_phone`: the existing contacts it matches;
 * - `target`: the contact it matches; `ambiguous`: email and phone match two contacts;
 * - `excluded`: ambiguous, or an earlier row matches the same contact (set by `sameTargetSql`).
 */
export const planSql = (table: string): string => `
  CREATE TEMP TABLE import_plan ON COMMIT DROP AS
  WITH firsts AS (
    SELECT s.*,
           (s.email IS NOT NULL AND s.row_no <> min(s.row_no) OVER (PARTITION BY s.email))
        OR (s.phone IS NOT NULL AND s.row_no <> min(s.row_no) OVER (PARTITION BY s.phone)) AS duplicate
      FROM "${table}" s
  ), matched AS (
    SELECT f.row_no, f.name, f.email, f.phone, f.lifecycle_stage, f.lead_score, f.attributes, f.raw,
           e.id AS by_email, ph.id AS by_phone
      FROM firsts f
      LEFT JOIN contacts e ON e.organization_id = $1 AND lower(e.email) = f.email
      LEFT JOIN contacts ph ON ph.organization_id = $1 AND ph.phone = f.phone
     WHERE NOT f.duplicate
  )
  SELECT m.*, COALESCE(m.by_email, m.by_phone) AS target,
         (m.by_email IS NOT NULL AND m.by_phone IS NOT NULL AND m.by_email <> m.by_phone) AS ambiguous,
         (m.by_email IS NOT NULL AND m.by_phone IS NOT NULL AND m.by_email <> m.by_phone) AS excluded,
         ${SQL_UUID_V7} AS new_id
    FROM matched m`;

/** Rows skipped because of an earlier row in the file. */
export const fileDuplicatesSql = (table: string): string => `
  INSERT INTO contact_import_errors ${errorColumns}
  SELECT $2, $1, s.row_no, 'skipped', 'Duplicate in the file: its email or phone number is on an earlier row.', s.raw
    FROM "${table}" s
   WHERE NOT EXISTS (SELECT 1 FROM import_plan p WHERE p.row_no = s.row_no)`;

/** Rows whose email and phone match two different contacts. */
export const ambiguousSql = `
  INSERT INTO contact_import_errors ${errorColumns}
  SELECT $2, $1, row_no, 'failed',
         'The email matches contact ' || by_email || ' and the phone number matches another contact, ' || by_phone || '.', raw
    FROM import_plan WHERE ambiguous`;

/** The second and later rows of the file matching one contact (by email on one row, by phone on another). */
export const sameTargetSql = `
  WITH ranked AS (
    SELECT row_no, raw, row_number() OVER (PARTITION BY target ORDER BY row_no) AS n
      FROM import_plan WHERE target IS NOT NULL AND NOT excluded
  ), marked AS (
    UPDATE import_plan p SET excluded = true FROM ranked r WHERE r.row_no = p.row_no AND r.n > 1 RETURNING p.row_no
  )
  INSERT INTO contact_import_errors ${errorColumns}
  SELECT $2, $1, r.row_no, 'skipped', 'Duplicate in the file: an earlier row matches the same contact.', r.raw
    FROM ranked r JOIN marked m ON m.row_no = r.row_no`;

/** `create_only`: rows matching an existing contact are refused. */
export const createOnlyConflictsSql = `
  INSERT INTO contact_import_errors ${errorColumns}
  SELECT $2, $1, row_no, 'failed', 'A contact with this email or phone number already exists (dedupe create_only).', raw
    FROM import_plan WHERE target IS NOT NULL AND NOT excluded`;

/** `skip`: rows matching an existing contact leave it untouched (counted, not listed). */
export const countExistingSql = `SELECT count(*)::int AS n FROM import_plan WHERE target IS NOT NULL AND NOT excluded`;

/** `update`: the row's non-empty values into the contact it matches; attributes merged. */
export const updateExistingSql = `
  WITH changed AS (
    UPDATE contacts c SET
           name = COALESCE(p.name, c.name),
           email = CASE WHEN p.by_email IS NULL THEN COALESCE(p.email, c.email) ELSE c.email END,
           phone = COALESCE(p.phone, c.phone),
           lifecycle_stage = COALESCE(p.lifecycle_stage, c.lifecycle_stage),
           lead_score = COALESCE(p.lead_score, c.lead_score),
           attributes = CASE WHEN p.attributes IS NULL THEN c.attributes ELSE c.attributes || p.attributes END,
           updated_at = now()
      FROM import_plan p
     WHERE c.organization_id = $1 AND c.id = p.target AND NOT p.excluded
    RETURNING c.id
  )
  INSERT INTO import_touched (id) SELECT id FROM changed`;

/** New contacts; a row whose email or phone was taken meanwhile (by someone else) is not inserted. */
export const insertNewSql = `
  WITH inserted AS (
    INSERT INTO contacts (id, organization_id, name, email, phone, lifecycle_stage, lead_score, source, attributes,
                          created_at, updated_at)
    SELECT p.new_id, $1, p.name, p.email, p.phone,
           COALESCE(p.lifecycle_stage, (SELECT s.default_lifecycle_stage FROM contact_settings s WHERE s.organization_id = $1), 'lead'),
           COALESCE(p.lead_score, 0), 'import', COALESCE(p.attributes, '{}'::jsonb), now(), now()
      FROM import_plan p
     WHERE p.target IS NULL AND NOT p.excluded
    ON CONFLICT DO NOTHING
    RETURNING id
  )
  INSERT INTO import_touched (id) SELECT id FROM inserted`;

/** Rows not inserted because their email or phone number was taken while the import ran. */
export const lostRaceSql = `
  INSERT INTO contact_import_errors ${errorColumns}
  SELECT $2, $1, p.row_no, 'failed', 'A contact with this email or phone number was created while the import ran.', p.raw
    FROM import_plan p
   WHERE p.target IS NULL AND NOT p.excluded AND NOT EXISTS (SELECT 1 FROM import_touched t WHERE t.id = p.new_id)`;

/** The import's tags (created when missing, matched case-insensitively) on every created or updated contact. */
export const ensureTagsSql = `
  INSERT INTO tags (id, organization_id, name, created_at, updated_at)
  SELECT ${SQL_UUID_V7}, $1, t.name, now(), now()
    FROM (SELECT DISTINCT ON (lower(n)) n AS name FROM unnest($2::text[]) n) t
  ON CONFLICT DO NOTHING`;

export const tagContactsSql = `
  INSERT INTO contact_tags (organization_id, contact_id, tag_id, created_at)
  SELECT $1, t.id, g.id, now()
    FROM import_touched t
   CROSS JOIN (SELECT id FROM tags WHERE organization_id = $1 AND lower(name) = ANY (SELECT lower(x) FROM unnest($2::text[]) x)) g
  ON CONFLICT DO NOTHING`;
