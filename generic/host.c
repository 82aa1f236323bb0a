/*
 * host.c --
 *
 *	Hosts: interfaces, routing, IPv4 input and output (RFC 791, RFC 1122
 *	section 3), timer ticks, crash and boot, and raw injection.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net.h"
#include "host.h"
#include "arp.h"
#include "icmp.h"
#include "tcp.h"
#include "apps.h"

/* The address a host uses toward 127/8 (Linux lo, 4.4BSD lo0). */
#define LOOPBACK_ADDR	0x7f000001u

/*
 * The host's side of TCP's interface (tcp_env.h): segments go out through
 * IP, timers are events on the network's clock hung on the TCB (hostev),
 * routes are the host's.
 */

static uint8_t *
TcpSegAlloc(
    void *ctx,
    uint32_t len,
    void **segPtr)
{
    tl_pkt *p = host_pkt_alloc(ctx, IP_HDRLEN + len);

    *segPtr = p;
    return p->data + IP_HDRLEN;
}

/* The payload of the segment (at, len bytes) is stream bytes from off of
 * fn's generated stream: written when something reads the frame. */
static void
TcpSegUnwritten(
    void *ctx,
    void *seg,
    uint8_t *at,
    uint32_t len,
    const tl_ringgen *gen,
    uint64_t off)
{
    tl_pkt *p = seg;

    (void) ctx;
    p->unwritten.fn = gen->fn;
    p->unwritten.arg = gen->arg;
    p->unwritten.off = off;
    p->unwritten.at = at;
    p->unwritten.len = len;
}

static int
TcpSegSend(
    void *ctx,
    void *seg,
    tl_addr src,
    tl_addr dst,
    uint32_t len,
    uint32_t gso,
    uint8_t ecn)
{
    tl_pkt *p = seg;

    p->gso = gso;
    p->built = 1;
    p->csum_ip = (uint32_t) (p->data - p->buf);	/* TCP left it 0. */
    return host_ip_output(ctx, src, dst, IPPROTO_TCP_, ecn, p,
	    IP_HDRLEN + len) > 0;
}

/*
 * A TCB's timer events (its hostev): allocated when one of them is first
 * armed and freed as soon as none runs, so an idle connection holds none of
 * them (as a Linux socket's timer_lists cost nothing while detached, here
 * they cost the TCB a pointer). An event is set up when it is queued, so
 * a block taken from the slab needs no setting up.
 */
struct tl_hostev {
    tl_event ev[TT_NTIMERS + 2];	/* Timers, TCP_ENV_APP, TCP_ENV_CORK. */
    unsigned queued;			/* Bit i: ev[i] is on the clock. */
};

/* ev[which] is off the clock; the block goes if none is left on it. */
static void
TcpTimerOff(
    tl_tcb *tp,
    int which)
{
    struct tl_hostev *b = tp->hostev;

    b->queued &= ~(1u << which);
    if (b->queued == 0) {
	slab_free(&tp->host->evslab, b);
	tp->hostev = NULL;
    }
}

static void TcpTimerFire(void *arg, tl_event *ev);

/* tp's event which, to be queued: from a block allocated if tp has none,
 * set up if it is not queued already. */
static tl_event *
TcpTimerOn(
    tl_tcb *tp,
    int which)
{
    struct tl_hostev *b = tp->hostev;

    if (b == NULL) {
	b = tp->hostev = slab_alloc(&tp->host->evslab);
	if (b == NULL) {
	    abort();		/* As for a frame (pkt_alloc()). */
	}
	b->queued = 0;
    }
    if (!(b->queued & (1u << which))) {
	event_init(&b->ev[which], TcpTimerFire, tp);
	b->queued |= 1u << which;
    }
    return &b->ev[which];
}

static void
TcpTimerFire(
    void *arg,
    tl_event *ev)
{
    tl_tcb *tp = arg;
    int which = (int) (ev - tp->hostev->ev);

    /* The event is no longer queued: the block may go before TCP runs
     * (which may arm a timer again, or free tp). */
    TcpTimerOff(tp, which);
    tcp_timer_expire(tp, which);
}

