#!/usr/bin/env bash
# Where karasu-rv spends its time on one program: runs it under `perf record` with --perf-map and prints
# the host time per guest function (the blocks of a function added up: the map names each block
# `rv:FUNCTION+OFFSET@PC`), then the hottest blocks, then karasu-rv's own functions (dispatcher,
# translator, helpers).
#
# usage: bench/rv/perf-profile.sh [-n LINES] PROGRAM [ARGS...]     (env: BUILD, KARASU_RV; perf data
#        goes to $BUILD/bench/rv/perf.data)
# Exit status: perf's or karasu-rv's failure, else 0.
set -eu
BUILD=${BUILD:-build}
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
lines=15
case "${1:-}" in
--help | -h | "")
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	[ -n "${1:-}" ] && exit 0 || exit 2
	;;
-n)
	lines=$2
	shift 2
	;;
esac
command -v perf >/dev/null || {
	echo "perf-profile: perf is not installed" >&2
	exit 1
}
data=$BUILD/bench/rv/perf.data
mkdir -p "$(dirname "$data")"
perf record -q -o "$data" -g -- "$KARASU_RV" --perf-map "$@" >/dev/null
# one line per symbol: PERCENT|DSO|[.] SYMBOL (for pzip, one per thread: they are added up below)
report=$(perf report -i "$data" --no-children --sort dso,sym --stdio -g none -t '|' 2>/dev/null | grep '%' |
	awk -F'|' '{ p = $1; gsub(/[ %]/, "", p); d = $2; sub(/ tid [0-9]+/, "", d); gsub(/ +$/, "", d);
	s = $3; sub(/^ *\[.\] /, "", s); t[d "|" s] += p } END { for (k in t) printf "%.2f|%s\n", t[k], k }' |
	sort -t'|' -k1,1 -rn)

echo "== guest functions (translated code; % of all samples)"
echo "$report" | awk -F'|' '$3 ~ /^rv:/ { name = $3; sub(/^rv:/, "", name); sub(/@.*/, "", name);
	sub(/\+0x.*/, "", name); t[name] += $1 } END { for (n in t) printf "%7.2f%%  %s\n", t[n], n }' |
	sort -rn | head -n "$lines"
echo "== hottest blocks"
echo "$report" | awk -F'|' '$3 ~ /^rv:/ { printf "%7.2f%%  %s\n", $1, $3 }' | head -n "$lines"
echo "== karasu-rv itself and the kernel"
echo "$report" | awk -F'|' '$3 !~ /^rv:/ { printf "%7.2f%%  %-18s %s\n", $1, $2, $3 }' | head -n "$lines"
