/*
 * tcp_subr.c --
 *
 *	TCB life cycle, state changes, ISNs, MSS, lookups and the segments
 *	sent without a TCB (RST and bare ACK replies).
 */

#include <stdlib.h>
#include <string.h>
#include "tcp.h"

const char *const tcp_statenames[TCPS_NSTATES] = {
    "CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "CLOSE_WAIT",
    "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2", "TIME_WAIT"
};

tl_time
tcp_ms(
    int ms)
{
    return (tl_time) ms * TL_MS;
}

static int	HashResize(tl_host *h, size_t n);

/* Every field of a TCB's cold part as it is when unused (tcp.h). */
const tl_tcbx tcp_tcbx_idle = { .linger = -1 };

/* Gives tp a cold part of its own, a copy of the idle one (its padding
 * too, for tcp_x_trim()'s comparison). */
tl_tcbx *
tcp_x_alloc(
    tl_tcb *tp)
{
    tl_tcbx *x = malloc(sizeof(*x));

    if (x == NULL) {
	abort();		/* As for a frame (pkt_alloc()). */
    }
    memcpy(x, &tcp_tcbx_idle, sizeof(*x));
    tp->x = x;
    return x;
}

/*
 * tcp_x_release --
 *	Gives tp's cold part, its own, back when every field is idle again,
 *	after what means nothing while idle is put back first: an empty
 *	MSG_EOR array or skb model, MSG_MORE's start without MSG_MORE, a stopped
 *	chronograph's start.
 */

void
tcp_x_release(
    tl_tcb *tp)
{
    tl_tcbx *x = (tl_tcbx *) tp->x;

    if (x->pend || x->reass) {
	return;			/* (Busy: the common case, first.) */
    }
    if (x->neor == 0 && x->eor) {
	free(x->eor);
	x->eor = NULL;
	x->eoralloc = 0;
    }
    if (x->nwq == 0 && x->wq) {
	free(x->wq);
	x->wq = NULL;
	x->wqalloc = 0;
    }
    if (!x->more) {
	x->more_seq = 0;
    }
    if (x->chrono_type == 0) {
	x->chrono_start = 0;
    }
    if (memcmp(x, &tcp_tcbx_idle, sizeof(*x)) == 0) {
	free(x);
	tp->x = &tcp_tcbx_idle;
    }
}
static tl_tcb  *ReqLookup(tl_host *h, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport);
static void	HashFree(tl_host *h);

tl_tcb *
tcp_newtcb(
    tl_host *h)
{
    static uint64_t ids;

    return tcp_newtcb_as(h, ++ids, 1);
}

/* A new TCB numbered id; listed: in host->tcbs (else marked TF_TWREC, for
 * tcp_list_insert() to place later). */
tl_tcb *
tcp_newtcb_as(
    tl_host *h,
    uint64_t id,
    int listed)
{
    tl_tcb *tp;

    /* The host's tables come with its first TCB (see Hash()). */
    if (h->tcphash == NULL && !HashResize(h, 64)) {
	return NULL;
    }
    if (h->tcbslab.size == 0) {
	slab_init(&h->tcbslab, sizeof(tl_tcb));	/* (A host of another
						 * maker's: standin.c.) */
    }
    tp = slab_alloc(&h->tcbslab);
    if (tp != NULL) {
	memset(tp, 0, sizeof(*tp));
    } else {
	if (h->tcbs == NULL) {
	    HashFree(h);
	}
	return NULL;
    }
    tp->host = h;
    tp->x = &tcp_tcbx_idle;
    tp->id = id;
    tp->state = TCPS_CLOSED;
    tp->created = tcp_now(h);
    tp->last_rcv = tp->created;
    tp->rto = tcp_ms(h->tun.rto_initial);
    tp->rtt_start = -1;
    tp->wstamp = -1;
    tp->ssthresh = (uint32_t) h->tun.initial_ssthresh;
    tp->reordering = 3;		/* net.ipv4.tcp_reordering, RFC 6675's
				 * DupThresh */
    tp->cc = tcp_cc_modules[(unsigned) h->tun.tcp_congestion_control
	    < CC_NMODULES ? h->tun.tcp_congestion_control : CC_NEWRENO];
    if (tp->cc->init) {
	tp->cc->init(tp);
    }
    /* Empty rings: their memory comes with data (ring.h). */
    (void) ring_init(&tp->sndbuf, (uint32_t) h->tun.sndbuf);
    (void) ring_init(&tp->rcvbuf, tcp_rcvbuf_size(h, h->tun.rcvbuf));
    tcp_timer_init(tp);
    if (!listed) {
	tp->flags |= TF_TWREC;
	return tp;
    }
    tp->next = h->tcbs;
    tp->prev = NULL;
    if (h->tcbs) {
	h->tcbs->prev = tp;
    }
    h->tcbs = tp;
    return tp;
}

/* Puts a TCB made unlisted into host->tcbs where its number places it
 * (the list runs from the newest TCB to the oldest), looking from after
 * prev (NULL: from the head), which must come before it. */
void
tcp_list_insert(
    tl_tcb *tp,
    tl_tcb *prev)
{
    tl_host *h = tp->host;
    tl_tcb *next = prev ? prev->next : h->tcbs;

    while (next && next->id > tp->id) {
	prev = next;
	next = next->next;
    }
    tp->prev = prev;
    tp->next = next;
    if (prev) {
	prev->next = tp;
    } else {
	h->tcbs = tp;
    }
    if (next) {
	next->prev = tp;
    }
    tp->flags &= ~TF_TWREC;
}

/*
 * The host's hashes of its TCBs: by 4-tuple for demultiplexing (Linux's
 * established hash, TIME_WAIT included) and by local port for bind
 * conflicts and ephemeral ports (Linux's bind hash). A TCB is in both from
 * tcp_set_tuple() until it enters CLOSED or is freed; chains are walked
 * only for their own key, so lookups cost O(1) on average. Both tables
 * double when they hold more than two TCBs a bucket.
 */

struct tl_tcphash {
    size_t mask;		/* Buckets - 1 (a power of two). */
    size_t count;		/* TCBs hashed. */
    tl_tcb **tuple;		/* Chained through hnext. */
    tl_tcb **port;		/* Chained through pnext. */
};

/* The hash of a 4-tuple and of a local port (also for the TIME_WAIT
 * records' table, tcp_timewait.c). */
size_t
tcp_tuple_hash(
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    uint64_t z = ((uint64_t) laddr << 32 | raddr)
	    ^ ((uint64_t) lport << 16 | rport) * 0x9e3779b97f4a7c15ull;

    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ull;
    return (size_t) (z ^ (z >> 29));
}

size_t
tcp_port_hash(
    uint16_t lport)
{
    return (size_t) lport * 0x9e3779b1u >> 7;
}

/* Puts tp at the head of its two chains. */
static void
Link(
    tl_tcb *tp,
    tl_tcb **tuple,
    tl_tcb **port)
{
    tp->hnext = *tuple;
    if (*tuple) {
	(*tuple)->hpprev = &tp->hnext;
    }
    *tuple = tp;
    tp->hpprev = tuple;
    tp->pnext = *port;
    if (*port) {
	(*port)->ppprev = &tp->pnext;
    }
    *port = tp;
    tp->ppprev = port;
}