static void
TcpTimer(
    void *ctx,
    tl_tcb *tp,
    int which,
    tl_time when)
{
    tl_host *h = ctx;

    if (when == TL_NEVER) {
	if (tp->hostev && (tp->hostev->queued & (1u << which))) {
	    clock_cancel(&h->net->clock, &tp->hostev->ev[which]);
	    TcpTimerOff(tp, which);
	}
	return;
    }
    clock_schedule(&h->net->clock, TcpTimerOn(tp, which), when);
}

/* A TIME_WAIT record takes over a pending timer of tp, or gives it back,
 * in its place among the events of its time (tcp_timewait.c). */
static void
TcpTimerPark(
    void *ctx,
    tl_tcb *tp,
    int which,
    tl_event *ev,
    tl_event_fn *fn,
    void *arg)
{
    tl_host *h = ctx;
    tl_event *from = &tp->hostev->ev[which];

    event_init(ev, fn, arg);
    ev->when = from->when;
    ev->order = from->order;
    clock_cancel(&h->net->clock, from);
    TcpTimerOff(tp, which);
    clock_queue(&h->net->clock, ev);
}

static void
TcpTimerUnpark(
    void *ctx,
    tl_event *ev,
    tl_tcb *tp,
    int which)
{
    tl_host *h = ctx;
    tl_event *to = TcpTimerOn(tp, which);

    to->when = ev->when;
    to->order = ev->order;
    clock_cancel(&h->net->clock, ev);
    clock_queue(&h->net->clock, to);
}

static int
TcpRoute(
    void *ctx,
    tl_addr dst,
    tl_tcp_route *r)
{
    tl_host *h = ctx;
    tl_addr nh;
    tl_iface *ifc = host_route(h, dst, &nh);

    memset(r, 0, sizeof(*r));
    if (host_is_self(h, dst)) {
	/* Through the loopback: its MTU, and local; toward 127/8 from
	 * 127.0.0.1, the address of Linux's lo (and 4.4BSD's lo0). */
	r->src = host_has_addr(h, dst) ? dst : LOOPBACK_ADDR;
	r->mtu = TL_MIN((uint32_t) h->tun.loopback_mtu, IP_MAXPACKET);
	r->local = 1;
	return 1;
    }
    r->src = host_source_addr(h, dst);
    r->local = host_is_local(h, dst);
    if (ifc == NULL) {
	return 0;
    }
    r->mtu = TL_MIN(ifc->mtu, IP_MAXPACKET);
    r->tso = ifc->link->tso;
    if (h->nrtm) {
	const tl_rtmetrics *m = host_rtmetrics(h, dst);

	if (m) {
	    /* The route's own MTU wins over the device's (Linux
	     * ipv4_mtu(): the RTAX_MTU metric, else the device MTU). */
	    r->mtu = m->mtu ? TL_MIN(m->mtu, IP_MAXPACKET) : r->mtu;
	    r->advmss = m->advmss;
	    r->initcwnd = m->initcwnd;
	}
    }
    return 1;
}

/* The metrics set for the route to dst, or NULL. */
const tl_rtmetrics *
host_rtmetrics(
    const tl_host *h,
    tl_addr dst)
{
    int i;

    for (i = 0; i < h->nrtm; i++) {
	if (h->rtm[i].dst == dst) {
	    return &h->rtm[i];
	}
    }
    return NULL;
}

/* Sets (or, all zero, removes) the metrics of the route to m->dst, and
 * tells the connections to it that their route changed (Linux: the
 * cached route becomes obsolete; the next transmission looks it up
 * again, tcp_current_mss() then sees its MTU). 0, or ENOMEM. */
