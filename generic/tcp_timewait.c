/*
 * tcp_timewait.c --
 *
 *	Compact TIME_WAIT connections, as Linux's inet_twsk_alloc() and
 *	tcp_time_wait() keep a struct tcp_timewait_sock in the established
 *	hash when the socket itself goes: a connection in TIME_WAIT that no
 *	user holds any more (no script handle; a built-in service's) gives
 *	up its TCB for a tl_twrec (tcp.h) holding the 4-tuple, the sequence
 *	numbers, the windows, the timestamps, the ECN state (an ACK may owe
 *	ECE) and the 2MSL timer, kept in a table of its own by 4-tuple and
 *	by local port.
 *
 *	The record runs nothing itself. Whatever TIME_WAIT does (a
 *	retransmitted FIN answered and 2MSL restarted, RFC 1337, a SYN
 *	taking the 4-tuple over, RST and challenge ACKs, tcp_tw_reuse) is
 *	the TCB's code in tcp_input.c and tcp_user.c: a segment for the
 *	record rebuilds the TCB (tcp_lookup()), the segment is processed as
 *	before, and the connection, if still in TIME_WAIT and unheld, is made
 *	compact again (tcp_tw_settle()). The rebuilt TCB keeps the
 *	connection's number, and its timer keeps its place among the events
 *	of its instant, so traces do not change. What a TIME_WAIT connection
 *	never uses (congestion state, RTT estimates, counters, the state
 *	history) is not kept: a handle made later for the connection
 *	($host connections) sees them as a new TCB has them.
 *
 *	Memory: a record holds the 4-tuple, its number, snd_nxt, iss,
 *	rcv_nxt, irs, the peer's timestamp, when a segment last came and its
 *	timer's place; the rest (windows, MSS, options, flags, the other
 *	sequence numbers as offsets) is a shape shared by every record with
 *	the same values (counted references, in a hash of its own). Records
 *	live on slab pages (slab.h). Their 2MSL timers are one event on the
 *	host's clock, for the earliest of them, in a heap of the table's own
 *	ordered as the clock orders events (time, then place): each record
 *	keeps the time and place its TCB's timer had, so the records expire
 *	where their TCBs' timers would have, among the same events.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "tcp.h"

struct tl_twshape {
    tl_twshape *next;		/* In the table's shape chain. */
    uint32_t refs, hash;
    /* The values (compared and hashed from here on; zeroed first, so that
     * padding compares too). */
    const tl_app *app;
    tl_time last_oow_ack;
    uint32_t flags;
    uint32_t snd_up, rcv_up;
    uint32_t snd_wnd, max_sndwnd, rcv_wnd, rcv_wnd_clamp, rcvcap, sndcap;
    /* snd_wl2 - snd_nxt; snd_wl1, rcv_adv, last_ack_sent - rcv_nxt. */
    uint32_t d_snd_wl2, d_snd_wl1, d_rcv_adv, d_last_ack_sent;
    uint16_t mss, mss_offer, peer_mss;
    uint8_t snd_wscale, rcv_wscale, cc, reuseaddr, ecn;
};

#define SHAPE_VALUES	offsetof(tl_twshape, app)

static void	TwExpire(void *arg, tl_event *ev);

/* An idle event calling TwExpire(h) (as clock.c's event_init() makes it:
 * TCP does not link with the clock). */
static void
EventIdle(
    tl_event *ev,
    tl_host *h)
{
    ev->when = 0;
    ev->order = 0;
    ev->idx = -1;
    ev->fn = TwExpire;
    ev->arg = h;
}

struct tl_twtab {
    size_t mask;		/* Tuple buckets - 1 (a power of two; the
				 * port chains have half as many). */
    size_t count;		/* Records held. */
    tl_twrec **tuple;		/* Chained through hnext. */
    tl_twrec **port;		/* Chained through pnext. */
    tl_twshape **shapes;	/* Shapes by hash, smask + 1 chains. */
    size_t smask, nshapes;
    tl_twrec **heap;		/* The records by (when, order). */
    size_t heapcap;
    tl_event ev;		/* For heap[0], at its time and place. */
};

/* The table goes when it holds nothing (its event idle). */
static void
TwTableFree(
    tl_host *h)
{
    struct tl_twtab *t = h->twtab;

    free(t->tuple);
    free(t->port);
    free(t->shapes);
    free(t->heap);
    free(t);
    h->twtab = NULL;
}

