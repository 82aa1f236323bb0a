/*
 * tcp_input.c --
 *
 *	A segment arrives. The steps follow RFC 9293 section 3.10.7 (SEGMENT
 *	ARRIVES) in order; each rule cites its step. Where implementations
 *	differ, a tunable of the host's profile decides.
 */

#include <stdlib.h>
#include <string.h>
#include "tcp.h"

/*
 * OowLimited --
 *	Whether an ACK for an out-of-window segment must be skipped: at most
 *	one per tcp_invalid_ratelimit per connection (Linux
 *	tcp_oow_rate_limited()).
 */

static int
OowLimited(
    tl_tcb *tp)
{
    tl_time now = tcp_now(tp->host), gap;

    if (tp->host->tun.tcp_invalid_ratelimit <= 0) {
	return 0;
    }
    gap = tcp_ms(tp->host->tun.tcp_invalid_ratelimit);
    if (tp->x->last_oow_ack != 0 && now - tp->x->last_oow_ack < gap) {
	return 1;
    }
    tcp_xw(tp)->last_oow_ack = now ? now : 1;
    return 0;
}

/*
 * ChallengeAck --
 *	RFC 5961 3.2 / 4.2 / 5.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, within
 *	the limits of RFC 5961 7 (per connection and per host and second).
 */

static void
ChallengeAck(
    tl_tcb *tp,
    const tl_iphdr *ip,
    const tl_tcphdr *th,
    const char *why)
{
    tl_host *h = tp->host;
    tl_time now = tcp_now(h);

    if (OowLimited(tp)) {
	tcp_drop_event(h, tp, ip, th, EV_DROP,
		"challenge ACK skipped: tcp_invalid_ratelimit");
	return;
    }
    if (now - h->challenge_second >= TL_SEC) {
	h->challenge_second = now;
	h->challenge_count = 0;
    }
    if (h->challenge_count >= h->tun.tcp_challenge_ack_limit) {
	tcp_drop_event(h, tp, ip, th, EV_DROP,
		"challenge ACK skipped: tcp_challenge_ack_limit");
	return;
    }
    h->challenge_count++;
    tcp_drop_event(h, tp, ip, th, EV_REPLY, why);
    tcp_send_ctl(tp, tcp_ack_seq(tp), TH_ACK);
}

/* Into the receive buffer: stored, or only counted for an application
 * that drops what it reads unread (tl_app.sink). */
static uint32_t
Put(
    tl_tcb *tp,
    const uint8_t *data,
    uint32_t len)
{
    if (tp->app && tp->app->sink) {
	return ring_count(&tp->rcvbuf, len);
    }
    return ring_write(&tp->rcvbuf, data, len);
}

/* Appends in-order data to the receive buffer; returns the bytes taken. */
static uint32_t
Append(
    tl_tcb *tp,
    const uint8_t *data,
    uint32_t len)
{
    uint32_t n;

    if ((tp->flags & TF_SHUT_RD) && tp->host->tun.shutrd_discard) {
	/* 4.4BSD: nobody will read it; take it and throw it away. */
	n = len;
    } else if ((tp->flags & TF_URG_PEND)
	    && tp->rcv_up - 1 - tp->rcv_nxt < len) {
	/* The urgent byte leaves the stream (4.4BSD tcp_pulloutofband). */
	uint32_t k = tp->rcv_up - 1 - tp->rcv_nxt;

	n = Put(tp, data, k);
	if (n == k) {
	    tcp_xw(tp)->iobc = data[k];
	    tp->flags = (tp->flags & ~TF_URG_PEND) | TF_URG_HAVE;
	    n += 1 + Put(tp, data + k + 1, len - k - 1);
	}
    } else {
	n = Put(tp, data, len);
    }
    tp->rcv_nxt += n;
    tp->bytes_in += n;
    if (n) {
	tp->lrcvtime = tcp_now(tp->host);	/* tcp_event_data_recv() */
    }
    return n;
}

/*
 * Dsack --
 *	RFC 2883 (tunable tcp_dsack): [a, b) arrived again. The next segment
 *	reports it in its first SACK block (Linux tcp_dsack_set()); with
 *	extend, a range already waiting grows to cover it if the two touch,
 *	and stays as it is if not (tcp_dsack_extend(), tcp_sack_extend()).
 */

static void
Dsack(
    tl_tcb *tp,
    uint32_t a,
    uint32_t b,
    int extend)
{
    if (!(tp->flags & TF_SACK_PERMIT) || !tp->host->tun.tcp_dsack
	    || !SEQ_LT(a, b)) {
	return;
    }
    if (extend && tp->dsack_on) {
	if (SEQ_LEQ(a, tp->dsack[1]) && SEQ_LEQ(tp->dsack[0], b)) {
	    tp->dsack[0] = SEQ_MIN(a, tp->dsack[0]);
	    tp->dsack[1] = SEQ_MAX(b, tp->dsack[1]);
	}
	return;
    }
    tp->dsack[0] = a;
    tp->dsack[1] = b;
    tp->dsack_on = 1;
}

/*
 * Linux's receive buffer (tunables rcv_scaling_ratio, rcv_truesize,
 * tcp_moderate_rcvbuf, tcp_rmem_max), as Linux 6.18's tcp_input.c keeps
 * it: sk_rcvbuf is memory, and the window is tcp_win_from_space() of it,
 * memory x scaling_ratio / 256 (TCP_RMEM_TO_WIN_SCALE). The ring's
 * capacity is that window plus one scale unit (tcp_rcvbuf_size()); the
 * data it holds stands for its memory at the same ratio, so that the free
 * window (tcp_space()) is the ring's free space less the unit.
 */

#define TCP_DEFAULT_SCALING_RATIO 128	/* include/net/tcp.h: 50% */
#define TCP_INIT_CWND	10
#define SOCK_MIN_RCVBUF	4608		/* 2 x (2048 + sk_buff 256) */

static uint32_t
WinFromSpace(
    const tl_tcb *tp,
    uint64_t space)
{
    return (uint32_t) ((space * tp->scaling_ratio) >> 8);
}

static uint64_t
SpaceFromWin(
    const tl_tcb *tp,
    uint64_t win)
{
    return (win << 8) / (tp->scaling_ratio ? tp->scaling_ratio : 1);
}

/* The ring's scale unit (tcp_rcvbuf_size()). */
static uint32_t
RcvUnit(
    const tl_tcb *tp)
{
    return tcp_rcvbuf_size(tp->host, 0);
}

/* sk_rcvbuf: from the ring's window the first time. The tunable rcvbuf
 * is the window at the profile's ratio; SO_RCVBUF v the window before a
 * ratio is measured, TCP_DEFAULT_SCALING_RATIO: Linux sk_setsockopt()
 * keeps 2 v bytes of memory, whose window at 50% is v. */
static uint32_t
RcvbufMem(
    tl_tcb *tp)
{
    if (tp->sk_rcvbuf == 0) {
	uint64_t win = tp->rcvbuf.cap - RcvUnit(tp);

	tp->sk_rcvbuf = (uint32_t) TL_MIN((win << 8) / (tp->rcvbuf_lock
		? 128u : (uint32_t) tp->host->tun.rcv_scaling_ratio),
		UINT32_MAX);
    }
    return tp->sk_rcvbuf;
}

/* The ring grows to hold tcp_full_space() (and never shrinks: it holds
 * what a window announced before a smaller ratio let in); a buffer set
 * by SO_RCVBUF keeps the window it was given. */
static void
RcvbufSync(
    tl_tcb *tp)
{
    uint32_t cap;

    if (tp->rcvbuf_lock) {
	return;
    }
    cap = WinFromSpace(tp, RcvbufMem(tp)) + RcvUnit(tp);
    if (cap > tp->rcvbuf.cap) {
	tp->rcvbuf.cap = cap;
    }
}

/*
 * IncrQuickack --
 *	Linux tcp_incr_quickack(): quick ACKs for as many rcv_mss segments as
 *	half the last window offered holds (2 when none), at most the
 *	tunable quickack (TCP_MAX_QUICKACKS 16); never fewer than are left.
 *	Without a guess of rcv_mss, the tunable's number.
 */

static void
IncrQuickack(
    tl_tcb *tp)
{
    uint32_t q = (uint32_t) tp->host->tun.quickack;

    if (tp->rcv_mss) {
	uint32_t w = tcp_last_rcv_wnd(tp) / (2u * tp->rcv_mss);

	q = TL_MIN(w ? w : 2u, q);
    }
    if (q > tp->quickacks) {
	tp->quickacks = (uint16_t) q;
    }
}

/*
 * DataIn --
 *	In-order data arrived (Linux tcp_event_data_recv()); prev is when
 *	data last arrived before it. The first data starts quickack mode and
 *	ato at TCP_ATO_MIN (the delayed-ACK time); with delack_ato each later
 *	segment moves ato by the gap m since the one before, in jiffies: m <=
 *	ATO_MIN/2: ato/2 + ATO_MIN/2; m < ato: ato/2 + m, at most the RTO;
 *	a gap longer than the RTO gives the quick ACKs back (the sender did
 *	not restart its window, so ACK it quickly).
 */

static void
DataIn(
    tl_tcb *tp,
    tl_time prev)
{
    const tl_host *h = tp->host;
    uint32_t amin, m, rto;

    if (!h->tun.delack_ato) {
	if (!tp->got_data) {
	    tp->got_data = 1;
	    IncrQuickack(tp);
	}
	return;
    }
    amin = tcp_ato_min(h);
    tp->got_data = 1;
    if (tp->ato == 0) {
	IncrQuickack(tp);
	tp->ato = (uint16_t) amin;
	return;
    }
    m = tcp_ack_jiffy(h, tcp_now(h)) - tcp_ack_jiffy(h, prev);
    rto = tcp_ack_jiffies(h, tp->rto);
    if (m <= amin / 2) {
	tp->ato = (uint16_t) (tp->ato / 2 + amin / 2);
    } else if (m < tp->ato) {
	tp->ato = (uint16_t) TL_MIN(tp->ato / 2 + m, rto);
    } else if (m > rto) {
	IncrQuickack(tp);
    }
}

/* copied_seq: the first byte the application has not read. */
static uint32_t
CopiedSeq(
    const tl_tcb *tp)
{
    return tp->rcv_nxt - tp->rcvbuf.len;
}

/*
 * tcp_rcvbuf_init --
 *	Linux tcp_init_buffer_space() as a connection is established (the
 *	send side is tcp_sndbuf_expand()): the ratio starts at 50%; the
 *	window clamp is the full space (at that ratio, the space the initial
 *	window came from, tunable rcv_space_init) less one segment reserved
 *	(tcp_app_win 31), and caps rcv_ssthresh (64240 -> 65536 - 1460 =
 *	64076, ss -tm); the first RTT's measure starts from min(rcv_ssthresh,
 *	rcv_wnd, TCP_INIT_CWND x advmss); rcv_mss is the guess of
 *	tcp_initialize_rcv_mss().
 */

