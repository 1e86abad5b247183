#!/usr/bin/env bash
# Builds the class-data archive of the leasehold command line (AppCDS) at package time:
#   bash src/main/cds/train.sh target/leasehold.jar target
# writes target/leasehold.jsa (the archive) and target/leasehold (the launcher that uses it).
#
# It runs the jar for the start-up paths that must be fast (--help, --version, a command's help,
# credential-process answering from its lease cache, catalog validate), each with
# -XX:DumpLoadedClassList, in a throw-away HOME, merges the class names in a fixed order, and dumps a
# static archive of those classes from the jar (-Xshare:dump). Neither file is a jar, so the release
# check's jar comparison does not see them; the archive is only valid for the jar it was built from (the
# JVM checks the jar's size and time and ignores an archive that does not match). If the JVM cannot dump
# an archive the build goes on without one: the launcher then runs the jar without it.
set -euo pipefail
jar="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
out="$(cd "$2" && pwd)"
src="$(cd "$(dirname "$0")" && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

install -m 0755 "$src/leasehold" "$out/leasehold"
rm -f "$out/leasehold.jsa"

home="$work/home"
mkdir -p "$home"
catalog="$work/leasehold.yaml"
cat > "$catalog" <<'YAML'
version: 1
agent:
  name: training
defaults:
  duration: 15m
  region: us-east-1
roles:
  s3-deploy:
    arn: arn:aws:iam::123456789012:role/training-s3-deploy
    description: Read the deploy bucket.
    permissions:
      - effect: Allow
        actions: ["s3:GetObject"]
        resources: ["arn:aws:s3:::training-deploy/*"]
YAML
reason="read the release notes from the deploy bucket"
# A lease in credential-process's cache, named as the command names it (LeaseCache: SHA-256 of the task's
# parts, each followed by a NUL byte; the first 40 hex digits).
python3 - "$home" "$catalog" "$reason" <<'PY'
import hashlib, os, sys, datetime
home, catalog, reason = sys.argv[1:4]
parts = ["v1", os.path.normpath(os.path.abspath(catalog)), "null", "training", "null", "null", "s3-deploy", reason,
         "s3:GetObject", "", "null"]
h = hashlib.sha256()
for p in parts:
    h.update(p.encode("utf-8")); h.update(b"\0")
folder = os.path.join(home, ".cache", "leasehold", "leases")
os.makedirs(folder, mode=0o700)
os.chmod(folder, 0o700)
path = os.path.join(folder, h.hexdigest()[:40] + ".json")
expires = (datetime.datetime.utcnow() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
os.write(fd, ('{"Version":1,"AccessKeyId":"ASIATRAININGCACHED01","SecretAccessKey":"trainingSecretNotAKey",'
              '"SessionToken":"training-token","Expiration":"%s"}' % expires).encode())
os.close(fd)
os.chmod(path, 0o600)
PY

n=0
train() {
  n=$((n + 1))
  env -i PATH="$PATH" HOME="$home" "$java" -Xshare:auto -XX:DumpLoadedClassList="$work/classes-$n.lst" \
    -jar "$jar" "$@" > "$work/out-$n.txt" 2> "$work/err-$n.txt" || true
}
train --help
train --version
train credential-process --help
train credential-process --catalog "$catalog" --role s3-deploy --reason "$reason" --intent s3:GetObject --profile training
if ! grep -q ASIATRAININGCACHED01 "$work/out-$n.txt"; then
  echo "cds: credential-process did not answer from its cache while training; the archive will miss that path" >&2
  cat "$work/err-$n.txt" >&2
fi
train catalog validate "$catalog"

LC_ALL=C sort -u "$work"/classes-*.lst | grep -v '^#' > "$work/classes.lst"
if "$java" -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile="$out/leasehold.jsa" \
    -cp "$jar" > "$work/dump.txt" 2>&1; then
  echo "cds: $(wc -l < "$work/classes.lst") classes archived in $out/leasehold.jsa ($(wc -c < "$out/leasehold.jsa") bytes)"
else
  rm -f "$out/leasehold.jsa"
  echo "cds: this JVM could not dump a class-data archive; the launcher runs the jar without one" >&2
  tail -5 "$work/dump.txt" >&2
fi
