#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz, nightly) one after the other, each seeded with testdata/,
# fuzz/seeds/ and fuzz/regressions/; the arguments go to libFuzzer (default: a bounded run).
#   fuzz/run.sh                          # each target: 20,000 runs or 30 s, whichever first
#   fuzz/run.sh -max_total_time=900      # each target 15 minutes
#   TARGETS=lint fuzz/run.sh -runs=1000  # one target
# A crash leaves its input in fuzz/artifacts/<target>/; copy it to fuzz/regressions/ once
# fixed, so `cargo test` (tests/fuzz_regressions.rs) replays it on stable.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
[ "${#flags[@]}" -gt 0 ] || flags=(-runs=20000 -max_total_time=30)
for target in ${TARGETS:-yaml fast lint config}; do
    case "$target" in
        config) seeds=(fuzz/seeds/config fuzz/regressions) ;;
        *) seeds=(testdata fuzz/seeds/yaml fuzz/regressions) ;;
    esac
    mkdir -p "fuzz/corpus/$target"
    echo "== cargo fuzz run $target ${flags[*]}"
    nice -n 10 cargo +nightly fuzz run -O -a "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${flags[@]}"
done