/* Gives the table n tuple buckets and n / 2 port buckets, rehashing what
 * it holds; 0 if no memory. The table holds up to 2 records a tuple
 * bucket (4 a port bucket): short chains, and no more than 8 bytes of
 * buckets a record. */
static int
TwResize(
    tl_host *h,
    size_t n)
{
    struct tl_twtab *t = h->twtab;
    tl_twrec **tuple = calloc(n, sizeof(*tuple)), **port;
    size_t i;

    port = calloc(n / 2, sizeof(*port));
    if (tuple == NULL || port == NULL) {
	free(tuple);
	free(port);
	return 0;
    }
    if (t == NULL) {
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
	    free(tuple);
	    free(port);
	    return 0;
	}
	EventIdle(&t->ev, h);
	h->twtab = t;
    } else {
	for (i = 0; i <= t->mask; i++) {
	    tl_twrec *r, *next;

	    for (r = t->tuple[i]; r; r = next) {
		size_t j = tcp_tuple_hash(r->laddr, r->lport, r->raddr, r->rport)
			& (n - 1);

		next = r->hnext;
		r->hnext = tuple[j];
		tuple[j] = r;
	    }
	}
	for (i = 0; i <= t->mask / 2; i++) {
	    tl_twrec *r, *next;

	    for (r = t->port[i]; r; r = next) {
		size_t j = tcp_port_hash(r->lport) & (n / 2 - 1);

		next = r->pnext;
		r->pnext = port[j];
		port[j] = r;
	    }
	}
	free(t->tuple);
	free(t->port);
    }
    t->tuple = tuple;
    t->port = port;
    t->mask = n - 1;
    return 1;
}

static int
TwLink(
    tl_host *h,
    tl_twrec *r)
{
    struct tl_twtab *t;
    size_t i, j;

    if (h->twtab == NULL) {
	if (!TwResize(h, 64)) {
	    return 0;
	}
    } else if (h->twtab->count >= 2 * (h->twtab->mask + 1)) {
	/* Without memory for a larger table the chains just grow. */
	(void) TwResize(h, 2 * (h->twtab->mask + 1));
    }
    t = h->twtab;
    if (t->count == t->heapcap) {
	size_t cap = t->heapcap ? 2 * t->heapcap : 64;
	tl_twrec **v = realloc(t->heap, cap * sizeof(*v));

	if (v == NULL) {
	    if (t->count == 0 && t->nshapes == 0) {
		TwTableFree(h);
	    }
	    return 0;
	}
	t->heap = v;
	t->heapcap = cap;
    }
    i = tcp_tuple_hash(r->laddr, r->lport, r->raddr, r->rport) & t->mask;
    j = tcp_port_hash(r->lport) & (t->mask / 2);
    r->hnext = t->tuple[i];
    t->tuple[i] = r;
    r->pnext = t->port[j];
    t->port[j] = r;
    t->count++;
    return 1;
}

/* Takes r out of both chains (a walk of one chain each: O(1) on average,
 * the table holding at most two records a bucket); the table goes with
 * the last record. r must be out of the heap already. */
static void
TwUnlink(
    tl_host *h,
    tl_twrec *r)
{
    struct tl_twtab *t = h->twtab;
    tl_twrec **pp;

    for (pp = &t->tuple[tcp_tuple_hash(r->laddr, r->lport, r->raddr, r->rport)
	    & t->mask]; *pp != r; pp = &(*pp)->hnext) {
    }
    *pp = r->hnext;
    for (pp = &t->port[tcp_port_hash(r->lport) & (t->mask / 2)]; *pp != r;
	    pp = &(*pp)->pnext) {
    }
    *pp = r->pnext;
    if (--t->count == 0 && t->nshapes == 0) {
	TwTableFree(h);
    }
}

/* Shapes. */

static uint32_t
ShapeHash(
    const tl_twshape *s)
{
    const uint8_t *p = (const uint8_t *) s + SHAPE_VALUES;
    size_t i, n = sizeof(*s) - SHAPE_VALUES;
    uint64_t z = 0xcbf29ce484222325ull;

    for (i = 0; i < n; i++) {
	z = (z ^ p[i]) * 0x100000001b3ull;
    }
    return (uint32_t) (z ^ (z >> 32));
}

