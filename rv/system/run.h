/* A hart's run loop on its host thread: interrupts, requests from other threads, WFI and HSM parking,
 * translated (or interpreted) guest code, and the handling of every exit by cause. */
#ifndef KARASU_RV_SYSTEM_RUN_H
#define KARASU_RV_SYSTEM_RUN_H

#include <stdint.h>

struct rv_hart;
struct rv_machine;

/* Starts the host threads of every hart (and their engines). 0 or -errno. */
int rv_run_start(struct rv_machine *m);
/* Waits for every hart thread to end (after rv_machine_stop). */
void rv_run_join(struct rv_machine *m);

/* A remote fence (RV_REQ_TLB_FLUSH or RV_REQ_FENCE_I) on the harts in set (bit n = hart n), from hart h:
 * returns once each of them has done it. h does its own part at once. */
void rv_run_remote_fence(struct rv_hart *h, uint64_t set, uint32_t req);

#endif
