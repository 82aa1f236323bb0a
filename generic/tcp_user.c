/*
 * tcp_user.c --
 *
 *	The user asks: OPEN, SEND, RECEIVE, CLOSE, ABORT (RFC 9293 3.10.1 to
 *	3.10.5), shutdown, listen and accept: TCP's side of each request. The
 *	socket layer (socket.c) is the entry point that checks and dispatches
 *	them, as 4.4BSD's tcp_usrreq() calls into tcp_subr.c and tcp_output.c;
 *	applications built into the stack (apps.c) run on that layer.
 */

#include <stdlib.h>
#include <string.h>
#include "tcp.h"

/*
 * tcp_apply_opts --
 *	Gives a new TCB the socket options set before it opened, or its
 *	listener's (Linux inet_csk_clone_lock(): the child copies the
 *	listening socket).
 * Results:
 *	0 if the buffers could not be had, else 1.
 */

int
tcp_apply_opts(
    tl_tcb *tp,
    const tl_openopts *o)
{
    if (o->rcvbuf > 0) {
	tp->rcvbuf_lock = 1;	/* Linux SOCK_RCVBUF_LOCK */
	ring_free(&tp->rcvbuf);
	if (!ring_init(&tp->rcvbuf, tcp_rcvbuf_size(tp->host, o->rcvbuf))) {
	    return 0;
	}
    }
    if (o->sndbuf > 0) {
	tp->flags |= TF_SNDBUF_LOCK;
	ring_free(&tp->sndbuf);
	if (!ring_init(&tp->sndbuf, (uint32_t) o->sndbuf)) {
	    return 0;
	}
    }
    if (o->nodelay) {
	tp->flags |= TF_NODELAY;
    }
    if (o->cork) {
	tp->flags |= TF_CORK;
    }
    if (o->keepalive) {
	tp->flags |= TF_KEEPALIVE;
    }
    if (o->linger_on && o->linger == 0) {
	tp->flags |= TF_RST_ON_CLOSE;
    }
    if (o->pingpong) {
	tp->flags |= TF_PINGPONG;
    }
    tp->reuseaddr = o->reuseaddr;
    if (tp->x != &tcp_tcbx_idle || o->linger_on || o->keepidle
	    || o->keepintvl || o->keepcnt || o->mss || o->user_timeout
	    || o->notsent_lowat || o->recvmsg_inq || o->defer_accept
	    || o->syn_retries) {
	/* (Options at their defaults leave the cold part idle.) */
	tl_tcbx *x = tcp_xw(tp);

	x->linger = o->linger_on ? o->linger : -1;
	x->keepidle = o->keepidle;
	x->keepintvl = o->keepintvl;
	x->keepcnt = o->keepcnt;
	x->user_mss = (uint16_t) o->mss;
	x->user_timeout = o->user_timeout;
	x->notsent_lowat = o->notsent_lowat;
	x->recvmsg_inq = (uint8_t) o->recvmsg_inq;
	x->defer_accept = (uint8_t) o->defer_accept;
	x->syn_retries = (uint8_t) o->syn_retries;
    }
    if (o->cc_name[0]) {
	tcp_cc_set(tp, o->cc_name);
    }
    return 1;
}

static uint16_t
EphemeralPort(
    tl_host *h,
    tl_addr laddr)
{
    const tl_tunables *t = &h->tun;
    int n = t->port_hi - t->port_lo + 1, i;

    if (h->next_port < t->port_lo || h->next_port > t->port_hi) {
	h->next_port = (uint16_t) t->port_lo;
    }
    for (i = 0; i < n; i++) {
	uint16_t p = h->next_port;

	h->next_port = p >= t->port_hi ? (uint16_t) t->port_lo
		: (uint16_t) (p + 1);
	if (!tcp_port_in_use(h, laddr, p, 0)) {
	    return p;
	}
    }
    return 0;
}

/*
 * TwReusable --
 *	Linux tcp_twsk_unique(): a TIME_WAIT connection may be taken over by
 *	a new connect() when timestamps were in use and the last one came a
 *	second ago or more (tcp_tw_reuse 1; 2 limits this to loopback).
 */

static int
TwReusable(
    const tl_tcb *tp)
{
    int reuse = tp->host->tun.tcp_tw_reuse;

    if (tp->state != TCPS_TIME_WAIT || reuse == 0
	    || (reuse == 2 && (tp->raddr >> 24) != 127)
	    || !(tp->flags & TF_RCVD_TSTMP)) {
	return 0;
    }
    return tcp_now(tp->host) - tp->last_rcv >= TL_SEC;
}

/*
 * tcp_connect --
 *	Active OPEN (RFC 9293 3.10.1): a new TCB in SYN_SENT and its SYN.
 * Results:
 *	0, or an errno (EADDRINUSE, ENETUNREACH, EADDRNOTAVAIL, ENOMEM).
 */

int
tcp_connect(
    tl_host *h,
    tl_addr raddr,
    uint16_t rport,
    const tl_openopts *o,
    tl_tcb **tpPtr)
{
    return tcp_connect_fo(h, raddr, rport, o, NULL, tpPtr);
}

/*
 * tcp_fastopen_send --
 *	The first data of a Fast Open connection whose SYN has not gone yet
 *	(sendto() with MSG_FASTOPEN, or a write after a deferred connect():
 *	Linux tcp_sendmsg_fastopen() -> tcp_connect() -> tcp_send_syn_data()):
 *	the SYN goes with what Fast Open lets it carry. A blocking write
 *	(fo->nonblock 0) queues the rest too, sent once the connection is
 *	established (Linux waits in inet_wait_for_connect(), then copies
 *	it); a non-blocking one takes only what the SYN carries.
 */

