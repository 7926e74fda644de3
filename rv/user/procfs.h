/* karasu-rv: files under /proc/self whose host contents would describe karasu-rv, not the guest. */
#ifndef KARASU_RV_USER_PROCFS_H
#define KARASU_RV_USER_PROCFS_H

#include "rv/user/process.h"

/* A read-only file descriptor with the guest's /proc/self/maps text, or -errno. */
int rv_procfs_open_maps(struct rv_process *p);

#endif