int
host_rtmetrics_set(
    tl_host *h,
    const tl_rtmetrics *m)
{
    tl_tcb *tp;
    int i;

    for (i = 0; i < h->nrtm && h->rtm[i].dst != m->dst; i++) {
    }
    if (m->mtu == 0 && m->advmss == 0 && m->initcwnd == 0) {
	if (i < h->nrtm) {
	    h->rtm[i] = h->rtm[--h->nrtm];
	}
    } else if (i < h->nrtm) {
	h->rtm[i] = *m;
    } else {
	tl_rtmetrics *v = realloc(h->rtm, (size_t) (h->nrtm + 1) * sizeof(*v));

	if (v == NULL) {
	    return ENOMEM;
	}
	h->rtm = v;
	h->rtm[h->nrtm++] = *m;
    }
    for (tp = h->tcbs; tp; tp = tp->next) {
	if (tp->raddr == m->dst && tp->state != TCPS_CLOSED) {
	    tcp_route_changed(tp);
	}
    }
    return 0;
}

/* The MTU toward dst (0 when there is no route). */
uint32_t
host_path_mtu(
    tl_host *h,
    tl_addr dst)
{
    tl_tcp_route r;

    return TcpRoute(h, dst, &r) ? r.mtu : 0;
}

static int
TcpHasAddr(
    void *ctx,
    tl_addr a)
{
    return host_is_self(ctx, a);
}

static void
TcpEventQueue(
    void *ctx,
    tl_event *ev)
{
    tl_host *h = ctx;

    clock_queue(&h->net->clock, ev);
}

static void
TcpEventCancel(
    void *ctx,
    tl_event *ev)
{
    tl_host *h = ctx;

    clock_cancel(&h->net->clock, ev);
}

static const tl_tcp_ops tcpOps = {
    .seg_alloc = TcpSegAlloc, .seg_unwritten = TcpSegUnwritten,
    .seg_send = TcpSegSend, .timer = TcpTimer, .route = TcpRoute,
    .has_addr = TcpHasAddr, .timer_park = TcpTimerPark,
    .timer_unpark = TcpTimerUnpark, .event_queue = TcpEventQueue,
    .event_cancel = TcpEventCancel
};
static const int noEvents = 0;

tl_host *
host_new(
    tl_net *net,
    const char *name,
    const char *profile)
{
    tl_host *h = calloc(1, sizeof(*h)), **v;

    if (h == NULL) {
	return NULL;
    }
    if (!profile_load(&h->tun, profile)
	    || (h->name = tl_strdup(name)) == NULL) {
	free(h);
	return NULL;
    }
    v = realloc(net->hosts, (size_t) (net->nhosts + 1) * sizeof(*v));
    if (v == NULL) {
	free(h->name);
	free(h);
	return NULL;
    }
    net->hosts = v;
    h->net = net;
    h->index = net->nhosts;
    v[net->nhosts++] = h;
    strncpy(h->profile, profile, sizeof(h->profile) - 1);
    h->up = 1;
    /* Each host has been up for a while when it joins the network, as the
     * book's hosts had (fig. 18-6: ISN 291,008,001, about 38 minutes after
     * a reboot): a whole number of 500 ms ticks between 1 minute and 1
     * day, drawn from the seed and the host's name, so two hosts never
     * share a 4.4BSD ISN counter (-uptime sets it). */
    {
	uint64_t key = 0x7570u;
	const char *c;

	for (c = name; *c; c++) {
	    key = (key ^ (unsigned char) *c) * 0x100000001b3ull;
	}
	h->booted = net_now(net) - (tl_time) (120 + net_random(net, key)
		% (2 * 86400 - 120)) * 500 * TL_MS;
    }
    /* Where the timer ticks (and the Linux wheel's buckets) fall: fixed by
     * the seed, and the
     * same for every host, as for the namespaces of one kernel in the
     * reference traces (a host's timers still start at arbitrary points
     * between ticks). */
    h->tick_phase = (tl_time) (net_random(net, 0x7469636bu)
	    % (uint64_t) (3600 * TL_SEC));
    h->ip_id = (uint16_t) net_random(net, 0x6970u + (uint64_t) h->index);
    h->tcp.ops = &tcpOps;
    h->tcp.ctx = h;
    h->tcp.now = &net->clock.now;
    h->tcp.seed = net->seed;
    h->tcp.events = &noEvents;
    slab_init(&h->tcbslab, sizeof(tl_tcb));
    slab_init(&h->evslab, sizeof(struct tl_hostev));
    slab_init(&h->twslab, sizeof(tl_twrec));
    return h;
}