void
tcp_rcvbuf_init(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    uint32_t advmss = tp->mss_offer, maxwin, clamp, rcvwnd, hint;

    if (!t->rcv_scaling_ratio) {
	return;
    }
    (void) RcvbufMem(tp);
    tp->scaling_ratio = TCP_DEFAULT_SCALING_RATIO;
    maxwin = tp->rcvbuf.cap - RcvUnit(tp);
    if (t->rcv_space_init && (uint32_t) t->rcv_space_init < maxwin) {
	maxwin = (uint32_t) t->rcv_space_init;
    }
    RcvbufSync(tp);
    clamp = maxwin;
    if (clamp > 2 * advmss && clamp + advmss > maxwin) {
	clamp = TL_MAX(2 * advmss, maxwin - advmss);
    }
    tp->window_clamp = clamp;
    if (tp->rcv_wnd_clamp == 0 || tp->rcv_wnd_clamp > clamp) {
	tp->rcv_wnd_clamp = clamp;
    }
    rcvwnd = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
    tp->rcvq_space = TL_MIN(TL_MIN(tp->rcv_wnd_clamp, rcvwnd),
	    TCP_INIT_CWND * advmss);
    tp->rcvq_seq = CopiedSeq(tp);
    tp->rcvq_time = tcp_now(tp->host);
    tp->rcv_rtt_us8 = 0;
    tp->rcv_rtt_time = TL_NEVER;
    hint = TL_MIN(advmss, tp->mss ? tp->mss : advmss);
    hint = TL_MIN(hint, rcvwnd / 2);
    hint = TL_MIN(hint, TCP_MSS_DEFAULT);
    tp->rcv_mss = (uint16_t) TL_MAX(hint, TCP_MIN_MSS);
}

/* skb->truesize of a segment of len bytes (tunable rcv_truesize). */
static uint32_t
Truesize(
    const tl_tcb *tp,
    const tl_iphdr *ip,
    const tl_tcphdr *th,
    uint32_t len)
{
    uint32_t need, p2 = 512;

    if (tp->host->tun.rcv_truesize != RCVTS_TUN) {
	/* The payload at the profile's ratio. */
	return (uint32_t) ((((uint64_t) len << 8) + (uint32_t)
		tp->host->tun.rcv_scaling_ratio - 1)
		/ (uint32_t) tp->host->tun.rcv_scaling_ratio);
    }
    /* tun_alloc_skb(): NET_SKB_PAD, the Ethernet frame, skb_shared_info
     * in one kmalloc; the sk_buff beside it. */
    need = 64 + 14 + ip->hlen + th->off + len + 320;
    while (p2 < need) {
	p2 <<= 1;
    }
    return p2 + 256;
}

/* Linux tcp_set_window_clamp(): rcv_ssthresh follows a smaller clamp
 * down, and a larger one up to the window last announced. */
static void
SetWindowClamp(
    tl_tcb *tp,
    uint32_t val)
{
    uint32_t old = tp->window_clamp;

    tp->window_clamp = TL_MAX(val, SOCK_MIN_RCVBUF / 2);
    if (tp->window_clamp < old) {
	tp->rcv_wnd_clamp = TL_MIN(tp->rcv_wnd_clamp, tp->window_clamp);
    } else {
	tp->rcv_wnd_clamp = TL_MAX(tp->rcv_wnd_clamp,
		TL_MIN(tcp_last_rcv_wnd(tp), tp->window_clamp));
    }
}

/* Linux tcp_measure_rcv_mss(): a segment of at least rcv_mss bytes and
 * of another length sets scaling_ratio from skb->len / skb->truesize;
 * a new ratio moves the window clamp to the full space at it. A shorter
 * one of at least TCP_MSS_DEFAULT bytes with its header, or of
 * TCP_MIN_MSS without PSH or FIN, is rcv_mss when the one before it had
 * its length (last_seg_size, without the fixed header: SACK blocks do
 * not count); any other shorter one, and since Linux 6.6 a longer one
 * with PSH, is pushed (tunable ack_pushed_read). */
static void
MeasureRcvMss(
    tl_tcb *tp,
    const tl_tcphdr *th,
    uint32_t len,
    uint32_t truesize)
{
    uint32_t lss = tp->last_seg_size, hl;

    tp->last_seg_size = 0;
    if (len < tp->rcv_mss) {
	hl = (tp->flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP))
		== (TF_REQ_TSTMP | TF_RCVD_TSTMP) ? 32 : 20;
	if (len + th->off >= TCP_MSS_DEFAULT + 20 || (len + th->off
		>= TCP_MIN_MSS + 20 && !(th->flags & (TH_PUSH | TH_FIN
		    | TH_SYN | TH_URG)))) {
	    tp->last_seg_size = (uint16_t) (len + th->off - hl);
	    if (tp->last_seg_size == lss) {
		tp->rcv_mss = (uint16_t) lss;
		return;
	    }
	}
	tp->ack_pushed = (uint8_t) (tp->ack_pushed ? 3 : 1);
	return;
    }
    if (len != tp->rcv_mss) {
	uint64_t r = tp->host->tun.rcv_truesize == RCVTS_TUN
		? ((uint64_t) len << 8) / truesize
		: (uint64_t) tp->host->tun.rcv_scaling_ratio;

	if (r == 0) {
	    r = 1;
	}
	if (r > 255) {
	    r = 255;
	}
	if (r != tp->scaling_ratio) {
	    tp->scaling_ratio = (uint8_t) r;
	    SetWindowClamp(tp, WinFromSpace(tp, RcvbufMem(tp)));
	    RcvbufSync(tp);
	}
    }
    tp->rcv_mss = (uint16_t) TL_MIN(len, tp->mss_offer);
    if (th->flags & TH_PUSH) {
	tp->ack_pushed |= 1;
    }
}

/* Linux tcp_rcv_rtt_update(): the smallest sample wins; with timestamps
 * a larger one is averaged in (1/8) when nothing waits to be read. */
static void
RcvRttUpdate(
    tl_tcb *tp,
    uint32_t sample,
    int winDep)
{
    uint64_t m = (uint64_t) sample << 3;
    uint32_t old = tp->rcv_rtt_us8;

    if (old == 0 || m < old) {
	tp->rcv_rtt_us8 = (uint32_t) TL_MIN(m, UINT32_MAX);
    } else if (!winDep && tp->rcvbuf.len == 0) {
	tp->rcv_rtt_us8 = old - (old >> 3) + sample;
    }
}

/* Linux tcp_rcv_rtt_measure(): without timestamps, the receive RTT is
 * the time a window's worth of data takes to arrive. */
static void
RcvRttMeasure(
    tl_tcb *tp)
{
    tl_time now = tcp_now(tp->host);

    if (tp->rcv_rtt_time != TL_NEVER) {
	uint64_t us;

	if (SEQ_LT(tp->rcv_nxt, tp->rcv_rtt_seq)) {
	    return;
	}
	us = (uint64_t) ((now - tp->rcv_rtt_time) / TL_US);
	RcvRttUpdate(tp, us ? (uint32_t) TL_MIN(us, UINT32_MAX / 8) : 1, 1);
    }
    tp->rcv_rtt_seq = tp->rcv_nxt + tcp_last_rcv_wnd(tp);
    tp->rcv_rtt_time = now;
}

/* Linux tcp_rcv_rtt_measure_ts(): a segment of rcv_mss bytes or more
 * echoing a new TSval of ours is a sample, in whole milliseconds, of
 * which 0 is none (tcp_rtt_tsopt_us()). */
static void
RcvRttMeasureTs(
    tl_tcb *tp,
    const tl_tcphdr *th,
    uint32_t len)
{
    uint32_t delta;

    if (!tp->host->tun.rcv_scaling_ratio || !th->opt.has_ts
	    || !(tp->flags & TF_RCVD_TSTMP)
	    || th->opt.tsecr == tp->rcv_rtt_tsecr) {
	return;
    }
    tp->rcv_rtt_tsecr = th->opt.tsecr;
    if (len < tp->rcv_mss) {
	return;
    }
    delta = tcp_ts_now(tp) - th->opt.tsecr;
    if (delta > 0 && delta < INT32_MAX / 1000) {
	RcvRttUpdate(tp, delta * 1000, 0);
    }
}

/* Linux tcp_grow_window(): an in-order segment of 128 bytes or more
 * raises rcv_ssthresh by 2 x advmss (at least twice its length) while
 * its memory is no worse than the ratio (__tcp_grow_window() else), up
 * to the clamp and the free window; ACKs go out at once meanwhile. */
static void
GrowWindow(
    tl_tcb *tp,
    uint32_t len,
    uint32_t truesize)
{
    uint32_t free, incr;
    int64_t room;

    /* tcp_space(): the buffer's memory less what waits to be read, as a
     * window. A tun driver's segments are charged their own truesize,
     * about their length as a window; others (a veth's, whose payload
     * sits in page fragments that the queue's last skb takes over,
     * tcp_try_coalesce()) little: not counted (trace 12's window reaches
     * the clamp, 79, while segments wait). */
    free = WinFromSpace(tp, RcvbufMem(tp));
    if (tp->host->tun.rcv_truesize == RCVTS_TUN) {
	free = free > tp->rcvbuf.len ? free - tp->rcvbuf.len : 0;
    }
    room = (int64_t) TL_MIN(tp->window_clamp, free) - tp->rcv_wnd_clamp;

    if (room <= 0) {
	return;
    }
    if (WinFromSpace(tp, truesize) <= len) {
	incr = 2u * tp->mss_offer;
    } else {
	uint32_t ts = WinFromSpace(tp, truesize) >> 1;
	uint32_t win = WinFromSpace(tp,
		(uint32_t) tp->host->tun.tcp_rmem_max) >> 1;

	incr = 0;
	while (tp->rcv_wnd_clamp <= win) {
	    if (ts <= len) {
		incr = 2u * tp->rcv_mss;
		break;
	    }
	    ts >>= 1;
	    win >>= 1;
	}
    }
    if (incr) {
	incr = TL_MAX(incr, 2 * len);
	tp->rcv_wnd_clamp += (uint32_t) TL_MIN(room, (int64_t) incr);
	if (tp->host->tun.quickack && tp->host->tun.rcv_grow_quickack) {
	    tp->quickacks |= 1;		/* icsk_ack.quick |= 1 */
	}
    }
}

/*
 * RcvbufGrow --
 *	Linux 6.18 tcp_rcvbuf_grow(): newval bytes were read in the last
 *	RTT (or the same as before, when out-of-order data came). Unless
 *	SO_RCVBUF was set or tcp_moderate_rcvbuf is off, the buffer is made
 *	room for a window of 2 x newval (the measure is a RTT late), plus
 *	the sender's slow-start growth (2 x that x (newval - old) / old),
 *	plus the out-of-order data held, at most tcp_rmem[2]; window_clamp
 *	follows.
 */

static void
RcvbufGrow(
    tl_tcb *tp,
    uint32_t newval)
{
    const tl_tunables *t = &tp->host->tun;
    uint32_t old = tp->rcvq_space;
    uint64_t rcvwin, mem;

    tp->rcvq_space = newval;
    if (!t->tcp_moderate_rcvbuf || tp->rcvbuf_lock) {
	return;
    }
    rcvwin = (uint64_t) newval << 1;
    if (old) {
	rcvwin += ((rcvwin * (newval - old)) / old) << 1;
    }
    if (tp->x->reass) {
	const tl_reass *r = tp->x->reass;

	while (r->next) {
	    r = r->next;
	}
	rcvwin += r->seq + r->len - tp->rcv_nxt;
    }
    mem = TL_MIN(SpaceFromWin(tp, rcvwin), (uint64_t) t->tcp_rmem_max);
    if (mem > RcvbufMem(tp)) {
	tp->sk_rcvbuf = (uint32_t) mem;
	tp->window_clamp = WinFromSpace(tp, mem);
	RcvbufSync(tp);
    }
}

