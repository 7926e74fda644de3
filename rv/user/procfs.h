/* karasu-rv: files under /proc/self whose host contents would describe karasu-rv, not the guest. */
#ifndef KARASU_RV_USER_PROCFS_H
#define KARASU_RV_USER_PROCFS_H

#include "rv/user/process.h"

/* A read-only file descriptor with the guest's /proc/self/maps text, or -errno. */
int rv_procfs_open_maps(struct rv_process *p);

/* /proc/cpuinfo as riscv64 Linux shows it, one entry per online host CPU: a read-only file descriptor, or
 * -errno. rv_procfs_format_cpuinfo writes the text for n_cpus harts into buf (snprintf-style: returns
 * the full length, NUL-terminated when len > 0; -1 on a formatting error). */
int rv_procfs_open_cpuinfo(void);
int rv_procfs_format_cpuinfo(char *buf, size_t len, unsigned n_cpus);

/* Vets a file descriptor the host just opened for the guest (any path: /proc/self/mem,
 * /proc/<our pid>/task/<tid>/mem, a symlink or a dirfd-relative path to them): the file it really is
 * decides. Files that would expose karasu-rv's own memory are refused: mem and pagemap (and smaps,
 * smaps_rollup, numa_maps) of this process or of another karasu-rv process, and karasu-rv's code-cache
 * memfd (reachable through /proc/self/map_files). maps of this process becomes the guest's view. Returns
 * fd itself, a replacement descriptor (fd closed), or -errno (fd closed). /proc/cpuinfo becomes
 * rv_procfs_open_cpuinfo's. */
int rv_procfs_vet_open(struct rv_process *p, int fd);

#endif