/* (Re)builds the tables with n buckets; 0 if no memory. */
static int
HashResize(
    tl_host *h,
    size_t n)
{
    struct tl_tcphash *t = h->tcphash;
    tl_tcb **tuple = calloc(n, sizeof(*tuple)), **port;
    tl_tcb *tp;

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
	h->tcphash = t;
    }
    free(t->tuple);
    free(t->port);
    t->tuple = tuple;
    t->port = port;
    t->mask = n - 1;
    for (tp = h->tcbs; tp; tp = tp->next) {
	if (tp->hashed) {
	    size_t i = tcp_tuple_hash(tp->laddr, tp->lport, tp->raddr, tp->rport)
		    & t->mask, j = tcp_port_hash(tp->lport) & t->mask;

	    Link(tp, &tuple[i], &port[j]);
	}
    }
    return 1;
}

static void
HashFree(
    tl_host *h)
{
    if (h->tcphash) {
	free(h->tcphash->tuple);
	free(h->tcphash->port);
	free(h->tcphash);
	h->tcphash = NULL;
    }
}

/* Hashes tp on its tuple; the tables exist while the host has TCBs. */
static void
Hash(
    tl_tcb *tp)
{
    tl_host *h = tp->host;
    struct tl_tcphash *t = h->tcphash;
    size_t i, j;

    if (t->count >= 2 * (t->mask + 1)) {
	/* Two TCBs a bucket at most: short chains, and 8 bytes of buckets a
	 * TCB at most. Without memory for a larger table the chains just
	 * grow. */
	(void) HashResize(h, 2 * (t->mask + 1));
	t = h->tcphash;
    }
    i = tcp_tuple_hash(tp->laddr, tp->lport, tp->raddr, tp->rport) & t->mask;
    j = tcp_port_hash(tp->lport) & t->mask;
    Link(tp, &t->tuple[i], &t->port[j]);
    tp->hashed = 1;
    t->count++;
}

static void
Unhash(
    tl_tcb *tp)
{
    struct tl_tcphash *t = tp->host->tcphash;

    if (!tp->hashed) {
	return;
    }
    *tp->hpprev = tp->hnext;
    if (tp->hnext) {
	tp->hnext->hpprev = tp->hpprev;
    }
    *tp->ppprev = tp->pnext;
    if (tp->pnext) {
	tp->pnext->ppprev = tp->ppprev;
    }
    tp->hnext = tp->pnext = NULL;
    tp->hashed = 0;
    t->count--;
}

/* The receive ring: the buffer plus one scale unit, since a scaled window
 * may be rounded up (Linux tcp_select_window()). */
uint32_t
tcp_rcvbuf_size(
    const tl_host *h,
    int rcvbuf)
{
    return (uint32_t) rcvbuf + (h->tun.tcp_window_scaling
	    ? (1u << h->tun.rcv_wscale) : 0);
}

/* Hands an event to whoever listens (a trace with -events, $c on event). */
static void
Report(
    tl_host *h,
    const tl_evrec *proto)
{
    const tl_upcalls *up = h->tcp.up;
    tl_evrec ev = *proto;

    if (!*h->tcp.events || up == NULL || up->event == NULL) {
	return;
    }
    ev.time = tcp_now(h);
    ev.host = h;
    up->event(h->tcp.upArg, &ev);
}

void
tcp_event(
    tl_host *h,
    tl_tcb *tp,
    tl_evkind kind,
    int a,
    int b,
    tl_time t,
    tl_time t2,
    const char *why)
{
    tl_evrec ev;

    if (!*h->tcp.events) {
	return;			/* Nobody listens: the common case. */
    }
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.tcb = tp;
    ev.a = a;
    ev.b = b;
    ev.t = t;
    ev.t2 = t2;
    ev.why = why;
    Report(h, &ev);
}

/* Reports a segment dropped or answered unusually, and why. */
void
tcp_drop_event(
    tl_host *h,
    tl_tcb *tp,
    const tl_iphdr *ip,
    const tl_tcphdr *th,
    tl_evkind kind,
    const char *why)
{
    tl_evrec ev;

    if (!*h->tcp.events) {
	return;
    }
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.tcb = tp;
    ev.why = why;
    ev.ip = ip;
    ev.th = th;
    Report(h, &ev);
}

/* Tells the user something changed (data, EOF, error or state). */
void
tcp_notify(
    tl_tcb *tp)
{
    const tl_upcalls *up = tp->host->tcp.up;

    if (tp->user && up && up->readable) {
	up->readable(tp->user, tp);
    }
}

/* Appends to tp's history: the times array doubles from 2 entries when
 * full; past TCP_NHIST entries (or without memory) nothing is kept. */
void
tcp_hist_add(
    tl_tcb *tp,
    tl_time t,
    int state)
{
    int n = tp->nhist;

    if (n >= TCP_NHIST) {
	return;
    }
    if (n == 0 || n == 3 || n == 6 || n == 12) {
	/* Room for 3, 6, 12, then TCP_NHIST: the three states of an
	 * established connection's history take one 24-byte block. */
	tl_time *a = realloc(tp->htimes, sizeof(*a) * (size_t) (n == 0 ? 3
		: n == 12 ? TCP_NHIST : 2 * n));

	if (a == NULL) {
	    return;
	}
	tp->htimes = a;
    }
    tp->htimes[n] = t;
    tp->hstates = (tp->hstates & ~(15ull << (4 * n)))
	    | ((uint64_t) state << (4 * n));
    tp->nhist++;
}

void
tcp_set_state(
    tl_tcb *tp,
    int state)
{
    const tl_upcalls *up = tp->host->tcp.up;
    int from = tp->state;

    if (from == state) {
	return;
    }
    tp->state = state;
    if (state == TCPS_ESTABLISHED && !TCPS_HAVEESTABLISHED(from)) {
	/* tcp_rcv_synsent_state_process(), tcp_create_openreq_child(). */
	tp->lrcvtime = tcp_now(tp->host);
	tcp_rcvbuf_init(tp);	/* tcp_init_buffer_space() */
    }
    if (state == TCPS_CLOSED) {
	Unhash(tp);
    }
    tcp_event(tp->host, tp, EV_STATE, from, state, 0, 0, NULL);
    tcp_hist_add(tp, tcp_now(tp->host), state);
    if (tp->user && up && up->state) {
	up->state(tp->user, tp, from, state);
    }
}

/* Takes tp off its listener's queue or embryonic count. */
void
tcp_unqueue(
    tl_tcb *tp)
{
    tl_listener *l = tp->x->listener;
    tl_tcb **pp, *prev = NULL;

    if (tp->x->lprev) {
	tcp_xw(tp->x->lprev)->lnext = tp->x->lnext;
    } else {
	l->children = tp->x->lnext;
    }
    if (tp->x->lnext) {
	tcp_xw(tp->x->lnext)->lprev = tp->x->lprev;
    }
    tcp_xw(tp)->lnext = tcp_xw(tp)->lprev = NULL;
    if (!tp->x->onq) {
	l->q0len--;
	if (tp->rxtshift == 0) {
	    l->young--;
	}
    } else {
	for (pp = &l->q; *pp; prev = *pp, pp = &tcp_xw(*pp)->qnext) {
	    if (*pp == tp) {
		*pp = tp->x->qnext;
		if (l->qtail == tp) {
		    l->qtail = prev;
		}
		l->qlen--;
		break;
	    }
	}
    }
    tcp_xw(tp)->qnext = NULL;
    tcp_xw(tp)->onq = 0;
    tcp_xw(tp)->listener = NULL;
}

