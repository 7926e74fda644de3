/* The karasu hypercall ABI, in the form of the Hyper-V Top-Level Functional Specification (TLFS).
 *
 * Everything a guest or an engine needs to speak the ABI: scalar types, HV_STATUS codes, the 64-bit
 * hypercall input value and result value, call codes, register names, the parameter blocks of the calls
 * karasu implements (with their sizes and offsets checked at compile time), and the transports (arm64
 * HVC #0 in SMCCC form, RISC-V SBI vendor extension). docs/abi.md is the prose reference.
 *
 * Layouts are little-endian, fields naturally aligned, no padding. Reserved fields follow the TLFS naming:
 *   rsvdp* - RsvdP: the client preserves the value (read-modify-write),
 *   rsvdz* - RsvdZ: the client writes zero; karasu rejects non-zero (see docs/abi.md for the status),
 *   rsvd*  - Rsvd:  in output/read-only structures; ignore, do not assume zero.
 *
 * Freestanding C11: only <stdint.h> and <stdbool.h>.
 */
#ifndef KARASU_HV_H
#define KARASU_HV_H

#include <stdbool.h>
#include <stdint.h>

/* ---- Scalar types (TLFS names with an HV_ prefix, so they cannot clash with a guest's UINT64) ---- */

typedef uint8_t HV_UINT8;
typedef uint16_t HV_UINT16;
typedef uint32_t HV_UINT32;
typedef uint64_t HV_UINT64;
typedef int8_t HV_INT8;
typedef int16_t HV_INT16;
typedef int32_t HV_INT32;
typedef int64_t HV_INT64;

/* The TLFS aligns its 128-bit type to 16 bytes. */
typedef struct {
	_Alignas(16) HV_UINT64 low64;
	HV_UINT64 high64;
} HV_UINT128;

typedef HV_UINT16 HV_STATUS;
typedef HV_UINT64 HV_SPA; /* system physical address */
typedef HV_UINT64 HV_GPA; /* guest physical address */
typedef HV_UINT64 HV_GVA; /* guest virtual address */
typedef HV_UINT64 HV_SPA_PAGE_NUMBER;
typedef HV_UINT64 HV_GPA_PAGE_NUMBER;
typedef HV_UINT64 HV_GVA_PAGE_NUMBER;
typedef HV_UINT32 HV_SPA_PAGE_OFFSET;
typedef HV_UINT64 HV_PARTITION_ID;
typedef HV_UINT32 HV_VP_INDEX;
typedef HV_UINT32 HV_REGISTER_NAME;
typedef HV_UINT8 HV_INPUT_VTL;
typedef HV_UINT32 HV_CONNECTION_ID;
typedef HV_UINT32 HV_MESSAGE_TYPE;
typedef HV_UINT64 HV_ADDRESS_SPACE_ID;
typedef HV_UINT32 HV_MAP_GPA_FLAGS;

#define HV_PAGE_SIZE       0x1000ULL
#define HV_PAGE_SHIFT      12
#define HV_PAGE_MASK       (HV_PAGE_SIZE - 1)
#define HV_LARGE_PAGE_SIZE 0x200000ULL /* 2 MiB */

/* Page number = address / HV_PAGE_SIZE; page offset = the low 12 bits. */
static inline HV_GPA_PAGE_NUMBER hv_gpa_page_number(HV_GPA gpa)
{
	return gpa >> HV_PAGE_SHIFT;
}

static inline HV_SPA_PAGE_OFFSET hv_page_offset(HV_UINT64 addr)
{
	return (HV_SPA_PAGE_OFFSET)(addr & HV_PAGE_MASK);
}

/* ---- HV_STATUS ---- */

