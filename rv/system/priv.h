/* RISC-V privileged architecture facts (privileged spec 1.12): privilege levels, CSR numbers, the fields
 * of mstatus, mip/mie, satp, PTEs and PMP, exception and interrupt codes. Named constants only; the
 * behaviour lives in csr.c, trap.c, mmu.c and pmp.c. */
#ifndef KARASU_RV_SYSTEM_PRIV_H
#define KARASU_RV_SYSTEM_PRIV_H

#include <stdint.h>

/* Privilege levels (encoding of mstatus.MPP / SPP). */
#define RV_PRIV_U 0u
#define RV_PRIV_S 1u
#define RV_PRIV_M 3u

/* CSR numbers (section 2.2). */
#define CSR_FFLAGS        0x001
#define CSR_FRM           0x002
#define CSR_FCSR          0x003
#define CSR_SSTATUS       0x100
#define CSR_SIE           0x104
#define CSR_STVEC         0x105
#define CSR_SCOUNTEREN    0x106
#define CSR_SENVCFG       0x10a
#define CSR_SSCRATCH      0x140
#define CSR_SEPC          0x141
#define CSR_SCAUSE        0x142
#define CSR_STVAL         0x143
#define CSR_SIP           0x144
#define CSR_STIMECMP      0x14d
#define CSR_SATP          0x180
#define CSR_MSTATUS       0x300
#define CSR_MISA          0x301
#define CSR_MEDELEG       0x302
#define CSR_MIDELEG       0x303
#define CSR_MIE           0x304
#define CSR_MTVEC         0x305
#define CSR_MCOUNTEREN    0x306
#define CSR_MENVCFG       0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MHPMEVENT3    0x323
#define CSR_MHPMEVENT31   0x33f
#define CSR_MSCRATCH      0x340
#define CSR_MEPC          0x341
#define CSR_MCAUSE        0x342
#define CSR_MTVAL         0x343
#define CSR_MIP           0x344
#define CSR_MTINST        0x34a
#define CSR_MTVAL2        0x34b
#define CSR_PMPCFG0       0x3a0
#define CSR_PMPCFG15      0x3af
#define CSR_PMPADDR0      0x3b0
#define CSR_PMPADDR63     0x3ef
#define CSR_TSELECT       0x7a0 /* debug triggers (Sdtrig): none are implemented */
#define CSR_TDATA1        0x7a1
#define CSR_TDATA2        0x7a2
#define CSR_TDATA3        0x7a3
#define CSR_MCYCLE        0xb00
#define CSR_MINSTRET      0xb02
#define CSR_MHPMCOUNTER3  0xb03
#define CSR_MHPMCOUNTER31 0xb1f
#define CSR_CYCLE         0xc00
#define CSR_TIME          0xc01
#define CSR_INSTRET       0xc02
#define CSR_HPMCOUNTER3   0xc03
#define CSR_HPMCOUNTER31  0xc1f
#define CSR_MVENDORID     0xf11
#define CSR_MARCHID       0xf12
#define CSR_MIMPID        0xf13
#define CSR_MHARTID       0xf14
#define CSR_MCONFIGPTR    0xf15

/* A CSR number's bits 9:8 are the lowest privilege that may access it, bits 11:10 == 3 mean read-only. */
#define CSR_PRIV(csr)      (((csr) >> 8) & 3u)
#define CSR_READ_ONLY(csr) ((((csr) >> 10) & 3u) == 3u)

/* mstatus / sstatus (section 3.1.6). */
#define MSTATUS_SIE       (1ull << 1)
#define MSTATUS_MIE       (1ull << 3)
#define MSTATUS_SPIE      (1ull << 5)
#define MSTATUS_UBE       (1ull << 6)
#define MSTATUS_MPIE      (1ull << 7)
#define MSTATUS_SPP       (1ull << 8)
#define MSTATUS_VS        (3ull << 9)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP       (3ull << MSTATUS_MPP_SHIFT)
#define MSTATUS_FS_SHIFT  13
#define MSTATUS_FS        (3ull << MSTATUS_FS_SHIFT)
#define MSTATUS_XS        (3ull << 15)
#define MSTATUS_MPRV      (1ull << 17)
#define MSTATUS_SUM       (1ull << 18)
#define MSTATUS_MXR       (1ull << 19)
#define MSTATUS_TVM       (1ull << 20)
#define MSTATUS_TW        (1ull << 21)
#define MSTATUS_TSR       (1ull << 22)
#define MSTATUS_UXL_SHIFT 32
#define MSTATUS_SXL_SHIFT 34
#define MSTATUS_SBE       (1ull << 36)
#define MSTATUS_MBE       (1ull << 37)
#define MSTATUS_SD        (1ull << 63)
#define MXL_64            2ull /* UXL, SXL and misa.MXL: 64-bit */

/* mstatus.FS / XS values. */
#define FS_OFF     0u
#define FS_INITIAL 1u
#define FS_CLEAN   2u
#define FS_DIRTY   3u

