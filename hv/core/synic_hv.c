/* lib/synic bound to karasu-hv partitions (hv/core/synic_hv.h, docs/synic.md). */
#include "hv/core/synic_hv.h"

#include "hv/arch/arm64/dcache.h"
#include "hv/base/spinlock.h"
#include "hv/core/devices/irqchip.h"
#include "hv/core/guest_mem.h"
#include "lib/mem.h"

#define WORD_BYTES 8u

/* One VP's SynIC and the partition start it belongs to (boot_started_ticks of that start). */
struct synic_slot {
	bool ready;
	uint64_t generation;
	struct spinlock lock;
	struct synic_vp s;
};

/* A partition's connections, resolved once: target = the receiving struct partition (NULL if that guest
 * was not built). */
struct connection_table {
	bool built;
	unsigned n;
	struct synic_connection conns[KARASU_CFG_MAX_CONNECTIONS];
};

static struct synic_slot slots[PARTITION_MAX][PARTITION_MAX_VCPUS];
static struct connection_table tables[PARTITION_MAX];
static struct spinlock setup_lock = SPINLOCK_INIT(LOCK_CLASS_SYNIC_SETUP);

/* ---- synic_ops on a struct partition ---- */

static bool ops_read(void *part, HV_GPA gpa, void *buf, size_t len)
{
	return partition_read_gpa(part, gpa, buf, len);
}

static bool ops_write(void *part, HV_GPA gpa, const void *buf, size_t len)
{
	return partition_write_gpa(part, gpa, buf, len); /* cleans to memory for MMU-off guests */
}

/* Host address of the aligned word at ipa in p's RAM, or NULL. A word never spans two RAM blocks. */
static uint64_t *ram_word(struct partition *p, HV_GPA ipa)
{
	if ((ipa % WORD_BYTES) != 0 || ipa < p->ram_ipa || ipa - p->ram_ipa > p->ram_size - WORD_BYTES)
		return NULL;
	uint64_t span;
	/* A block the guest has not touched yet is scrubbed first. */
	return guest_mem_host(p, ipa, &span);
}

/* A guest running with its MMU off reads and writes memory uncached: drop our (clean) copy of the line
 * before an atomic so it sees the guest's latest store, and clean it afterwards. With the MMU on both
 * sides are cacheable and coherent and this costs two cache operations. */
static void invalidate_line(const void *p)
{
	dcache_clean_inval_range(p, WORD_BYTES);
}

static bool ops_fetch_or(void *part, HV_GPA gpa, uint64_t mask, uint64_t *old)
{
	uint64_t *w = ram_word(part, gpa);
	if (!w)
		return false;
	invalidate_line(w);
	*old = __atomic_fetch_or(w, mask, __ATOMIC_SEQ_CST);
	if (mask)
		dcache_clean_range(w, WORD_BYTES);
	return true;
}

static bool ops_store_release(void *part, HV_GPA gpa, uint64_t value)
{
	uint64_t *w = ram_word(part, gpa);
	if (!w)
		return false;
	__atomic_store_n(w, value, __ATOMIC_RELEASE);
	dcache_clean_range(w, WORD_BYTES);
	return true;
}

/* The SINT is a PPI of the receiving vCPU: an edge on its redistributor. Whether and when the guest takes
 * it is the vGIC's business (enable, priority, group, PSTATE.I). */
static void ops_raise(void *part, uint32_t vp, uint32_t vector)
{
	partition_irq_raise(part, vp, vector);
}

static void ops_lock(void *l)
{
	spin_lock(l);
}

static void ops_unlock(void *l)
{
	spin_unlock(l);
}

static const struct synic_ops hv_synic_ops = {
    .read_gpa = ops_read,
    .write_gpa = ops_write,
    .fetch_or_u64 = ops_fetch_or,
    .store_u64_release = ops_store_release,
    .raise_interrupt = ops_raise,
    .lock = ops_lock,
    .unlock = ops_unlock,
};

/* ---- per-VP state ---- */

/* The SynIC of VP vp of p, (re)initialised if p was started since it was last used. */
static struct synic_vp *vp_synic(struct partition *p, unsigned vp)
{
	if (p->id >= PARTITION_MAX || vp >= PARTITION_MAX_VCPUS || vp >= p->nvcpus)
		return NULL;
	struct synic_slot *slot = &slots[p->id][vp];
	uint64_t generation = __atomic_load_n(&p->boot_started_ticks, __ATOMIC_ACQUIRE);
	spin_lock(&setup_lock);
	if (!slot->ready) {
		spinlock_init(&slot->lock, LOCK_CLASS_SYNIC);
		synic_vp_init(&slot->s, &hv_synic_ops, p, vp, &slot->lock, SYNIC_HV_VECTOR_MIN,
		              SYNIC_HV_VECTOR_MAX);
		slot->generation = generation;
		slot->ready = true;
	} else if (slot->generation != generation) {
		synic_vp_reset(&slot->s); /* a new instance of the guest: architectural reset state */
		slot->generation = generation;
	}
	spin_unlock(&setup_lock);
	return &slot->s;
}

