/*
 * arp.h --
 *
 *	ARP (RFC 826) on the interfaces that face a real Ethernet (TAP
 *	links): a cache of neighbours with expiry, requests retried on the
 *	network's clock, datagrams held while an address is resolved, and
 *	replies to requests for our own address. Simulated LANs resolve
 *	statically (link_resolve) and never use this. No Tcl here.
 */

#ifndef TCPLAB_ARP_H
#define TCPLAB_ARP_H

#include "net.h"

#define ARP_LEN		28	/* Ethernet/IPv4 ARP packet. */
#define ARP_REQUEST	1
#define ARP_REPLY	2

/*
 * The states of a neighbour, after Linux's (include/net/neighbour.h)
 * without DELAY: INCOMPLETE while broadcast requests go out, REACHABLE
 * for a while after a reply, STALE after that (still used; the next
 * datagram sends unicast probes), PROBE while those go out.
 */
typedef enum {
    ARP_INCOMPLETE, ARP_REACHABLE, ARP_STALE, ARP_PROBE
} tl_arpstate;

typedef struct tl_arpent {
    struct tl_arp *arp;
    tl_addr addr;
    uint8_t mac[6];
    tl_arpstate state;
    int tries;			/* Requests sent in this round. */
    tl_time confirmed;		/* When the last word from it came. */
    tl_event timer;		/* The next request. */
    tl_pkt *queue, *queueTail;	/* Datagrams waiting for the address. */
    int qlen;
    struct tl_arpent *next, *prev;	/* All entries, newest first. */
    struct tl_arpent *hnext;	/* The next in its hash bucket. */
} tl_arpent;

/*
 * The cache holds at most ARP_MAX entries: Linux's gc_thresh3 (1024,
 * net.ipv4.neigh.default.gc_thresh3; neigh_alloc refuses a new neighbour
 * past it when neigh_forced_gc finds nothing to free). Lookups go through
 * a hash on the address.
 */
#define ARP_MAX		1024
#define ARP_NBUCKETS	256

typedef struct tl_arp {
    tl_iface *ifc;
    tl_arpent *entries;		/* All entries, newest first. */
    tl_arpent *buckets[ARP_NBUCKETS];
    int count;			/* Entries now. */
    int max;			/* At most this many (ARP_MAX). */
    tl_time lastGc;		/* When stale entries were last swept. */
    tl_time gcNext;		/* A full cache frees nothing before this. */
    tl_time reachable;		/* A reply is trusted this long (30 s). */
    tl_time retrans;		/* Between two requests (1 s). */
    tl_time gcStale;		/* A STALE entry unused this long goes (60 s). */
    int maxtries;		/* Requests before giving up (3). */
    int qmax;			/* Datagrams held per unresolved entry. */
    uint64_t requestsOut, repliesOut, requestsIn, repliesIn;
    uint64_t dropped;		/* Datagrams lost: no answer, queue full,
				 * cache full. */
    uint64_t overflows;		/* New entries refused: the cache was full. */
} tl_arp;

tl_arp	       *arp_new(tl_iface *ifc);
void		arp_free(tl_iface *ifc);
int		arp_output(tl_iface *ifc, tl_addr nexthop, tl_pkt *p);
void		arp_input(tl_iface *ifc, const uint8_t *d, uint32_t len);
int		arp_for_us(const tl_iface *ifc, const uint8_t *eth);
const char     *arp_statename(tl_arpstate s);
void		arp_age(tl_arp *a, tl_time now);

#endif /* TCPLAB_ARP_H */