#define HV_STATUS_SUCCESS                         ((HV_STATUS)0x0000)
#define HV_STATUS_INVALID_HYPERCALL_CODE          ((HV_STATUS)0x0002)
#define HV_STATUS_INVALID_HYPERCALL_INPUT         ((HV_STATUS)0x0003)
#define HV_STATUS_INVALID_ALIGNMENT               ((HV_STATUS)0x0004)
#define HV_STATUS_INVALID_PARAMETER               ((HV_STATUS)0x0005)
#define HV_STATUS_ACCESS_DENIED                   ((HV_STATUS)0x0006)
#define HV_STATUS_INVALID_PARTITION_STATE         ((HV_STATUS)0x0007)
#define HV_STATUS_OPERATION_DENIED                ((HV_STATUS)0x0008)
#define HV_STATUS_UNKNOWN_PROPERTY                ((HV_STATUS)0x0009)
#define HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE     ((HV_STATUS)0x000A)
#define HV_STATUS_INSUFFICIENT_MEMORY             ((HV_STATUS)0x000B)
#define HV_STATUS_PARTITION_TOO_DEEP              ((HV_STATUS)0x000C)
#define HV_STATUS_INVALID_PARTITION_ID            ((HV_STATUS)0x000D)
#define HV_STATUS_INVALID_VP_INDEX                ((HV_STATUS)0x000E)
#define HV_STATUS_NOT_FOUND                       ((HV_STATUS)0x0010)
#define HV_STATUS_INVALID_PORT_ID                 ((HV_STATUS)0x0011)
#define HV_STATUS_INVALID_CONNECTION_ID           ((HV_STATUS)0x0012)
#define HV_STATUS_INSUFFICIENT_BUFFERS            ((HV_STATUS)0x0013)
#define HV_STATUS_NOT_ACKNOWLEDGED                ((HV_STATUS)0x0014)
#define HV_STATUS_INVALID_VP_STATE                ((HV_STATUS)0x0015)
#define HV_STATUS_ACKNOWLEDGED                    ((HV_STATUS)0x0016)
#define HV_STATUS_INVALID_SYNIC_STATE             ((HV_STATUS)0x0018)
#define HV_STATUS_OBJECT_IN_USE                   ((HV_STATUS)0x0019)
#define HV_STATUS_NO_DATA                         ((HV_STATUS)0x001B)
#define HV_STATUS_INACTIVE                        ((HV_STATUS)0x001C)
#define HV_STATUS_NO_RESOURCES                    ((HV_STATUS)0x001D)
#define HV_STATUS_FEATURE_UNAVAILABLE             ((HV_STATUS)0x001E)
#define HV_STATUS_PROCESSOR_FEATURE_NOT_SUPPORTED ((HV_STATUS)0x0020)
#define HV_STATUS_INVALID_LP_INDEX                ((HV_STATUS)0x0041)
#define HV_STATUS_INVALID_REGISTER_VALUE          ((HV_STATUS)0x0050)
#define HV_STATUS_OPERATION_FAILED                ((HV_STATUS)0x0071)
#define HV_STATUS_TIME_OUT                        ((HV_STATUS)0x0078)
#define HV_STATUS_CALL_PENDING                    ((HV_STATUS)0x0079)
#define HV_STATUS_UNKNOWN_REGISTER_NAME           ((HV_STATUS)0x0087)

/* ---- The 64-bit hypercall input value ---- */

#define HV_HYPERCALL_CALL_CODE_SHIFT   0
#define HV_HYPERCALL_CALL_CODE_MASK    0xFFFFULL /* bits 15-0 */
#define HV_HYPERCALL_FAST_BIT          (1ULL << 16)
#define HV_HYPERCALL_VARHEAD_SHIFT     17
#define HV_HYPERCALL_VARHEAD_MASK      0x3FFULL /* bits 26-17: variable header size in 8-byte units */
#define HV_HYPERCALL_NESTED_BIT        (1ULL << 31)
#define HV_HYPERCALL_REP_COUNT_SHIFT   32
#define HV_HYPERCALL_REP_COUNT_MASK    0xFFFULL /* bits 43-32 */
#define HV_HYPERCALL_REP_START_SHIFT   48
#define HV_HYPERCALL_REP_START_MASK    0xFFFULL       /* bits 59-48 */
#define HV_HYPERCALL_RSVDZ_LOW_MASK    (0xFULL << 27) /* bits 30-27 */
#define HV_HYPERCALL_RSVDZ_MIDDLE_MASK (0xFULL << 44) /* bits 47-44 */
#define HV_HYPERCALL_RSVDZ_HIGH_MASK   (0xFULL << 60) /* bits 63-60 */
/* Every bit a client must leave zero. karasu has no nested hypervisor, so the nested bit is treated as
 * RsvdZ too. */
