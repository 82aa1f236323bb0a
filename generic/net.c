/*
 * net.c --
 *
 *	Links and LANs, the frame pool, transmission with serialization and
 *	propagation delay, observers and fault filters.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net.h"
#include "host.h"

static tl_event_fn Deliver, Depart;

/*
 * Maps from an address or a name to a pointer, with linear probing: host
 * lookups by name and address and the static neighbour resolution of a
 * LAN cost O(1) however many hosts share it. Entries are never removed
 * (hosts and interfaces live as long as the network).
 */

struct tl_mapslot {
    uint64_t hash;
    tl_addr addr;
    const char *name;		/* NULL: keyed by addr. */
    void *val;			/* NULL: free slot. */
};

static uint64_t
AddrHash(
    tl_addr a)
{
    uint64_t z = (uint64_t) a * 0x9e3779b97f4a7c15ull;

    return z ^ (z >> 32);
}

static uint64_t
NameHash(
    const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

    while (*s) {
	h = (h ^ (unsigned char) *s++) * 0x100000001b3ull;
    }
    return h;
}

/* The slot holding the key, or the free slot where it would go. */
static struct tl_mapslot *
MapSlot(
    const tl_map *m,
    uint64_t hash,
    tl_addr addr,
    const char *name)
{
    size_t i = (size_t) hash & m->mask;

    for (;; i = (i + 1) & m->mask) {
	struct tl_mapslot *e = &m->slots[i];

	if (e->val == NULL || (e->hash == hash && (name
		? e->name && strcmp(e->name, name) == 0
		: e->name == NULL && e->addr == addr))) {
	    return e;
	}
    }
}

static void *
MapGet(
    const tl_map *m,
    tl_addr addr,
    const char *name)
{
    if (m->slots == NULL) {
	return NULL;
    }
    return MapSlot(m, name ? NameHash(name) : AddrHash(addr), addr,
	    name)->val;
}

/* The slot for the key, made if need be (val NULL when new), or NULL
 * without memory. */
static struct tl_mapslot *
MapPut(
    tl_map *m,
    tl_addr addr,
    const char *name)
{
    uint64_t hash = name ? NameHash(name) : AddrHash(addr);
    struct tl_mapslot *e;

    if (m->slots == NULL || 2 * (m->count + 1) > m->mask + 1) {
	size_t n = m->slots ? 2 * (m->mask + 1) : 16, i;
	tl_map g;

	g.mask = n - 1;
	g.count = m->count;
	g.slots = calloc(n, sizeof(*g.slots));
	if (g.slots == NULL) {
	    return NULL;
	}
	for (i = 0; m->slots && i <= m->mask; i++) {
	    if (m->slots[i].val) {
		*MapSlot(&g, m->slots[i].hash, m->slots[i].addr,
			m->slots[i].name) = m->slots[i];
	    }
	}
	free(m->slots);
	*m = g;
    }
    e = MapSlot(m, hash, addr, name);
    if (e->val == NULL) {
	e->hash = hash;
	e->addr = addr;
	e->name = name;
    }
    return e;
}

static void
MapFree(
    tl_map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->mask = m->count = 0;
}

/* Records an address the way a walk in order finds it: the first value,
 * or the one that comes before() the others. 0 without memory. */
static int
MapAddrVal(
    tl_map *m,
    tl_addr addr,
    void *val,
    int (*before)(void *a, void *b))
{
    struct tl_mapslot *e = MapPut(m, addr, NULL);

    if (e == NULL) {
	return 0;
    }
    if (e->val == NULL) {
	m->count++;
	e->val = val;
    } else if (before && before(val, e->val)) {
	e->val = val;
    }
    return 1;
}

static int
HostBefore(
    void *a,
    void *b)
{
    return ((tl_host *) a)->index < ((tl_host *) b)->index;
}

static tl_event_fn LoopDeliver;

