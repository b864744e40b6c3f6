-- FieldVault secrets vault tables for PostgreSQL: the plain-SQL equivalent of secrets-changelog.xml
-- (all its changesets). Run it as is, or with the prefix fv_secret_ replaced by your own. Running it
-- again, or over tables created by an earlier version, brings them up to date and changes no data.
-- The application account needs SELECT, INSERT, UPDATE, DELETE on these tables.
-- PostgreSQL's VARCHAR comparisons are exact (deterministic collations), as the vault needs.
CREATE TABLE IF NOT EXISTS fv_secret_store (
  id           BIGSERIAL    NOT NULL CONSTRAINT fv_secret_store_pk PRIMARY KEY,
  tenant       VARCHAR(200) NOT NULL,
  name         VARCHAR(200) NOT NULL,
  sealed       BOOLEAN      NOT NULL,
  max_versions INT          NOT NULL,
  default_ttl_ms     BIGINT,
  version_max_age_ms BIGINT,
  created_ms   BIGINT       NOT NULL,
  sealed_kdf   VARCHAR(200),
  sealed_kdf_prev VARCHAR(200),
  CONSTRAINT fv_secret_store_uk UNIQUE (tenant, name)
);
-- name_key: the name, or its keyed hash in sealed stores; value_ct, dek_ct, dek_version: the envelope (docs/FORMAT.md);
-- metadata: plaintext JSON (never in sealed stores); value_ms: when the value last changed
CREATE TABLE IF NOT EXISTS fv_secret_entry (
  store_id   BIGINT       NOT NULL,
  name_key   VARCHAR(255) NOT NULL,
  version    BIGINT       NOT NULL,
  value_ct   BYTEA        NOT NULL,
  metadata   TEXT,
  expires_ms BIGINT,
  created_ms BIGINT       NOT NULL,
  updated_ms BIGINT       NOT NULL,
  value_ms   BIGINT       NOT NULL,
  updated_by VARCHAR(200),
  generator  VARCHAR(100),
  entry_id   VARCHAR(36),
  created_by VARCHAR(200),
  dek_ct     BYTEA,
  dek_version INT,
  CONSTRAINT fv_secret_entry_pk PRIMARY KEY (store_id, name_key)
);
CREATE INDEX IF NOT EXISTS fv_secret_entry_exp_ix ON fv_secret_entry (expires_ms);
CREATE TABLE IF NOT EXISTS fv_secret_version (
  store_id   BIGINT       NOT NULL,
  name_key   VARCHAR(255) NOT NULL,
  version    BIGINT       NOT NULL,
  value_ct   BYTEA        NOT NULL,
  metadata   TEXT,
  created_ms BIGINT       NOT NULL,
  created_by VARCHAR(200),
  dek_ct     BYTEA,
  dek_version INT,
  CONSTRAINT fv_secret_version_pk PRIMARY KEY (store_id, name_key, version)
);
-- the audit chain: hash links the events, mac authenticates each under the vault's keyring
CREATE TABLE IF NOT EXISTS fv_secret_audit (
  seq       BIGINT       NOT NULL CONSTRAINT fv_secret_audit_pk PRIMARY KEY,
  at_ms     BIGINT       NOT NULL,
  principal VARCHAR(200),
  tenant    VARCHAR(200),
  namespace VARCHAR(200),
  name      VARCHAR(255),
  action    VARCHAR(32)  NOT NULL,
  outcome   VARCHAR(32)  NOT NULL,
  detail    VARCHAR(500),
  prev_hash VARCHAR(64)  NOT NULL,
  hash      VARCHAR(64)  NOT NULL,
  mac       VARCHAR(160)
);
CREATE INDEX IF NOT EXISTS fv_secret_audit_at_ix ON fv_secret_audit (at_ms);
CREATE TABLE IF NOT EXISTS fv_secret_audit_head (
  id          INT          NOT NULL CONSTRAINT fv_secret_audit_head_pk PRIMARY KEY,
  last_seq    BIGINT       NOT NULL,
  last_hash   VARCHAR(64)  NOT NULL,
  anchor_seq  BIGINT       NOT NULL,
  anchor_hash VARCHAR(64)  NOT NULL,
  keyed_from  BIGINT,
  head_mac    VARCHAR(160)
);
-- changeset fieldvault-secrets-3-keyed-audit, for tables created by an earlier version
ALTER TABLE fv_secret_audit ADD COLUMN IF NOT EXISTS mac VARCHAR(160);
ALTER TABLE fv_secret_audit_head ADD COLUMN IF NOT EXISTS keyed_from BIGINT;
ALTER TABLE fv_secret_audit_head ADD COLUMN IF NOT EXISTS head_mac VARCHAR(160);
-- changeset fieldvault-secrets-store-defaults, for tables created by an earlier version
ALTER TABLE fv_secret_store ADD COLUMN IF NOT EXISTS default_ttl_ms BIGINT;
ALTER TABLE fv_secret_store ADD COLUMN IF NOT EXISTS version_max_age_ms BIGINT;
-- changeset fieldvault-secrets-entry-ids: stable ids (given to existing entries here) and creators
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS entry_id VARCHAR(36);
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS created_by VARCHAR(200);
UPDATE fv_secret_entry SET entry_id = CAST(gen_random_uuid() AS VARCHAR(36)) WHERE entry_id IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS fv_secret_entry_id_uk ON fv_secret_entry (store_id, entry_id);
-- changeset fieldvault-secrets-4-envelope: a data key per value (docs/FORMAT.md, secrets vault envelope)
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS dek_ct BYTEA;
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS dek_version INT;
ALTER TABLE fv_secret_version ADD COLUMN IF NOT EXISTS dek_ct BYTEA;
ALTER TABLE fv_secret_version ADD COLUMN IF NOT EXISTS dek_version INT;
-- changeset fieldvault-secrets-5-sealed-kdf: sealed stores' key derivation per store
ALTER TABLE fv_secret_store ADD COLUMN IF NOT EXISTS sealed_kdf VARCHAR(200);
ALTER TABLE fv_secret_store ADD COLUMN IF NOT EXISTS sealed_kdf_prev VARCHAR(200);
INSERT INTO fv_secret_audit_head (id, last_seq, last_hash, anchor_seq, anchor_hash)
  SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000'
  WHERE NOT EXISTS (SELECT 1 FROM fv_secret_audit_head WHERE id = 1);