void
host_free(
    tl_host *h)
{
    int i;

    while (h->listeners) {
	tcp_listener_close(h->listeners);
    }
    tcp_tw_materialize(h);
    while (h->tcbs) {
	tl_tcb *tp = h->tcbs;

	tp->user = NULL;
	tp->flags |= TF_ORPHAN;
	tcp_close(tp);
    }
    for (i = 0; i < h->nifaces; i++) {
	arp_free(h->ifaces[i]);
	free(h->ifaces[i]);
    }
    free(h->rtm);
    free(h->fo);
    slab_destroy(&h->tcbslab);
    slab_destroy(&h->evslab);
    slab_destroy(&h->twslab);
    free(h->name);
    free(h);
}

int
host_has_addr(
    const tl_host *h,
    tl_addr addr)
{
    int i;

    for (i = 0; i < h->nifaces; i++) {
	if (h->ifaces[i]->addr == addr) {
	    return 1;
	}
    }
    return 0;
}

/*
 * host_is_self --
 *	Whether addr reaches this host through its loopback: one of its own
 *	addresses, or 127/8 (RFC 1122 3.2.1.3: "internal host loopback").
 */

int
host_is_self(
    const tl_host *h,
    tl_addr addr)
{
    /* 127/8's network and broadcast addresses are no host's. */
    return ((addr >> 24) == 127 && addr != 0x7f000000u
	    && addr != 0x7fffffffu) || host_has_addr(h, addr);
}

/* The classful network mask of an address (RFC 791). */
static tl_addr
ClassMask(
    tl_addr a)
{
    return (a >> 31) == 0 ? 0xff000000u : (a >> 30) == 2 ? 0xffff0000u
	    : 0xffffff00u;
}

static int
OnSubnet(
    const tl_iface *ifc,
    tl_addr dst)
{
    tl_addr mask = ifc->prefix ? ~(tl_addr) 0 << (32 - ifc->prefix) : 0;

    return (dst & mask) == (ifc->addr & mask);
}

/*
 * host_route --
 *	Chooses the interface and next hop for dst: a directly connected
 *	subnet, then the default gateway, then any attached link where dst
 *	answers (a point-to-point peer on another subnet).
 */

tl_iface *
host_route(
    tl_host *h,
    tl_addr dst,
    tl_addr *nexthop)
{
    int i;

    for (i = 0; i < h->nifaces; i++) {
	if (OnSubnet(h->ifaces[i], dst)) {
	    *nexthop = dst;
	    return h->ifaces[i];
	}
    }
    for (i = 0; i < h->nifaces; i++) {
	if (link_resolve(h->ifaces[i]->link, dst)) {
	    *nexthop = dst;
	    return h->ifaces[i];
	}
    }
    if (h->gateway) {
	for (i = 0; i < h->nifaces; i++) {
	    if (OnSubnet(h->ifaces[i], h->gateway)) {
		*nexthop = h->gateway;
		return h->ifaces[i];
	    }
	}
    }
    return NULL;
}

tl_addr
host_source_addr(
    tl_host *h,
    tl_addr dst)
{
    tl_addr nh;
    tl_iface *ifc = host_route(h, dst, &nh);

    if (host_is_self(h, dst)) {
	return host_has_addr(h, dst) ? dst : LOOPBACK_ADDR;
    }
    return ifc ? ifc->addr : 0;
}

/*
 * host_is_local --
 *	Is dst local for the MSS (4.4BSD in_localaddr())? With
 *	SUBNETSARELOCAL, any subnet of an attached network counts: dst
 *	shares an interface's classful network (140.252.x.x for the book's
 *	hosts), so slip is local to sun and vangogh is not (book 18.4).
 */