static int
FastopenSend(
    tl_tcb *tp,
    tl_fosend *fo)
{
    int space = tcp_fastopen_connect(tp, fo->len, fo->nobuf);
    uint32_t n = fo->nonblock || fo->nobuf ? (uint32_t) space : fo->len;
    int err = 0;

    if (tp->x->fo_defer) {
	tcp_xw(tp)->fo_defer = 0;
    }
    fo->taken = 0;
    if (n) {
	err = tcp_send(tp, fo->data, n);
	if (err == 0) {
	    fo->taken = n;
	}
    } else {
	tcp_output(tp);
    }
    return err;
}

/* The first write on a connection connect() deferred (TCP_FASTOPEN_CONNECT
 * with a cookie cached). */
int
tcp_fastopen_write(
    tl_tcb *tp,
    tl_fosend *fo)
{
    if (!tp->x->fo_defer) {
	return EALREADY;
    }
    return FastopenSend(tp, fo);
}

/*
 * tcp_connect_fo --
 *	tcp_connect(), with Fast Open (tunable tcp_fastopen, bit 1): fo
 *	non-NULL is sendto() with MSG_FASTOPEN, its data going with the SYN
 *	as FastopenSend() says; else TCP_FASTOPEN_CONNECT (o->fastopen_connect)
 *	with a cookie cached defers the SYN to the first write (Linux
 *	tcp_fastopen_defer_connect(): connect() returns 0 at once, the
 *	socket in SYN_SENT), and without one sends a SYN asking for a cookie.
 */

int
tcp_connect_fo(
    tl_host *h,
    tl_addr raddr,
    uint16_t rport,
    const tl_openopts *o,
    tl_fosend *fo,
    tl_tcb **tpPtr)
{
    tl_tcb *tp;
    tl_addr laddr;
    uint16_t lport = o->lport;
    uint32_t tw_iss = 0;
    int has_tw_iss = 0;

    if (!h->up) {
	return ENETDOWN;
    }
    if (o->laddr && !h->tcp.ops->has_addr(h->tcp.ctx, o->laddr)) {
	return EADDRNOTAVAIL;
    }
    if (o->laddr) {
	laddr = o->laddr;
    } else {
	tl_tcp_route r;

	h->tcp.ops->route(h->tcp.ctx, raddr, &r);
	laddr = r.src;
    }
    if (laddr == 0) {
	return ENETUNREACH;
    }
    if (lport) {
	/* 4.4BSD in_pcbbind and in_pcbconnect: a port in use needs
	 * SO_REUSEADDR, and even then the same 4-tuple (in TIME_WAIT, say)
	 * is refused (book 18.6.1) -- unless tcp_tw_reuse lets Linux take
	 * the TIME_WAIT connection over. */
	tl_tcb *old = tcp_lookup(h, laddr, lport, raddr, rport);

	if (old && TwReusable(old)) {
	    /* Linux tcp_twsk_unique(): tw_snd_nxt + 65535 + 2. */
	    tw_iss = old->snd_nxt + (uint32_t) h->tun.tw_reuse_isn_incr;
	    has_tw_iss = h->tun.tw_reuse_isn_incr != 0;
	    tcp_close(old);
	    old = NULL;
	}
	if (old && (old->flags & TF_TWREC)) {
	    /* Rebuilt from a compact record to be looked at: back. */
	    tcp_tw_settle(old);
	}
	if (old || tcp_port_in_use(h, laddr, lport, o->reuseaddr)) {
	    return EADDRINUSE;
	}
    } else if ((lport = EphemeralPort(h, laddr)) == 0) {
	return EADDRNOTAVAIL;
    }
    tp = tcp_newtcb(h);
    if (tp == NULL) {
	return ENOMEM;
    }
    if (!tcp_apply_opts(tp, o)) {
	tcp_free(tp);
	return ENOMEM;
    }
    tcp_set_tuple(tp, laddr, lport, raddr, rport);
    if (h->tun.tcp_window_scaling) {
	tp->flags |= TF_REQ_SCALE;
    }
    if (h->tun.tcp_timestamps) {
	tp->flags |= TF_REQ_TSTMP;
    }
    if (h->tun.tcp_sack) {
	tp->flags |= TF_REQ_SACK;
    }
    tcp_apply_opts(tp, o);
    tp->iss = o->has_isn ? o->isn : has_tw_iss ? tw_iss
	    : tcp_new_isn(h, laddr, lport, raddr, rport);
    tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_sml = tp->iss;
    tp->snd_buf_seq = tp->iss + 1;
    tp->mss_offer = tcp_mss_offer(h, raddr, o->mss);
    tcp_mss_set(tp, 0);
    tcp_rcv_clamp(tp, tp->mss_offer);
    tcp_set_state(tp, TCPS_SYN_SENT);
    if (o->fastopen_connect) {
	tcp_xw(tp)->fastopen_connect = 1;
    }
    *tpPtr = tp;
    if (fo == NULL && o->fastopen_connect
	    && (h->tun.tcp_fastopen & 1) && tcp_fastopen_cached(h, raddr)) {
	/* No SYN, no timer, until the first write. */
	tcp_xw(tp)->fo_defer = 1;
	return 0;
    }
    if (h->tun.conn_timeout) {
	tcp_timer_set(tp, TT_CONN, tcp_ms(h->tun.conn_timeout));
    }
    if (fo) {
	return FastopenSend(tp, fo);
    }
    if (o->fastopen_connect && (h->tun.tcp_fastopen & 1)) {
	tcp_fastopen_connect(tp, 0, 0);
    }
    tcp_output(tp);
    return 0;
}

/*
 * tcp_listen --
 *	Passive OPEN on laddr (0 = any) and lport.
 * Results:
 *	0, or EADDRINUSE / EADDRNOTAVAIL.
 */

