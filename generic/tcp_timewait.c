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
 */

#include <stdlib.h>
#include <string.h>
#include "tcp.h"

struct tl_twtab {
    size_t mask;		/* Buckets - 1 (a power of two). */
    size_t count;		/* Records held. */
    tl_twrec **tuple;		/* Chained through hnext. */
    tl_twrec **port;		/* Chained through pnext. */
};

/* Gives the table 2^k buckets, rehashing what it holds; 0 if no memory. */
static int
TwResize(
    tl_host *h,
    size_t n)
{
    struct tl_twtab *t = h->twtab;
    tl_twrec **tuple = calloc(n, sizeof(*tuple)), **port;
    size_t i;

    port = calloc(n, sizeof(*port));
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
	    for (r = t->port[i]; r; r = next) {
		size_t j = tcp_port_hash(r->lport) & (n - 1);

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
    } else if (h->twtab->count >= h->twtab->mask + 1) {
	/* Without memory for a larger table the chains just grow. */
	(void) TwResize(h, 2 * (h->twtab->mask + 1));
    }
    t = h->twtab;
    i = tcp_tuple_hash(r->laddr, r->lport, r->raddr, r->rport) & t->mask;
    j = tcp_port_hash(r->lport) & t->mask;
    r->hnext = t->tuple[i];
    t->tuple[i] = r;
    r->pnext = t->port[j];
    t->port[j] = r;
    t->count++;
    return 1;
}

/* Takes r out of both chains (a walk of one chain each: O(1) on average,
 * the table holding no more records than buckets); the table goes with
 * the last record. */
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
    for (pp = &t->port[tcp_port_hash(r->lport) & t->mask]; *pp != r;
	    pp = &(*pp)->pnext) {
    }
    *pp = r->pnext;
    if (--t->count == 0) {
	free(t->tuple);
	free(t->port);
	free(t);
	h->twtab = NULL;
    }
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
 *	queued, becomes the TCB's 2MSL timer in the same place.
 */

static tl_tcb *
Rebuild(
    tl_host *h,
    tl_twrec *r,
    int pending)
{
    tl_tcb *tp = tcp_newtcb_as(h, r->id, 0);

    if (tp == NULL) {
	abort();		/* As for a frame (pkt_alloc()). */
    }
    tcp_set_tuple(tp, r->laddr, r->lport, r->raddr, r->rport);
    tp->state = TCPS_TIME_WAIT;
    tp->flags = (int) r->flags | TF_TWREC;
    tp->app = r->app;
    tp->last_rcv = r->last_rcv;
    tp->last_oow_ack = r->last_oow_ack;
    tp->iss = r->iss;
    tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_sml = r->snd_nxt;
    tp->snd_up = r->snd_up;
    tp->snd_buf_seq = r->snd_nxt;
    tp->snd_wnd = r->snd_wnd;
    tp->snd_wl1 = r->snd_wl1;
    tp->snd_wl2 = r->snd_wl2;
    tp->max_sndwnd = r->max_sndwnd;
    tp->irs = r->irs;
    tp->rcv_nxt = r->rcv_nxt;
    tp->rcv_up = r->rcv_up;
    tp->rcv_adv = r->rcv_adv;
    tp->rcv_wnd = r->rcv_wnd;
    tp->rcv_wnd_clamp = r->rcv_wnd_clamp;
    tp->last_ack_sent = r->last_ack_sent;
    tp->ts_recent = r->ts_recent;
    tp->sndbuf.cap = r->sndcap;
    tp->rcvbuf.cap = r->rcvcap;
    tp->mss = r->mss;
    tp->mss_offer = r->mss_offer;
    tp->peer_mss = r->peer_mss;
    tp->snd_wscale = r->snd_wscale;
    tp->rcv_wscale = r->rcv_wscale;
    tp->reuseaddr = r->reuseaddr;
    tp->ecn = r->ecn;
    tp->cc = tcp_cc_modules[r->cc];
    tp->got_data = 1;
    if (pending) {
	tp->timer_at[TT_2MSL] = r->ev.when;
	h->tcp.ops->timer_unpark(h->tcp.ctx, &r->ev, tp, TT_2MSL);
    }
    TwUnlink(h, r);
    free(r);
    return tp;
}

/* The 2MSL timer of a record: the connection ends. Only when someone
 * watches TCP's events is the TCB rebuilt to end as a TCB does (the timer
 * and state events); otherwise the record just goes. */
static void
TwExpire(
    void *arg,
    tl_event *ev)
{
    tl_host *h = arg;
    tl_twrec *r = (tl_twrec *) (void *) ev;	/* Its first member. */

    if (*h->tcp.events) {
	tl_tcb *tp = Rebuild(h, r, 0);

	tp->timer_at[TT_2MSL] = tcp_now(h);
	tcp_timer_expire(tp, TT_2MSL);
	return;
    }
    TwUnlink(h, r);
    free(r);
}

/* Whether tp may become a record: TIME_WAIT, unheld, with nothing queued
 * or due but its 2MSL timer. */
static int
Compactable(
    const tl_tcb *tp)
{
    const tl_host *h = tp->host;
    int i;

    if (tp->state != TCPS_TIME_WAIT || tp->user || tp->listener
	    || h->tcp.ops->timer_park == NULL || tp->app_pending
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
    tl_twrec *r;

    if (!Compactable(tp) || (r = calloc(1, sizeof(*r))) == NULL) {
	return 0;
    }
    r->app = tp->app;
    r->id = tp->id;
    r->last_rcv = tp->last_rcv;
    r->last_oow_ack = tp->last_oow_ack;
    r->laddr = tp->laddr;
    r->raddr = tp->raddr;
    r->lport = tp->lport;
    r->rport = tp->rport;
    r->flags = (uint32_t) tp->flags & ~(uint32_t) TF_TWREC;
    r->snd_nxt = tp->snd_nxt;
    r->snd_up = tp->snd_up;
    r->rcv_up = tp->rcv_up;
    r->snd_wnd = tp->snd_wnd;
    r->snd_wl1 = tp->snd_wl1;
    r->snd_wl2 = tp->snd_wl2;
    r->max_sndwnd = tp->max_sndwnd;
    r->iss = tp->iss;
    r->rcv_nxt = tp->rcv_nxt;
    r->rcv_adv = tp->rcv_adv;
    r->rcv_wnd = tp->rcv_wnd;
    r->irs = tp->irs;
    r->rcv_wnd_clamp = tp->rcv_wnd_clamp;
    r->last_ack_sent = tp->last_ack_sent;
    r->ts_recent = tp->ts_recent;
    r->rcvcap = tp->rcvbuf.cap;
    r->sndcap = tp->sndbuf.cap;
    r->mss = tp->mss;
    r->mss_offer = tp->mss_offer;
    r->peer_mss = tp->peer_mss;
    r->snd_wscale = tp->snd_wscale;
    r->rcv_wscale = tp->rcv_wscale;
    r->cc = (uint8_t) CcIndex(tp->cc);
    r->reuseaddr = (uint8_t) tp->reuseaddr;
    r->ecn = (uint8_t) tp->ecn;
    if (!TwLink(h, r)) {
	free(r);
	return 0;
    }
    h->tcp.ops->timer_park(h->tcp.ctx, tp, TT_2MSL, &r->ev, TwExpire, h);
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
    for (r = t->port[tcp_port_hash(lport) & t->mask]; r; r = r->pnext) {
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
