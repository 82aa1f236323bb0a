/*
 * arp.c --
 *
 *	ARP (RFC 826) for interfaces on a real Ethernet (TAP links): the
 *	neighbour cache, requests and their retries as clock events, held
 *	datagrams, and replies for our own address. The timing follows Linux's
 *	defaults (net.ipv4.neigh.default: retrans_time 1 s, mcast_solicit and
 *	ucast_solicit 3, base_reachable_time 30 s, gc_stale_time 60 s).
 */

#include <stdlib.h>
#include <string.h>
#include "net.h"
#include "host.h"
#include "arp.h"

static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static tl_event_fn ArpTimer;

/*
 * arp_new --
 *	Gives ifc an empty ARP cache.
 */

tl_arp *
arp_new(
    tl_iface *ifc)
{
    tl_arp *a = calloc(1, sizeof(*a));

    if (a == NULL) {
	abort();
    }
    a->ifc = ifc;
    a->reachable = 30 * TL_SEC;
    a->retrans = TL_SEC;
    a->gcStale = 60 * TL_SEC;
    a->maxtries = 3;
    a->qmax = 64;
    a->max = ARP_MAX;
    ifc->arp = a;
    return a;
}

static void
FreeQueue(
    tl_net *net,
    tl_arpent *e)
{
    while (e->queue) {
	tl_pkt *p = e->queue;

	e->queue = p->next;
	pkt_free(net, p);
	e->arp->dropped++;
    }
    e->queueTail = NULL;
    e->qlen = 0;
}

static unsigned
Hash(
    tl_addr addr)
{
    /* Fibonacci hashing: the top bits of addr times 2^32/phi. */
    return (unsigned) ((addr * 2654435769u) >> 24) % ARP_NBUCKETS;
}

static void
Remove(
    tl_arpent *e)
{
    tl_arp *a = e->arp;
    tl_net *net = a->ifc->link->net;
    tl_arpent **pp;

    clock_cancel(&net->clock, &e->timer);
    FreeQueue(net, e);
    for (pp = &a->buckets[Hash(e->addr)]; *pp; pp = &(*pp)->hnext) {
	if (*pp == e) {
	    *pp = e->hnext;
	    break;
	}
    }
    if (e->prev) {
	e->prev->next = e->next;
    } else {
	a->entries = e->next;
    }
    if (e->next) {
	e->next->prev = e->prev;
    }
    a->count--;
    free(e);
}

void
arp_free(
    tl_iface *ifc)
{
    tl_arp *a = ifc->arp;

    if (a == NULL) {
	return;
    }
    while (a->entries) {
	Remove(a->entries);
    }
    free(a);
    ifc->arp = NULL;
}

const char *
arp_statename(
    tl_arpstate s)
{
    static const char *const names[] = {
	"INCOMPLETE", "REACHABLE", "STALE", "PROBE"
    };

    return names[s];
}

/* Frames for this interface: its own MAC address or broadcast. */
int
arp_for_us(
    const tl_iface *ifc,
    const uint8_t *eth)
{
    return memcmp(eth, ifc->mac, 6) == 0 || memcmp(eth, broadcast, 6) == 0;
}

/*
 * Refresh --
 *	A REACHABLE entry whose time is up becomes STALE (still used; the
 *	next datagram sends unicast probes).
 */

static void
Refresh(
    tl_arp *a,
    tl_arpent *e,
    tl_time now)
{
    if (e->state == ARP_REACHABLE && now - e->confirmed >= a->reachable) {
	e->state = ARP_STALE;
    }
}

static tl_arpent *
Lookup(
    tl_arp *a,
    tl_addr addr,
    tl_time now)
{
    tl_arpent *e;

    for (e = a->buckets[Hash(addr)]; e; e = e->hnext) {
	if (e->addr == addr) {
	    Refresh(a, e, now);
	    return e;
	}
    }
    return NULL;
}

/*
 * arp_age --
 *	Brings every entry's state up to date and removes the STALE entries
 *	left unused past gc_stale_time. Done lazily (entries as they are
 *	looked up, the whole cache at most once per retrans_time, and before
 *	the cache is shown), so an idle cache costs no events and a frame
 *	costs no walk of the cache.
 */

void
arp_age(
    tl_arp *a,
    tl_time now)
{
    tl_arpent *e, *next;

    a->lastGc = now;
    for (e = a->entries; e; e = next) {
	next = e->next;
	Refresh(a, e, now);
	if (e->state == ARP_STALE
		&& now - e->confirmed >= a->reachable + a->gcStale) {
	    Remove(e);
	}
    }
}

static void
Age(
    tl_arp *a,
    tl_time now)
{
    if (now - a->lastGc >= a->retrans || now < a->lastGc) {
	arp_age(a, now);
    }
}

