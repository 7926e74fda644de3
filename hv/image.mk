# karasu-hv boot payload and runner: the guest kernel and busybox (Debian arm64 packages, downloaded once
# into $(BUILD)/cache), the guest initramfs, the U-Boot environment flash, the boot disk, and `make run`.
#   make hv-payload          everything a run needs (hv.bin, Image, initrd.gz, hvtest, U-Boot env)
#   make hv-disk [CONFIG=]   $(BUILD)/hvimg/disk.img for CONFIG, for running QEMU by hand
#   make run [CONFIG=] [GUEST_CMD='...'] [GIC=2|3]   boot karasu-hv under QEMU (interactive without GUEST_CMD;
#                            GIC: the machine's GIC version, default 3 or $KARASU_HV_GIC)
CONFIG ?= configs/karasu.cfg
GUEST_DIR := $(BUILD)/guest
GUEST_FETCHED := $(GUEST_DIR)/.fetched
GUEST_IMAGE := $(GUEST_DIR)/Image
GUEST_BUSYBOX := $(GUEST_DIR)/busybox
GUEST_INITRD := $(GUEST_DIR)/initrd.gz
HVIMG_DIR := $(BUILD)/hvimg
UBOOT_ENV := $(HVIMG_DIR)/uboot-env.img
HV_DISK := $(HVIMG_DIR)/disk.img

# GUEST_CMD reaches the recipe through the environment: no make quoting of the user's shell command.
export GUEST_CMD

# The package download: fetch-guest keeps the .deb files and rewrites the stamp only when they change.
$(GUEST_FETCHED): scripts/fetch-guest
	$(Q)BUILD=$(BUILD) scripts/fetch-guest
	@touch $@
# A deleted Image or busybox is unpacked again from the cached packages.
$(GUEST_IMAGE) $(GUEST_BUSYBOX): $(GUEST_FETCHED)
	$(Q)test -f $@ || BUILD=$(BUILD) scripts/fetch-guest

$(GUEST_INITRD): $(GUEST_BUSYBOX) guest/init/init scripts/mkinitramfs
	$(Q)BUILD=$(BUILD) scripts/mkinitramfs --out $@

$(UBOOT_ENV): scripts/uboot-env
	$(Q)scripts/uboot-env $@

HV_PAYLOAD := $(HV_BIN) $(GUEST_IMAGE) $(GUEST_INITRD) $(UBOOT_ENV) $(HVTEST_BIN)
hv-payload: $(HV_PAYLOAD)

# A boot disk for CONFIG (what run-hv builds per run, kept here for QEMU by hand / gdb sessions). Guest disk
# files the config names are generated with a known pattern.
$(HV_DISK): $(HV_PAYLOAD) $(CONFIG) scripts/mkdisk scripts/mkguestdisk FORCE
	$(Q)BUILD=$(BUILD) scripts/run-hv --no-build --config $(CONFIG) --keep-disk $@ --disk-only
hv-disk: $(HV_DISK)

run: hv-payload
	$(Q)BUILD=$(BUILD) scripts/run-hv --no-build --config "$(CONFIG)" $(if $(GIC),--gic $(GIC)) \
		$${GUEST_CMD:+--cmd "$$GUEST_CMD"}

INTEGRATION_DEPS += $(HV_PAYLOAD)

.PHONY: hv-payload hv-disk run FORCE
FORCE:
