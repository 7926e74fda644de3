# Partitions and hypercalls (bench/partitions/run.sh): two karasu-rv partitions booting side by side
# against one alone, and the round trip of one hypercall on karasu-rv and karasu-hv. `make bench` runs it;
# `make bench-partitions` alone. BENCH_RUNS=N (default 5); BENCH_PARTITIONS_FLAGS= more options (--help).
BENCH_PARTITIONS_FLAGS ?=

bench-partitions: rv-payload hvtest-rv hv-payload $(KARASU_RV)
	$(Q)BUILD=$(BUILD) bench/partitions/run.sh $(BENCH_PARTITIONS_FLAGS)

BENCH_TARGETS += bench-partitions
.PHONY: bench-partitions