/*
 * ForcedGc --
 *	The cache is full: frees what Linux's neigh_forced_gc frees, the
 *	entries not waiting on a request (neither INCOMPLETE nor PROBE) that
 *	no word has confirmed for 5 s.
 */

static void
ForcedGc(
    tl_arp *a,
    tl_time now)
{
    tl_arpent *e, *next;
    tl_time oldest = now;

    if (now < a->gcNext) {
	/* Nothing can be old enough yet: no walk per refused entry. */
	return;
    }
    arp_age(a, now);
    for (e = a->entries; e && a->count >= a->max; e = next) {
	next = e->next;
	if (e->state != ARP_REACHABLE && e->state != ARP_STALE) {
	    continue;
	}
	if (now - e->confirmed >= 5 * TL_SEC) {
	    Remove(e);
	} else if (e->confirmed < oldest) {
	    oldest = e->confirmed;
	}
    }
    /* A confirmation only makes an entry younger, and entries made from
     * now on are younger still: none is freed before oldest + 5 s. */
    a->gcNext = a->count >= a->max ? oldest + 5 * TL_SEC : 0;
}

/* A new entry, or NULL when the cache is full and nothing can go. */
static tl_arpent *
NewEntry(
    tl_arp *a,
    tl_addr addr,
    tl_time now)
{
    tl_arpent *e;
    unsigned h = Hash(addr);

    if (a->count >= a->max) {
	ForcedGc(a, now);
	if (a->count >= a->max) {
	    a->overflows++;
	    return NULL;
	}
    }
    e = calloc(1, sizeof(*e));
    if (e == NULL) {
	abort();
    }
    e->arp = a;
    e->addr = addr;
    event_init(&e->timer, ArpTimer, e);
    e->next = a->entries;
    if (a->entries) {
	a->entries->prev = e;
    }
    a->entries = e;
    e->hnext = a->buckets[h];
    a->buckets[h] = e;
    a->count++;
    return e;
}

/*
 * Send --
 *	Puts an ARP packet on the wire: a request (to the broadcast address,
 *	or unicast to a known MAC when probing) or a reply.
 */

static void
Send(
    tl_arp *a,
    int op,
    const uint8_t *dstmac,
    const uint8_t *tha,
    tl_addr tpa)
{
    tl_iface *ifc = a->ifc;
    tl_pkt *p = pkt_alloc(ifc->link->net, ETH_HDRLEN + ARP_LEN);
    uint8_t *d = p->data;

    memcpy(d, dstmac, 6);
    memcpy(d + 6, ifc->mac, 6);
    put16(d + 12, ETHERTYPE_ARP);
    d += ETH_HDRLEN;
    put16(d, 1);			/* Ethernet */
    put16(d + 2, ETHERTYPE_IP);
    d[4] = 6;
    d[5] = 4;
    put16(d + 6, (uint16_t) op);
    memcpy(d + 8, ifc->mac, 6);
    put32(d + 14, ifc->addr);
    if (tha) {
	memcpy(d + 18, tha, 6);
    } else {
	memset(d + 18, 0, 6);
    }
    put32(d + 24, tpa);
    if (op == ARP_REQUEST) {
	a->requestsOut++;
    } else {
	a->repliesOut++;
    }
    p->to = NULL;
    net_transmit(ifc, p);
}

/* Sends a datagram (data at the IP header) to a resolved neighbour. */
static void
SendIp(
    tl_iface *ifc,
    const uint8_t *mac,
    tl_pkt *p)
{
    p->data -= ETH_HDRLEN;
    p->len += ETH_HDRLEN;
    memcpy(p->data, mac, 6);
    memcpy(p->data + 6, ifc->mac, 6);
    put16(p->data + 12, ETHERTYPE_IP);
    p->to = NULL;
    net_transmit(ifc, p);
}

/* A request for e's address: broadcast while INCOMPLETE, else unicast. */
static void
Solicit(
    tl_arpent *e)
{
    tl_arp *a = e->arp;
    tl_net *net = a->ifc->link->net;

    e->tries++;
    Send(a, ARP_REQUEST, e->state == ARP_INCOMPLETE ? broadcast : e->mac,
	    NULL, e->addr);
    clock_schedule(&net->clock, &e->timer, tl_time_add(net_now(net), a->retrans));
}

/*
 * ArpTimer --
 *	No reply within retrans_time: ask again, or give up after maxtries
 *	requests (the held datagrams are lost, as Linux's FAILED state loses
 *	them).
 */

static void
ArpTimer(
    void *arg,
    tl_event *ev)
{
    tl_arpent *e = arg;

    (void) ev;
    if (e->tries < e->arp->maxtries && e->arp->ifc->host->up) {
	Solicit(e);
    } else {
	Remove(e);
    }
}

