# Benchmarks: each area adds a phony target to BENCH_TARGETS that prints one table of ratios measured
# side by side in one run. Never a test: the machines are noisy.
-include bench/rv.mk
-include bench/rv-system.mk
-include bench/partitions.mk
-include bench/hv.mk