/* Makes tp an embryonic connection of l (SYN_RCVD from LISTEN). */
void
tcp_adopt(
    tl_listener *l,
    tl_tcb *tp)
{
    tcp_xw(tp)->listener = l;
    tcp_xw(tp)->onq = 0;
    l->q0len++;
    l->young++;
    tcp_xw(tp)->lprev = NULL;
    tcp_xw(tp)->lnext = l->children;
    if (l->children) {
	tcp_xw(l->children)->lprev = tp;
    }
    l->children = tp;
}

/*
 * tcp_close --
 *	The connection enters CLOSED: timers stop, queued data goes, and the
 *	TCB is freed unless a user handle still holds it. Callers must not
 *	touch tp afterwards.
 */

void
tcp_close(
    tl_tcb *tp)
{
    tcp_timers_cancel_all(tp);
    tcp_app_cancel(tp);
    if (tp->x->listener) {
	tcp_unqueue(tp);
    }
    tcp_set_state(tp, TCPS_CLOSED);
    while (tp->x->reass) {
	tl_reass *r = tp->x->reass;

	tcp_xw(tp)->reass = r->next;
	free(r);
    }
    while (tp->x->pend) {
	tl_chunk *c = tp->x->pend;

	tcp_xw(tp)->pend = c->next;
	free(c);
    }
    if (tp->x != &tcp_tcbx_idle) {
	tcp_xw(tp)->reass_bytes = 0;
	tcp_xw(tp)->pend_tail = NULL;
	tcp_xw(tp)->pend_bytes = 0;
    }
    if (tp->user == NULL) {
	tcp_free(tp);
    } else {
	tcp_notify(tp);
    }
}

/*
 * tcp_drop --
 *	Aborts a connection with an error for the user; a synchronized
 *	connection tells the peer with a RST (RFC 9293 3.10.5 ABORT).
 */

void
tcp_drop(
    tl_tcb *tp,
    int err)
{
    if (TCPS_HAVEESTABLISHED(tp->state) && tp->state != TCPS_TIME_WAIT) {
	tcp_send_ctl(tp, tcp_ack_seq(tp), TH_RST | TH_ACK);
    }
    if (err) {
	tp->so_error = err;
    }
    tcp_close(tp);
}

void
tcp_free(
    tl_tcb *tp)
{
    tl_host *h = tp->host;

    Unhash(tp);
    if (tp->x->listener) {
	tcp_unqueue(tp);
    }
    if (tp->flags & TF_TWREC) {
	/* Not in the list. */
    } else if (tp->prev) {
	tp->prev->next = tp->next;
    } else {
	h->tcbs = tp->next;
    }
    if (tp->next && !(tp->flags & TF_TWREC)) {
	tp->next->prev = tp->prev;
    }
    if (h->tcbs == NULL) {
	/* The last TCB: the host needs no tables until the next one. */
	HashFree(h);
    }
    tcp_timers_cancel_all(tp);
    tcp_app_cancel(tp);
    if (tp->user && h->tcp.up && h->tcp.up->released) {
	h->tcp.up->released(tp->user, tp);
    }
    ring_free(&tp->sndbuf);
    ring_free(&tp->rcvbuf);
    free(tp->mtup);
    tp->mtup = NULL;
    tcp_cc_free(tp);
    while (tp->x->reass) {
	tl_reass *r = tp->x->reass;

	tcp_xw(tp)->reass = r->next;
	free(r);
    }
    while (tp->x->pend) {
	tl_chunk *c = tp->x->pend;

	tcp_xw(tp)->pend = c->next;
	free(c);
    }
    free(tp->htimes);
    if (tp->x != &tcp_tcbx_idle) {
	free(tp->x->eor);
	free(tp->x->wq);
	free((void *) tp->x);
    }
    h->tcbs_freed++;
    slab_free(&h->tcbslab, tp);
}