/*
 * tcp_rcv_space_adjust --
 *	Linux 6.18 tcp_rcv_space_adjust(), after the application read:
 *	once per receive RTT (from tcp_rcv_rtt_measure(), _ts(); nothing
 *	before a first sample), the bytes read in it, less what still waits
 *	to be read, are the new measure when they exceed the last one.
 */

void
tcp_rcv_space_adjust(
    tl_tcb *tp)
{
    tl_time now = tcp_now(tp->host);
    int64_t copied;

    if (!tp->host->tun.rcv_scaling_ratio || tp->rcv_rtt_us8 == 0
	    || !TCPS_HAVEESTABLISHED(tp->state)) {
	return;
    }
    if ((now - tp->rcvq_time) / TL_US < (tl_time) (tp->rcv_rtt_us8 >> 3)) {
	return;
    }
    copied = (int64_t) (uint32_t) (CopiedSeq(tp) - tp->rcvq_seq)
	    - tp->rcvbuf.len;
    if (copied > (int64_t) tp->rcvq_space) {
	RcvbufGrow(tp, (uint32_t) copied);
    }
    tp->rcvq_seq = CopiedSeq(tp);
    tp->rcvq_time = now;
}

/* Linux tcp_event_data_recv(), the receive buffer's part, for an
 * in-order segment of len bytes. */
static void
EventDataRecv(
    tl_tcb *tp,
    const tl_iphdr *ip,
    const tl_tcphdr *th,
    uint32_t len)
{
    uint32_t ts = Truesize(tp, ip, th, len);

    MeasureRcvMss(tp, th, len, ts);
    RcvRttMeasure(tp);
    if (len >= 128) {
	GrowWindow(tp, len, ts);
    }
}

/*
 * Reassemble --
 *	Queues an out-of-order segment (RFC 9293 3.10.7.4, seventh step) or,
 *	when it starts at rcv_nxt, appends it and whatever queued data now
 *	follows. Overlaps are trimmed; the queue stays sorted and disjoint.
 */

static void
Reassemble(
    tl_tcb *tp,
    uint32_t seq,
    const uint8_t *data,
    uint32_t len)
{
    tl_reass **pp, *r, *n;
    uint32_t dsackHigh;

    if (seq == tp->rcv_nxt) {
	Append(tp, data, len);
    } else {
	tp->sack_last = seq;
	/* Find the place; trim against the previous and next entries.
	 * What was queued already is a duplicate (Linux
	 * tcp_data_queue_ofo(): all of it, or the overlap with the entry
	 * before; the entries after that it covers, or overlaps). */
	for (pp = &tcp_xw(tp)->reass;
		(r = *pp) != NULL && SEQ_LEQ(r->seq, seq); pp = &r->next) {
	    if (SEQ_GT(r->seq + r->len, seq)) {
		uint32_t cut = r->seq + r->len - seq;

		if (cut >= len) {
		    Dsack(tp, seq, seq + len, 0);
		    return;
		}
		Dsack(tp, seq, seq + cut, 0);
		seq += cut;
		data += cut;
		len -= cut;
	    }
	}
	while ((r = *pp) != NULL && SEQ_LEQ(r->seq, seq + len - 1)) {
	    if (SEQ_LEQ(r->seq + r->len, seq + len)) {
		/* Completely covered by the new segment. */
		Dsack(tp, r->seq, r->seq + r->len, 1);
		*pp = r->next;
		tcp_xw(tp)->reass_bytes -= r->len;
		free(r);
		continue;
	    }
	    Dsack(tp, r->seq, seq + len, 1);
	    len = r->seq - seq;
	    break;
	}
	if (len == 0) {
	    return;
	}
	n = malloc(sizeof(*n) + len);
	if (n == NULL) {
	    return;
	}
	n->seq = seq;
	n->len = len;
	memcpy(n->data, data, len);
	n->next = *pp;
	*pp = n;
	tcp_xw(tp)->reass_bytes += len;
	if (tp->host->tun.rcv_scaling_ratio && tp->window_clamp
		&& (tp->user || tp->app) && !tp->x->onq) {
	    /* Linux tcp_data_queue_ofo(): room for the data held back,
	     * on a socket the application has. */
	    RcvbufGrow(tp, tp->rcvq_space);
	}
	return;
    }
    /* Pull queued data that is now in order; what the new data covered
     * of it is a duplicate (Linux tcp_ofo_queue(): from the entry's start
     * up to where the new data, or the last duplicate entry, ended). */
    dsackHigh = tp->rcv_nxt;
    while ((r = tp->x->reass) != NULL && SEQ_LEQ(r->seq, tp->rcv_nxt)) {
	if (SEQ_LT(r->seq, dsackHigh)) {
	    uint32_t high = dsackHigh;

	    if (SEQ_LT(r->seq + r->len, dsackHigh)) {
		dsackHigh = r->seq + r->len;
	    }
	    Dsack(tp, r->seq, high, 1);
	}
	if (SEQ_GT(r->seq + r->len, tp->rcv_nxt)) {
	    uint32_t skip = tp->rcv_nxt - r->seq;

	    Append(tp, r->data + skip, r->len - skip);
	}
	tcp_xw(tp)->reass = r->next;
	tcp_xw(tp)->reass_bytes -= r->len;
	free(r);
    }
}

/* A connection from a listener is complete: queue it for accept(). */
static void
Complete(
    tl_tcb *tp)
{
    tl_listener *l = tp->x->listener;
    const tl_upcalls *up = tp->host->tcp.up;

    if (l == NULL) {
	return;
    }
    l->q0len--;
    if (tp->rxtshift == 0) {
	l->young--;
    }
    l->qlen++;
    tcp_xw(tp)->onq = 1;
    tcp_xw(tp)->qnext = NULL;
    if (l->qtail) {
	tcp_xw(l->qtail)->qnext = tp;
    } else {
	l->q = tp;
    }
    l->qtail = tp;
    if (l->app) {
	/* A built-in service accepts at once (inetd). */
	tl_tcb *c = tcp_accept(l);

	c->app = l->app;
	return;
    }
    if (l->user && up && up->accepted) {
	up->accepted(l->user, l);
    }
}

static void	Synchronized(tl_tcb *tp, const tl_iphdr *ip, tl_tcphdr *th);
static int	Fin(tl_tcb *tp);
static void	EnterQuickack(tl_tcb *tp);

#define MAX_SYNCOOKIE_AGE_NS	(120 * TL_SEC)

/*
 * NewChild --
 *	A connection of listener l for the SYN th (or, from a cookie, the SYN
 *	th stands for): SYN_RCVD by way of LISTEN, as the state diagram has
 *	it, with ISS iss, its options from th's, the MSS from mss (0: the
 *	SYN's option, or none).
 */

static tl_tcb *
NewChild(
    tl_host *h,
    tl_listener *l,
    const tl_iphdr *ip,
    const tl_tcphdr *th,
    uint32_t iss,
    uint16_t mss)
{
    tl_tcb *tp = tcp_newtcb(h);

    if (tp == NULL) {
	return NULL;
    }
    if (!tcp_apply_opts(tp, &l->opts)) {
	tcp_free(tp);
	return NULL;
    }
    tcp_set_tuple(tp, ip->dst, th->dport, ip->src, th->sport);
    tcp_adopt(l, tp);
    tp->flags |= TF_FROMLISTEN;
    tp->irs = th->seq;
    tp->rcv_nxt = th->seq + 1;
    tp->rcv_adv = tp->rcv_nxt;
    tp->iss = iss;
    tp->snd_una = tp->snd_nxt = tp->snd_max = tp->snd_sml = tp->iss;
    tp->snd_buf_seq = tp->iss + 1;
    tp->mss_offer = tcp_mss_offer(h, tp->raddr, l->opts.mss);
    tcp_syn_options(tp, th);
    tcp_ecn_syn_in(tp, ip->tos, th->flags);
    tcp_mss_set(tp, mss ? mss : th->opt.has_mss ? th->opt.mss : 0);
    /* Linux tcp_openreq_init_rwin(): the window is rounded to our own
     * MSS less the timestamp option, whatever the peer's. */
    tcp_rcv_clamp(tp, tp->mss_offer
	    - ((tp->flags & TF_RCVD_TSTMP) ? 12 : 0));	/* TCPOLEN_TSTAMP_ALIGNED */
    tp->snd_wnd = th->win;
    tp->max_sndwnd = th->win;
    tp->snd_wl1 = th->seq;
    tp->snd_wl2 = tp->iss;
    tp->last_rcv = tcp_now(h);
    tp->state = TCPS_LISTEN;
    tcp_hist_add(tp, tp->created, TCPS_LISTEN);
    tcp_set_state(tp, TCPS_SYN_RECEIVED);
    return tp;
}

/*
 * The SYN's options as a cookie SYN-ACK keeps them: Linux
 * tcp_conn_request() clears them all (tcp_clear_options()) unless the SYN
 * carried a timestamp we accept, since only the timestamp can bring
 * window scaling and SACK back (cookie_init_timestamp()).
 */
static void
CookieOptions(
    const tl_host *h,
    const tl_tcphdr *th,
    tl_tcphdr *out)
{
    *out = *th;
    if (!(th->opt.has_ts && h->tun.tcp_timestamps)) {
	out->opt.has_ts = 0;
	out->opt.has_ws = 0;
	out->opt.sack_ok = 0;
    }
}

/*
 * SendCookie --
 *	The SYN-ACK of a SYN cookie (tcp_conn_request() with want_cookie):
 *	the ISN encodes the MSS and the minute (tcp_cookie_isn()), the
 *	timestamp the peer's window scale and SACK (tcp_cookie_ts()); the
 *	listener keeps nothing. As Linux allocates a request sock for the
 *	SYN-ACK and frees it at once, a TCB is made to build the segment and
 *	freed; it is never hashed nor queued, and nothing sees it.
 */

static void
SendCookie(
    tl_host *h,
    tl_listener *l,
    const tl_iphdr *ip,
    const tl_tcphdr *th)
{
    tl_tcphdr syn;
    tl_tcb *tp;
    uint16_t mss = th->opt.has_mss ? th->opt.mss
	    : (uint16_t) h->tun.mss_default;
    uint32_t now = (uint32_t) (tcp_now(h) / TL_MS);

    /* tcp_parse_options(): TCP_MAXSEG caps the peer's MSS. */
    if (l->opts.mss && l->opts.mss < mss) {
	mss = (uint16_t) l->opts.mss;
    }
    CookieOptions(h, th, &syn);
    tp = tcp_newtcb(h);
    if (tp == NULL) {
	return;
    }
    if (!tcp_apply_opts(tp, &l->opts)) {
	tcp_free(tp);
	return;
    }
    /* tcp_synq_overflow(): the stamp moves at most once a second. */
    if (!l->synq_overflowed || tcp_now(h) - l->synq_overflow_at > TL_SEC) {
	l->synq_overflowed = 1;
	l->synq_overflow_at = tcp_now(h);
    }
    h->stats.syncookies_sent++;
    tp->laddr = ip->dst;
    tp->lport = th->dport;
    tp->raddr = ip->src;
    tp->rport = th->sport;
    tp->irs = th->seq;
    tp->rcv_nxt = tp->rcv_adv = th->seq + 1;
    tp->iss = tcp_cookie_isn(h, ip->dst, th->dport, ip->src, th->sport,
	    th->seq, &mss);
    tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
    tp->mss_offer = tcp_mss_offer(h, tp->raddr, l->opts.mss);
    tcp_syn_options(tp, &syn);
    if (syn.opt.has_ts) {
	/* Without a timestamp no ECN either ("if (!tmp_opt.tstamp_ok)
	 * inet_rsk(req)->ecn_ok = 0"). */
	tcp_ecn_syn_in(tp, ip->tos, th->flags);
    }
    tcp_mss_set(tp, mss);
    tcp_rcv_clamp(tp, tp->mss);
    tp->ts_offset = tcp_ts_offset(h, tp->laddr, tp->lport, tp->raddr,
	    tp->rport) + tcp_cookie_ts(now, (tp->flags & TF_RCVD_SCALE) != 0,
	    tp->snd_wscale, (tp->flags & TF_SACK_PERMIT) != 0,
	    (tp->ecn & ECN_OK) != 0) - now;
    tp->state = TCPS_SYN_RECEIVED;
    tcp_drop_event(h, NULL, ip, th, EV_REPLY,
	    "SYN queue full: SYN cookie sent");
    tcp_send_ctl(tp, tp->iss, TH_SYN | TH_ACK
	    | tcp_ecn_syn_flags(tp, TCPS_SYN_RECEIVED));
    tp->state = TCPS_CLOSED;
    tcp_free(tp);
}

