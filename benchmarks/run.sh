#!/usr/bin/env bash
# The side-by-side benchmark: builds the agent and the benchmarks, then runs every workload with
# and without the agent (forks interleaved) and writes a Markdown table.
#
#   benchmarks/run.sh                                  # agent vs. none (about 10 min on 2 cores)
#   benchmarks/run.sh --variants=agent,agent-nophases,debug,jfr   # the anchors too (about 18 min)
#   benchmarks/run.sh --help                           # every option
#
# Options are passed to the driver (dev.handshakeagent.bench.Compare). JAVA_HOME or --jvm picks
# the JDK the forks run on; the result goes to benchmarks/target/bench-results/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ " $* " != *" --no-build "* ]]; then
  mvn -B -q -ntp install -DskipTests -pl bridge,agent,benchmarks -am
fi
args=()
for a in "$@"; do
  [[ "$a" == "--no-build" ]] || args+=("$a")
done
exec java -jar benchmarks/target/benchmarks.jar "${args[@]}"
