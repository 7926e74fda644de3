# karasu-rv user mode: a riscv64 Debian tree for dynamically linked programs (`karasu-rv -L
# $(BUILD)/sysroot-rv PROGRAM`): Debian 13 libc6, coreutils, bash, dash, grep, sed, gawk, gzip, xz-utils,
# findutils and their dependencies, downloaded once into $(BUILD)/cache by scripts/fetch-sysroot-rv.
#   make rv-sysroot        $(BUILD)/sysroot-rv
RV_SYSROOT := $(BUILD)/sysroot-rv
RV_SYSROOT_STAMP := $(RV_SYSROOT)/.fetched

# The script keeps the .deb files and rebuilds the tree only when they change (or the tree is gone).
$(RV_SYSROOT_STAMP): scripts/fetch-sysroot-rv scripts/lib/debian-rv-apt.sh
	$(Q)BUILD=$(BUILD) scripts/fetch-sysroot-rv
	@touch $@

rv-sysroot: $(RV_SYSROOT_STAMP)

# tests/integration/test-rv-dynamic.sh runs Debian's binaries (~16 MB to download once, then offline)
INTEGRATION_DEPS += $(RV_SYSROOT_STAMP)

.PHONY: rv-sysroot
