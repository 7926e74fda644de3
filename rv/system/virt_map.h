/* The memory map and interrupt numbers of karasu-rv's `virt` machine: those of QEMU's riscv `virt`
 * board (hw/riscv/virt.c), so that stock firmware, kernels and devicetrees find their devices where
 * they expect them. Facts only: the machine (machine.c) and the devicetree (virt_dtb.c) both use them. */
#ifndef KARASU_RV_SYSTEM_VIRT_MAP_H
#define KARASU_RV_SYSTEM_VIRT_MAP_H

/* Boot ROM: the reset vector and QEMU's fw_dynamic_info block live here. */
#define RV_VIRT_MROM_BASE 0x1000ull
#define RV_VIRT_MROM_SIZE 0xf000ull

/* SiFive test finisher ("sifive,test1"): power off, reboot, failure code. */
#define RV_VIRT_TEST_BASE 0x100000ull
#define RV_VIRT_TEST_SIZE 0x1000ull

/* Goldfish real-time clock ("google,goldfish-rtc"). */
#define RV_VIRT_RTC_BASE 0x101000ull
#define RV_VIRT_RTC_SIZE 0x1000ull
#define RV_VIRT_RTC_IRQ  11u

/* CLINT ("sifive,clint0", "riscv,clint0"): msip, mtimecmp, mtime. */
#define RV_VIRT_CLINT_BASE 0x2000000ull
#define RV_VIRT_CLINT_SIZE 0x10000ull

/* PLIC ("sifive,plic-1.0.0", "riscv,plic0"). Two contexts per hart: 2h = M-mode, 2h+1 = S-mode. */
#define RV_VIRT_PLIC_BASE    0xc000000ull
#define RV_VIRT_PLIC_SIZE    0x600000ull
#define RV_VIRT_PLIC_SOURCES 96u /* interrupt sources 1..95 (0 means "none") */

/* ns16550a UART. */
#define RV_VIRT_UART0_BASE 0x10000000ull
#define RV_VIRT_UART0_SIZE 0x100ull
#define RV_VIRT_UART0_IRQ  10u
#define RV_VIRT_UART_CLOCK 3686400u /* clock-frequency in the devicetree, as QEMU's */

/* virtio-mmio transports: slot i at BASE + i * STRIDE, interrupt 1 + i. */
#define RV_VIRT_VIRTIO_BASE     0x10001000ull
#define RV_VIRT_VIRTIO_STRIDE   0x1000ull
#define RV_VIRT_VIRTIO_SIZE     0x1000ull
#define RV_VIRT_VIRTIO_SLOTS    8u
#define RV_VIRT_VIRTIO_IRQ_BASE 1u

/* RAM. Firmware (OpenSBI) at RAM_BASE, the kernel at RAM_BASE + KERNEL_OFFSET (the RISC-V Image
 * header's default text_offset). */
#define RV_VIRT_RAM_BASE      0x80000000ull
#define RV_VIRT_KERNEL_OFFSET 0x200000ull

/* The timebase of `time`, mtime and stimecmp: 10 MHz, as QEMU's virt. */
#define RV_VIRT_TIMEBASE_HZ 10000000u

/* At most this many harts (one PLIC context pair and one CLINT slot each). */
#define RV_VIRT_MAX_HARTS 32u

#endif