#define HV_HYPERCALL_INPUT_RSVDZ_MASK                                                             \
	(HV_HYPERCALL_RSVDZ_LOW_MASK | HV_HYPERCALL_NESTED_BIT | HV_HYPERCALL_RSVDZ_MIDDLE_MASK | \
	 HV_HYPERCALL_RSVDZ_HIGH_MASK)

static inline HV_UINT16 hv_input_call_code(HV_UINT64 input)
{
	return (HV_UINT16)((input >> HV_HYPERCALL_CALL_CODE_SHIFT) & HV_HYPERCALL_CALL_CODE_MASK);
}

static inline bool hv_input_is_fast(HV_UINT64 input)
{
	return (input & HV_HYPERCALL_FAST_BIT) != 0;
}

/* In 8-byte units. */
static inline HV_UINT16 hv_input_varhead_size(HV_UINT64 input)
{
	return (HV_UINT16)((input >> HV_HYPERCALL_VARHEAD_SHIFT) & HV_HYPERCALL_VARHEAD_MASK);
}

static inline HV_UINT16 hv_input_rep_count(HV_UINT64 input)
{
	return (HV_UINT16)((input >> HV_HYPERCALL_REP_COUNT_SHIFT) & HV_HYPERCALL_REP_COUNT_MASK);
}

static inline HV_UINT16 hv_input_rep_start(HV_UINT64 input)
{
	return (HV_UINT16)((input >> HV_HYPERCALL_REP_START_SHIFT) & HV_HYPERCALL_REP_START_MASK);
}

/* Builds an input value from its fields (values too wide for their field are truncated to it). */
static inline HV_UINT64 hv_input_value(HV_UINT16 call_code, bool fast, HV_UINT16 rep_count,
                                       HV_UINT16 rep_start)
{
	return ((HV_UINT64)call_code << HV_HYPERCALL_CALL_CODE_SHIFT) | (fast ? HV_HYPERCALL_FAST_BIT : 0) |
	       (((HV_UINT64)rep_count & HV_HYPERCALL_REP_COUNT_MASK) << HV_HYPERCALL_REP_COUNT_SHIFT) |
	       (((HV_UINT64)rep_start & HV_HYPERCALL_REP_START_MASK) << HV_HYPERCALL_REP_START_SHIFT);
}

/* Returns input with its rep start index replaced (used to re-issue a rep call that returned early). */
static inline HV_UINT64 hv_input_with_rep_start(HV_UINT64 input, HV_UINT16 rep_start)
{
	input &= ~(HV_HYPERCALL_REP_START_MASK << HV_HYPERCALL_REP_START_SHIFT);
	return input | (((HV_UINT64)rep_start & HV_HYPERCALL_REP_START_MASK) << HV_HYPERCALL_REP_START_SHIFT);
}

/* ---- The 64-bit hypercall result value ---- */

#define HV_RESULT_STATUS_SHIFT         0
#define HV_RESULT_STATUS_MASK          0xFFFFULL /* bits 15-0 */
#define HV_RESULT_REPS_COMPLETED_SHIFT 32
#define HV_RESULT_REPS_COMPLETED_MASK  0xFFFULL /* bits 43-32: absolute, not relative to the start index */
/* Bits 31-16 and 63-44 are Rsvd: karasu returns them as zero. */

static inline HV_UINT64 hv_result_value(HV_STATUS status, HV_UINT16 reps_completed)
{
	return ((HV_UINT64)status << HV_RESULT_STATUS_SHIFT) |
	       (((HV_UINT64)reps_completed & HV_RESULT_REPS_COMPLETED_MASK)
	        << HV_RESULT_REPS_COMPLETED_SHIFT);
}

