/*
 * tcp_cc.c --
 *
 *	The congestion-control modules (tcp_cc_newreno.c, tcp_cc_reno.c):
 *	looking one up by name, setting it on a connection, and what they
 *	share. SACK-based loss recovery (RFC 6675) on the scoreboard of SACK
 *	blocks the peer reports (RFC 2018); Linux's recovery (RACK, PRR, the
 *	undo) with SACK and, on counted duplicate ACKs, without it.
 */

#include <stdlib.h>
#include <string.h>
#include "tcp.h"

const tl_cc_ops *const tcp_cc_modules[CC_NMODULES + 1] = {
    &tcp_cc_newreno, &tcp_cc_reno, &tcp_cc_cubic, NULL
};

/*
 * The send time of each segment of new data in flight, oldest first (Linux
 * keeps it in each skb: skb_mstamp_ns, and TCPCB_RETRANS once sent
 * again), kept for a module that takes a sample per ACK and for Linux's
 * loss recovery (RACK: the SACKed, lost and retransmitted marks of
 * TCP_SKB_CB(skb)->sacked).
 */

typedef struct {
    uint32_t end;		/* Sequence number after the segment. */
    uint8_t rexmit;		/* Sent again since it first left. */
    uint8_t sacked;		/* All of it SACKed (TCPCB_SACKED_ACKED). */
    uint8_t lost;		/* Deemed lost (TCPCB_LOST). */
    uint8_t rtx;		/* Sent again since deemed lost
				 * (TCPCB_SACKED_RETRANS). */
    uint8_t push;		/* It ended the data written when it first
				 * left (tcp_push(): the skb's own PSH). */
    uint8_t first;		/* It began a packet as first sent. */
    uint32_t order;		/* The connection's send count then: which
				 * of two sent at one instant went first. */
    tl_time t;			/* When it last left. */
} XmitRec;

/* Duplicate ACKs, or SACKed segments, that mean a loss: RFC 6675
 * DupThresh; Linux net.ipv4.tcp_reordering. */
#define DUPTHRESH	3

static uint32_t	Segments(const tl_tcb *tp, uint32_t n);
static int	Rack(const tl_tcb *tp);
static int	RenoLinux(const tl_tcb *tp);
static void	RackAdvance(tl_tcb *tp, const XmitRec *r);
static void	RackCount(const tl_tcb *tp, uint32_t *sackedPtr,
		    uint32_t *lostPtr, uint32_t *pipePtr);
static uint32_t	RackPipe(const tl_tcb *tp);
static void	RackReordering(tl_tcb *tp, uint32_t low);
static int	LossSend(tl_tcb *tp);
static int	Undoing(const tl_tcb *tp);
static int	RenoUndo(const tl_tcb *tp);
static uint32_t	CurrentSsthresh(const tl_tcb *tp);
static void	InitUndo(tl_tcb *tp);

struct tl_xmitlog {
    uint32_t head, n, cap;	/* A ring of cap (a power of 2) records. */
    uint32_t burst;		/* The send count when the event being
				 * handled (an ACK, a timer) began. */
    uint32_t start;		/* Where the oldest record's span begins: a
				 * record spans from the end of the one
				 * before it. */
    uint32_t bytes[3];		/* The spans of the records by Cat(), so that
				 * RACK's counts take no walk of the log
				 * (Linux keeps sacked_out, lost_out and
				 * retrans_out in the socket). */
    XmitRec r[];
};

#define XMIT_MAXCAP	(1u << 16)
#define REC(x, i)	(&(x)->r[((x)->head + (i)) & ((x)->cap - 1)])

/* What a record counts as in RackCount(). */
enum { REC_PIPE, REC_SACKED, REC_LOST };

static int
Cat(
    const XmitRec *r)
{
    return r->sacked ? REC_SACKED : r->lost && !r->rtx ? REC_LOST : REC_PIPE;
}

/* The span of record i: from the end of the one before it. */
static uint32_t
Span(
    const tl_xmitlog *x,
    uint32_t i)
{
    return REC(x, i)->end - (i == 0 ? x->start : REC(x, i - 1)->end);
}

/* Record i, which counted as was, has had its marks changed. */
static void
Recount(
    tl_xmitlog *x,
    uint32_t i,
    int was)
{
    int now = Cat(REC(x, i));

    if (now != was) {
	uint32_t span = Span(x, i);

	x->bytes[was] -= span;
	x->bytes[now] += span;
    }
}

/* Forgets the oldest record. */
static void
DropOldest(
    tl_xmitlog *x)
{
    XmitRec *r = &x->r[x->head];

    x->bytes[Cat(r)] -= Span(x, 0);
    x->start = r->end;
    x->head = (x->head + 1) & (x->cap - 1);
    x->n--;
}

/* The end of the last SACKed record (the highest SACKed sequence number,
 * Linux's fackets/prior_fack), or none if none is: looked for from the
 * newest, and not at all when none is SACKed (the common case, with the
 * log as long as the window). */
static uint32_t
LastSacked(
    const tl_xmitlog *x,
    uint32_t none)
{
    uint32_t i;

    if (x == NULL || x->bytes[REC_SACKED] == 0) {
	return none;
    }
    for (i = x->n; i-- > 0; ) {
	if (REC(x, i)->sacked) {
	    return REC(x, i)->end;
	}
    }
    return none;
}

/*
 * tcp_cc_sent --
 *	Data [seq, seq + len) leaves now: new data is timed, a retransmission
 *	marks the segments it covers so that their ACK gives no sample (Karn;
 *	Linux tcp_clean_rtx_queue() FLAG_RETRANS_DATA_ACKED).
 */

void
tcp_cc_sent(
    tl_tcb *tp,
    uint32_t seq,
    uint32_t len,
    int push)
{
    tl_xmitlog *x = tp->xmitlog;
    uint32_t i;

    if (len && SEQ_LT(seq, tp->snd_max) && (Undoing(tp) || RenoUndo(tp))) {
	/* tcp_retransmit_skb(): the episode's retransmissions, and when
	 * the first of them left (TSval). */
	if (tp->undo_retrans < 0) {
	    tp->undo_retrans = 0;
	}
	tp->undo_retrans += (int32_t) Segments(tp, len);
	if (!tp->retrans_stamp) {
	    tp->retrans_stamp = tcp_ts_now(tp) ? tcp_ts_now(tp) : 1;
	}
    }
    if (!len || (!tp->cc->pkts_acked && !Rack(tp) && !RenoLinux(tp))) {
	return;
    }
    if (len > tp->mss && tp->mss && SEQ_GEQ(seq, tp->snd_max)
	    && tp->state != TCPS_SYN_SENT) {
	/* A GSO packet: a record per segment, as a SACK of part of an skb
	 * splits it in Linux (tcp_sacktag_walk() -> tcp_fragment()). The
	 * data of a Fast Open SYN, sent before the peer's MSS is known, is
	 * one (tcp_send_syn_data()). */
	uint32_t start = seq;

	while (len > 0) {
	    uint32_t n = TL_MIN(len, (uint32_t) tp->mss);

	    tcp_cc_sent(tp, seq, n, push && n == len);
	    if (seq != start) {
		tcp_cc_continued(tp, seq);
	    }
	    seq += n;
	    len -= n;
	}
	return;
    }
    if (SEQ_GEQ(seq, tp->snd_max) && (x == NULL
	    || (x->n == x->cap && x->cap < XMIT_MAXCAP))) {
	/* Room for a new record; a retransmission only marks records, and
	 * a caller walking the log may hold one across it (RackRecover()). */
	uint32_t cap = x ? 2 * x->cap : 64;
	tl_xmitlog *nx = malloc(sizeof(*nx) + cap * sizeof(XmitRec));

	if (nx == NULL) {
	    return;
	}
	nx->head = 0;
	nx->burst = x ? x->burst : 0;
	nx->n = x ? x->n : 0;
	nx->start = x ? x->start : 0;
	for (i = 0; i < 3; i++) {
	    nx->bytes[i] = x ? x->bytes[i] : 0;
	}
	nx->cap = cap;
	for (i = 0; i < nx->n; i++) {
	    nx->r[i] = x->r[(x->head + i) & (x->cap - 1)];
	}
	free(x);
	tp->xmitlog = x = nx;
    }
    if (SEQ_GEQ(seq, tp->snd_max)) {
	XmitRec *r;

	if (x->n == x->cap) {	/* Full: forget the oldest. */
	    DropOldest(x);
	}
	if (x->n == 0) {
	    x->start = seq;
	}
	r = &x->r[(x->head + x->n++) & (x->cap - 1)];
	r->end = seq + len;
	r->rexmit = r->sacked = r->lost = r->rtx = 0;
	r->push = push != 0;
	r->first = 1;
	r->t = tcp_now(tp->host);
	r->order = ++tp->xmit_order;
	x->bytes[REC_PIPE] += Span(x, x->n - 1);
	return;
    }
    for (i = 0; x && i < x->n; i++) {
	XmitRec *r = &x->r[(x->head + i) & (x->cap - 1)];

	if (SEQ_GT(r->end, seq) && SEQ_LT(r->end - 1, seq + len)) {
	    r->rexmit = 1;
	    r->t = tcp_now(tp->host);
	    r->order = ++tp->xmit_order;
	    if (r->lost) {
		int was = Cat(r);

		r->rtx = 1;
		Recount(x, i, was);
	    }
	}
    }
}

/* When the oldest unacknowledged data last left (Linux: the tstamp of the
 * retransmission queue's head, tunable tso_defer): 1 and *tPtr, or 0 when
 * nothing is out or no send log is kept. */
int
tcp_cc_head_sent(
    const tl_tcb *tp,
    tl_time *tPtr)
{
    const tl_xmitlog *x = tp->xmitlog;

    if (x == NULL || x->n == 0 || tp->snd_una == tp->snd_max) {
	return 0;
    }
    *tPtr = REC(x, 0)->t;
    return 1;
}

/*
 * tcp_cc_acked --
 *	An ACK of new data up to ack (before snd_una moves): the module's
 *	pkts_acked with the segments acknowledged and the round trip of the
 *	latest of them (Linux tcp_clean_rtx_queue(): ca_rtt_us from
 *	last_ackt), none if any of them was sent again.
 */

void
tcp_cc_acked(
    tl_tcb *tp,
    uint32_t ack)
{
    tl_xmitlog *x = tp->xmitlog;
    uint32_t mss = tp->mss, segs = (ack - tp->snd_una + mss - 1) / mss;
    tl_time rtt = -1, last = -1;
    int rexmit = 0, reord = 0;
    uint32_t start = tp->snd_una, low = 0, fack = tp->snd_una;

    /* Linux's prior_fack: the highest SACKed end before this ACK's own
     * SACK blocks are taken in (RackTagSacked() after it); a hole filled
     * below it without a retransmission is reordering (tcp_ack() ->
     * tcp_clean_rtx_queue(): before(reord, prior_fack)). */
    fack = LastSacked(x, fack);
    while (x && x->n) {
	XmitRec *r = &x->r[x->head];

	if (SEQ_GT(r->end, ack)) {
	    break;
	}
	if (!r->sacked) {
	    /* Delivered now (RACK; PRR counts it); one never sent again
	     * below what was SACKed arrived out of order. */
	    RackAdvance(tp, r);
	    tp->rack_acked++;
	    if (!r->rexmit && !reord) {
		reord = 1;
		low = start;
	    }
	}
	rexmit |= (int) r->rexmit;
	last = r->t;
	start = r->end;
	DropOldest(x);
    }
    if (reord && Rack(tp) && SEQ_LT(low, fack)) {
	RackReordering(tp, low);
    }
    if (last >= 0 && !rexmit) {
	rtt = tcp_now(tp->host) - last;
    }
    if (tp->cc->pkts_acked) {
	tp->cc->pkts_acked(tp, ack, segs, rtt);
    }
}