-- changeset s16a-1-kinds-and-request-context: typed kinds (NULL: GENERIC) and request context on audit events
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS kind VARCHAR(32);
ALTER TABLE fv_secret_audit ADD COLUMN IF NOT EXISTS client_addr VARCHAR(255);
ALTER TABLE fv_secret_audit ADD COLUMN IF NOT EXISTS user_agent VARCHAR(255);
ALTER TABLE fv_secret_audit ADD COLUMN IF NOT EXISTS request_id VARCHAR(255);
ALTER TABLE fv_secret_audit ADD COLUMN IF NOT EXISTS hash_version INT;
CREATE INDEX IF NOT EXISTS fv_secret_audit_rid_ix ON fv_secret_audit (request_id);
-- changeset s16b-1-scheduler-leases: the scheduler's lease row per task, and the expiry warning sent per entry
CREATE TABLE IF NOT EXISTS fv_secret_task_lease (
  task           VARCHAR(40)  NOT NULL CONSTRAINT fv_secret_task_lease_pk PRIMARY KEY,
  owner          VARCHAR(200),
  lease_until_ms BIGINT       NOT NULL,
  next_run_ms    BIGINT       NOT NULL,
  last_start_ms  BIGINT,
  last_end_ms    BIGINT,
  last_owner     VARCHAR(200),
  last_outcome   VARCHAR(16),
  last_detail    VARCHAR(500)
);
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS expiry_warned_version BIGINT;
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS expiry_warned_ms BIGINT;
