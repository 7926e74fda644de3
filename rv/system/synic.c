/* lib/synic bound to karasu-rv harts (synic.h). */
#include "rv/system/synic.h"

#include <pthread.h>

#include "rv/system/hart.h"
#include "rv/system/machine.h"
#include "rv/system/virt_map.h"

#define WORD_BYTES 8u

static bool ops_read(void *part, HV_GPA gpa, void *buf, size_t len)
{
	return rv_machine_dma_read(part, gpa, buf, len);
}

static bool ops_write(void *part, HV_GPA gpa, const void *buf, size_t len)
{
	return rv_machine_dma_write(part, gpa, buf, len);
}

/* Host address of the aligned word at gpa in m's RAM, or NULL. A store through it must be announced to
 * the translator first (the page may hold translated code). */
static uint64_t *ram_word(struct rv_machine *m, HV_GPA gpa)
{
	if ((gpa % WORD_BYTES) != 0 || gpa < RV_VIRT_RAM_BASE ||
	    gpa - RV_VIRT_RAM_BASE > m->cfg.ram_size - WORD_BYTES)
		return NULL;
	return (uint64_t *)(void *)(m->ram + (gpa - RV_VIRT_RAM_BASE));
}

static bool ops_fetch_or(void *part, HV_GPA gpa, uint64_t mask, uint64_t *old)
{
	struct rv_machine *m = part;
	uint64_t *w = ram_word(m, gpa);
	if (!w)
		return false;
	if (mask)
		rv_machine_code_written(m, gpa, WORD_BYTES);
	*old = __atomic_fetch_or(w, mask, __ATOMIC_SEQ_CST);
	return true;
}

static bool ops_store_release(void *part, HV_GPA gpa, uint64_t value)
{
	struct rv_machine *m = part;
	uint64_t *w = ram_word(m, gpa);
	if (!w)
		return false;
	rv_machine_code_written(m, gpa, WORD_BYTES);
	__atomic_store_n(w, value, __ATOMIC_RELEASE);
	return true;
}

/* The SINT is a local interrupt of the receiving hart: its sip bit, taken when S-mode enables it. */
static void ops_raise(void *part, uint32_t vp, uint32_t vector)
{
	struct rv_machine *m = part;
	if (vp < m->n_harts && vector >= RV_SYNIC_VECTOR_MIN && vector <= RV_SYNIC_VECTOR_MAX)
		rv_hart_raise_local(&m->harts[vp], vector);
}

static void ops_lock(void *l)
{
	pthread_mutex_lock(l);
}

static void ops_unlock(void *l)
{
	pthread_mutex_unlock(l);
}

static const struct synic_ops rv_synic_ops = {
    .read_gpa = ops_read,
    .write_gpa = ops_write,
    .fetch_or_u64 = ops_fetch_or,
    .store_u64_release = ops_store_release,
    .raise_interrupt = ops_raise,
    .lock = ops_lock,
    .unlock = ops_unlock,
};

void rv_synic_init(struct rv_hart *h)
{
	pthread_mutex_init(&h->synic_lock, NULL);
	synic_vp_init(&h->synic, &rv_synic_ops, h->machine, h->id, &h->synic_lock, RV_SYNIC_VECTOR_MIN,
	              RV_SYNIC_VECTOR_MAX);
}

HV_STATUS rv_synic_get_register(struct rv_machine *m, unsigned vp, HV_REGISTER_NAME name,
                                HV_REGISTER_VALUE *value)
{
	if (vp >= m->n_harts)
		return HV_STATUS_INVALID_VP_INDEX;
	return synic_get_register(&m->harts[vp].synic, name, value);
}

HV_STATUS rv_synic_set_register(struct rv_machine *m, unsigned vp, HV_REGISTER_NAME name,
                                const HV_REGISTER_VALUE *value)
{
	if (vp >= m->n_harts)
		return HV_STATUS_INVALID_VP_INDEX;
	return synic_set_register(&m->harts[vp].synic, name, value);
}

HV_STATUS rv_synic_post_message(struct rv_machine *m, unsigned vp, unsigned sint, HV_MESSAGE_TYPE type,
                                uint32_t payload_size, const void *payload, uint64_t sender)
{
	if (vp >= m->n_harts)
		return HV_STATUS_INVALID_PORT_ID;
	return synic_post_message(&m->harts[vp].synic, sint, type, payload_size, payload, sender);
}

HV_STATUS rv_synic_signal_event(struct rv_machine *m, unsigned vp, unsigned sint, unsigned flag)
{
	if (vp >= m->n_harts)
		return HV_STATUS_INVALID_PORT_ID;
	return synic_signal_event(&m->harts[vp].synic, sint, flag);
}