/* The segment logged last, at seq, left in the same packet as the one
 * before it. */
void
tcp_cc_continued(
    tl_tcb *tp,
    uint32_t seq)
{
    tl_xmitlog *x = tp->xmitlog;

    if (x && x->n >= 2 && REC(x, x->n - 2)->end == seq
	    && !REC(x, x->n - 1)->rexmit) {
	REC(x, x->n - 1)->first = 0;
    }
}

/*
 * tcp_rexmit_psh --
 *	PSH on the retransmission of the segment ending at end, as Linux
 *	sends it: the skb's own PSH (tcp_push() at the end of a write; a
 *	split leaves it on the tail), or forced on every packet of two
 *	segments or more (__tcp_transmit_skb(): tcp_skb_pcount() > 1). Linux
 *	sends an skb again whole when it can: the packet as first sent, less
 *	what was acknowledged, cut where SACKed segments lie. tcplab sends
 *	segment by segment, so the segment closes such a packet when it ends
 *	its skb and the segment before it in the skb went again in the same
 *	go (while handling the same ACK or timer). -1 when no segment
 *	logged ends at end.
 */

int
tcp_rexmit_psh(
    const tl_tcb *tp,
    uint32_t end)
{
    const tl_xmitlog *x = tp->xmitlog;
    const XmitRec *r, *prev;
    uint32_t i;

    for (i = 0; x && i < x->n; i++) {
	if (REC(x, i)->end == end) {
	    break;
	}
    }
    if (!x || i == x->n) {
	return -1;
    }
    r = REC(x, i);
    if (r->push) {
	return 1;
    }
    if (i + 1 < x->n && !REC(x, i + 1)->first && !REC(x, i + 1)->sacked) {
	return 0;		/* Not the end of its skb. */
    }
    if (r->first || i == 0) {
	return 0;		/* A skb of one segment. */
    }
    prev = REC(x, i - 1);
    return !prev->sacked && prev->rexmit
	    && (int32_t) (prev->order - x->burst) > 0;
}

/* An ACK or a timer is being handled: what it sends again is one go
 * (tcp_rexmit_psh()). */
void
tcp_cc_event(
    tl_tcb *tp)
{
    if (tp->xmitlog) {
	tp->xmitlog->burst = tp->xmit_order;
    }
}

/*
 * tcp_xmit_rtt --
 *	Linux's RTT sample for an ACK up to ack (tcp_clean_rtx_queue():
 *	seq_rtt_us from first_ackt): the time since the oldest segment it
 *	newly acknowledges was sent, leaving out those SACKed before; -1 if
 *	it acknowledges a retransmission (FLAG_RETRANS_DATA_ACKED, Karn) or
 *	nothing logged. Called before tcp_cc_acked() forgets the segments.
 */

tl_time
tcp_xmit_rtt(
    const tl_tcb *tp,
    uint32_t ack)
{
    const tl_xmitlog *x = tp->xmitlog;
    tl_time first = -1;
    uint32_t i;

    for (i = 0; x && i < x->n && !SEQ_GT(REC(x, i)->end, ack); i++) {
	const XmitRec *r = REC(x, i);

	if (r->rexmit) {
	    return -1;
	}
	if (!r->sacked && first < 0) {
	    first = r->t;
	}
    }
    return first < 0 ? -1 : tcp_now(tp->host) - first;
}

/*
 *----------------------------------------------------------------------
 * Slow start after idle (tunable slow_start_after_idle)
 *----------------------------------------------------------------------
 */

static void	Restart(tl_tcb *tp, tl_time delta);

/*
 * tcp_idle_restart --
 *	A connection with nothing in flight is about to send again (at: where
 *	from, IDLE_AT_*): if it has been idle long enough, cwnd restarts as
 *	the profile's stack restarts it.
 *	4.4BSD tcp_output(): "if (idle && tp->t_idle >= tp->t_rxtcur)
 *	tp->snd_cwnd = tp->t_maxseg", t_idle counting from the last segment
 *	received, at every output.
 *	RFC 5681 4.1: before sending after more than an RTO without sending,
 *	cwnd = min(IW, cwnd).
 *	Linux tcp_cwnd_restart(): ssthresh = tcp_current_ssthresh() (at least
 *	3/4 cwnd), cwnd halved for each RTO of the idle time after the first,
 *	not below min(IW, cwnd); 3.6 checks when data leaves
 *	(tcp_event_data_sent()), 6.18 when a write queues data
 *	(tcp_skb_entail()) and when the peer's window changes with data
 *	waiting (tcp_ack_update_window()), through
 *	tcp_slow_start_after_idle_check(): idle for more than an RTO.
 */

void
tcp_idle_restart(
    tl_tcb *tp,
    int at)
{
    int mode = tp->host->tun.slow_start_after_idle;
    tl_time now = tcp_now(tp->host), delta = now - tp->lsndtime;
    uint32_t cwnd = tp->cwnd, ssthresh = tp->ssthresh;

    if (mode == SSAI_NONE || !tp->mss || tp->snd_max != tp->snd_una
	    || !TCPS_HAVEESTABLISHED(tp->state)
	    || (at == IDLE_AT_SEND) != (mode != SSAI_LINUX)) {
	return;
    }
    if (mode == SSAI_BSD) {
	if (now - tp->last_rcv >= tp->rto) {
	    tp->cwnd = tp->mss;
	}
    } else if (delta <= tp->rto) {
	return;
    } else if (mode == SSAI_RFC) {
	tp->cwnd = TL_MIN(tcp_initial_cwnd(tp), cwnd);
    } else {
	Restart(tp, delta);
    }
    if (tp->cwnd != cwnd || tp->ssthresh != ssthresh) {
	tcp_cc_report(tp, "restart after idle");
    }
}

/* Linux tcp_cwnd_restart() after delta idle. */
static void
Restart(
    tl_tcb *tp,
    tl_time delta)
{
    uint32_t cwnd = tp->cwnd, iw = TL_MIN(tcp_initial_cwnd(tp), cwnd);

    if (tp->ca_state != CA_CWR && tp->ca_state != CA_RECOVERY) {
	uint32_t c = cwnd / tp->mss;

	tp->ssthresh = TL_MAX(tp->ssthresh, ((c >> 1) + (c >> 2)) * tp->mss);
    }
    while ((delta -= tp->rto) > 0 && cwnd > iw) {
	cwnd = cwnd / tp->mss / 2 * tp->mss;
    }
    tp->cwnd = TL_MAX(cwnd, iw);
}

/* Forgets the send times (the connection is freed). */
void
tcp_cc_free(
    tl_tcb *tp)
{
    free(tp->xmitlog);
    tp->xmitlog = NULL;
    free(tp->sackblk);
    tp->sackblk = NULL;
    tp->nsackblk = 0;
}

/* The module of that name (Linux tcp_ca_find()), or NULL. */
const tl_cc_ops *
tcp_cc_find(
    const char *name)
{
    int i;

    for (i = 0; tcp_cc_modules[i]; i++) {
	if (strcmp(tcp_cc_modules[i]->name, name) == 0) {
	    return tcp_cc_modules[i];
	}
    }
    return NULL;
}

/*
 * tcp_cc_set --
 *	TCP_CONGESTION (Linux tcp_set_congestion_control()): the connection
 *	uses the named module from now on; the windows it has stay.
 * Results:
 *	0, or ENOENT for an unknown name.
 */

int
tcp_cc_set(
    tl_tcb *tp,
    const char *name)
{
    const tl_cc_ops *cc = tcp_cc_find(name);

    if (cc == NULL) {
	return ENOENT;
    }
    tp->cc = cc;
    if (cc->init) {
	cc->init(tp);
    }
    return 0;
}

const char *
tcp_cc_name(
    const tl_tcb *tp)
{
    return tp->cc->name;
}

/* Moves the connection to another recovery state, telling the module. */
void
tcp_cc_state(
    tl_tcb *tp,
    int ca_state)
{
    if (tp->ca_state != ca_state) {
	tp->ca_state = ca_state;
	if (tp->cc->set_state) {
	    tp->cc->set_state(tp, ca_state);
	}
    }
}

/* Reports the windows as they now are, and why they changed. */
void
tcp_cc_report(
    tl_tcb *tp,
    const char *why)
{
    tcp_event(tp->host, tp, EV_CWND, (int) tp->cwnd, (int) tp->ssthresh, 0,
	    0, why);
}

/*
 * tcp_cc_fast_retransmit --
 *	The third duplicate ACK (RFC 5681 3.2 steps 2-3; 4.4BSD tcp_input):
 *	ssthresh from the module, the first unacknowledged segment sent again
 *	alone (cwnd one segment for the send, snd_nxt put back after), then
 *	cwnd = ssthresh + 3 segments for the three that left the network.
 */

void
tcp_cc_fast_retransmit(
    tl_tcb *tp)
{
    uint32_t nxt = tp->snd_nxt, mss = tp->mss;

    if (tcp_mtup_probe_failed(tp)) {
	return;
    }
    tp->ssthresh = tp->cc->ssthresh(tp);
    tp->recover = tp->snd_max;
    tp->flags |= TF_INRECOVERY;
    tp->rtt_start = -1;
    tcp_timer_cancel(tp, TT_REXMT);
    tp->snd_nxt = tp->snd_una;
    tp->cwnd = mss;
    tcp_output(tp);
    tp->cwnd = tp->ssthresh + 3 * mss;
    if (SEQ_GT(nxt, tp->snd_nxt)) {
	tp->snd_nxt = nxt;
    }
    tcp_cc_state(tp, CA_RECOVERY);
}

/*
 * tcp_cc_timeout --
 *	A retransmission timeout: ssthresh from the module, slow start again
 *	from one segment (RFC 5681 3.1 equation 4 and the loss window; 4.4BSD
 *	tcp_timers()), recovery abandoned.
 */

void
tcp_cc_timeout(
    tl_tcb *tp)
{
    int event = 1;

    if (Undoing(tp)) {
	/* tcp_enter_loss(): a new episode unless this timeout repeats one
	 * already reduced (in CA_LOSS after a timeout that was its own
	 * first, rxtshift counting this one); F-RTO for a first timeout or
	 * one that repeats (RFC 5682 3.2), not after fast recovery. */
	int first = tp->ca_state <= CA_DISORDER
		|| (tp->ca_state == CA_LOSS ? SEQ_LEQ(tp->loss_high,
		    tp->snd_una) || tp->rxtshift == 1
		    : SEQ_LEQ(tp->recover, tp->snd_una));

	tp->frto = tp->host->tun.tcp_frto
		&& (tp->ca_state < CA_RECOVERY || tp->rxtshift > 1);
	if (first) {
	    tp->prior_ssthresh = CurrentSsthresh(tp);
	    tp->prior_cwnd = tp->cwnd / tp->mss;
	    tp->ssthresh = tp->cc->ssthresh(tp);
	    tcp_rack_rto(tp);	/* tcp_timeout_mark_lost() first */
	    InitUndo(tp);
	}
	event = first;		/* CA_EVENT_LOSS with the new ssthresh */
    } else {
	tp->ssthresh = tp->cc->ssthresh(tp);
    }
    tp->cwnd = tp->mss;
    tcp_cc_report(tp, "retransmission timeout");
    tp->dupacks = 0;
    tp->flags &= ~TF_INRECOVERY;
    tp->loss_high = tp->snd_max;
    tcp_rack_rto(tp);
    tcp_cc_state(tp, CA_LOSS);
    if (event && tp->cc->cwnd_event) {
	tp->cc->cwnd_event(tp, CC_EV_LOSS);
    }
}

