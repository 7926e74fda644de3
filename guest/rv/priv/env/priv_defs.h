/* Names for the privileged-architecture facts the bare-metal tests under guest/rv/priv/ use: CSR fields,
 * trap causes, page-table entry bits (RISC-V privileged spec 1.12) and the devices of QEMU's `virt`
 * machine (the same addresses as rv/system/virt_map.h). Shared by the assembly tests (through cpp) and
 * the environment's C helpers, so it holds only #defines. */
#ifndef PRIV_DEFS_H
#define PRIV_DEFS_H

#ifdef __ASSEMBLER__
#define BIT(n) (1 << (n))
#else
#define BIT(n) (1ull << (n))
#endif

/* Privilege levels as encoded in mstatus.MPP (spec 1.12 section 1.2, table 1.1). */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* mstatus / sstatus (sections 3.1.6 and 4.1.1). */
#define MSTATUS_SIE        BIT(1)
#define MSTATUS_MIE        BIT(3)
#define MSTATUS_SPIE       BIT(5)
#define MSTATUS_UBE        BIT(6)
#define MSTATUS_MPIE       BIT(7)
#define MSTATUS_SPP        BIT(8)
#define MSTATUS_MPP_SHIFT  11
#define MSTATUS_MPP        (3 << MSTATUS_MPP_SHIFT)
#define MSTATUS_MPP_S      (PRV_S << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS_SHIFT   13
#define MSTATUS_FS         (3 << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_OFF     (0 << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_INITIAL (1 << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_CLEAN   (2 << MSTATUS_FS_SHIFT)
#define MSTATUS_FS_DIRTY   (3 << MSTATUS_FS_SHIFT)
#define MSTATUS_MPRV       BIT(17)
#define MSTATUS_SUM        BIT(18)
#define MSTATUS_MXR        BIT(19)
#define MSTATUS_TVM        BIT(20)
#define MSTATUS_TW         BIT(21)
#define MSTATUS_TSR        BIT(22)
#define MSTATUS_SD_SHIFT   63

/* Interrupt numbers: bit i of mip/mie/mideleg, mcause = CAUSE_INTERRUPT | i (section 3.1.9). */
#define IRQ_S_SOFT   1
#define IRQ_M_SOFT   3
#define IRQ_S_TIMER  5
#define IRQ_M_TIMER  7
#define IRQ_S_EXT    9
#define IRQ_M_EXT    11
#define MIP_SSIP     BIT(IRQ_S_SOFT)
#define MIP_MSIP     BIT(IRQ_M_SOFT)
#define MIP_STIP     BIT(IRQ_S_TIMER)
#define MIP_MTIP     BIT(IRQ_M_TIMER)
#define MIP_SEIP     BIT(IRQ_S_EXT)
#define MIP_MEIP     BIT(IRQ_M_EXT)
/* The bits of the interrupts this machine has (masks out the H extension's VS* bits if present). */
#define MIP_STANDARD (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)

/* Exception codes in mcause/scause (section 3.1.15, table 3.6). */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12
#define CAUSE_LOAD_PAGE        13
#define CAUSE_STORE_PAGE       15
/* The interrupt bit of mcause on RV64 (bit MXLEN-1). */
#define CAUSE_INTERRUPT_SHIFT  63

/* mtvec/stvec MODE (section 3.1.7). */
#define TVEC_DIRECT   0
#define TVEC_VECTORED 1

/* satp (section 4.1.11, table 4.4) */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  0
#define SATP_MODE_SV39  8
#define SATP_MODE_SV48  9
#define SATP_MODE_SV57  10
#define SATP_MODE_SV64  11
#define SATP_PPN_MASK   0xfffffffffff

/* Page-table entries (section 4.3.1, figure 4.18; Sv48 and Sv57 use the same bits). */
#define PTE_V         BIT(0)
#define PTE_R         BIT(1)
#define PTE_W         BIT(2)
#define PTE_X         BIT(3)
#define PTE_U         BIT(4)
#define PTE_G         BIT(5)
#define PTE_A         BIT(6)
#define PTE_D         BIT(7)
#define PTE_PPN_SHIFT 10
#define PAGE_SHIFT    12
#define PAGE_SIZE     4096
#define PT_ENTRIES    512
#define PT_INDEX_BITS 9
#define MEGAPAGE_SIZE 0x200000
#define GIGAPAGE_SIZE 0x40000000

/* PMP configuration byte (section 3.7.1, figure 3.32, table 3.10). */
#define PMP_R     BIT(0)
#define PMP_W     BIT(1)
#define PMP_X     BIT(2)
#define PMP_OFF   (0 << 3)
#define PMP_TOR   (1 << 3)
#define PMP_NA4   (2 << 3)
#define PMP_NAPOT (3 << 3)
#define PMP_L     BIT(7)
/* pmpaddr holds address bits 55:2 */
#define PMP_SHIFT 2

