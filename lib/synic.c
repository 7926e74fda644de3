/* SynIC registers, message slots and event flags (lib/synic.h, docs/synic.md). */
#include "lib/synic.h"

#include "lib/mem.h"

#define PAGE_SIZE          HV_PAGE_SIZE
#define EVENT_WORD_BITS    64u
#define EVENT_WORD_BYTES   8u
#define MESSAGE_BODY_START offsetof(struct synic_message, header.sender) /* all but the first word */

static void lock(struct synic_vp *s)
{
	if (s->ops->lock)
		s->ops->lock(s->lock);
}

static void unlock(struct synic_vp *s)
{
	if (s->ops->unlock)
		s->ops->unlock(s->lock);
}

void synic_vp_init(struct synic_vp *s, const struct synic_ops *ops, void *part, uint32_t vp, void *lock_ptr,
                   uint8_t vector_min, uint8_t vector_max)
{
	k_memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->part = part;
	s->vp = vp;
	s->lock = lock_ptr;
	s->vector_min = vector_min;
	s->vector_max = vector_max;
	synic_vp_reset(s);
}

void synic_vp_reset(struct synic_vp *s)
{
	lock(s);
	s->scontrol = 0;
	s->simp = 0;
	s->siefp = 0;
	for (unsigned i = 0; i < SYNIC_SINT_COUNT; i++)
		s->sint[i] = SYNIC_SINT_RESET;
	s->pending = 0;
	unlock(s);
}

bool synic_is_register(HV_REGISTER_NAME name)
{
	return (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT(SYNIC_SINT_COUNT)) ||
	       name == HV_REGISTER_SCONTROL || name == HV_REGISTER_SIEFP || name == HV_REGISTER_SIMP ||
	       name == HV_REGISTER_EOM;
}

static bool enabled(uint64_t page_reg)
{
	return (page_reg & SYNIC_PAGE_ENABLE) != 0;
}

static HV_GPA page_base(uint64_t page_reg)
{
	return page_reg & SYNIC_PAGE_GPA_MASK;
}

static HV_GPA slot_gpa(const struct synic_vp *s, uint32_t sint)
{
	return page_base(s->simp) + (HV_GPA)sint * SYNIC_MESSAGE_SIZE;
}

/* The whole page must be guest RAM: probe its first and last word (RAM is contiguous in both engines'
 * partitions, and a page never spans two RAM ranges in the ones karasu builds). */
static bool page_in_ram(struct synic_vp *s, HV_GPA base)
{
	uint64_t probe;
	return s->ops->read_gpa(s->part, base, &probe, sizeof(probe)) &&
	       s->ops->read_gpa(s->part, base + PAGE_SIZE - sizeof(probe), &probe, sizeof(probe));
}

HV_STATUS synic_get_register(struct synic_vp *s, HV_REGISTER_NAME name, HV_REGISTER_VALUE *value)
{
	uint64_t v;
	lock(s);
	if (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT(SYNIC_SINT_COUNT))
		v = s->sint[name - HV_REGISTER_SINT0];
	else if (name == HV_REGISTER_SCONTROL)
		v = s->scontrol;
	else if (name == HV_REGISTER_SIMP)
		v = s->simp;
	else if (name == HV_REGISTER_SIEFP)
		v = s->siefp;
	else if (name == HV_REGISTER_EOM)
		v = 0; /* write-only: reads as zero */
	else {
		unlock(s);
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	}
	unlock(s);
	value->reg128.low64 = v;
	value->reg128.high64 = 0;
	return HV_STATUS_SUCCESS;
}

/* Writes message m into the free slot `sint`: the body first, then the header word with a release store,
 * so the guest never sees a MessageType before the payload it announces. Caller holds the lock. */