tl_net *
net_new(
    uint64_t seed)
{
    tl_net *net = calloc(1, sizeof(*net));

    if (net == NULL) {
	return NULL;
    }
    clock_init(&net->clock);
    slab_init(&net->tinyslab, sizeof(tl_pkt) + PKT_TINY);
    net->seed = seed;
    net->nextFaultId = 1;
    return net;
}

void
net_free(
    tl_net *net)
{
    int i;

    /* Nothing is sent while the network is taken apart. */
    for (i = 0; i < net->nhosts; i++) {
	net->hosts[i]->up = 0;
    }
    while (net->faults) {
	net_fault_remove(net, net->faults->id);
    }
    for (i = 0; i < net->nhosts; i++) {
	host_free(net->hosts[i]);
    }
    free(net->hosts);
    MapFree(&net->hostsbyname);
    MapFree(&net->hostsbyaddr);
    /* Frames still in flight are events; drain them without running. */
    for (;;) {
	tl_event *ev = clock_first(&net->clock);

	if (ev == NULL) {
	    break;
	}
	clock_cancel(&net->clock, ev);
	if (ev->fn == Deliver || ev->fn == Depart) {
	    /* The first of a line (in flight, or waiting for the
	     * transmitter) takes the rest with it. */
	    tl_pkt *p = ev->arg;

	    while (p) {
		tl_pkt *next = p->next;

		pkt_free(net, p);
		p = next;
	    }
	} else if (ev->fn == LoopDeliver) {
	    pkt_free(net, ev->arg);
	}
    }
    while (net->links) {
	tl_link *l = net->links;

	net->links = l->next;
	if (l->peer) {
	    free(l->peer->host->name);
	    free(l->peer->host);
	    free(l->peer);
	}
	free(l->name);
	free(l->ifaces);
	MapFree(&l->byaddr);
	free(l);
    }
    slab_destroy(&net->tinyslab);
    while (net->freepkts) {
	tl_pkt *p = net->freepkts;

	net->freepkts = p->next;
	free(p);
    }
    while (net->freebig) {
	tl_pkt *p = net->freebig;

	net->freebig = p->next;
	free(p);
    }
    while (net->observers) {
	tl_observer *t = net->observers;

	net->observers = t->next;
	free(t);
    }
    while (net->faults) {
	net_fault_remove(net, net->faults->id);
    }
    clock_free(&net->clock);
    free(net);
}

tl_host *
net_find_host(
    tl_net *net,
    const char *name)
{
    tl_map *m = &net->hostsbyname;
    int i;

    /* Hosts are only ever appended: map those not mapped yet. */
    for (i = (int) m->count; i < net->nhosts; i++) {
	struct tl_mapslot *e = MapPut(m, 0, net->hosts[i]->name);

	if (e == NULL) {
	    /* No memory for the map: walk the hosts. */
	    for (i = 0; i < net->nhosts; i++) {
		if (strcmp(net->hosts[i]->name, name) == 0) {
		    return net->hosts[i];
		}
	    }
	    return NULL;
	}
	if (e->val == NULL) {
	    e->val = net->hosts[i];
	}
	m->count++;
    }
    return MapGet(m, 0, name);
}

tl_host *
net_find_host_by_addr(
    tl_net *net,
    tl_addr addr)
{
    return MapGet(&net->hostsbyaddr, addr, NULL);
}

tl_link *
net_find_link(
    tl_net *net,
    const char *name)
{
    tl_link *l;

    for (l = net->links; l; l = l->next) {
	if (strcmp(l->name, name) == 0) {
	    return l;
	}
    }
    return NULL;
}

tl_link *
net_link_new(
    tl_net *net,
    const char *name,
    tl_linkkind kind,
    tl_time delay,
    uint64_t rate,
    uint32_t mtu)
{
    tl_link *l = calloc(1, sizeof(*l)), **pp;

    if (l == NULL || (l->name = tl_strdup(name)) == NULL) {
	free(l);
	return NULL;
    }
    l->net = net;
    l->kind = kind;
    l->delay = delay;
    l->rate = rate;
    l->mtu = mtu;
    /* Keep creation order, so listings are stable. */
    for (pp = &net->links; *pp; pp = &(*pp)->next) {
    }
    *pp = l;
    return l;
}

