/* The synthetic interrupt controller (SynIC) of the Hyper-V TLFS, engine-neutral: the per-VP SynIC
 * registers (SCONTROL, SIMP, SIEFP, SINT0..15, EOM), message delivery into the receiver's SIMP page and
 * event flags in its SIEFP page. karasu-hv uses it for HvCallPostMessage / HvCallSignalEvent between
 * partitions (hv/core/synic_hv.c); karasu-rv can use it the same way.
 *
 * The module never touches engine state: it reaches the receiving VP's guest memory and its interrupt
 * controller through struct synic_ops, always for the partition that owns the SynIC (the RECEIVER), never
 * the caller's view. Rules, status codes and choices: docs/synic.md.
 *
 * Locking: a VP's SynIC may be reached from several physical CPUs at once (its own VP writing registers,
 * senders on other CPUs posting). Every entry point takes ops->lock(s->lock) around its state changes and
 * calls ops->raise_interrupt after dropping it, so the engine's interrupt path may take its own locks.
 */
#ifndef KARASU_LIB_SYNIC_H
#define KARASU_LIB_SYNIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "karasu/hv.h"

#define SYNIC_SINT_COUNT        16u
#define SYNIC_MESSAGE_SIZE      256u /* one HV_MESSAGE slot of the SIMP page per SINT */
#define SYNIC_EVENT_FLAGS_BYTES 256u /* one HV_SYNIC_EVENT_FLAGS bitmap of the SIEFP page per SINT */

/* SCONTROL (0xA0010): bit 0 enables the SynIC; bits 63:1 RsvdP (stored, read back). */
#define SYNIC_SCONTROL_ENABLE  0x1ull
/* SIMP (0xA0013) and SIEFP (0xA0012): bit 0 enable, bits 11:1 RsvdP, bits 63:12 guest page number. */
#define SYNIC_PAGE_ENABLE      0x1ull
#define SYNIC_PAGE_GPA_MASK    0xfffffffffffff000ull
/* SINTx (0xA0000 + x): bits 7:0 vector (karasu-hv: the GIC INTID), bit 16 masked, bit 17 AutoEOI (stored,
 * no effect: the guest ends the interrupt at its interrupt controller), bits 15:8 and 63:18 RsvdP. */
#define SYNIC_SINT_VECTOR_MASK 0xffull
#define SYNIC_SINT_MASKED      (1ull << 16)
#define SYNIC_SINT_AUTO_EOI    (1ull << 17)
#define SYNIC_SINT_RESET       SYNIC_SINT_MASKED /* masked, vector 0 */

/* HV_MESSAGE_HEADER.MessageFlags */
#define SYNIC_MESSAGE_FLAG_PENDING 0x1u

/* HV_MESSAGE: one slot of the SIMP page. */
struct synic_message_header {
	HV_UINT32 message_type; /* 0 = HvMessageTypeNone: the slot is free */
	HV_UINT8 payload_size;
	HV_UINT8 message_flags; /* SYNIC_MESSAGE_FLAG_PENDING */
	HV_UINT16 reserved;
	HV_UINT64 sender; /* karasu: the sending partition's id */
};

struct synic_message {
	struct synic_message_header header;
	HV_UINT64 payload[HV_MESSAGE_PAYLOAD_QWORD_COUNT];
};

_Static_assert(sizeof(struct synic_message_header) == 16, "HV_MESSAGE_HEADER is 16 bytes");
_Static_assert(offsetof(struct synic_message_header, payload_size) == 4, "PayloadSize @4");
_Static_assert(offsetof(struct synic_message_header, message_flags) == 5, "MessageFlags @5");
_Static_assert(offsetof(struct synic_message_header, sender) == 8, "Sender @8");
_Static_assert(sizeof(struct synic_message) == SYNIC_MESSAGE_SIZE, "HV_MESSAGE is 256 bytes");

/* The first 8 bytes of a slot as one little-endian word: where MessageType and MessageFlags sit in it. */
#define SYNIC_HEADER_WORD_TYPE_MASK    0xffffffffull
#define SYNIC_HEADER_WORD_SIZE_SHIFT   32u
#define SYNIC_HEADER_WORD_FLAGS_SHIFT  40u
#define SYNIC_HEADER_WORD_PENDING_MASK ((uint64_t)SYNIC_MESSAGE_FLAG_PENDING << SYNIC_HEADER_WORD_FLAGS_SHIFT)

/* How the module reaches the engine. part is the engine's handle of the partition that owns the SynIC. */
struct synic_ops {
	/* Copy to/from that partition's guest-physical memory; false if any byte is outside its RAM. */
	bool (*read_gpa)(void *part, HV_GPA gpa, void *buf, size_t len);
	bool (*write_gpa)(void *part, HV_GPA gpa, const void *buf, size_t len);
	/* Atomically (sequentially consistent, against the guest's own atomics on other CPUs) ORs mask into
	 * the 8-byte-aligned little-endian word at gpa and returns its old value in *old. mask 0 = an atomic
	 * load. False if the word is outside RAM. */
	bool (*fetch_or_u64)(void *part, HV_GPA gpa, uint64_t mask, uint64_t *old);
	/* Stores the 8-byte-aligned word at gpa with release semantics (everything written before is visible
	 * to the guest first). False if outside RAM. */
	bool (*store_u64_release)(void *part, HV_GPA gpa, uint64_t value);
	/* Asserts interrupt `vector` (edge) on VP vp of that partition. Called without the SynIC lock. */
	void (*raise_interrupt)(void *part, uint32_t vp, uint32_t vector);
	/* The SynIC's lock (struct synic_vp.lock). Optional: NULL = no locking (single-threaded users). */
	void (*lock)(void *lock);
	void (*unlock)(void *lock);
};

