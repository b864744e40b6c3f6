-- FieldVault secrets vault tables for MariaDB: the plain-SQL equivalent of secrets-changelog.xml
-- (all its changesets). Run it as is, or with the prefix fv_secret_ replaced by your own. Running it
-- again, or over tables created by an earlier version, brings them up to date and changes no data.
-- The application account needs SELECT, INSERT, UPDATE, DELETE on these tables.
-- Identifier columns use utf8mb4_nopad_bin: names compare exactly (case, accents and trailing spaces
-- count), never as MariaDB's default collations do. MySQL 8: replace it by utf8mb4_0900_bin.
CREATE TABLE IF NOT EXISTS fv_secret_store (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  tenant       VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
  name         VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
  sealed       BOOLEAN      NOT NULL,
  max_versions INT          NOT NULL,
  default_ttl_ms     BIGINT,
  version_max_age_ms BIGINT,
  created_ms   BIGINT       NOT NULL,
  sealed_kdf   VARCHAR(200),
  sealed_kdf_prev VARCHAR(200),
  CONSTRAINT fv_secret_store_pk PRIMARY KEY (id),
  CONSTRAINT fv_secret_store_uk UNIQUE (tenant, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- name_key: the name, or its keyed hash in sealed stores; value_ct, dek_ct, dek_version: the envelope (docs/FORMAT.md);
-- metadata: plaintext JSON (never in sealed stores); value_ms: when the value last changed
CREATE TABLE IF NOT EXISTS fv_secret_entry (
  store_id   BIGINT       NOT NULL,
  name_key   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
  version    BIGINT       NOT NULL,
  value_ct   LONGBLOB     NOT NULL,
  metadata   LONGTEXT,
  expires_ms BIGINT,
  created_ms BIGINT       NOT NULL,
  updated_ms BIGINT       NOT NULL,
  value_ms   BIGINT       NOT NULL,
  updated_by VARCHAR(200),
  generator  VARCHAR(100),
  entry_id   VARCHAR(36),
  created_by VARCHAR(200),
  dek_ct     LONGBLOB,
  dek_version INT,
  CONSTRAINT fv_secret_entry_pk PRIMARY KEY (store_id, name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX IF NOT EXISTS fv_secret_entry_exp_ix ON fv_secret_entry (expires_ms);
CREATE TABLE IF NOT EXISTS fv_secret_version (
  store_id   BIGINT       NOT NULL,
  name_key   VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
  version    BIGINT       NOT NULL,
  value_ct   LONGBLOB     NOT NULL,
  metadata   LONGTEXT,
  created_ms BIGINT       NOT NULL,
  created_by VARCHAR(200),
  dek_ct     LONGBLOB,
  dek_version INT,
  CONSTRAINT fv_secret_version_pk PRIMARY KEY (store_id, name_key, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- the audit chain: hash links the events, mac authenticates each under the vault's keyring
CREATE TABLE IF NOT EXISTS fv_secret_audit (
  seq       BIGINT       NOT NULL,
  at_ms     BIGINT       NOT NULL,
  principal VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  tenant    VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  namespace VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  name      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  action    VARCHAR(32)  NOT NULL,
  outcome   VARCHAR(32)  NOT NULL,
  detail    VARCHAR(500),
  prev_hash VARCHAR(64)  NOT NULL,
  hash      VARCHAR(64)  NOT NULL,
  mac       VARCHAR(160),
  CONSTRAINT fv_secret_audit_pk PRIMARY KEY (seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX IF NOT EXISTS fv_secret_audit_at_ix ON fv_secret_audit (at_ms);
CREATE TABLE IF NOT EXISTS fv_secret_audit_head (
  id          INT          NOT NULL,
  last_seq    BIGINT       NOT NULL,
  last_hash   VARCHAR(64)  NOT NULL,
  anchor_seq  BIGINT       NOT NULL,
  anchor_hash VARCHAR(64)  NOT NULL,
  keyed_from  BIGINT,
  head_mac    VARCHAR(160),
  CONSTRAINT fv_secret_audit_head_pk PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- changesets fieldvault-secrets-2 (exact identifiers) and -3 (keyed audit), for tables created by an
-- earlier version
ALTER TABLE fv_secret_store MODIFY tenant VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
  MODIFY name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE fv_secret_entry MODIFY name_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE fv_secret_version MODIFY name_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE fv_secret_audit MODIFY principal VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL,
  MODIFY tenant VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL,
  MODIFY namespace VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL,
  MODIFY name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL;
ALTER TABLE fv_secret_audit ADD COLUMN IF NOT EXISTS mac VARCHAR(160);
ALTER TABLE fv_secret_audit_head ADD COLUMN IF NOT EXISTS keyed_from BIGINT,
  ADD COLUMN IF NOT EXISTS head_mac VARCHAR(160);
-- changeset fieldvault-secrets-4-envelope: a data key per value (docs/FORMAT.md, secrets vault envelope)
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS dek_ct LONGBLOB, ADD COLUMN IF NOT EXISTS dek_version INT;
ALTER TABLE fv_secret_version ADD COLUMN IF NOT EXISTS dek_ct LONGBLOB, ADD COLUMN IF NOT EXISTS dek_version INT;
-- changeset fieldvault-secrets-5-sealed-kdf: sealed stores' key derivation per store
ALTER TABLE fv_secret_store ADD COLUMN IF NOT EXISTS sealed_kdf VARCHAR(200), ADD COLUMN IF NOT EXISTS sealed_kdf_prev VARCHAR(200);
INSERT IGNORE INTO fv_secret_audit_head (id, last_seq, last_hash, anchor_seq, anchor_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000');
-- changeset fieldvault-secrets-store-defaults, for tables created by an earlier version
ALTER TABLE fv_secret_store ADD COLUMN IF NOT EXISTS default_ttl_ms BIGINT;
ALTER TABLE fv_secret_store ADD COLUMN IF NOT EXISTS version_max_age_ms BIGINT;
-- changeset fieldvault-secrets-entry-ids: stable ids (given to existing entries here) and creators
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS entry_id VARCHAR(36);
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS created_by VARCHAR(200);
UPDATE fv_secret_entry SET entry_id = UUID() WHERE entry_id IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS fv_secret_entry_id_uk ON fv_secret_entry (store_id, entry_id);
-- changeset s16a-1-kinds-and-request-context: typed kinds (NULL: GENERIC) and request context on audit
-- events (compared exactly, as names are)
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS kind VARCHAR(32);
ALTER TABLE fv_secret_audit ADD COLUMN IF NOT EXISTS client_addr VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  ADD COLUMN IF NOT EXISTS user_agent VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  ADD COLUMN IF NOT EXISTS request_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  ADD COLUMN IF NOT EXISTS hash_version INT;
CREATE INDEX IF NOT EXISTS fv_secret_audit_rid_ix ON fv_secret_audit (request_id);
-- changeset s16b-1-scheduler-leases: the scheduler's lease row per task, and the expiry warning sent per entry
CREATE TABLE IF NOT EXISTS fv_secret_task_lease (
  task           VARCHAR(40)  NOT NULL,
  owner          VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
  lease_until_ms BIGINT       NOT NULL,
  next_run_ms    BIGINT       NOT NULL,
  last_start_ms  BIGINT,
  last_end_ms    BIGINT,
  last_owner     VARCHAR(200),
  last_outcome   VARCHAR(16),
  last_detail    VARCHAR(500),
  CONSTRAINT fv_secret_task_lease_pk PRIMARY KEY (task)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
ALTER TABLE fv_secret_entry ADD COLUMN IF NOT EXISTS expiry_warned_version BIGINT,
  ADD COLUMN IF NOT EXISTS expiry_warned_ms BIGINT;