/* RFC 5681 equation (4): ssthresh = max(FlightSize / 2, 2 * SMSS), where
 * FlightSize leaves out what limited transmit sent (3.2 step 2): on the
 * duplicate ACKs, what is out beyond cwnd. */
uint32_t
tcp_cc_halve_flight(
    const tl_tcb *tp)
{
    uint32_t flight = tp->snd_max - tp->snd_una;

    if (tp->ca_state == CA_DISORDER && tp->host->tun.limited_transmit) {
	flight = TL_MIN(flight, tp->cwnd);
    }
    return TL_MAX(flight / 2, 2u * tp->mss);
}

#define NBLK	TCP_NSACKBLK

/* Drops what snd_una has passed. */
void
tcp_sack_prune(
    tl_tcb *tp)
{
    int i, k = 0;

    for (i = 0; i < tp->nsackblk; i++) {
	uint32_t a = tp->sackblk[i][0], b = tp->sackblk[i][1];

	if (SEQ_LEQ(b, tp->snd_una)) {
	    continue;
	}
	if (SEQ_LT(a, tp->snd_una)) {
	    a = tp->snd_una;
	}
	tp->sackblk[k][0] = a;
	tp->sackblk[k++][1] = b;
    }
    tp->nsackblk = k;
    if (k == 0) {
	free(tp->sackblk);
	tp->sackblk = NULL;
    }
}

/* Adds one block, keeping the list sorted and merged. */
static void
AddBlock(
    tl_tcb *tp,
    uint32_t a,
    uint32_t b)
{
    int i, j;

    if (tp->sackblk == NULL) {
	tp->sackblk = malloc(NBLK * sizeof(*tp->sackblk));
	if (tp->sackblk == NULL) {
	    return;		/* Without memory the block goes unrecorded. */
	}
	tp->nsackblk = 0;
    }
    for (i = 0; i < tp->nsackblk && SEQ_LT(tp->sackblk[i][1], a); i++) {
    }
    /* Merge with every block it touches from i on. */
    j = i;
    while (j < tp->nsackblk && SEQ_LEQ(tp->sackblk[j][0], b)) {
	a = SEQ_MIN(a, tp->sackblk[j][0]);
	b = SEQ_MAX(b, tp->sackblk[j][1]);
	j++;
    }
    if (j == i && tp->nsackblk == NBLK) {
	/* Full: forget the highest block rather than a lower one. */
	if (i == NBLK) {
	    return;
	}
	tp->nsackblk--;
    }
    /* Replace blocks i..j-1 by [a, b). */
    memmove(&tp->sackblk[i + 1], &tp->sackblk[j],
	    (size_t) (tp->nsackblk - j) * sizeof(tp->sackblk[0]));
    tp->nsackblk -= j - i - 1;
    tp->sackblk[i][0] = a;
    tp->sackblk[i][1] = b;
}

/* Records the SACK blocks of an arriving ACK (RFC 6675 5, "Update()"),
 * from block first on (1 leaves out a D-SACK). */
void
tcp_sack_update(
    tl_tcb *tp,
    const tl_tcphdr *th,
    int first)
{
    int k;

    for (k = first; k < th->opt.nsack; k++) {
	uint32_t a = th->opt.sack[k][0], b = th->opt.sack[k][1];

	if (SEQ_LT(a, b) && SEQ_GT(b, tp->snd_una)
		&& SEQ_LEQ(b, tp->snd_max)) {
	    AddBlock(tp, SEQ_MAX(a, tp->snd_una), b);
	}
    }
    tcp_sack_prune(tp);
}

/* The end of the highest SACKed byte, or snd_una when nothing is. */
static uint32_t
HighSack(
    const tl_tcb *tp)
{
    return tp->nsackblk ? tp->sackblk[tp->nsackblk - 1][1] : tp->snd_una;
}

/* Unsacked bytes in [snd_una, end). */
static uint32_t
Unsacked(
    const tl_tcb *tp,
    uint32_t end)
{
    uint32_t n, i;

    if (SEQ_LEQ(end, tp->snd_una)) {
	return 0;
    }
    n = end - tp->snd_una;
    for (i = 0; i < (uint32_t) tp->nsackblk; i++) {
	uint32_t a = tp->sackblk[i][0], b = tp->sackblk[i][1];

	if (SEQ_GEQ(a, end)) {
	    break;
	}
	n -= SEQ_MIN(b, end) - a;
    }
    return n;
}

/* Bytes from snd_una up to end that the receiver SACKed. */
uint32_t
tcp_sacked_below(
    const tl_tcb *tp,
    uint32_t end)
{
    return end - tp->snd_una - Unsacked(tp, end);
}

/*
 * tcp_limited_transmit --
 *	Bytes beyond cwnd that may leave as new data on duplicate ACKs before
 *	loss recovery (tunable limited_transmit): RFC 3042, one segment on
 *	each of the first two; Linux tcp_packets_in_flight(), what the
 *	receiver holds out of order leaves the flight: the SACKed bytes, or
 *	one segment per duplicate ACK without SACK (tcp_add_reno_sack(), at
 *	most the flight less one segment, tcp_limit_reno_sacked()).
 */

uint32_t
tcp_limited_transmit(
    const tl_tcb *tp)
{
    uint32_t flight = tp->snd_max - tp->snd_una;

    if (tp->ca_state != CA_DISORDER || (tp->flags & TF_INRECOVERY)
	    || (!tp->dupacks && !tp->nsackblk)) {
	return 0;
    }
    switch (tp->host->tun.limited_transmit) {
    case LT_RFC3042:
	return (uint32_t) TL_MIN(tp->dupacks, 2) * tp->mss;
    case LT_LINUX:
	if (Rack(tp) && tp->xmitlog) {
	    uint32_t sacked, lost, pipe;

	    RackCount(tp, &sacked, &lost, &pipe);
	    return sacked;
	}
	if (tp->flags & TF_SACK_PERMIT) {
	    return tcp_sacked_below(tp, HighSack(tp));
	}
	return flight > tp->mss ? TL_MIN((uint32_t) tp->dupacks * tp->mss,
		flight - tp->mss) : 0;
    default:
	return 0;
    }
}

/*
 * tcp_sack_pipe --
 *	RFC 6675 4 SetPipe(), with IsLost() taken as "below the highest SACKed
 *	byte": what is in flight, less what was SACKed, less the holes below
 *	the highest SACK, plus what of those holes was retransmitted.
 */

uint32_t
tcp_sack_pipe(
    const tl_tcb *tp)
{
    uint32_t flight = tp->snd_max - tp->snd_una;
    uint32_t high = HighSack(tp), below = high - tp->snd_una;
    uint32_t holes = Unsacked(tp, high), sacked = below - holes;
    uint32_t rexmit = SEQ_GT(tp->high_rxt, tp->snd_una)
	    ? Unsacked(tp, SEQ_MIN(tp->high_rxt, high)) : 0;

    return flight - sacked - holes + rexmit;
}

/*
 * NextSeg --
 *	RFC 6675 4 NextSeg() rule 1: the first unsacked byte at or above
 *	HighRxt and below the highest SACK, up to one segment or the next
 *	SACKed block.
 */

static int
NextSeg(
    const tl_tcb *tp,
    uint32_t *seqPtr,
    uint32_t *lenPtr)
{
    uint32_t data_end = tp->snd_buf_seq + tp->sndbuf.len;
    uint32_t s = SEQ_MAX(tp->snd_una, tp->high_rxt), high = HighSack(tp);
    uint32_t limit = SEQ_MIN(high, data_end);
    int i;

    for (i = 0; i < tp->nsackblk; i++) {
	if (SEQ_GEQ(s, tp->sackblk[i][0]) && SEQ_LT(s, tp->sackblk[i][1])) {
	    s = tp->sackblk[i][1];
	} else if (SEQ_LT(s, tp->sackblk[i][0])) {
	    limit = SEQ_MIN(limit, tp->sackblk[i][0]);
	    break;
	}
    }
    if (!SEQ_LT(s, limit)) {
	return 0;
    }
    *seqPtr = s;
    *lenPtr = TL_MIN(limit - s, (uint32_t) tp->mss);
    return 1;
}

/*
 * RecoverNewData --
 *	During recovery, with nothing to send again: one segment of new data
 *	if the receiver's window allows it, in a GSO packet of what cwnd (less
 *	pipe, what is in flight), the window and the data allow now.
 * Results:
 *	1 if it went, 0 if there is none or no room.
 */

static int
RecoverNewData(
    tl_tcb *tp,
    tl_gso *gso,
    uint32_t pipe)
{
    uint32_t data_end = tp->snd_buf_seq + tp->sndbuf.len;
    uint32_t seq = tp->snd_max, len;

    if (!SEQ_LT(seq, data_end) || (tp->flags & TF_SENTFIN)) {
	return 0;
    }
    len = TL_MIN(data_end - seq, (uint32_t) tp->mss);
    if (SEQ_GT(seq + len, tp->snd_una + tp->snd_wnd)) {
	return 0;
    }
    /* Refused by the device's queue: nothing went. */
    return !tcp_output_range(tp, seq, len, gso, TL_MIN(TL_MIN(tp->cwnd
	    - pipe, data_end - seq), tp->snd_una + tp->snd_wnd - seq));
}

/*
 * tcp_sack_recover --
 *	RFC 6675 5 steps (C) and the loop of 5.1: while the congestion window
 *	allows (cwnd - pipe >= 1 segment), retransmit the next hole, else send
 *	new data the receiver's window allows.
 */

void
tcp_sack_recover(
    tl_tcb *tp)
{
    uint32_t seq, len;
    tl_gso gso = {0, 0, 0, 0};
    int guard;

    for (guard = 0; guard < 1000; guard++) {
	uint32_t pipe = tcp_sack_pipe(tp);

	if (tp->cwnd <= pipe || tp->cwnd - pipe < tp->mss) {
	    break;
	}
	if (NextSeg(tp, &seq, &len)) {
	    if (tcp_output_range(tp, seq, len, NULL, 0)) {
		break;		/* Refused by the device's queue. */
	    }
	    tp->high_rxt = seq + len;
	    continue;
	}
	/* Rule 2: new data, within the receiver's window. */
	if (!RecoverNewData(tp, &gso, pipe)) {
	    break;
	}
    }
}

/*
 *----------------------------------------------------------------------
 * Linux's SACK loss recovery (tunable sack_recovery): RACK (RFC 8985,
 * Linux tcp_recovery.c) on the send log, and PRR (RFC 6937,
 * tcp_cwnd_reduction()) for the reduction.
 *----------------------------------------------------------------------
 */

static int
Rack(
    const tl_tcb *tp)
{
    return (tp->flags & TF_SACK_PERMIT)
	    && tp->host->tun.sack_recovery == SACKREC_LINUX;
}

