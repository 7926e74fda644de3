#include "hv/base/percpu.h"

struct percpu percpu_table[HV_MAX_CPUS];

#if !(defined(__aarch64__) && defined(KARASU_FREESTANDING))
_Thread_local struct percpu *percpu_host_this;
#endif