static uint64_t
Mix(
    uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/*
 * tcp_new_isn --
 *	The ISN of a new connection: fixed by the script, 4.4BSD's counter
 *	(1 at boot, +64000 per 500 ms and per connection, book 18.2), or a
 *	keyed hash of the 4-tuple plus a clock (RFC 6528; Linux
 *	secure_tcp_seq()).
 */

uint32_t
tcp_new_isn(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    const tl_tunables *t = &h->tun;
    tl_time up = tl_time_add(tcp_now(h), -h->booted);
    uint32_t isn;

    if (h->isn_next_set) {
	h->isn_next_set = 0;
	return h->isn_next;
    }
    if (t->isn_generator == ISN_BSD) {
	uint64_t ticks = (uint64_t) (up / (500 * TL_MS));

	isn = 1 + (uint32_t) (ticks * (uint64_t) t->isn_tick_incr)
		+ h->iss_count * (uint32_t) t->isn_conn_incr;
	h->iss_count++;
	return isn;
    }
    isn = (uint32_t) Mix(h->tcp.seed ^ Mix(((uint64_t) laddr << 32 | raddr)
	    ^ ((uint64_t) lport << 16 | rport) * 0x9e3779b97f4a7c15ull));
    return isn + (uint32_t) (tcp_now(h) / t->isn_clock_ns);
}

/*
 * tcp_respond --
 *	Sends a segment that belongs to no TCB: a RST, or an ACK from a
 *	TIME_WAIT or challenge path.
 */

void
tcp_respond(
    tl_host *h,
    tl_addr src,
    uint16_t sport,
    tl_addr dst,
    uint16_t dport,
    uint32_t seq,
    uint32_t ack,
    int flags,
    uint16_t win)
{
    tl_tcphdr th;
    uint8_t *seg;
    void *p;

    if (!h->up || tcp_now(h) < h->quiet_until) {
	return;
    }
    memset(&th, 0, sizeof(th));
    th.sport = sport;
    th.dport = dport;
    th.seq = seq;
    th.ack = ack;
    th.flags = (uint8_t) flags;
    th.win = win;
    if (flags & TH_RST) {
	h->stats.tcp_rst_out++;
    }
    h->stats.tcp_out++;
    seg = h->tcp.ops->seg_alloc(h->tcp.ctx, TCP_HDRLEN, &p);
    tcp_build_header(seg, &th, NULL, 0, 0);	/* seg_send sums. */
    h->tcp.ops->seg_send(h->tcp.ctx, p, src, dst, TCP_HDRLEN, 0, 0);
}

/*
 * tcp_reset_for --
 *	Answers a segment that found no connection (RFC 9293 3.10.7.1): a RST
 *	is never answered; a segment with ACK gets <SEQ=SEG.ACK><CTL=RST>;
 *	otherwise <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (book fig. 18-14).
 */

void
tcp_reset_for(
    tl_host *h,
    const tl_iphdr *ip,
    const tl_tcphdr *th)
{
    uint32_t len = th->datalen;

    if (th->flags & TH_RST) {
	return;
    }
    if (th->flags & TH_ACK) {
	tcp_respond(h, ip->dst, th->dport, ip->src, th->sport, th->ack, 0,
		TH_RST, 0);
	return;
    }
    if (th->flags & TH_SYN) {
	len++;
    }
    if (th->flags & TH_FIN) {
	len++;
    }
    tcp_respond(h, ip->dst, th->dport, ip->src, th->sport, 0, th->seq + len,
	    TH_RST | TH_ACK, 0);
}

/*
 * tcp_mss_offer --
 *	The MSS we announce to raddr: the interface MTU - 40, rounded down to
 *	a multiple of mss_round above it (4.4BSD MCLBYTES), or mss_nonlocal for
 *	a destination off our subnets (4.4BSD tcp_mssdflt), capped by clamp.
 */

uint16_t
tcp_mss_offer(
    tl_host *h,
    tl_addr raddr,
    int clamp)
{
    tl_tcp_route r;
    const tl_tunables *t = &h->tun;
    uint32_t mss = (h->tcp.ops->route(h->tcp.ctx, raddr, &r) ? r.mtu : 576)
	    - 40;

    if (r.advmss) {
	/* The route's advmss metric (Linux dst_metric_advmss()). */
	mss = r.advmss;
    }

    if (t->mss_round && mss > (uint32_t) t->mss_round) {
	mss -= mss % (uint32_t) t->mss_round;
    }
    if (t->mss_nonlocal && !r.local
	    && mss > (uint32_t) t->mss_nonlocal) {
	mss = (uint32_t) t->mss_nonlocal;
    }
    if (clamp > 0 && mss > (uint32_t) clamp) {
	mss = (uint32_t) clamp;
    }
    return (uint16_t) mss;
}

/* Sets the send MSS from the peer's option (RFC 9293 3.7.1, RFC 6691). */
void
tcp_mss_set(
    tl_tcb *tp,
    uint16_t peer)
{
    const tl_tunables *t = &tp->host->tun;
    uint32_t mss = peer ? peer : (uint32_t) t->mss_default;

    tp->peer_mss = peer;
    {
	tl_host *h = tp->host;
	tl_tcp_route r;
	uint32_t cap = tp->mss_offer;

	if (h->tcp.ops->route(h->tcp.ctx, tp->raddr, &r) && r.advmss) {
	    /* With the route's advmss the MSS we announce is not our path's:
	     * the path MTU caps the MSS (Linux tcp_sync_mss()), and
	     * TCP_MAXSEG. */
	    cap = r.mtu - 40;
	    if (tp->x->user_mss && tp->x->user_mss < cap) {
		cap = tp->x->user_mss;
	    }
	}
	if (mss > cap) {
	    mss = cap;
	}
    }
    /* RFC 7323 / RFC 6691: the timestamp option takes 12 bytes of each
     * segment (1460 -> 1448 in the Linux traces). */
    if ((tp->flags & TF_RCVD_TSTMP) && mss > 76) {
	mss -= 12;
    }
    if (mss < 64) {
	mss = 64;
    }
    tp->mss = (uint16_t) mss;
    {
	tl_host *h = tp->host;
	tl_tcp_route r;

	/* A device with segmentation offload (a TAP device with -offload)
	 * takes segments of several MSS at once. */
	h->tcp.ops->route(h->tcp.ctx, tp->raddr, &r);
	tp->tso = r.tso >= 2 * mss ? r.tso - r.tso % mss : 0;
    }
    tp->cwnd = tcp_initial_cwnd(tp);
}

/* RFC 5681 3.1 initial window, or the profile's segment count, bytes. */
uint32_t
tcp_initial_cwnd(
    const tl_tcb *tp)
{
    uint32_t mss = tp->mss;
    tl_host *h = tp->host;
    tl_tcp_route r;

    if (h->nrtm && h->tcp.ops->route(h->tcp.ctx, tp->raddr, &r)
	    && r.initcwnd) {
	/* The route's initcwnd metric (Linux tcp_init_cwnd()). */
	return r.initcwnd * mss;
    }
    if (tp->host->tun.initial_cwnd > 0) {
	return (uint32_t) tp->host->tun.initial_cwnd * mss;
    }
    return (mss > 2190 ? 2 : mss > 1095 ? 3 : 4) * mss;
}

/* The TCB of a 4-tuple, not CLOSED, among the TCBs only. */
tl_tcb *
tcp_lookup_tcb(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    struct tl_tcphash *t = h->tcphash;
    tl_tcb *tp;

    if (t == NULL) {
	return NULL;
    }
    for (tp = t->tuple[tcp_tuple_hash(laddr, lport, raddr, rport) & t->mask]; tp;
	    tp = tp->hnext) {
	if (tp->lport == lport && tp->rport == rport && tp->laddr == laddr
		&& tp->raddr == raddr && tp->state != TCPS_CLOSED) {
	    return tp;
	}
    }
    return NULL;
}

/* The connection of a 4-tuple: a TCB, or a compact half-open or TIME_WAIT
 * connection's, rebuilt (ReqLookup() below, tcp_timewait.c). */
tl_tcb *
tcp_lookup(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    tl_tcb *tp = tcp_lookup_tcb(h, laddr, lport, raddr, rport);

    if (tp == NULL && h->reqhash) {
	tp = ReqLookup(h, laddr, lport, raddr, rport);
    }
    return tp ? tp : tcp_tw_lookup(h, laddr, lport, raddr, rport);
}

/*
 * Listeners by port: LISTEN_BUCKETS chains, each in the order of
 * host->listeners (newest first), so that a walk of one chain finds what a
 * walk of the whole list finds. The table goes with the last listener.
 */

#define LISTEN_BUCKETS	64

/* Puts a new listener in the host's list and chains; 0 if no memory. */
int
tcp_listener_link(
    tl_listener *l)
{
    tl_host *h = l->host;
    tl_listener **b;

    if (h->listenhash == NULL) {
	h->listenhash = calloc(LISTEN_BUCKETS, sizeof(*h->listenhash));
	if (h->listenhash == NULL) {
	    return 0;
	}
    }
    l->prev = NULL;
    l->next = h->listeners;
    if (h->listeners) {
	h->listeners->prev = l;
    }
    h->listeners = l;
    b = &h->listenhash[l->lport % LISTEN_BUCKETS];
    l->pnext = *b;
    if (*b) {
	(*b)->ppprev = &l->pnext;
    }
    *b = l;
    l->ppprev = b;
    return 1;
}

void
tcp_listener_unlink(
    tl_listener *l)
{
    tl_host *h = l->host;

    if (l->prev) {
	l->prev->next = l->next;
    } else {
	h->listeners = l->next;
    }
    if (l->next) {
	l->next->prev = l->prev;
    }
    *l->ppprev = l->pnext;
    if (l->pnext) {
	l->pnext->ppprev = l->ppprev;
    }
    if (h->listeners == NULL) {
	free(h->listenhash);
	h->listenhash = NULL;
    }
}

/*
 * tcp_rcv_wscale --
 *	The window scale a SYN announces: the tunable rcv_wscale, or with
 *	rcv_wscale_buf and a buffer set by SO_RCVBUF the smallest that covers
 *	that buffer's window, if smaller (Linux tcp_connect_init() and
 *	tcp_openreq_init_rwin() clamp the window to tcp_full_space() of a
 *	locked buffer, and tcp_select_initial_window() takes ilog2 of the
 *	clamp less 15: SO_RCVBUF 65536, a window of 65536, announces 1).
 */

uint8_t
tcp_rcv_wscale(
    const tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    uint32_t full, s = 0;

    if (!t->rcv_wscale_buf || !tp->rcvbuf_lock) {
	return (uint8_t) t->rcv_wscale;
    }
    full = (uint32_t) tp->rcvbuf.cap - tcp_rcvbuf_size(tp->host, 0);
    while (s < (uint32_t) t->rcv_wscale && (full >> s) > 65535) {
	s++;
    }
    return (uint8_t) s;
}

/* The most specific listener for laddr.lport (book fig. 18-22). */
tl_listener *
tcp_lookup_listener(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport)
{
    tl_listener *l, *wild = NULL;

    if (h->listenhash == NULL) {
	return NULL;
    }
    for (l = h->listenhash[lport % LISTEN_BUCKETS]; l; l = l->pnext) {
	if (l->lport != lport) {
	    continue;
	}
	if (l->laddr == laddr) {
	    return l;
	}
	if (l->laddr == 0) {
	    wild = l;
	}
    }
    return wild;
}

/*
 * tcp_port_in_use --
 *	Whether binding laddr.lport would fail with EADDRINUSE: a listener or
 *	connection holds it, unless reuseaddr and every holder is a
 *	connection (4.4BSD in_pcbbind with SO_REUSEADDR; book 18.6.1).
 */

int
tcp_port_in_use(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    int reuseaddr)
{
    tl_listener *l;
    tl_tcb *tp;

    for (l = h->listenhash ? h->listenhash[lport % LISTEN_BUCKETS] : NULL;
	    l; l = l->pnext) {
	/* With SO_REUSEADDR only the very same address conflicts, so a
	 * specific and a wildcard listener can share a port (fig. 18-22). */
	if (l->lport == lport && (reuseaddr ? l->laddr == laddr
		: l->laddr == 0 || laddr == 0 || l->laddr == laddr)) {
	    return 1;
	}
    }
    if (reuseaddr) {
	return 0;
    }
    for (tp = h->tcphash ? h->tcphash->port[tcp_port_hash(lport)
	    & h->tcphash->mask] : NULL; tp; tp = tp->pnext) {
	if (tp->state != TCPS_CLOSED && tp->lport == lport
		&& (laddr == 0 || tp->laddr == laddr)) {
	    return 1;
	}
    }
    return tcp_tw_port_in_use(h, laddr, lport);
}

/*
 * tcp_rcv_space --
 *	The receive window we can offer: free buffer space, within the clamp.
 *	The buffer's memory, sk_rcvbuf, makes a window that follows the ratio
 *	measured (Linux tcp_space(), tcp_win_from_space()), less what waits
 *	to be read: the ring, sized for the ratio it was made at and never
 *	shrunk, holds more than a lower ratio lets in (SO_RCVBUF 8192 on a
 *	tun device: 16384 bytes of memory, a window of 7104 at 111/256, not
 *	8192; the default 131072 bytes at the profile's 158/256 make a ring
 *	of 80896, but 56832 at a tun device's 111/256).
 */

uint32_t
tcp_rcv_space(
    const tl_tcb *tp)
{
    uint32_t space = tcp_rcv_free(tp);

    return tp->rcv_wnd_clamp && space > tp->rcv_wnd_clamp
	    ? tp->rcv_wnd_clamp : space;
}

/* The window the receive buffer's memory makes at the ratio measured
 * (Linux tcp_win_from_space(sk, sk_rcvbuf)); UINT64_MAX where no memory is
 * counted (the ring alone limits). */
uint64_t
tcp_rcvbuf_win(
    const tl_tcb *tp)
{
    return tp->sk_rcvbuf && tp->scaling_ratio
	    ? ((uint64_t) tp->sk_rcvbuf * tp->scaling_ratio) >> 8 : UINT64_MAX;
}

/* tcp_rcv_space() before the clamp (Linux tcp_space()). */
uint32_t
tcp_rcv_free(
    const tl_tcb *tp)
{
    uint64_t cap = tcp_rcvbuf_win(tp);

    return cap <= tp->rcvbuf.len ? 0 : (uint32_t) TL_MIN(
	    ring_space(&tp->rcvbuf), cap - tp->rcvbuf.len);
}

/* How many connections a listener may hold, queued and embryonic. */
int
tcp_backlog_limit(
    const tl_host *h,
    int backlog)
{
    switch (h->tun.backlog_formula) {
    case BACKLOG_BSD:
	return backlog * 3 / 2 + 1;	/* sonewconn, book fig. 18-23 */
    case BACKLOG_LINUX:
	return backlog + 1;		/* sk_acceptq_is_full(): > backlog */
    default:
	return backlog > 0 ? backlog : 1;
    }
}

/* Our RFC 7323 timestamp clock: milliseconds plus a per-connection offset. */
uint32_t
tcp_ts_now(
    const tl_tcb *tp)
{
    return (uint32_t) (tcp_now(tp->host) / TL_MS) + tp->ts_offset;
}

/*
 * tcp_syn_options --
 *	Records what a SYN (or SYN-ACK) offered: window scaling and timestamps
 *	are used only when both SYNs carry them (RFC 7323 1.3, 2.2), SACK only
 *	when both sent SACK-permitted (RFC 2018 2).
 */

void
tcp_syn_options(
    tl_tcb *tp,
    const tl_tcphdr *th)
{
    const tl_tunables *t = &tp->host->tun;

    if (!(tp->flags & TF_REQ_SCALE) && tp->state == TCPS_CLOSED) {
	/* A passive open offers what the SYN offered and we allow. */
	if (th->opt.has_ws && t->tcp_window_scaling) {
	    tp->flags |= TF_REQ_SCALE;
	}
	if (th->opt.has_ts && t->tcp_timestamps) {
	    tp->flags |= TF_REQ_TSTMP;
	}
	if (th->opt.sack_ok && t->tcp_sack) {
	    tp->flags |= TF_REQ_SACK;
	}
    }
    if (th->opt.has_ws && (tp->flags & TF_REQ_SCALE)) {
	tp->flags |= TF_RCVD_SCALE;
	tp->snd_wscale = (uint8_t) TL_MIN(th->opt.ws, 14);
	tp->rcv_wscale = tcp_rcv_wscale(tp);
    } else {
	tp->snd_wscale = tp->rcv_wscale = 0;
    }
    if (th->opt.has_ts && (tp->flags & TF_REQ_TSTMP)) {
	tp->flags |= TF_RCVD_TSTMP;
	tp->ts_recent = th->opt.tsval;
    }
    if (th->opt.sack_ok && (tp->flags & TF_REQ_SACK)) {
	tp->flags |= TF_SACK_PERMIT;
    }
}

/*
 * tcp_set_tuple --
 *	Sets a new connection's addresses, and what derives from them: the
 *	timestamp offset (Linux secure_tcp_ts_off()) and the window clamp.
 */

void
tcp_set_tuple(
    tl_tcb *tp,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    tp->laddr = laddr;
    tp->lport = lport;
    tp->raddr = raddr;
    tp->rport = rport;
    Unhash(tp);
    Hash(tp);
    tp->ts_offset = tcp_ts_offset(tp->host, laddr, lport, raddr, rport);
}

/*
 * tcp_rcv_clamp --
 *	The largest window we announce. Linux tcp_select_initial_window():
 *	the receive space rounded down to a multiple of the MSS, at most 65535
 *	without scaling. Elsewhere: the buffer.
 */

void
tcp_rcv_clamp(
    tl_tcb *tp,
    uint32_t mss)
{
    const tl_tunables *t = &tp->host->tun;
    uint32_t space = (uint32_t) tp->rcvbuf.cap
	    - (t->tcp_window_scaling ? (1u << t->rcv_wscale) : 0);

    if (t->rcv_space_init && (uint32_t) t->rcv_space_init < space) {
	space = (uint32_t) t->rcv_space_init;
    }

    if (!t->rcv_win_mss_round) {
	tp->rcv_wnd_clamp = 0;
	return;
    }
    if (!(tp->flags & TF_REQ_SCALE) && space > 65535) {
	space = 65535;
    }
    if (mss && space > mss) {
	space -= space % mss;
    }
    if (space > 65535) {
	/* rcv_wnd = min(space, U16_MAX): the first window fits the SYN's
	 * unscaled field, and later ones grow from it. */
	space = 65535;
    }
    tp->rcv_wnd_clamp = space;
}

/*
 * tcp_sack_blocks --
 *	The SACK blocks to send (RFC 2018 4): the block holding the most
 *	recently received segment first, then the others, at most max.
 */

int
tcp_sack_blocks(
    const tl_tcb *tp,
    uint32_t out[][2],
    int max)
{
    const tl_reass *r;
    uint32_t blocks[64][2];
    int n = 0, i, first = -1, k = 0;

    for (r = tp->x->reass; r && n < 64; r = r->next) {
	if (n > 0 && blocks[n - 1][1] == r->seq) {
	    blocks[n - 1][1] = r->seq + r->len;
	} else {
	    blocks[n][0] = r->seq;
	    blocks[n][1] = r->seq + r->len;
	    n++;
	}
    }
    for (i = 0; i < n; i++) {
	if (SEQ_GEQ(tp->sack_last, blocks[i][0])
		&& SEQ_LT(tp->sack_last, blocks[i][1])) {
	    first = i;
	}
    }
    if (first >= 0 && k < max) {
	out[k][0] = blocks[first][0];
	out[k++][1] = blocks[first][1];
    }
    for (i = 0; i < n && k < max; i++) {
	if (i != first) {
	    out[k][0] = blocks[i][0];
	    out[k++][1] = blocks[i][1];
	}
    }
    return k;
}

/*
 * SYN cookies (Linux net/ipv4/syncookies.c). The ISN of a cookie SYN-ACK
 * is
 *	H0(tuple) + their ISN + (count << 24) + ((H1(tuple, count) + mssind)
 *	mod 2^24)
 * with count the minutes of the clock (tcp_cookie_time(): jiffies / 60 HZ;
 * here the network's virtual time / 60 s) and mssind the index of the
 * largest entry of msstab at or below the SYN's MSS (index 0, 536, for
 * anything below 1300). The hashes are keyed by the host's seed where
 * Linux keys siphash with a random secret. A cookie checks when its count
 * is less than MAX_SYNCOOKIE_AGE (2) minutes old and the index it leaves
 * is in the table.
 */

static const uint16_t MssTab[] = {536, 1300, 1440, 1460};
#define COOKIEBITS	24
#define COOKIEMASK	((1u << COOKIEBITS) - 1)
#define MAX_SYNCOOKIE_AGE 2
#define SYNCOOKIE_PERIOD (60 * TL_SEC)

static uint32_t
CookieHash(
    const tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport,
    uint32_t count,
    int c)
{
    return (uint32_t) Mix(h->tcp.seed ^ (c ? 0x636f6f6b31ull : 0x636f6f6b30ull)
	    ^ Mix(((uint64_t) laddr << 32 | raddr)
	    ^ Mix(((uint64_t) lport << 16 | rport) ^ (uint64_t) count << 32)));
}

static uint32_t
CookieTime(
    const tl_host *h)
{
    return (uint32_t) (tcp_now(h) / SYNCOOKIE_PERIOD);
}

/*
 * tcp_cookie_isn --
 *	The ISN of a cookie SYN-ACK for a SYN with sequence number seq
 *	(__cookie_v4_init_sequence()); *mssPtr, the MSS the SYN allows, is
 *	rounded to the table entry the cookie encodes.
 */

uint32_t
tcp_cookie_isn(
    const tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport,
    uint32_t seq,
    uint16_t *mssPtr)
{
    uint32_t count = CookieTime(h), ind;

    for (ind = sizeof(MssTab) / sizeof(MssTab[0]) - 1; ind; ind--) {
	if (*mssPtr >= MssTab[ind]) {
	    break;
	}
    }
    *mssPtr = MssTab[ind];
    return CookieHash(h, laddr, lport, raddr, rport, 0, 0) + seq
	    + (count << COOKIEBITS)
	    + ((CookieHash(h, laddr, lport, raddr, rport, count, 1) + ind)
		& COOKIEMASK);
}

/*
 * tcp_cookie_check --
 *	The MSS a cookie encodes (__cookie_v4_check(): cookie = ACK - 1,
 *	their ISN = SEQ - 1), or 0 when it is not one of ours or too old.
 */

uint16_t
tcp_cookie_check(
    const tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport,
    uint32_t seq,
    uint32_t cookie)
{
    uint32_t count = CookieTime(h), diff, ind;

    cookie -= CookieHash(h, laddr, lport, raddr, rport, 0, 0) + seq;
    diff = (count - (cookie >> COOKIEBITS)) & (0xffffffffu >> COOKIEBITS);
    if (diff >= MAX_SYNCOOKIE_AGE) {
	return 0;
    }
    ind = (cookie - CookieHash(h, laddr, lport, raddr, rport, count - diff, 1))
	    & COOKIEMASK;
    return ind < sizeof(MssTab) / sizeof(MssTab[0]) ? MssTab[ind] : 0;
}

/*
 * tcp_cookie_ts --
 *	The timestamp clock value (ms, before the connection's offset) of a
 *	cookie SYN-ACK (cookie_init_timestamp()): the clock with its low 6
 *	bits replaced by the options, wscale (0xf for none) in bits 0-3,
 *	SACK in bit 4 and ECN in bit 5, stepped back 64 if that went past the
 *	clock.
 */

uint32_t
tcp_cookie_ts(
    uint32_t now,
    int wscale_ok,
    int snd_wscale,
    int sack_ok,
    int ecn_ok)
{
    uint32_t options = wscale_ok ? (uint32_t) snd_wscale : 0xf, ts;

    if (sack_ok) {
	options |= 1u << 4;
    }
    if (ecn_ok) {
	options |= 1u << 5;
    }
    ts = (now >> 6 << 6) | options;
    if (ts > now) {
	ts -= 1u << 6;
    }
    return ts;
}

/* The timestamp offset of a 4-tuple (Linux secure_tcp_ts_off()). */
uint32_t
tcp_ts_offset(
    const tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    return (uint32_t) Mix(h->tcp.seed ^ 0x74735f6f6666ull
	    ^ Mix(((uint64_t) laddr << 32 | raddr)
	    ^ ((uint64_t) lport << 16 | rport)));
}

/*
 * Compact SYN_RCVD records (Linux's request sock: struct request_sock,
 * a few hundred bytes where a socket is a few thousand). A connection a
 * listener made from a SYN, once its SYN-ACK is out and while nothing but
 * the SYN-ACK timer runs, is kept as a record: its 4-tuple, the listener,
 * the timer, and the words of its TCB that differ from the listener's
 * template TCB (the first one recorded after as many SYN-ACK
 * retransmissions), as runs. The record becomes the
 * same TCB again (tcp_req_promote) when a lookup finds it (a segment for
 * it arrives, a connect wants its 4-tuple), when a script lists the
 * host's connections, and when its timer fires (the TCB's own timer code
 * runs; a connection still half-open is recorded again). So everything
 * TCP does with it is what it does with the TCB, and nothing a script
 * sees differs; records are not made while a trace or a script takes
 * events, nor on a host whose environment cannot move timers.
 */

typedef struct tl_req {
    struct tl_req *hnext, **hpprev;	/* In the host's record hash. */
    struct tl_req *lnext, **lpprev;	/* In the listener's reqs. */
    tl_listener *listener;
    tl_event ev;			/* The SYN-ACK timer. */
    tl_time *htimes;			/* The TCB's history times. */
    tl_addr laddr, raddr;
    uint16_t lport, rport;
    uint16_t len;			/* Bytes of runs. */
    uint8_t tmpl;			/* The template: reqtmpl[tmpl]. */
    uint8_t runs[];			/* {word, count} then count words. */
} tl_req;

struct tl_reqhash {
    size_t mask, count;
    tl_req **b;
};

#define TCB_WORDS	(sizeof(tl_tcb) / sizeof(uint32_t))

/* Whether x is idle but for a half-open connection's listener links,
 * which a record keeps as its listener (ReqPromote() finds the place in
 * its children again). */
static int
XIdleButLinks(
    const tl_tcbx *x)
{
    tl_tcbx probe;

    if (x == &tcp_tcbx_idle) {
	return 1;
    }
    memcpy(&probe, x, sizeof(probe));
    probe.listener = NULL;
    probe.lnext = probe.lprev = probe.qnext = NULL;
    probe.onq = 0;
    return memcmp(&probe, &tcp_tcbx_idle, sizeof(probe)) == 0;
}

/* The TCB's bytes as recorded: links, the host's events and the listener
 * are the host's and the listener's, not the connection's. */
static void
ReqScrub(
    tl_tcb *tp)
{
    tp->host = NULL;
    tp->next = tp->prev = NULL;
    tp->hnext = tp->pnext = NULL;
    tp->hpprev = tp->ppprev = NULL;
    tp->hashed = 0;
    tp->x = &tcp_tcbx_idle;	/* (Idle but for the listener's links:
				 * tcp_req_demote().) */
    tp->hostev = NULL;
    tp->htimes = NULL;
}

static tl_req **
ReqBucket(
    struct tl_reqhash *t,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    return &t->b[tcp_tuple_hash(laddr, lport, raddr, rport) & t->mask];
}

static void
ReqHashAdd(
    struct tl_reqhash *t,
    tl_req *r)
{
    tl_req **b = ReqBucket(t, r->laddr, r->lport, r->raddr, r->rport);

    r->hnext = *b;
    if (*b) {
	(*b)->hpprev = &r->hnext;
    }
    *b = r;
    r->hpprev = b;
}

static void
ReqUnlink(
    tl_host *h,
    tl_req *r)
{
    *r->hpprev = r->hnext;
    if (r->hnext) {
	r->hnext->hpprev = r->hpprev;
    }
    *r->lpprev = r->lnext;
    if (r->lnext) {
	r->lnext->lpprev = r->lpprev;
    }
    if (--h->reqhash->count == 0) {
	free(h->reqhash->b);
	free(h->reqhash);
	h->reqhash = NULL;
    }
}

/* Room for one more record in the host's hash; 0 if no memory. */
static int
ReqHashGrow(
    tl_host *h)
{
    struct tl_reqhash *t = h->reqhash, n;
    size_t i;

    if (t == NULL) {
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
	    return 0;
	}
	t->mask = 63;
	t->b = calloc(64, sizeof(*t->b));
	if (t->b == NULL) {
	    free(t);
	    return 0;
	}
	h->reqhash = t;
    }
    if (t->count < t->mask + 1) {
	return 1;
    }
    n.mask = 2 * t->mask + 1;
    n.count = t->count;
    n.b = calloc(n.mask + 1, sizeof(*n.b));
    if (n.b == NULL) {
	return 1;		/* Longer chains, still right. */
    }
    for (i = 0; i <= t->mask; i++) {
	tl_req *r, *next;

	for (r = t->b[i]; r; r = next) {
	    next = r->hnext;
	    ReqHashAdd(&n, r);
	}
    }
    free(t->b);
    *t = n;
    for (i = 0; i <= t->mask; i++) {
	if (t->b[i]) {
	    t->b[i]->hpprev = &t->b[i];
	}
    }
    return 1;
}

