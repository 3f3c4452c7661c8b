#!/usr/bin/env bash
# One command on a fresh machine: build, then 'faultline demo': a local broker and registry,
# two analyzer instances and the default incident, with live output. Extra arguments go to
# the demo (e.g. --duration 5m, --scenario bad-deploy, --instances 3; --help lists them).
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "building (first run downloads dependencies from Maven Central) ..."
mvn -B -q install -DskipTests
exec bin/faultline demo "$@"
