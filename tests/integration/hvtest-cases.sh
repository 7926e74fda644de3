# shellcheck shell=bash
# Helpers for the hvtest guest's console output (sourced after tests/integration/lib.sh; guest/hvtest/hvtest.h
# describes the lines). A case list has one line per case, in case-number order:
#   SCOPE<TAB>GROUP<TAB>PASS|FAIL<TAB>TEXT      (TEXT: the name; for FAIL the name, ": ", the details)
#
#   hvtest_cases LOG [GUEST]          the case list of LOG; with GUEST only the lines "[GUEST] ..." (a multi-guest
#                                     console), prefix removed
#   hvtest_tap LABEL LIST [LOG]       one TAP line per case ("LABEL: name"), failures with LOG's tail
#   hvtest_select LIST SCOPE [RE]     "GROUP<TAB>OUTCOME<TAB>TEXT" of the cases of SCOPE (shared|arch) whose
#                                     group matches the extended regex RE (default: any)
#   hvtest_compare WHAT A B NAME_A NAME_B   one TAP line: the selected lists A and B hold the same cases (groups,
#                                     names, order, outcomes); otherwise a diff, sides named NAME_A/NAME_B
#
# A console shared by several guests may show the start of a line that another guest's output interrupted and
# later the whole line again: per case number the last line counts, in the group that was current when the case
# first appeared; GROUP lines count only when complete.

hvtest_cases() {
	awk -v guest="${2:-}" '
		{ line = $0; sub(/\r$/, "", line) }
		guest != "" {
			p = "[" guest "] "
			if (index(line, p) != 1) next
			line = substr(line, length(p) + 1)
		}
		line ~ /^HVTEST-GROUP name=[A-Za-z0-9_.-]+ scope=(shared|arch)$/ {
			split(line, f, /[ =]/)
			group = f[3]; scope = f[5]
			next
		}
		line ~ /^HVTEST (PASS|FAIL) [0-9]+ / {
			split(line, f, " ")
			n = f[3] + 0
			if (n == 0) next # the exception handler'\''s "unexpected" line: no case of its own
			text = line
			sub(/^HVTEST (PASS|FAIL) [0-9]+ /, "", text)
			if (!(n in seen)) { seen[n] = 1; order[count++] = n; grp[n] = group; scp[n] = scope }
			out[n] = f[2]; txt[n] = text
		}
		END {
			for (i = 0; i < count; i++) {
				n = order[i]
				printf "%s\t%s\t%s\t%s\n", (scp[n] == "" ? "arch" : scp[n]), (grp[n] == "" ? "-" : grp[n]), out[n], txt[n]
			}
		}' "$1"
}

hvtest_tap() {
	local label=$1 list=$2 log=${3:-} outcome text
	while IFS=$'\t' read -r _ _ outcome text; do
		if [ "$outcome" = PASS ]; then tap_ok "$label: $text"; else tap_fail "$label: $text" "$log"; fi
	done <"$list"
}

hvtest_select() {
	awk -F '\t' -v scope="$2" -v re="${3:-.}" '$1 == scope && $2 ~ re { printf "%s\t%s\t%s\n", $2, $3, $4 }' "$1"
}

# A FAIL line's text is "name: details", and names may contain ": " too: where the other side passed the case,
# its name tells where the details start. Both sides are rewritten so that such a case compares by name.
hvtest_normalize() {
	awk -F '\t' '
		NR == FNR { if ($2 == "PASS") pass[$3] = 1; next }
		$2 == "FAIL" {
			best = ""
			for (p in pass) if (index($3, p ": ") == 1 && length(p) > length(best)) best = p
			if (best != "") $3 = best
		}
		{ printf "%s\t%s\t%s\n", $1, $2, $3 }' <(cat "$1" "$2") "$3"
}

hvtest_compare() {
	local what=$1 a=$2 b=$3 name_a=$4 name_b=$5 na nb d
	na=$(wc -l <"$a")
	nb=$(wc -l <"$b")
	if [ "$na" -eq 0 ] || [ "$nb" -eq 0 ]; then
		tap_fail "$what: cases on both sides ($name_a $na, $name_b $nb)"
		return
	fi
	d=$(diff -u --label "$name_a" --label "$name_b" <(hvtest_normalize "$a" "$b" "$a") \
		<(hvtest_normalize "$a" "$b" "$b"))
	if [ -z "$d" ]; then
		tap_ok "$what: $na cases, same groups, names, order and outcomes on $name_a and $name_b"
	else
		tap_fail "$what: the cases differ between $name_a and $name_b ($na and $nb cases; lines: group, outcome, name)"
		echo "$d" | head -n 80 | sed 's/^/    | /'
	fi
}