/* Interrupt numbers and their mip/mie bits (section 3.1.9). */
#define IRQ_S_SOFT      1
#define IRQ_M_SOFT      3
#define IRQ_S_TIMER     5
#define IRQ_M_TIMER     7
#define IRQ_S_EXT       9
#define IRQ_M_EXT       11
#define MIP_SSIP        (1ull << IRQ_S_SOFT)
#define MIP_MSIP        (1ull << IRQ_M_SOFT)
#define MIP_STIP        (1ull << IRQ_S_TIMER)
#define MIP_MTIP        (1ull << IRQ_M_TIMER)
#define MIP_SEIP        (1ull << IRQ_S_EXT)
#define MIP_MEIP        (1ull << IRQ_M_EXT)
/* Local interrupts 16..31 (the range the spec leaves to the platform): karasu-rv raises them for
 * SynIC SINTs (synic.h); pending bits set by karasu-rv, cleared by software through mip/sip like SSIP.
 * They are delegatable, and rank below the standard interrupts, higher numbers first. */
#define IRQ_LOCAL_FIRST 16
#define IRQ_LOCAL_LAST  31
#define MIP_LOCAL_MASK  (((1ull << (IRQ_LOCAL_LAST + 1)) - 1) & ~((1ull << IRQ_LOCAL_FIRST) - 1))
#define MIP_S_MASK      (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_DELEGABLE   (MIP_S_MASK | MIP_LOCAL_MASK)
#define MIP_ALL         (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_LOCAL_MASK)

/* Exception codes (mcause with the interrupt bit clear, section 3.1.15). */
#define EXC_INSN_MISALIGNED  0
#define EXC_INSN_ACCESS      1
#define EXC_ILLEGAL_INSN     2
#define EXC_BREAKPOINT       3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS      5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U          8
#define EXC_ECALL_S          9
#define EXC_ECALL_M          11
#define EXC_INSN_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15
#define CAUSE_INTERRUPT      (1ull << 63)
/* Exceptions medeleg may delegate: all but ECALL from M (and the reserved codes). */
#define MEDELEG_MASK                                                                              \
	((1ull << EXC_INSN_MISALIGNED) | (1ull << EXC_INSN_ACCESS) | (1ull << EXC_ILLEGAL_INSN) | \
	 (1ull << EXC_BREAKPOINT) | (1ull << EXC_LOAD_MISALIGNED) | (1ull << EXC_LOAD_ACCESS) |   \
	 (1ull << EXC_STORE_MISALIGNED) | (1ull << EXC_STORE_ACCESS) | (1ull << EXC_ECALL_U) |    \
	 (1ull << EXC_ECALL_S) | (1ull << EXC_INSN_PAGE_FAULT) | (1ull << EXC_LOAD_PAGE_FAULT) |  \
	 (1ull << EXC_STORE_PAGE_FAULT))

/* xtvec (section 3.1.7). */
#define TVEC_MODE_MASK   3ull
#define TVEC_MODE_DIRECT 0ull
#define TVEC_MODE_VECTOR 1ull

/* misa (section 3.1.1): the extension letters this machine implements. */
#define MISA_EXT(letter) (1ull << ((letter) - 'A'))
#define MISA_VALUE                                                                                        \
	((MXL_64 << 62) | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('D') | MISA_EXT('F') | MISA_EXT('I') | \
	 MISA_EXT('M') | MISA_EXT('S') | MISA_EXT('U'))

/* menvcfg / senvcfg (section 3.1.18, Sstc). */
#define ENVCFG_FIOM (1ull << 0)
#define ENVCFG_STCE (1ull << 63)

/* Counter-enable bits (mcounteren, scounteren). */
#define COUNTEREN_CY (1u << 0)
#define COUNTEREN_TM (1u << 1)
#define COUNTEREN_IR (1u << 2)

/* satp (section 4.1.11). */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  0ull
#define SATP_MODE_SV39  8ull
#define SATP_MODE_SV48  9ull
#define SATP_ASID_SHIFT 44
#define SATP_PPN_MASK   ((1ull << 44) - 1)

/* Page-table entries (section 4.3.1, 4.4). */
#define PTE_V             (1ull << 0)
#define PTE_R             (1ull << 1)
#define PTE_W             (1ull << 2)
#define PTE_X             (1ull << 3)
#define PTE_U             (1ull << 4)
#define PTE_G             (1ull << 5)
#define PTE_A             (1ull << 6)
#define PTE_D             (1ull << 7)
#define PTE_PPN_SHIFT     10
#define PTE_PPN_MASK      ((1ull << 44) - 1)
#define PTE_RESERVED_MASK (0x3ffull << 54) /* bits 63:54: N, PBMT and reserved (no Svnapot/Svpbmt) */
#define PAGE_SHIFT        12
#define PAGE_SIZE         (1ull << PAGE_SHIFT)
#define PTE_VPN_BITS      9

/* PMP (section 3.7). */
#define PMP_ENTRIES   16
#define PMP_R         0x01u
#define PMP_W         0x02u
#define PMP_X         0x04u
#define PMP_A_SHIFT   3
#define PMP_A_MASK    (3u << PMP_A_SHIFT)
#define PMP_A_OFF     0u
#define PMP_A_TOR     1u
#define PMP_A_NA4     2u
#define PMP_A_NAPOT   3u
#define PMP_L         0x80u
#define PMP_CFG_MASK  (PMP_R | PMP_W | PMP_X | PMP_A_MASK | PMP_L)
#define PMP_ADDR_MASK ((1ull << 54) - 1) /* pmpaddr holds bits 55:2 of a 56-bit physical address */

#endif