/* The table's shape equal to *want, with one more reference (made if
 * none is); NULL if no memory. */
static const tl_twshape *
ShapeGet(
    struct tl_twtab *t,
    const tl_twshape *want)
{
    uint32_t hash = ShapeHash(want);
    tl_twshape *s;

    if (t->shapes == NULL || t->nshapes >= 2 * (t->smask + 1)) {
	size_t n = t->shapes ? 2 * (t->smask + 1) : 16, i;
	tl_twshape **v = calloc(n, sizeof(*v));

	if (v == NULL && t->shapes == NULL) {
	    return NULL;
	}
	if (v) {
	    for (i = 0; t->shapes && i <= t->smask; i++) {
		tl_twshape *next;

		for (s = t->shapes[i]; s; s = next) {
		    next = s->next;
		    s->next = v[s->hash & (n - 1)];
		    v[s->hash & (n - 1)] = s;
		}
	    }
	    free(t->shapes);
	    t->shapes = v;
	    t->smask = n - 1;
	}
    }
    for (s = t->shapes[hash & t->smask]; s; s = s->next) {
	if (s->hash == hash && memcmp((const uint8_t *) s + SHAPE_VALUES,
		(const uint8_t *) want + SHAPE_VALUES,
		sizeof(*s) - SHAPE_VALUES) == 0) {
	    s->refs++;
	    return s;
	}
    }
    s = malloc(sizeof(*s));
    if (s == NULL) {
	return NULL;
    }
    memcpy(s, want, sizeof(*s));
    s->refs = 1;
    s->hash = hash;
    s->next = t->shapes[hash & t->smask];
    t->shapes[hash & t->smask] = s;
    t->nshapes++;
    return s;
}

static void
ShapePut(
    tl_host *h,
    const tl_twshape *cs)
{
    struct tl_twtab *t = h->twtab;
    tl_twshape *s = (tl_twshape *) cs, **pp;

    if (--s->refs > 0) {
	return;
    }
    for (pp = &t->shapes[s->hash & t->smask]; *pp != s; pp = &(*pp)->next) {
    }
    *pp = s->next;
    free(s);
    if (--t->nshapes == 0 && t->count == 0) {
	TwTableFree(h);
    }
}

/* The timers: a binary heap of the records by (when, order), the clock's
 * own order, and the table's event for the first. */

static int
Earlier(
    const tl_twrec *a,
    const tl_twrec *b)
{
    return a->when < b->when || (a->when == b->when && a->order < b->order);
}

static void
HeapPlace(
    struct tl_twtab *t,
    tl_twrec *r,
    size_t i)
{
    t->heap[i] = r;
    r->heapidx = (uint32_t) i;
}

static void
HeapSift(
    struct tl_twtab *t,
    size_t i,
    size_t n)
{
    tl_twrec *r = t->heap[i];

    while (i > 0 && Earlier(r, t->heap[(i - 1) / 2])) {
	HeapPlace(t, t->heap[(i - 1) / 2], i);
	i = (i - 1) / 2;
    }
    for (;;) {
	size_t c = 2 * i + 1;

	if (c >= n) {
	    break;
	}
	if (c + 1 < n && Earlier(t->heap[c + 1], t->heap[c])) {
	    c++;
	}
	if (!Earlier(t->heap[c], r)) {
	    break;
	}
	HeapPlace(t, t->heap[c], i);
	i = c;
    }
    HeapPlace(t, r, i);
}

/* The table's event follows the first record's time and place. */
static void
TimerFollow(
    tl_host *h,
    tl_twrec *first0)
{
    struct tl_twtab *t = h->twtab;
    const tl_tcp_ops *ops = h->tcp.ops;
    size_t n = t->count;

    if (n && t->heap[0] == first0 && event_pending(&t->ev)) {
	return;
    }
    if (event_pending(&t->ev)) {
	ops->event_cancel(h->tcp.ctx, &t->ev);
    }
    if (n) {
	t->ev.when = t->heap[0]->when;
	t->ev.order = t->heap[0]->order;
	ops->event_queue(h->tcp.ctx, &t->ev);
    }
}

/* r, counted in t->count already, joins the heap (its last place is
 * count - 1). */