int
tcp_listen(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    int backlog,
    const tl_openopts *o,
    const tl_app *app,
    tl_listener **lPtr)
{
    tl_listener *l;

    if (laddr && !h->tcp.ops->has_addr(h->tcp.ctx, laddr)) {
	return EADDRNOTAVAIL;
    }
    if (tcp_port_in_use(h, laddr, lport, o->reuseaddr)) {
	return EADDRINUSE;
    }
    l = calloc(1, sizeof(*l));
    if (l == NULL) {
	return ENOMEM;
    }
    l->host = h;
    l->laddr = laddr;
    l->lport = lport;
    l->backlog = backlog < 0 ? 0 : backlog;
    l->app = app;
    l->opts = *o;
    if (!tcp_listener_link(l)) {
	free(l);
	return ENOMEM;
    }
    *lPtr = l;
    return 0;
}

/* Takes the oldest completed connection off the queue (FIFO), or NULL. */
tl_tcb *
tcp_accept(
    tl_listener *l)
{
    tl_tcb *tp = l->q;

    if (tp == NULL) {
	return NULL;
    }
    tcp_unqueue(tp);
    return tp;
}

/*
 * tcp_listener_close --
 *	Closes a listener; connections not yet accepted are aborted, as
 *	4.4BSD soclose() aborts its queues.
 */

void
tcp_listener_close(
    tl_listener *l)
{
    tl_host *h = l->host;

    tcp_req_drop_all(l);
    /* Newest first, as a walk of the host's TCBs finds them. */
    while (l->children) {
	tcp_drop(l->children, ECONNABORTED);
    }
    tcp_listener_unlink(l);
    if (l->user && h->tcp.up && h->tcp.up->listener_gone) {
	h->tcp.up->listener_gone(l->user, l);
    }
    free(l);
}

static void
Append(
    tl_tcb *tp,
    tl_chunk *c)
{
    if (tp->x->pend_tail) {
	tp->x->pend_tail->next = c;
    } else {
	tcp_xw(tp)->pend = c;
    }
    tcp_xw(tp)->pend_tail = c;
    tcp_xw(tp)->pend_bytes += c->len;
}

/*
 * tcp_send --
 *	SEND (RFC 9293 3.10.2): queues data; what does not fit in the send
 *	buffer waits and goes in as space frees, so no byte is refused.
 * Results:
 *	0, or the pending error, or EPIPE after the sending side closed.
 */

int
tcp_send(
    tl_tcb *tp,
    const uint8_t *data,
    uint32_t len)
{
    return tcp_send_flags(tp, data, len, 0);
}

/* A record boundary at seq (MSG_EOR): no segment spans it. 0 without
 * memory. */
int
tcp_eor_mark(
    tl_tcb *tp,
    uint32_t seq)
{
    if (tp->x->neor && tp->x->eor[tp->x->neor - 1] == seq) {
	return 1;
    }
    if (tp->x->neor == tp->x->eoralloc) {
	int na = tp->x->eoralloc ? 2 * tp->x->eoralloc : 8;
	uint32_t *e = realloc(tp->x->eor, (size_t) na * sizeof(*e));

	if (e == NULL) {
	    return 0;
	}
	tcp_xw(tp)->eor = e;
	tcp_xw(tp)->eoralloc = na;
    }
    tcp_xw(tp)->eor[tcp_xw(tp)->neor++] = seq;
    return 1;
}

/*
 * tcp_send_flags --
 *	SEND with Linux's MSG_MORE and MSG_EOR (tcp_sendmsg_locked()).
 *	MSG_MORE: the push that ends the write is a corked one (tcp_push()
 *	with TCP_NAGLE_CORK): a partial segment waits, as under TCP_CORK, for
 *	more data, an ACK that lets Nagle send it, or the probe timer; and
 *	the write's last byte is not marked for PSH (tcp_mark_push() is
 *	skipped). MSG_EOR: the write's last skb is marked eor, so no later
 *	data is appended to it and no segment, first or retransmitted, spans
 *	the boundary (tcp_skb_can_collapse_to(), tcp_can_collapse()).
 */

int
tcp_send_flags(
    tl_tcb *tp,
    const uint8_t *data,
    uint32_t len,
    int flags)
{
    uint32_t n = 0;
    uint32_t start = tp->snd_buf_seq + tp->sndbuf.len
	    + (uint32_t) tp->x->pend_bytes;

    if (tp->so_error) {
	int err = tp->so_error;

	tp->so_error = 0;
	return err;
    }
    if (tp->state == TCPS_CLOSED || (tp->flags & TF_WANTFIN)) {
	return EPIPE;
    }
    if (len == 0) {
	return 0;
    }
    tcp_idle_restart(tp, IDLE_AT_WRITE);
    if (tp->x->pend == NULL) {
	uint32_t end = tp->snd_buf_seq + tp->sndbuf.len;
	uint32_t unsent = SEQ_GT(end, tp->snd_max) ? end - tp->snd_max : 0;
	uint32_t goal = tcp_size_goal(tp);

	n = ring_write(&tp->sndbuf, data, len);
	if (tp->host->tun.tso_defer && unsent < goal && unsent + n >= goal) {
	    /* The write fills the skb at the head of the write queue, which
	     * tcp_sendmsg_locked() sends at once with tcp_push_one(): its
	     * first packet is not held back (tunable tso_defer). */
	    tp->push_one = 1;
	}
    }
    if (n < len) {
	tl_chunk *c = malloc(sizeof(*c) + (len - n));

	if (c == NULL) {
	    return ENOMEM;
	}
	memset(c, 0, sizeof(*c));
	c->len = len - n;
	memcpy(c->data, data + n, len - n);
	Append(tp, c);
    }
    if (tcp_unsent(tp) == (uint64_t) len) {
	/* Queued into an empty write queue (tcp_add_write_queue_tail()). */
	tcp_chrono_busy(tp);
    }
    tcp_wq_write(tp, start, len, tcp_size_goal(tp));
    if ((flags & TCP_SEND_EOR) && !tcp_eor_mark(tp, start + len)) {
	return ENOMEM;
    }
    if (!(flags & TCP_SEND_MORE)) {
	if (tp->x->more) {
	    tcp_xw(tp)->more = 0;
	}
	tcp_output(tp);
    } else {
	if (!tp->x->more) {
	    tcp_xw(tp)->more = 1;
	    tcp_xw(tp)->more_seq = start;
	}
	if (tp->flags & TF_CORK) {
	    tcp_output(tp);
	} else {
	    tp->flags |= TF_CORK;
	    tcp_output(tp);
	    tp->flags &= ~TF_CORK;
	}
    }
    return 0;
}

