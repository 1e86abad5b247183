#!/usr/bin/env bash
# Runtime dependency footprint of leasehold-core next to software.amazon.awssdk:sts alone: jar count and bytes.
# Usage (from the repository root): benchmarks/footprint/footprint.sh
# Needs the leasehold jars built: ./mvnw -B -pl core -am package -DskipTests (the script does it).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=benchmarks/target/footprint
rm -rf "$out" && mkdir -p "$out"

./mvnw -B -q -pl core -am package -DskipTests
# leasehold-core's runtime classpath: its own jar plus every runtime dependency (approval-spi from the reactor).
./mvnw -B -q -pl core -am dependency:list -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true \
  -DexcludeTransitive=false -DoutputFile="$PWD/$out/core-deps.txt" -DappendOutput=false >/dev/null
./mvnw -B -q -f benchmarks/footprint/sts-only.pom.xml dependency:list -DincludeScope=runtime \
  -DoutputAbsoluteArtifactFilename=true -DoutputFile="$PWD/$out/sts-deps.txt" >/dev/null

jars() { # the jar paths listed in a dependency:list file
  grep -oE '/[^ ]+\.jar' "$1" | sort -u
}
{ jars "$out/core-deps.txt" | grep -v 'leasehold-approval-spi'; ls core/target/leasehold-core-*.jar approval-spi/target/leasehold-approval-spi-*.jar | grep -v -- '-sources\|-javadoc\|-tests'; } \
  | sort -u > "$out/core-jars.txt"
jars "$out/sts-deps.txt" > "$out/sts-jars.txt"
# dependency:list names the artifact itself only for jars; sts is a dependency here, so it is listed.

summary() { # label file
  local count bytes
  count=$(wc -l < "$2")
  bytes=$(xargs stat -c %s < "$2" | awk '{s+=$1} END {print s}')
  printf '| %s | %d | %s | %s MiB |\n' "$1" "$count" "$bytes" "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"
}
{
  echo "| Runtime classpath | Jars | Bytes | Size |"
  echo "| --- | --- | --- | --- |"
  summary "leasehold-core (with leasehold-approval-spi)" "$out/core-jars.txt"
  summary "software.amazon.awssdk:sts alone" "$out/sts-jars.txt"
  echo
  echo "Jars leasehold-core adds on top of sts:"
  echo
  comm -23 <(xargs -n1 basename < "$out/core-jars.txt" | sort) <(xargs -n1 basename < "$out/sts-jars.txt" | sort) \
    | while read -r j; do printf -- '- %s (%s bytes)\n' "$j" "$(stat -c %s "$(grep "/$j\$" "$out/core-jars.txt")")"; done
} | tee "$out/footprint.md"
