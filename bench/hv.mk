# karasu-hv benchmarks (bench/hv/boot-bench): boot time bare Linux vs the same guest under karasu (started by
# QEMU -kernel and by U-Boot, paired ratios to bare Linux by -kernel), on GICv3 and GICv2, and the idle guest's
# exits per second per vCPU by reason. BENCH_ROUNDS=, BENCH_IDLE_S= and BENCH_GIC= ("3 2") tune it.
BENCH_TARGETS += bench-hv
bench-hv: hv-payload
	$(Q)BUILD=$(BUILD) bench/hv/boot-bench --no-build
.PHONY: bench-hv
