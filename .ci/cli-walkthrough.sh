#!/usr/bin/env bash
# Runs the walk-through of docs/CLI.md (the bash block between the ci-walkthrough markers) with a given
# `fieldvault` launcher against one database, in a scratch directory, and checks what it printed.
#   .ci/cli-walkthrough.sh LAUNCHER postgresql|mariadb
# The database is the CI's (FIELDVAULT_TEST_POSTGRES_URL / FIELDVAULT_TEST_MARIADB_URL, their _USER and
# _PASSWORD); the walk-through's tables are dropped first and created as docs/CLI.md says.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
launcher="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
kind="$2"

case "$kind" in
  postgresql)
    url="$FIELDVAULT_TEST_POSTGRES_URL"; user="$FIELDVAULT_TEST_POSTGRES_USER"
    export DB_PASSWORD="$FIELDVAULT_TEST_POSTGRES_PASSWORD"
    dbname="${url##*/}"; dbname="${dbname%%\?*}"
    sql_client() { PGPASSWORD="$DB_PASSWORD" psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U "$user" "$dbname"; }
    ;;
  mariadb)
    url="$FIELDVAULT_TEST_MARIADB_URL"; user="$FIELDVAULT_TEST_MARIADB_USER"
    export DB_PASSWORD="$FIELDVAULT_TEST_MARIADB_PASSWORD"
    dbname="${url##*/}"; dbname="${dbname%%\?*}"
    sql_client() { MYSQL_PWD="$DB_PASSWORD" mariadb -h 127.0.0.1 -u "$user" "$dbname"; }
    ;;
  *) echo "usage: $0 LAUNCHER postgresql|mariadb" >&2; exit 2 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# a clean start: the walk-through creates the key store and secrets tables itself (`schema install`)
{
  [[ "$kind" == mariadb ]] && echo "SET FOREIGN_KEY_CHECKS = 0;"
  for t in customer legacy_user fieldvault_rotation_range fieldvault_rotation fieldvault_keyset fv_secret_version \
      fv_secret_entry fv_secret_store fv_secret_audit fv_secret_audit_head fv_secret_task_lease \
      databasechangelog databasechangeloglock \
      DATABASECHANGELOG DATABASECHANGELOGLOCK; do
    echo "DROP TABLE IF EXISTS $t CASCADE;"
  done
} | sql_client

# what the walk-through takes from its reader
DB="--jdbc-url $url --user $user --password-env DB_PASSWORD"
SQL=sql_client
fieldvault() { "$launcher" "$@"; }

block="$(sed -n '/<!-- ci-walkthrough:start -->/,/<!-- ci-walkthrough:end -->/p' "$root/docs/CLI.md" \
  | sed -e '1,/^```bash$/d' -e '/^```$/,$d')"
[[ -n "$block" ]] || { echo "no walk-through block in docs/CLI.md" >&2; exit 1; }

echo "--- docs/CLI.md walk-through on $kind ($(printf '%s\n' "$block" | grep -c '^fieldvault') fieldvault commands)"
# in a subshell that stops at the first failing command; it echoes each line as written (set -v: before
# expansion, so no secret), and leaves the secrets it made for the check below
set +e
(
  set -euo pipefail -v
  eval "$block"
  set +v
  printf '%s\n' "$FIELDVAULT_MASTER_SECRET" "${NEW_MASTER_SECRET:-}" > "$work/.secrets"
) > walkthrough.log 2>&1
rc=$?
set -e
cat walkthrough.log
[[ $rc -eq 0 ]] || { echo "walk-through on $kind failed (exit $rc)" >&2; exit 1; }

# what the walk-through must have shown
grep -qx "1111-2222" walkthrough.log || { echo "walk-through on $kind: the sealed secret was not read" >&2; exit 1; }
if grep -qF "sk-from-dotenv-1" <(grep -v '^printf' walkthrough.log); then
  echo "walk-through on $kind: an import printed a value" >&2; exit 1
fi
grep -qx "likes tea" walkthrough.log || { echo "walk-through on $kind: decrypt did not print the note" >&2; exit 1; }
for expected in "values not on a primary key: 0" "wrote oauth-tokens/github version 1" "intact:" \
    "gh-token-2" "imported 1 secrets" "TOO_NARROW" "every column fits" "plaintext values left: 0" \
    "deleted 1 keyset(s) of the keysets of tenant acme" "exported 1 namespaces, 1 secrets" \
    "[dry run] 2 created, 0 updated, 0 skipped" "2 created, 0 updated, 0 skipped (dotenv, skip into app-config)" \
    "created namespace recovery-codes (sealed, 3 versions kept)" "wrote recovery-codes/2fa version 1"; do
  grep -qF "$expected" walkthrough.log || { echo "walk-through on $kind: missing '$expected'" >&2; exit 1; }
done
while IFS= read -r secret; do
  if [[ -n "$secret" ]] && grep -qF -- "$secret" walkthrough.log; then
    echo "walk-through on $kind printed a master secret" >&2; exit 1
  fi
done < "$work/.secrets"
# the seeded table holds ciphertext only
stored="$(echo "SELECT email, note FROM customer ORDER BY id;" | sql_client)"
if grep -qE "ada@example.com|alan@example.com|likes tea" <<< "$stored"; then
  echo "walk-through on $kind: the seeded table holds plaintext" >&2; exit 1
fi
# the migrated table holds ciphertext only (the header-like legacy value included)
stored="$(echo "SELECT email, note FROM legacy_user ORDER BY id;" | sql_client)"
if grep -qE "grace@example.com|likes coffee|EAEAAAAAAAAAAAAAAAAA" <<< "$stored"; then
  echo "walk-through on $kind: the migrated table holds plaintext" >&2; exit 1
fi
echo "--- walk-through on $kind: ok"
