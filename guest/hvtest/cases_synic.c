/* SynIC messages and events through karasu (docs/synic.md), with the connections of configs/hvtest-synic.cfg
 * (karasu-hv) and configs/rv-hvtest-synic.cfg (karasu-rv):
 *   hvtest.mode=synic       one guest, connections to itself: 1 -> self sint 2 (both), 2 -> self sint 3
 *                           (events), 3 -> self sint 4 (messages). Checks the SynIC registers, delivery
 *                           into its own SIMP slot with the SINT taken as an interrupt, the pending message
 *                           and EOM, event flags in its SIEFP page, and every error status.
 *   hvtest.mode=synic-recv  receiver of a two-guest run: enables its SynIC, waits for one message and one
 *                           event from the sender.
 *   hvtest.mode=synic-send  sender: connection 1 -> the receiver, sint 2 (both); retries while the receiver
 *                           is not ready yet (INSUFFICIENT_BUFFERS / INVALID_SYNIC_STATE / INVALID_PORT_ID).
 *   hvtest.mode=synic-peer  both: two peers with connection 1 -> each other, sint 2, each receiving the
 *                           other's message and event (messages in both directions).
 * The SINT's vector is HVTEST_SINT_VECTOR: a PPI on arm64, a local interrupt (sip bit) on RISC-V; taking and
 * acknowledging it is the architecture's part (<arch>/synic_irq.c), which calls synic_irq_taken. The cases
 * whose names say how the interrupt arrives are in the group "synic.irq" (scope arch); the rest is shared.
 *
 * A guest enables its SynIC the way Linux does: SINT, SIMP and SIEFP first, SCONTROL last. A sender may
 * post at any moment; with SCONTROL enabled before the SINT was unmasked, a message landing in between is
 * delivered without an interrupt (the TLFS rule for a masked SINT) and the receiver would wait forever. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

void cases_synic(void);

#define CONN_BOTH        1u
#define CONN_EVENTS      2u
#define CONN_MESSAGES    3u
#define CONN_UNKNOWN     99u
#define SINT_BOTH        2u
#define SINT_EVENTS      3u
#define SINT_INTID       HVTEST_SINT_VECTOR
#define BAD_VECTOR       40u /* outside 16..31 on both architectures */
#define SINT_MASKED      (1ull << 16)
#define MSG_TYPE         0x1234u
#define MSG_TYPE_2       0x1235u
#define FLAG             77u
#define WAIT_MS          200u
#define SENDER_WAIT_MS   20000u
#define SLOT_BYTES       256u
#define EVENT_AREA_BYTES 256u

static uint8_t simp_page[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));
static uint8_t siefp_page[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));
static uint8_t in_page[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));
static uint8_t out_page[HVTEST_PAGE] __attribute__((aligned(HVTEST_PAGE)));

/* Written by the interrupt handler (synic_irq_taken). */
static volatile uint64_t synic_irq_count, synic_irq_intid;
/* What the SIMP slot / SIEFP flag of SINT_BOTH showed when interrupt SINT_INTID was taken (sticky). The
 * receiver checks these rather than counting one interrupt per message or event: two raises of one SINT may
 * merge into one interrupt (GICv3: a PPI raised again while still pending; RISC-V: a sip bit set again
 * before it was cleared), so "an interrupt was taken after the message / flag was there" is what the SynIC
 * guarantees. */
static volatile bool irq_saw_message, irq_saw_flag;

/* The cases whose names say how the interrupt arrives (PPI / IRQ at EL1, or local interrupt in S-mode) are
 * compared per architecture only; the rest of the group is shared. */
static void irq_worded(void)
{
	case_group("synic.irq", SCOPE_ARCH);
}

static void shared_again(void)
{
	case_group("synic", SCOPE_SHARED);
}

/* ---- hypercalls ---- */

static HV_STATUS status_of(uint64_t result)
{
	return hv_result_status(result);
}

static HV_STATUS set_reg(HV_REGISTER_NAME name, uint64_t value)
{
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	struct hv_register_assoc a;
	k_memset(&a, 0, sizeof(a));
	a.name = name;
	a.value.reg128.low64 = value;
	k_memcpy(in_page, &h, sizeof(h));
	k_memcpy(in_page + sizeof(h), &a, sizeof(a));
	return status_of(
	    hypercall(hv_input_value(HVCALL_SET_VP_REGISTERS, false, 1, 0), (uintptr_t)in_page, 0));
}