static void
HeapAdd(
    tl_host *h,
    tl_twrec *r)
{
    struct tl_twtab *t = h->twtab;
    tl_twrec *first0 = t->count > 1 ? t->heap[0] : NULL;

    t->heap[t->count - 1] = r;
    r->heapidx = (uint32_t) (t->count - 1);
    HeapSift(t, t->count - 1, t->count);
    TimerFollow(h, first0);
}

/* r leaves the heap, before TwUnlink counts it out. */
static void
HeapRemove(
    tl_host *h,
    tl_twrec *r)
{
    struct tl_twtab *t = h->twtab;
    size_t i = r->heapidx, n = t->count - 1;
    tl_twrec *first0 = t->heap[0], *last = t->heap[n];

    if (i != n) {
	HeapPlace(t, last, i);
	HeapSift(t, i, n);
    }
    t->count--;			/* (For TimerFollow; put back below.) */
    TimerFollow(h, first0 == r ? NULL : first0);
    t->count++;
}

static int
CcIndex(
    const tl_cc_ops *cc)
{
    int i;

    for (i = 0; i < CC_NMODULES; i++) {
	if (tcp_cc_modules[i] == cc) {
	    return i;
	}
    }
    return 0;
}

/*
 * Rebuild --
 *	The TCB of a record, in the TCB hash but not yet in host->tcbs
 *	(TF_TWREC); the record goes. With pending, the record's timer, still
 *	in the heap, becomes the TCB's 2MSL timer in the same place.
 */

static tl_tcb *
Rebuild(
    tl_host *h,
    tl_twrec *r,
    int pending)
{
    tl_tcb *tp = tcp_newtcb_as(h, r->id, 0);
    const tl_twshape *s = r->shape;

    if (tp == NULL) {
	abort();		/* As for a frame (pkt_alloc()). */
    }
    tcp_set_tuple(tp, r->laddr, r->lport, r->raddr, r->rport);
    tp->state = TCPS_TIME_WAIT;
    tp->flags = (int) s->flags | TF_TWREC;
    tp->app = s->app;
    tp->last_rcv = r->last_rcv;
    tcp_xw(tp)->last_oow_ack = s->last_oow_ack;
    tp->iss = r->iss;
    tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_sml = r->snd_nxt;
    tp->snd_up = s->snd_up;
    tp->snd_buf_seq = r->snd_nxt;
    tp->snd_wnd = s->snd_wnd;
    tp->snd_wl1 = r->rcv_nxt + s->d_snd_wl1;
    tp->snd_wl2 = r->snd_nxt + s->d_snd_wl2;
    tp->max_sndwnd = s->max_sndwnd;
    tp->irs = r->irs;
    tp->rcv_nxt = r->rcv_nxt;
    tp->rcv_up = s->rcv_up;
    tp->rcv_adv = r->rcv_nxt + s->d_rcv_adv;
    tp->rcv_wnd = s->rcv_wnd;
    tp->rcv_wnd_clamp = s->rcv_wnd_clamp;
    tp->last_ack_sent = r->rcv_nxt + s->d_last_ack_sent;
    tp->ts_recent = r->ts_recent;
    tp->sndbuf.cap = s->sndcap;
    tp->rcvbuf.cap = s->rcvcap;
    tp->mss = s->mss;
    tp->mss_offer = s->mss_offer;
    tp->peer_mss = s->peer_mss;
    tp->snd_wscale = s->snd_wscale;
    tp->rcv_wscale = s->rcv_wscale;
    tp->reuseaddr = s->reuseaddr;
    tp->ecn = s->ecn;
    tp->cc = tcp_cc_modules[s->cc];
    tp->got_data = 1;
    if (pending) {
	/* The TCB's timer takes the record's time and place: an event
	 * queued there for the moment, handed over. */
	const tl_tcp_ops *ops = h->tcp.ops;
	tl_event ev;

	HeapRemove(h, r);
	EventIdle(&ev, h);
	ev.when = r->when;
	ev.order = r->order;
	ops->event_queue(h->tcp.ctx, &ev);
	tp->timer_at[TT_2MSL] = r->when;
	ops->timer_unpark(h->tcp.ctx, &ev, tp, TT_2MSL);
    }
    ShapePut(h, s);
    TwUnlink(h, r);
    slab_free(&h->twslab, r);
    return tp;
}

