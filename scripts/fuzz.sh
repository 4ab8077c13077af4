#!/usr/bin/env bash
# Runs the libFuzzer binary (built by `make fuzz` from Fuzz/) on each parser for a bounded time.
#   scripts/fuzz.sh SECONDS TARGET...
# Seeds: one file per line of the sample exports, the MediaCrawler examples in docs/examples/, the
# codebooks, a small annotation CSV, and every
# earlier crasher kept in Tests/StudyKitTests/Fixtures/fuzz-regressions/<target>/. A new crasher is
# copied there (replayed by RobustnessTests from then on) and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?seconds}; shift
binary=Fuzz/.build/release/fuzz-parsers
regressions=Tests/StudyKitTests/Fixtures/fuzz-regressions
work=.build/fuzz
[ -x "$binary" ] || { echo "fuzz: $binary is missing: run make fuzz" >&2; exit 1; }

seed_lines() {  # seed_lines FILE DIR COUNT: the first COUNT lines, one file each
    local i=0
    while IFS= read -r line && [ $i -lt "$3" ]; do
        printf '%s\n' "$line" > "$2/sample-$i"; i=$((i + 1))
    done < "$1"
}

total_runs=0; total_crashes=0
for target in "$@"; do
    corpus=$work/corpus/$target; artifacts=$work/artifacts/$target
    mkdir -p "$corpus" "$artifacts"
    case $target in
        x-json) seed_lines data/sample/x_keep4o.jsonl "$corpus" 150 ;;
        reddit) seed_lines data/sample/reddit_keep4o.ndjson "$corpus" 150 ;;
        csv)    header=$(head -1 data/sample/x_keep4o_twarc.csv)
                for n in 2 5 9 20 40; do { echo "$header"; sed -n "${n},$((n + 3))p" data/sample/x_keep4o_twarc.csv; } > "$corpus/sample-$n"; done
                printf 'id,text,created_at,platform,author,lang\n1,"hello, ""world""",2025-08-08T10:00:00Z,x,a1,en\n' > "$corpus/own-columns" ;;
        codebook) for f in codebooks/*.yaml; do cp "$f" "$corpus/"; done ;;
        mediacrawler-jsonl) cp docs/examples/mediacrawler/*.jsonl "$corpus/" ;;
        mediacrawler-json) cp docs/examples/mediacrawler/*.json "$corpus/" ;;
        mediacrawler-csv) cp docs/examples/mediacrawler/*.csv "$corpus/"
                printf '%s\r\n%s\r\n' 'note_id,type,title,desc,time,liked_count,source_keyword' \
                    'n1,normal,"标题","多行\n正文, ""引号""",1754749800000,1.2万,keep4o' > "$corpus/xhs-notes" ;;
        annotation-csv) printf 'post_id,platform,language,created_at,status,relevant,companion,note,text\r\n12,x,en,2025-08-08,coded,1,0,"a ""note""","multi\nline"\r\n13,x,ja,2025-08-09,skipped,,,,\r\n' > "$corpus/export" ;;
    esac
    [ -d "$regressions/$target" ] && cp "$regressions/$target"/* "$corpus/" 2>/dev/null || true
    log=$work/$target.log
    set +e
    FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$binary" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" > "$log" 2>&1
    status=$?
    set -e
    # Final stats are printed on a normal end; after a crash, the last "#N" progress line counts.
    runs=$({ grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" || grep -o '^#[0-9]*' "$log" || true; } | grep -o '[0-9]*$' | tail -1 || true)
    runs=${runs:-0}
    crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    if [ "$crashes" -gt 0 ]; then
        mkdir -p "$regressions/$target"
        cp "$artifacts"/* "$regressions/$target/"
        rm -f "$artifacts"/*
    elif [ $status -ne 0 ]; then
        echo "fuzz: $target: fuzzer exited $status without an artifact; see $log" >&2; tail -20 "$log" >&2; exit 1
    fi
    printf 'fuzz %-15s %8d inputs in %ss, %d crashes\n' "$target" "$runs" "$seconds" "$crashes"
    total_runs=$((total_runs + runs)); total_crashes=$((total_crashes + crashes))
done
echo "fuzz: inputs tried: $total_runs; crashes found: $total_crashes"
if [ "$total_crashes" -gt 0 ]; then
    echo "fuzz: crashing inputs were copied to $regressions/<target>/: fix the parser, then make test replays them" >&2
    exit 1
fi