/*
 * Linux's send chronographs (tcp_chrono_start(), tcp_chrono_stop(),
 * tcp_get_info_chrono_stats()): time the connection had data to send
 * (busy) and, of that, time the peer's window held it back (rwnd
 * limited); tcp_info reports their sum as tcpi_busy_time. Busy starts
 * when data is queued with nothing unsent before it; rwnd limited starts
 * when an output pass finds cwnd room but the next segment outside the
 * peer's window (tcp_write_xmit(): tcp_snd_wnd_test()) and stops, back to
 * busy, when a pass is not so limited; everything stops when nothing is
 * unsent or unacknowledged. A more interesting chronograph takes over
 * from a less interesting one (rwnd limited over busy).
 */

#define CHRONO_BUSY	1
#define CHRONO_RWND	2

static void
ChronoSet(
    tl_tcb *tp,
    int type)
{
    tl_time now = tcp_now(tp->host);

    if (tp->x->chrono_type > 0) {
	tcp_xw(tp)->chrono_stat[tp->x->chrono_type - 1]
		+= now - tp->x->chrono_start;
    }
    tcp_xw(tp)->chrono_start = now;
    tcp_xw(tp)->chrono_type = type;
}

static void
ChronoStart(
    tl_tcb *tp,
    int type)
{
    if (type > tp->x->chrono_type) {
	ChronoSet(tp, type);
    }
}

static void
ChronoStop(
    tl_tcb *tp,
    int type)
{
    if (tcp_unsent(tp) == 0 && tp->snd_max == tp->snd_una) {
	if (tp->x->chrono_type) {
	    ChronoSet(tp, 0);
	}
    } else if (type == tp->x->chrono_type) {
	ChronoSet(tp, CHRONO_BUSY);
    }
}

void
tcp_chrono_busy(
    tl_tcb *tp)
{
    ChronoStart(tp, CHRONO_BUSY);
}

/* After an output pass. */
void
tcp_chrono_update(
    tl_tcb *tp)
{
    uint64_t unsent = tcp_unsent(tp);

    if (!TCPS_HAVEESTABLISHED(tp->state)) {
	return;
    }
    if ((unsent && tcp_in_flight(tp) < tp->cwnd
	    && SEQ_GT(tp->snd_max + (uint32_t) TL_MIN(unsent,
		(uint64_t) tp->mss), tp->snd_una + tp->snd_wnd))
	    || tp->defer_limited == 2) {
	/* Held back by the window (tcp_write_xmit(): is_rwnd_limited from
	 * tcp_snd_wnd_test() or tcp_tso_should_defer()). */
	ChronoStart(tp, CHRONO_RWND);
    } else {
	ChronoStop(tp, CHRONO_RWND);
    }
}

/* Whether the receive-window-limited chronograph runs. */
int
tcp_chrono_rwnd(
    const tl_tcb *tp)
{
    return tp->x->chrono_type == CHRONO_RWND;
}

/* Time in chronograph type (1 busy, 2 rwnd limited), the running one
 * included. */
tl_time
tcp_chrono_stat(
    const tl_tcb *tp,
    int type)
{
    tl_time t = tp->x->chrono_stat[type - 1];

    if (tp->x->chrono_type == type) {
	t += tcp_now(tp->host) - tp->x->chrono_start;
    }
    return t;
}

/*
 * tcp_eor_clip --
 *	Clips the segment [seq, seq + *lenPtr) at the first MSG_EOR boundary
 *	inside it (boundaries at or below snd_una are dropped first).
 * Results:
 *	1 when the segment now ends at a boundary, else 0.
 */