struct synic_stats {
	uint64_t messages_delivered; /* written into the SIMP slot */
	uint64_t messages_queued;    /* slot busy: held in the VP's pending buffer, MessagePending set */
	uint64_t messages_rejected;  /* INSUFFICIENT_BUFFERS */
	uint64_t events_signalled;   /* flag went from clear to set */
	uint64_t events_already_set; /* flag was already set: success, no interrupt */
	uint64_t interrupts;         /* raise_interrupt calls */
	uint64_t eoms;               /* EOM writes */
};

/* The SynIC of one VP. Initialise with synic_vp_init; the fields are the module's. */
struct synic_vp {
	const struct synic_ops *ops;
	void *part;
	uint32_t vp;
	void *lock;
	uint8_t vector_min, vector_max; /* the SINT vectors the engine can raise (unmasked SINTs) */

	uint64_t scontrol, simp, siefp;
	uint64_t sint[SYNIC_SINT_COUNT];
	/* One message per SINT waiting for its slot to be freed (TLFS: the hypervisor's message buffer). */
	uint16_t pending;
	struct synic_message pending_msg[SYNIC_SINT_COUNT];
	struct synic_stats stats;
};

/* Sets up s for VP vp of partition part, in the reset state (synic_vp_reset). Unmasked SINTs must have a
 * vector in [vector_min, vector_max]. */
void synic_vp_init(struct synic_vp *s, const struct synic_ops *ops, void *part, uint32_t vp, void *lock,
                   uint8_t vector_min, uint8_t vector_max);
/* Architectural reset: SCONTROL/SIMP/SIEFP 0, every SINT masked with vector 0, pending messages dropped,
 * statistics kept. */
void synic_vp_reset(struct synic_vp *s);

/* True for the names this module implements (SINT0..15, SCONTROL, SIEFP, SIMP, EOM). */
bool synic_is_register(HV_REGISTER_NAME name);
/* Get/SetVpRegisters for those names (engines call these from their register hooks). Get: SUCCESS (EOM
 * reads as 0) or UNKNOWN_REGISTER_NAME. Set: SUCCESS; INVALID_REGISTER_VALUE for high64 != 0, an enabled
 * SIMP/SIEFP page outside guest RAM, an unmasked SINT with a vector outside [vector_min, vector_max];
 * UNKNOWN_REGISTER_NAME. Writing EOM delivers the messages waiting for freed slots. */
HV_STATUS synic_get_register(struct synic_vp *s, HV_REGISTER_NAME name, HV_REGISTER_VALUE *value);
HV_STATUS synic_set_register(struct synic_vp *s, HV_REGISTER_NAME name, const HV_REGISTER_VALUE *value);

/* Delivers a message into slot `sint` of s's SIMP page and raises the SINT (unless masked).
 *   SUCCESS               delivered, or queued because the slot was busy (MessagePending set in the slot)
 *   INSUFFICIENT_BUFFERS  SynIC or SIMP disabled, or the slot busy with one message already queued
 *   INVALID_PARAMETER     sint >= 16 or payload_size > 240 (the dispatcher has checked the guest's block)
 * payload: payload_size bytes (the rest of the slot's payload is zeroed). sender goes into the header. */
HV_STATUS synic_post_message(struct synic_vp *s, uint32_t sint, HV_MESSAGE_TYPE type, uint32_t payload_size,
                             const void *payload, uint64_t sender);

/* Sets event flag `flag` of SINT `sint` in s's SIEFP page and raises the SINT (unless masked) when the
 * flag went from clear to set. SUCCESS (also when the flag was already set); INVALID_SYNIC_STATE when the
 * SynIC or SIEFP is disabled (or the page is unreadable); INVALID_PARAMETER for sint >= 16 or
 * flag >= HV_EVENT_FLAGS_COUNT. */
HV_STATUS synic_signal_event(struct synic_vp *s, uint32_t sint, uint32_t flag);

/* A static connection: what a sending partition's ConnectionId names. The engine resolves target to the
 * receiving partition and target_vp to its VP. */
#define SYNIC_CONNECTION_MESSAGES 0x1u
#define SYNIC_CONNECTION_EVENTS   0x2u
#define SYNIC_CONNECTION_ID_MASK  0x00ffffffu /* HV_CONNECTION_ID.Id: 24 bits, the rest reserved */

struct synic_connection {
	uint32_t id;
	uint32_t kinds; /* SYNIC_CONNECTION_MESSAGES | SYNIC_CONNECTION_EVENTS */
	uint32_t target_vp;
	uint8_t sint;
	void *target; /* engine's handle of the receiving partition */
};

/* The connection with this id in table[0..n), or NULL. Ids with reserved bits never match. */
const struct synic_connection *synic_find_connection(const struct synic_connection *table, size_t n,
                                                     uint32_t id);

#endif