/*
 * net_link_attach --
 *	Gives host a new interface with address addr/prefix on link.
 * Results:
 *	0, or -1 if the host has too many interfaces or memory ran out.
 */

int
net_link_attach(
    tl_link *link,
    tl_host *host,
    tl_addr addr,
    int prefix)
{
    tl_iface *ifc, **v;
    int n = link->net->nextMac++;

    if (host->nifaces == HOST_MAXIFACES) {
	return -1;
    }
    ifc = calloc(1, sizeof(*ifc));
    v = realloc(link->ifaces, (size_t) (link->nifaces + 1) * sizeof(*v));
    if (ifc == NULL || v == NULL) {
	free(ifc);
	if (v) {
	    link->ifaces = v;
	}
	return -1;
    }
    link->ifaces = v;
    ifc->host = host;
    ifc->link = link;
    ifc->addr = addr;
    ifc->prefix = prefix;
    ifc->mtu = link->mtu;
    ifc->plugged = 1;
    /* A locally administered MAC address per interface. */
    ifc->mac[0] = 0x02;
    ifc->mac[3] = (uint8_t) (n >> 16);
    ifc->mac[4] = (uint8_t) (n >> 8);
    ifc->mac[5] = (uint8_t) (n + 1);
    if (!MapAddrVal(&link->byaddr, addr, ifc, NULL)
	    || !MapAddrVal(&link->net->hostsbyaddr, addr, host, HostBefore)) {
	/* Only the last interface of link can be in its map. */
	if (MapGet(&link->byaddr, addr, NULL) == ifc) {
	    MapSlot(&link->byaddr, AddrHash(addr), addr, NULL)->val = NULL;
	    link->byaddr.count--;
	}
	free(ifc);
	return -1;
    }
    v[link->nifaces++] = ifc;
    host->ifaces[host->nifaces++] = ifc;
    return 0;
}

/*
 * net_tap_link_new --
 *	Makes a LINK_TAP link: an Ethernet to a device outside the network.
 *	Its far side is a stand-in interface whose host, named
 *	"kernel@<link>", is not one of the network's hosts; frames addressed
 *	to it go to output, after the observers and fault filters.
 * Results:
 *	The link, or NULL when memory ran out.
 */

tl_link *
net_tap_link_new(
    tl_net *net,
    const char *name,
    uint32_t mtu,
    tl_output_fn *output,
    void *outputArg)
{
    tl_link *l;
    tl_iface *peer = calloc(1, sizeof(*peer));
    tl_host *h = calloc(1, sizeof(*h));
    size_t n = strlen(name) + 8;

    if (peer == NULL || h == NULL || (h->name = malloc(n)) == NULL) {
	free(peer);
	free(h);
	return NULL;
    }
    snprintf(h->name, n, "kernel@%s", name);
    l = net_link_new(net, name, LINK_TAP, 0, 0, mtu);
    if (l == NULL) {
	free(h->name);
	free(h);
	free(peer);
	return NULL;
    }
    h->net = net;
    h->up = 1;
    h->index = -1;
    peer->host = h;
    peer->link = l;
    peer->mtu = mtu;
    peer->plugged = 1;
    l->peer = peer;
    l->output = output;
    l->outputArg = outputArg;
    return l;
}

/*
 * net_link_input --
 *	A frame from the device behind a LINK_TAP link: it is put on the link
 *	by the far side, so observers and fault filters see it as any frame,
 *	and is delivered to the link's interface by the clock.
 */

void
net_link_input(
    tl_link *link,
    const uint8_t *frame,
    uint32_t len)
{
    tl_pkt *p;

    if (link->peer == NULL || link->nifaces == 0 || len == 0) {
	return;
    }
    p = pkt_alloc(link->net, len);
    memcpy(p->data, frame, len);
    net_link_input_pkt(link, p);
}

/* The same with the frame already in a packet (p->data, p->len, p->gso),
 * which the link takes over. */