static inline HV_STATUS hv_result_status(HV_UINT64 result)
{
	return (HV_STATUS)((result >> HV_RESULT_STATUS_SHIFT) & HV_RESULT_STATUS_MASK);
}

static inline HV_UINT16 hv_result_reps_completed(HV_UINT64 result)
{
	return (HV_UINT16)((result >> HV_RESULT_REPS_COMPLETED_SHIFT) & HV_RESULT_REPS_COMPLETED_MASK);
}

/* ---- Call codes karasu knows ---- */

#define HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE 0x0002
#define HVCALL_GET_PARTITION_ID            0x0046
#define HVCALL_MAP_GPA_PAGES               0x004B /* rep; structures only, not dispatched yet */
#define HVCALL_UNMAP_GPA_PAGES             0x004C /* rep; structures only, not dispatched yet */
#define HVCALL_GET_VP_REGISTERS            0x0050 /* rep */
#define HVCALL_SET_VP_REGISTERS            0x0051 /* rep */
#define HVCALL_POST_MESSAGE                0x005C
#define HVCALL_SIGNAL_EVENT                0x005D

/* ---- Partitions and virtual processors ---- */

#define HV_PARTITION_ID_INVALID ((HV_PARTITION_ID)0)
#define HV_PARTITION_ID_SELF    ((HV_PARTITION_ID)0xFFFFFFFFFFFFFFFFULL)
#define HV_VP_INDEX_SELF        ((HV_VP_INDEX)0xFFFFFFFEU)
#define HV_VP_INDEX_ANY         ((HV_VP_INDEX)0xFFFFFFFFU)

/* HV_INPUT_VTL byte: bits 3-0 target VTL, bit 4 use the target VTL (else the caller's), bits 7-5 RsvdZ. */
#define HV_INPUT_VTL_TARGET_MASK 0x0FU
#define HV_INPUT_VTL_USE_TARGET  0x10U
#define HV_INPUT_VTL_RSVDZ_MASK  0xE0U

/* HV_PARTITION_PRIVILEGE_MASK (64 bits). Bits 15-0: access to synthetic registers; bits 63-32: calls. */
#define HV_PRIVILEGE_ACCESS_VP_RUNTIME_REG              (1ULL << 0)
#define HV_PRIVILEGE_ACCESS_PARTITION_REFERENCE_COUNTER (1ULL << 1) /* TimeRefCount */
#define HV_PRIVILEGE_ACCESS_SYNIC_REGS                  (1ULL << 2)
#define HV_PRIVILEGE_ACCESS_SYNTHETIC_TIMER_REGS        (1ULL << 3)
#define HV_PRIVILEGE_ACCESS_INTR_CTRL_REGS              (1ULL << 4)
#define HV_PRIVILEGE_ACCESS_HYPERCALL_REGS              (1ULL << 5) /* GuestOsId */
#define HV_PRIVILEGE_ACCESS_VP_INDEX                    (1ULL << 6)
#define HV_PRIVILEGE_ACCESS_RESET_REG                   (1ULL << 7)
#define HV_PRIVILEGE_ACCESS_STATS_REG                   (1ULL << 8)
#define HV_PRIVILEGE_ACCESS_PARTITION_REFERENCE_TSC     (1ULL << 9)
#define HV_PRIVILEGE_ACCESS_GUEST_IDLE_REG              (1ULL << 10)
#define HV_PRIVILEGE_ACCESS_FREQUENCY_REGS              (1ULL << 11)
#define HV_PRIVILEGE_ACCESS_DEBUG_REGS                  (1ULL << 12)
#define HV_PRIVILEGE_CREATE_PARTITIONS                  (1ULL << 32)
#define HV_PRIVILEGE_ACCESS_PARTITION_ID                (1ULL << 33) /* HvCallGetPartitionId */
#define HV_PRIVILEGE_ACCESS_MEMORY_POOL                 (1ULL << 34)
#define HV_PRIVILEGE_ADJUST_MESSAGE_BUFFERS             (1ULL << 35)
#define HV_PRIVILEGE_POST_MESSAGES                      (1ULL << 36) /* HvCallPostMessage */
#define HV_PRIVILEGE_SIGNAL_EVENTS                      (1ULL << 37) /* HvCallSignalEvent */
#define HV_PRIVILEGE_CREATE_PORT                        (1ULL << 38)
#define HV_PRIVILEGE_CONNECT_PORT                       (1ULL << 39)
#define HV_PRIVILEGE_ACCESS_STATS                       (1ULL << 40)