HV_STATUS synic_hv_get_register(struct partition *p, unsigned vp, HV_REGISTER_NAME name,
                                HV_REGISTER_VALUE *value)
{
	struct synic_vp *s = vp_synic(p, vp);
	return s ? synic_get_register(s, name, value) : HV_STATUS_INVALID_VP_INDEX;
}

HV_STATUS synic_hv_set_register(struct partition *p, unsigned vp, HV_REGISTER_NAME name,
                                const HV_REGISTER_VALUE *value)
{
	struct synic_vp *s = vp_synic(p, vp);
	return s ? synic_set_register(s, name, value) : HV_STATUS_INVALID_VP_INDEX;
}

void synic_hv_stats(struct partition *p, unsigned vp, struct synic_stats *out)
{
	k_memset(out, 0, sizeof(*out));
	if (p->id < PARTITION_MAX && vp < PARTITION_MAX_VCPUS && slots[p->id][vp].ready)
		*out = slots[p->id][vp].s.stats;
}

/* ---- connections ---- */

static struct partition *partition_by_name(const char *name)
{
	for (unsigned i = 0; i < npartitions && i < PARTITION_MAX; i++)
		if (partitions[i] && k_strcmp(partitions[i]->name, name) == 0)
			return partitions[i];
	return NULL;
}

static const struct connection_table *connections_of(struct partition *p)
{
	if (p->id >= PARTITION_MAX)
		return NULL;
	struct connection_table *t = &tables[p->id];
	spin_lock(&setup_lock);
	if (!t->built) {
		const struct karasu_guest_config *g = p->cfg;
		t->n = 0;
		for (unsigned i = 0; g && i < g->nconnections && i < KARASU_CFG_MAX_CONNECTIONS; i++) {
			const struct karasu_connection_config *c = &g->connections[i];
			struct synic_connection *sc = &t->conns[t->n++];
			sc->id = c->id;
			sc->kinds = (c->kinds & KARASU_CFG_CONN_MESSAGES ? SYNIC_CONNECTION_MESSAGES : 0) |
			            (c->kinds & KARASU_CFG_CONN_EVENTS ? SYNIC_CONNECTION_EVENTS : 0);
			sc->sint = (uint8_t)c->sint;
			sc->target_vp = c->vp;
			sc->target = partition_by_name(c->target);
		}
		__atomic_store_n(&t->built, true, __ATOMIC_RELEASE);
	}
	spin_unlock(&setup_lock);
	return t;
}

/* The receiving SynIC of connection id of `from` for `kind`, or the status that says why there is none. */
static HV_STATUS resolve(struct partition *from, HV_CONNECTION_ID id, uint32_t kind, struct synic_vp **out,
                         uint8_t *sint)
{
	const struct connection_table *t = connections_of(from);
	const struct synic_connection *c = t ? synic_find_connection(t->conns, t->n, id) : NULL;
	if (!c)
		return HV_STATUS_INVALID_CONNECTION_ID;
	struct partition *target = c->target;
	if (!(c->kinds & kind) || !target || target->state != PARTITION_RUNNING)
		return HV_STATUS_INVALID_PORT_ID;
	struct synic_vp *s = vp_synic(target, c->target_vp);
	if (!s)
		return HV_STATUS_INVALID_PORT_ID;
	*out = s;
	*sint = c->sint;
	return HV_STATUS_SUCCESS;
}

HV_STATUS synic_hv_post_message(struct partition *from, const struct hv_input_post_message *m)
{
	struct synic_vp *s;
	uint8_t sint;
	HV_STATUS st = resolve(from, m->connection_id, SYNIC_CONNECTION_MESSAGES, &s, &sint);
	if (st != HV_STATUS_SUCCESS)
		return st;
	/* Sender: the sending partition's id as HvCallGetPartitionId reports it (config index + 1). */
	return synic_post_message(s, sint, m->message_type, m->payload_size, m->payload,
	                          (uint64_t)from->id + 1u);
}

HV_STATUS synic_hv_signal_event(struct partition *from, HV_CONNECTION_ID connection_id, uint16_t flag_number)
{
	struct synic_vp *s;
	uint8_t sint;
	HV_STATUS st = resolve(from, connection_id, SYNIC_CONNECTION_EVENTS, &s, &sint);
	if (st != HV_STATUS_SUCCESS)
		return st;
	return synic_signal_event(s, sint, flag_number);
}
