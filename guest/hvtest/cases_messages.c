/* HvCallPostMessage / HvCallSignalEvent: karasu validates the parameter block (docs/abi.md "Choices karasu
 * made") and, having no connection a guest could name, answers INVALID_CONNECTION_ID for a valid call. */
#include <stdint.h>

#include "guest/hvtest/hvtest.h"
#include "karasu/hv.h"
#include "lib/mem.h"

#define SOME_CONNECTION   1u
#define SOME_MESSAGE_TYPE 1u

static void expect(const char *what, uint64_t result, HV_STATUS want)
{
	check(hv_result_status(result) == want, what, "status %#x, want %#x", hv_result_status(result), want);
}

static uint64_t post(uint8_t *where, uint32_t rsvd, uint32_t type, uint32_t size)
{
	struct hv_input_post_message m;
	k_memset(&m, 0, sizeof(m));
	m.connection_id = SOME_CONNECTION;
	m.rsvdz0 = rsvd;
	m.message_type = type;
	m.payload_size = size;
	m.payload[0] = 0x4b41524153550a00ull;
	k_memcpy(where, &m, sizeof(m));
	return hypercall(hv_input_value(HVCALL_POST_MESSAGE, false, 0, 0), (uintptr_t)where, 0);
}

static uint64_t signal(uint16_t flag, uint16_t rsvd)
{
	struct hv_input_signal_event e = {
	    .connection_id = SOME_CONNECTION, .flag_number = flag, .rsvdz0 = rsvd};
	k_memcpy(page_in, &e, sizeof(e));
	return hypercall(hv_input_value(HVCALL_SIGNAL_EVENT, false, 0, 0), (uintptr_t)page_in, 0);
}

void cases_messages(void)
{
	expect("PostMessage, valid block, no such connection -> INVALID_CONNECTION_ID",
	       post(page_in, 0, SOME_MESSAGE_TYPE, 8), HV_STATUS_INVALID_CONNECTION_ID);
	expect("PostMessage with message type 0 -> INVALID_PARAMETER", post(page_in, 0, 0, 8),
	       HV_STATUS_INVALID_PARAMETER);
	expect("PostMessage with a hypervisor message type (bit 31) -> INVALID_PARAMETER",
	       post(page_in, 0, HV_MESSAGE_TYPE_HYPERVISOR_MASK | 1u, 8), HV_STATUS_INVALID_PARAMETER);
	expect("PostMessage with payload size 241 -> INVALID_PARAMETER",
	       post(page_in, 0, SOME_MESSAGE_TYPE, HV_MESSAGE_PAYLOAD_BYTE_COUNT + 1),
	       HV_STATUS_INVALID_PARAMETER);
	expect("PostMessage with RsvdZ bytes 4-7 non-zero -> INVALID_PARAMETER",
	       post(page_in, 1, SOME_MESSAGE_TYPE, 8), HV_STATUS_INVALID_PARAMETER);
	expect("PostMessage block (256 bytes) crossing a page -> INVALID_ALIGNMENT",
	       post(page_in + HVTEST_PAGE - 128, 0, SOME_MESSAGE_TYPE, 8), HV_STATUS_INVALID_ALIGNMENT);

	expect("SignalEvent, valid block, no such connection -> INVALID_CONNECTION_ID", signal(0, 0),
	       HV_STATUS_INVALID_CONNECTION_ID);
	expect("SignalEvent with flag number 2048 -> INVALID_PARAMETER", signal(HV_EVENT_FLAGS_COUNT, 0),
	       HV_STATUS_INVALID_PARAMETER);
	expect("SignalEvent with RsvdZ bytes 6-7 non-zero -> INVALID_PARAMETER", signal(0, 1),
	       HV_STATUS_INVALID_PARAMETER);
	uint64_t regs[HVTEST_FAST_REGS_MAX] = {0};
	regs[0] = SOME_CONNECTION | ((uint64_t)HV_EVENT_FLAGS_COUNT << 32);
	expect("fast SignalEvent with flag number 2048 -> INVALID_PARAMETER",
	       hypercall_fast(hv_input_value(HVCALL_SIGNAL_EVENT, true, 0, 0), regs),
	       HV_STATUS_INVALID_PARAMETER);
}