static HV_STATUS get_reg(HV_REGISTER_NAME name, uint64_t *value)
{
	struct hv_input_vp_registers_header h = {.partition_id = HV_PARTITION_ID_SELF,
	                                         .vp_index = HV_VP_INDEX_SELF};
	k_memcpy(in_page, &h, sizeof(h));
	k_memcpy(in_page + sizeof(h), &name, sizeof(name));
	HV_STATUS st = status_of(hypercall(hv_input_value(HVCALL_GET_VP_REGISTERS, false, 1, 0),
	                                   (uintptr_t)in_page, (uintptr_t)out_page));
	k_memcpy(value, out_page, sizeof(*value));
	return st;
}

static HV_STATUS post(uint32_t conn, uint32_t type, const char *text)
{
	struct hv_input_post_message m;
	k_memset(&m, 0, sizeof(m));
	m.connection_id = conn;
	m.message_type = type;
	m.payload_size = (uint32_t)k_strlen(text);
	k_memcpy(m.payload, text, m.payload_size);
	k_memcpy(in_page, &m, sizeof(m));
	return status_of(hypercall(hv_input_value(HVCALL_POST_MESSAGE, false, 0, 0), (uintptr_t)in_page, 0));
}

static HV_STATUS signal(uint32_t conn, uint16_t flag)
{
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	regs[0] = conn | ((uint64_t)flag << 32);
	return status_of(hypercall_fast(hv_input_value(HVCALL_SIGNAL_EVENT, false, 0, 0), regs));
}

static uint64_t partition_id(void)
{
	hypercall(hv_input_value(HVCALL_GET_PARTITION_ID, false, 0, 0), 0, (uintptr_t)out_page);
	uint64_t id;
	k_memcpy(&id, out_page, sizeof(id));
	return id;
}

static void expect(const char *what, HV_STATUS got, HV_STATUS want)
{
	check(got == want, what, "status %#x, want %#x", got, want);
}

/* ---- the SIMP / SIEFP pages as the guest sees them (MMU off: volatile, uncached) ---- */

static volatile uint8_t *slot(unsigned sint)
{
	return simp_page + sint * SLOT_BYTES;
}

static uint32_t slot_type(unsigned sint)
{
	return *(volatile uint32_t *)(void *)slot(sint);
}

static uint8_t slot_flags(unsigned sint)
{
	return slot(sint)[5];
}

