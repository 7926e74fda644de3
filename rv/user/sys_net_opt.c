/* setsockopt/getsockopt.
 *
 * Option values are bytes in guest memory whose layouts match on riscv64 and x86-64 (ints, struct
 * timeval/linger/ucred/ip_mreq(n)/ipv6_mreq/group_req/tcp_info..., all LP64 without packing
 * differences), so the host kernel reads and writes them in place, within optlen bytes that are checked
 * against guest memory first. What makes an option dangerous is a pointer inside its value, which the
 * host kernel would follow as a host address: the classic BPF filter (struct sock_fprog) is translated;
 * options with pointers that are not translated (netfilter's iptables/ebtables tables, TCP zero-copy
 * receive, SCTP) and levels not listed here are refused with ENOPROTOOPT, which is what Linux answers
 * for an option it does not know. Options whose value is a struct get their minimum length checked
 * first (EINVAL, as Linux, before the memory is looked at). */
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "rv/user/guest_copy.h"
#include "rv/user/sys_net.h"
#include "rv/user/syscall.h"

#define R RV_PROT_READ
#define W RV_PROT_WRITE

/* Levels and option numbers (asm-generic socket.h, linux/in.h, in6.h, tcp.h: the same on both). */
#define RV_SOL_SOCKET                1
#define RV_SOL_IP                    0
#define RV_SOL_TCP                   6
#define RV_SOL_UDP                   17
#define RV_SOL_IPV6                  41
#define RV_SOL_ICMPV6                58
#define RV_SOL_UDPLITE               136
#define RV_SOL_RAW                   255
#define RV_SOL_PACKET                263
#define RV_SOL_NETLINK               270
#define RV_SO_LINGER                 13
#define RV_SO_RCVTIMEO_OLD           20
#define RV_SO_SNDTIMEO_OLD           21
#define RV_SO_ATTACH_FILTER          26 /* getsockopt: SO_GET_FILTER */
#define RV_SO_ATTACH_REUSEPORT_CBPF  51
#define RV_SO_RCVTIMEO_NEW           66
#define RV_SO_SNDTIMEO_NEW           67
#define RV_IP_ADD_MEMBERSHIP         35
#define RV_IP_DROP_MEMBERSHIP        36
#define RV_IP_MSFILTER               41
#define RV_MCAST_JOIN_GROUP          42
#define RV_MCAST_LEAVE_SOURCE_GROUP  47
#define RV_MCAST_MSFILTER            48
#define RV_IP_ADD_SOURCE_MEMBERSHIP  39
#define RV_IP_DROP_SOURCE_MEMBERSHIP 40
#define RV_IPV6_ADD_MEMBERSHIP       20
#define RV_IPV6_DROP_MEMBERSHIP      21
#define RV_TCP_ZEROCOPY_RECEIVE      35
#define RV_PACKET_FANOUT_DATA        22
#define RV_MRT_BASE                  200 /* multicast routing (MRT_*, MRT6_*): plain structs */
#define RV_MRT_LAST                  215
#define RV_NETFILTER_BASE            64 /* IPT_SO_*, EBT_SO_*, IP_VS_...: tables with pointers */

#define BPF_MAXINSNS_LIMIT 4096 /* BPF_MAXINSNS */
#define SOCK_FILTER_SIZE   8    /* struct sock_filter */
#define GUEST_FPROG_SIZE   16   /* struct sock_fprog: u16 len, padding, u64 filter */
#define GROUP_REQ_SIZE     136  /* struct group_req: u32, padding, sockaddr_storage */
#define GROUP_FILTER_HEAD  144  /* struct group_filter before gf_slist: 4 + 4 + 128 + 4 + 4 */
#define IP_MSFILTER_HEAD   16   /* struct ip_msfilter before imsf_slist */

static bool in_mrt_range(int opt)
{
	return opt >= RV_MRT_BASE && opt <= RV_MRT_LAST;
}

/* Whether (level, opt) may reach the host kernel (the value has no pointer it would follow). */
static bool option_allowed(int level, int opt)
{
	switch (level) {
	case RV_SOL_SOCKET:
	case RV_SOL_UDP:
	case RV_SOL_UDPLITE:
	case RV_SOL_ICMPV6:
	case RV_SOL_RAW:
	case RV_SOL_NETLINK: return true;
	case RV_SOL_TCP: return opt != RV_TCP_ZEROCOPY_RECEIVE;
	case RV_SOL_PACKET: return opt != RV_PACKET_FANOUT_DATA; /* a filter or a descriptor: unknown */
	case RV_SOL_IP: return opt < RV_NETFILTER_BASE || in_mrt_range(opt);
	case RV_SOL_IPV6:
		/* IPv6 options go past 64, around ip6tables' 64, 65, 68, 69 */
		return (opt < RV_NETFILTER_BASE || in_mrt_range(opt) || (opt >= 66 && opt <= 80)) &&
		       opt != 68 && opt != 69;
	default: return false;
	}
}

