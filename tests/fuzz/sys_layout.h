/* Memory layout of the system-mode differential fuzzer's test machine (tests/fuzz/rv_fuzz_system.c).
 *
 * Physical memory is one RAM of SYS_RAM_SIZE bytes at SYS_RAM_BASE. Every location is named by its
 * OFFSET from SYS_RAM_BASE, and each privilege reaches an offset at a fixed address:
 *
 *     M-mode (physical)   SYS_RAM_BASE + offset
 *     S-mode (virtual)    SYS_VA_KERNEL + offset   (the "kernel" region: non-U pages)
 *     U-mode (virtual)    SYS_VA_USER + offset     (the "user" region: U pages)
 *
 * so the same code runs in any privilege, at that privilege's address of its offset, and a trap handler
 * finds the offset of any pc from the privilege it trapped from. Every virtual address of the fuzzer is
 * congruent to its physical address modulo 1 GiB, so that any region can be mapped by 4 KiB, 2 MiB or
 * 1 GiB leaves alike.
 *
 *     offset 0x00000  M-mode trap vector and handler       (code)
 *            0x01000  S-mode trap vector and handler       (code)
 *            0x02000  handler data: trap count, trap log   (data the handlers write)
 *            0x03000  HTIF tohost: a store of 1 ends the run
 *            0x40000  the program                          (SYS_PROG_SIZE bytes):
 *                       its first page holds routines that items call from anywhere (so that code
 *                       runs again after the mappings changed), the program itself starts in M-mode
 *                       at SYS_CODE_OFF
 *            0x60000  alternative code pages               (page i: a variant of program page i)
 *            0x80000  data pages                           (SYS_DATA_PAGES pages)
 *            0xa0000  page-table pool                      (SYS_PT_PAGES pages, to the end of RAM)
 *
 * Outside RAM, one device page at SYS_MMIO_BASE (sys_state.c): registers that read back what was written
 * (naturally aligned accesses only), reached through data slots whose leaf points there, so that loads and
 * stores take the TLB's device path.
 *
 * Only the data pages are reachable by the program's random loads and stores; PMP entries the program
 * sets up only cover [SYS_PMP_WINDOW_LO, SYS_PMP_WINDOW_HI) (program, alternatives, data), so the
 * handlers and page tables always stay reachable. */
#ifndef KARASU_TESTS_FUZZ_SYS_LAYOUT_H
#define KARASU_TESTS_FUZZ_SYS_LAYOUT_H

#include <stdint.h>

#define SYS_RAM_BASE UINT64_C(0x80000000)
#define SYS_RAM_SIZE UINT64_C(0x100000)

#define SYS_VA_KERNEL UINT64_C(0xffffffc000000000) /* canonical in Sv39 and Sv48 */
#define SYS_VA_USER   UINT64_C(0x0)

#define SYS_M_HANDLER_OFF  UINT64_C(0x00000)
#define SYS_S_HANDLER_OFF  UINT64_C(0x01000)
#define SYS_HDATA_OFF      UINT64_C(0x02000)
#define SYS_TOHOST_OFF     UINT64_C(0x03000)
#define SYS_PROG_OFF       UINT64_C(0x40000)
#define SYS_PROG_SIZE      UINT64_C(0x20000) /* a power of two: the handlers check offsets with a shift */
#define SYS_PROG_SIZE_LOG2 17
#define SYS_PROG_PAGES     (SYS_PROG_SIZE >> 12)
#define SYS_LIB_OFF        SYS_PROG_OFF
#define SYS_LIB_ROUTINES   8
#define SYS_CODE_OFF       (SYS_PROG_OFF + UINT64_C(0x1000))
#define SYS_ALT_OFF        UINT64_C(0x60000)
#define SYS_DATA_OFF       UINT64_C(0x80000)
#define SYS_DATA_PAGES     32u
#define SYS_PT_OFF         UINT64_C(0xa0000)
#define SYS_PT_PAGES       96u /* two Sv48 address spaces with every slot by 4 KiB leaves need 58 */

#define SYS_MMIO_BASE UINT64_C(0x10000000)
#define SYS_MMIO_SIZE UINT64_C(0x1000)

#define SYS_PMP_WINDOW_LO SYS_PROG_OFF
#define SYS_PMP_WINDOW_HI (SYS_DATA_OFF + SYS_DATA_PAGES * UINT64_C(0x1000))

/* Handler data (offsets in the handler data page). */
#define SYS_H_COUNT       0x000 /* traps taken (both handlers) */
#define SYS_H_MSTATUS     0x008 /* the M handler's copy of mstatus at entry (MPRV is restored from it) */
#define SYS_H_LOG         0x100 /* the last SYS_H_LOG_ENTRIES traps, SYS_H_LOG_STRIDE bytes each: */
#define SYS_H_LOG_ENTRIES 32
#define SYS_H_LOG_SHIFT   6 /* stride 64 bytes */
#define SYS_H_LOG_CAUSE   0
#define SYS_H_LOG_TVAL    8
#define SYS_H_LOG_EPC     16
#define SYS_H_LOG_STATUS  24 /* mstatus (M handler) or sstatus (S handler) at entry */
#define SYS_H_LOG_INSTRET 32 /* minstret at entry (M handler; the S handler writes 0) */
#define SYS_H_LOG_MODE    40 /* 3: the M handler took it, 1: the S handler */

/* The handlers stop the run after this many traps (a program that keeps faulting at its continuation). */
#define SYS_TRAP_LIMIT 400

/* The handlers' calling convention (see sys_handler.c):
 *  - they clobber x28, x29, x30 (t3..t5), nothing else (but a6/a7 on the ecalls below);
 *  - an exception other than an instruction fetch fault resumes after the faulting instruction (its
 *    length is read from the code at its offset);
 *  - an instruction fetch fault resumes at offset x27 (SYS_REG_CONT) in the privilege it came from;
 *  - an interrupt is taken once: its enable bit in mie/sie is cleared;
 *  - ecall with a7 = SYS_MAGIC + mode and a6 = offset continues at that offset in that mode
 *    (mode 0 U, 1 S, 3 M; an S handler asked for M makes an ecall itself); a7 = SYS_MAGIC + 2 ends the
 *    run; a7 = SYS_MAGIC + 4 continues at offset x27 in the same mode (the landing pad: where a jump
 *    that should have faulted lands when its code runs in another privilege than planned). */
#define SYS_REG_CONT     27
#define SYS_REG_ARG      16 /* a6 */
#define SYS_REG_MAGIC    17 /* a7 */
#define SYS_MAGIC        0x5a0
#define SYS_MAGIC_FINISH (SYS_MAGIC + 2)
#define SYS_MAGIC_CONT   (SYS_MAGIC + 4)
#define SYS_LANDING_OFF  (SYS_LIB_OFF + UINT64_C(0xf00))

#endif
