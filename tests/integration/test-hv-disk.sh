#!/usr/bin/env bash
# The guest's virtio-blk disk (configs/karasu.cfg: /disk0.img on the FAT32 boot disk, written by
# scripts/mkguestdisk with a known pattern) is readable and writable from inside the guest, and the write
# lands in disk0.img on the boot disk.
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"
# Logs are written in a private directory (another run of this test may be going on) and copied to
# $logs at the end.
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hvtest.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
console=$run/hv-disk.console.log
out=$run/hv-disk.run.log
work=$run
token="karasu-write-$$-$RANDOM"
sector=77

# r N: the first line of sector N (NULs dropped).
cmd="d=/dev/vda; r() { dd if=\$d bs=512 skip=\$1 count=1 2>/dev/null | tr -d '\\000' | head -n1; };"
cmd+=" echo hdr=\$(r 0); echo s1000=\$(r 1000);"
cmd+=" echo $token | dd of=\$d bs=512 seek=$sector conv=sync,fsync 2>/dev/null;"
cmd+=" echo 3 >/proc/sys/vm/drop_caches; echo back=\$(r $sector)"

run_timeout 420 "$out" scripts/run-hv --no-build --quiet --config configs/karasu.cfg --timeout 400 \
	--log "$console" --keep-disk "$work/boot.img" --cmd "$cmd"
rc=$?
cat "$out" >>"$console"
if [ $rc -eq 0 ]; then tap_ok "run-hv: the disk commands ran"; else
	tap_fail "run-hv: the disk commands ran (exit $rc)" "$console"; fi
check_log "the guest has a virtio disk of 2048 sectors" "$console" 'KARASU-DISK name=linux dev=/dev/vda sectors=2048 '
check_log "sector 0 reads back the disk's header" "$out" '^\[linux\] hdr=KARASU-DISK-IMAGE label=disk0 sectors=2048$'
check_log "sector 1000 reads back its pattern" "$out" '^\[linux\] s1000=disk0 sector 00001000 *$'
check_log "a written sector reads back after dropping the page cache" "$out" "^\\[linux\\] back=$token\$"
if [ -f "$work/boot.img" ] && mcopy -n -i "$work/boot.img@@1M" ::/disk0.img "$work/disk0.img" 2>/dev/null; then
	got=$(dd if="$work/disk0.img" bs=512 skip=$sector count=1 2>/dev/null | tr -d '\000' | head -n1)
	if [ "$got" = "$token" ]; then tap_ok "the write reached disk0.img on the boot disk"; else
		echo "sector $sector of disk0.img holds: '$got' (want '$token')" >>"$console"
		tap_fail "the write reached disk0.img on the boot disk" "$console"; fi
else
	tap_fail "the write reached disk0.img on the boot disk (cannot read disk0.img from the boot disk)" "$console"
fi
tap_done
