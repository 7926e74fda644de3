# karasu-hv benchmarks (bench/hv/boot-bench): boot time bare Linux vs the same guest under karasu, and the
# idle guest's exits per second per vCPU by reason. BENCH_ROUNDS= and BENCH_IDLE_S= tune it.
BENCH_TARGETS += bench-hv
bench-hv: hv-payload
	$(Q)BUILD=$(BUILD) bench/hv/boot-bench --no-build
.PHONY: bench-hv
