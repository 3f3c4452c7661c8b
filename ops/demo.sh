#!/usr/bin/env bash
# One command on a fresh machine: build, then run the analyzer on a local broker and
# registry with sample incident traffic, printing live output. Extra arguments go to the
# demo (e.g. --duration 300). Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building (first run downloads dependencies from Maven Central) ..."
mvn -B -q install -DskipTests
exec mvn -B -q -pl ops/demo exec:java -Dexec.args="$*"