/* mcounteren / scounteren (section 3.1.11) */
#define COUNTEREN_CY BIT(0)
#define COUNTEREN_TM BIT(1)
#define COUNTEREN_IR BIT(2)

/* menvcfg (section 3.1.18) and the Sstc extension's STCE bit (bit 63). */
#define MENVCFG_STCE_SHIFT 63

/* misa (section 3.1.1): MXL in bits 63:62 (2 = 64-bit); the letter X of an extension at bit X - 'A'. */
#define MISA_MXL_SHIFT 62
#define MISA_MXL_64    2
#define MISA_A         BIT(0)
#define MISA_C         BIT(2)
#define MISA_D         BIT(3)
#define MISA_E         BIT(4)
#define MISA_F         BIT(5)
#define MISA_H         BIT(7)
#define MISA_I         BIT(8)
#define MISA_M         BIT(12)
#define MISA_S         BIT(18)
#define MISA_U         BIT(20)

/* CSRs the assembler may not know by name (Sstc; menvcfg and senvcfg are known to binutils 2.40). */
#define CSR_STIMECMP 0x14d

/* QEMU virt devices. */
#define VIRT_TEST_BASE       0x100000
#define VIRT_TEST_PASS       0x5555
#define VIRT_TEST_FAIL       0x3333
#define VIRT_TEST_CODE_SHIFT 16
#define CLINT_BASE           0x2000000
#define CLINT_MSIP           0x0    /* 4 bytes per hart */
#define CLINT_MTIMECMP       0x4000 /* 8 bytes per hart */
#define CLINT_MTIME          0xbff8
#define TIMEBASE_HZ          10000000
#define PLIC_BASE            0xc000000
#define PLIC_PRIORITY        0x0    /* 4 bytes per source */
#define PLIC_PENDING         0x1000 /* one bit per source */
#define PLIC_ENABLE          0x2000 /* per context */
#define PLIC_ENABLE_STRIDE   0x80
#define PLIC_CONTEXT         0x200000 /* threshold at +0, claim/complete at +4 */
#define PLIC_CONTEXT_STRIDE  0x1000
#define PLIC_CLAIM           4
#define UART_BASE            0x10000000
#define UART_IRQ             10
#define UART_THR             0 /* write */
#define UART_IER             1
#define UART_IIR             2 /* read */
#define UART_MCR             4
#define UART_LSR             5
#define UART_IER_THRI        BIT(1) /* transmitter holding register empty */
#define UART_IIR_NO_INT      BIT(0)
#define UART_IIR_ID          0x0e
#define UART_IIR_THRI        0x02
#define UART_MCR_OUT2        BIT(3)
#define UART_LSR_THRE        BIT(5)
#define RAM_BASE             0x80000000

/* The environment's per-hart block (env/entry.S): tp and mscratch/sscratch point at it. */
#define MAX_HARTS     4
#define HB_MSAVE      0   /* the M handler's saved registers (4 x 8) */
#define HB_SSAVE      32  /* the S handler's saved registers (4 x 8) */
#define HB_RESUME     64  /* armed expectation: where the next trap resumes; 0 = a trap is unexpected */
#define HB_COUNT      72  /* traps recorded by the handlers */
#define HB_CAUSE      80  /* the last recorded trap: mcause/scause */
#define HB_TVAL       88  /* mtval/stval */
#define HB_EPC        96  /* mepc/sepc */
#define HB_STATUS     104 /* mstatus/sstatus on entry to the handler */
#define HB_IP         112 /* mip/sip on entry to the handler */
#define HB_MODE       120 /* PRV_M or PRV_S: which handler took it */
#define HB_VECTOR     128 /* vectored mode: the index of the vector entry used, else -1 */
#define HB_FAILING    136 /* a failure is being reported (guards against recursion) */
#define HB_HARTID     144
#define HB_STACK_TOP  152
#define HB_ENTRY      160 /* a parked secondary hart jumps here once it is nonzero */
#define HB_SKIPPED    168 /* spec checks skipped because QEMU 7.2 deviates there (SKIP_ON_QEMU72) */
#define HB_PARKED     176 /* PARKED_MAGIC once a secondary hart waits in the parking loop */
#define PARKED_MAGIC  0x5041524b4544 /* "PARKED": not a value left over in uninitialised RAM */
#define HB_SIZE       256
#define STACK_SIZE    8192
#define USER_ALIAS_VA 0x40000000 /* where tests map user pages (RAM's identity gigapage is not U) */
#define TEST_VA_BASE  0x60000000 /* tests' other mappings start here, clear of the user alias */

#endif
