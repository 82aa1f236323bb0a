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

tl_tcb *
tcp_newtcb(
    tl_host *h)
{
    static uint64_t ids;
    tl_tcb *tp = calloc(1, sizeof(*tp));

    if (tp == NULL) {
	return NULL;
    }
    tp->host = h;
    tp->id = ++ids;
    tp->state = TCPS_CLOSED;
    tp->created = net_now(h->net);
    tp->last_rcv = tp->created;
    tp->rto = tcp_ms(h->tun.rto_initial);
    tp->ssthresh = 0x7fffffff;
    if (!ring_init(&tp->sndbuf, (uint32_t) h->tun.sndbuf)
	    || !ring_init(&tp->rcvbuf, (uint32_t) h->tun.rcvbuf)) {
	ring_free(&tp->sndbuf);
	free(tp);
	return NULL;
    }
    tcp_timer_init(tp);
    event_init(&tp->app_ev, tcp_service_run, tp);
    tp->next = h->tcbs;
    h->tcbs = tp;
    return tp;
}

/* Tells the user something changed (data, EOF, error or state). */
void
tcp_notify(
    tl_tcb *tp)
{
    tl_net *net = tp->host->net;

    if (tp->user && net->up && net->up->readable) {
	net->up->readable(tp->user, tp);
    }
}

void
tcp_set_state(
    tl_tcb *tp,
    int state)
{
    tl_net *net = tp->host->net;
    int from = tp->state;

    if (from == state) {
	return;
    }
    tp->state = state;
    if (tp->nhist < (int) (sizeof(tp->hist) / sizeof(tp->hist[0]))) {
	tp->hist[tp->nhist].t = net_now(net);
	tp->hist[tp->nhist++].state = (uint8_t) state;
    }
    if (tp->user && net->up && net->up->state) {
	net->up->state(tp->user, tp, from, state);
    }
}

/* Takes tp off its listener's queue or embryonic count. */
void
tcp_unqueue(
    tl_tcb *tp)
{
    tl_listener *l = tp->listener;
    tl_tcb **pp, *prev = NULL;

    if (!tp->onq) {
	l->q0len--;
    } else {
	for (pp = &l->q; *pp; prev = *pp, pp = &(*pp)->qnext) {
	    if (*pp == tp) {
		*pp = tp->qnext;
		if (l->qtail == tp) {
		    l->qtail = prev;
		}
		l->qlen--;
		break;
	    }
	}
    }
    tp->qnext = NULL;
    tp->onq = 0;
    tp->listener = NULL;
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
    clock_cancel(&tp->host->net->clock, &tp->app_ev);
    if (tp->listener) {
	tcp_unqueue(tp);
    }
    tcp_set_state(tp, TCPS_CLOSED);
    while (tp->reass) {
	tl_reass *r = tp->reass;

	tp->reass = r->next;
	free(r);
    }
    tp->reass_bytes = 0;
    while (tp->pend) {
	tl_chunk *c = tp->pend;

	tp->pend = c->next;
	free(c);
    }
    tp->pend_tail = NULL;
    tp->pend_bytes = 0;
    tp->src_left = 0;
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
	tcp_send_ctl(tp, tp->snd_nxt, TH_RST | TH_ACK);
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
    tl_tcb **pp;

    for (pp = &h->tcbs; *pp; pp = &(*pp)->next) {
	if (*pp == tp) {
	    *pp = tp->next;
	    break;
	}
    }
    tcp_timers_cancel_all(tp);
    clock_cancel(&h->net->clock, &tp->app_ev);
    if (tp->user && h->net->up && h->net->up->released) {
	h->net->up->released(tp->user, tp);
    }
    ring_free(&tp->sndbuf);
    ring_free(&tp->rcvbuf);
    while (tp->reass) {
	tl_reass *r = tp->reass;

	tp->reass = r->next;
	free(r);
    }
    while (tp->pend) {
	tl_chunk *c = tp->pend;

	tp->pend = c->next;
	free(c);
    }
    free(tp);
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
    tl_time up = net_now(h->net) - h->booted;
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
    isn = (uint32_t) Mix(h->net->seed ^ Mix(((uint64_t) laddr << 32 | raddr)
	    ^ ((uint64_t) lport << 16 | rport) * 0x9e3779b97f4a7c15ull));
    return isn + (uint32_t) (net_now(h->net) / t->isn_clock_ns);
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
    host_inject(h, src, dst, &th, NULL, 0);
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
    tl_addr nh;
    tl_iface *ifc = host_route(h, raddr, &nh);
    const tl_tunables *t = &h->tun;
    uint32_t mss = (ifc ? ifc->mtu : 576) - 40;

    if (t->mss_round && mss > (uint32_t) t->mss_round) {
	mss -= mss % (uint32_t) t->mss_round;
    }
    if (t->mss_nonlocal && !host_is_local(h, raddr)
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
    if (mss > tp->mss_offer) {
	mss = tp->mss_offer;
    }
    if (mss < 64) {
	mss = 64;
    }
    tp->mss = (uint16_t) mss;
    /* RFC 5681 3.1 initial window, or the profile's segment count. */
    if (t->initial_cwnd > 0) {
	tp->cwnd = (uint32_t) t->initial_cwnd * mss;
    } else if (mss > 2190) {
	tp->cwnd = 2 * mss;
    } else if (mss > 1095) {
	tp->cwnd = 3 * mss;
    } else {
	tp->cwnd = 4 * mss;
    }
}

tl_tcb *
tcp_lookup(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    tl_addr raddr,
    uint16_t rport)
{
    tl_tcb *tp;

    for (tp = h->tcbs; tp; tp = tp->next) {
	if (tp->lport == lport && tp->rport == rport && tp->laddr == laddr
		&& tp->raddr == raddr && tp->state != TCPS_CLOSED) {
	    return tp;
	}
    }
    return NULL;
}

/* The most specific listener for laddr.lport (book fig. 18-22). */
tl_listener *
tcp_lookup_listener(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport)
{
    tl_listener *l, *wild = NULL;

    for (l = h->listeners; l; l = l->next) {
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

    for (l = h->listeners; l; l = l->next) {
	if (l->lport == lport && (l->laddr == 0 || laddr == 0
		|| l->laddr == laddr)) {
	    return 1;
	}
    }
    if (reuseaddr) {
	return 0;
    }
    for (tp = h->tcbs; tp; tp = tp->next) {
	if (tp->state != TCPS_CLOSED && tp->lport == lport
		&& (laddr == 0 || tp->laddr == laddr)) {
	    return 1;
	}
    }
    return 0;
}

/* The receive window we can offer: free space in the receive buffer. */
uint32_t
tcp_rcv_space(
    const tl_tcb *tp)
{
    return ring_space(&tp->rcvbuf);
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
