import { type MigrationInterface, type QueryRunner } from 'typeorm';

const OLD_SEARCH = `to_tsvector('simple', coalesce("name", '') || ' ' || coalesce("email", '') || ' ' || coalesce("phone", ''))
                || jsonb_to_tsvector('simple', "attributes", '["string", "numeric", "boolean"]')`;
const NEW_SEARCH = `to_tsvector('simple', coalesce("name", ''))
                || jsonb_to_tsvector('simple', "attributes", '["string", "numeric", "boolean"]')`;

/**
 * Faster contact search and tag filters (1,000,000 contacts in one organization):
 *
 * - `contacts.tag_ids` (uuid[], sorted) mirrors `contact_tags`, kept exact by statement-level
 *   triggers on `contact_tags` (insert, delete — cascades included — and update), whoever writes
 *   it (the API, bulk tag/untag, merge, erasure, the CSV import's set-based insert, a deleted tag).
 *   A GIN index on it (`ix_contacts_tag_ids`) serves `tags` (`&&`) and `tagsAll` (`@>`) straight
 *   from contacts, and the list reads a contact's tags from the row.
 * - The `search` tsvector holds the name and attribute values only: an email or a phone was one
 *   lexeme per contact, so a prefix word (`bob:*`) expanded to every email starting with it. Emails
 *   and phones are matched by their prefix indexes (`ix_contacts_email_prefix`, `_phone_prefix`).
 *   The generated column is dropped and added again (PostgreSQL 15 cannot change its expression):
 *   this rewrites the table.
 */
export class ContactsSearchTuning1796170700000 implements MigrationInterface {
  name = 'ContactsSearchTuning1796170700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contacts" ADD COLUMN "tag_ids" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
            UPDATE contacts c SET tag_ids = t.ids
              FROM (SELECT contact_id, array_agg(tag_id ORDER BY tag_id) AS ids FROM contact_tags GROUP BY contact_id) t
             WHERE t.contact_id = c.id
        `);
    // One set-based UPDATE per statement on contact_tags: the affected contacts' tags, sorted.
    await queryRunner.query(`
            CREATE FUNCTION "contacts_tag_ids"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                UPDATE contacts c SET tag_ids = ARRAY(SELECT ct.tag_id FROM contact_tags ct WHERE ct.contact_id = c.id ORDER BY ct.tag_id)
                 WHERE c.id IN (SELECT DISTINCT contact_id FROM new_rows);
              ELSIF TG_OP = 'DELETE' THEN
                UPDATE contacts c SET tag_ids = ARRAY(SELECT ct.tag_id FROM contact_tags ct WHERE ct.contact_id = c.id ORDER BY ct.tag_id)
                 WHERE c.id IN (SELECT DISTINCT contact_id FROM old_rows);
              ELSE
                UPDATE contacts c SET tag_ids = ARRAY(SELECT ct.tag_id FROM contact_tags ct WHERE ct.contact_id = c.id ORDER BY ct.tag_id)
                 WHERE c.id IN (SELECT contact_id FROM old_rows UNION SELECT contact_id FROM new_rows);
              END IF;
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER "tr_contact_tags_tag_ids_insert" AFTER INSERT ON "contact_tags"
              REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contacts_tag_ids"()
        `);
    await queryRunner.query(`
            CREATE TRIGGER "tr_contact_tags_tag_ids_delete" AFTER DELETE ON "contact_tags"
              REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "contacts_tag_ids"()
        `);
    await queryRunner.query(`
            CREATE TRIGGER "tr_contact_tags_tag_ids_update" AFTER UPDATE ON "contact_tags"
              REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "contacts_tag_ids"()
        `);
    await queryRunner.query(`CREATE INDEX "ix_contacts_tag_ids" ON "contacts" USING gin ("tag_ids")`);

    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "search"`);
    await queryRunner.query(
      `ALTER TABLE "contacts" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (${NEW_SEARCH}) STORED`,
    );
    await queryRunner.query(`CREATE INDEX "ix_contacts_search" ON "contacts" USING gin ("search")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "search"`);
    await queryRunner.query(
      `ALTER TABLE "contacts" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (${OLD_SEARCH}) STORED`,
    );
    await queryRunner.query(`CREATE INDEX "ix_contacts_search" ON "contacts" USING gin ("search")`);
    await queryRunner.query(`DROP INDEX "ix_contacts_tag_ids"`);
    await queryRunner.query(`DROP TRIGGER "tr_contact_tags_tag_ids_update" ON "contact_tags"`);
    await queryRunner.query(`DROP TRIGGER "tr_contact_tags_tag_ids_delete" ON "contact_tags"`);
    await queryRunner.query(`DROP TRIGGER "tr_contact_tags_tag_ids_insert" ON "contact_tags"`);
    await queryRunner.query(`DROP FUNCTION "contacts_tag_ids"()`);
    await queryRunner.query(`ALTER TABLE "contacts" DROP COLUMN "tag_ids"`);
  }
}