/* ---- Register names (HV_REGISTER_NAME, 32 bits) ---- */

#define HV_REGISTER_HYPERVISOR_VERSION           0x00000100U
#define HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO 0x00000200U
#define HV_REGISTER_FEATURES_INFO                0x00000201U
#define HV_REGISTER_GUEST_OS_ID                  0x00090002U
#define HV_REGISTER_VP_INDEX                     0x00090003U
#define HV_REGISTER_TIME_REF_COUNT               0x00090004U
#define HV_REGISTER_SINT0                        0x000A0000U
#define HV_REGISTER_SINT_COUNT                   16
#define HV_REGISTER_SINT(n)                      (HV_REGISTER_SINT0 + (HV_REGISTER_NAME)(n)) /* n = 0..15 */
#define HV_REGISTER_SCONTROL                     0x000A0010U
#define HV_REGISTER_SIEFP                        0x000A0012U
#define HV_REGISTER_SIMP                         0x000A0013U
#define HV_REGISTER_EOM                          0x000A0014U

/* HypervisorVersion as a 128-bit value: low64 bits 31-0 build number, bits 47-32 minor version, bits 63-48
 * major version; high64 bits 31-0 service pack, bits 55-32 service number, bits 63-56 service branch. */
#define HV_VERSION_BUILD_SHIFT          0
#define HV_VERSION_MINOR_SHIFT          32
#define HV_VERSION_MAJOR_SHIFT          48
#define HV_VERSION_SERVICE_NUMBER_SHIFT 32
#define HV_VERSION_SERVICE_BRANCH_SHIFT 56

/* PrivilegesAndFeaturesInfo: low64 = HV_PARTITION_PRIVILEGE_MASK, high64 bits 31-0 = feature flags.
 * FeaturesInfo: low64 bits 31-0 = implementation recommendations. */

/* A register value: 128 bits, read through the member that matches the register's width. */
typedef union {
	HV_UINT128 reg128;
	HV_UINT64 reg64;
	HV_UINT32 reg32;
	HV_UINT16 reg16;
	HV_UINT8 reg8;
} HV_REGISTER_VALUE;

/* ---- HvCallGetVpRegisters / HvCallSetVpRegisters (rep) ---- */

/* Fixed header of both calls. */
struct hv_input_vp_registers_header {
	HV_PARTITION_ID partition_id;
	HV_VP_INDEX vp_index;
	HV_INPUT_VTL input_vtl;
	HV_UINT8 rsvdz0[3]; /* RsvdZ */
};

/* Get: each input element is one HV_REGISTER_NAME (4 bytes), each output element one HV_REGISTER_VALUE. */
#define HV_GET_VP_REGISTERS_INPUT_ELEMENT_SIZE  sizeof(HV_REGISTER_NAME)
#define HV_GET_VP_REGISTERS_OUTPUT_ELEMENT_SIZE sizeof(HV_REGISTER_VALUE)

/* Set: each input element names a register and gives its value (HV_REGISTER_ASSOC). No output. */
struct hv_register_assoc {
	HV_REGISTER_NAME name;
	HV_UINT32 rsvdz0; /* RsvdZ */
	HV_UINT64 rsvdz1; /* RsvdZ */
	HV_REGISTER_VALUE value;
};

/* ---- HvCallGetPartitionId (no input) ---- */

struct hv_output_get_partition_id {
	HV_PARTITION_ID partition_id;
};