/*
 * CookieAck --
 *	An ACK for a listener with no connection (Linux cookie_v4_check()):
 *	with syncookies on and cookies sent in the last two minutes, a valid
 *	cookie in SEG.ACK - 1 rebuilds the connection, with the MSS from the
 *	table and, when the ACK carries a timestamp, window scaling and SACK
 *	from the low bits of its echo (cookie_timestamp_decode()); without
 *	one they are lost. The connection then takes the ACK as its third.
 * Results:
 *	1 if the ACK was consumed (a connection, or dropped for a full
 *	accept queue); 0 if the listener should answer it (a RST).
 */

static int
CookieAck(
    tl_host *h,
    tl_listener *l,
    const tl_iphdr *ip,
    const tl_tcphdr *th)
{
    const tl_tunables *t = &h->tun;
    uint32_t cookie = th->ack - 1;
    uint16_t mss;
    tl_tcphdr syn;
    tl_tcb *tp;
    uint64_t freed;

    if (t->syn_queue != SYNQ_LINUX || !t->tcp_syncookies
	    || (th->flags & (TH_SYN | TH_RST)) || !(th->flags & TH_ACK)) {
	return 0;
    }
    /* tcp_synq_no_recent_overflow(): TCP_SYNCOOKIE_VALID, 2 minutes. */
    if (!l->synq_overflowed || tcp_now(h) - l->synq_overflow_at
	    > MAX_SYNCOOKIE_AGE_NS) {
	return 0;
    }
    mss = tcp_cookie_check(h, ip->dst, th->dport, ip->src, th->sport,
	    th->seq - 1, cookie);
    if (mss == 0) {
	h->stats.syncookies_failed++;
	return 0;
    }
    h->stats.syncookies_recv++;
    /* The SYN the cookie stands for: its options from the echo. */
    syn = *th;
    syn.seq = th->seq - 1;
    syn.flags = TH_SYN;
    memset(&syn.opt, 0, sizeof(syn.opt));
    if (th->opt.has_ts && th->opt.tsecr) {
	uint32_t options = th->opt.tsecr
		- tcp_ts_offset(h, ip->dst, th->dport, ip->src, th->sport);

	if (!t->tcp_timestamps) {
	    return 0;
	}
	syn.opt.has_ts = 1;
	syn.opt.tsval = th->opt.tsval;
	syn.opt.sack_ok = (options & (1u << 4)) != 0;
	if (syn.opt.sack_ok && !t->tcp_sack) {
	    return 0;
	}
	if ((options & 0xf) != 0xf) {
	    if (!t->tcp_window_scaling) {
		return 0;
	    }
	    syn.opt.has_ws = 1;
	    syn.opt.ws = (uint8_t) (options & 0xf);
	}
	if (options & (1u << 5)) {
	    /* cookie_ecn_ok(): the SYN asked for ECN and we agreed. */
	    syn.flags |= TH_ECE | TH_CWR;
	}
    }
    /* tcp_v4_syn_recv_sock(): no child for a full accept queue; the ACK
     * is dropped (cookie_v4_check() returns NULL). */
    if (l->qlen >= tcp_backlog_limit(h, l->backlog)) {
	h->stats.listen_overflows++;
	h->stats.listen_drops++;
	tcp_drop_event(h, NULL, ip, th, EV_DROP,
		"cookie ACK: accept queue full");
	return 1;
    }
    tp = NewChild(h, l, ip, &syn, cookie, mss);
    if (tp == NULL) {
	return 1;
    }
    tp->snd_nxt = tp->snd_max = tp->iss + 1;
    /* The window the cookie SYN-ACK announced (unscaled). */
    tp->rcv_adv = tp->rcv_nxt + TL_MIN(tcp_rcv_space(tp), 65535u);
    tcp_event(h, tp, EV_NOTE, 0, 0, 0, 0,
	    "connection rebuilt from a SYN cookie");
    tp->segs_in++;
    syn = *th;
    freed = h->tcbs_freed;
    Synchronized(tp, ip, &syn);
    if (h->tcbs_freed == freed) {
	tcp_x_trim(tp);
    }
    return 1;
}

/*
 * Listen --
 *	RFC 9293 3.10.7.2: a segment for a listener. A RST is ignored, an ACK
 *	draws a RST (unless it carries a SYN cookie), a SYN creates a
 *	connection in SYN_RCVD unless the listen queue is full, in which case
 *	it is dropped without a reply (4.4BSD tcp_input, book 18.11.4). With
 *	Linux's SYN queue (syn_queue 1), tcp_conn_request()'s order: a SYN
 *	queue holding more than the backlog means a cookie (tcp_syncookies
 *	1; 2 always) or a drop (0); a full accept queue drops the SYN
 *	(ListenOverflows); without syncookies the last quarter of
 *	tcp_max_syn_backlog is kept for proven peers, and tcplab proves none.
 *	Every drop counts in ListenDrops. A SYN that reopens a TIME_WAIT
 *	connection (has_iss) passes the SYN queue's tests.
 */

static void
Listen(
    tl_host *h,
    tl_listener *l,
    const tl_iphdr *ip,
    const tl_tcphdr *th,
    uint32_t iss_override,
    int has_iss)
{
    const tl_tunables *t = &h->tun;
    tl_tcb *tp;
    int count;

    if (th->flags & TH_RST) {
	return;
    }
    if (th->flags & TH_ACK) {
	if (CookieAck(h, l, ip, th)) {
	    return;
	}
	tcp_reset_for(h, ip, th);
	return;
    }
    if (!(th->flags & TH_SYN) || (th->flags & TH_FIN)) {
	return;
    }
    if (t->syn_queue == SYNQ_LINUX) {
	int cookie = 0;

	if (!has_iss && (t->tcp_syncookies == 2 || l->q0len > l->backlog)) {
	    if (!t->tcp_syncookies) {
		h->stats.listen_drops++;
		tcp_drop_event(h, NULL, ip, th, EV_DROP, "SYN queue full");
		return;
	    }
	    cookie = 1;
	}
	if (l->qlen >= tcp_backlog_limit(h, l->backlog)) {
	    h->stats.tcp_listen_overflow++;
	    h->stats.listen_overflows++;
	    h->stats.listen_drops++;
	    tcp_drop_event(h, NULL, ip, th, EV_DROP, "listen queue full");
	    return;
	}
	if (cookie) {
	    SendCookie(h, l, ip, th);
	    return;
	}
	if (!has_iss && !t->tcp_syncookies && t->tcp_max_syn_backlog
		- l->q0len < t->tcp_max_syn_backlog >> 2) {
	    h->stats.listen_drops++;
	    tcp_drop_event(h, NULL, ip, th, EV_DROP,
		    "SYN queue three quarters full, no syncookies");
	    return;
	}
    } else {
	count = t->backlog_formula == BACKLOG_LINUX ? l->qlen
		: l->qlen + l->q0len;
	if (count >= tcp_backlog_limit(h, l->backlog)) {
	    h->stats.tcp_listen_overflow++;
	    tcp_drop_event(h, NULL, ip, th, EV_DROP, "listen queue full");
	    return;
	}
    }
    tp = NewChild(h, l, ip, th, has_iss ? iss_override
	    : tcp_new_isn(h, ip->dst, th->dport, ip->src, th->sport), 0);
    if (tp == NULL) {
	return;
    }
    if (t->conn_timeout) {
	tcp_timer_set(tp, TT_CONN, tcp_ms(t->conn_timeout));
    }
    tcp_output(tp);
    tcp_req_demote(tp);
}

/*
 * SynSent --
 *	RFC 9293 3.10.7.3: a segment while our SYN is outstanding.
 */

static void
SynSent(
    tl_tcb *tp,
    const tl_iphdr *ip,
    const tl_tcphdr *th)
{
    tl_host *h = tp->host;
    int flags = th->flags;

    /* First: check the ACK. */
    if (flags & TH_ACK) {
	if (SEQ_LEQ(th->ack, tp->iss) || SEQ_GT(th->ack, tp->snd_max)) {
	    if (!(flags & TH_RST)) {
		/* <SEQ=SEG.ACK><CTL=RST>, as for a segment with no TCB. */
		tcp_respond(h, tp->laddr, tp->lport, tp->raddr, tp->rport,
			th->ack, 0, TH_RST, 0);
		/* Linux tcp_rcv_synsent_state_process(): the SYN is sent
		 * again TCP_TIMEOUT_MIN later (trace 06). */
		if (h->tun.synsent_quick_retry) {
		    tcp_timer_set(tp, TT_REXMT,
			    tcp_ms(h->tun.synsent_quick_retry));
		}
	    }
	    return;
	}
    }
    /* Second: the RST bit. Acceptable only with an acceptable ACK. */
    if (flags & TH_RST) {
	if (flags & TH_ACK) {
	    tcp_drop(tp, ECONNREFUSED);
	}
	return;
    }
    /* Fourth: the SYN bit. */
    if (!(flags & TH_SYN)) {
	return;
    }
    tp->irs = th->seq;
    tp->rcv_nxt = th->seq + 1;
    tp->rcv_adv = tp->rcv_nxt;
    if (h->tun.rcv_scaling_ratio) {
	/* Linux tcp_rcv_synsent_state_process(): rcv_wnd is the window
	 * our SYN offered, which the ACKs that follow do not shrink. */
	tp->rcv_adv += TL_MIN(tcp_rcv_space(tp), 65535u);
    }
    tcp_syn_options(tp, th);
    if (tp->ecn) {
	tcp_ecn_syn_in(tp, ip->tos, flags);
    }
    tcp_mss_set(tp, th->opt.has_mss ? th->opt.mss : 0);
    tp->snd_wnd = th->win;
    tp->max_sndwnd = th->win;
    tp->snd_wl1 = th->seq;
    tp->snd_wl2 = th->ack;
    tp->last_rcv = tcp_now(h);
    tp->flags |= TF_ACKNOW;
    if (flags & TH_ACK) {
	int fo_fail = 0;

	tp->snd_una = th->ack;
	if (SEQ_GT(th->ack, tp->snd_buf_seq)) {
	    /* Data of a Fast Open SYN acknowledged. */
	    uint32_t data = th->ack - tp->snd_buf_seq;

	    ring_drop(&tp->sndbuf, data);
	    tp->snd_buf_seq += data;
	}
	if (SEQ_LT(tp->snd_nxt, tp->snd_una)) {
	    tp->snd_nxt = tp->snd_una;
	}
	if (tp->rtt_start >= 0) {
	    tcp_rtt_sample(tp, tcp_now(h) - tp->rtt_start);
	    tp->rtt_start = -1;
	}
	tp->rxtshift = 0;
	tp->rexmt_first = 0;
	tcp_timer_cancel(tp, TT_REXMT);
	tcp_timer_cancel(tp, TT_CONN);
	tcp_set_state(tp, TCPS_ESTABLISHED);
	tcp_mtup_init(tp);
	tcp_sndbuf_expand(tp);
	tcp_keep_arm(tp);
	if (tp->x->syn_fastopen || tp->x->syn_data) {
	    /* Linux tcp_rcv_synsent_state_process() ->
	     * tcp_rcv_fastopen_synack(): the cookie and MSS kept; data the
	     * SYN-ACK does not cover sent again, else the SYN-ACK's own data
	     * and FIN taken (tcp_fastopen_add_skb()). Elsewhere a SYN-ACK's
	     * data is dropped. */
	    fo_fail = tcp_fastopen_synack(tp, th);
	    if (!fo_fail && th->datalen) {
		Append(tp, th->data, th->datalen);
		tp->got_data = 1;
	    }
	    if (!fo_fail && (flags & TH_FIN)) {
		Fin(tp);
	    }
	}
	if (!fo_fail && h->tun.synack_ack_wait
		&& (tcp_unsent(tp) > 0 || (tp->flags & TF_PINGPONG))) {
	    /* Linux "Save one ACK": quickack mode, and the ACK waits for
	     * the data (tunable synack_ack_wait). */
	    EnterQuickack(tp);
	    tp->flags &= ~TF_ACKNOW;
	    tcp_delack_hold(tp);
	}
	tcp_notify(tp);
    } else {
	/* Simultaneous open (book fig. 18-17): SYN_RCVD, and the SYN-ACK
	 * repeats our SYN's sequence number. */
	tcp_set_state(tp, TCPS_SYN_RECEIVED);
	tp->snd_nxt = tp->iss;
	tcp_timer_cancel(tp, TT_REXMT);
	tp->rxtshift = 0;
    }
    tcp_output(tp);
}

