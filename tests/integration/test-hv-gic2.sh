#!/usr/bin/env bash
# karasu-hv on a GICv2 machine (QEMU virt, gic-version=2: the GIC-400 family that boards like the Raspberry Pi 4
# have): the karasu-hv integration tests run again with KARASU_HV_GIC=2, which scripts/run-hv passes to QEMU;
# karasu then drives the GICv2 (distributor, CPU interface, list registers through GICH) and gives its guests
# an emulated GICv2 distributor and the hardware's virtual CPU interface. Every check of every script becomes
# one TAP line here, prefixed "GICv2 NAME:"; the hvtest cases that program the GIC run their GICv2 variants
# (guest/hvtest/arm64). The scripts are the same as on GICv3, so what they check is the same; only the
# interrupt controller underneath differs. Takes about as long as those tests on GICv3 (3-5 minutes).
. tests/integration/lib.sh
export KARASU_HV_GIC=2
for name in boot two-guests hvtest synic disk console panic hostile; do
	script=tests/integration/test-hv-$name.sh
	out=$(mktemp "${TMPDIR:-/tmp}/karasu-gic2.XXXXXX")
	bash "$script" >"$out" 2>&1
	rc=$?
	sub_failed=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*) tap_ok "GICv2 $name: $(echo "$line" | sed -E 's/^ok [0-9]+ - //')" ;;
		"not ok "*)
			tap_fail "GICv2 $name: $(echo "$line" | sed -E 's/^not ok [0-9]+ - //')"
			sub_failed=$((sub_failed + 1)) ;;
		*) [ $sub_failed -eq 0 ] || echo "    $line" ;; # a failure's details (log tail)
		esac
	done <"$out"
	if [ $rc -ne 0 ] && [ $sub_failed -eq 0 ]; then
		tap_fail "GICv2 $name: $script exited $rc without a failed check" "$out"
	fi
	if ! grep -qE '^(not )?ok ' "$out"; then
		tap_fail "GICv2 $name: $script printed no check" "$out"
	fi
	rm -f "$out"
done
tap_done
