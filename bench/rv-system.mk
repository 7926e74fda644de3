# karasu-rv system mode against qemu-system-riscv64 (bench/rv-system/run.sh): the same Debian riscv64
# kernel, initramfs, bootargs, 1G of RAM and hart count on both; boot times and in-guest workloads, with
# karasu-rv's built-in SBI and with Debian's OpenSBI. `make bench` runs it; `make bench-rv-system` alone.
# BENCH_RUNS=N (default 5) runs per configuration; BENCH_RV_SYSTEM_FLAGS= more options of run.sh (--help).
#
# The benchmark initramfs is the default one (guest/init/init, busybox, virtio modules) plus the guest
# half of the benchmark and the riscv64 build of bench/rv/lz.c; the default initramfs is not changed.
# The paths below are those of rv/run.mk (guest payload) and bench/rv.mk (workload builds), spelled out
# because this fragment may be read before them.
RV_SYSTEM_BENCH_OUT := $(BUILD)/bench/rv-system
RV_SYSTEM_BENCH_INITRD := $(RV_SYSTEM_BENCH_OUT)/initrd.gz
RV_SYSTEM_BENCH_LZ_RISCV := $(BUILD)/bench/rv/riscv64/lz
RV_SYSTEM_BENCH_LZ_NATIVE := $(BUILD)/bench/rv/native/lz
BENCH_RV_SYSTEM_FLAGS ?=

$(RV_SYSTEM_BENCH_INITRD): $(BUILD)/guest-rv/busybox guest/init/init scripts/mkinitramfs \
		bench/rv-system/guest-workloads $(RV_SYSTEM_BENCH_LZ_RISCV)
	@mkdir -p $(dir $@)
	$(Q)BUILD=$(BUILD) scripts/mkinitramfs --guest $(BUILD)/guest-rv --out $@ \
		--extra bench/rv-system/guest-workloads:/usr/bin/rv-system-workloads \
		--extra $(RV_SYSTEM_BENCH_LZ_RISCV):/usr/bin/bench-lz

rv-system-bench-payload: rv-payload $(RV_SYSTEM_BENCH_INITRD) $(RV_SYSTEM_BENCH_LZ_NATIVE)

bench-rv-system: rv-system-bench-payload $(KARASU_RV)
	$(Q)BUILD=$(BUILD) bench/rv-system/run.sh $(BENCH_RV_SYSTEM_FLAGS)

BENCH_TARGETS += bench-rv-system
.PHONY: bench-rv-system rv-system-bench-payload
