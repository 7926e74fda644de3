/* karasu-rv sockets: helpers shared by sys_net.c, sys_net_opt.c and sys_net_msg.c. */
#ifndef KARASU_RV_USER_SYS_NET_H
#define KARASU_RV_USER_SYS_NET_H

#include <stdint.h>
#include <sys/socket.h>

#include "rv/user/process.h"

/* A guest socket address of len bytes into *out (zero-filled). 0, -EINVAL (len negative or larger
 * than struct sockaddr_storage, as Linux) or -EFAULT. */
long rv_net_get_sockaddr(struct rv_thread *t, uint64_t addr, uint64_t len, struct sockaddr_storage *out);

/* Returns an address as Linux does (move_addr_to_user): reads the guest's buffer length at len_addr,
 * writes the part of a that fits into the buffer at addr, then the full length a_len at len_addr.
 * 0, -EFAULT or -EINVAL (a negative buffer length). */
long rv_net_put_sockaddr(struct rv_thread *t, uint64_t addr, uint64_t len_addr,
                         const struct sockaddr_storage *a, socklen_t a_len);

#endif