/* Linux's recovery on a connection without SACK (tunable reno_recovery):
 * the same records, duplicate ACKs counted in tp->dupacks as Linux's
 * sacked_out. */
static int
RenoLinux(
    const tl_tcb *tp)
{
    return !(tp->flags & TF_SACK_PERMIT) && tp->host->tun.reno_recovery;
}

/* Where record i of the log begins. */
static uint32_t
RecStart(
    const tl_tcb *tp,
    const tl_xmitlog *x,
    uint32_t i)
{
    return i == 0 ? tp->snd_una : SEQ_MAX(REC(x, i - 1)->end, tp->snd_una);
}

/*
 * RackAdvance --
 *	tcp_rack_advance(): a segment was delivered (ACKed or SACKed). Its
 *	round trip is RACK's latest; the one sent last of those delivered
 *	sets RACK's clock (of two sent at one instant, the later send: Linux
 *	breaks ties of its microsecond clock by end_seq, which the order of
 *	sending follows there except when a retransmission and new data
 *	leave in the same microsecond). A retransmission delivered sooner than min_rtt may
 *	be the original's delivery and does not count.
 */

static void
RackAdvance(
    tl_tcb *tp,
    const XmitRec *r)
{
    tl_time rtt = tcp_now(tp->host) - r->t;

    if (!Rack(tp) || (r->rexmit && rtt < tp->min_rtt)) {
	return;
    }
    tp->rack_rtt = rtt;
    if (!tp->rack_ok || r->t > tp->rack_t
	    || (r->t == tp->rack_t && (int32_t) (r->order - tp->rack_order) > 0)) {
	tp->rack_t = r->t;
	tp->rack_order = r->order;
	tp->rack_ok = 1;
    }
}

/*
 * RackReordering --
 *	tcp_check_sack_reordering(): a segment from low, never sent again, was
 *	delivered below the highest SACKed byte: reordering was seen, as far
 *	as that distance in segments if more than the current estimate.
 */

static void
RackReordering(
    tl_tcb *tp,
    uint32_t low)
{
    uint32_t fack = HighSack(tp), metric;

    if (!SEQ_LT(low, fack)) {
	return;
    }
    metric = fack - low;
    if (metric > tp->reordering * tp->mss) {
	tp->reordering = TL_MIN((metric + tp->mss - 1) / tp->mss, 300u);
    }
    tp->reord_seen++;
}

/* Marks the records the SACK blocks now cover whole (Linux tags whole
 * skbs: a block that covers part of one leaves it); returns how many. */
static uint32_t
RackTagSacked(
    tl_tcb *tp)
{
    tl_xmitlog *x = tp->xmitlog;
    uint32_t i, n = 0, fack = tp->snd_una, low = 0;
    int b = 0, reord = 0;

    fack = LastSacked(x, fack);
    for (i = 0; x && i < x->n && b < tp->nsackblk; i++) {
	XmitRec *r = REC(x, i);
	uint32_t s = RecStart(tp, x, i);

	while (b < tp->nsackblk && SEQ_LEQ(tp->sackblk[b][1], s)) {
	    b++;
	}
	if (!r->sacked && b < tp->nsackblk
		&& SEQ_LEQ(tp->sackblk[b][0], s)
		&& SEQ_GEQ(tp->sackblk[b][1], r->end)) {
	    int was = Cat(r);

	    r->sacked = 1;
	    Recount(x, i, was);
	    n++;
	    RackAdvance(tp, r);
	    if (!r->rexmit && SEQ_LT(s, fack) && !reord) {
		/* tcp_sacktag_one(): below the highest SACKed. */
		reord = 1;
		low = s;
	    }
	}
    }
    if (reord) {
	RackReordering(tp, low);
    }
    return n;
}

/* Bytes SACKed, deemed lost (and not sent again) and in flight (Linux
 * tcp_packets_in_flight(): out, less SACKed, less lost, plus sent again). */
static void
RackCount(
    const tl_tcb *tp,
    uint32_t *sackedPtr,
    uint32_t *lostPtr,
    uint32_t *pipePtr)
{
    const tl_xmitlog *x = tp->xmitlog;
    uint32_t sacked = 0, lost = 0, pipe = 0;

    if (x && x->n) {
	/* The oldest record begins at snd_una, not where its span does. */
	uint32_t b[3] = { x->bytes[0], x->bytes[1], x->bytes[2] };

	b[Cat(REC(x, 0))] -= tp->snd_una - x->start;
	pipe = b[REC_PIPE];
	sacked = b[REC_SACKED];
	lost = b[REC_LOST];
    }
    if (RenoLinux(tp) && tp->dupacks > 0) {
	/* tcp_packets_in_flight() less sacked_out, the duplicate ACKs. */
	uint32_t held = TL_MIN((uint32_t) tp->dupacks * tp->mss, pipe);

	sacked += held;
	pipe -= held;
    }
    *sackedPtr = sacked;
    *lostPtr = lost;
    *pipePtr = pipe;
}

/*
 * RackDetectLoss --
 *	tcp_rack_detect_loss(): a segment sent before the latest delivered
 *	one and not delivered within RACK's RTT plus the reordering window is
 *	lost (again, if it was a retransmission). The window
 *	(tcp_rack_reo_wnd()) is min_rtt / 4, at most srtt; until reordering
 *	is seen, 0 in recovery or once as many segments as the reordering
 *	estimate (tcp_reordering, 3) are SACKed. Returns how long until
 *	the next one would be, 0 if none.
 */

static tl_time
RackDetectLoss(
    tl_tcb *tp,
    uint32_t *newlyLostPtr)
{
    tl_xmitlog *x = tp->xmitlog;
    tl_time now = tcp_now(tp->host), reo = 0, wait = 0;
    uint32_t i, sacked, lost, pipe;

    *newlyLostPtr = 0;
    if (!x || !tp->rack_ok) {
	return 0;
    }
    RackCount(tp, &sacked, &lost, &pipe);
    if (tp->reord_seen || (tp->ca_state < CA_RECOVERY
	    && Segments(tp, sacked) < tp->reordering)) {
	reo = TL_MIN(tp->min_rtt / 4, tp->srtt);
    }
    for (i = 0; i < x->n; i++) {
	XmitRec *r = REC(x, i);
	tl_time left;

	if (r->sacked || (r->lost && !r->rtx)
		|| !(tp->rack_t > r->t || (tp->rack_t == r->t
		    && (int32_t) (tp->rack_order - r->order) > 0))) {
	    continue;
	}
	left = r->t + tp->rack_rtt + reo - now;
	if (left <= 0) {
	    int was = Cat(r);

	    r->lost = 1;
	    r->rtx = 0;
	    Recount(x, i, was);
	    ++*newlyLostPtr;
	} else if (left > wait) {
	    wait = left;
	}
    }
    return wait;
}

/* RACK's reordering timer (Linux ICSK_TIME_REO_TIMEOUT, on the
 * retransmission timer): wait plus TCP_TIMEOUT_MIN_US (2 ms), in jiffies
 * (the kernel here fires it 28-32 ms after a 25 ms wait: HZ 250); with
 * nothing to wait for, the RTO again. */
static void
RackArm(
    tl_tcb *tp,
    tl_time wait)
{
    if (wait > 0) {
	tcp_timer_set(tp, TT_REXMT, wait + 2 * TL_MS);
	tp->flags = (tp->flags & ~TF_TLP_ARMED) | TF_REO_ARMED;
    } else if (tp->flags & TF_REO_ARMED) {
	tcp_rexmt_arm(tp);
    }
}

/* tcp_enter_recovery(), tcp_init_cwnd_reduction() unless already reducing
 * (CWR). */
static void
RackEnter(
    tl_tcb *tp)
{
    tp->prior_ssthresh = 0;
    if (Undoing(tp) || RenoUndo(tp)) {
	InitUndo(tp);
    }
    if (tp->ca_state != CA_CWR) {
	if (Undoing(tp) || RenoUndo(tp)) {
	    tp->prior_ssthresh = CurrentSsthresh(tp);
	}
	tp->prior_cwnd = tp->cwnd / tp->mss;
	tp->ssthresh = tp->cc->ssthresh(tp);
	tp->prr_delivered = tp->prr_out = 0;
    }
    tp->recover = tp->snd_max;
    tp->flags |= TF_INRECOVERY;
    tp->rtt_start = -1;
    tcp_cc_state(tp, CA_RECOVERY);
}

/*
 * RackRecover --
 *	tcp_xmit_retransmit_queue() and then new data: while cwnd is above
 *	what is in flight, the first lost segment not yet sent again, else
 *	new data the receiver's window allows.
 */

static void
RackRecover(
    tl_tcb *tp)
{
    uint32_t seq, i;
    uint32_t sacked, lost, pipe;
    tl_gso gso = {0, 0, 0, 0};
    int guard, was;

    for (guard = 0; guard < 1000; guard++) {
	tl_xmitlog *x = tp->xmitlog;
	XmitRec *r = NULL;

	RackCount(tp, &sacked, &lost, &pipe);
	if (tp->cwnd <= pipe || tp->cwnd - pipe < tp->mss) {
	    break;
	}
	for (i = 0; lost && x && i < x->n; i++) {
	    r = REC(x, i);
	    if (!r->sacked && r->lost && !r->rtx) {
		break;
	    }
	    r = NULL;
	}
	if (r) {
	    seq = RecStart(tp, x, i);
	    if (tcp_output_range(tp, seq, r->end - seq, NULL, 0)) {
		/* The device's queue refused it: not marked sent again nor
		 * counted in retrans_out, and the walk ends (Linux
		 * tcp_xmit_retransmit_queue(): "if (tcp_retransmit_skb())
		 * break;"). */
		break;
	    }
	    x = tp->xmitlog;	/* The same log: only new data grows it. */
	    r = REC(x, i);
	    was = Cat(r);	/* Sending it may have marked it already. */
	    r->rtx = 1;
	    Recount(x, i, was);
	    continue;
	}
	if (!RecoverNewData(tp, &gso, pipe)) {
	    break;
	}
    }
}

/*
 * Prr --
 *	tcp_cwnd_reduction(): with the flight above ssthresh, send ssthresh /
 *	prior_cwnd of what was delivered (the proportional rate reduction);
 *	else up to ssthresh what was delivered (RFC 6937's slow start
 *	reduction bound), one more when snd_una moved and nothing was newly
 *	lost; at least the first retransmission. cwnd = flight + that.
 */

static void
PrrCwnd(
    tl_tcb *tp,
    uint32_t newly,
    int unaMoved,
    uint32_t newlyLost)
{
    uint32_t sacked, lost, pipe;
    int32_t delta, sndcnt, inflight, ssthresh;

    if (newly > 0 && tp->prior_cwnd) {
	RackCount(tp, &sacked, &lost, &pipe);
	tp->prr_delivered += newly;
	inflight = (int32_t) Segments(tp, pipe);
	ssthresh = (int32_t) (tp->ssthresh / tp->mss);
	delta = ssthresh - inflight;
	if (delta < 0) {
	    sndcnt = (int32_t) (((uint64_t) ssthresh * tp->prr_delivered
		    + tp->prior_cwnd - 1) / tp->prior_cwnd)
		    - (int32_t) tp->prr_out;
	} else {
	    sndcnt = TL_MAX((int32_t) (tp->prr_delivered - tp->prr_out),
		    (int32_t) newly);
	    if (unaMoved && !newlyLost) {
		sndcnt++;
	    }
	    sndcnt = TL_MIN(delta, sndcnt);
	}
	sndcnt = TL_MAX(sndcnt, tp->prr_out ? 0 : 1);
	tp->cwnd = (uint32_t) (inflight + sndcnt) * tp->mss;
	tcp_cc_report(tp, tp->prr_out ? "PRR (RFC 6937)"
		: Rack(tp) ? "SACK loss recovery (RACK, PRR)"
		: "loss recovery (duplicate ACKs, PRR)");
    }
}