static bool slot_payload_is(unsigned sint, const char *text)
{
	size_t n = k_strlen(text);
	if (slot(sint)[4] != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (slot(sint)[16 + i] != (uint8_t)text[i])
			return false;
	return true;
}

static uint64_t slot_sender(unsigned sint)
{
	return *(volatile uint64_t *)(void *)(slot(sint) + 8);
}

static bool flag_set(unsigned sint, unsigned flag)
{
	volatile uint8_t *flags = siefp_page + sint * EVENT_AREA_BYTES;
	return (flags[flag / 8] >> (flag % 8)) & 1u;
}

/* The interrupt, acknowledged by the architecture's handler: note what the receiver's pages show now (the SINT
 * is raised only after karasu wrote them) and count. */
void synic_irq_taken(uint64_t vector)
{
	if (vector == SINT_INTID) {
		if (slot_type(SINT_BOTH) != 0)
			irq_saw_message = true;
		if (flag_set(SINT_BOTH, FLAG))
			irq_saw_flag = true;
	}
	synic_irq_intid = vector;
	synic_irq_count = synic_irq_count + 1;
}

/* Waits up to ms for the IRQ count to reach want. */
static bool wait_irqs(uint64_t want, unsigned ms)
{
	uint64_t end = now_ticks() + ms * ticks_per_ms();
	while (synic_irq_count < want && now_ticks() < end)
		cpu_relax();
	return synic_irq_count >= want;
}

/* Waits up to ms for *flag (set by synic_irq_taken). */
static bool wait_seen(volatile bool *flag, unsigned ms)
{
	uint64_t end = now_ticks() + ms * ticks_per_ms();
	while (!*flag && now_ticks() < end)
		cpu_relax();
	return *flag;
}

static void pause_ms(unsigned ms)
{
	uint64_t end = now_ticks() + ms * ticks_per_ms();
	while (now_ticks() < end)
		cpu_relax();
}

static bool enable_synic(void)
{
	k_memset(simp_page, 0, sizeof(simp_page));
	k_memset(siefp_page, 0, sizeof(siefp_page));
	/* SCONTROL last: until then senders get INSUFFICIENT_BUFFERS / INVALID_SYNIC_STATE and retry; after
	 * it, everything they deliver raises the unmasked SINT (see the top of this file). */
	return set_reg(HV_REGISTER_SINT(SINT_BOTH), SINT_INTID) == HV_STATUS_SUCCESS &&
	       set_reg(HV_REGISTER_SIMP, (uintptr_t)simp_page | 1) == HV_STATUS_SUCCESS &&
	       set_reg(HV_REGISTER_SIEFP, (uintptr_t)siefp_page | 1) == HV_STATUS_SUCCESS &&
	       set_reg(HV_REGISTER_SCONTROL, 1) == HV_STATUS_SUCCESS;
}

static void disable_synic(void)
{
	set_reg(HV_REGISTER_SCONTROL, 0);
	set_reg(HV_REGISTER_SINT(SINT_BOTH), SINT_MASKED);
	set_reg(HV_REGISTER_SIMP, 0);
	set_reg(HV_REGISTER_SIEFP, 0);
}

/* ---- one guest, connections to itself ---- */

static void registers_and_errors(void)
{
	uint64_t v = 1;
	check(get_reg(HV_REGISTER_SCONTROL, &v) == HV_STATUS_SUCCESS && v == 0,
	      "SCONTROL reads 0 after reset", "got %#llx", (unsigned long long)v);
	v = 0;
	check(get_reg(HV_REGISTER_SINT(SINT_BOTH), &v) == HV_STATUS_SUCCESS && v == SINT_MASKED,
	      "SINT2 reads masked (0x10000) after reset", "got %#llx", (unsigned long long)v);
	expect("PostMessage before the receiver enabled its SIMP -> INSUFFICIENT_BUFFERS",
	       post(CONN_BOTH, MSG_TYPE, "x"), HV_STATUS_INSUFFICIENT_BUFFERS);
	expect("SignalEvent before the receiver enabled its SIEFP -> INVALID_SYNIC_STATE",
	       signal(CONN_BOTH, 1), HV_STATUS_INVALID_SYNIC_STATE);
	expect("PostMessage on a connection karasu.cfg does not declare -> INVALID_CONNECTION_ID",
	       post(CONN_UNKNOWN, MSG_TYPE, "x"), HV_STATUS_INVALID_CONNECTION_ID);
	expect("SignalEvent on a connection karasu.cfg does not declare -> INVALID_CONNECTION_ID",
	       signal(CONN_UNKNOWN, 1), HV_STATUS_INVALID_CONNECTION_ID);
	expect("PostMessage on an events-only connection -> INVALID_PORT_ID",
	       post(CONN_EVENTS, MSG_TYPE, "x"), HV_STATUS_INVALID_PORT_ID);
	expect("SignalEvent on a messages-only connection -> INVALID_PORT_ID", signal(CONN_MESSAGES, 1),
	       HV_STATUS_INVALID_PORT_ID);
	expect("SIMP enabled at a page outside guest RAM -> INVALID_REGISTER_VALUE",
	       set_reg(HV_REGISTER_SIMP, 0x1000 | 1), HV_STATUS_INVALID_REGISTER_VALUE);
	irq_worded();
	expect("SINT unmasked with " HVTEST_SINT_BAD_VECTOR_NAME " -> INVALID_REGISTER_VALUE",
	       set_reg(HV_REGISTER_SINT(SINT_BOTH), BAD_VECTOR), HV_STATUS_INVALID_REGISTER_VALUE);
	check(enable_synic(),
	      "SINT2 (" HVTEST_SINT_VECTOR_NAME "), SIMP, SIEFP and SCONTROL accept their values",
	      "a set failed");
	shared_again();
	v = 0;
	check(get_reg(HV_REGISTER_SIMP, &v) == HV_STATUS_SUCCESS && v == ((uintptr_t)simp_page | 1),
	      "SIMP reads back page | enable", "got %#llx", (unsigned long long)v);
}

static void messages(void)
{
	uint64_t me = partition_id();
	uint64_t irqs = synic_irq_count;
	expect("PostMessage to the own SIMP -> SUCCESS", post(CONN_BOTH, MSG_TYPE, "karasu-synic"),
	       HV_STATUS_SUCCESS);
	check(slot_type(SINT_BOTH) == MSG_TYPE && slot_payload_is(SINT_BOTH, "karasu-synic") &&
	          slot_sender(SINT_BOTH) == me && slot_flags(SINT_BOTH) == 0,
	      "the message is in SIMP slot 2: type, size, payload, sender = own partition id",
	      "type %#x size %u sender %#llx flags %#x", slot_type(SINT_BOTH), slot(SINT_BOTH)[4],
	      (unsigned long long)slot_sender(SINT_BOTH), slot_flags(SINT_BOTH));
	check(slot_type(SINT_BOTH + 1) == 0 && slot_type(SINT_BOTH - 1) == 0, "neighbouring slots stay empty",
	      "slot1 %#x slot3 %#x", slot_type(SINT_BOTH - 1), slot_type(SINT_BOTH + 1));
	irq_worded();
	check(wait_irqs(irqs + 1, WAIT_MS) && synic_irq_intid == SINT_INTID,
	      "SINT2 taken as " HVTEST_SINT_TAKEN_NAME, "%llu IRQs, last INTID %llu",
	      (unsigned long long)(synic_irq_count - irqs), (unsigned long long)synic_irq_intid);
	shared_again();

	expect("second PostMessage while the slot is busy -> SUCCESS (held by karasu)",
	       post(CONN_BOTH, MSG_TYPE_2, "second"), HV_STATUS_SUCCESS);
	check(slot_type(SINT_BOTH) == MSG_TYPE && (slot_flags(SINT_BOTH) & 1),
	      "busy slot keeps the first message and gets MessagePending", "type %#x flags %#x",
	      slot_type(SINT_BOTH), slot_flags(SINT_BOTH));
	expect("third PostMessage with one already held -> INSUFFICIENT_BUFFERS",
	       post(CONN_BOTH, MSG_TYPE_2, "third"), HV_STATUS_INSUFFICIENT_BUFFERS);
	irqs = synic_irq_count;
	*(volatile uint32_t *)(void *)slot(SINT_BOTH) = 0; /* the guest consumed the message */
	memory_barrier();
	expect("EOM -> SUCCESS", set_reg(HV_REGISTER_EOM, 0), HV_STATUS_SUCCESS);
	check(slot_type(SINT_BOTH) == MSG_TYPE_2 && slot_payload_is(SINT_BOTH, "second") &&
	          !(slot_flags(SINT_BOTH) & 1),
	      "EOM delivers the held message into the freed slot", "type %#x flags %#x", slot_type(SINT_BOTH),
	      slot_flags(SINT_BOTH));
	check(wait_irqs(irqs + 1, WAIT_MS), "and raises SINT2 again", "no IRQ");
	*(volatile uint32_t *)(void *)slot(SINT_BOTH) = 0;
}

static void events(void)
{
	uint64_t irqs = synic_irq_count;
	expect("SignalEvent flag 77 -> SUCCESS", signal(CONN_BOTH, FLAG), HV_STATUS_SUCCESS);
	check(flag_set(SINT_BOTH, FLAG) && !flag_set(SINT_BOTH, FLAG + 1) && !flag_set(SINT_BOTH - 1, FLAG),
	      "flag 77 of SINT2 set in the SIEFP page, nothing else", "byte %#x",
	      siefp_page[SINT_BOTH * EVENT_AREA_BYTES + FLAG / 8]);
	irq_worded();
	check(wait_irqs(irqs + 1, WAIT_MS) && synic_irq_intid == SINT_INTID,
	      "SignalEvent raises " HVTEST_SINT_RAISES_NAME, "%llu IRQs",
	      (unsigned long long)(synic_irq_count - irqs));
	shared_again();
	irqs = synic_irq_count;
	expect("SignalEvent on a flag already set -> SUCCESS", signal(CONN_BOTH, FLAG), HV_STATUS_SUCCESS);
	check(!wait_irqs(irqs + 1, 20), "and raises no second interrupt", "got one");
	expect("SignalEvent on the events connection (SINT3, masked) -> SUCCESS", signal(CONN_EVENTS, 5),
	       HV_STATUS_SUCCESS);
	check(flag_set(SINT_EVENTS, 5) && !wait_irqs(irqs + 1, 20),
	      "flag set for the masked SINT3, no interrupt", "flag %d, %llu IRQs", flag_set(SINT_EVENTS, 5),
	      (unsigned long long)(synic_irq_count - irqs));
	expect("SignalEvent flag 2047 (last) -> SUCCESS", signal(CONN_BOTH, 2047), HV_STATUS_SUCCESS);
	check(siefp_page[SINT_BOTH * EVENT_AREA_BYTES + 255] == 0x80 &&
	          siefp_page[(SINT_BOTH + 1) * EVENT_AREA_BYTES] == 1u << 5,
	      "flag 2047 is the top bit of SINT2's 256 bytes (SINT3's area keeps only flag 5)",
	      "byte %#x, SINT3 byte 0 %#x", siefp_page[SINT_BOTH * EVENT_AREA_BYTES + 255],
	      siefp_page[(SINT_BOTH + 1) * EVENT_AREA_BYTES]);
}

static void one_guest(void)
{
	registers_and_errors();
	arch_synic_irq_prepare();
	arch_synic_irqs_on();
	messages();
	events();
	arch_synic_irqs_off();
	arch_synic_irq_release();
	disable_synic();
	expect("after SIMP is disabled again PostMessage -> INSUFFICIENT_BUFFERS",
	       post(CONN_BOTH, MSG_TYPE, "x"), HV_STATUS_INSUFFICIENT_BUFFERS);
}

/* ---- two guests ---- */

/* Ready to receive: SynIC on, SINT2 unmasked, interrupts on. */
static void receiver_ready(void)
{
	arch_synic_irq_prepare();
	irq_worded();
	check(enable_synic(), "receiver: SynIC enabled, SINT2 -> " HVTEST_SINT_VECTOR_NAME, "a set failed");
	shared_again();
	arch_synic_irqs_on();
	out("HVTEST-SYNIC name=%s receiver ready\n", plat.name);
}

/* The other guest's message and event, each with an interrupt. */
static void receive(void)
{
	check(wait_seen(&irq_saw_message, SENDER_WAIT_MS) && slot_type(SINT_BOTH) == MSG_TYPE &&
	          slot_payload_is(SINT_BOTH, "from-the-sender") && slot_sender(SINT_BOTH) != partition_id(),
	      "receiver: the sender's message arrived with an interrupt, sender = the other partition",
	      "%llu IRQs (message seen by one: %d), type %#x, sender %#llx",
	      (unsigned long long)synic_irq_count, irq_saw_message, slot_type(SINT_BOTH),
	      (unsigned long long)slot_sender(SINT_BOTH));
	*(volatile uint32_t *)(void *)slot(SINT_BOTH) = 0;
	set_reg(HV_REGISTER_EOM, 0);
	check(wait_seen(&irq_saw_flag, SENDER_WAIT_MS) && flag_set(SINT_BOTH, FLAG),
	      "receiver: the sender's event flag 77 arrived with an interrupt",
	      "%llu IRQs (flag seen by one: %d), flag %d", (unsigned long long)synic_irq_count, irq_saw_flag,
	      flag_set(SINT_BOTH, FLAG));
	arch_synic_irqs_off();
	arch_synic_irq_release();
}

static void receiver(void)
{
	receiver_ready();
	receive();
}

static void sender(void)
{
	uint64_t end = now_ticks() + SENDER_WAIT_MS * ticks_per_ms();
	HV_STATUS st;
	while ((st = post(CONN_BOTH, MSG_TYPE, "from-the-sender")) != HV_STATUS_SUCCESS && now_ticks() < end)
		pause_ms(1);
	expect("sender: PostMessage to the other guest -> SUCCESS (retried while it was not ready)", st,
	       HV_STATUS_SUCCESS);
	while ((st = signal(CONN_BOTH, FLAG)) != HV_STATUS_SUCCESS && now_ticks() < end)
		pause_ms(1);
	expect("sender: SignalEvent to the other guest -> SUCCESS", st, HV_STATUS_SUCCESS);
}

/* Both ends at once, so that two peers exchange messages in both directions: ready to receive before
 * sending (two peers that sent first would each wait for the other to get ready). */
static void peer(void)
{
	receiver_ready();
	sender();
	receive();
}

void cases_synic(void)
{
	if (!k_strcmp(plat.mode, "synic-recv"))
		receiver();
	else if (!k_strcmp(plat.mode, "synic-send"))
		sender();
	else if (!k_strcmp(plat.mode, "synic-peer"))
		peer();
	else
		one_guest();
}