static bool write_slot(struct synic_vp *s, uint32_t sint, const struct synic_message *m)
{
	HV_GPA gpa = slot_gpa(s, sint);
	const uint8_t *body = (const uint8_t *)m + MESSAGE_BODY_START;
	if (!s->ops->write_gpa(s->part, gpa + MESSAGE_BODY_START, body,
	                       SYNIC_MESSAGE_SIZE - MESSAGE_BODY_START))
		return false;
	uint64_t word = (uint64_t)m->header.message_type |
	                ((uint64_t)m->header.payload_size << SYNIC_HEADER_WORD_SIZE_SHIFT) |
	                ((uint64_t)m->header.message_flags << SYNIC_HEADER_WORD_FLAGS_SHIFT);
	if (!s->ops->store_u64_release(s->part, gpa, word))
		return false;
	s->stats.messages_delivered++;
	return true;
}

/* MessageType of slot `sint` (atomic load), or false if the slot is unreadable. */
static bool slot_type(struct synic_vp *s, uint32_t sint, uint32_t *type)
{
	uint64_t word;
	if (!s->ops->fetch_or_u64(s->part, slot_gpa(s, sint), 0, &word))
		return false;
	*type = (uint32_t)(word & SYNIC_HEADER_WORD_TYPE_MASK);
	return true;
}

/* Moves the message queued for `sint` into its slot if the guest has freed it. True if delivered.
 * Caller holds the lock. */
static bool deliver_queued(struct synic_vp *s, uint32_t sint)
{
	uint32_t type;
	if (!(s->pending & (1u << sint)) || !enabled(s->simp) || !enabled(s->scontrol))
		return false;
	if (!slot_type(s, sint, &type) || type != 0)
		return false;
	s->pending_msg[sint].header.message_flags = 0; /* nothing else is queued behind it */
	if (!write_slot(s, sint, &s->pending_msg[sint]))
		return false;
	s->pending &= (uint16_t) ~(1u << sint);
	return true;
}

/* Raises one SINT unless masked. sint_reg was read under the lock; called after dropping it. */
static void raise_one(struct synic_vp *s, uint64_t sint_reg)
{
	if (sint_reg & SYNIC_SINT_MASKED)
		return;
	__atomic_fetch_add(&s->stats.interrupts, 1, __ATOMIC_RELAXED);
	s->ops->raise_interrupt(s->part, s->vp, (uint32_t)(sint_reg & SYNIC_SINT_VECTOR_MASK));
}

static void end_of_message(struct synic_vp *s)
{
	uint64_t sints[SYNIC_SINT_COUNT];
	uint32_t delivered = 0;
	lock(s);
	s->stats.eoms++;
	for (uint32_t i = 0; i < SYNIC_SINT_COUNT; i++)
		if (deliver_queued(s, i))
			delivered |= 1u << i;
	k_memcpy(sints, s->sint, sizeof(sints));
	unlock(s);
	for (uint32_t i = 0; i < SYNIC_SINT_COUNT; i++)
		if (delivered & (1u << i))
			raise_one(s, sints[i]);
}

HV_STATUS synic_set_register(struct synic_vp *s, HV_REGISTER_NAME name, const HV_REGISTER_VALUE *value)
{
	uint64_t v = value->reg128.low64;
	if (!synic_is_register(name))
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (value->reg128.high64 != 0) /* every SynIC register is 64 bits */
		return HV_STATUS_INVALID_REGISTER_VALUE;
	if (name == HV_REGISTER_EOM) {
		end_of_message(s);
		return HV_STATUS_SUCCESS;
	}
	if ((name == HV_REGISTER_SIMP || name == HV_REGISTER_SIEFP) && enabled(v) &&
	    !page_in_ram(s, page_base(v)))
		return HV_STATUS_INVALID_REGISTER_VALUE;
	if (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT(SYNIC_SINT_COUNT) &&
	    !(v & SYNIC_SINT_MASKED)) {
		uint64_t vector = v & SYNIC_SINT_VECTOR_MASK;
		if (vector < s->vector_min || vector > s->vector_max)
			return HV_STATUS_INVALID_REGISTER_VALUE;
	}
	lock(s);
	if (name == HV_REGISTER_SCONTROL)
		s->scontrol = v;
	else if (name == HV_REGISTER_SIMP)
		s->simp = v;
	else if (name == HV_REGISTER_SIEFP)
		s->siefp = v;
	else
		s->sint[name - HV_REGISTER_SINT0] = v;
	unlock(s);
	return HV_STATUS_SUCCESS;
}