static void
Prr(
    tl_tcb *tp,
    uint32_t newly,
    int unaMoved,
    uint32_t newlyLost)
{
    PrrCwnd(tp, newly, unaMoved, newlyLost);
    RackRecover(tp);
}

/*
 * tcp_prr_ack --
 *	After an ACK on a SACK connection with Linux's recovery (una0: snd_una
 *	before it): tag what it SACKed, let RACK find what is lost, and with a
 *	loss begin recovery (Linux tcp_fastretrans_alert(), tcp_time_to_recover():
 *	lost_out); in recovery, PRR. A SACK without a loss is Disorder.
 */

void
tcp_prr_ack(
    tl_tcb *tp,
    uint32_t una0,
    uint32_t cwnd0)
{
    uint32_t sackedNow, newly, newlyLost;
    uint32_t sacked, lost, pipe;
    tl_time wait;

    if (!tp->nsackblk && tp->ca_state == CA_OPEN) {
	/* Nothing SACKed, no recovery: every ACK is cumulative and no
	 * segment can be overdue behind a later one. */
	tp->rack_acked = 0;
	return;
    }
    sackedNow = RackTagSacked(tp);
    newly = tp->rack_acked + sackedNow;
    tp->rack_acked = 0;
    wait = RackDetectLoss(tp, &newlyLost);
    if (!(tp->flags & TF_INRECOVERY)) {
	if (tp->ca_state == CA_LOSS && LossSend(tp)) {
	    return;
	}
	if (tp->ca_state > CA_CWR) {
	    return;
	}
	RackCount(tp, &sacked, &lost, &pipe);
	if (lost) {
	    /* Linux finds the loss (tcp_fastretrans_alert()) before cwnd
	     * moves (tcp_cong_control()): the ACK that starts a recovery
	     * grows nothing, not even for what it acknowledged. */
	    tp->cwnd = cwnd0;
	} else if (sackedNow && tp->host->tun.acked_sacked
		&& tp->ca_state != CA_CWR
		&& (tp->snd_una != una0 || tp->reordering > DUPTHRESH)
		&& tcp_cwnd_may_grow(tp, tp->snd_max - tp->snd_una)) {
	    /* What the ACK newly SACKed grows cwnd too, with the ACK's
	     * progress, or alone once reordering was seen
	     * (tcp_may_raise_cwnd(), tcp_cong_control(acked_sacked)). */
	    tp->cc->cong_avoid(tp, sackedNow * tp->mss);
	}
	if (!lost) {
	    if (tp->ca_state == CA_CWR) {
		RackArm(tp, wait);
		return;
	    }
	    if (sacked && tp->ca_state == CA_OPEN) {
		tcp_cc_state(tp, CA_DISORDER);
	    }
	    RackArm(tp, wait);
	    return;
	}
	if (tcp_mtup_probe_failed(tp)) {
	    return;
	}
	RackEnter(tp);
    }
    RackArm(tp, wait);
    Prr(tp, newly, tp->snd_una != una0, newlyLost);
}

/*
 * tcp_rack_timeout --
 *	RACK's reordering timer fired (tcp_rack_reo_timeout()): what is now
 *	overdue is lost; recovery begins (a reduction step for one segment
 *	delivered) or sends it again; then the RTO runs again.
 */

void
tcp_rack_timeout(
    tl_tcb *tp)
{
    uint32_t newlyLost;

    tp->flags &= ~TF_REO_ARMED;
    (void) RackDetectLoss(tp, &newlyLost);
    if (newlyLost) {
	if (tcp_mtup_probe_failed(tp)) {
	    return;
	} else if (!(tp->flags & TF_INRECOVERY)) {
	    RackEnter(tp);
	    Prr(tp, 1, 0, newlyLost);
	} else {
	    RackRecover(tp);
	}
    }
    tcp_rexmt_arm(tp);
}

/* A retransmission timeout (tcp_enter_loss()): all that is not SACKed is
 * lost, and none of it sent again yet. */
void
tcp_rack_rto(
    tl_tcb *tp)
{
    tl_xmitlog *x = tp->xmitlog;
    uint32_t i;

    for (i = 0; Rack(tp) && x && i < x->n; i++) {
	XmitRec *r = REC(x, i);

	if (!r->sacked) {
	    int was = Cat(r);

	    r->lost = 1;
	    r->rtx = 0;
	    Recount(x, i, was);
	}
    }
}

/* Segments deemed lost and not SACKed, and retransmitted segments neither
 * delivered nor deemed lost again: Linux's lost_out and retrans_out
 * (tcpi_lost, tcpi_retrans), for RACK. */
void
tcp_rack_outstanding(
    const tl_tcb *tp,
    uint32_t *lostPtr,
    uint32_t *retransPtr)
{
    const tl_xmitlog *x = tp->xmitlog;
    uint32_t i;

    *lostPtr = *retransPtr = 0;
    for (i = 0; x && i < x->n; i++) {
	const XmitRec *r = REC(x, i);

	if (!r->sacked) {
	    *lostPtr += r->lost;
	    *retransPtr += r->rexmit && !(r->lost && !r->rtx);
	}
    }
}

/* Linux's flight (tcp_packets_in_flight()) in bytes, for RACK. */
static uint32_t
RackPipe(
    const tl_tcb *tp)
{
    uint32_t sacked, lost, pipe;

    RackCount(tp, &sacked, &lost, &pipe);
    return pipe;
}

/*
 *----------------------------------------------------------------------
 * ECN (RFC 3168; tunable tcp_ecn; Linux tcp_ecn_*(), tcp_enter_cwr())
 *----------------------------------------------------------------------
 */

/* The ECN flags of our SYN or SYN-ACK: an active open that asks (tcp_ecn
 * 1) sets ECE and CWR on its first SYN, not on retransmissions (Linux
 * tcp_ecn_send_syn(), tcp_ecn_clear_syn(): tcp_ecn_fallback); a SYN-ACK
 * accepting sets ECE (tcp_ecn_make_synack()). */
int
tcp_ecn_syn_flags(
    tl_tcb *tp,
    int state)
{
    if (state == TCPS_SYN_RECEIVED) {
	return (tp->ecn & ECN_OK) ? TH_ECE : 0;
    }
    if (tp->rxtshift == 0 && tp->host->tun.tcp_ecn == TCPECN_ON) {
	tp->ecn = ECN_OK;
	return TH_ECE | TH_CWR;
    }
    return 0;
}

/* A SYN (passive open) or SYN-ACK (active) arrived: a SYN asking for ECN
 * (ECE and CWR, in a datagram not itself ECN-capable) gets it if the host
 * accepts (tcp_ecn 1 or 2; tcp_ecn_create_request()); an active open keeps
 * it only if the SYN-ACK has ECE without CWR (tcp_ecn_rcv_synack()). */
void
tcp_ecn_syn_in(
    tl_tcb *tp,
    int ipecn,
    int flags)
{
    if (!(flags & TH_ACK)) {
	if (tp->host->tun.tcp_ecn != TCPECN_OFF && (ipecn & 3) == 0
		&& (flags & (TH_ECE | TH_CWR)) == (TH_ECE | TH_CWR)) {
	    tp->ecn = ECN_OK;
	}
    } else if (!(flags & TH_ECE) || (flags & TH_CWR)) {
	tp->ecn = 0;
    }
}

/*
 * CwrReduce --
 *	In CWR (an ECN echo, no loss), PRR as in recovery
 *	(tcp_cwnd_reduction()) with what each ACK delivered; sending is
 *	left to the output that follows.
 */

static void
CwrReduce(
    tl_tcb *tp,
    uint32_t newly,
    int unaMoved)
{
    int32_t inflight = (int32_t) Segments(tp, tcp_in_flight(tp));
    int32_t ssthresh = (int32_t) (tp->ssthresh / tp->mss), delta, sndcnt;

    if (!newly || !tp->prior_cwnd) {
	return;
    }
    tp->prr_delivered += newly;
    delta = ssthresh - inflight;
    if (delta < 0) {
	sndcnt = (int32_t) (((uint64_t) ssthresh * tp->prr_delivered
		+ tp->prior_cwnd - 1) / tp->prior_cwnd) - (int32_t) tp->prr_out;
    } else {
	sndcnt = TL_MIN(delta, TL_MAX((int32_t) (tp->prr_delivered
		- tp->prr_out), (int32_t) newly) + (unaMoved ? 1 : 0));
    }
    sndcnt = TL_MAX(sndcnt, tp->prr_out ? 0 : 1);
    tp->cwnd = (uint32_t) (inflight + sndcnt) * tp->mss;
    tcp_cc_report(tp, "CWR (ECN)");
}

/* An ACK in CWR: the state ends once data past the reduction's start is
 * acknowledged, with cwnd = ssthresh; until then PRR. */
static void
CwrAck(
    tl_tcb *tp,
    uint32_t una0)
{
    if (SEQ_GT(tp->snd_una, tp->recover)) {
	tp->cwnd = TL_MAX(tp->ssthresh, (uint32_t) tp->mss);
	tcp_cc_state(tp, CA_OPEN);
	tcp_cc_report(tp, "CWR ends");
    } else {
	CwrReduce(tp, Segments(tp, tp->snd_una - una0),
		tp->snd_una != una0);
    }
}

/*
 * tcp_cc_local_drop --
 *	The device's queue refused a segment (tunable
 *	resource_probe_interval; Linux __tcp_transmit_skb() -> tcp_enter_cwr()
 *	on NET_XMIT_DROP): no undo of this reduction, and outside a reduction
 *	or recovery, CWR begins as for an ECN echo (tcp_init_cwnd_reduction():
 *	ssthresh from the module, PRR from cwnd; CWR on the next new data
 *	with ECN).
 */

void
tcp_cc_local_drop(
    tl_tcb *tp)
{
    tp->prior_ssthresh = 0;
    if (tp->ca_state >= CA_CWR || (tp->flags & TF_INRECOVERY) || !tp->mss
	    || !TCPS_HAVEESTABLISHED(tp->state)) {
	return;
    }
    tp->undo_on = 0;
    tp->prior_cwnd = tp->cwnd / tp->mss;
    tp->ssthresh = tp->cc->ssthresh(tp);
    tp->prr_delivered = tp->prr_out = 0;
    tp->recover = tp->snd_nxt;
    if (tp->ecn & ECN_OK) {
	tp->ecn |= ECN_QUEUE_CWR;
    }
    tcp_cc_state(tp, CA_CWR);
    tcp_cc_report(tp, "CWR (the device's queue refused a segment)");
}

/*
 * tcp_ecn_in --
 *	A segment on a connection with ECN (una0: snd_una before it). The
 *	receiver: CE on data makes it echo ECE on every ACK, the first at
 *	once, until a CWR arrives (RFC 3168 6.1.3; tcp_ecn_check_ce(),
 *	tcp_ecn_accept_cwr()). The sender: ECE outside a reduction halves the
 *	window once per round trip as a loss would, without retransmitting
 *	(6.1.2; tcp_enter_cwr(): ssthresh from the module, PRR to it, CWR on
 *	the next new data); the state ends once data past the reduction's
 *	start is acknowledged, with cwnd = ssthresh.
 */