/*
 * tcp_mtup_probe_success --
 *	The MTU probe was acknowledged (Linux tcp_mtup_probe_success(), RFC
 *	4821 7.6.1): cwnd keeps the bytes it allowed, in segments of the
 *	probe's size (cwnd x MTU of the MSS / probe size), ssthresh at least
 *	3/4 of that, and the search goes on above the probe (search_low);
 *	the MSS grows to it.
 */

void
tcp_mtup_probe_success(
    tl_tcb *tp)
{
    tl_mtup *m = tp->mtup;
    uint64_t val = (uint64_t) (tp->cwnd / tp->mss)
	    * (uint64_t) tcp_mss_to_mtu(tp, tp->mss) / m->probe_size;
    uint32_t segs = (uint32_t) TL_MAX(val, 1);

    tp->cwnd = segs * tp->mss;
    if (tp->ca_state != CA_CWR && tp->ca_state != CA_RECOVERY) {
	/* tcp_current_ssthresh() */
	tp->ssthresh = TL_MAX(tp->ssthresh,
		((segs >> 1) + (segs >> 2)) * tp->mss);
    }
    m->search_low = m->probe_size;
    m->probe_size = 0;
    tcp_event(tp->host, tp, EV_NOTE, 0, 0, 0, 0,
	    "MTU probe acknowledged (tcp_mtup_probe_success)");
    tcp_sync_mss(tp, m->pmtu_cookie);
}

/*
 * tcp_mtup_probe_failed --
 *	Called where loss recovery would begin: when the lost segment is the
 *	MTU probe (snd_una at its start, not yet reducing), the probe failed
 *	(Linux tcp_fastretrans_alert() -> tcp_mtup_probe_failed(), RFC 4821
 *	7.6.2): search_high below it, cwnd given back the segment the probe
 *	took, and its data sent again at the MSS (tcp_simple_retransmit():
 *	the Loss state, ssthresh at least 3/4 cwnd, cwnd unchanged). Returns
 *	1 then, 0 when recovery should go on as usual.
 */

int
tcp_mtup_probe_failed(
    tl_tcb *tp)
{
    tl_mtup *m = tp->mtup;
    uint32_t segs, seq, len;
    tl_gso g = {0, 0, 0, 0};

    if (m == NULL || !m->probe_size || tp->snd_una != m->probe_seq_start
	    || tp->ca_state >= CA_CWR || (tp->flags & TF_INRECOVERY)) {
	return 0;
    }
    m->search_high = (uint16_t) (m->probe_size - 1);
    m->probe_size = 0;
    /* "Restores the reduction we did in tcp_mtup_probe()" (tcp_output.c
     * MtuProbe()). */
    tp->cwnd = TL_MAX(tp->cwnd + 2 * tp->mss, (m->probe_seq_end
	    - m->probe_seq_start) + tp->mss) - (m->probe_seq_end
	    - m->probe_seq_start);
    segs = tp->cwnd / tp->mss;
    tp->ssthresh = TL_MAX(tp->ssthresh, ((segs >> 1) + (segs >> 2)) * tp->mss);
    tp->loss_high = tp->snd_max;
    tp->dupacks = 0;
    tcp_event(tp->host, tp, EV_NOTE, 0, 0, 0, 0,
	    "MTU probe lost (tcp_mtup_probe_failed)");
    tcp_cc_state(tp, CA_LOSS);
    /* Its data again, in segments of the MSS: one GSO packet
     * (tcp_retransmit_skb() resegments the probe), PSH on its last
     * segment as on new data's (tunable gso_psh). */
    tp->rtt_start = -1;
    for (seq = m->probe_seq_start; SEQ_LT(seq, m->probe_seq_end);
	    seq += len) {
	len = TL_MIN(m->probe_seq_end - seq, (uint32_t) tp->mss);
	if (tcp_output_range(tp, seq, len, &g,
		m->probe_seq_end - m->probe_seq_start)) {
	    tcp_rexmt_arm(tp);	/* Refused by the device's queue. */
	    return 1;
	}
    }
    /* Then new data while what is in flight (SACKed segments are not)
     * leaves cwnd room (tcp_data_snd_check() -> tcp_write_xmit()). */
    g.open = 0;
    for (;;) {
	uint32_t end = tp->snd_buf_seq + tp->sndbuf.len;
	uint32_t flight = tcp_in_flight(tp), room;

	seq = tp->snd_max;
	if (flight + tp->mss > tp->cwnd || !SEQ_LT(seq, end)
		|| SEQ_GT(seq + TL_MIN(end - seq, tp->mss),
		    tp->snd_una + tp->snd_wnd)) {
	    break;
	}
	room = TL_MIN(tp->cwnd - flight, end - seq);
	len = TL_MIN(room, (uint32_t) tp->mss);
	if (tcp_output_range(tp, seq, len, &g, room)) {
	    break;		/* Refused by the device's queue. */
	}
    }
    tcp_rexmt_arm(tp);
    return 1;
}

/* The ACK of new data (RFC 9293 3.10.7.4 fifth step, RFC 5681, RFC 6582). */
static void
NewAck(
    tl_tcb *tp,
    const tl_tcphdr *th,
    uint32_t dsack)
{
    uint32_t ack = th->ack, acked = ack - tp->snd_una, data, grow = acked;
    int sack = (tp->flags & TF_SACK_PERMIT) != 0, sackPartial = 0;
    uint32_t prior_flight = tcp_in_flight(tp);

    tl_time rtt = tp->host->tun.rtt_from_send_time ? tcp_xmit_rtt(tp, ack)
	    : -1;

    if (rtt >= 0) {
	/* Linux: from the send time (tunable rtt_from_send_time). */
	tcp_rtt_sample(tp, rtt);
	tp->rtt_start = -1;
    } else if ((tp->flags & TF_RCVD_TSTMP) && th->opt.has_ts
	    && th->opt.tsecr) {
	/* RFC 7323 4.1 RTTM: every ACK with an echoed timestamp. */
	tcp_rtt_sample(tp, (tl_time) (tcp_ts_now(tp) - th->opt.tsecr) * TL_MS);
	tp->rtt_start = -1;
    } else if (tp->rtt_start >= 0 && SEQ_GT(ack, tp->rtt_seq)) {
	tcp_rtt_sample(tp, tcp_now(tp->host) - tp->rtt_start);
	tp->rtt_start = -1;
    }
    tp->rxtshift = 0;
    tp->rexmt_first = 0;
    tp->flags &= ~TF_TLP_DONE;
    if (tp->mtup && tp->mtup->probe_size
	    && SEQ_GEQ(ack, tp->mtup->probe_seq_end)) {
	tcp_mtup_probe_success(tp);
    }
    /* Congestion control: the module's (tcp_cc_*.c). */
    tcp_cc_acked(tp, ack);
    /* Only while the window is used (tunable cwnd_validate); Linux counts
     * only what the ACK newly delivers (tunable acked_sacked): not what
     * was SACKed, and without SACK one segment for the hole and what the
     * duplicate ACKs did not already stand for (tcp_remove_reno_sacks()). */
    if (tp->host->tun.acked_sacked) {
	grow -= sack ? tcp_sacked_below(tp, ack)
		: TL_MIN((uint32_t) tp->dupacks * tp->mss,
		    acked - TL_MIN(acked, (uint32_t) tp->mss));
	/* A D-SACKed segment counts as delivered too (tcp_dsack_seen():
	 * sack_delivered). */
	grow += dsack * tp->mss;
    }
    if ((tp->flags & TF_INRECOVERY) && !sack
	    && tp->host->tun.reno_recovery) {
	/* Linux without SACK (tcp_cc.c tcp_reno_ack(), after the ACK):
	 * here only an ACK above the recovery point ends it, and cwnd grows
	 * by what it delivered (tcp_cong_control() in CA_Open). */
	if (SEQ_GT(ack, tp->recover)) {
	    tcp_reno_end(tp, th);
	    if (grow && tcp_cwnd_may_grow(tp, prior_flight)) {
		tp->cc->cong_avoid(tp, grow);
	    }
	}
    } else if (tp->flags & TF_INRECOVERY) {
	if (sack ? SEQ_GEQ(ack, tp->recover)
		: !tp->cc->recovery_ack(tp, ack, acked)) {
	    /* Recovery is over (RFC 6582 3.2 step 3; RFC 6675 5: a full
	     * ACK leaves SACK recovery with cwnd = ssthresh). */
	    tp->flags &= ~TF_INRECOVERY;
	    if (sack) {
		tp->cwnd = tp->ssthresh;
		tcp_cc_report(tp, "recovery ends (full ACK)");
	    }
	    tcp_cc_state(tp, CA_OPEN);
	    if (sack && tp->host->tun.sack_recovery == SACKREC_LINUX && grow
		    && tcp_cwnd_may_grow(tp, prior_flight)) {
		/* Linux: tcp_end_cwnd_reduction() in tcp_fastretrans_alert(),
		 * then tcp_cong_control() in Open grows it by what the ACK
		 * delivered. */
		tp->cc->cong_avoid(tp, grow);
	    }
	} else if (sack && tp->host->tun.sack_recovery != SACKREC_LINUX) {
	    /* RFC 6675: keep sending what pipe allows, below. */
	    sackPartial = 1;
	}
    } else {
	/* Not while ECN's CWR reduces it (tcp_in_cwnd_reduction()). */
	if (grow && tp->ca_state != CA_CWR
		&& tcp_cwnd_may_grow(tp, prior_flight)) {
	    tp->cc->cong_avoid(tp, grow);
	}
	/* CA_LOSS ends when its last segment is acknowledged; Linux without
	 * SACK holds it until something above is (tcp_process_loss() ->
	 * tcp_try_undo_recovery() -> tcp_is_non_sack_preventing_reopen()). */
	if (tp->ca_state != CA_OPEN && tp->ca_state != CA_CWR
		&& (tp->ca_state != CA_LOSS || SEQ_GT(ack, tp->loss_high)
		    || (ack == tp->loss_high
			&& (sack || !tp->host->tun.reno_recovery)))) {
	    tcp_cc_state(tp, CA_OPEN);
	}
    }
    if (!(tp->flags & TF_INRECOVERY)) {
	tp->dupacks = 0;
    }
    /* Drop acknowledged data from the send buffer. */
    data = SEQ_GT(ack, tp->snd_buf_seq) ? ack - tp->snd_buf_seq : 0;
    if (data > tp->sndbuf.len) {
	data = tp->sndbuf.len;
    }
    ring_drop(&tp->sndbuf, data);
    tp->snd_buf_seq += data;
    tp->bytes_out += data;
    tp->snd_una = ack;
    if (tp->x->nwq) {
	tcp_wq_acked(tp);
    }
    if (SEQ_LT(tp->snd_nxt, tp->snd_una)) {
	tp->snd_nxt = tp->snd_una;
    }
    if (tp->snd_una == tp->snd_max) {
	tcp_timer_cancel(tp, TT_REXMT);
    } else {
	tcp_rexmt_arm(tp);
    }
    if (data && tp->x->pend) {
	/* The application waits for room (Linux tcp_check_space(),
	 * tcp_new_space()): the buffer may grow while the window is not
	 * full (tcp_should_expand_sndbuf()). */
	if (tp->snd_max - tp->snd_una < tp->cwnd) {
	    tcp_sndbuf_expand(tp);
	}
	tcp_fill_sndbuf(tp);
    }
    if (sack) {
	tcp_sack_prune(tp);
	if (SEQ_LT(tp->high_rxt, tp->snd_una)) {
	    tp->high_rxt = tp->snd_una;
	}
	if (sackPartial) {
	    tcp_sack_recover(tp);
	}
    }
}