/* ---- HvCallPostMessage / HvCallSignalEvent ---- */

#define HV_MESSAGE_PAYLOAD_BYTE_COUNT   240
#define HV_MESSAGE_PAYLOAD_QWORD_COUNT  30
#define HV_MESSAGE_TYPE_HYPERVISOR_MASK 0x80000000U /* message types with the top bit are the hypervisor's */

struct hv_input_post_message {
	HV_CONNECTION_ID connection_id;
	HV_UINT32 rsvdz0;             /* RsvdZ */
	HV_MESSAGE_TYPE message_type; /* non-zero, top bit clear */
	HV_UINT32 payload_size;       /* bytes, <= HV_MESSAGE_PAYLOAD_BYTE_COUNT */
	HV_UINT64 payload[HV_MESSAGE_PAYLOAD_QWORD_COUNT];
};

/* A SynIC event flags page holds one 2048-bit flag array per SINT: flag numbers are below this. */
#define HV_EVENT_FLAGS_COUNT 2048

struct hv_input_signal_event {
	HV_CONNECTION_ID connection_id;
	HV_UINT16 flag_number;
	HV_UINT16 rsvdz0; /* RsvdZ */
};

/* ---- HvCallFlushVirtualAddressSpace ---- */

#define HV_FLUSH_ALL_PROCESSORS             0x1ULL
#define HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES 0x2ULL
#define HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY   0x4ULL
#define HV_FLUSH_VALID_MASK                 0x7ULL /* every other flag bit is RsvdZ */

struct hv_input_flush_virtual_address_space {
	HV_ADDRESS_SPACE_ID address_space;
	HV_UINT64 flags; /* HV_FLUSH_*; other bits RsvdZ */
	HV_UINT64 processor_mask;
};

/* ---- HvCallMapGpaPages / HvCallUnmapGpaPages (rep) ---- */

#define HV_MAP_GPA_READABLE          0x00000001U
#define HV_MAP_GPA_WRITABLE          0x00000002U
#define HV_MAP_GPA_KERNEL_EXECUTABLE 0x00000004U
#define HV_MAP_GPA_USER_EXECUTABLE   0x00000008U
#define HV_MAP_GPA_NO_ACCESS         0x00010000U

/* Header; each rep element is one source HV_GPA_PAGE_NUMBER (of the caller), mapped at target_gpa_base +
 * rep index in the target partition. */
struct hv_input_map_gpa_pages {
	HV_PARTITION_ID target_partition_id;
	HV_GPA_PAGE_NUMBER target_gpa_base;
	HV_MAP_GPA_FLAGS map_flags;
	HV_UINT32 rsvdz0; /* RsvdZ */
};

/* Header only: the rep count is the number of pages unmapped from target_gpa_base on. */
struct hv_input_unmap_gpa_pages {
	HV_PARTITION_ID target_partition_id;
	HV_GPA_PAGE_NUMBER target_gpa_base;
	HV_UINT32 unmap_flags; /* none defined: RsvdZ */
	HV_UINT32 rsvdz0;      /* RsvdZ */
};

/* ---- Transport: arm64 (SMCCC) ---- */

/* SMCCC function id fields: bit 31 fast call (clear: yielding), bit 30 SMC64 calling convention, bits 29-24
 * owning service, bits 15-0 function number. */
#define HV_SMCCC_FAST_CALL        (1U << 31)
#define HV_SMCCC_64               (1U << 30)
#define HV_SMCCC_OWNER_SHIFT      24
#define HV_SMCCC_OWNER_MASK       0x3FU
#define HV_SMCCC_OWNER_VENDOR_HYP 6U
#define HV_SMCCC_FUNCTION_MASK    0xFFFFU

/* HVC #0 with X0 = this function id (yielding call, SMC64, owner vendor hypervisor, function 1); X1 = input
 * value, X2 = input GPA, X3 = output GPA; fast calls carry parameters in X2..X17. Result value in X0. */