int
host_is_local(
    tl_host *h,
    tl_addr dst)
{
    int i;

    for (i = 0; i < h->nifaces; i++) {
	tl_addr a = h->ifaces[i]->addr, m = ClassMask(a);

	if ((dst & m) == (a & m)) {
	    return 1;
	}
    }
    return 0;
}

/*
 * Segment --
 *	Software segmentation (Linux's GSO): the TCP segment in p (an IPv4
 *	datagram at p->data) stands for several of p->gso bytes each but the
 *	interface does not take it whole, so it goes as those segments: IP
 *	IDs counted up, sequence numbers advanced, FIN and PSH on the last
 *	only, CWR on the first only, checksums computed. Frees p.
 */

static int
Segment(
    tl_host *h,
    tl_iface *ifc,
    tl_addr nh,
    tl_pkt *p)
{
    const uint8_t *ip = p->data;
    uint32_t ihl = ip_hdrlen(ip), thl, hl, off, n, total;
    tl_addr src = ip_src(ip), dst = ip_dst(ip);
    int rc = 0;

    unwritten_fill(&p->unwritten);
    total = TL_MIN(p->len, (uint32_t) ip_totlen(ip));
    thl = tcp_hdrlen(ip + ihl);
    hl = ihl + thl;
    for (off = 0; hl + off < total; off += n) {
	tl_pkt *q;
	uint8_t *d, *th;

	n = TL_MIN(p->gso, total - hl - off);
	q = host_pkt_alloc(h, hl + n);
	q->built = p->built;
	d = q->data;
	memcpy(d, ip, hl);
	memcpy(d + hl, ip + hl + off, n);
	ip_set_len_id(d, (uint16_t) (hl + n),
		(uint16_t) (ip_id(ip) + off / p->gso));
	th = d + ihl;
	tcp_set_seq(th, tcp_seq(ip + ihl) + off);
	if (off) {
	    tcp_clear_flags(th, TH_CWR);
	}
	if (hl + off + n < total) {
	    tcp_clear_flags(th, TH_FIN | TH_PUSH);
	}
	tcp_set_cksum(th, thl + n, src, dst);
	if (host_link_send(h, ifc, nh, q) != 0) {
	    rc = -1;
	}
    }
    pkt_free(h->net, p);
    return rc;
}

/*
 * host_link_send --
 *	Sends the datagram in p out of ifc toward the next hop nh, adding the
 *	Ethernet header on a LAN (neighbours are resolved from the link's own
 *	table: no ARP on simulated links). A TCP segment that stands for
 *	several (p->gso) goes whole onto a link with segmentation offload and
 *	is cut up for any other.
 * Results:
 *	0, or -1 when no interface on the link owns nh (p is freed).
 */

int
host_link_send(
    tl_host *h,
    tl_iface *ifc,
    tl_addr nh,
    tl_pkt *p)
{
    p->to = NULL;
    if (p->gso && ifc->link->tso == 0) {
	if (p->len <= IP_HDRLEN + TCP_HDRLEN
		|| ip_proto(p->data) != IPPROTO_TCP_
		|| ip_hdrlen(p->data) + TCP_HDRLEN >= p->len) {
	    pkt_free(h->net, p);
	    return -1;
	}
	return Segment(h, ifc, nh, p);
    }
    if (ifc->arp) {
	/* A TAP link: the neighbour's address comes from ARP. */
	return arp_output(ifc, nh, p);
    }
    if (ifc->link->kind == LINK_LAN) {
	tl_iface *to = link_resolve(ifc->link, nh);

	if (to == NULL) {
	    pkt_free(h->net, p);
	    return -1;
	}
	p->data -= ETH_HDRLEN;
	p->len += ETH_HDRLEN;
	eth_build(p->data, to->mac, ifc->mac, ETHERTYPE_IP);
	p->to = to;
    }
    net_transmit(ifc, p);
    return 0;
}

