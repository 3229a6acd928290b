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
 * - `by_email`/`by_phone`: the existing contacts it matches (not looked up for duplicates);
 * - `target`: the contact it matches; `ambiguous`: email and phone match two contacts;
 * - `excluded`: a duplicate, ambiguous, or an earlier row matches the same contact (set by
 *   `sameTargetSql`): nothing of it is written to `contacts`.
 * The first row of each email and phone comes from two hash aggregates (no sort of the wide rows).
 */
export const planSql = (table: string): string => `
  CREATE TEMP TABLE import_plan ON COMMIT DROP AS
  WITH first_email AS (
    SELECT email, min(row_no) AS row_no FROM "${table}" WHERE email IS NOT NULL GROUP BY email
  ), first_phone AS (
    SELECT phone, min(row_no) AS row_no FROM "${table}" WHERE phone IS NOT NULL GROUP BY phone
  ), firsts AS (
    SELECT s.*, (fe.row_no IS NOT NULL AND fe.row_no <> s.row_no) OR (fp.row_no IS NOT NULL AND fp.row_no <> s.row_no) AS duplicate
      FROM "${table}" s
      LEFT JOIN first_email fe ON fe.email = s.email
      LEFT JOIN first_phone fp ON fp.phone = s.phone
  ), matched AS (
    SELECT f.row_no, f.name, f.email, f.phone, f.lifecycle_stage, f.lead_score, f.attributes, f.raw, f.duplicate,
           e.id AS by_email, ph.id AS by_phone
      FROM firsts f
      LEFT JOIN contacts e ON NOT f.duplicate AND e.organization_id = $1 AND lower(e.email) = f.email
      LEFT JOIN contacts ph ON NOT f.duplicate AND ph.organization_id = $1 AND ph.phone = f.phone
  )
  SELECT m.*, COALESCE(m.by_email, m.by_phone) AS target,
         (m.by_email IS NOT NULL AND m.by_phone IS NOT NULL AND m.by_email <> m.by_phone) AS ambiguous,
         m.duplicate OR (m.by_email IS NOT NULL AND m.by_phone IS NOT NULL AND m.by_email <> m.by_phone) AS excluded,
         ${SQL_UUID_V7} AS new_id
    FROM matched m`;

/** Rows skipped because of an earlier row in the file. */
export const fileDuplicatesSql = `
  INSERT INTO contact_import_errors ${errorColumns}
  SELECT $2, $1, row_no, 'skipped', 'Duplicate in the file: its email or phone number is on an earlier row.', raw
    FROM import_plan WHERE duplicate`;

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

/** The import's tags (`$2`, matched case-insensitively; created first by `ensureTagsSql`). */
const importTags = `(SELECT id FROM tags WHERE organization_id = $1 AND lower(name) = ANY (SELECT lower(x) FROM unnest($2::text[]) x))`;

/**
 * `update`: the row's non-empty values into the contact it matches; attributes merged; the
 * import's tags on it (in the same statement). Answers the number of contacts updated.
 */
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
  ), tagged AS (
    INSERT INTO contact_tags (organization_id, contact_id, tag_id, created_at)
    SELECT $1, ch.id, g.id, now() FROM changed ch CROSS JOIN ${importTags} g
    ON CONFLICT DO NOTHING
  )
  SELECT count(*)::int AS n FROM changed`;

/** The rows that become new contacts. */
export const countNewSql = `SELECT count(*)::int AS n FROM import_plan WHERE target IS NULL AND NOT excluded`;

/**
 * New contacts, with the import's tags in the same statement (a new contact has no tags yet, so
 * no ON CONFLICT there); a row whose email or phone was taken meanwhile (by someone else) is not
 * inserted. Answers the number of contacts created.
 */
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
  ), tagged AS (
    INSERT INTO contact_tags (organization_id, contact_id, tag_id, created_at)
    SELECT $1, i.id, g.id, now() FROM inserted i CROSS JOIN ${importTags} g
  )
  SELECT count(*)::int AS n FROM inserted`;

/** Rows not inserted because their email or phone number was taken while the import ran (run only when some were not). */
export const lostRaceSql = `
  INSERT INTO contact_import_errors ${errorColumns}
  SELECT $2, $1, p.row_no, 'failed', 'A contact with this email or phone number was created while the import ran.', p.raw
    FROM import_plan p
   WHERE p.target IS NULL AND NOT p.excluded AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = p.new_id)`;

/** The import's tags, created when missing (matched case-insensitively). */
export const ensureTagsSql = `
  INSERT INTO tags (id, organization_id, name, created_at, updated_at)
  SELECT ${SQL_UUID_V7}, $1, t.name, now(), now()
    FROM (SELECT DISTINCT ON (lower(n)) n AS name FROM unnest($2::text[]) n) t
  ON CONFLICT DO NOTHING`;
