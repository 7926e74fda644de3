# karasu-rv system mode: the `virt` machine's devicetree (rv/system/virt_dtb.c). Included by
# tests/unit/unit.mk.
UNIT_SRCS_test_rv_virt_dtb := rv/system/virt_dtb.c
UNIT_SRCS_test_rv_virt_dtb_patch := rv/system/virt_dtb.c

# The reference test_rv_virt_dtb compares with (and test_rv_virt_dtb_patch patches): the devicetree QEMU
# builds for its own riscv virt board with 4 harts and 1 GiB (-dumpdtb writes it and exits at once).
RV_QEMU_VIRT_DTB := $(BUILD)/tests/unit/data/qemu_riscv_virt_smp4.dtb
UNIT_DATA += $(RV_QEMU_VIRT_DTB)
$(RV_QEMU_VIRT_DTB): tests/unit/rv-system-dtb.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  QEMU    $@"
	$(Q)qemu-system-riscv64 -M virt,dumpdtb=$@.tmp -smp 4 -m 1G -nographic </dev/null >/dev/null 2>$@.log || \
		{ cat $@.log >&2; rm -f $@.tmp $@.log; exit 1; }
	$(Q)mv $@.tmp $@ && rm -f $@.log