void
tcp_ecn_in(
    tl_tcb *tp,
    int ipecn,
    int flags,
    uint32_t len,
    uint32_t una0)
{
    if (!(tp->ecn & ECN_OK)) {
	if (tp->ca_state == CA_CWR && (flags & TH_ACK) && !(flags & TH_SYN)
		&& tp->mss) {
	    CwrAck(tp, una0);	/* A CWR of tcp_cc_local_drop(). */
	}
	return;
    }
    if (flags & TH_CWR) {
	tp->ecn &= ~ECN_DEMAND_CWR;
	if (len) {
	    tp->flags |= TF_ACKNOW;
	}
    }
    if (len && (ipecn & 3) == IP_ECN_CE) {
	if (!(tp->ecn & ECN_DEMAND_CWR)) {
	    tp->flags |= TF_ACKNOW;
	}
	tp->ecn |= ECN_DEMAND_CWR;
    }
    if (!(flags & TH_ACK) || (flags & TH_SYN) || !tp->mss) {
	return;
    }
    if (tp->ca_state == CA_CWR) {
	CwrAck(tp, una0);
    } else if ((flags & TH_ECE) && tp->ca_state <= CA_DISORDER
	    && !(tp->flags & TF_INRECOVERY)) {
	tp->prior_cwnd = tp->cwnd / tp->mss;
	tp->ssthresh = tp->cc->ssthresh(tp);
	tp->prr_delivered = tp->prr_out = 0;
	tp->recover = tp->snd_nxt;
	tp->ecn |= ECN_QUEUE_CWR;
	tp->prior_ssthresh = 0;	/* Never undone (tcp_enter_cwr()). */
	tp->undo_on = 0;
	tcp_cc_state(tp, CA_CWR);
	CwrReduce(tp, Segments(tp, tp->snd_una - una0),
		tp->snd_una != una0);
    }
}

/*
 * tcp_sack_enter --
 *	RFC 6675 5 (entering loss recovery): ssthresh = cwnd = the module's
 *	ssthresh (half the flight for NewReno), RecoveryPoint = HighData,
 *	and the first segment goes again at once; then the loop sends what
 *	pipe allows.
 */

void
tcp_sack_enter(
    tl_tcb *tp)
{
    uint32_t mss = tp->mss;
    uint32_t data_end = tp->snd_buf_seq + tp->sndbuf.len, len;

    tp->ssthresh = tp->cc->ssthresh(tp);
    tp->cwnd = tp->ssthresh;
    tp->recover = tp->snd_max;
    tp->flags |= TF_INRECOVERY;
    tp->rtt_start = -1;
    tcp_cc_report(tp, "SACK loss recovery (RFC 6675)");
    tcp_cc_state(tp, CA_RECOVERY);
    len = TL_MIN(SEQ_MIN(data_end, tp->snd_max) - tp->snd_una, mss);
    if (len) {
	tcp_timer_cancel(tp, TT_REXMT);
	if (tcp_output_range(tp, tp->snd_una, len, NULL, 0)) {
	    tcp_rexmt_arm(tp);	/* Refused: nothing else goes now. */
	    return;
	}
	tp->high_rxt = tp->snd_una + len;
    }
    tcp_sack_recover(tp);
}

/*
 *----------------------------------------------------------------------
 * Whether the window is used: may an ACK grow cwnd? (tunable
 * cwnd_validate)
 *----------------------------------------------------------------------
 */

/* Segments of n bytes at the MSS, rounded up (Linux counts packets). */
static uint32_t
Segments(
    const tl_tcb *tp,
    uint32_t n)
{
    return tp->mss ? (n + tp->mss - 1) / tp->mss : 0;
}

/* Bytes in flight (Linux tcp_packets_in_flight(): out, less those SACKed
 * or deemed lost, plus those sent again). */
uint32_t
tcp_in_flight(
    const tl_tcb *tp)
{
    if (Rack(tp) && tp->xmitlog
	    && (tp->nsackblk || tp->ca_state != CA_OPEN)) {
	return RackPipe(tp);
    }
    if (RenoLinux(tp) && tp->xmitlog && (tp->ca_state == CA_DISORDER
	    || tp->ca_state == CA_RECOVERY)) {
	return RackPipe(tp);
    }
    return (tp->flags & TF_SACK_PERMIT) && tp->nsackblk ? tcp_sack_pipe(tp)
	    : tp->snd_max - tp->snd_una;
}

/*
 * tcp_cwnd_validate --
 *	After an output pass (oldmax: snd_max before it). Linux 6.18
 *	tcp_write_xmit() and tcp_cwnd_validate(): when new data left or the
 *	window is full, remember whether cwnd limited this window and the most
 *	segments out, until the window that was out is acknowledged.
 */

void
tcp_cwnd_validate(
    tl_tcb *tp,
    uint32_t oldmax)
{
    int limited;
    uint32_t out;

    if (tp->host->tun.cwnd_validate != CWV_LINUX || !tp->mss) {
	return;
    }
    /* A packet tcp_tso_should_defer() held back for cwnd counts too
     * (tunable tso_defer). */
    limited = Segments(tp, tcp_in_flight(tp)) >= tp->cwnd / tp->mss
	    || tp->defer_limited == 1;
    if (!limited && !SEQ_GT(tp->snd_max, oldmax)) {
	return;
    }
    out = Segments(tp, tp->snd_max - tp->snd_una);
    if (SEQ_GEQ(tp->snd_una, tp->cwnd_usage_seq) || limited
	    || (!tp->cwnd_limited && out > tp->max_packets_out)) {
	tp->cwnd_limited = (uint8_t) limited;
	tp->max_packets_out = out;
	tp->cwnd_usage_seq = tp->snd_nxt;
    }
}

/*
 * tcp_cwnd_may_grow --
 *	Whether an ACK may grow cwnd; prior_flight: the bytes in flight
 *	before it (snd_max - snd_una, or the SACK pipe).
 */

int
tcp_cwnd_may_grow(
    const tl_tcb *tp,
    uint32_t prior_flight)
{
    uint32_t cwnd, flight, left;

    if (!tp->mss) {
	return 1;
    }
    cwnd = tp->cwnd / tp->mss;
    switch (tp->host->tun.cwnd_validate) {
    case CWV_LINUX:
	/* tcp_is_cwnd_limited(). */
	if (tp->cwnd_limited) {
	    return 1;
	}
	return tp->cwnd < tp->ssthresh && cwnd < 2 * tp->max_packets_out;
    case CWV_LINUX36:
	/* 3.6 tcp_is_cwnd_limited(sk, in_flight): tcp_max_burst() is
	 * tp->reordering (3); with offload, a third of cwnd (the default
	 * tcp_tso_win_divisor) if under the largest offload. */
	flight = Segments(tp, prior_flight);
	if (flight >= cwnd) {
	    return 1;
	}
	left = cwnd - flight;
	if (tp->tso && left * 3 < cwnd && left * tp->mss < 65536) {
	    return 1;
	}
	return left <= 3;
    default:
	return 1;
    }
}

/*
 * tcp_sndbuf_expand --
 *	Linux tcp_sndbuf_expand() (tunable sndbuf_expand), at the handshake's
 *	end and when an ACK frees room the application waits for: a send
 *	buffer nobody set grows to 2 x max(10, cwnd) segments of truesize,
 *	at most tcp_wmem[2] (4 MiB). Never shrinks. A segment's truesize:
 *	max(mss_clamp, mss) + MAX_TCP_HEADER and skb_shared_info (256 + 320
 *	on x86-64), rounded up to a power of two, + sk_buff (256).
 */

void
tcp_sndbuf_expand(
    tl_tcb *tp)
{
    uint32_t mss = TL_MAX((uint32_t) tp->mss, tp->peer_mss ? tp->peer_mss
	    : tp->mss), per = mss + 256 + 320, p2 = 1, segs;
    uint64_t mem;

    if (!tp->host->tun.sndbuf_expand || (tp->flags & TF_SNDBUF_LOCK)
	    || !tp->mss) {
	return;
    }
    while (p2 < per) {
	p2 <<= 1;
    }
    segs = TL_MAX(10u, tp->cwnd / tp->mss);
    mem = 2ull * segs * (p2 + 256);
    if (mem > 4194304) {
	mem = 4194304;
    }
    if (mem > tp->sndbuf.cap) {
	tp->sndbuf.cap = (uint32_t) mem;	/* Its memory grows on demand. */
    }
}

/*
 *----------------------------------------------------------------------
 * Undo of spurious reductions (tunable spurious_undo; Linux 6.18
 * tcp_input.c, RFC 2883 4, RFC 3522) and F-RTO (tunable tcp_frto, RFC
 * 5682), on Linux's SACK recovery; the undo of a fast recovery without
 * SACK is tcp_reno_ack()'s (below).
 *----------------------------------------------------------------------
 */

static int
Undoing(
    const tl_tcb *tp)
{
    return Rack(tp) && tp->host->tun.spurious_undo;
}

/* The undo of a fast recovery without SACK (tunable reno_recovery): by
 * timestamps only, there being no D-SACK. */
static int
RenoUndo(
    const tl_tcb *tp)
{
    return RenoLinux(tp) && tp->host->tun.spurious_undo;
}

/* cwnd to restore (Linux tcp_reno_undo_cwnd(), CUBIC's undo_cwnd too):
 * max(cwnd, prior_cwnd). */
uint32_t
tcp_cc_reno_undo(
    tl_tcb *tp)
{
    return TL_MAX(tp->cwnd, tp->prior_cwnd * tp->mss);
}

/* tcp_current_ssthresh(): ssthresh during a reduction, else at least 3/4
 * of cwnd. */
static uint32_t
CurrentSsthresh(
    const tl_tcb *tp)
{
    uint32_t c = tp->cwnd / tp->mss;

    if (tp->ca_state == CA_CWR || tp->ca_state == CA_RECOVERY) {
	return tp->ssthresh;
    }
    return TL_MAX(tp->ssthresh, ((c >> 1) + (c >> 2)) * tp->mss);
}

/* Segments beyond ack sent again and neither delivered nor deemed lost
 * since (Linux retrans_out). */
static uint32_t
RetransOut(
    const tl_tcb *tp,
    uint32_t ack)
{
    const tl_xmitlog *x = tp->xmitlog;
    uint32_t i, n = 0;

    for (i = 0; x && i < x->n; i++) {
	const XmitRec *r = REC(x, i);

	if (SEQ_GT(r->end, ack) && r->rexmit && !r->sacked
		&& !(r->lost && !r->rtx)) {
	    n += Segments(tp, r->end - RecStart(tp, x, i));
	}
    }
    return n;
}

/* tcp_init_undo(): an episode begins at snd_una; what is already sent
 * again and in flight may be D-SACKed later (-1: nothing yet, which is
 * not "all proven"). */
static void
InitUndo(
    tl_tcb *tp)
{
    tp->undo_marker = tp->snd_una;
    tp->undo_on = 1;
    tp->undo_retrans = (int32_t) RetransOut(tp, tp->snd_una);
    if (!tp->undo_retrans) {
	tp->undo_retrans = -1;
    }
}

/* tcp_packet_delayed(): the ACK echoes a timestamp older than the first
 * retransmission (Eifel, RFC 3522): the original arrived; with no
 * retransmission yet, nothing was sent in vain. */
