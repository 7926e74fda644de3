/* The physical interrupt table (irq.h). */
#include "hv/core/irq.h"

#include "hv/base/log.h"
#include "hv/base/percpu.h"
#include "hv/drivers/gic.h"

struct irq_entry {
	irq_handler fn;
	void *ctx;
	enum irq_completion completion;
	const char *name;
};

static struct irq_entry table[IRQ_TABLE_SIZE];

bool irq_register(uint32_t intid, irq_handler fn, void *ctx, enum irq_completion completion, const char *name)
{
	if (intid >= IRQ_TABLE_SIZE || !fn || table[intid].fn)
		return false;
	table[intid].ctx = ctx;
	table[intid].completion = completion;
	table[intid].name = name;
	__atomic_store_n(&table[intid].fn, fn, __ATOMIC_RELEASE);
	return true;
}

void irq_handle_physical(void)
{
	struct percpu *pc = this_cpu();
	for (;;) {
		uint32_t intid = gic_ack();
		if (intid >= IRQ_TABLE_SIZE) /* 1020-1023: special INTIDs, nothing to handle */
			break;
		pc->irqs++;
		const struct irq_entry *e = &table[intid];
		irq_handler fn = __atomic_load_n(&e->fn, __ATOMIC_ACQUIRE);
		if (!fn || e->completion == IRQ_COMPLETE_FIRST) {
			gic_eoi(intid);
			gic_deactivate(intid);
		}
		if (fn)
			fn(e->ctx, intid);
		else
			hv_log("unexpected interrupt %u on PE %u", intid, pc->index);
	}
}