void
net_link_input_pkt(
    tl_link *link,
    tl_pkt *p)
{
    if (link->peer == NULL || link->nifaces == 0 || p->len == 0) {
	pkt_free(link->net, p);
	return;
    }
    p->to = link->ifaces[0];
    net_transmit(link->peer, p);
}

/* The interface on link that owns addr (static neighbour resolution). */
tl_iface *
link_resolve(
    tl_link *link,
    tl_addr addr)
{
    tl_iface *ifc = MapGet(&link->byaddr, addr, NULL);

    if (ifc) {
	return ifc;
    }
    if (link->peer && link->peer->addr == addr) {
	return link->peer;		/* The kernel behind a TAP link. */
    }
    return NULL;
}

tl_pkt *
pkt_alloc(
    tl_net *net,
    uint32_t len)
{
    tl_pkt *p, **freep = NULL;
    uint32_t cap = len;

    if (len <= PKT_TINY) {
	/* On pages of their own: a burst of them (the SYNs of many
	 * connects) is given back when it is over. */
	cap = PKT_TINY;
	p = slab_alloc(&net->tinyslab);
	if (p == NULL) {
	    abort();
	}
	p->cap = cap;
    } else if (len <= PKT_SMALL) {
	cap = PKT_SMALL;
	freep = &net->freepkts;
    } else if (len > PKT_BIG / 4 && len <= PKT_BIG) {
	cap = PKT_BIG;
	freep = &net->freebig;
    }
    if (cap == PKT_TINY) {
	/* (Above.) */
    } else if (freep && *freep) {
	p = *freep;
	*freep = p->next;
	if (cap == PKT_BIG) {
	    net->nfreebig--;
	}
    } else {
	p = malloc(sizeof(*p) + cap);
	if (p == NULL) {
	    abort();
	}
	p->cap = cap;
    }
    p->next = NULL;
    p->net = net;
    p->from = p->to = NULL;
    p->len = len;
    p->gso = 0;
    p->built = 0;
    p->verified = 0;
    p->csum_ip = 0;
    p->unwritten.len = 0;
    p->data = p->buf;
    event_init(&p->ev, NULL, p);
    return p;
}

void
pkt_free(
    tl_net *net,
    tl_pkt *p)
{
    if (p->cap == PKT_TINY) {
	slab_free(&net->tinyslab, p);
    } else if (p->cap == PKT_SMALL) {
	p->next = net->freepkts;
	net->freepkts = p;
    } else if (p->cap == PKT_BIG && net->nfreebig < PKT_BIGKEEP) {
	p->next = net->freebig;
	net->freebig = p;
	net->nfreebig++;
    } else {
	free(p);
    }
}

/*
 * pkt_finish --
 *	Writes the payload a host left unwritten and computes the IP and TCP
 *	checksums it left to be computed (csum_ip), so that whoever reads the
 *	frame finds the true bytes. Frames nobody reads but a host that
 *	trusts them (tunable cksum_trust) never need either.
 */

void
pkt_finish(
    tl_pkt *p)
{
    unwritten_fill(&p->unwritten);
    if (p->csum_ip) {
	uint8_t *ip = p->buf + p->csum_ip;
	uint32_t ihl = ip_hdrlen(ip);

	ip_set_cksum(ip);
	tcp_set_cksum(ip + ihl, ip_totlen(ip) - ihl, ip_src(ip), ip_dst(ip));
	p->csum_ip = 0;
    }
}

static void
Tap(
    tl_net *net,
    tl_obskind kind,
    tl_pkt *p,
    tl_time when,
    const char *reason)
{
    tl_obsinfo info;
    tl_observer *t;

    if (net->observers == NULL) {
	return;
    }
    pkt_finish(p);
    info.kind = kind;
    info.time = when;
    info.link = p->from->link;
    info.from = p->from;
    info.to = p->to;
    info.frame = p->data;
    info.len = info.valid = p->len;
    info.l2len = link_is_ether(p->from->link) ? ETH_HDRLEN : 0;
    info.reason = reason;
    for (t = net->observers; t; t = t->next) {
	t->fn(t->arg, &info);
    }
}

