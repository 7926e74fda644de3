/* Sizes shared by every layer of karasu-hv, assembly included (so: #defines only). */
#ifndef KARASU_HV_BASE_LIMITS_H
#define KARASU_HV_BASE_LIMITS_H

/* Physical PEs karasu-hv drives: per-PE stacks, percpu_table and the lock-order masks are sized by it. */
#define HV_MAX_CPUS 8

#endif
