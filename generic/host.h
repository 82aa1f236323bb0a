/*
 * host.h --
 *
 *	A host: its interfaces, its IPv4 input and output, its TCP endpoints
 *	(connections and listeners), its tunables and its counters.
 */

#ifndef TCPLAB_HOST_H
#define TCPLAB_HOST_H

#include "profile.h"
#include "slab.h"
#include "tcp_env.h"
#include "wire.h"

#define HOST_MAXIFACES	8

/* Built-in services (RFC 863 discard, RFC 862 echo). */
enum { SVC_NONE = 0, SVC_DISCARD = 1, SVC_ECHO = 2 };

/* Counters of a host; each is readable as `$host stats`. */
typedef struct tl_stats {
    uint64_t ip_in, ip_out, ip_bad[WIRE_NERRORS], ip_noroute, ip_notme;
    uint64_t ip_qdisc_drop;	/* Refused by the device's queue (qdisc). */
    uint64_t ip_ttl_exceeded;	/* Not forwarded: TTL 1 or 0 (RFC 1812 5.3.1). */
    uint64_t ip_too_big;	/* Not forwarded: over the next hop's MTU. */
    uint64_t tcp_in, tcp_out, tcp_bad[WIRE_NERRORS], tcp_noport;
    uint64_t tcp_rst_out, tcp_retrans, tcp_dropped;
    uint64_t tcp_unsent;	/* Segments the device's queue refused, that
				 * TCP knows were not sent (tunable
				 * xmit_refused). */
    uint64_t tcp_listen_overflow, tcp_timeouts;
    /* Linux's TcpExt counters of nstat (LINUX_MIB_*). */
    uint64_t listen_overflows, listen_drops;
    uint64_t syncookies_sent, syncookies_recv, syncookies_failed;
} tl_stats;

/* The metrics of the route to one address (Linux `ip route ... mtu [lock]
 * N advmss N initcwnd N`, RTAX_MTU, RTAX_ADVMSS, RTAX_INITCWND); 0 = not
 * set: the interface's MTU, the MSS from it, the profile's window. */
typedef struct tl_rtmetrics {
    tl_addr dst;
    uint32_t mtu, advmss, initcwnd;
    int lock;			/* mtu lock: kept as set (no PMTUD here). */
} tl_rtmetrics;

struct tl_host {
    tl_net *net;
    char *name;
    int index;
    tl_iface *ifaces[HOST_MAXIFACES];
    int nifaces;
    tl_addr gateway;		/* Default route, 0 = none. */
    int forwarding;		/* Route datagrams not for us. */
    int up;			/* 0 while crashed. */
    int qdisc_drop;		/* The interfaces' queues refuse every datagram
				 * (Linux `tc qdisc add dev D root pfifo limit
				 * 0`: the qdisc returns NET_XMIT_DROP). */
    tl_time booted;		/* Time of the last boot. */
    uint32_t crashes;		/* Crashes so far: a looped-back datagram
				 * from before one is lost with it. */
    tl_time quiet_until;	/* No TCP segment before (RFC 9293 3.4.3). */
    tl_time tick_phase;		/* Where the timer ticks fall. */
    char profile[16];
    tl_tunables tun;
    uint16_t ip_id;
    uint32_t iss_count;		/* BSD: connections since boot. */
    int isn_next_set;		/* A script fixed the next ISN. */
    uint32_t isn_next;
    uint16_t next_port;
    tl_tcb *tcbs;		/* Every TCB not CLOSED, and listeners' children. */
    tl_listener *listeners;
    struct tl_tcphash *tcphash;	/* TCBs by 4-tuple and port (tcp_subr.c). */
    uint64_t tcbs_freed;	/* TCBs freed so far (tcp_subr.c). */
    /* Where its TCBs, their timer events and its TIME_WAIT records live
     * (slab.h). */
    tl_slab tcbslab, evslab, twslab;
    struct tl_twtab *twtab;	/* Compact TIME_WAIT connections
				 * (tcp_timewait.c). */
    struct tl_reqhash *reqhash;	/* Compact SYN_RCVD records (tcp_subr.c). */
    tl_listener **listenhash;	/* Listeners by port (tcp_subr.c). */
    int services;		/* Built-in services, 1 << SVC_*. */
    tl_time challenge_second;	/* Start of the current challenge-ACK second. */
    int challenge_count;	/* Challenge ACKs sent in it. */
    tl_stats stats;
    tl_rtmetrics *rtm;		/* Route metrics by destination. */
    struct tl_fo_entry *fo;	/* Fast Open cookies by destination (Linux
				 * tcp_metrics; tcp_fastopen.c), nfo of them. */
    int nfo;
    int nrtm;
    tl_tcp_env tcp;		/* What the host gives its TCP (host.c). */
    /* ICMP echo replies for the host's own echo requests (ping), or NULL. */
    void (*echo_reply)(void *arg, tl_addr src, uint16_t id, uint16_t seq,
	    uint32_t datalen);
    void *echo_arg;
};

tl_host	       *host_new(tl_net *net, const char *name, const char *profile);
void		host_free(tl_host *host);
int		host_has_addr(const tl_host *host, tl_addr addr);
tl_iface       *host_route(tl_host *host, tl_addr dst, tl_addr *nexthop);
tl_addr		host_source_addr(tl_host *host, tl_addr dst);
int		host_is_local(tl_host *host, tl_addr dst);
void		host_input(tl_iface *ifc, tl_pkt *pkt);
void		host_loop_input(tl_host *host, tl_pkt *pkt);
int		host_is_self(const tl_host *host, tl_addr addr);
uint32_t	host_path_mtu(tl_host *host, tl_addr dst);
const tl_rtmetrics *host_rtmetrics(const tl_host *host, tl_addr dst);
int		host_rtmetrics_set(tl_host *host, const tl_rtmetrics *m);
int		host_ip_output(tl_host *host, tl_addr src, tl_addr dst,
		    uint8_t proto, uint8_t tos, tl_pkt *pkt, uint32_t iplen);
int		host_link_send(tl_host *host, tl_iface *ifc, tl_addr nh,
		    tl_pkt *pkt);
tl_pkt	       *host_pkt_alloc(tl_host *host, uint32_t iplen);
void		host_crash(tl_host *host);
void		host_boot(tl_host *host);
void		host_set_uptime(tl_host *host, tl_time up);
void		host_start_services(tl_host *host);
int		host_inject(tl_host *host, tl_addr src, tl_addr dst,
		    const tl_tcphdr *th, const uint8_t *opts, size_t optlen);

#endif /* TCPLAB_HOST_H */