static void
Deliver(
    void *arg,
    tl_event *ev)
{
    tl_pkt *p = arg;
    tl_net *net = p->net;
    tl_iface *to = p->to;

    (void) ev;
    if (p == p->from->flight) {
	/* The next in line takes its place on the clock. */
	p->from->flight = p->next;
	if (p->next) {
	    /* The one after it has waited behind a window of frames and is
	     * out of the cache by now: fetch it (its record and its headers)
	     * while this one is handled. */
	    if (p->next->next) {
		const char *q = (const char *) p->next->next;

		__builtin_prefetch(q);
		__builtin_prefetch(q + 64);
		__builtin_prefetch(q + 128);
		__builtin_prefetch(q + 192);
	    }
	    clock_queue(&net->clock, &p->next->ev);
	} else {
	    p->from->flightTail = NULL;
	}
    }
    if (!to->plugged || !to->host->up) {
	Tap(net, OBS_DROP, p, net->clock.now,
		to->plugged ? "host down" : "cable unplugged");
	pkt_free(net, p);
	return;
    }
    Tap(net, OBS_DELIVER, p, net->clock.now, NULL);
    if (to == to->link->peer) {
	/* Out of the network: to the device behind a TAP link. */
	if (to->link->output) {
	    pkt_finish(p);
	    to->link->output(to->link->outputArg, p->data, p->len, p->gso);
	}
	pkt_free(net, p);
	return;
    }
    host_input(to, p);
}

/*
 * Launch --
 *	The frame will arrive at arrive. Frames from one interface mostly
 *	arrive in the order they were sent (each behind the one before on the
 *	transmitter, all with the link's delay): those wait in the
 *	interface's line, and only the line's first is on the clock, which
 *	keeps the clock's heap small while a window of frames is in flight.
 *	Each is stamped now, so it runs in the place a queued event would
 *	have. One that would arrive before the last in line (a delay rule
 *	held that one back) is queued on its own.
 */

static void
Launch(
    tl_pkt *p,
    tl_time arrive)
{
    tl_clock *c = &p->net->clock;
    tl_iface *ifc = p->from;

    p->ev.fn = Deliver;
    p->ev.arg = p;
    p->next = NULL;
    clock_stamp(c, &p->ev, arrive);
    if (ifc->flight == NULL) {
	ifc->flight = ifc->flightTail = p;
	clock_queue(c, &p->ev);
    } else if (ifc->flightTail->ev.when <= p->ev.when) {
	ifc->flightTail->next = p;
	ifc->flightTail = p;
    } else {
	clock_queue(c, &p->ev);
    }
}

static tl_pkt *
Copy(
    tl_pkt *p)
{
    tl_pkt *c = pkt_alloc(p->net, p->len);

    pkt_finish(p);
    memcpy(c->data, p->data, p->len);
    c->gso = p->gso;
    c->built = p->built;
    c->from = p->from;
    c->to = p->to;
    return c;
}

/* How long len bytes take to serialize on link (0 at infinite rate). */
static tl_time
TxTime(
    const tl_link *link,
    uint32_t len)
{
    return link->rate ? (tl_time) (((uint64_t) len * 8 * (uint64_t) TL_SEC)
	    / link->rate) : 0;
}

/*
 * Final --
 *	How many of the frame's first bytes are final before pkt_finish():
 *	all but a payload not written yet and the TCP checksum (the IP
 *	header's is made here, from 20 bytes), so that a fault rule on the
 *	headers needs neither.
 */

static uint32_t
Final(
    tl_pkt *p)
{
    uint32_t valid = p->len;

    if (p->unwritten.len) {
	valid = (uint32_t) (p->unwritten.at - p->data);
    }
    if (p->csum_ip) {
	uint8_t *ip = p->buf + p->csum_ip;

	ip_set_cksum(ip);
	valid = TL_MIN(valid, (uint32_t) (ip + ip_hdrlen(ip) + 16 - p->data));
    }
    return valid;
}