#define HV_SMCCC_HVC_IMM             0
#define HV_SMCCC_FUNC_HYPERCALL      0x46000001U
#define HV_SMCCC_FAST_REGISTER_FIRST 2  /* X2 */
#define HV_SMCCC_FAST_REGISTER_COUNT 16 /* X2..X17: 128 bytes */
/* Vendor-specific hypervisor service call UID query (fast call, SMC32, owner vendor hypervisor, function
 * 0xFF01): returns karasu's UUID in W0..W3. */
#define HV_SMCCC_FUNC_VENDOR_HYP_UID 0x8600FF01U
/* The older form: HVC #1 with the input value in X0 (no function id). karasu does not implement it. */
#define HV_SMCCC_LEGACY_HVC_IMM      1

/* karasu's vendor hypervisor UUID: 4b415241-5355-4876-a563-9d2e1c7f0b58 (random version 4 UUID whose first
 * six bytes spell "KARASU"). Word n = the UUID's bytes 4n..4n+3 (RFC 4122 byte order) read little-endian,
 * the convention SMCCC callers (e.g. Linux's UUID_INIT comparison) use. */
#define KARASU_UUID_STRING "4b415241-5355-4876-a563-9d2e1c7f0b58"
#define KARASU_UUID_W0     0x4152414BU
#define KARASU_UUID_W1     0x76485553U
#define KARASU_UUID_W2     0x2E9D63A5U
#define KARASU_UUID_W3     0x580B7F1CU

/* ---- Transport: RISC-V (SBI vendor extension) ---- */

/* ECALL from S-mode with a7 = EID, a6 = FID (the SBI calling convention). For FID 0: a0 = input value,
 * a1 = input GPA, a2 = output GPA; fast calls carry parameters in a1..a5 (40 bytes). The result value is
 * returned in a0 (not an SBI error code). EID 0x094B5255: vendor space, low 24 bits ASCII "KRU". */
#define HV_SBI_EXT_KARASU          0x094B5255U
#define HV_SBI_FID_HYPERCALL       0
#define HV_SBI_FAST_REGISTER_COUNT 5 /* a1..a5 */

/* ---- Layout checks: every size and field offset, against the TLFS layouts ---- */