/* The smallest value setsockopt accepts for a struct-valued option (0: no struct). */
static int struct_min_len(int level, int opt)
{
	switch (level) {
	case RV_SOL_SOCKET:
		switch (opt) {
		case RV_SO_LINGER: return 8;
		case RV_SO_RCVTIMEO_OLD:
		case RV_SO_SNDTIMEO_OLD:
		case RV_SO_RCVTIMEO_NEW:
		case RV_SO_SNDTIMEO_NEW: return 16; /* struct timeval / __kernel_sock_timeval */
		case RV_SO_ATTACH_FILTER:
		case RV_SO_ATTACH_REUSEPORT_CBPF: return GUEST_FPROG_SIZE;
		}
		return 0;
	case RV_SOL_IP:
		switch (opt) {
		case RV_IP_ADD_MEMBERSHIP:
		case RV_IP_DROP_MEMBERSHIP: return 8; /* struct ip_mreq */
		case RV_IP_ADD_SOURCE_MEMBERSHIP:
		case RV_IP_DROP_SOURCE_MEMBERSHIP: return 12; /* struct ip_mreq_source */
		case RV_IP_MSFILTER: return IP_MSFILTER_HEAD; /* IP_MSFILTER_SIZE(0) */
		}
		break;
	case RV_SOL_IPV6:
		if (opt == RV_IPV6_ADD_MEMBERSHIP || opt == RV_IPV6_DROP_MEMBERSHIP)
			return 20; /* struct ipv6_mreq */
		break;
	default: return 0;
	}
	/* IP and IPv6 share the protocol-independent multicast API */
	if (opt >= RV_MCAST_JOIN_GROUP && opt <= RV_MCAST_LEAVE_SOURCE_GROUP)
		return GROUP_REQ_SIZE;
	if (opt == RV_MCAST_MSFILTER)
		return GROUP_FILTER_HEAD;
	return 0;
}

/* SO_ATTACH_FILTER/SO_ATTACH_REUSEPORT_CBPF: a struct sock_fprog pointing at the instructions. */
static long attach_filter(struct rv_thread *t, int fd, int opt, uint64_t value)
{
	uint8_t g[GUEST_FPROG_SIZE];
	if (rv_copy_from_guest(t, g, value, sizeof(g)) < 0)
		return -EFAULT;
	uint16_t len;
	uint64_t insns;
	memcpy(&len, g, sizeof(len));
	memcpy(&insns, g + 8, sizeof(insns));
	if (len == 0 || len > BPF_MAXINSNS_LIMIT)
		return -EINVAL;
	struct sock_fprog prog = {.len = len};
	prog.filter = rv_guest_ptr(t, insns, (uint64_t)len * SOCK_FILTER_SIZE, R);
	if (!prog.filter)
		return -EFAULT;
	return rv_host_ret(setsockopt(fd, RV_SOL_SOCKET, opt, &prog, sizeof(prog)));
}

long rv_sys_setsockopt(struct rv_thread *t, const uint64_t *a)
{
	int fd = (int)a[0], level = (int)a[1], opt = (int)a[2], len = (int)a[4];
	if (len < 0)
		return -EINVAL;
	if (!option_allowed(level, opt))
		return -ENOPROTOOPT;
	if (len < struct_min_len(level, opt))
		return -EINVAL;
	if (level == RV_SOL_SOCKET && (opt == RV_SO_ATTACH_FILTER || opt == RV_SO_ATTACH_REUSEPORT_CBPF))
		return attach_filter(t, fd, opt, a[3]);
	const void *value = rv_guest_ptr(t, a[3], (uint64_t)len, R);
	if (!value)
		return -EFAULT;
	return rv_host_ret(setsockopt(fd, level, opt, value, (socklen_t)len));
}

/* Bytes a getsockopt may write for a buffer of len bytes: len, except where Linux counts otherwise. */
static long getsockopt_extent(struct rv_thread *t, int level, int opt, uint64_t value, int len,
                              uint64_t *bytes)
{
	*bytes = (uint64_t)len;
	if (level == RV_SOL_SOCKET && opt == RV_SO_ATTACH_FILTER) {
		/* SO_GET_FILTER: the length counts instructions */
		*bytes = (uint64_t)len * SOCK_FILTER_SIZE;
		return 0;
	}
	/* The source-filter reads return as many sources as the caller's header asks for, whatever
	 * optlen says: the whole list must be writable. */
	uint32_t numsrc;
	if ((level == RV_SOL_IP || level == RV_SOL_IPV6) && opt == RV_MCAST_MSFILTER &&
	    len >= GROUP_FILTER_HEAD) {
		if (rv_copy_from_guest(t, &numsrc, value + GROUP_FILTER_HEAD - 4, sizeof(numsrc)) < 0)
			return -EFAULT;
		uint64_t need = GROUP_FILTER_HEAD + (uint64_t)numsrc * sizeof(struct sockaddr_storage);
		*bytes = need > *bytes ? need : *bytes;
	} else if (level == RV_SOL_IP && opt == RV_IP_MSFILTER && len >= IP_MSFILTER_HEAD) {
		if (rv_copy_from_guest(t, &numsrc, value + IP_MSFILTER_HEAD - 4, sizeof(numsrc)) < 0)
			return -EFAULT;
		uint64_t need = IP_MSFILTER_HEAD + (uint64_t)numsrc * 4;
		*bytes = need > *bytes ? need : *bytes;
	}
	return 0;
}

long rv_sys_getsockopt(struct rv_thread *t, const uint64_t *a)
{
	int fd = (int)a[0], level = (int)a[1], opt = (int)a[2], len;
	if (rv_copy_from_guest(t, &len, a[4], sizeof(len)) < 0 || !rv_guest_ptr(t, a[4], sizeof(len), W))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (!option_allowed(level, opt))
		return -ENOPROTOOPT;
	uint64_t bytes;
	long r = getsockopt_extent(t, level, opt, a[3], len, &bytes);
	if (r < 0)
		return r;
	/* (some options read their input from the buffer too: readable as well) */
	void *value = rv_guest_ptr(t, a[3], bytes, R | W);
	if (!value)
		return -EFAULT;
	socklen_t host_len = (socklen_t)len;
	if (getsockopt(fd, level, opt, value, &host_len) != 0)
		return -errno;
	int out = (int)host_len;
	return rv_copy_to_guest(t, a[4], &out, sizeof(out));
}