/*
 * Leave --
 *	The frame starts to leave ifc now (start): observers see it, an
 *	unplugged cable loses it, fault filters decide its fate, and it
 *	arrives after its serialization time and the link's delay.
 */

static void
Leave(
    tl_pkt *p,
    tl_time start)
{
    tl_iface *ifc = p->from;
    tl_link *link = ifc->link;
    tl_net *net = link->net;
    tl_time arrive;
    tl_fault *f, **fp;
    tl_obsinfo info;
    char reason[32];

    arrive = tl_time_add(tl_time_add(start, TxTime(link, p->len)),
	    link->delay);
    Tap(net, OBS_SEND, p, start, NULL);
    if (!ifc->plugged) {
	Tap(net, OBS_DROP, p, start, "cable unplugged");
	pkt_free(net, p);
	return;
    }

    info.kind = OBS_SEND;
    info.time = start;
    info.link = link;
    info.from = ifc;
    info.to = p->to;
    info.frame = p->data;
    info.len = p->len;
    info.l2len = link_is_ether(link) ? ETH_HDRLEN : 0;
    info.reason = NULL;
    info.valid = net->faults ? Final(p) : p->len;
    for (fp = &net->faults; (f = *fp) != NULL; ) {
	int m = f->count != 0 ? f->match(f->matchArg, &info) : 0;

	if (m < 0) {
	    /* The rule reads more: the whole frame, made now. */
	    pkt_finish(p);
	    info.valid = p->len;
	    m = f->match(f->matchArg, &info);
	}
	if (m) {
	    f->hits++;
	    if (f->count > 0) {
		f->count--;
	    }
	    switch (f->action) {
	    case FAULT_DROP:
		/* The rule is named, so a trace can say which one. */
		snprintf(reason, sizeof(reason), "filter %d", f->id);
		Tap(net, OBS_DROP, p, start, reason);
		pkt_free(net, p);
		return;
	    case FAULT_DELAY:
		arrive = tl_time_add(arrive, f->delay);
		break;
	    case FAULT_DUP:
		Launch(Copy(p), arrive);
		break;
	    }
	}
	fp = &f->next;
    }
    Launch(p, arrive);
}

/* A frame that waited for its transmitter leaves now. */
static void
Depart(
    void *arg,
    tl_event *ev)
{
    tl_pkt *p = arg;
    tl_iface *ifc = p->from;

    (void) ev;
    /* The next in line takes its place on the clock. */
    ifc->waiting = p->next;
    if (p->next) {
	clock_queue(&p->net->clock, &p->next->ev);
    } else {
	ifc->waitingTail = NULL;
    }
    Leave(p, p->net->clock.now);
}

/*
 * net_transmit --
 *	Puts a frame on ifc's link. The frame leaves when the transmitter is
 *	free, takes len*8/rate to serialize and arrives delay later.
 *	Observers see it as it leaves; fault filters then decide its fate.
 *	A frame behind others on a busy transmitter waits in the interface
 *	(an event at the time it starts to leave) while anyone observes or
 *	filters frames, so that they see frames in the order of their times.
 */