/* The table's timer: the first record's 2MSL timer fires, and the
 * connection ends. Only when someone watches TCP's events is the TCB
 * rebuilt to end as a TCB does (the timer and state events); otherwise
 * the record just goes. */
static void
TwExpire(
    void *arg,
    tl_event *ev)
{
    tl_host *h = arg;
    struct tl_twtab *t = h->twtab;
    tl_twrec *r = t->heap[0];

    (void) ev;
    HeapRemove(h, r);
    if (*h->tcp.events) {
	tl_tcb *tp = Rebuild(h, r, 0);

	tp->timer_at[TT_2MSL] = tcp_now(h);
	tcp_timer_expire(tp, TT_2MSL);
	return;
    }
    ShapePut(h, r->shape);
    TwUnlink(h, r);
    slab_free(&h->twslab, r);
}

/* Whether tp may become a record: TIME_WAIT, unheld, with nothing queued
 * or due but its 2MSL timer. */
static int
Compactable(
    const tl_tcb *tp)
{
    const tl_host *h = tp->host;
    int i;

    if (tp->state != TCPS_TIME_WAIT || tp->user || tp->x->listener
	    || tp->id > UINT32_MAX || h->tcp.ops->timer_park == NULL
	    || h->tcp.ops->event_queue == NULL || tp->app_pending
	    || tp->cork_pending || tp->sndbuf.len || tp->rcvbuf.len
	    || tp->x->reass || tp->x->pend || tp->so_error
	    || tp->snd_una != tp->snd_nxt || tp->snd_nxt != tp->snd_max
	    || (tp->flags & (TF_ACKNOW | TF_DELACK | TF_URG_SEND | TF_URG_PEND
		| TF_URG_HAVE))
	    || !tcp_timer_pending(tp, TT_2MSL)) {
	return 0;
    }
    for (i = 0; i < TT_NTIMERS; i++) {
	if (i != TT_2MSL && tcp_timer_pending(tp, (tl_timerid) i)) {
	    return 0;
	}
    }
    return 1;
}

/*
 * tcp_tw_compact --
 *	Replaces tp by a record if it may be (Compactable()). Returns 1 when
 *	it did: tp is freed.
 */

int
tcp_tw_compact(
    tl_tcb *tp)
{
    tl_host *h = tp->host;
    const tl_tcp_ops *ops = h->tcp.ops;
    tl_twshape want;
    tl_twrec *r;
    tl_event ev;

    if (!Compactable(tp)) {
	return 0;
    }
    if (h->twslab.size == 0) {
	slab_init(&h->twslab, sizeof(tl_twrec));
    }
    if ((r = slab_alloc(&h->twslab)) == NULL) {
	return 0;
    }
    memset(r, 0, sizeof(*r));
    r->id = (uint32_t) tp->id;
    r->last_rcv = tp->last_rcv;
    r->laddr = tp->laddr;
    r->raddr = tp->raddr;
    r->lport = tp->lport;
    r->rport = tp->rport;
    r->snd_nxt = tp->snd_nxt;
    r->iss = tp->iss;
    r->rcv_nxt = tp->rcv_nxt;
    r->irs = tp->irs;
    r->ts_recent = tp->ts_recent;
    memset(&want, 0, sizeof(want));
    want.app = tp->app;
    want.last_oow_ack = tp->x->last_oow_ack;
    want.flags = (uint32_t) tp->flags & ~(uint32_t) TF_TWREC;
    want.snd_up = tp->snd_up;
    want.rcv_up = tp->rcv_up;
    want.snd_wnd = tp->snd_wnd;
    want.max_sndwnd = tp->max_sndwnd;
    want.rcv_wnd = tp->rcv_wnd;
    want.rcv_wnd_clamp = tp->rcv_wnd_clamp;
    want.rcvcap = tp->rcvbuf.cap;
    want.sndcap = tp->sndbuf.cap;
    want.d_snd_wl2 = tp->snd_wl2 - tp->snd_nxt;
    want.d_snd_wl1 = tp->snd_wl1 - tp->rcv_nxt;
    want.d_rcv_adv = tp->rcv_adv - tp->rcv_nxt;
    want.d_last_ack_sent = tp->last_ack_sent - tp->rcv_nxt;
    want.mss = tp->mss;
    want.mss_offer = tp->mss_offer;
    want.peer_mss = tp->peer_mss;
    want.snd_wscale = tp->snd_wscale;
    want.rcv_wscale = tp->rcv_wscale;
    want.cc = (uint8_t) CcIndex(tp->cc);
    want.reuseaddr = (uint8_t) tp->reuseaddr;
    want.ecn = (uint8_t) tp->ecn;
    if (!TwLink(h, r)) {
	slab_free(&h->twslab, r);
	return 0;
    }
    if ((r->shape = ShapeGet(h->twtab, &want)) == NULL) {
	TwUnlink(h, r);
	slab_free(&h->twslab, r);
	return 0;
    }
    /* The record takes the timer's time and place: parked on an event
     * for the moment, which the table's heap then stands for. */
    ops->timer_park(h->tcp.ctx, tp, TT_2MSL, &ev, TwExpire, h);
    r->when = ev.when;
    r->order = ev.order;
    ops->event_cancel(h->tcp.ctx, &ev);
    HeapAdd(h, r);
    tp->timer_at[TT_2MSL] = TL_NEVER;
    tcp_free(tp);		/* Nothing pending: no events. */
    return 1;
}