/* Allocates a frame with room for an iplen-byte datagram and a link header. */
tl_pkt *
host_pkt_alloc(
    tl_host *h,
    uint32_t iplen)
{
    tl_pkt *p = pkt_alloc(h->net, ETH_HDRLEN + iplen);

    p->data = p->buf + ETH_HDRLEN;
    p->len = iplen;
    return p;
}

/*
 * host_ip_output --
 *	Prepends the IPv4 header to the datagram in pkt (its payload is already
 *	at data + 20) and sends it toward dst.
 * Results:
 *	0, -1 when there is no route (the frame is freed), 1 when the
 *	interface's queue refused it (host->qdisc_drop; Linux's qdisc
 *	returning NET_XMIT_DROP to dev_queue_xmit(), which ip_output() passes
 *	back up): it never reaches the wire, and no observer sees it (Linux
 *	taps a device's frames after its qdisc, dev_queue_xmit_nit()).
 */

int
host_ip_output(
    tl_host *h,
    tl_addr src,
    tl_addr dst,
    uint8_t proto,
    uint8_t tos,
    tl_pkt *p,
    uint32_t iplen)
{
    tl_iphdr ip;
    tl_addr nh;
    tl_iface *ifc;

    if (!h->up) {
	pkt_free(h->net, p);
	return -1;
    }
    ifc = host_is_self(h, dst) ? NULL : host_route(h, dst, &nh);
    if (ifc == NULL && !host_is_self(h, dst)) {
	h->stats.ip_noroute++;
	pkt_free(h->net, p);
	return -1;
    }
    memset(&ip, 0, sizeof(ip));
    ip.tos = tos;
    ip.len = (uint16_t) iplen;
    ip.id = h->ip_id++;
    ip.ttl = (uint8_t) h->tun.ttl;
    ip.proto = proto;
    ip.src = src;
    ip.dst = dst;
    ip_build(p->data, &ip, !p->csum_ip);	/* Else with TCP's sum. */
    p->len = iplen;
    p->to = NULL;
    h->stats.ip_out++;
    if (ifc == NULL) {
	net_loopback(h, p);	/* The loopback device queues nothing. */
	return 0;
    }
    if (h->qdisc_drop) {
	h->stats.ip_qdisc_drop++;
	pkt_free(h->net, p);
	return 1;
    }
    if (host_link_send(h, ifc, nh, p) != 0) {
	/* Nobody answers ARP for the next hop: the datagram is lost. */
	h->stats.ip_noroute++;
    }
    return 0;
}

/*
 * ForwardDrop --
 *	A datagram the host would forward is dropped: counted, and with
 *	-events an "r: dropped ..." line on the host saying why. No ICMP error
 *	goes back (RFC 1812 4.3.2.x would send Time Exceeded, Destination
 *	Unreachable or Fragmentation Needed: tcplab sends none).
 */

static void
ForwardDrop(
    tl_host *h,
    const tl_iphdr *ip,
    const uint8_t *iph,
    uint64_t *counter,
    const char *why)
{
    tl_tcphdr th;

    ++*counter;
    if (!*h->tcp.events) {
	return;
    }
    tcp_drop_event(h, NULL, ip, ip->proto == IPPROTO_TCP_ && tcp_parse(
	    iph + ip->hlen, ip->len - ip->hlen, ip->src, ip->dst, &th, 0)
	    == WIRE_OK ? &th : NULL, EV_DROP, why);
}

