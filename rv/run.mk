# karasu-rv system mode: the guest payload (Debian 13 riscv64 kernel, busybox and OpenSBI, downloaded once
# into $(BUILD)/cache by scripts/fetch-guest-rv; the initramfs of guest/init/init) and `make run-rv`.
#   make rv-payload                      $(BUILD)/guest-rv/{Image,initrd.gz,fw_dynamic.bin}
#   make run-rv                          boot Linux on karasu-rv, 4 harts, interactive console
#   make run-rv GUEST_CMD='nproc'        boot, run the command in the guest's shell, power off; exit status 0
#                                        only if the command ran and exited 0
#   RV_SMP=N RV_MEMORY=SIZE              harts and RAM (default 4 and 1G)
#   RUN_RV_FLAGS='--qemu ...'            more scripts/run-rv options (--qemu: the same guest on QEMU)
#   make run-rv CONFIG=configs/rv-two-guests.cfg [GUEST_CMD=...]   the guests of a karasu.cfg
# RV_CONFIG_DEPS: what configs may name besides the Linux payload (the RISC-V hvtest image adds itself).
RV_GUEST_DIR := $(BUILD)/guest-rv
RV_GUEST_FETCHED := $(RV_GUEST_DIR)/.fetched
RV_GUEST_IMAGE := $(RV_GUEST_DIR)/Image
RV_GUEST_BUSYBOX := $(RV_GUEST_DIR)/busybox
RV_GUEST_INITRD := $(RV_GUEST_DIR)/initrd.gz
RV_SMP ?= 4
RV_MEMORY ?= 1G
RUN_RV_FLAGS ?=
RV_CONFIG_DEPS ?=
# Only a CONFIG the user gives (hv/image.mk has a default for karasu-hv's `make run`).
RV_RUN_CONFIG := $(if $(filter command line environment environment override,$(origin CONFIG)),$(CONFIG))

# GUEST_CMD reaches the recipe through the environment: no make quoting of the user's shell command.
export GUEST_CMD

# The package download: fetch-guest-rv keeps the .deb files and rewrites the stamp only when they change.
$(RV_GUEST_FETCHED): scripts/fetch-guest-rv
	$(Q)BUILD=$(BUILD) scripts/fetch-guest-rv
	@touch $@
# A deleted Image or busybox is unpacked again from the cached packages.
$(RV_GUEST_IMAGE) $(RV_GUEST_BUSYBOX): $(RV_GUEST_FETCHED)
	$(Q)test -f $@ || BUILD=$(BUILD) scripts/fetch-guest-rv

$(RV_GUEST_INITRD): $(RV_GUEST_BUSYBOX) guest/init/init scripts/mkinitramfs
	$(Q)BUILD=$(BUILD) scripts/mkinitramfs --guest $(RV_GUEST_DIR) --out $@

RV_PAYLOAD := $(RV_GUEST_IMAGE) $(RV_GUEST_INITRD)
rv-payload: $(RV_PAYLOAD)

# karasu-rv itself only when it is what runs (RUN_RV_FLAGS=--qemu boots the baseline without it).
# CONFIG=FILE: the guests of a karasu.cfg (karasu-rv --config, scripts/run-rv-config) instead of one machine.
run-rv: rv-payload $(if $(filter --qemu,$(RUN_RV_FLAGS)),,$(KARASU_RV)) $(if $(RV_RUN_CONFIG),$(RV_CONFIG_DEPS))
	$(Q)BUILD=$(BUILD) scripts/run-rv --no-build \
		$(if $(RV_RUN_CONFIG),--config $(RV_RUN_CONFIG),--smp $(RV_SMP) --memory $(RV_MEMORY)) $(RUN_RV_FLAGS) \
		$${GUEST_CMD:+--cmd "$$GUEST_CMD"}

# Cheap once cached (the first download is ~115 MB, a few seconds here; later runs only check a stamp).
INTEGRATION_DEPS += $(RV_PAYLOAD)

.PHONY: rv-payload run-rv