int
tcp_eor_clip(
    tl_tcb *tp,
    uint32_t seq,
    uint32_t *lenPtr)
{
    int i, drop = 0;

    while (drop < tp->x->neor && SEQ_LEQ(tp->x->eor[drop], tp->snd_una)) {
	drop++;
    }
    if (drop) {
	memmove(tp->x->eor, tp->x->eor + drop,
		(size_t) (tp->x->neor - drop) * sizeof(*tp->x->eor));
	tcp_xw(tp)->neor -= drop;
    }
    for (i = 0; i < tp->x->neor; i++) {
	if (SEQ_GT(tp->x->eor[i], seq)) {
	    if (SEQ_LEQ(tp->x->eor[i], seq + *lenPtr)) {
		*lenPtr = tp->x->eor[i] - seq;
		return 1;
	    }
	    return 0;
	}
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 * Linux's send-buffer memory (tunable skb_truesize; 6.18
 * tcp_sendmsg_locked(), tcp_write_xmit(), tcp_clean_rtx_queue()).
 * tcplab keeps the data in a ring, not as skbs: this model keeps only
 * where Linux's skbs would end past snd_una, in tp->x->wq. A sent skb is
 * one entry: a GSO packet as it left (tso_fragment() cuts the head skb
 * where the packet ends, tcp_grow_skb() moves the next skbs' data into
 * it and frees those emptied). The unsent skbs are runs: a write fills
 * the last unsent skb up to the size goal (tcp_xmit_size_goal()), then
 * begins new ones, so a run is cut every goal bytes from its base; a
 * packet that leaves from inside a run leaves the rest of its skb as one
 * shorter skb, which the next write fills up to the goal again if it is
 * the last. A run begins where a write finds no unsent skb to fill, after
 * a MSG_EOR record (tcp_skb_can_collapse_to()), or where the goal
 * changed. Entries exist while the tunable is on and data is
 * unacknowledged; what the model leaves out: a write with MSG_OOB (skbs
 * of one MSS in Linux) is cut as any other, a retransmission neither
 * splits nor joins skbs, data a Fast Open SYN carried is one skb, the
 * FIN's skb (tcp_send_fin(), after the last write) is not charged, and a
 * blocking write, which tcplab takes whole, is charged whole (Linux's
 * writer would wait in sk_stream_wait_memory() with the rest not yet
 * copied).
 *----------------------------------------------------------------------
 */

static tl_wqent *
WqInsert(
    tl_tcb *tp,
    int i)
{
    tl_tcbx *x = tcp_xw(tp);

    if (x->nwq == x->wqalloc) {
	int na = x->wqalloc ? 2 * x->wqalloc : 8;
	tl_wqent *w = realloc(x->wq, (size_t) na * sizeof(*w));

	if (w == NULL) {
	    return NULL;	/* The model goes short of an skb. */
	}
	x->wq = w;
	x->wqalloc = na;
    }
    memmove(x->wq + i + 1, x->wq + i, (size_t) (x->nwq - i) * sizeof(*x->wq));
    x->nwq++;
    return &x->wq[i];
}

static void
WqRemove(
    tl_tcb *tp,
    int i,
    int n)
{
    tl_tcbx *x = tcp_xw(tp);

    memmove(x->wq + i, x->wq + i + n,
	    (size_t) (x->nwq - i - n) * sizeof(*x->wq));
    x->nwq -= n;
}

/* Where entry i begins: the end of the one before it (snd_una for the
 * first), a run's base if that is later, and no unsent skb before
 * snd_max. */
static uint32_t
WqStart(
    const tl_tcb *tp,
    int i)
{
    const tl_wqent *e = &tp->x->wq[i];
    uint32_t s = i ? tp->x->wq[i - 1].end : tp->snd_una;

    if (SEQ_LT(s, tp->snd_una)) {
	s = tp->snd_una;
    }
    if (e->goal) {
	if (SEQ_GT(e->base, s)) {
	    s = e->base;
	}
	if (SEQ_LT(s, tp->snd_max)) {
	    s = tp->snd_max;
	}
    }
    return s;
}

/* The skbs entry i holds. */
static uint32_t
WqCount(
    const tl_tcb *tp,
    int i)
{
    const tl_wqent *e = &tp->x->wq[i];
    uint32_t s = WqStart(tp, i);

    if (!SEQ_GT(e->end, s)) {
	return 0;
    }
    if (e->goal == 0) {
	return 1;
    }
    return (e->end - 1 - e->base) / e->goal - (s - e->base) / e->goal + 1;
}

/* The first byte of the unsent last skb, or 0 with *okPtr 0 when there is
 * none data can be added to (Linux tcp_write_queue_tail() is NULL or
 * marked eor). */
static uint32_t
WqTail(
    const tl_tcb *tp,
    int *okPtr)
{
    const tl_tcbx *x = tp->x;
    const tl_wqent *e;
    uint32_t s, ts;

    *okPtr = 0;
    if (x->nwq == 0) {
	return 0;
    }
    e = &x->wq[x->nwq - 1];
    if (e->goal == 0 || (x->neor && x->eor[x->neor - 1] == e->end)) {
	return 0;
    }
    s = WqStart(tp, x->nwq - 1);
    if (!SEQ_GT(e->end, s)) {
	return 0;
    }
    ts = e->base + (e->end - 1 - e->base) / e->goal * e->goal;
    *okPtr = 1;
    return SEQ_LT(ts, s) ? s : ts;
}

/*
 * tcp_wq_write --
 *	A write queued [seq, seq + len), in skbs of goal bytes.
 */

void
tcp_wq_write(
    tl_tcb *tp,
    uint32_t seq,
    uint32_t len,
    uint32_t goal)
{
    tl_wqent *e;
    uint32_t ts;
    int n = tp->x->nwq, ok;

    if (!tp->host->tun.skb_truesize || len == 0 || goal == 0) {
	return;
    }
    ts = WqTail(tp, &ok);
    if (ok && tp->x->wq[n - 1].end == seq && seq - ts < goal) {
	/* The last skb fills up to the goal, then new ones begin. */
	e = &tcp_xw(tp)->wq[n - 1];
	if (e->goal == goal && (ts - e->base) % goal == 0) {
	    e->end += len;
	    return;
	}
	if (ts == WqStart(tp, n - 1)) {
	    e->base = ts;		/* The run is that skb alone. */
	    e->goal = goal;
	    e->end += len;
	    return;
	}
	e->end = ts;			/* It goes to a run of its own. */
	e = WqInsert(tp, n);
	if (e) {
	    e->base = ts;
	    e->goal = goal;
	    e->end = seq + len;
	}
	return;
    }
    e = WqInsert(tp, n);
    if (e) {
	e->base = seq;
	e->goal = goal;
	e->end = seq + len;
    }
}

/*
 * tcp_wq_sent --
 *	New data [seq, seq + len) left, as the continuation of the GSO packet
 *	before it (cont) or as a packet of its own: the unsent skbs it covers
 *	become one sent skb.
 */

void
tcp_wq_sent(
    tl_tcb *tp,
    uint32_t seq,
    uint32_t len,
    int cont)
{
    uint32_t end = seq + len;
    tl_tcbx *x;
    tl_wqent *e;
    int u, i;

    if (!tp->host->tun.skb_truesize || len == 0) {
	return;
    }
    x = tcp_xw(tp);
    for (u = x->nwq; u > 0 && x->wq[u - 1].goal != 0; u--) {
	continue;		/* The sent skbs come first. */
    }
    for (i = u; i < x->nwq && SEQ_LEQ(x->wq[i].end, end); i++) {
	continue;
    }
    if (i > u) {
	WqRemove(tp, u, i - u);	/* Joined into the packet's skb. */
    }
    if (u < x->nwq && SEQ_LT(x->wq[u].base, end)) {
	/* Cut inside: the rest of that skb stays, an skb of its own, the
	 * run's base when it is all the run holds. */
	e = &x->wq[u];
	if (SEQ_GEQ(e->base + ((end - e->base) / e->goal + 1) * e->goal,
		e->end)) {
	    e->base = end;
	}
    }
    if (cont && u > 0 && x->wq[u - 1].end == seq) {
	x->wq[u - 1].end = end;
	return;
    }
    e = WqInsert(tp, u);
    if (e) {
	e->end = end;
	e->base = 0;
	e->goal = 0;
    }
}

/* An ACK moved snd_una: the skbs it covers are freed. */
void
tcp_wq_acked(
    tl_tcb *tp)
{
    int i = 0;

    while (i < tp->x->nwq && SEQ_LEQ(tp->x->wq[i].end, tp->snd_una)) {
	i++;
    }
    if (i) {
	WqRemove(tp, 0, i);
    }
}

/* Room a write has in the unsent last skb for a goal of goal bytes:
 * size_goal - skb->len in tcp_sendmsg_locked(), 0 when a new skb must
 * begin. */
uint32_t
tcp_wq_room(
    const tl_tcb *tp,
    uint32_t goal)
{
    uint32_t end = tp->snd_buf_seq + tp->sndbuf.len
	    + (uint32_t) tp->x->pend_bytes, ts;
    int ok;

    ts = WqTail(tp, &ok);
    if (!ok || tp->x->wq[tp->x->nwq - 1].end != end || end - ts >= goal) {
	return 0;
    }
    return goal - (end - ts);
}

/* Linux sk_wmem_queued: each skb's head and every byte not acknowledged
 * (0 with the tunable off). */
uint64_t
tcp_wmem_queued(
    const tl_tcb *tp)
{
    const tl_tcbx *x = tp->x;
    uint64_t skbs = 0;
    int i = 0, u;

    if (!tp->host->tun.skb_truesize) {
	return 0;
    }
    /* One for each sent skb not acknowledged (those acknowledged go with
     * the ACK, tcp_wq_acked()), then the runs of unsent ones. */
    while (i < x->nwq && x->wq[i].goal == 0
	    && SEQ_LEQ(x->wq[i].end, tp->snd_una)) {
	i++;
    }
    for (u = x->nwq; u > i && x->wq[u - 1].goal != 0; u--) {
	skbs += WqCount(tp, u - 1);
    }
    skbs += (uint64_t) (u - i);
    return skbs * (uint64_t) tp->host->tun.skb_truesize + tp->sndbuf.len
	    + tp->x->pend_bytes;
}

/* The memory part of Linux __sk_stream_is_writeable(): sk_wmem_queued
 * below sk_sndbuf (sk_stream_memory_free()) and a third of the buffer
 * free (sk_stream_wspace() >= sk_stream_min_wspace()). 1 with the tunable
 * off. */
int
tcp_wmem_writable(
    const tl_tcb *tp)
{
    uint64_t q, buf = tp->sndbuf.cap;

    if (!tp->host->tun.skb_truesize) {
	return 1;
    }
    q = tcp_wmem_queued(tp);
    return q < buf && buf - q >= q / 2;
}

/* Whether a segment ending at end carries MSG_MORE data not yet pushed
 * (no PSH for it). */
int
tcp_unpushed(
    const tl_tcb *tp,
    uint32_t end)
{
    return tp->x->more && SEQ_GT(end, tp->x->more_seq);
}

/*
 * tcp_send_urgent --
 *	SEND with the URGENT flag (RFC 9293 3.8.5, 3.10.2; 4.4BSD
 *	PRU_SENDOOB): the data is queued and the urgent pointer set after its
 *	last byte, the BSD convention RFC 6093 describes; segments carry URG
 *	until the peer has acknowledged that far.
 * Results:
 *	0, or an error as tcp_send gives.
 */

int
tcp_send_urgent(
    tl_tcb *tp,
    const uint8_t *data,
    uint32_t len)
{
    int err;

    if (len == 0) {
	return 0;
    }
    if (tp->so_error || tp->state == TCPS_CLOSED
	    || (tp->flags & TF_WANTFIN)) {
	return tcp_send(tp, data, len);
    }
    tp->snd_up = tp->snd_buf_seq + tp->sndbuf.len
	    + (uint32_t) tp->x->pend_bytes + len;
    tp->flags |= TF_URG_SEND;
    err = tcp_send(tp, data, len);
    return err;
}

/*
 * tcp_recv_urgent --
 *	Reads the peer's urgent byte, which 4.4BSD takes out of the stream
 *	(tcp_pulloutofband; SO_OOBINLINE off).
 * Results:
 *	0 with the byte, EWOULDBLOCK when the urgent pointer came but its byte
 *	not yet, EINVAL when there is none.
 */

int
tcp_recv_urgent(
    tl_tcb *tp,
    uint8_t *bytePtr)
{
    if (tp->flags & TF_URG_HAVE) {
	tp->flags &= ~TF_URG_HAVE;
	*bytePtr = tp->x->iobc;
	return 0;
    }
    return (tp->flags & TF_URG_PEND) ? EWOULDBLOCK : EINVAL;
}

/*
 * tcp_send_gen --
 *	Queues nbytes more of the connection's generated stream, made as
 *	the send buffer has room (as sendfile() reads a file): an
 *	application's bulk data without holding it all.
 */

int
tcp_send_gen(
    tl_tcb *tp,
    uint64_t nbytes,
    tl_gen_fn *gen,
    void *arg)
{
    tl_chunk *c;
    uint64_t off = tp->x->gen_total;

    if (tp->state == TCPS_CLOSED || (tp->flags & TF_WANTFIN)) {
	return EPIPE;
    }
    if (nbytes) {
	tcp_idle_restart(tp, IDLE_AT_WRITE);
	if (tp->x->pend_tail && tp->x->pend_tail->gen == gen
		&& tp->x->pend_tail->genarg == arg
		&& tp->x->pend_tail->genoff + tp->x->pend_tail->len == off) {
	    /* More of the same stream. */
	    tp->x->pend_tail->len += nbytes;
	    tcp_xw(tp)->pend_bytes += nbytes;
	} else {
	    c = malloc(sizeof(*c));
	    if (c == NULL) {
		return ENOMEM;
	    }
	    memset(c, 0, sizeof(*c));
	    c->len = nbytes;
	    c->gen = gen;
	    c->genarg = arg;
	    c->genoff = off;
	    Append(tp, c);
	}
	tcp_xw(tp)->gen_total += nbytes;
	if (nbytes < (1u << 30)) {
	    /* (A longer stream is charged by its bytes alone until it
	     * leaves: the model's sequence numbers would wrap.) */
	    tcp_wq_write(tp, tp->snd_buf_seq + tp->sndbuf.len
		    + (uint32_t) (tp->x->pend_bytes - nbytes),
		    (uint32_t) nbytes, tcp_size_goal(tp));
	}
    }
    tcp_output(tp);
    return 0;
}

/* Bytes written but not yet sent (Linux tcpi_notsent_bytes). */
uint64_t
tcp_unsent(
    const tl_tcb *tp)
{
    uint32_t end = tp->snd_buf_seq + tp->sndbuf.len;
    uint32_t inbuf = SEQ_GT(end, tp->snd_max) ? end - tp->snd_max : 0;

    return inbuf + tp->x->pend_bytes;
}

uint32_t
tcp_readable(
    const tl_tcb *tp)
{
    return tp->rcvbuf.len;
}

/* At end of stream: the FIN arrived and was read up to, or the end came. */
int
tcp_at_eof(
    const tl_tcb *tp)
{
    return tp->rcvbuf.len == 0 && ((tp->flags & (TF_RCVD_FIN | TF_SHUT_RD))
	    || tp->state == TCPS_CLOSED);
}

/*
 * tcp_recv --
 *	RECEIVE (RFC 9293 3.10.3): copies up to max bytes; the window opened
 *	by reading may be announced at once.
 */

uint32_t
tcp_recv(
    tl_tcb *tp,
    uint8_t *buf,
    uint32_t max)
{
    uint32_t n = TL_MIN(max, tp->rcvbuf.len);

    if (n == 0) {
	return 0;
    }
    if (buf) {
	ring_peek(&tp->rcvbuf, 0, buf, n);
    }
    ring_drop(&tp->rcvbuf, n);
    tp->bytes_read += n;
    tcp_rcv_space_adjust(tp);
    if (TCPS_HAVEESTABLISHED(tp->state)) {
	tcp_output_after_read(tp);
    }
    return n;
}

/*
 * UsrClosed --
 *	No more data will be sent: the FIN is queued after the data, and the
 *	state changes at once (RFC 9293 3.10.4: "In any case, enter FIN-WAIT-1
 *	state"); SYN_RCVD waits until it is established.
 */

static void
UsrClosed(
    tl_tcb *tp)
{
    tp->flags |= TF_WANTFIN;
    if (tp->state == TCPS_ESTABLISHED) {
	tcp_set_state(tp, TCPS_FIN_WAIT_1);
    } else if (tp->state == TCPS_CLOSE_WAIT) {
	tcp_set_state(tp, TCPS_LAST_ACK);
    }
    tcp_output(tp);
}

/*
 * tcp_shutdown --
 *	Half-close (book 18.5): shutting down writing sends a FIN after the
 *	queued data and keeps receiving; shutting down reading makes reads
 *	return end of stream.
 */

int
tcp_shutdown(
    tl_tcb *tp,
    int rd,
    int wr)
{
    if (tp->state == TCPS_CLOSED) {
	return ENOTCONN;
    }
    if (tp->state == TCPS_SYN_SENT && tp->host->tun.shutdown_connecting) {
	/* Linux inet_shutdown() -> tcp_disconnect(). */
	tcp_xw(tp)->disconnected = 1;
	tp->so_error = ECONNRESET;
	tcp_close(tp);
	return 0;
    }
    if (rd) {
	tp->flags |= TF_SHUT_RD;
	if (tp->host->tun.shutrd_discard) {
	    /* 4.4BSD soshutdown(): sorflush() drops what is queued. */
	    tcp_recv(tp, NULL, tp->rcvbuf.len);
	}
	tcp_notify(tp);
    }
    if (wr && !(tp->flags & TF_WANTFIN)) {
	if (tp->state == TCPS_SYN_SENT) {
	    tcp_close(tp);
	    return 0;
	}
	UsrClosed(tp);
    }
    return 0;
}

/*
 * tcp_usr_close --
 *	CLOSE (RFC 9293 3.10.4). With unread data and rst_on_close_unread, or
 *	with linger 0, the connection is reset instead (RFC 2525 2.17; Linux
 *	trace 10; book fig. 18-15).
 * Results:
 *	1 if the TCB is gone (freed when no user holds it).
 */

int
tcp_usr_close(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;

    if (tp->flags & TF_CLOSED) {
	return 0;
    }
    tp->flags |= TF_CLOSED;
    if (tp->state == TCPS_CLOSED) {
	return 0;
    }
    if ((tp->flags & TF_RST_ON_CLOSE)
	    || (t->rst_on_close_unread && tp->rcvbuf.len > 0
		&& TCPS_HAVEESTABLISHED(tp->state))) {
	tcp_abort(tp);
	return 1;
    }
    switch (tp->state) {
    case TCPS_SYN_SENT:
	tcp_close(tp);
	return 1;
    case TCPS_FIN_WAIT_2:
	tcp_finwait2_arm(tp);
	return 0;
    default:
	break;
    }
    if (!(tp->flags & TF_WANTFIN)) {
	UsrClosed(tp);
    }
    return 0;
}

/* ABORT (RFC 9293 3.10.5): RST with the current sequence numbers. */
void
tcp_abort(
    tl_tcb *tp)
{
    tp->flags |= TF_CLOSED;
    switch (tp->state) {
    case TCPS_SYN_RECEIVED:
    case TCPS_ESTABLISHED:
    case TCPS_FIN_WAIT_1:
    case TCPS_FIN_WAIT_2:
    case TCPS_CLOSE_WAIT:
	tcp_send_ctl(tp, tcp_ack_seq(tp), TH_RST | TH_ACK);
	break;
    default:
	break;
    }
    if (tp->state != TCPS_CLOSED) {
	tcp_close(tp);
    }
}

/*
 * tcp_release --
 *	The user's handle goes away. Like a process exiting, an open
 *	connection is closed; the TCB lives on until CLOSED.
 */

void
tcp_release(
    tl_tcb *tp)
{
    int tw = tp->state == TCPS_TIME_WAIT;

    tp->user = NULL;
    if (tp->state == TCPS_CLOSED) {
	tcp_free(tp);
	return;
    }
    if (tcp_usr_close(tp) == 0 && tw) {
	/* Nothing holds it now: it may become compact. */
	(void) tcp_tw_compact(tp);
    }
}

/*
 * tcp_app_wake --
 *	Gives a built-in application its turn after the current event, as a
 *	process is woken after the stack has finished with a segment: the
 *	ACK of a FIN goes out before the application's own FIN (book fig.
 *	18-1).
 */

void
tcp_app_wake(
    tl_tcb *tp)
{
    tl_host *h = tp->host;

    if (!tp->app_pending) {
	tp->app_pending = 1;
	h->tcp.ops->timer(h->tcp.ctx, tp, TCP_ENV_APP, tcp_now(h));
    }
}

/* The application's turn is not wanted any more (the TCB closes). */
void
tcp_app_cancel(
    tl_tcb *tp)
{
    tl_host *h = tp->host;

    if (tp->app_pending) {
	tp->app_pending = 0;
	h->tcp.ops->timer(h->tcp.ctx, tp, TCP_ENV_APP, TL_NEVER);
    }
    if (tp->cork_pending) {
	tp->cork_pending = 0;
	h->tcp.ops->timer(h->tcp.ctx, tp, TCP_ENV_CORK, TL_NEVER);
    }
}

/* The application's turn (tcp_timer_expire(), TCP_ENV_APP). */
void
tcp_app_run(
    tl_tcb *tp)
{
    tp->app_pending = 0;
    if (tp->app) {
	tp->app->input(tp);
    }
}

/*
 * tcp_cork_arm --
 *	TCP_CORK (and MSG_MORE) hold a partial segment back; tcp(7) gives a
 *	200 ms ceiling on how long, after which what is queued goes out. In
 *	Linux that ceiling is the probe timer tcp_check_probe_timer() arms,
 *	tcp_probe0_base(): the RTO, at least TCP_RTO_MIN (200 ms).
 */

void
tcp_cork_arm(
    tl_tcb *tp)
{
    tl_host *h = tp->host;

    if (!tp->cork_pending) {
	tp->cork_pending = 1;
	h->tcp.ops->timer(h->tcp.ctx, tp, TCP_ENV_CORK,
		tcp_now(h) + TL_MAX(tp->rto, 200 * TL_MS));
    }
}

/* The ceiling passed (tcp_timer_expire(), TCP_ENV_CORK): what is queued
 * goes as if uncorked, Nagle still applying. */
void
tcp_cork_run(
    tl_tcb *tp)
{
    tp->cork_pending = 0;
    if (tp->flags & TF_CORK) {
	tcp_push(tp);
    } else if (tp->x->more) {
	/* MSG_MORE data: the probe timer sends it, PSH set
	 * (tcp_write_wakeup()). */
	tcp_xw(tp)->more = 0;
	tcp_output(tp);
    }
}

/* Sends what waits now, past TCP_CORK for this once. */
void
tcp_push(
    tl_tcb *tp)
{
    if (tp->flags & TF_CORK) {
	tp->flags &= ~TF_CORK;
	tcp_output(tp);
	tp->flags |= TF_CORK;
    } else {
	tcp_output(tp);
    }
}

/* TCP_CORK off: what waits goes now. */
void
tcp_uncork(
    tl_tcb *tp)
{
    tl_host *h = tp->host;

    tp->flags &= ~TF_CORK;
    if (tp->cork_pending) {
	tp->cork_pending = 0;
	h->tcp.ops->timer(h->tcp.ctx, tp, TCP_ENV_CORK, TL_NEVER);
    }
    tcp_output(tp);
}

/*
 * tcp_writable_check --
 *	Whether a writer waiting for room may go on, as Linux's
 *	sk_stream_write_space() decides after an ACK (tcp_check_space() ->
 *	tcp_new_space()) with __sk_stream_is_writeable(sk, 1): with
 *	TCP_NOTSENT_LOWAT, fewer than half the mark's bytes wait unsent
 *	(tcp_stream_memory_free() with wake 1); with tunable skb_truesize,
 *	the send buffer's memory is below its size with a third of it free.
 *	After a write stopped for memory (SOCK_NOSPACE), the buffer first
 *	grows while cwnd is not full (tcp_should_expand_sndbuf(),
 *	tcp_sndbuf_expand()). Tells the user when writing becomes possible.
 */

void
tcp_writable_check(
    tl_tcb *tp)
{
    tl_host *h = tp->host;
    int w;

    if (tp->x->nospace && tcp_in_flight(tp) < tp->cwnd) {
	tcp_sndbuf_expand(tp);
    }
    w = (tp->x->notsent_lowat == 0
	    || (tcp_unsent(tp) << 1) < tp->x->notsent_lowat)
	    && tcp_wmem_writable(tp);
    if (w && tp->x->nospace) {
	tcp_xw(tp)->nospace = 0;
    }
    if (w && !tp->writable && tp->user && h->tcp.up && h->tcp.up->writable) {
	tp->writable = 1;
	h->tcp.up->writable(tp->user, tp);
    }
    tp->writable = w;
}