static void	ReqTimer(void *arg, tl_event *ev);

/*
 * tcp_req_demote --
 *	Records a half-open connection of a listener compactly when it may
 *	be (see above); tp is then gone. Otherwise nothing happens.
 */

void
tcp_req_demote(
    tl_tcb *tp)
{
    tl_host *h = tp->host;
    tl_listener *l = tp->x->listener;
    const tl_tcp_ops *ops = h->tcp.ops;
    uint32_t w[TCB_WORDS], *tw, buf[TCB_WORDS + TCB_WORDS / 2 + 2];
    uint8_t *out = (uint8_t *) buf;
    size_t i, n = 0;
    tl_tcb copy;
    tl_req *r;
    int t;

    tcp_x_trim(tp);
    if (ops->timer_park == NULL || *h->tcp.events || l == NULL || l->closed
	    || !XIdleButLinks(tp->x)
	    || tp->state != TCPS_SYN_RECEIVED || !(tp->flags & TF_FROMLISTEN)
	    || tp->x->onq || tp->user || tp->app || tp->app_pending
	    || tp->cork_pending || tp->xmitlog || tp->x->reass || tp->x->pend
	    || tp->sndbuf.buf || tp->rcvbuf.buf || tp->sackblk || tp->mtup
	    || tp->timer_at[TT_REXMT] == TL_NEVER) {
	return;
    }
    for (t = 0; t < TT_NTIMERS; t++) {
	if (t != TT_REXMT && tp->timer_at[t] != TL_NEVER) {
	    return;
	}
    }
    if (!ReqHashGrow(h)) {
	return;
    }
    copy = *tp;
    ReqScrub(&copy);
    /* One template per number of SYN-ACK retransmissions: the timer's
     * changes to the TCB are then the template's too. */
    t = tp->rxtshift < 8 ? tp->rxtshift : 7;
    if (l->reqtmpl[t] == NULL) {
	l->reqtmpl[t] = malloc(sizeof(tl_tcb));
	if (l->reqtmpl[t] == NULL) {
	    return;
	}
	*l->reqtmpl[t] = copy;
    }
    memcpy(w, &copy, sizeof(w));
    tw = (uint32_t *) l->reqtmpl[t];
    /* Runs of differing words; a gap of one equal word is kept in the
     * run, cheaper than a new run's header. */
    for (i = 0; i < TCB_WORDS; ) {
	size_t j = i, k;

	if (w[i] == tw[i]) {
	    i++;
	    continue;
	}
	while (j < TCB_WORDS && j - i < 255 && (w[j] != tw[j]
		|| (j + 1 < TCB_WORDS && w[j + 1] != tw[j + 1]))) {
	    j++;
	}
	out[n] = (uint8_t) (i >> 8);
	out[n + 1] = (uint8_t) i;
	out[n + 2] = (uint8_t) (j - i);
	n += 3;
	for (k = i; k < j; k++) {
	    memcpy(out + n, &w[k], 4);
	    n += 4;
	}
	i = j;
    }
    r = malloc(sizeof(*r) + n);
    if (r == NULL) {
	return;
    }
    r->listener = l;
    r->laddr = tp->laddr;
    r->lport = tp->lport;
    r->raddr = tp->raddr;
    r->rport = tp->rport;
    r->len = (uint16_t) n;
    r->htimes = tp->htimes;
    r->tmpl = (uint8_t) t;
    memcpy(r->runs, out, n);
    ReqHashAdd(h->reqhash, r);
    h->reqhash->count++;
    r->lnext = l->reqs;
    if (l->reqs) {
	l->reqs->lpprev = &r->lnext;
    }
    l->reqs = r;
    r->lpprev = &l->reqs;
    ops->timer_park(h->tcp.ctx, tp, TT_REXMT, &r->ev, ReqTimer, r);
    /* The TCB goes without a trace: off the listener's children (still
     * counted in q0len), the hashes and the host's list. */
    if (tp->x->lprev) {
	tcp_xw(tp->x->lprev)->lnext = tp->x->lnext;
    } else {
	l->children = tp->x->lnext;
    }
    if (tp->x->lnext) {
	tcp_xw(tp->x->lnext)->lprev = tp->x->lprev;
    }
    Unhash(tp);
    if (tp->prev) {
	tp->prev->next = tp->next;
    } else {
	h->tcbs = tp->next;
    }
    if (tp->next) {
	tp->next->prev = tp->prev;
    }
    if (h->tcbs == NULL) {
	HashFree(h);
    }
    if (tp->x != &tcp_tcbx_idle) {
	free((void *) tp->x);	/* (Its links only.) */
    }
    h->tcbs_freed++;
    slab_free(&h->tcbslab, tp);
}