/* After an event that may have left tp in TIME_WAIT unheld: compact it,
 * or, rebuilt and kept, put it in host->tcbs. */
void
tcp_tw_settle(
    tl_tcb *tp)
{
    if (!tcp_tw_compact(tp) && (tp->flags & TF_TWREC)) {
	tcp_list_insert(tp, NULL);
    }
}

/* The TCB of the record for this 4-tuple, rebuilt (TF_TWREC), or NULL. */
tl_tcb *
tcp_tw_lookup(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    struct tl_twtab *t = h->twtab;
    tl_twrec *r;

    if (t == NULL) {
	return NULL;
    }
    for (r = t->tuple[tcp_tuple_hash(laddr, lport, raddr, rport) & t->mask]; r;
	    r = r->hnext) {
	if (r->lport == lport && r->rport == rport && r->laddr == laddr
		&& r->raddr == raddr) {
	    return Rebuild(h, r, 1);
	}
    }
    return NULL;
}

/* Whether a record holds laddr.lport (laddr 0: any address). */
int
tcp_tw_port_in_use(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport)
{
    struct tl_twtab *t = h->twtab;
    tl_twrec *r;

    if (t == NULL) {
	return 0;
    }
    for (r = t->port[tcp_port_hash(lport) & (t->mask / 2)]; r; r = r->pnext) {
	if (r->lport == lport && (laddr == 0 || r->laddr == laddr)) {
	    return 1;
	}
    }
    return 0;
}

size_t
tcp_tw_count(
    const tl_host *h)
{
    return h->twtab ? h->twtab->count : 0;
}

static int
ByIdDown(
    const void *a,
    const void *b)
{
    uint64_t x = (*(tl_twrec *const *) a)->id;
    uint64_t y = (*(tl_twrec *const *) b)->id;

    return x < y ? 1 : x > y ? -1 : 0;
}

/* The host's records, newest connection first (as host->tcbs runs), in
 * an array to free; NULL when there are none. */
tl_twrec **
tcp_tw_list(
    tl_host *h,
    size_t *nPtr)
{
    struct tl_twtab *t = h->twtab;
    tl_twrec **v, *r;
    size_t i, n = 0;

    *nPtr = 0;
    if (t == NULL || (v = malloc(t->count * sizeof(*v))) == NULL) {
	return NULL;
    }
    for (i = 0; i <= t->mask; i++) {
	for (r = t->tuple[i]; r; r = r->hnext) {
	    v[n++] = r;
	}
    }
    qsort(v, n, sizeof(*v), ByIdDown);
    *nPtr = n;
    return v;
}

/*
 * tcp_tw_materialize --
 *	Rebuilds every record of the host as a TCB in host->tcbs, where its
 *	number places it, in one walk of the list: for what must see every
 *	connection as a TCB (a handle for each, a crash, the host's end).
 */

void
tcp_tw_materialize(
    tl_host *h)
{
    size_t n, i;
    tl_twrec **v = tcp_tw_list(h, &n);
    tl_tcb *prev = NULL;

    for (i = 0; i < n; i++) {
	tl_tcb *tp = Rebuild(h, v[i], 1);

	/* The records come newest first: each goes after the last. */
	tcp_list_insert(tp, prev);
	prev = tp;
    }
    free(v);
}