#define HV_ASSERT_OFFSET(type, field, off) \
	_Static_assert(__builtin_offsetof(type, field) == (off), #type "." #field)

_Static_assert(sizeof(HV_UINT128) == 16, "HV_UINT128 size");
_Static_assert(_Alignof(HV_UINT128) == 16, "HV_UINT128 alignment");
HV_ASSERT_OFFSET(HV_UINT128, low64, 0);
HV_ASSERT_OFFSET(HV_UINT128, high64, 8);
_Static_assert(sizeof(HV_STATUS) == 2, "HV_STATUS size");
_Static_assert(sizeof(HV_GPA) == 8 && sizeof(HV_SPA) == 8 && sizeof(HV_GVA) == 8, "address sizes");
_Static_assert(sizeof(HV_SPA_PAGE_OFFSET) == 4, "page offset size");
_Static_assert(sizeof(HV_PARTITION_ID) == 8, "HV_PARTITION_ID size");
_Static_assert(sizeof(HV_VP_INDEX) == 4, "HV_VP_INDEX size");
_Static_assert(sizeof(HV_REGISTER_NAME) == 4, "HV_REGISTER_NAME size");
_Static_assert(sizeof(HV_REGISTER_VALUE) == 16, "HV_REGISTER_VALUE size");

_Static_assert(sizeof(struct hv_input_vp_registers_header) == 16, "vp registers header size");
HV_ASSERT_OFFSET(struct hv_input_vp_registers_header, partition_id, 0);
HV_ASSERT_OFFSET(struct hv_input_vp_registers_header, vp_index, 8);
HV_ASSERT_OFFSET(struct hv_input_vp_registers_header, input_vtl, 12);
HV_ASSERT_OFFSET(struct hv_input_vp_registers_header, rsvdz0, 13);

_Static_assert(HV_GET_VP_REGISTERS_INPUT_ELEMENT_SIZE == 4, "get element size");
_Static_assert(HV_GET_VP_REGISTERS_OUTPUT_ELEMENT_SIZE == 16, "get output element size");

_Static_assert(sizeof(struct hv_register_assoc) == 32, "set element size");
HV_ASSERT_OFFSET(struct hv_register_assoc, name, 0);
HV_ASSERT_OFFSET(struct hv_register_assoc, rsvdz0, 4);
HV_ASSERT_OFFSET(struct hv_register_assoc, rsvdz1, 8);
HV_ASSERT_OFFSET(struct hv_register_assoc, value, 16);

_Static_assert(sizeof(struct hv_output_get_partition_id) == 8, "get partition id output size");
HV_ASSERT_OFFSET(struct hv_output_get_partition_id, partition_id, 0);

_Static_assert(sizeof(struct hv_input_post_message) == 256, "post message input size");
HV_ASSERT_OFFSET(struct hv_input_post_message, connection_id, 0);
HV_ASSERT_OFFSET(struct hv_input_post_message, rsvdz0, 4);
HV_ASSERT_OFFSET(struct hv_input_post_message, message_type, 8);
HV_ASSERT_OFFSET(struct hv_input_post_message, payload_size, 12);
HV_ASSERT_OFFSET(struct hv_input_post_message, payload, 16);

_Static_assert(sizeof(struct hv_input_signal_event) == 8, "signal event input size");
HV_ASSERT_OFFSET(struct hv_input_signal_event, connection_id, 0);
HV_ASSERT_OFFSET(struct hv_input_signal_event, flag_number, 4);
HV_ASSERT_OFFSET(struct hv_input_signal_event, rsvdz0, 6);

_Static_assert(sizeof(struct hv_input_flush_virtual_address_space) == 24, "flush input size");
HV_ASSERT_OFFSET(struct hv_input_flush_virtual_address_space, address_space, 0);
HV_ASSERT_OFFSET(struct hv_input_flush_virtual_address_space, flags, 8);
HV_ASSERT_OFFSET(struct hv_input_flush_virtual_address_space, processor_mask, 16);

_Static_assert(sizeof(struct hv_input_map_gpa_pages) == 24, "map gpa pages header size");
HV_ASSERT_OFFSET(struct hv_input_map_gpa_pages, target_partition_id, 0);
HV_ASSERT_OFFSET(struct hv_input_map_gpa_pages, target_gpa_base, 8);
HV_ASSERT_OFFSET(struct hv_input_map_gpa_pages, map_flags, 16);
HV_ASSERT_OFFSET(struct hv_input_map_gpa_pages, rsvdz0, 20);

_Static_assert(sizeof(struct hv_input_unmap_gpa_pages) == 24, "unmap gpa pages header size");
HV_ASSERT_OFFSET(struct hv_input_unmap_gpa_pages, target_partition_id, 0);
HV_ASSERT_OFFSET(struct hv_input_unmap_gpa_pages, target_gpa_base, 8);
HV_ASSERT_OFFSET(struct hv_input_unmap_gpa_pages, unmap_flags, 16);
HV_ASSERT_OFFSET(struct hv_input_unmap_gpa_pages, rsvdz0, 20);

_Static_assert(HV_SMCCC_FUNC_HYPERCALL ==
                   (HV_SMCCC_64 | (HV_SMCCC_OWNER_VENDOR_HYP << HV_SMCCC_OWNER_SHIFT) | 0x0001U),
               "hypercall function id: yielding, SMC64, vendor hypervisor, function 1");
_Static_assert(HV_SMCCC_FUNC_VENDOR_HYP_UID ==
                   (HV_SMCCC_FAST_CALL | (HV_SMCCC_OWNER_VENDOR_HYP << HV_SMCCC_OWNER_SHIFT) | 0xFF01U),
               "UID query: fast, SMC32, vendor hypervisor, function 0xFF01");
_Static_assert(HV_HYPERCALL_INPUT_RSVDZ_MASK == 0xF000F000F8000000ULL, "input value RsvdZ bits");

#endif
