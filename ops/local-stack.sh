#!/usr/bin/env bash
# A real Kafka broker (KRaft) and a local schema registry on loopback, without Docker, for
# running the analyzer by hand. Arguments: [--kafka-port 9092] [--registry-port 8081]
# [--data-dir .faultline/local]. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests -pl ops/local -am
exec mvn -B -q -pl ops/local exec:java -Dexec.mainClass=dev.faultline.local.LocalStack -Dexec.args="$*"