/* Forwards a datagram that is not ours (RFC 1812 in miniature). */
static void
Forward(
    tl_host *h,
    const tl_iphdr *ip,
    const uint8_t *iph,
    uint32_t gso)
{
    uint32_t iplen = ip->len;
    tl_pkt *q;
    tl_addr nh;
    tl_iface *ifc;

    if (ip->ttl <= 1) {
	/* RFC 1812 5.3.1: a TTL of 1 or 0 is not forwarded. */
	ForwardDrop(h, ip, iph, &h->stats.ip_ttl_exceeded, "TTL exceeded");
	return;
    }
    if ((ifc = host_route(h, ip->dst, &nh)) == NULL) {
	ForwardDrop(h, ip, iph, &h->stats.ip_noroute, "no route");
	return;
    }
    if (iplen > ifc->mtu && !ifc->link->tso) {
	/* A segment that stands for several (gso) is cut up into segments
	 * of its size, if they fit the link's MTU; nothing else too large
	 * goes on (no fragmentation here). */
	uint32_t ihl = ip->hlen;

	if (!gso || ip->proto != IPPROTO_TCP_ || ihl + TCP_HDRLEN > iplen
		|| ihl + tcp_hdrlen(iph + ihl) + gso > ifc->mtu) {
	    char why[80];

	    snprintf(why, sizeof(why), "%u bytes for the MTU %u of %s, "
		    "not fragmented", iplen, ifc->mtu, ifc->link->name);
	    ForwardDrop(h, ip, iph, &h->stats.ip_too_big, why);
	    return;
	}
    }
    if (h->qdisc_drop) {
	ForwardDrop(h, ip, iph, &h->stats.ip_qdisc_drop,
		"refused by the device queue");
	return;
    }
    q = host_pkt_alloc(h, iplen);
    q->gso = gso;
    memcpy(q->data, iph, iplen);
    ip_dec_ttl(q->data);
    host_link_send(h, ifc, nh, q);
}

/*
 * IpInput --
 *	Checks an IPv4 datagram and hands its payload to its protocol, or
 *	forwards it when it is not ours. looped: it came through our own
 *	loopback (127/8 is ours only there); trust: its checksums are known
 *	to be right (not verified); unwritten: payload a trusted
 *	sender left unwritten (len 0 when none), for TCP to have written if
 *	it reads it.
 */

static void
IpInput(
    tl_host *h,
    const uint8_t *d,
    uint32_t len,
    uint32_t gso,
    int looped,
    int trust,
    tl_unwritten *unwritten)
{
    tl_iphdr ip;
    wire_err err;

    h->stats.ip_in++;
    err = ip_parse(d, len, &ip, !trust);
    ip.trusted = (uint8_t) trust;
    ip.unwritten = unwritten->len ? unwritten : NULL;
    if (err != WIRE_OK) {
	h->stats.ip_bad[err]++;
	return;
    }
    if (!looped && ((ip.src >> 24) == 127 || (ip.dst >> 24) == 127)) {
	/* 127/8 "MUST NOT appear outside a host" (RFC 1122 3.2.1.3): not
	 * taken, not forwarded (RFC 1812 5.3.7). */
	h->stats.ip_notme++;
	return;
    }
    if (!(looped ? host_is_self(h, ip.dst) : host_has_addr(h, ip.dst))) {
	if (h->forwarding && !looped) {
	    Forward(h, &ip, d, gso);
	} else {
	    h->stats.ip_notme++;
	}
	return;
    }
    if (ip.proto == IPPROTO_TCP_) {
	tcp_input(h, &ip, d + ip.hlen, ip.len - ip.hlen);
    } else if (ip.proto == IPPROTO_ICMP_) {
	icmp_input(h, &ip, d + ip.hlen, ip.len - ip.hlen);
    }
}

/*
 * host_input --
 *	A frame arrives on ifc: strip the link header, check the IPv4 header
 *	and hand the payload to its protocol. Malformed datagrams are counted
 *	and dropped. Frees the frame.
 */