/* The TCB a record stands for, back in the host's list (in the order of
 * creation), hashes and the listener's children, its timer running. */
static tl_tcb *
ReqPromote(
    tl_host *h,
    tl_req *r)
{
    tl_listener *l = r->listener;
    uint32_t *w;
    size_t n;
    tl_tcb *tp, **pp, *prev = NULL;

    if (h->tcphash == NULL && !HashResize(h, 64)) {
	return NULL;
    }
    tp = slab_alloc(&h->tcbslab);
    if (tp == NULL) {
	return NULL;
    }
    *tp = *l->reqtmpl[r->tmpl];
    w = (uint32_t *) tp;
    for (n = 0; n < r->len; ) {
	size_t i = (size_t) r->runs[n] << 8 | r->runs[n + 1];
	size_t k, cnt = r->runs[n + 2];

	n += 3;
	for (k = 0; k < cnt; k++) {
	    memcpy(&w[i + k], r->runs + n, 4);
	    n += 4;
	}
    }
    tp->host = h;
    tp->htimes = r->htimes;
    tcp_list_insert(tp, NULL);
    Hash(tp);
    /* Among the listener's children too, newest first. */
    tcp_xw(tp)->listener = l;
    prev = NULL;
    for (pp = &l->children; *pp && (*pp)->id > tp->id;
	    pp = &tcp_xw(*pp)->lnext) {
	prev = *pp;
    }
    tcp_xw(tp)->lnext = *pp;
    tcp_xw(tp)->lprev = prev;
    if (*pp) {
	tcp_xw(*pp)->lprev = tp;
    }
    *pp = tp;
    if (event_pending(&r->ev)) {
	h->tcp.ops->timer_unpark(h->tcp.ctx, &r->ev, tp, TT_REXMT);
    }
    ReqUnlink(h, r);
    free(r);
    return tp;
}