static int
PacketDelayed(
    const tl_tcb *tp,
    const tl_tcphdr *th)
{
    if (tp->retrans_stamp) {
	return (tp->flags & TF_RCVD_TSTMP) && th->opt.has_ts
		&& th->opt.tsecr
		&& (int32_t) (th->opt.tsecr - tp->retrans_stamp) < 0;
    }
    /* Without SACK, retrans_stamp was cleared when the ACK of exactly the
     * recovery point held CA_Recovery (tcp_is_non_sack_preventing_reopen()):
     * a retransmission did leave. */
    return (tp->flags & TF_SACK_PERMIT) || SEQ_LT(th->ack, tp->recover);
}

/* tcp_may_undo(): every retransmission of the episode D-SACKed, or the
 * original shown delivered by its timestamp. */
static int
MayUndo(
    const tl_tcb *tp,
    const tl_tcphdr *th)
{
    return tp->undo_on && (!tp->undo_retrans || PacketDelayed(tp, th));
}

/*
 * Undo --
 *	tcp_undo_cwnd_reduction(): the windows before the episode come back,
 *	cwnd from the module (undo_cwnd), ssthresh = prior_ssthresh if
 *	higher; with unmark, nothing is deemed lost any more.
 */

static void
Undo(
    tl_tcb *tp,
    int unmark,
    const char *why)
{
    tl_xmitlog *x = tp->xmitlog;
    uint32_t i;

    for (i = 0; unmark && x && i < x->n; i++) {
	int was = Cat(REC(x, i));

	REC(x, i)->lost = 0;
	Recount(x, i, was);
    }
    if (tp->prior_ssthresh && tp->cc->undo_cwnd) {
	tp->cwnd = tp->cc->undo_cwnd(tp);
	if (tp->prior_ssthresh > tp->ssthresh) {
	    tp->ssthresh = tp->prior_ssthresh;
	    tp->ecn &= ~ECN_QUEUE_CWR;	/* tcp_ecn_withdraw_cwr() */
	}
	tcp_cc_report(tp, why);
    }
    tp->undo_on = 0;
}

/* tcp_try_keep_open(), for an ACK of ack: Disorder while anything beyond
 * it is SACKed, lost or sent again and in flight, else Open; recovery is
 * over. */
static void
KeepOpen(
    tl_tcb *tp,
    uint32_t ack)
{
    const tl_xmitlog *x = tp->xmitlog;
    uint32_t i, out = RetransOut(tp, ack);
    int left = 0;

    for (i = 0; x && i < x->n && !left; i++) {
	const XmitRec *r = REC(x, i);

	left = SEQ_GT(r->end, ack) && (r->sacked || r->lost);
    }
    tp->flags &= ~TF_INRECOVERY;
    tcp_cc_state(tp, left || out ? CA_DISORDER : CA_OPEN);
    if (!out) {
	tp->retrans_stamp = 0;	/* tcp_try_to_open() */
    }
}

/* tcp_try_undo_dsack(): every retransmission D-SACKed. */
static int
TryUndoDsack(
    tl_tcb *tp)
{
    if (tp->undo_on && !tp->undo_retrans) {
	Undo(tp, 0, "undo: every retransmission D-SACKed (RFC 2883)");
	return 1;
    }
    return 0;
}

/* tcp_try_undo_loss(): leaves CA_LOSS with the windows from before the
 * timeout; snd_nxt, which Linux never moved back, is snd_max again. */
static int
TryUndoLoss(
    tl_tcb *tp,
    const tl_tcphdr *th,
    int frto)
{
    if (!frto && !MayUndo(tp, th)) {
	return 0;
    }
    Undo(tp, 1, frto ? "undo: spurious timeout (F-RTO, RFC 5682)"
	    : "undo: spurious timeout (timestamps or D-SACK)");
    tp->rxtshift = 0;
    tp->frto = 0;
    tp->snd_nxt = tp->snd_max;
    tp->loss_high = tp->snd_una;
    tcp_cc_state(tp, CA_OPEN);
    return 1;
}

/*
 * tcp_dsack_check --
 *	tcp_check_dsack() on an arriving ACK's SACK blocks (before they are
 *	recorded; una0: snd_una): is the first a D-SACK (RFC 2883: below the
 *	ACK, or inside the second block)? tcp_dsack_seen(): not if it spans
 *	more than the peer ever offered, or if more segments were D-SACKed
 *	than ever sent again (tcpi_dsack_dups counts them anyway); else each
 *	D-SACKed segment of the current episode was sent in vain
 *	(undo_retrans).
 * Results:
 *	The segments a D-SACK reports, else 0.
 */

uint32_t
tcp_dsack_check(
    tl_tcb *tp,
    const tl_tcphdr *th,
    uint32_t una0)
{
    uint32_t a, b, len, dups = 1, i;
    tl_xmitlog *x = tp->xmitlog;

    if (!(tp->flags & TF_SACK_PERMIT) || !th->opt.nsack || !tp->mss) {
	return 0;
    }
    a = th->opt.sack[0][0];
    b = th->opt.sack[0][1];
    if (!SEQ_LT(a, th->ack) && (th->opt.nsack < 2
	    || SEQ_GT(b, th->opt.sack[1][1])
	    || SEQ_LT(a, th->opt.sack[1][0]))) {
	return 0;
    }
    if (!SEQ_LT(a, b) || b - a > tp->max_sndwnd) {
	return 0;
    }
    len = b - a;
    if (len > tp->mss) {
	dups = Segments(tp, len);
    }
    tp->dsack_dups += dups;
    if (tp->dsack_dups > tp->retrans) {
	return 0;
    }
    if (!tp->undo_on || tp->undo_retrans <= 0) {
	return dups;
    }
    if (SEQ_LEQ(b, una0)) {
	/* Data already acknowledged: count the segments. */
	if (SEQ_GT(b, tp->undo_marker)) {
	    tp->undo_retrans = TL_MAX(0, tp->undo_retrans - (int32_t) dups);
	}
	return dups;
    }
    /* Out of order: each segment sent again within it (tcp_sacktag_one()
     * with dup_sack). */
    for (i = 0; x && i < x->n && tp->undo_retrans > 0; i++) {
	XmitRec *r = REC(x, i);
	uint32_t s = RecStart(tp, x, i);

	if (r->rexmit && SEQ_GEQ(s, a) && SEQ_LEQ(r->end, b)
		&& SEQ_GT(r->end, tp->undo_marker)) {
	    tp->undo_retrans = TL_MAX(0, tp->undo_retrans
		    - (int32_t) Segments(tp, r->end - s));
	}
    }
    return dups;
}

/* Whether a block of the scoreboard covers [s, e). */
static int
SackCovers(
    const tl_tcb *tp,
    uint32_t s,
    uint32_t e)
{
    int b;

    for (b = 0; b < tp->nsackblk; b++) {
	if (SEQ_LEQ(tp->sackblk[b][0], s) && SEQ_GEQ(tp->sackblk[b][1], e)) {
	    return 1;
	}
    }
    return 0;
}

/*
 * ProcessLoss --
 *	tcp_process_loss(), on an ACK in CA_LOSS: an undo when the
 *	retransmissions prove needless (tcp_try_undo_loss()); F-RTO (RFC 5682
 *	3.1, SACK-enhanced): data never sent again acknowledged or SACKed
 *	(FLAG_ORIG_SACK_ACKED) makes the timeout spurious (step 3.b); the
 *	first ACK that moves snd_una sends new data rather than
 *	retransmitting (2.b; not possible: conventional recovery); a SACK of
 *	it or a duplicate ACK after it means the loss was real (3.a).
 */

static void
ProcessLoss(
    tl_tcb *tp,
    const tl_tcphdr *th,
    int advanced,
    int orig,
    int sackedNew,
    int dupack)
{
    int recovered = SEQ_GEQ(th->ack, tp->loss_high);

    if (advanced && TryUndoLoss(tp, th, 0)) {
	return;
    }
    if (tp->frto) {
	if (orig && TryUndoLoss(tp, th, 1)) {
	    return;
	}
	if (SEQ_GT(tp->snd_max, tp->loss_high)) {
	    if (sackedNew || dupack) {
		tp->frto = 0;
	    }
	} else if (advanced && !recovered) {
	    uint32_t data_end = tp->snd_buf_seq + tp->sndbuf.len;
	    uint32_t wnd = (uint32_t) th->win << tp->snd_wscale;

	    tp->loss_high = tp->snd_max;
	    if ((SEQ_GT(data_end, tp->snd_max) || tp->x->pend)
		    && SEQ_GT(th->ack + wnd, tp->snd_max)) {
		tp->frto = 2;	/* REXMIT_NEW, after the ACK. */
		return;
	    }
	    tp->frto = 0;
	}
    }
    if (recovered && MayUndo(tp, th)) {
	/* tcp_try_undo_recovery() */
	Undo(tp, 0, "undo: spurious timeout (timestamps or D-SACK)");
    }
}

/*
 * tcp_undo_ack --
 *	An ACK arrives on a connection with Linux's SACK recovery, before it
 *	moves snd_una or the windows (its SACK blocks are recorded; dsack:
 *	it carried a D-SACK; dupack: a duplicate ACK as Linux counts them).
 *	The undo half of tcp_fastretrans_alert(): at the end of recovery
 *	(tcp_try_undo_recovery()), on a partial ACK with timestamps
 *	(tcp_try_undo_partial()), on a D-SACK (tcp_try_undo_dsack()), in
 *	CA_LOSS (tcp_process_loss()).
 */

void
tcp_undo_ack(
    tl_tcb *tp,
    const tl_tcphdr *th,
    int dsack,
    int dupack)
{
    tl_xmitlog *x = tp->xmitlog;
    int advanced = SEQ_GT(th->ack, tp->snd_una), orig = 0, sackedNew = 0;
    uint32_t i, high = tp->loss_high;

    if (!Undoing(tp) || !tp->mss) {
	return;
    }
    if ((tp->ecn & ECN_OK) && (th->flags & TH_ECE)) {
	/* Congestion was signalled: the reduction stands (step A). */
	tp->prior_ssthresh = 0;
    }
    /* In CA_LOSS, what this ACK delivers: anything newly SACKed
     * (FLAG_DATA_SACKED), any of it never sent again below high_seq
     * (FLAG_ORIG_SACK_ACKED). */
    for (i = 0; tp->ca_state == CA_LOSS && x && i < x->n; i++) {
	XmitRec *r = REC(x, i);
	int acked = SEQ_LEQ(r->end, th->ack);

	if (r->sacked || (!acked && !SackCovers(tp, RecStart(tp, x, i),
		r->end))) {
	    continue;
	}
	if (!acked) {
	    sackedNew = 1;
	}
	if (!r->rexmit && SEQ_LEQ(r->end, high)) {
	    orig = 1;
	}
    }
    switch (tp->ca_state) {
    case CA_LOSS:
	ProcessLoss(tp, th, advanced, orig, sackedNew, dupack);
	break;
    case CA_RECOVERY:
	if (SEQ_GEQ(th->ack, tp->recover)) {
	    /* The end of recovery: tcp_try_undo_recovery(), else
	     * tcp_end_cwnd_reduction() (the ACK's own processing). */
	    if (MayUndo(tp, th)) {
		Undo(tp, 0, "undo: spurious fast retransmit");
		tp->flags &= ~TF_INRECOVERY;
		tcp_cc_state(tp, CA_OPEN);
	    }
	    tp->retrans_stamp = 0;
	    break;
	}
	if (advanced && tp->undo_on && PacketDelayed(tp, th)) {
	    /* tcp_try_undo_partial(): the hole was filled by the original,
	     * the reordering is more than thought (tcp_check_sack_reordering()
	     * from the old snd_una); with no retransmission left in flight,
	     * undo. (With some, Linux sends nothing more on this ACK: not
	     * modelled.) */
	    RackReordering(tp, tp->snd_una);
	    if (!RetransOut(tp, th->ack)) {
		Undo(tp, 1, "undo: spurious fast retransmit (timestamps)");
		KeepOpen(tp, th->ack);
		break;
	    }
	}
	if (dsack && TryUndoDsack(tp)) {
	    KeepOpen(tp, th->ack);
	}
	break;
    default:
	if (tp->ca_state == CA_OPEN && (dsack || dupack || th->opt.nsack)) {
	    tp->retrans_stamp = 0;
	}
	if (dsack && tp->ca_state <= CA_DISORDER) {
	    TryUndoDsack(tp);
	}
	break;
    }
}