void
host_input(
    tl_iface *ifc,
    tl_pkt *p)
{
    tl_host *h = ifc->host;
    const uint8_t *d = p->data;
    uint32_t len = p->len;
    int trust;

    if (ifc->arp && len >= ETH_HDRLEN) {
	/* A real Ethernet: only frames for us, and ARP. */
	if (!arp_for_us(ifc, d)) {
	    goto done;
	}
	if (eth_type(d) == ETHERTYPE_ARP) {
	    arp_input(ifc, d + ETH_HDRLEN, len - ETH_HDRLEN);
	    goto done;
	}
	if (eth_type(d) != ETHERTYPE_IP) {
	    goto done;		/* IPv6 and the rest: not spoken here. */
	}
    }
    if (link_is_ether(ifc->link)) {
	if (len < ETH_HDRLEN || eth_type(d) != ETHERTYPE_IP) {
	    h->stats.ip_bad[WIRE_SHORT]++;
	    goto done;
	}
	d += ETH_HDRLEN;
	len -= ETH_HDRLEN;
    }
    trust = (p->built && h->tun.cksum_trust) || p->verified;
    if (p->csum_ip && !(trust
	    && host_has_addr(h, ip_dst(p->buf + p->csum_ip)))) {
	pkt_finish(p);		/* Checked, or forwarded. */
    }
    IpInput(h, d, len, p->gso, 0, trust, &p->unwritten);
  done:
    pkt_free(h->net, p);
}

/*
 * host_loop_input --
 *	A datagram the host sent to itself arrives through its loopback.
 *	Frees the frame.
 */

void
host_loop_input(
    tl_host *h,
    tl_pkt *p)
{
    if (h->up && p->lo_crashes == h->crashes) {
	int trust = p->built && h->tun.cksum_trust;

	if (!trust) {
	    pkt_finish(p);
	}
	IpInput(h, p->data, p->len, p->gso, 1, trust, &p->unwritten);
    }
    pkt_free(h->net, p);
}

/*
 * host_crash --
 *	The host stops: every TCB and listener is lost without a segment sent,
 *	and frames for it are dropped until it boots.
 */

void
host_crash(
    tl_host *h)
{
    tl_tcb *tp, *next;

    /* Down first: a crash sends nothing, and what it was sending itself
     * through the loopback is lost. */
    h->up = 0;
    h->crashes++;
    while (h->listeners) {
	/* Embryonic and queued connections vanish with the listener. */
	tcp_listener_close(h->listeners);
    }
    tcp_tw_materialize(h);
    for (tp = h->tcbs; tp; tp = next) {
	next = tp->next;
	if (tp->state != TCPS_CLOSED) {
	    tp->so_error = 0;
	    tcp_close(tp);	/* Frees it unless a script holds it. */
	}
    }
    tcp_fastopen_flush(h);	/* Linux's tcp_metrics were in memory. */
}

/* Starts the built-in services (apps.c, as inetd at boot). */
void
host_start_services(
    tl_host *h)
{
    app_start_services(h);
}

/* Sets how long the host has been up, keeping the quiet time. */
void
host_set_uptime(
    tl_host *h,
    tl_time up)
{
    h->booted = net_now(h->net) - up;
}

void
host_boot(
    tl_host *h)
{
    h->up = 1;
    h->booted = net_now(h->net);
    h->quiet_until = tl_time_add(h->booted, (tl_time) h->tun.quiet_time * TL_MS);
    h->iss_count = 0;
    h->isn_next_set = 0;
    host_start_services(h);
}

/*
 * host_inject --
 *	Puts a crafted TCP segment on the wire from h, bypassing its TCP: for
 *	stray RSTs, SYNs and ACKs into any state.
 */

int
host_inject(
    tl_host *h,
    tl_addr src,
    tl_addr dst,
    const tl_tcphdr *th,
    const uint8_t *opts,
    size_t optlen)
{
    uint32_t hl = TCP_HDRLEN + (uint32_t) ((optlen + 3) & ~(size_t) 3);
    uint32_t iplen = IP_HDRLEN + hl + th->datalen;
    tl_pkt *p;

    if (optlen > TCP_MAXOPTLEN || iplen > 65535) {
	return -1;
    }
    p = host_pkt_alloc(h, iplen);
    if (th->datalen) {
	memcpy(p->data + IP_HDRLEN + hl, th->data, th->datalen);
    }
    tcp_build(p->data + IP_HDRLEN, th, opts, optlen, th->datalen, src, dst);
    return host_ip_output(h, src, dst, IPPROTO_TCP_, 0, p, iplen);
}
