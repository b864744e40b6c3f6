#!/usr/bin/env bash
# A user of @Encrypted alone, as a separate project against the installed artifacts (run after
# `mvn install`): its dependency tree has vault-hibernate and vault-tink-keys, and none of the secrets
# vault, vault-jdbc or JSqlParser (Gson stays: Tink itself depends on it). Also checks that every
# installed FieldVault jar names its Automatic-Module-Name.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n1)"
repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>encrypted-only</artifactId>
  <version>1</version>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>dev.fieldvault</groupId>
        <artifactId>fieldvault-bom</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>dev.fieldvault</groupId>
      <artifactId>vault-hibernate</artifactId>
    </dependency>
  </dependencies>
</project>
POM
( cd "$dir" && mvn -B -q ${MAVEN_OFFLINE:+-o} ${MAVEN_REPO_LOCAL:+-Dmaven.repo.local="$MAVEN_REPO_LOCAL"} \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:tree -DoutputFile=tree.txt )
cat "$dir/tree.txt"
grep -q 'dev.fieldvault:vault-hibernate:jar' "$dir/tree.txt"
grep -q 'dev.fieldvault:vault-tink-keys:jar' "$dir/tree.txt"
if grep -E 'dev\.fieldvault:vault-(jdbc|secrets)|com\.github\.jsqlparser|org\.hibernate\.orm:hibernate-core' "$dir/tree.txt"; then
  echo "an @Encrypted-only project must not pull in these (vault-jdbc is optional, hibernate-core provided)" >&2
  exit 1
fi
for a in vault-tink-keys vault-jdbc vault-secrets vault-hibernate vault-cli; do
  jar="$repo/dev/fieldvault/$a/$version/$a-$version.jar"
  name="$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Automatic-Module-Name: //p')"
  echo "$a: Automatic-Module-Name $name"
  case "$name" in dev.fieldvault.*) ;; *) echo "$jar has no Automatic-Module-Name" >&2; exit 1 ;; esac
done
echo "encrypted-only consumer: OK"