/*
 * tcp_loss_send --
 *	After an ACK in CA_LOSS: F-RTO's new data (2.b: what cwnd allows
 *	beyond what is in flight; if none can go, conventional recovery),
 *	and once F-RTO has moved snd_nxt to the top, the retransmissions of
 *	what is deemed lost (tcp_xmit_retransmit_queue()).
 * Results:
 *	1 if it handled the ACK's sending.
 */

static int
LossSend(
    tl_tcb *tp)
{
    if (!Undoing(tp)) {
	return 0;
    }
    if (tp->frto == 2) {
	tl_gso gso = {0, 0, 0, 0};
	int guard;

	tp->frto = 1;
	tp->snd_nxt = tp->snd_max;
	for (guard = 0; guard < 1000; guard++) {
	    uint32_t pipe = RackPipe(tp);

	    if (tp->cwnd <= pipe || tp->cwnd - pipe < tp->mss
		    || !RecoverNewData(tp, &gso, pipe)) {
		break;
	    }
	}
	if (SEQ_GT(tp->snd_max, tp->loss_high)) {
	    return 1;
	}
	tp->frto = 0;
    }
    if (tp->snd_nxt != tp->snd_max) {
	return 0;		/* Going back N from snd_nxt, as before. */
    }
    RackRecover(tp);
    return 1;
}

/*
 *----------------------------------------------------------------------
 * Linux's loss recovery without SACK (tunable reno_recovery; Linux 6.18
 * tcp_fastretrans_alert() for tcp_is_reno()): the state machine of SACK
 * recovery on the same records, duplicate ACKs counted in tp->dupacks as
 * Linux's sacked_out, PRR, the undo by timestamps.
 *----------------------------------------------------------------------
 */

/* Records out (Linux packets_out) and those deemed lost (lost_out). */
static uint32_t
RenoOut(
    const tl_tcb *tp,
    uint32_t *lostPtr)
{
    const tl_xmitlog *x = tp->xmitlog;
    uint32_t i, lost = 0;

    for (i = 0; x && i < x->n; i++) {
	lost += REC(x, i)->lost;
    }
    *lostPtr = lost;
    return x ? x->n : 0;
}

/* tcp_check_reno_reordering(): more duplicate ACKs than segments out
 * beyond the holes (at least one) means reordering, as far as the
 * segments out (plus those just acknowledged); the count is cut back
 * (tcp_limit_reno_sacked()). */
static void
RenoLimit(
    tl_tcb *tp,
    uint32_t addend)
{
    uint32_t lost, out = RenoOut(tp, &lost);
    uint32_t holes = TL_MIN(TL_MAX(lost, 1u), out);

    if ((uint32_t) tp->dupacks + holes > out) {
	tp->dupacks = (int) (out - holes);
	tp->reordering = TL_MIN(out + addend, 300u);
	tp->reord_seen++;
    }
}

/* tcp_add_reno_sack(): a duplicate ACK; returns the segments it
 * delivered (none once the count is at its limit). */
static uint32_t
RenoAddSack(
    tl_tcb *tp)
{
    int prior = tp->dupacks;

    tp->dupacks++;
    RenoLimit(tp, 0);
    return tp->dupacks > prior ? (uint32_t) (tp->dupacks - prior) : 0;
}

/* Whether any retransmission is in flight or the first segment out was
 * ever sent again (tcp_any_retrans_done()). */
static int
RenoRetransDone(
    const tl_tcb *tp)
{
    const tl_xmitlog *x = tp->xmitlog;

    return RetransOut(tp, tp->snd_una) || (x && x->n && REC(x, 0)->rexmit);
}

/* tcp_try_to_open() -> tcp_try_keep_open(): Disorder while duplicate ACKs
 * count segments held, a segment is deemed lost or a retransmission was
 * done, else Open; CWR stays. */
static void
RenoTryToOpen(
    tl_tcb *tp)
{
    uint32_t lost;
    int done = RenoRetransDone(tp);

    (void) RenoOut(tp, &lost);
    if (!done) {
	tp->retrans_stamp = 0;
    }
    tp->flags &= ~TF_INRECOVERY;
    if (tp->ca_state != CA_CWR) {
	tcp_cc_state(tp, tp->dupacks || lost || done ? CA_DISORDER
		: CA_OPEN);
    }
}

/* tcp_newreno_mark_lost(): the first segment out is lost once as many
 * duplicate ACKs as tp->reordering came before recovery, or when a
 * partial ACK moved snd_una in it. Returns 1 if newly marked. */
static uint32_t
RenoMarkLost(
    tl_tcb *tp,
    int advanced)
{
    tl_xmitlog *x = tp->xmitlog;
    XmitRec *r;
    int was;

    if (!x || !x->n || !((tp->ca_state < CA_RECOVERY
	    && (uint32_t) tp->dupacks >= tp->reordering)
	    || (tp->ca_state == CA_RECOVERY && advanced))) {
	return 0;
    }
    r = REC(x, 0);
    if (r->lost) {
	return 0;
    }
    was = Cat(r);
    r->lost = 1;
    r->rtx = 0;
    Recount(x, 0, was);
    return 1;
}

/*
 * tcp_reno_end --
 *	An ACK above the recovery point of a recovery without SACK, before it
 *	moves snd_una: tcp_reset_reno_sack(), tcp_try_undo_recovery() (by
 *	timestamps), then CA_Open with cwnd = ssthresh unless undone
 *	(tcp_end_cwnd_reduction()).
 */

void
tcp_reno_end(
    tl_tcb *tp,
    const tl_tcphdr *th)
{
    tp->dupacks = 0;
    if (MayUndo(tp, th)) {
	Undo(tp, 0, "undo: spurious fast retransmit (timestamps)");
    } else if (tp->undo_on || !RenoUndo(tp)) {
	tp->cwnd = tp->ssthresh;
	tcp_cc_report(tp, "recovery ends (full ACK)");
    }
    tp->flags &= ~TF_INRECOVERY;
    tcp_cc_state(tp, CA_OPEN);
}

/*
 * tcp_reno_ack --
 *	After an ACK on a connection without SACK with Linux's recovery
 *	(tunable reno_recovery; una0: snd_una before it; dup: a duplicate ACK
 *	as Linux counts them). Not in CA_LOSS, which stays the module's.
 */

void
tcp_reno_ack(
    tl_tcb *tp,
    const tl_tcphdr *th,
    uint32_t una0,
    int dup)
{
    int advanced = SEQ_GT(tp->snd_una, una0);
    uint32_t delivered = 0, newlyLost = 0, lost;

    if (!RenoLinux(tp) || !tp->mss || tp->ca_state == CA_LOSS) {
	return;
    }
    if (advanced && (tp->flags & TF_INRECOVERY)) {
	/* tcp_clean_rtx_queue() -> tcp_remove_reno_sacks(): one segment
	 * for the hole, the rest stood for duplicate ACKs already. */
	uint32_t acked = Segments(tp, tp->snd_una - una0);

	delivered = acked > (uint32_t) tp->dupacks
		? acked - (uint32_t) tp->dupacks : 1;
	tp->dupacks = acked - 1 >= (uint32_t) tp->dupacks ? 0
		: tp->dupacks - (int) (acked - 1);
	RenoLimit(tp, acked);
    }
    if (!dup && tp->ca_state == CA_OPEN) {
	return;			/* Not dubious (tcp_ack_is_dubious()). */
    }
    if (tp->ca_state == CA_OPEN) {
	tp->retrans_stamp = 0;
    } else if (tp->ca_state == CA_RECOVERY && tp->snd_una == tp->recover) {
	/* The recovery point acknowledged: tcp_reset_reno_sack(),
	 * tcp_try_undo_recovery(); CA_Recovery is held until something
	 * above it is acknowledged (tcp_is_non_sack_preventing_reopen(),
	 * then tcp_reno_end()), and PRR goes on. */
	tp->dupacks = 0;
	if (MayUndo(tp, th)) {
	    Undo(tp, 0, "undo: spurious fast retransmit (timestamps)");
	}
	if (!RenoRetransDone(tp)) {
	    tp->retrans_stamp = 0;
	}
	PrrCwnd(tp, delivered, advanced, 0);
	return;
    }
    if (tp->ca_state == CA_RECOVERY) {
	if (!advanced) {
	    if (dup) {
		delivered = RenoAddSack(tp);
	    }
	} else if (tp->undo_on && PacketDelayed(tp, th)) {
	    /* tcp_try_undo_partial(): the original filled the hole.
	     * Reordering as far as the highest segment held
	     * (tcp_check_sack_reordering(): without SACK, snd_nxt while
	     * duplicate ACKs count some, else nothing). With a
	     * retransmission in flight, new data only; else undo. */
	    uint32_t fack = tp->dupacks ? tp->snd_nxt : tp->snd_una;

	    if (SEQ_LT(una0, fack)) {
		uint32_t metric = fack - una0;

		if (metric > tp->reordering * tp->mss) {
		    tp->reordering = TL_MIN((metric + tp->mss - 1)
			    / tp->mss, 300u);
		}
		tp->reord_seen++;
	    }
	    if (RetransOut(tp, tp->snd_una)) {
		PrrCwnd(tp, delivered, advanced, 0);
		return;
	    }
	    if (!RenoRetransDone(tp)) {
		tp->retrans_stamp = 0;
	    }
	    Undo(tp, 1, "undo: spurious fast retransmit (timestamps)");
	    RenoTryToOpen(tp);
	    /* Out of the reduction, cwnd grows by what the ACK delivered
	     * (tcp_cong_control()). */
	    if (tcp_cwnd_may_grow(tp, 0)) {
		tp->cc->cong_avoid(tp, delivered * tp->mss);
	    }
	    return;
	}
	newlyLost = RenoMarkLost(tp, advanced);
    } else {
	if (dup) {
	    delivered = RenoAddSack(tp);
	}
	newlyLost = RenoMarkLost(tp, advanced);
	(void) RenoOut(tp, &lost);
	if (!lost) {
	    /* tcp_time_to_recover(): no loss yet. */
	    RenoTryToOpen(tp);
	    return;
	}
	if (tcp_mtup_probe_failed(tp)) {
	    return;
	}
	RackEnter(tp);
    }
    Prr(tp, delivered, advanced, newlyLost);
}