void
net_transmit(
    tl_iface *ifc,
    tl_pkt *p)
{
    tl_net *net = ifc->link->net;
    tl_link *link = ifc->link;
    tl_time start;

    p->from = ifc;
    if (p->to == NULL) {
	if (link->kind == LINK_P2P) {
	    p->to = link->ifaces[0] == ifc && link->nifaces > 1
		    ? link->ifaces[1] : link->ifaces[0];
	} else if (link->kind == LINK_TAP) {
	    p->to = ifc == link->peer ? (link->nifaces ? link->ifaces[0]
		    : NULL) : link->peer;
	}
	if (p->to == NULL || p->to == ifc) {
	    pkt_free(net, p);
	    return;
	}
    }
    /* The frame waits for the transmitter, then takes len*8/rate on it. */
    start = TL_MAX(net->clock.now, ifc->tx_free);
    ifc->tx_free = tl_time_add(start, TxTime(link, p->len));
    net->nframes++;
    /* Only someone watching (an observer, a fault rule's count) can tell
     * when a queued frame is looked at: without them it leaves at once,
     * stamped with its start, and costs no event of its own. With them it
     * waits in the interface's line, in the order of its start (the
     * transmitter's times only grow), stamped now: only the line's first
     * is on the clock, and each runs in the place its own event would
     * have. */
    if (start > net->clock.now && (net->observers || net->faults)) {
	p->ev.fn = Depart;
	p->ev.arg = p;
	p->next = NULL;
	clock_stamp(&net->clock, &p->ev, start);
	if (ifc->waiting == NULL) {
	    ifc->waiting = ifc->waitingTail = p;
	    clock_queue(&net->clock, &p->ev);
	} else {
	    ifc->waitingTail->next = p;
	    ifc->waitingTail = p;
	}
	return;
    }
    Leave(p, start);
}

/* The looped-back datagram arrives (no link, no observer: as tcpdump on
 * an Ethernet does not see a host's loopback). */
static void
LoopDeliver(
    void *arg,
    tl_event *ev)
{
    tl_pkt *p = arg;

    (void) ev;
    host_loop_input(p->lo, p);
}

/*
 * net_loopback --
 *	A datagram (no link header) that host sends to itself arrives at the
 *	same instant, after whatever the host is doing now (4.4BSD
 *	looutput() queues it for ipintr; Linux's lo for the softirq).
 */

void
net_loopback(
    tl_host *host,
    tl_pkt *p)
{
    p->from = p->to = NULL;
    p->lo = host;
    p->lo_crashes = host->crashes;
    p->ev.fn = LoopDeliver;
    p->ev.arg = p;
    clock_schedule(&host->net->clock, &p->ev, host->net->clock.now);
}

void
net_observer_add(
    tl_net *net,
    tl_obs_fn *fn,
    void *arg)
{
    tl_observer *t = malloc(sizeof(*t)), **tp;

    if (t == NULL) {
	abort();
    }
    t->fn = fn;
    t->arg = arg;
    t->next = NULL;
    for (tp = &net->observers; *tp; tp = &(*tp)->next) {
    }
    *tp = t;
}

void
net_observer_remove(
    tl_net *net,
    tl_obs_fn *fn,
    void *arg)
{
    tl_observer **tp, *t;

    for (tp = &net->observers; (t = *tp) != NULL; tp = &t->next) {
	if (t->fn == fn && t->arg == arg) {
	    *tp = t->next;
	    free(t);
	    return;
	}
    }
}

tl_fault *
net_fault_add(
    tl_net *net,
    tl_match_fn *match,
    void *arg,
    void (*freeArg)(void *),
    tl_faultaction action,
    tl_time delay,
    long count)
{
    tl_fault *f = calloc(1, sizeof(*f)), **fp;

    if (f == NULL) {
	abort();
    }
    f->id = net->nextFaultId++;
    f->match = match;
    f->matchArg = arg;
    f->freeArg = freeArg;
    f->action = action;
    f->delay = delay;
    f->count = count;
    for (fp = &net->faults; *fp; fp = &(*fp)->next) {
    }
    *fp = f;
    return f;
}

int
net_fault_remove(
    tl_net *net,
    int id)
{
    tl_fault **fp, *f;

    for (fp = &net->faults; (f = *fp) != NULL; fp = &f->next) {
	if (f->id == id) {
	    *fp = f->next;
	    if (f->freeArg) {
		f->freeArg(f->matchArg);
	    }
	    free(f);
	    return 1;
	}
    }
    return 0;
}

/*
 * net_random --
 *	A deterministic pseudo-random 64-bit value from the network's seed and
 *	a key (splitmix64 finalizer): the same seed gives the same run.
 */

uint64_t
net_random(
    tl_net *net,
    uint64_t key)
{
    uint64_t z = net->seed + 0x9e3779b97f4a7c15ull * (key + 1);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