/* Its SYN-ACK timer fired: the TCB's timer runs; still half-open, the
 * connection is recorded again. */
static void
ReqTimer(
    void *arg,
    tl_event *ev)
{
    tl_req *r = arg;
    tl_host *h = r->listener->host;
    tl_addr laddr = r->laddr, raddr = r->raddr;
    uint16_t lport = r->lport, rport = r->rport;
    tl_tcb *tp;
    uint64_t id;

    (void) ev;
    tp = ReqPromote(h, r);
    if (tp == NULL) {
	return;
    }
    id = tp->id;
    tcp_timer_expire(tp, TT_REXMT);
    tp = tcp_lookup(h, laddr, lport, raddr, rport);
    if (tp && tp->id == id) {
	tcp_req_demote(tp);
    }
}

/* A lookup's last chance: a record for the 4-tuple becomes its TCB. */
static tl_tcb *
ReqLookup(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    tl_req *r;

    for (r = *ReqBucket(h->reqhash, laddr, lport, raddr, rport); r;
	    r = r->hnext) {
	if (r->lport == lport && r->rport == rport && r->laddr == laddr
		&& r->raddr == raddr) {
	    return ReqPromote(h, r);
	}
    }
    return NULL;
}

/* Every record of listener l becomes its TCB again, oldest first, so
 * that each finds its place near the heads of the lists. */
