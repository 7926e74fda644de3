# Guest programs for tests/integration/test-rv-net.sh: sockets (TCP/UDP over 127.0.0.1 and ::1, UNIX
# sockets with SCM_RIGHTS/SCM_CREDENTIALS), event loops (epoll with timerfd, eventfd and signalfd;
# select/poll with signal masks) and mremap sequences. Each program prints one deterministic line per
# check and is built twice:
#   NAME         riscv64, glibc, -O2 -static (run by karasu-rv and qemu-riscv64)
#   NAME.native  the same source for the host (x86-64), the reference: a real Linux kernel's answers
# Outputs: $(BUILD)/guest/rv/net/. Works included from the top Makefile or on its own:
#   make -f guest/rv/net/net.mk BUILD=build
BUILD ?= build
RISCV_CC ?= riscv64-linux-gnu-gcc
HOST_CC ?= gcc
Q ?= @

RV_NET_OUT := $(BUILD)/guest/rv/net
RV_NET_SRCS := $(sort $(wildcard guest/rv/net/*.c))
RV_NET := $(patsubst guest/rv/net/%.c,$(RV_NET_OUT)/%,$(RV_NET_SRCS)) \
	$(patsubst guest/rv/net/%.c,$(RV_NET_OUT)/%.native,$(RV_NET_SRCS))
RV_NET_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -I.

rv-net-guests: $(RV_NET)
.PHONY: rv-net-guests
.DEFAULT_GOAL ?= rv-net-guests

$(RV_NET_OUT)/%: guest/rv/net/%.c guest/rv/net/nettest.h
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(RV_NET_CFLAGS) -static -march=rv64gc -mabi=lp64d -o $@ $< -lpthread

$(RV_NET_OUT)/%.native: guest/rv/net/%.c guest/rv/net/nettest.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(RV_NET_CFLAGS) -o $@ $< -lpthread

INTEGRATION_DEPS += $(RV_NET)
