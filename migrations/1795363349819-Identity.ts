import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Identity1795363349819 implements MigrationInterface {
  name = 'Identity1795363349819';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "email" character varying(320) NOT NULL,
                "name" character varying(200) NOT NULL,
                "password_hash" character varying(255),
                "email_verified" boolean NOT NULL DEFAULT false,
                "super_admin" boolean NOT NULL DEFAULT false,
                "avatar_url" character varying(2048),
                "locale" character varying(35),
                "timezone" character varying(64),
                "availability" character varying(16) NOT NULL DEFAULT 'offline',
                "last_login_at" TIMESTAMP WITH TIME ZONE,
                "disabled_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "external_identities" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "user_id" uuid NOT NULL,
                "issuer" character varying(512) NOT NULL,
                "subject" character varying(255) NOT NULL,
                "email" character varying(320),
                "last_seen_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "uq_external_identities_issuer_subject" UNIQUE ("issuer", "subject"),
                CONSTRAINT "PK_85d174f9b82602686b4b3846fc4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_external_identities_user" ON "external_identities" ("user_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "password_reset_tokens" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "user_id" uuid NOT NULL,
                "token_hash" character varying(64) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_91185d86d5d7557b19abbb2868b" UNIQUE ("token_hash"),
                CONSTRAINT "PK_d16bebd73e844c48bca50ff8d3d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_password_reset_tokens_user" ON "password_reset_tokens" ("user_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "organizations" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "name" character varying(200) NOT NULL,
                "slug" character varying(64) NOT NULL,
                "suspended_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_963693341bd612aa01ddf3a4b68" UNIQUE ("slug"),
                CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "organization_id" uuid NOT NULL,
                "name" character varying(120) NOT NULL,
                "prefix" character varying(16) NOT NULL,
                "key_hash" character varying(64) NOT NULL,
                "role" character varying(16) NOT NULL,
                "created_by_user_id" uuid,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_6f6105c8efe05b310d046cbdb3d" UNIQUE ("prefix"),
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_api_keys_org" ON "api_keys" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "user_id" uuid NOT NULL,
                "family_id" uuid NOT NULL,
                "token_hash" character varying(64) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "revoked_reason" character varying(64),
                "ip" character varying(64),
                "user_agent" character varying(512),
                CONSTRAINT "UQ_a7838d2ba25be1342091b6695f1" UNIQUE ("token_hash"),
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_refresh_tokens_user" ON "refresh_tokens" ("user_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_refresh_tokens_family" ON "refresh_tokens" ("family_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "departments" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "organization_id" uuid NOT NULL,
                "name" character varying(120) NOT NULL,
                "description" character varying(1000),
                CONSTRAINT "PK_839517a681a86bb84cbcc6a1e9d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_departments_org" ON "departments" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "department_members" (
                "department_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f75bcf3ee232399263f48986462" PRIMARY KEY ("department_id", "user_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_department_members_user" ON "department_members" ("organization_id", "user_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "invitations" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "organization_id" uuid NOT NULL,
                "email" character varying(320) NOT NULL,
                "role" character varying(16) NOT NULL,
                "token_hash" character varying(64) NOT NULL,
                "invited_by_user_id" uuid,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                "accepted_by_user_id" uuid,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_872ac94a64b3d44fc4b554780cd" UNIQUE ("token_hash"),
                CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_invitations_org" ON "invitations" ("organization_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "memberships" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "user_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "role" character varying(16) NOT NULL,
                "source" character varying(16) NOT NULL DEFAULT 'local',
                CONSTRAINT "uq_memberships_user_org" UNIQUE ("user_id", "organization_id"),
                CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_memberships_org" ON "memberships" ("organization_id", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "external_identities"
            ADD CONSTRAINT "FK_8320cffd2d6ca86003e23981668" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "password_reset_tokens"
            ADD CONSTRAINT "FK_52ac39dd8a28730c63aeb428c9c" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "FK_a283bdef18876e525aefaec042f" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "departments"
            ADD CONSTRAINT "FK_71070628c130f2c9cd3cd5f082f" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "department_members"
            ADD CONSTRAINT "FK_7d7af06fba109a8730e533c3e8d" FOREIGN KEY ("department_id") REFERENCES "departments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "department_members"
            ADD CONSTRAINT "FK_204f19d27111f77b67167bfa566" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_42d1dbb4d85dc3643fdc6560af0" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships"
            ADD CONSTRAINT "FK_e5380c394ec7912046d07b54290" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "memberships" DROP CONSTRAINT "FK_e5380c394ec7912046d07b54290"
        `);
    await queryRunner.query(`
            ALTER TABLE "memberships" DROP CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051"
        `);
    await queryRunner.query(`
            ALTER TABLE "invitations" DROP CONSTRAINT "FK_42d1dbb4d85dc3643fdc6560af0"
        `);
    await queryRunner.query(`
            ALTER TABLE "department_members" DROP CONSTRAINT "FK_204f19d27111f77b67167bfa566"
        `);
    await queryRunner.query(`
            ALTER TABLE "department_members" DROP CONSTRAINT "FK_7d7af06fba109a8730e533c3e8d"
        `);
    await queryRunner.query(`
            ALTER TABLE "departments" DROP CONSTRAINT "FK_71070628c130f2c9cd3cd5f082f"
        `);
    await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "FK_a283bdef18876e525aefaec042f"
        `);
    await queryRunner.query(`
            ALTER TABLE "password_reset_tokens" DROP CONSTRAINT "FK_52ac39dd8a28730c63aeb428c9c"
        `);
    await queryRunner.query(`
            ALTER TABLE "external_identities" DROP CONSTRAINT "FK_8320cffd2d6ca86003e23981668"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_memberships_org"
        `);
    await queryRunner.query(`
            DROP TABLE "memberships"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_invitations_org"
        `);
    await queryRunner.query(`
            DROP TABLE "invitations"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_department_members_user"
        `);
    await queryRunner.query(`
            DROP TABLE "department_members"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_departments_org"
        `);
    await queryRunner.query(`
            DROP TABLE "departments"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_refresh_tokens_family"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_refresh_tokens_user"
        `);
    await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_api_keys_org"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
    await queryRunner.query(`
            DROP TABLE "organizations"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_password_reset_tokens_user"
        `);
    await queryRunner.query(`
            DROP TABLE "password_reset_tokens"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_external_identities_user"
        `);
    await queryRunner.query(`
            DROP TABLE "external_identities"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
  }
}
