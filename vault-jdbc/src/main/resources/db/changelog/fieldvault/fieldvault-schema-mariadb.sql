-- FieldVault key store and rotation work tables for mariadb (equivalent to fieldvault-changelog.xml).
-- Run it once per database, as is or with the prefix "fieldvault_" replaced by your own.
-- The application account needs SELECT, INSERT, UPDATE on these tables.

-- Data keysets, each encrypted under the KEK. version grows by one per change (optimistic locking).
CREATE TABLE IF NOT EXISTS fieldvault_keyset (
  name        VARCHAR(128) NOT NULL,
  purpose     VARCHAR(32)  NOT NULL,
  kek_id      VARCHAR(512) NOT NULL,
  version     BIGINT       NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  document    LONGTEXT         NOT NULL,
  updated_at  BIGINT       NOT NULL,
  CONSTRAINT fieldvault_keyset_pk PRIMARY KEY (name)
);

-- One row per rotation and table: its key ranges have been planned.
CREATE TABLE IF NOT EXISTS fieldvault_rotation (
  rotation_id  VARCHAR(160) NOT NULL,
  table_name   VARCHAR(160) NOT NULL,
  range_count  INT          NOT NULL,
  total_rows   BIGINT       NOT NULL,
  created_at   BIGINT       NOT NULL,
  CONSTRAINT fieldvault_rotation_pk PRIMARY KEY (rotation_id, table_name)
);

-- The key ranges of a rotation, claimed by workers with leases; the checkpoint of each range.
CREATE TABLE IF NOT EXISTS fieldvault_rotation_range (
  rotation_id     VARCHAR(160) NOT NULL,
  table_name      VARCHAR(160) NOT NULL,
  range_no        INT          NOT NULL,
  lower_key       VARCHAR(255),
  upper_key       VARCHAR(255),
  state           VARCHAR(16)  NOT NULL,
  owner           VARCHAR(160),
  claim_count     INT          NOT NULL,
  lease_until     BIGINT       NOT NULL,
  checkpoint_key  VARCHAR(255),
  rows_scanned    BIGINT       NOT NULL,
  rows_rewrapped  BIGINT       NOT NULL,
  rows_conflicted BIGINT       NOT NULL,
  CONSTRAINT fieldvault_rotation_range_pk PRIMARY KEY (rotation_id, table_name, range_no)
);

-- Composite primary keys (changeset fieldvault-rotation-2): range bounds and checkpoints are JSON
-- arrays of up to four key values. Exact key text (changeset fieldvault-rotation-3-exact-keys): they hold
-- any character of an application's keys as written, whatever the database's default character set
-- (latin1 on many older databases). Widens and converts tables created by an earlier version; running it
-- again is harmless.
ALTER TABLE fieldvault_rotation_range
  MODIFY lower_key VARCHAR(4000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  MODIFY upper_key VARCHAR(4000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  MODIFY checkpoint_key VARCHAR(4000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;

-- Exact keyset names (changeset fieldvault-keystore-2-exact-names): "acme-aead" and "Acme-aead" are two
-- keysets, which the default collations of MariaDB and MySQL would merge. Running it again is harmless.
ALTER TABLE fieldvault_keyset MODIFY name VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