HV_STATUS synic_post_message(struct synic_vp *s, uint32_t sint, HV_MESSAGE_TYPE type, uint32_t payload_size,
                             const void *payload, uint64_t sender)
{
	if (sint >= SYNIC_SINT_COUNT || payload_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT || type == 0)
		return HV_STATUS_INVALID_PARAMETER;

	struct synic_message m;
	k_memset(&m, 0, sizeof(m));
	m.header.message_type = type;
	m.header.payload_size = (HV_UINT8)payload_size;
	m.header.sender = sender;
	if (payload_size)
		k_memcpy(m.payload, payload, payload_size);

	HV_STATUS status = HV_STATUS_INSUFFICIENT_BUFFERS;
	bool raise = false;
	uint32_t busy_type;
	uint64_t sint_reg;
	lock(s);
	sint_reg = s->sint[sint];
	if (!enabled(s->scontrol) || !enabled(s->simp))
		goto out;
	/* A message queued earlier goes first, if the guest has freed the slot without EOM yet. */
	if (deliver_queued(s, sint))
		raise = true;
	if (s->pending & (1u << sint))
		goto out; /* slot busy and the one buffer taken */
	if (!slot_type(s, sint, &busy_type))
		goto out;
	if (busy_type == 0) {
		if (!write_slot(s, sint, &m))
			goto out;
		raise = true;
		status = HV_STATUS_SUCCESS;
		goto out;
	}
	/* Slot busy: keep the message and tell the guest (MessagePending) to write EOM once it frees the slot.
	 * The guest may have freed it between the check and the flag: the old word says so, deliver now. */
	s->pending_msg[sint] = m;
	s->pending |= (uint16_t)(1u << sint);
	s->stats.messages_queued++;
	uint64_t old;
	if (!s->ops->fetch_or_u64(s->part, slot_gpa(s, sint), SYNIC_HEADER_WORD_PENDING_MASK, &old)) {
		s->pending &= (uint16_t) ~(1u << sint);
		goto out;
	}
	if ((old & SYNIC_HEADER_WORD_TYPE_MASK) == 0 && deliver_queued(s, sint))
		raise = true;
	status = HV_STATUS_SUCCESS;
out:
	if (status != HV_STATUS_SUCCESS)
		s->stats.messages_rejected++;
	unlock(s);
	if (raise)
		raise_one(s, sint_reg);
	return status;
}

HV_STATUS synic_signal_event(struct synic_vp *s, uint32_t sint, uint32_t flag)
{
	if (sint >= SYNIC_SINT_COUNT || flag >= HV_EVENT_FLAGS_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	uint64_t mask = 1ull << (flag % EVENT_WORD_BITS), old = 0, sint_reg;
	bool newly = false;
	HV_STATUS status = HV_STATUS_INVALID_SYNIC_STATE;
	lock(s);
	sint_reg = s->sint[sint];
	if (enabled(s->scontrol) && enabled(s->siefp)) {
		HV_GPA gpa = page_base(s->siefp) + (HV_GPA)sint * SYNIC_EVENT_FLAGS_BYTES +
		             (HV_GPA)(flag / EVENT_WORD_BITS) * EVENT_WORD_BYTES;
		if (s->ops->fetch_or_u64(s->part, gpa, mask, &old)) {
			status = HV_STATUS_SUCCESS;
			newly = !(old & mask);
			if (newly)
				s->stats.events_signalled++;
			else
				s->stats.events_already_set++;
		}
	}
	unlock(s);
	if (newly)
		raise_one(s, sint_reg);
	return status;
}

const struct synic_connection *synic_find_connection(const struct synic_connection *table, size_t n,
                                                     uint32_t id)
{
	if (id & ~SYNIC_CONNECTION_ID_MASK)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}