static void
ReqPromoteListener(
    tl_host *h,
    tl_listener *l)
{
    size_t n = 0, i;
    tl_req *r, **all;

    for (r = l->reqs; r; r = r->lnext) {
	n++;
    }
    if (n == 0) {
	return;
    }
    all = malloc(n * sizeof(*all));
    if (all == NULL) {
	while (l->reqs && ReqPromote(h, l->reqs)) {
	    continue;
	}
	return;
    }
    for (i = 0, r = l->reqs; r; r = r->lnext) {
	all[i++] = r;
    }
    while (i > 0) {
	if (ReqPromote(h, all[--i]) == NULL) {
	    break;
	}
    }
    free(all);
}

/* Every record of the host becomes its TCB again (a script lists the
 * connections). */
void
tcp_req_promote_all(
    tl_host *h)
{
    tl_listener *l;

    for (l = h->listeners; l && h->reqhash; l = l->next) {
	ReqPromoteListener(h, l);
    }
}

/* A listener closes: its records become its embryonic TCBs again, for
 * tcp_listener_close() to drop as it drops them; its templates go. */
void
tcp_req_drop_all(
    tl_listener *l)
{
    int i;

    ReqPromoteListener(l->host, l);
    for (i = 0; i < 8; i++) {
	free(l->reqtmpl[i]);
	l->reqtmpl[i] = NULL;
    }
}