/* A duplicate ACK: fast retransmit and recovery (RFC 5681 3.2, RFC 6582,
 * RFC 6675). */
static void
DupAck(
    tl_tcb *tp)
{
    if (!(tp->flags & TF_SACK_PERMIT) && tp->host->tun.reno_recovery) {
	/* Linux without SACK: counted after the ACK (tcp_reno_ack()); in
	 * CA_LOSS they start nothing (tcp_process_loss()). */
	return;
    }
    if (tp->ca_state == CA_OPEN) {
	tcp_cc_state(tp, CA_DISORDER);
    }
    if ((tp->flags & TF_SACK_PERMIT)
	    && tp->host->tun.sack_recovery == SACKREC_LINUX) {
	/* Linux: the SACKed segments decide, after the ACK (tcp_prr_ack). */
	tp->dupacks++;
	return;
    }
    if (tp->flags & TF_SACK_PERMIT) {
	/* RFC 6675: three duplicate ACKs start SACK recovery; each later
	 * one lets it send what pipe allows. */
	if (++tp->dupacks == 3 && !(tp->flags & TF_INRECOVERY)) {
	    tcp_sack_enter(tp);
	} else if (tp->flags & TF_INRECOVERY) {
	    tcp_sack_recover(tp);
	}
	return;
    }
    tp->cc->dupack(tp);
}

/*
 * AckSndCheck --
 *	In-order data arrived (and the FIN with it, if any, was taken: Linux
 *	decides in tcp_ack_snd_check() after tcp_data_queue(), so a FIN's
 *	pingpong mode already holds): ACK now or later.
 */

static void
AckSndCheck(
    tl_tcb *tp,
    uint32_t len)
{
    const tl_tunables *t = &tp->host->tun;

    /* Linux quickack: ACK each of the first segments at once
     * (tcp_in_quickack_mode(); the ACK uses one up, tcp_ack_sent()).
     * RFC 1122 4.2.3.2: ACK at least every second segment. */
    if (tp->quickacks > 0 && !(tp->flags & TF_PINGPONG)) {
	tp->flags |= TF_ACKNOW;
    } else if ((t->ack_rcv_mss && tp->rcv_mss
	    ? tp->rcv_nxt - tp->last_ack_sent > tp->rcv_mss
	    : (tp->flags & TF_DELACK) || len > tp->mss_offer)
	    && (!t->ack_rcv_wnd || tp->rcvbuf.len == 0
		|| tcp_rcv_window_now(tp, 0) >= tcp_last_rcv_wnd(tp))) {
	/* More than a segment's worth since the last ACK (Linux
	 * __tcp_ack_snd_check()), or else the second segment, or one
	 * larger than we allow on a wire: several at once (the peer's
	 * device offloads segmentation); with ack_rcv_wnd, only once the
	 * application read it all or while the window does not shrink. */
	tp->flags |= TF_ACKNOW;
    } else {
	/* (An ACK already delayed never waits longer: Linux
	 * tcp_send_delayed_ack().) */
	tcp_delack_schedule(tp);
    }
}

/*
 * EnterQuickack --
 *	Data came again, all of it received before (an ACK of ours was lost
 *	or late): Linux's tcp_send_dupack() and tcp_data_queue() call
 *	tcp_enter_quickack_mode(), which gives the quick ACKs back (tunable
 *	quickack) and leaves pingpong mode, so that what comes next is ACKed
 *	at once.
 */

static void
EnterQuickack(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;

    tp->ack_sched = 1;
    if (!t->quickack) {
	return;
    }
    IncrQuickack(tp);
    tp->flags &= ~TF_PINGPONG;
    if (t->delack_ato) {
	tp->ato = (uint16_t) tcp_ato_min(tp->host);
    }
}

/* The peer's FIN (RFC 9293 3.10.7.4, eighth step). */
static int
Fin(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;

    tp->rcv_nxt++;
    tp->flags |= TF_RCVD_FIN;
    tp->ack_sched = 1;
    if (t->fin_delack && tp->state == TCPS_ESTABLISHED) {
	/* Linux tcp_fin(): ESTABLISHED enters pingpong mode and the FIN's
	 * ACK is delayed (trace 12: +41 ms). */
	tp->flags |= TF_PINGPONG;
	tcp_delack_schedule(tp);
    } else {
	tp->flags |= TF_ACKNOW;
    }
    switch (tp->state) {
    case TCPS_SYN_RECEIVED:
    case TCPS_ESTABLISHED:
	tcp_set_state(tp, TCPS_CLOSE_WAIT);
	break;
    case TCPS_FIN_WAIT_1:
	/* Our FIN not yet acked: simultaneous close (fig. 18-19). */
	tcp_set_state(tp, TCPS_CLOSING);
	break;
    case TCPS_FIN_WAIT_2:
	tcp_timer_cancel(tp, TT_2MSL);
	tcp_enter_timewait(tp);
	break;
    default:
	break;
    }
    tcp_notify(tp);
    return 1;
}

/*
 * TimeWaitSyn --
 *	A SYN for a 4-tuple in TIME_WAIT (RFC 1122 4.2.2.13: it may reopen
 *	the connection when its sequence number is above rcv_nxt).
 *
 *	4.4BSD tcp_input(), in the step "segment ends after window" (seed
 *	003): only a SYN that lies wholly beyond the receive window, rcv_wnd
 *	= max(free buffer space, rcv_adv - rcv_nxt), with seq > rcv_nxt
 *	reopens; a SYN inside the window is the "SYN in the window" error
 *	further on (RST, connection dropped), one at or below rcv_nxt is
 *	trimmed to a duplicate and ACKed. The TIME_WAIT TCB is closed and
 *	the SYN looked up again (goto findpcb) with ISS = old rcv_nxt +
 *	TCP_ISSINCR (128000; the book's code uses the peer's sequence space,
 *	rcv_nxt, not snd_nxt): a listener takes it, and with no listener on
 *	the port it draws a RST like any SYN for a closed port (fig. 18-14).
 *
 *	Linux tcp_timewait_state_process(): seq above rcv_nxt or a newer
 *	timestamp; ISN = tw_snd_nxt + 65535 + 2 (trace 14); with no listener
 *	tcp_v4_rcv() falls through to TCP_TW_ACK: ACKed, TIME_WAIT kept.
 *	RFC 1122 alone: seq above rcv_nxt, ISN from the generator.
 * Results:
 *	1 if the SYN was consumed (new connection, or RST for no listener).
 */

static int
TimeWaitSyn(
    tl_tcb *tp,
    const tl_iphdr *ip,
    const tl_tcphdr *th)
{
    tl_host *h = tp->host;
    tl_listener *l;
    uint32_t iss;
    int mode = h->tun.tw_syn;

    if (mode == TWSYN_NONE) {
	return 0;
    }
    if (mode == TWSYN_BSD) {
	uint32_t adv = tp->rcv_adv - tp->rcv_nxt, wnd = tcp_rcv_space(tp);

	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt) && adv > wnd) {
	    wnd = adv;
	}
	/* todrop = seq + len - (rcv_nxt + rcv_wnd) > 0 and >= len. */
	if (!SEQ_GT(th->seq, tp->rcv_nxt)
		|| SEQ_LT(th->seq, tp->rcv_nxt + wnd)
		|| !SEQ_GT(th->seq + th->datalen, tp->rcv_nxt + wnd)) {
	    return 0;
	}
	iss = tp->rcv_nxt + (uint32_t) h->tun.tw_isn_incr;
	tcp_close(tp);
	/* findpcb: the lookup starts again without the TIME_WAIT TCB. */
	l = tcp_lookup_listener(h, ip->dst, th->dport);
	if (l == NULL || l->closed) {
	    h->stats.tcp_noport++;
	    tcp_drop_event(h, NULL, ip, th, EV_REPLY,
		    "SYN in TIME_WAIT, no listener: RST sent");
	    tcp_reset_for(h, ip, th);
	    return 1;
	}
	/* tcp_iss still moves on by TCP_ISSINCR/2 for this connection. */
	(void) tcp_new_isn(h, ip->dst, th->dport, ip->src, th->sport);
	Listen(h, l, ip, th, iss, h->tun.tw_isn_incr != 0);
	return 1;
    }
    /* Linux tcp_timewait_state_process(): a newer timestamp also makes the
     * SYN acceptable (trace 14). */
    if (!SEQ_GT(th->seq, tp->rcv_nxt) && !(mode == TWSYN_LINUX
	    && (tp->flags & TF_RCVD_TSTMP) && th->opt.has_ts
	    && (int32_t) (th->opt.tsval - tp->ts_recent) > 0)) {
	return 0;
    }
    l = tcp_lookup_listener(h, ip->dst, th->dport);
    if (l == NULL || l->closed) {
	return 0;
    }
    iss = tp->snd_nxt + (uint32_t) h->tun.tw_isn_incr;
    tcp_close(tp);
    Listen(h, l, ip, th, iss, h->tun.tw_isn_incr != 0);
    return 1;
}

