#!/usr/bin/env bash
# Runs each fuzz target for a while: tests/fuzz/run-fuzz.sh BUILD_DIR SECONDS TARGET...
# Each target's corpus is BUILD_DIR/fuzz-corpus/TARGET, seeded from the files and folders
# its CMake lists (BUILD_DIR/tests/fuzz/TARGET.seeds); what a run adds stays there, not in
# the repository. Findings land in BUILD_DIR/fuzz-artifacts/TARGET/. Prints executions per
# second per target and fails when any target found something.
set -euo pipefail
build=$1
seconds=$2
shift 2
status=0
summary=()
for target in "$@"; do
  corpus=$build/fuzz-corpus/$target
  artifacts=$build/fuzz-artifacts/$target/
  mkdir -p "$corpus" "$artifacts"
  while read -r seed; do
    [[ -z "$seed" ]] && continue
    if [[ -d "$seed" ]]; then
      for file in "$seed"/*; do
        [[ -f "$file" ]] && cp "$file" "$corpus/seed-$(basename "$seed")-$(basename "$file")"
      done
    elif [[ -f "$seed" ]]; then
      cp "$seed" "$corpus/seed-$(basename "$(dirname "$seed")")-$(basename "$seed")"
    fi
  done <"$build/tests/fuzz/$target.seeds"
  log=$build/fuzz-artifacts/$target.log
  echo "fuzz-$target: ${seconds} s on $(ls "$corpus" | wc -l) inputs" >&2
  if ! "$build/bin/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1; then
    status=1
    echo "fuzz-$target FOUND A FAULT (inputs in $artifacts); the end of its log:" >&2
    tail -40 "$log" >&2
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  summary+=("$(printf '%-14s %10s runs %6s s %8s exec/s' "$target" "${runs:-?}" "${time:-?}" \
    "$([[ -n "${runs:-}" && -n "${time:-}" && "$time" -gt 0 ]] && echo $((runs / time)) || echo '?')")")
done
printf '%s\n' "${summary[@]}"
exit $status
