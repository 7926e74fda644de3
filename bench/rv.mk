# karasu-rv benchmarks: this project's own C workloads (bench/rv/*.c), built natively (x86-64) and for
# riscv64 (static), then timed side by side by bench/rv/run.sh: native, qemu-riscv64, karasu-rv (JIT)
# and karasu-rv --interp (on a smaller size), medians of BENCH_RUNS paired rounds (CPU time), with the
# speed goals marked met or missed. `make bench` runs it; `make bench-rv` alone; BENCH_RV_FLAGS= more
# options of run.sh (--quick, --no-interp, --no-qemu, workload names; bench/rv/run.sh --help).
RV_BENCH_SRCS := $(sort $(wildcard bench/rv/*.c))
RV_BENCH_NAMES := $(patsubst bench/rv/%.c,%,$(RV_BENCH_SRCS))
RV_BENCH_OUT := $(BUILD)/bench/rv
RV_BENCH_NATIVE := $(addprefix $(RV_BENCH_OUT)/native/,$(RV_BENCH_NAMES))
RV_BENCH_RISCV := $(addprefix $(RV_BENCH_OUT)/riscv64/,$(RV_BENCH_NAMES))
# -ffp-contract=off: no fused multiply-add on either side, so FP checksums are identical.
RV_BENCH_CFLAGS := -std=gnu11 -O2 -ffp-contract=off $(WARN) -I.
BENCH_RV_FLAGS ?=

$(RV_BENCH_OUT)/native/%: bench/rv/%.c bench/rv/bench.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(RV_BENCH_CFLAGS) -o $@ $< -lm -pthread

$(RV_BENCH_OUT)/riscv64/%: bench/rv/%.c bench/rv/bench.h
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(RV_BENCH_CFLAGS) -static -o $@ $< -lm -pthread

rv-bench-programs: $(RV_BENCH_NATIVE) $(RV_BENCH_RISCV)

bench-rv: $(RV_BENCH_NATIVE) $(RV_BENCH_RISCV) $(BUILD)/rv/karasu-rv
	$(Q)BUILD=$(BUILD) bench/rv/run.sh $(BENCH_RV_FLAGS)

BENCH_TARGETS += bench-rv
.PHONY: bench-rv rv-bench-programs