/* RFC 9293 3.10.7.4 first step: is the segment in the window? */
static int
Acceptable(
    const tl_tcb *tp,
    uint32_t seq,
    uint32_t seglen)
{
    uint32_t wnd = SEQ_GT(tp->rcv_adv, tp->rcv_nxt)
	    ? tp->rcv_adv - tp->rcv_nxt : 0;

    if (seglen == 0) {
	/* At the right edge too with tunable seq_right_edge. */
	return wnd == 0 ? seq == tp->rcv_nxt
		: SEQ_GEQ(seq, tp->rcv_nxt) && (SEQ_LT(seq, tp->rcv_nxt + wnd)
		    || (tp->host->tun.seq_right_edge
			&& seq == tp->rcv_nxt + wnd));
    }
    if (wnd == 0) {
	return 0;
    }
    return (SEQ_GEQ(seq, tp->rcv_nxt) && SEQ_LT(seq, tp->rcv_nxt + wnd))
	    || (SEQ_GEQ(seq + seglen - 1, tp->rcv_nxt)
		&& SEQ_LT(seq + seglen - 1, tp->rcv_nxt + wnd));
}

/*
 * Synchronized --
 *	RFC 9293 3.10.7.4: a segment for SYN_RCVD or a later state.
 */

static void
Synchronized(
    tl_tcb *tp,
    const tl_iphdr *ip,
    tl_tcphdr *th)
{
    tl_host *h = tp->host;
    const tl_tunables *t = &h->tun;
    int flags = th->flags;
    uint32_t seq = th->seq, len = th->datalen;
    const uint8_t *data = th->data;
    uint32_t seglen = len + ((flags & TH_SYN) ? 1 : 0)
	    + ((flags & TH_FIN) ? 1 : 0);
    uint32_t una0, cwnd0, dupSeq = 0, dupLen = 0, dsack = 0;
    int dup = 0, ackCheck = 0;

    if (tp->state == TCPS_TIME_WAIT) {
	if ((flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN
		&& TimeWaitSyn(tp, ip, th)) {
	    return;
	}
	/* A retransmitted FIN: ACK it and restart 2MSL (RFC 9293
	 * 3.10.7.4 TIME-WAIT; seed 003; Linux trace 07). */
	if ((flags & TH_FIN) && !(flags & TH_RST)
		&& seq + len + 1 == tp->rcv_nxt) {
	    tcp_send_ctl(tp, tcp_ack_seq(tp), TH_ACK);
	    tcp_timer_set(tp, TT_2MSL, 2 * tcp_ms(t->msl));
	    return;
	}
    }

    if (tp->state == TCPS_SYN_RECEIVED && (flags & (TH_SYN | TH_ACK | TH_RST))
	    == (TH_SYN | TH_ACK) && seq + 1 == tp->rcv_nxt
	    && th->ack == tp->snd_nxt) {
	/* Simultaneous open (RFC 793 fig. 8, book fig. 18-17): the peer's
	 * SYN-ACK repeats its SYN; drop the SYN and take the ACK, sending
	 * nothing (Linux tcp_validate_incoming() lets it pass the same way). */
	flags &= ~TH_SYN;
	seq++;
	seglen--;
    } else if (tp->state == TCPS_SYN_RECEIVED
	    && (flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN
	    && seq == tp->irs) {
	/* A duplicate of the SYN that made us: repeat the SYN-ACK. */
	tp->snd_nxt = tp->iss;
	tcp_output(tp);
	if (t->dupsyn_restart) {
	    tcp_rexmt_arm(tp);
	}
	return;
    }

    /* First: sequence number acceptability. */
    if (!Acceptable(tp, seq, seglen)) {
	h->stats.tcp_dropped++;
	if (flags & TH_RST) {
	    tcp_drop_event(h, tp, ip, th, EV_DROP, "RST outside the window");
	} else if ((flags & TH_SYN) && t->challenge_ack) {
	    /* Linux tcp_validate_incoming(): an out-of-window SYN goes to
	     * the SYN challenge (traces 04, 06). */
	    ChallengeAck(tp, ip, th,
		    "challenge ACK: SYN in a synchronized state (RFC 5961)");
	} else if (len == 0 && OowLimited(tp)) {
	    tcp_drop_event(h, tp, ip, th, EV_DROP,
		    "out-of-window ACK skipped: tcp_invalid_ratelimit");
	} else {
	    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, then drop; an old
	     * segment is a duplicate (Linux tcp_send_dupack()). */
	    if (seglen && SEQ_LT(seq, tp->rcv_nxt)) {
		Dsack(tp, seq, SEQ_LT(seq + seglen, tp->rcv_nxt)
			? seq + seglen : tp->rcv_nxt, 0);
		EnterQuickack(tp);
	    }
	    tcp_send_ctl(tp, tcp_ack_seq(tp), TH_ACK);
	    tcp_drop_event(h, tp, ip, th, EV_DROP,
		    "unacceptable sequence number, ACK sent");
	}
	return;
    }
    /* Trim to the window: the part before rcv_nxt ... */
    if (SEQ_LT(seq, tp->rcv_nxt)) {
	uint32_t cut = tp->rcv_nxt - seq;

	if (flags & TH_SYN) {
	    flags &= ~TH_SYN;
	    seq++;
	    cut--;
	}
	if (cut > len) {
	    cut = len;
	}
	dupSeq = seq;
	dupLen = cut;
	data += cut;
	len -= cut;
	seq += cut;
    }
    /* ... and the part beyond it. */
    {
	uint32_t wnd = tp->rcv_adv - tp->rcv_nxt;

	if (SEQ_GT(seq + len, tp->rcv_nxt + wnd)) {
	    len = tp->rcv_nxt + wnd - seq;
	    flags &= ~(TH_FIN | TH_PUSH);
	}
    }

    /* Second: the RST bit. */
    if (flags & TH_RST) {
	if (t->tw_rst_exact && seq != tp->rcv_nxt
		&& tp->state == TCPS_TIME_WAIT) {
	    /* Linux tcp_timewait_state_process(): only an exact RST is
	     * acted on; others are ignored without a reply (trace 13 C). */
	    tcp_drop_event(h, tp, ip, th, EV_DROP,
		    "RST in TIME_WAIT not at RCV.NXT");
	    return;
	}
	if (t->challenge_ack && seq != tp->rcv_nxt) {
	    /* RFC 5961 3.2: in the window but not exact. */
	    ChallengeAck(tp, ip, th,
		    "challenge ACK: RST in window, not at RCV.NXT (RFC 5961)");
	    return;
	}
	switch (tp->state) {
	case TCPS_SYN_RECEIVED:
	    if (tp->flags & TF_FROMLISTEN) {
		/* Back to LISTEN: the embryonic connection goes. */
		tcp_close(tp);
		return;
	    }
	    tcp_drop(tp, ECONNREFUSED);
	    return;
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	    tp->so_error = ECONNRESET;
	    tcp_close(tp);
	    return;
	case TCPS_CLOSE_WAIT:
	    tp->so_error = t->closewait_rst_epipe ? EPIPE : ECONNRESET;
	    tcp_close(tp);
	    return;
	case TCPS_TIME_WAIT:
	    if (t->tcp_rfc1337) {
		/* RFC 1337: no TIME_WAIT assassination. */
		tcp_drop_event(h, tp, ip, th, EV_DROP,
			"RST ignored in TIME_WAIT (RFC 1337)");
		return;
	    }
	    tcp_close(tp);
	    return;
	default:
	    tcp_close(tp);
	    return;
	}
    }

    /* Fourth: a SYN in a synchronized state. */
    if (flags & TH_SYN) {
	if (t->challenge_ack) {
	    /* RFC 5961 4.2 */
	    ChallengeAck(tp, ip, th,
		    "challenge ACK: SYN in a synchronized state (RFC 5961)");
	    return;
	}
	/* RFC 793: reset the connection. 4.4BSD tcp_input(): "tp =
	 * tcp_drop(tp, ECONNRESET); goto dropwithreset;": tcp_drop() sends
	 * <RST,ACK> at snd_nxt in every state from SYN_RCVD on, TIME_WAIT
	 * included (TCPS_HAVERCVDSYN), and dropwithreset then answers the
	 * SYN itself as a segment for no connection. */
	if (tp->state == TCPS_TIME_WAIT) {
	    tcp_send_ctl(tp, tcp_ack_seq(tp), TH_RST | TH_ACK);
	}
	tcp_drop(tp, ECONNRESET);
	tcp_reset_for(h, ip, th);
	return;
    }

    /* RFC 7323 4.3: remember the peer's newest timestamp from a segment
     * that starts at or before the last ACK we sent. */
    if ((tp->flags & TF_RCVD_TSTMP) && th->opt.has_ts
	    && SEQ_LEQ(seq, tp->last_ack_sent)
	    && (int32_t) (th->opt.tsval - tp->ts_recent) >= 0) {
	tp->ts_recent = th->opt.tsval;
    }

    /* Fifth: the ACK field. */
    if (!(flags & TH_ACK)) {
	return;
    }
    tp->last_rcv = tcp_now(h);
    if (tp->state == TCPS_SYN_RECEIVED) {
	if (SEQ_GT(th->ack, tp->snd_una) && SEQ_LEQ(th->ack, tp->snd_max)) {
	    if (tp->x->listener && len == 0 && !(flags & TH_FIN)
		    && tp->rxtshift < tp->x->listener->opts.defer_accept) {
		/* TCP_DEFER_ACCEPT: a bare ACK does not complete the
		 * connection until data comes or the SYN-ACK has been
		 * sent again that often (Linux tcp_check_req()). */
		tp->flags |= TF_DEFER_ACKED;
		tcp_drop_event(h, tp, ip, th, EV_DROP, "TCP_DEFER_ACCEPT");
		return;
	    }
	    if (tp->x->listener && t->syn_queue == SYNQ_LINUX
		    && tp->x->listener->qlen
		    >= tcp_backlog_limit(h, tp->x->listener->backlog)) {
		/* Linux tcp_check_req(): syn_recv_sock() makes no child
		 * for a full accept queue (ListenOverflows, ListenDrops);
		 * the ACK is dropped and the request stays, so its SYN-ACK
		 * is sent again and the peer's answer may find room; with
		 * tcp_abort_on_overflow the ACK draws a RST and the
		 * request goes (embryonic_reset). */
		h->stats.listen_overflows++;
		h->stats.listen_drops++;
		if (t->tcp_abort_on_overflow) {
		    tcp_drop_event(h, tp, ip, th, EV_REPLY,
			    "accept queue full: RST (tcp_abort_on_overflow)");
		    tcp_reset_for(h, ip, th);
		    tcp_close(tp);
		    return;
		}
		tcp_drop_event(h, tp, ip, th, EV_DROP,
			"accept queue full: third ACK dropped");
		return;
	    }
	    tcp_timer_cancel(tp, TT_CONN);
	    tcp_set_state(tp, TCPS_ESTABLISHED);
	    tcp_mtup_init(tp);
	    tcp_sndbuf_expand(tp);
	    if (tp->flags & TF_WANTFIN) {
		/* A close queued in SYN_RCVD (RFC 9293 3.10.4). */
		tcp_set_state(tp, TCPS_FIN_WAIT_1);
	    }
	    tp->snd_wnd = (uint32_t) th->win << tp->snd_wscale;
	    tp->snd_wl1 = seq;
	    tp->snd_wl2 = th->ack;
	    tcp_keep_arm(tp);
	    Complete(tp);
	} else {
	    tcp_respond(h, tp->laddr, tp->lport, tp->raddr, tp->rport,
		    th->ack, 0, TH_RST, 0);
	    return;
	}
    }
    una0 = tp->snd_una;
    cwnd0 = tp->cwnd;
    tcp_cc_event(tp);
    tp->rack_acked = 0;
    if ((tp->flags & TF_SACK_PERMIT) && th->opt.nsack) {
	dsack = tcp_dsack_check(tp, th, una0);
	tcp_sack_update(tp, th, dsack != 0);
    }
    if (SEQ_GT(th->ack, tp->snd_max)) {
	/* RFC 9293 3.10.7.4 / RFC 5961 5.2: an ACK for data not yet sent
	 * (tunable unsent_ack). */
	switch (t->unsent_ack) {
	case UNSENTACK_CHALLENGE:
	    ChallengeAck(tp, ip, th,
		    "challenge ACK: ACK of data not yet sent (RFC 5961 5.2)");
	    break;
	case UNSENTACK_DROP:
	    tcp_drop_event(h, tp, ip, th, EV_DROP,
		    "ACK of data not yet sent: dropped");
	    break;
	default:
	    tcp_send_ctl(tp, tcp_ack_seq(tp), TH_ACK);
	    tcp_drop_event(h, tp, ip, th, EV_DROP,
		    "ACK of data not yet sent: ACK sent");
	    break;
	}
	return;
    }
    /* An ACK that is not old answers the window probes (Linux tcp_ack()). */
    if (SEQ_GEQ(th->ack, tp->snd_una)) {
	tp->probes_out = 0;
	/* Spurious reductions undone, F-RTO (tcp_cc.c), before the ACK
	 * moves snd_una and the windows. */
	tcp_undo_ack(tp, th, dsack != 0, th->ack == tp->snd_una && len == 0
		&& !(flags & TH_FIN) && !dsack && tp->snd_max != tp->snd_una
		&& ((uint32_t) th->win << tp->snd_wscale) == tp->snd_wnd);
    }
    if (SEQ_LEQ(th->ack, tp->snd_una)) {
	/* A duplicate ACK counts only while data is being timed (4.4BSD:
	 * not the answers to window probes). */
	if (th->ack == tp->snd_una && len == 0 && !(flags & TH_FIN)
		&& ((uint32_t) th->win << tp->snd_wscale) == tp->snd_wnd
		&& tp->snd_max != tp->snd_una
		&& tcp_timer_pending(tp, TT_REXMT)) {
	    DupAck(tp);
	    dup = 1;
	} else if ((tp->flags & TF_SACK_PERMIT) || !t->reno_recovery) {
	    /* (Linux's count without SACK stays: tcp_reno_ack().) */
	    tp->dupacks = 0;
	}
    } else {
	NewAck(tp, th, dsack);
    }
    /* Window update (RFC 9293 3.10.7.4, SND.WL1/SND.WL2 rule). */
    if (SEQ_LT(tp->snd_wl1, seq) || (tp->snd_wl1 == seq
	    && SEQ_LEQ(tp->snd_wl2, th->ack))) {
	int opened = tp->snd_wnd == 0 && th->win > 0;
	uint32_t old = tp->snd_wnd;

	/* RFC 7323 2.3: windows of non-SYN segments are scaled. */
	tp->snd_wnd = (uint32_t) th->win << tp->snd_wscale;
	if (tp->snd_wnd != old && SEQ_GT(tp->snd_buf_seq + tp->sndbuf.len
		+ (uint32_t) tp->x->pend_bytes, tp->snd_max)) {
	    tcp_idle_restart(tp, IDLE_AT_WINDOW);
	}
	tp->snd_wl1 = seq;
	tp->snd_wl2 = th->ack;
	if (tp->snd_wnd > tp->max_sndwnd) {
	    tp->max_sndwnd = tp->snd_wnd;
	}
	if (opened) {
	    tcp_timer_cancel(tp, TT_PERSIST);
	    if (tp->x->probes_tstamp) {
		/* Linux tcp_ack_probe(): the window takes the data now. */
		tcp_xw(tp)->probes_tstamp = 0;
	    }
	}
    }
    if ((tp->flags & TF_SACK_PERMIT) && t->sack_recovery == SACKREC_LINUX
	    && (SEQ_GEQ(th->ack, una0) || th->opt.nsack)
	    && tp->snd_max != tp->snd_una) {
	/* An old ACK's SACK blocks count too (Linux tcp_ack(): "ack below
	 * snd_una" still tags the SACKed segments and recovers). */
	tcp_prr_ack(tp, una0, cwnd0);
    } else if (!(tp->flags & TF_SACK_PERMIT) && t->reno_recovery
	    && SEQ_GEQ(th->ack, una0)) {
	tcp_reno_ack(tp, th, una0, dup);
    }
    if (tp->ecn || tp->ca_state == CA_CWR) {
	/* ECN, or a CWR entered without it (tcp_cc_local_drop()). */
	tcp_ecn_in(tp, ip->tos & 3, flags, len, una0);
    }
    /* Our FIN acknowledged? */
    if ((tp->flags & TF_SENTFIN) && tp->snd_una == tp->snd_max) {
	switch (tp->state) {
	case TCPS_FIN_WAIT_1:
	    tcp_set_state(tp, TCPS_FIN_WAIT_2);
	    tcp_finwait2_arm(tp);
	    break;
	case TCPS_CLOSING:
	    tcp_enter_timewait(tp);
	    break;
	case TCPS_LAST_ACK:
	    tcp_close(tp);
	    return;
	default:
	    break;
	}
    }

    /* Sixth: the URG bit (RFC 9293 3.10.7.4): the urgent pointer, after
     * the urgent data as 4.4BSD reads it (RFC 6093). */
    if ((flags & TH_URG) && th->urp && !TCPS_HAVERCVDFIN(tp->state)) {
	uint32_t up = th->seq + th->urp;

	if (SEQ_GT(up, tp->rcv_nxt) && (!(tp->flags & TF_URG_PEND)
		|| SEQ_GT(up, tp->rcv_up))) {
	    tp->rcv_up = up;
	    tp->flags = (tp->flags & ~TF_URG_HAVE) | TF_URG_PEND;
	    tcp_notify(tp);
	}
    }

    /* Seventh: the segment text. */
    if (len > 0) {
	tl_time prev;

	RcvRttMeasureTs(tp, th, len);
	if (tp->state == TCPS_ESTABLISHED || tp->state == TCPS_FIN_WAIT_1
		|| tp->state == TCPS_FIN_WAIT_2) {
	    if ((tp->flags & TF_CLOSED) && tp->state != TCPS_ESTABLISHED) {
		/* Data after the user closed: nobody can read it (RFC 1122
		 * 4.2.2.13; 4.4BSD tcps_rcvafterclose; Linux tcp_reset). */
		tcp_send_ctl(tp, th->ack, TH_RST);
		tcp_close(tp);
		return;
	    }
	    if (dupLen) {
		/* Its head was here already (Linux tcp_data_queue():
		 * "partial packet"). */
		Dsack(tp, dupSeq, dupSeq + dupLen, 0);
	    }
	    prev = tp->lrcvtime;
	    tp->ack_sched = 1;
	    if (seq == tp->rcv_nxt && tp->x->reass == NULL) {
		Append(tp, data, len);
		if (t->rcv_scaling_ratio) {
		    EventDataRecv(tp, ip, th, len);
		} else if (t->rcv_win_grow && len >= 128 && tp->rcv_wnd_clamp) {
		    /* Linux tcp_grow_window(): rcv_ssthresh += 2 advmss,
		     * within what the buffer holds. */
		    uint32_t room = (uint32_t) tp->rcvbuf.cap
			    - (t->tcp_window_scaling ? (1u << t->rcv_wscale)
			    : 0);

		    tp->rcv_wnd_clamp = TL_MIN(room,
			    tp->rcv_wnd_clamp + 2u * tp->mss_offer);
		}
		DataIn(tp, prev);
		ackCheck = 1;	/* (After the FIN, below.) */
	    } else {
		int fill = seq == tp->rcv_nxt;

		Reassemble(tp, seq, data, len);
		if (fill) {
		    DataIn(tp, prev);
		}
		tp->flags |= TF_ACKNOW;
	    }
	    if (tp->app) {
		tcp_app_wake(tp);
	    }
	    tcp_notify(tp);
	}
    }

    /* Eighth: the FIN, only when in order. */
    if ((flags & TH_FIN) && seq + len == tp->rcv_nxt
	    && !(tp->flags & TF_RCVD_FIN)) {
	Fin(tp);
	if (tp->app) {
	    tcp_app_wake(tp);
	}
    }
    if (ackCheck) {
	AckSndCheck(tp, len);
    }
    tcp_keep_arm(tp);
    tcp_output(tp);
}

void
tcp_input(
    tl_host *h,
    const tl_iphdr *ip,
    const uint8_t *seg,
    uint32_t len)
{
    tl_tcphdr th;
    tl_tcb *tp;
    tl_listener *l;
    wire_err err;
    int before;
    uint64_t freed = h->tcbs_freed;

    h->stats.tcp_in++;
    err = tcp_parse(seg, len, ip->src, ip->dst, &th, !ip->trusted);
    if (err != WIRE_OK) {
	h->stats.tcp_bad[err]++;
	tcp_drop_event(h, NULL, ip, NULL, EV_DROP, wire_errnames[err]);
	return;
    }
    tp = tcp_lookup(h, ip->dst, th.dport, ip->src, th.sport);
    if (ip->unwritten && !(tp && tp->app && tp->app->sink
	    && !(th.flags & TH_URG) && !(tp->flags & TF_URG_PEND))) {
	/* Bytes someone reads (an application that drops them unread
	 * never does, unless one is an urgent byte taken out of line). */
	unwritten_fill(ip->unwritten);
    }
    if (tp == NULL) {
	l = tcp_lookup_listener(h, ip->dst, th.dport);
	if (l == NULL || l->closed) {
	    h->stats.tcp_noport++;
	    tcp_drop_event(h, NULL, ip, &th, (th.flags & TH_RST) ? EV_DROP
		    : EV_REPLY, (th.flags & TH_RST) ? "RST for no connection"
		    : "no connection: RST sent");
	    tcp_reset_for(h, ip, &th);
	    return;
	}
	Listen(h, l, ip, &th, 0, 0);
	return;
    }
    tp->segs_in++;
    if (tp->state == TCPS_SYN_SENT) {
	SynSent(tp, ip, &th);
	if (h->tcbs_freed == freed) {
	    tcp_x_trim(tp);	/* (tp is still there.) */
	}
	return;
    }
    before = tp->state;
    Synchronized(tp, ip, &th);
    if (h->tcbs_freed == freed) {
	tcp_x_trim(tp);
    }
    if (before >= TCPS_FIN_WAIT_1 && before != TCPS_LAST_ACK) {
	/* The connection may be in TIME_WAIT now, or still (tp may be
	 * gone: find it again), and may become compact (tcp_timewait.c). */
	tp = tcp_lookup_tcb(h, ip->dst, th.dport, ip->src, th.sport);
	if (tp && (tp->state == TCPS_TIME_WAIT || (tp->flags & TF_TWREC))) {
	    tcp_tw_settle(tp);
	}
    }
}