/*
 * arp_output --
 *	Sends the datagram in p (its data at the IPv4 header, with room for
 *	an Ethernet header in front) to the neighbour nexthop: at once when
 *	its address is known, else after ARP finds it.
 * Results:
 *	0 (sent or held), or -1 when it had to be dropped.
 */

int
arp_output(
    tl_iface *ifc,
    tl_addr nexthop,
    tl_pkt *p)
{
    tl_arp *a = ifc->arp;
    tl_net *net = ifc->link->net;
    tl_arpent *e;
    tl_time now = net_now(net);

    Age(a, now);
    e = Lookup(a, nexthop, now);
    if (e && e->state != ARP_INCOMPLETE) {
	if (e->state == ARP_STALE) {
	    /* Still used; make sure it is still right. */
	    e->state = ARP_PROBE;
	    e->tries = 0;
	    Solicit(e);
	}
	SendIp(ifc, e->mac, p);
	return 0;
    }
    if (e == NULL) {
	e = NewEntry(a, nexthop, now);
	if (e == NULL) {
	    /* No room to resolve it: lost, as when neigh_create fails. */
	    pkt_free(net, p);
	    a->dropped++;
	    return -1;
	}
	e->state = ARP_INCOMPLETE;
	Solicit(e);
    }
    if (e->qlen >= a->qmax) {
	/* Drop the oldest, as Linux's __neigh_event_send does. */
	tl_pkt *old = e->queue;

	e->queue = old->next;
	e->qlen--;
	pkt_free(net, old);
	a->dropped++;
    }
    p->next = NULL;
    if (e->queueTail) {
	e->queueTail->next = p;
    } else {
	e->queue = p;
    }
    e->queueTail = p;
    e->qlen++;
    return 0;
}

/*
 * arp_input --
 *	An ARP packet arrived (d points past the Ethernet header). RFC 826's
 *	"merge flag" algorithm: if the sender has an entry, update it; then,
 *	if the packet targets our address, add the sender when it had none,
 *	and answer a request. Narrowed as Linux's arp_process narrows it: a
 *	new entry comes only from a request for us (an unsolicited reply
 *	creates none, net.ipv4.conf.*.arp_accept 0), and only for a sender
 *	on the interface's subnet (its route back must be this interface; an
 *	off-subnet address is never a neighbour tcplab would send to), and
 *	the cache stays within ARP_MAX entries (gc_thresh3). So spoofed
 *	requests from many addresses cannot grow the cache without bound.
 */

void
arp_input(
    tl_iface *ifc,
    const uint8_t *d,
    uint32_t len)
{
    tl_arp *a = ifc->arp;
    tl_net *net = ifc->link->net;
    tl_time now = net_now(net);
    tl_arpent *e;
    tl_addr spa, tpa;
    tl_addr mask = ifc->prefix ? ~(tl_addr) 0 << (32 - ifc->prefix) : 0;
    int op;

    if (len < ARP_LEN || get16(d) != 1 || get16(d + 2) != ETHERTYPE_IP
	    || d[4] != 6 || d[5] != 4) {
	return;
    }
    op = get16(d + 6);
    spa = get32(d + 14);
    tpa = get32(d + 24);
    if (op == ARP_REQUEST) {
	a->requestsIn++;
    } else if (op == ARP_REPLY) {
	a->repliesIn++;
    } else {
	return;
    }
    Age(a, now);
    if (spa == 0 || spa == ifc->addr) {
	/* Address probes (RFC 5227) and our own echo teach nothing. */
	goto answer;
    }
    if ((d[8] & 1) || (ifc->prefix < 31 && (spa | mask) == ~(tl_addr) 0)) {
	/* A group MAC address or the subnet's broadcast address: no
	 * neighbour has it, and no answer goes to it. */
	return;
    }
    if ((spa & mask) != (ifc->addr & mask)) {
	/* Off the subnet: answered, not learned. */
	goto answer;
    }
    e = Lookup(a, spa, now);
    if (e == NULL && op == ARP_REQUEST && tpa == ifc->addr) {
	e = NewEntry(a, spa, now);
    }
    if (e) {
	memcpy(e->mac, d + 8, 6);
	e->state = ARP_REACHABLE;
	e->confirmed = now;
	e->tries = 0;
	clock_cancel(&net->clock, &e->timer);
	while (e->queue) {
	    tl_pkt *p = e->queue;

	    e->queue = p->next;
	    e->qlen--;
	    SendIp(ifc, e->mac, p);
	}
	e->queueTail = NULL;
    }
  answer:
    if (op == ARP_REQUEST && tpa == ifc->addr && ifc->host->up
	    && ifc->plugged) {
	Send(a, ARP_REPLY, d + 8, d + 8, spa);
    }
}
