/*
 * tcp_output.c --
 *
 *	The stack has something to send: decide what may go now (window,
 *	congestion window, Nagle, receiver window updates, delayed ACKs) and
 *	build the segments. Modelled on 4.4BSD tcp_output() (TCP/IP Illustrated
 *	Vol. 2, ch. 26) with the rules of RFC 9293 3.8.6 and RFC 1122 4.2.3.4.
 */

#include <stdlib.h>
#include <string.h>
#include "tcp.h"

/*
 * tcp_fill_sndbuf --
 *	Moves data waiting for send space (the rest of a user's writes, or an
 *	application's generated stream) into the send buffer.
 */

void
tcp_fill_sndbuf(
    tl_tcb *tp)
{
    tl_ring *r = &tp->sndbuf;
    int drained = tp->x->pend != NULL;

    while (tp->x->pend && ring_space(r)) {
	tl_chunk *c = tp->x->pend;
	uint32_t n;

	if (c->gen) {
	    /* A generated stream: kept as a run, made when sent (ring_gen());
	     * after other bytes, made in place, in contiguous pieces. */
	    uint32_t tail;

	    n = ring_space(r);
	    if (n > c->len - c->off) {
		n = (uint32_t) (c->len - c->off);
	    }
	    if (ring_gen(r, c->gen, c->genarg, c->genoff + c->off, n) == 0) {
		if (!ring_reserve(r, n)) {
		    break;
		}
		tail = (r->head + r->len) % r->size;
		if (n > r->size - tail) {
		    n = r->size - tail;
		}
		c->gen(c->genarg, c->genoff + c->off, r->buf + tail, n);
		ring_write(r, NULL, n);
	    }
	} else {
	    n = ring_write(r, c->data + c->off, (uint32_t) (c->len - c->off));
	}
	c->off += n;
	tcp_xw(tp)->pend_bytes -= n;
	if (c->off == c->len) {
	    tcp_xw(tp)->pend = c->next;
	    if (tp->x->pend == NULL) {
		tcp_xw(tp)->pend_tail = NULL;
	    }
	    free(c);
	}
    }
    if (drained && tp->x->pend == NULL) {
	const tl_upcalls *up = tp->host->tcp.up;

	if (tp->user && up && up->writable) {
	    up->writable(tp->user, tp);
	}
    }
}

static int
FinState(
    int s)
{
    return s == TCPS_FIN_WAIT_1 || s == TCPS_CLOSING || s == TCPS_LAST_ACK;
}

/* Linux __tcp_select_window()'s full_space: the window clamp, within the
 * window the buffer's memory makes at the ratio measured. */
static uint32_t
FullSpace(
    const tl_tcb *tp)
{
    uint32_t full = tp->window_clamp ? tp->window_clamp : tp->rcvbuf.cap;

    return (uint32_t) TL_MIN(full, tcp_rcvbuf_win(tp));
}

/*
 * tcp_rcv_window_now --
 *	The window free space allows now, in bytes, before the rule against
 *	shrinking (Linux __tcp_select_window()): receiver-side silly window
 *	avoidance (RFC 1122 4.2.3.3; 4.4BSD: not less than a quarter of the
 *	buffer or one segment), at most what the field holds, unscaled on a
 *	SYN and scaled otherwise (RFC 7323 2.2, 2.3). Rounding the scaled
 *	field up (Linux) may announce part of a unit more than the free space
 *	only while the buffer has that room.
 */

uint32_t
tcp_rcv_window_now(
    const tl_tcb *tp,
    int syn)
{
    const tl_tunables *t = &tp->host->tun;
    uint32_t win = tcp_rcv_space(tp), shift = syn ? 0 : tp->rcv_wscale;
    uint32_t unit = 1u << shift, mss = tp->mss;

    if (tp->rcv_wnd_clamp && mss > tp->rcv_wnd_clamp) {
	/* A segment more than the clamp ever lets in: the clamp (Linux
	 * __tcp_select_window() caps mss at full_space), or the window
	 * would stay shut however much is read. */
	mss = tp->rcv_wnd_clamp;
    }
    if (tp->sk_rcvbuf && tp->scaling_ratio && mss > FullSpace(tp)) {
	mss = FullSpace(tp);	/* The same for the buffer's memory. */
    }
    if (!syn && win < tp->rcvbuf.cap / 4 && win < mss) {
	win = 0;
    }
    if (win > 65535u << shift) {
	win = 65535u << shift;
    }
    if (!syn && !shift && t->rcv_win_unscaled_mss && tp->rcv_mss && win) {
	/* Linux __tcp_select_window() without scaling: the window last
	 * offered while the free space is within a segment above it, else
	 * the free space rounded down to whole segments. The segment is
	 * rcv_mss (the peer's as guessed) but at most the full space; when
	 * it is the full space, the free space once that is more than half
	 * the full space above the last offer (else a window closed by a
	 * buffer smaller than a segment would never open again). */
	uint32_t last = tcp_last_rcv_wnd(tp), m = tp->rcv_mss;
	uint32_t full = FullSpace(tp);

	if (m > full) {
	    m = full ? full : 1;
	}
	if ((win >= m && last <= win - m) || last > win) {
	    win -= win % m;
	} else if (!(m == full && win > last + full / 2)) {
	    win = last;
	}
    }
    if (shift && t->rcv_win_roundup
	    && ((win + unit - 1) >> shift << shift) <= ring_space(&tp->rcvbuf)) {
	/* Linux: ALIGN(window, 1 << rcv_wscale), so that a window smaller
	 * than the unit is not scaled away; where the ring holds the unit. */
	win += unit - 1;
    }
    return win >> shift << shift;
}

/*
 * RcvWindow --
 *	The window field to announce: tcp_rcv_window_now(), never shrinking
 *	the right edge (RFC 9293 3.8.6.2.2). The edge already announced is
 *	kept with the field rounded down, which RFC 7323 2.4 allows (a shrink
 *	by less than a unit): rounded up, it would move the edge forward on
 *	every segment of a receiver that does not read, past its buffer, so
 *	that the window never reached zero.
 */

static uint32_t
RcvWindow(
    tl_tcb *tp,
    int syn)
{
    const tl_tunables *t = &tp->host->tun;
    uint32_t shift = syn ? 0 : tp->rcv_wscale, unit = 1u << shift;
    uint32_t win = tcp_rcv_window_now(tp, syn) >> shift;
    uint32_t edge = SEQ_GT(tp->rcv_adv, tp->rcv_nxt)
	    ? tp->rcv_adv - tp->rcv_nxt : 0;

    if (!syn && t->quickack_low_space && tp->quickacks
	    && 2 * tcp_rcv_free(tp) < FullSpace(tp)) {
	/* Linux __tcp_select_window(): less than half the full space free
	 * ends quickack mode (icsk_ack.quick = 0). */
	tp->quickacks = 0;
    }
    if (win < edge >> shift) {
	win = edge >> shift;
    }
    if (shift && t->rcv_win_roundup && win && win < (edge + unit - 1) >> shift
	    && ((edge + unit - 1) >> shift << shift)
		<= ring_space(&tp->rcvbuf)) {
	/* Linux tcp_select_window(): a window that would shrink keeps the
	 * one announced, rounded up to the unit (ALIGN(cur_win)), as long
	 * as the buffer has that room and the window is not closing. */
	win = (edge + unit - 1) >> shift;
    }
    return win > 65535 ? 65535 : win;
}

/*
 * BuildOptions --
 *	The options of a segment. On SYNs: the MSS, and window scaling,
 *	timestamps and SACK-permitted as requested, in 4.4BSD's or Linux's
 *	layout (tcp_options_write()). Later: the timestamp (nop nop ts) and
 *	SACK blocks (RFC 2018 3).
 */

static size_t
BuildOptions(
    tl_tcb *tp,
    int flags,
    uint8_t *o)
{
    size_t n = 0;
    int syn = flags & TH_SYN, ts, ws, sack;
    uint32_t tsecr = (flags & TH_ACK) ? tp->ts_recent : 0;

#define OPT4(a, b, c, d) (o[n] = (a), o[n + 1] = (b), o[n + 2] = (c), \
	o[n + 3] = (d), n += 4)
#define TSOPT() (o[n] = TCPOPT_TS, o[n + 1] = 10, \
	put32(o + n + 2, tcp_ts_now(tp)), put32(o + n + 6, tsecr), n += 10)
    if (syn) {
	ts = (tp->flags & TF_REQ_TSTMP) != 0;
	ws = (tp->flags & TF_REQ_SCALE) != 0;
	sack = (tp->flags & TF_REQ_SACK) != 0;
	OPT4(TCPOPT_MSS, 4, tp->mss_offer >> 8, tp->mss_offer & 255);
	if (tp->host->tun.option_layout == OPTS_LINUX) {
	    if (ts) {
		if (sack) {
		    o[n++] = TCPOPT_SACK_PERM;
		    o[n++] = 2;
		} else {
		    o[n++] = TCPOPT_NOP;
		    o[n++] = TCPOPT_NOP;
		}
		TSOPT();
	    }
	    /* tcp_options_write(): SACK-permitted without timestamps
	     * comes before the window scale. */
	    if (sack && !ts) {
		OPT4(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, 2);
	    }
	    if (ws) {
		OPT4(TCPOPT_NOP, TCPOPT_WSCALE, 3, tcp_rcv_wscale(tp));
	    }
	    if (tp->x->fo_opt && !(flags & TH_ACK)) {
		/* Fast Open (tcp_syn_options(), tcp_options_write()): kind
		 * 34 and length, or kind 254, length and magic 0xF989; the
		 * cookie; two NOPs to a 32-bit boundary. Only if it fits
		 * in the option space left. */
		size_t len = (tp->x->fo_exp ? 4u : 2u) + tp->x->fo_len;

		if (n + ((len + 3) & ~(size_t) 3) <= TCP_MAXOPTLEN) {
		    o[n] = tp->x->fo_exp ? TCPOPT_EXP : TCPOPT_FASTOPEN;
		    o[n + 1] = (uint8_t) len;
		    if (tp->x->fo_exp) {
			o[n + 2] = TCPOPT_FASTOPEN_MAGIC >> 8;
			o[n + 3] = TCPOPT_FASTOPEN_MAGIC & 255;
		    }
		    memcpy(o + n + (tp->x->fo_exp ? 4 : 2), tp->x->fo_cookie,
			    tp->x->fo_len);
		    n += len;
		    if ((len & 3) == 2) {
			o[n++] = TCPOPT_NOP;
			o[n++] = TCPOPT_NOP;
		    }
		    tcp_xw(tp)->syn_fastopen = 1;
		    tcp_xw(tp)->syn_fastopen_exp = tp->x->fo_exp;
		}
	    }
	} else {
	    if (ws) {
		OPT4(TCPOPT_NOP, TCPOPT_WSCALE, 3, tcp_rcv_wscale(tp));
	    }
	    if (sack) {
		OPT4(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, 2);
	    }
	    if (ts) {
		o[n++] = TCPOPT_NOP;
		o[n++] = TCPOPT_NOP;
		TSOPT();
	    }
	}
	return n;
    }
    if (tp->flags & TF_RCVD_TSTMP) {
	o[n++] = TCPOPT_NOP;
	o[n++] = TCPOPT_NOP;
	TSOPT();
    }
    if ((tp->flags & TF_SACK_PERMIT) && (tp->x->reass || tp->dsack_on)
	    && !(flags & TH_RST)) {
	uint32_t blocks[4][2];
	int k, nb = 0;

	if (tp->dsack_on) {
	    /* RFC 2883 4: a D-SACK block first, reported once (Linux
	     * tcp_options_write() clears rx_opt.dsack). */
	    blocks[0][0] = tp->dsack[0];
	    blocks[0][1] = tp->dsack[1];
	    tp->dsack_on = 0;
	    nb = 1;
	}
	nb += tcp_sack_blocks(tp, blocks + nb, (n ? 3 : 4) - nb);

	OPT4(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, 2 + 8 * nb);
	for (k = 0; k < nb; k++) {
	    put32(o + n, blocks[k][0]);
	    put32(o + n + 4, blocks[k][1]);
	    n += 8;
	}
    }
#undef OPT4
#undef TSOPT
    return n;
}

/* Emit()'s flag: one segment larger than the MSS, not cut up (an MTU
 * probe). */
#define EMIT_WHOLE	0x10000

/*
 * Emit --
 *	Builds and sends one segment from snd_nxt with len bytes of data.
 * Results:
 *	1 when the host's device queue refused it and, under the tunable
 *	resource_probe_interval, TCP takes it as not sent (Linux
 *	__tcp_transmit_skb() returning NET_XMIT_DROP): what it did to the
 *	ACK state, the window announced and the counters of segments out
 *	stays (done before the device, as Linux does), the send log and PRR
 *	do not count it, and the connection enters CWR (tcp_enter_cwr()).
 *	Else 0.
 */

static int
Emit(
    tl_tcb *tp,
    uint32_t seq,
    uint32_t len,
    int flags)
{
    tl_host *h = tp->host;
    uint8_t opts[TCP_MAXOPTLEN];
    size_t optlen;
    uint32_t hl, seglen, win, dseq;
    uint8_t *seg;
    void *p;
    tl_tcphdr th;
    uint8_t ecn = 0;
    uint32_t prr = 0, gmss = tp->mss;
    int refused;

    if (!h->up) {
	return 0;		/* A crashed host sends nothing. */
    }
    if ((tp->ecn & ECN_OK) && !(flags & TH_SYN)) {
	/* RFC 3168 6.1 (Linux tcp_ecn_send()): new data is ECT(0), and the
	 * first after a reduction carries CWR; retransmissions and ACKs are
	 * not ECN-capable. ECE until the peer's CWR (6.1.3). */
	if (len && SEQ_GEQ(seq, tp->snd_max)) {
	    ecn = IP_ECN_ECT0;
	    if (tp->ecn & ECN_QUEUE_CWR) {
		tp->ecn &= ~ECN_QUEUE_CWR;
		flags |= TH_CWR;
	    }
	}
	if (tp->ecn & ECN_DEMAND_CWR) {
	    flags |= TH_ECE;
	}
    }
    if (len && ((tp->flags & TF_INRECOVERY) || tp->ca_state == CA_CWR)) {
	prr = (len + tp->mss - 1) / tp->mss;
	tp->prr_out += prr;	/* PRR */
    }
    if (tcp_now(h) < h->quiet_until) {
	tcp_event(h, tp, EV_NOTE, 0, 0, 0, 0,
		"segment not sent: quiet time after reboot (RFC 9293 3.4.3)");
	return 0;
    }
    optlen = BuildOptions(tp, flags, opts);
    hl = TCP_HDRLEN + (uint32_t) ((optlen + 3) & ~(size_t) 3);
    seglen = hl + len;
    if (!(flags & TH_SYN) && !tp->mss_sack) {
	/* Options beyond the timestamp the MSS allows for (SACK blocks)
	 * take their room from the data, cut in segments of that much less
	 * (RFC 9293 3.7.1, RFC 6691; Linux tcp_retransmit_skb() cuts a skb
	 * to tcp_current_mss()); tcp_output() passes with the MSS reduced
	 * already. */
	uint32_t extra = hl - TCP_HDRLEN
		- ((tp->flags & TF_RCVD_TSTMP) ? 12 : 0);

	if (extra < gmss) {
	    gmss -= extra;
	}
    }
    seg = h->tcp.ops->seg_alloc(h->tcp.ctx, seglen, &p);
    /* (Data in a SYN, Fast Open's, begins after the SYN's number.) */
    dseq = seq + ((flags & TH_SYN) ? 1 : 0);
    if (len && ring_is_gen(&tp->sndbuf) && h->tcp.ops->seg_unwritten) {
	h->tcp.ops->seg_unwritten(h->tcp.ctx, p, seg + hl, len,
		tp->sndbuf.gen, tp->sndbuf.gen->off + (dseq - tp->snd_buf_seq));
    } else if (len) {
	ring_peek(&tp->sndbuf, dseq - tp->snd_buf_seq, seg + hl, len);
    }
    win = (flags & TH_RST) && !TCPS_HAVEESTABLISHED(tp->state) ? 0
	    : RcvWindow(tp, flags & TH_SYN);
    th.urp = 0;		/* (The fields tcp_build_header() reads are set.) */
    if (tp->flags & TF_URG_SEND) {
	/* Urgent mode (RFC 9293 3.8.5): until the peer has acknowledged the
	 * urgent data, every segment points at its end. */
	if (!SEQ_GT(tp->snd_up, tp->snd_una)) {
	    tp->flags &= ~TF_URG_SEND;
	} else if (SEQ_GT(tp->snd_up, seq) && !(flags & (TH_SYN | TH_RST))) {
	    flags |= TH_URG;
	    th.urp = (uint16_t) TL_MIN(tp->snd_up - seq, 65535u);
	}
    }
    th.sport = tp->lport;
    th.dport = tp->rport;
    th.seq = seq;
    th.ack = (flags & TH_ACK) ? tp->rcv_nxt : 0;
    th.flags = (uint8_t) flags;
    th.win = (uint16_t) win;
    tcp_build_header(seg, &th, opts, optlen, len);	/* seg_send sums. */
    if (!(flags & TH_SYN)) {
	win <<= tp->rcv_wscale;
    }
    if (SEQ_GT(tp->rcv_nxt + win, tp->rcv_adv)) {
	tp->rcv_adv = tp->rcv_nxt + win;
    }
    if (flags & TH_ACK) {
	tp->last_ack_sent = tp->rcv_nxt;
	tp->flags &= ~(TF_ACKNOW | TF_DELACK);
	tcp_timer_cancel(tp, TT_DELACK);
	tcp_ack_sent(tp, len > gmss ? (len + gmss - 1) / gmss : 1);
    }
    tp->segs_out++;
    h->stats.tcp_out++;
    if (flags & TH_RST) {
	h->stats.tcp_rst_out++;
    }
    if ((flags & (TH_SYN | TH_ACK)) != (TH_SYN | TH_ACK)
	    || tp->state != TCPS_SYN_RECEIVED) {
	/* Linux __tcp_transmit_skb(): tcp_wstamp_ns, for every segment the
	 * socket sends (a passive open's SYN-ACK leaves from the request
	 * socket, not the child's). */
	tp->wstamp = tcp_now(h);
    }
    if (len) {
	tcp_pingpong_on_send(tp);	/* tcp_event_data_sent() */
    }
    refused = h->tcp.ops->seg_send(h->tcp.ctx, p, tp->laddr, tp->raddr,
	    seglen, len > gmss && !(flags & (EMIT_WHOLE | TH_SYN))
	    ? gmss : 0, ecn)
	    && h->tun.resource_probe_interval;
    if (refused) {
	tp->prr_out -= prr;
	h->stats.tcp_unsent++;
	tcp_event(h, tp, EV_NOTE, 0, 0, 0, 0,
		"segment not sent: the device's queue refused it"
		" (NET_XMIT_DROP)");
	if (len || (flags & TH_SYN)) {
	    tp->lsndtime = tcp_now(h);	/* tcp_event_data_sent() */
	}
	tcp_cc_local_drop(tp);
	return 1;
    }
    if (tp->mtup && tp->mtup->stale) {
	/* Sending looks the changed route up again (Linux ip_queue_xmit()
	 * -> __sk_dst_check()); the MSS follows at the next output. */
	tcp_route_refresh(tp);
    }
    if (len || (flags & TH_SYN)) {
	tp->lsndtime = tcp_now(h);
    }
    if (len) {
	/* The segment's own PSH, Linux's tcp_push(): it ends what was
	 * written, or a MSG_EOR record (a send() of its own). */
	uint32_t n = len;
	/* (A SYN's data is a skb of its own marked PSH, Linux
	 * tcp_send_syn_data(): sent again, it carries PSH.) */
	int own = (flags & TH_SYN) || ((flags & TH_PUSH)
		&& (dseq + len == tp->snd_buf_seq + tp->sndbuf.len
		    || (tp->x->neor && tcp_eor_clip(tp, dseq, &n)
			&& n == len)));

	tcp_cc_sent(tp, dseq, len, own);
    }
    return 0;
}

/* Sends a control segment at seq (RST, keepalive probe) without moving
 * snd_nxt; 1 when the device's queue refused it (Emit()). */
int
tcp_send_ctl(
    tl_tcb *tp,
    uint32_t seq,
    int flags)
{
    return Emit(tp, seq, 0, flags);
}

/*
 *----------------------------------------------------------------------
 * GSO packets of new data (tunable gso_psh)
 *----------------------------------------------------------------------
 */

/*
 * tcp_pacing_rate --
 *	Bytes per second as Linux's tcp_update_pacing_rate() sets
 *	sk_pacing_rate: cwnd (or the segments out, if more) x mss per srtt,
 *	times tcp_pacing_ss_ratio 200% in slow start below half ssthresh,
 *	else tcp_pacing_ca_ratio 120%. 0 before an RTT sample (Linux leaves
 *	the rate unlimited then).
 */

uint64_t
tcp_pacing_rate(
    const tl_tcb *tp)
{
    uint64_t srtt_us = (uint64_t) (tp->srtt / TL_US);
    uint32_t mss = tp->mss ? tp->mss : 1, cwnd = tp->cwnd / mss;
    uint32_t out = (tp->snd_max - tp->snd_una + mss - 1) / mss;

    if (!tp->have_rtt || srtt_us == 0) {
	return 0;
    }
    return (uint64_t) mss * (cwnd < tp->ssthresh / mss / 2 ? 200 : 120)
	    * TL_MAX(cwnd, out) * 10000u / srtt_us;
}

#define GSO_MAX_BYTES	(65536u - 1 - 320)	/* sk_gso_max_size - 1 -
						 * MAX_TCP_HEADER */

/*
 * GsoSegs --
 *	Segments in a GSO packet: Linux tcp_tso_autosize() with its defaults
 *	(sk_pacing_shift 10, tcp_tso_rtt_log 9): a millisecond of the pacing
 *	rate, plus sk_gso_max_size >> (min_rtt in us >> 9) on paths faster
 *	than 16 ms, at most a 64 KiB packet, at least tcp_min_tso_segs; and
 *	tcp_cwnd_test(): at most half cwnd, "to have at least 2 GSO packets
 *	in flight".
 */

/* tcp_tso_segs(): tcp_tso_autosize() alone, before cwnd. */
static uint32_t
AutoSegs(
    const tl_tcb *tp)
{
    uint64_t rate = tcp_pacing_rate(tp), bytes;
    uint64_t r = tp->min_rtt ? (uint64_t) (tp->min_rtt / TL_US) >> 9 : 64;

    bytes = rate ? rate >> 10 : GSO_MAX_BYTES;
    if (r < 32) {
	bytes += 65536u >> r;
    }
    bytes = TL_MIN(bytes, (uint64_t) GSO_MAX_BYTES);
    return (uint32_t) TL_MAX(bytes / tp->mss,
	    (uint64_t) tp->host->tun.tcp_min_tso_segs);
}

static uint32_t
GsoSegs(
    const tl_tcb *tp)
{
    return TL_MIN(AutoSegs(tp), TL_MAX(tp->cwnd / tp->mss / 2, 1));
}

/*
 * tcp_size_goal --
 *	The bytes Linux puts in one skb (tcp_xmit_size_goal()): the largest
 *	GSO packet (64 KB less MAX_TCP_HEADER, about 320 bytes; Linux's TCP
 *	always uses GSO, in software where the device has none) cut to half
 *	the largest window the peer announced (tcp_bound_to_half_wnd()), in
 *	whole segments.
 */

uint32_t
tcp_size_goal(
    const tl_tcb *tp)
{
    uint32_t mss = tp->mss ? tp->mss : TCP_MSS_DEFAULT;
    uint32_t goal = GSO_MAX_BYTES, cutoff;

    cutoff = tp->max_sndwnd > TCP_MSS_DEFAULT ? tp->max_sndwnd / 2
	    : tp->max_sndwnd;
    if (cutoff && goal > cutoff) {
	goal = TL_MAX(cutoff, 68u);
    }
    goal -= goal % mss;
    return goal ? goal : mss;
}

/*
 * TsoShouldDefer --
 *	Whether new data from seq (snd_nxt), that cwnd and the peer's
 *	window let go now, waits for the next ACK or write instead (tunable
 *	tso_defer): Linux 6.18 tcp_write_xmit() -> tcp_tso_should_defer(),
 *	asked for an skb of more than one segment when at least one may go.
 *	The write queue is not kept as skbs: the skb at the head is taken as
 *	what tcp_sendmsg() would have filled, tcp_xmit_size_goal() bytes
 *	(64 KiB, at most half the largest window the peer offered, whole
 *	segments), grown from the next as tcp_grow_skb() does, or less where
 *	the data or a MSG_EOR record ends; the last skb (the queue's tail)
 *	holds the FIN once the application closed.
 *	Sets tp->defer_limited (1 cwnd, 2 the peer's window) when it says
 *	to wait for that.
 */

static int
TsoShouldDefer(
    tl_tcb *tp,
    uint32_t seq,
    uint32_t data_end)
{
    tl_host *h = tp->host;
    tl_time now = tcp_now(h), head;
    uint32_t mss = tp->mss, unsent = data_end - seq, goal, skblen;
    uint32_t cwnd, flight, send_win, cong_win, limit, chunk, quota;
    uint64_t half_srtt_us;
    int tail, eor = 0;

    if (!h->tun.tso_defer || !mss || !SEQ_GT(data_end, seq)) {
	return 0;
    }
    cwnd = tp->cwnd / mss;
    flight = (tcp_in_flight(tp) + mss - 1) / mss;
    if (flight >= cwnd) {
	return 0;		/* tcp_cwnd_test(). */
    }
    /* The head skb, grown first from the next one up to what cwnd and
     * max_segs let go (tcp_write_xmit() -> tcp_grow_skb()). */
    goal = tcp_size_goal(tp);
    quota = TL_MIN(TL_MIN(TL_MAX(cwnd / 2, 1), cwnd - flight),
	    AutoSegs(tp)) * mss;
    skblen = TL_MIN(unsent, goal + (quota > goal
	    ? TL_MIN(quota - goal, goal) : 0));
    if (tp->x->neor) {
	eor = tcp_eor_clip(tp, seq, &skblen);
    }
    tail = skblen == unsent;
    if (skblen <= mss || SEQ_LT(tp->snd_una + tp->snd_wnd,
	    seq + mss)) {
	/* tcp_init_tso_segs(): one segment; tcp_snd_wnd_test(). */
	return 0;
    }
    if (tp->ca_state >= CA_RECOVERY || (tp->flags & TF_INRECOVERY)) {
	return 0;
    }
    /* Only if something left in the last millisecond ("now - wstamp -
     * 1 ms > 0" sends now). Exactly 1 ms, which virtual time makes of a
     * script's "+.001" and a real run never does (the events come later
     * than scripted, not sooner), sends now too, as the kernel's runs of
     * such scripts do (tests/pkt/linux-prr.pkt; packetdrill's
     * shutdown-rdwr-send-queue-ack-close.pkt). */
    if (tp->wstamp < 0 || now - tp->wstamp >= TL_MS) {
	return 0;
    }
    send_win = tp->snd_una + tp->snd_wnd - seq;
    cong_win = (cwnd - flight) * mss;
    limit = TL_MIN(send_win, cong_win);
    /* A full-sized packet may go. */
    if (limit >= AutoSegs(tp) * mss) {
	return 0;
    }
    /* An skb in the middle of the queue gets no more data. */
    if (!tail && limit >= skblen) {
	return 0;
    }
    if (h->tun.tcp_tso_win_divisor) {
	chunk = TL_MIN(tp->snd_wnd, cwnd * mss)
		/ (uint32_t) h->tun.tcp_tso_win_divisor;
	if (limit >= chunk) {
	    return 0;
	}
    } else if (limit > 3 * mss) {	/* tcp_max_tso_deferred_mss() */
	return 0;
    }
    /* The next ACK would come too late: the oldest data out left less
     * than srtt/2 ago (srtt_us >> 4 of Linux's 8 x srtt in us). */
    if (!tcp_cc_head_sent(tp, &head)) {
	return 0;
    }
    half_srtt_us = ((uint64_t) (8 * tp->srtt / TL_US)) >> 4;
    if (now - head < (tl_time) half_srtt_us * TL_US) {
	return 0;
    }
    if (cong_win < send_win) {
	if (cong_win <= skblen) {
	    tp->defer_limited = 1;
	    return 1;
	}
    } else if (send_win <= skblen) {
	tp->defer_limited = 2;
	return 1;
    }
    /* The packet gets no more data. */
    if (eor || (tail && FinState(tp->state) && tp->x->pend == NULL)) {
	return 0;
    }
    return 1;			/* Application limited. */
}

/*
 * GsoPush --
 *	Whether the new-data segment [seq, seq + len) ends a GSO packet of
 *	two segments or more (Linux 6.18 marks those PSH). A packet starts at
 *	the first segment past the previous one and covers what may go now,
 *	room bytes (cwnd, the peer's window, the data), at most GsoSegs()
 *	segments, whole segments unless it reaches the end of the data. *g
 *	holds the packet's end between the caller's segments.
 */

static int
GsoPush(
    tl_tcb *tp,
    tl_gso *g,
    uint32_t seq,
    uint32_t len,
    uint32_t room)
{
    if (!g->open || !SEQ_LT(seq, g->end)) {
	uint32_t max = GsoSegs(tp) * tp->mss;
	uint32_t n = TL_MIN(room, max);

	if (n > tp->mss && n < room) {
	    n -= n % tp->mss;
	}
	g->open = 1;
	g->start = seq;
	g->end = seq + TL_MAX(n, len);
	g->multi = n > tp->mss;
    }
    return g->multi && seq + len == g->end;
}

/*
 * tcp_output_range --
 *	Sends len bytes of data from seq now, whatever the windows say (the
 *	caller, SACK recovery, decided): a retransmission below snd_max or
 *	new data at snd_max. New data goes in the GSO packet *g (NULL for a
 *	retransmission), room the bytes the caller may send from seq now.
 *	Returns 1 when the device's queue refused it (Emit()): nothing
 *	moved, else 0.
 */

/* The segment at seq just sent continues the GSO packet *g: the send log
 * keeps where packets began (tunable rexmit_psh). */
static void
GsoContinued(
    tl_tcb *tp,
    const tl_gso *g,
    uint32_t seq)
{
    if (g && g->open && SEQ_GT(seq, g->start) && SEQ_LT(seq, g->end)) {
	tcp_cc_continued(tp, seq);
    }
}

/* New data of [seq, seq + len) left, in the GSO packet *g (NULL: a packet
 * of its own): Linux's skbs as tunable skb_truesize counts them. */
static void
WqSent(
    tl_tcb *tp,
    const tl_gso *g,
    uint32_t seq,
    uint32_t len)
{
    uint32_t from = SEQ_GT(tp->snd_max, seq) ? tp->snd_max : seq;

    if (tp->host->tun.skb_truesize && SEQ_GT(seq + len, from)) {
	tcp_wq_sent(tp, from, seq + len - from, g && g->open
		&& SEQ_GT(seq, g->start) && SEQ_LT(seq, g->end));
    }
}

/* PSH on data [seq, seq + len) about to leave: a retransmission as Linux
 * sends it (tunable rexmit_psh, tcp_rexmit_psh()), new data as worked out
 * for it. */
static int
RexmitPush(
    const tl_tcb *tp,
    uint32_t seq,
    uint32_t len,
    int push)
{
    int linux;

    if (!tp->host->tun.rexmit_psh || !SEQ_LT(seq, tp->snd_max)) {
	return push;
    }
    linux = tcp_rexmit_psh(tp, seq + len);
    return linux < 0 ? push : linux;
}

int
tcp_output_range(
    tl_tcb *tp,
    uint32_t seq,
    uint32_t len,
    tl_gso *g,
    uint32_t room)
{
    uint32_t data_end = tp->snd_buf_seq + tp->sndbuf.len;
    uint32_t piece = len;
    int push, eor = tp->x->neor && tcp_eor_clip(tp, seq, &piece);

    if (eor && piece < len) {
	/* A MSG_EOR boundary inside: the pieces go as segments of their
	 * own (tcp_retrans_try_collapse() never merges across it). */
	if (tcp_output_range(tp, seq, piece, g, room)) {
	    return 1;
	}
	return tcp_output_range(tp, seq + piece, len - piece, g,
		room > piece ? room - piece : 0);
    }
    push = seq + len == data_end || eor;
    if (g && tp->host->tun.gso_psh && GsoPush(tp, g, seq, len, room)) {
	push = 1;
    }
    if (tcp_unpushed(tp, seq + len)) {
	push = 0;
    }
    push = RexmitPush(tp, seq, len, push);
    if (Emit(tp, seq, len, TH_ACK | (push ? TH_PUSH : 0))) {
	/* Refused: not sent. A retransmission counts in total_retrans and
	 * RetransSegs, which __tcp_retransmit_skb() adds before it
	 * transmits, but is neither marked sent again nor counted in
	 * retrans_out (tcp_retransmit_skb() does that on success only);
	 * the caller stops (tcp_xmit_retransmit_queue()). */
	if (SEQ_LT(seq, tp->snd_max)) {
	    tp->retrans++;
	    tp->host->stats.tcp_retrans++;
	}
	return 1;
    }
    GsoContinued(tp, g, seq);
    WqSent(tp, g, seq, len);
    if (SEQ_LT(seq, tp->snd_max)) {
	tp->retrans++;
	tp->host->stats.tcp_retrans++;
    }
    if (SEQ_GT(seq + len, tp->snd_max)) {
	tp->snd_max = seq + len;
    }
    if (SEQ_GT(seq + len, tp->snd_nxt)) {
	tp->snd_nxt = seq + len;
    }
    if (!tcp_timer_pending(tp, TT_REXMT)) {
	tcp_rexmt_arm(tp);
    }
    return 0;
}

/* A persist-timer window probe: one byte into the zero window, or (Linux)
 * an empty segment the peer must answer with an ACK; into a small window,
 * what it allows. */
void
tcp_output_probe(
    tl_tcb *tp)
{
    if (tp->host->tun.zwp_empty && tp->snd_wnd == 0) {
	Emit(tp, tp->snd_una - 1, 0, TH_ACK);
	return;
    }
    tp->flags |= TF_FORCE;
    tcp_output(tp);
    tp->flags &= ~TF_FORCE;
}

/*
 *----------------------------------------------------------------------
 * Packetization-layer path MTU discovery (RFC 4821; tunable
 * tcp_mtu_probing, Linux tcp_mtup_init(), tcp_sync_mss(), tcp_mtu_probe())
 *----------------------------------------------------------------------
 */

/* The MSS the peer's option and TCP_MAXSEG allow (Linux
 * rx_opt.mss_clamp). */
static uint32_t
MssClamp(
    const tl_tcb *tp)
{
    uint32_t clamp = tp->peer_mss ? tp->peer_mss
	    : (uint32_t) tp->host->tun.mss_default;

    if (tp->x->user_mss && tp->x->user_mss < clamp) {
	clamp = tp->x->user_mss;
    }
    return clamp;
}

/* Bytes of TCP options in every segment: the timestamp's 12. */
static uint32_t
OptLen(
    const tl_tcb *tp)
{
    return (tp->flags & TF_RCVD_TSTMP) ? 12 : 0;
}

/* Linux tcp_mtu_to_mss(): the MSS of a path MTU, 40 bytes of headers less,
 * within the clamp, at least TCP_MIN_SND_MSS 48, less the options. */
int
tcp_mtu_to_mss(
    const tl_tcb *tp,
    uint32_t pmtu)
{
    int mss = (int) pmtu - 40, clamp = (int) MssClamp(tp);

    if (mss > clamp) {
	mss = clamp;
    }
    if (mss < 48) {
	mss = 48;
    }
    return mss - (int) OptLen(tp);
}

/* Linux tcp_mss_to_mtu(): the MTU a segment of mss bytes needs. */
int
tcp_mss_to_mtu(
    const tl_tcb *tp,
    uint32_t mss)
{
    return (int) (mss + 40 + OptLen(tp));
}

/* The route's MTU now, or the MSS's when there is no route. */
static uint32_t
RouteMtu(
    tl_tcb *tp)
{
    tl_host *h = tp->host;
    tl_tcp_route r;

    return h->tcp.ops->route(h->tcp.ctx, tp->raddr, &r) ? r.mtu
	    : (uint32_t) tcp_mss_to_mtu(tp, tp->mss);
}

/* The state apart from the TCB, made when first needed: the route's MTU
 * taken as the one the MSS came from. */
static tl_mtup *
Mtup(
    tl_tcb *tp)
{
    if (tp->mtup == NULL) {
	tl_mtup *m = calloc(1, sizeof(*m));

	if (m == NULL) {
	    return NULL;
	}
	tp->mtup = m;
	m->dst_mtu = m->pmtu_cookie = RouteMtu(tp);
	m->search_high = (uint16_t) TL_MIN(MssClamp(tp) + 40, 65535u);
	m->search_low = (uint16_t) tcp_mss_to_mtu(tp,
		(uint32_t) tp->host->tun.tcp_base_mss);
    }
    return tp->mtup;
}

/*
 * tcp_mtup_init --
 *	A connection is established (Linux tcp_init_transfer() ->
 *	tcp_mtup_init()): the search runs from tcp_base_mss (search_low) to
 *	what the peer's MSS allows (search_high), from now on with
 *	tcp_mtu_probing 2. An active opener's MSS already comes from the
 *	search with it (tcp_connect_init() searched before the SYN-ACK's
 *	tcp_sync_mss()); a passive one's not until the MTU changes.
 */

void
tcp_mtup_init(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    tl_mtup *m;

    if (t->tcp_mtu_probing == MTUP_OFF && tp->mtup == NULL) {
	return;
    }
    if ((m = Mtup(tp)) == NULL) {
	return;
    }
    m->enabled = t->tcp_mtu_probing == MTUP_ALWAYS;
    m->search_high = (uint16_t) TL_MIN(MssClamp(tp) + 40, 65535u);
    m->search_low = (uint16_t) tcp_mss_to_mtu(tp, (uint32_t) t->tcp_base_mss);
    m->probe_size = 0;
    if (m->enabled) {
	m->probe_timestamp = tcp_now(tp->host);
	if (!(tp->flags & TF_FROMLISTEN)) {
	    tcp_sync_mss(tp, m->pmtu_cookie);
	}
    }
}

/*
 * tcp_sync_mss --
 *	The MSS from a path MTU (Linux tcp_sync_mss()): search_high no higher
 *	than it, the MSS of it within half the largest window the peer
 *	offered, and while searching no larger than search_low's. cwnd and
 *	ssthresh keep their number of segments.
 */

void
tcp_sync_mss(
    tl_tcb *tp,
    uint32_t pmtu)
{
    tl_mtup *m = Mtup(tp);
    tl_host *h = tp->host;
    tl_tcp_route r;
    int mss;
    uint32_t old = tp->mss, cutoff;

    if (m == NULL) {
	return;
    }
    if (m->search_high > pmtu) {
	m->search_high = (uint16_t) pmtu;
    }
    mss = tcp_mtu_to_mss(tp, pmtu);
    /* tcp_bound_to_half_wnd() */
    cutoff = tp->max_sndwnd > 536 ? tp->max_sndwnd / 2 : tp->max_sndwnd;
    if (cutoff && (uint32_t) mss > cutoff) {
	mss = (int) TL_MAX(cutoff, 68u - 20 - OptLen(tp));
    }
    m->pmtu_cookie = pmtu;
    if (m->enabled) {
	mss = TL_MIN(mss, tcp_mtu_to_mss(tp, m->search_low));
    }
    if (mss < 1 || (uint32_t) mss == old) {
	return;
    }
    tp->mss = (uint16_t) mss;
    tp->cwnd = (uint32_t) TL_MAX((uint64_t) tp->cwnd / old, 1) * tp->mss;
    if (tp->ssthresh < 0x7fffffffu / 2) {
	tp->ssthresh = tp->ssthresh / old * tp->mss;
    }
    h->tcp.ops->route(h->tcp.ctx, tp->raddr, &r);
    tp->tso = r.tso >= 2 * tp->mss ? r.tso - r.tso % tp->mss : 0;
    tcp_event(h, tp, EV_NOTE, 0, 0, 0, 0, "MSS changed (tcp_sync_mss)");
}

/* The route to the peer changed: the next send looks it up again. */
void
tcp_route_changed(
    tl_tcb *tp)
{
    tl_mtup *m;

    if (tp->mss == 0 || tp->state < TCPS_SYN_RECEIVED) {
	return;			/* The handshake reads the route itself. */
    }
    if (tp->mtup == NULL) {
	/* The MTU the MSS came from, as best known. */
	if ((m = Mtup(tp)) == NULL) {
	    return;
	}
	m->dst_mtu = m->pmtu_cookie = (uint32_t) tcp_mss_to_mtu(tp, tp->mss);
    }
    tp->mtup->stale = 1;
}

/* A send after the route changed: the route's MTU now. */
void
tcp_route_refresh(
    tl_tcb *tp)
{
    tp->mtup->stale = 0;
    tp->mtup->dst_mtu = RouteMtu(tp);
}

/*
 * MtuProbe --
 *	Linux tcp_mtu_probe(): while the search is on and no probe is out, in
 *	the Open state with at least 11 segments of cwnd and no SACK blocks
 *	to send, a probe of the MSS of the midpoint MTU (search_low +
 *	search_high) / 2, built from the queued data, when the data and the
 *	peer's window hold it and reordering + 1 segments behind it
 *	(size_needed), and cwnd has room for two more segments. The search
 *	is over when the midpoint is above search_high's MSS or the range is
 *	below tcp_probe_threshold; after tcp_probe_interval it starts again
 *	(tcp_mtu_check_reprobe()). Returns 0 when nothing may go now (the
 *	window or cwnd must open first), 1 when the probe went, -1 when the
 *	ordinary sending goes on.
 */

static int
MtuProbe(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    tl_mtup *m = tp->mtup;
    uint32_t mss = tp->mss, cwnd = tp->cwnd / mss, inflight, probe, needed;
    uint32_t seq = tp->snd_nxt, data_end = tp->snd_buf_seq + tp->sndbuf.len;
    uint32_t piece;

    if (tp->ca_state != CA_OPEN || (tp->flags & TF_INRECOVERY) || cwnd < 11
	    || tp->x->reass || !TCPS_HAVEESTABLISHED(tp->state)
	    || SEQ_LT(seq, tp->snd_max)) {
	return -1;
    }
    probe = (uint32_t) tcp_mtu_to_mss(tp,
	    ((uint32_t) m->search_high + m->search_low) / 2);
    needed = probe + (tp->reordering + 1) * mss;
    if (probe > (uint32_t) tcp_mtu_to_mss(tp, m->search_high)
	    || m->search_high < m->search_low + t->tcp_probe_threshold) {
	/* tcp_mtu_check_reprobe() */
	tl_time now = tcp_now(tp->host);

	if (now - m->probe_timestamp
		>= (tl_time) t->tcp_probe_interval * TL_SEC) {
	    m->search_high = (uint16_t) TL_MIN(MssClamp(tp) + 40, 65535u);
	    m->search_low = (uint16_t) tcp_mss_to_mtu(tp, mss);
	    m->probe_timestamp = now;
	}
	return -1;
    }
    if (!SEQ_GEQ(data_end, seq + needed) || tp->snd_wnd < needed) {
	return -1;
    }
    if (SEQ_GT(seq + needed, tp->snd_una + tp->snd_wnd)) {
	return 0;
    }
    inflight = (tcp_in_flight(tp) + mss - 1) / mss;
    if (inflight + 2 > cwnd) {
	return inflight ? 0 : -1;
    }
    /* tcp_can_coalesce_send_queue_head(): not across a MSG_EOR mark. */
    piece = probe;
    if (tp->x->neor && tcp_eor_clip(tp, seq, &piece) && piece < probe) {
	return -1;
    }
    if (Emit(tp, seq, probe, TH_ACK | EMIT_WHOLE)) {
	return -1;		/* Refused: the ordinary sending goes on. */
    }
    /* "Decrement cwnd here because we are sending effectively two
     * packets": Linux counts the probe one packet in flight and takes one
     * from cwnd; here, where flight and cwnd are bytes, the probe's bytes
     * and one segment less than two. */
    tp->cwnd = TL_MAX(tp->cwnd + probe, 2 * mss + mss) - 2 * mss;
    m->probe_size = (uint16_t) tcp_mss_to_mtu(tp, probe);
    m->probe_seq_start = seq;
    m->probe_seq_end = seq + probe;
    tcp_event(tp->host, tp, EV_NOTE, 0, 0, 0, 0,
	    "MTU probe (RFC 4821, tcp_mtu_probe)");
    WqSent(tp, NULL, seq, probe);
    tp->snd_nxt = tp->snd_max = seq + probe;
    if (tp->rtt_start < 0 && tp->rxtshift == 0) {
	tp->rtt_start = tcp_now(tp->host);
	tp->rtt_seq = seq;
    }
    if (!tcp_timer_pending(tp, TT_REXMT)) {
	tcp_timer_cancel(tp, TT_PERSIST);
	tcp_rexmt_arm(tp);
    }
    return 1;
}

static void	Output(tl_tcb *tp);

/* The bytes of SACK option BuildOptions() would add to a data segment
 * now: a D-SACK block and the blocks of the out-of-order queue, as many
 * as fit beside the timestamp. */
static inline uint32_t
SackOptRoom(
    const tl_tcb *tp)
{
    uint32_t blocks[4][2];
    int max, nb;

    if ((!tp->x->reass && !tp->dsack_on) || !(tp->flags & TF_SACK_PERMIT)) {
	return 0;
    }
    max = (tp->flags & TF_RCVD_TSTMP) ? 3 : 4;
    nb = tp->dsack_on ? 1 : 0;
    nb += tcp_sack_blocks(tp, blocks, max - nb);
    return 4 + 8 * (uint32_t) nb;
}

/*
 * tcp_output --
 *	Sends what may be sent now, then times the loss probe for all of it
 *	and notes whether the window was used (tcp_cwnd_validate(), Linux
 *	tcp_write_xmit()).
 */

void
tcp_output(
    tl_tcb *tp)
{
    uint32_t oldmax = tp->snd_max, extra;
    uint16_t mss;
    int armed = tcp_timer_pending(tp, TT_REXMT)
	    && !(tp->flags & TF_TLP_ARMED);

    if (tp->mtup && tp->mtup->dst_mtu != tp->mtup->pmtu_cookie) {
	/* Linux tcp_current_mss(): the route's MTU is not the one the MSS
	 * came from. */
	tcp_sync_mss(tp, tp->mtup->dst_mtu);
    }
    tp->defer_limited = 0;
    mss = tp->mss;
    /* Linux tcp_write_xmit()'s mss_now (tcp_current_mss()): SACK blocks
     * to be sent take their room from every segment of this pass (RFC
     * 9293 3.7.1, RFC 6691). */
    extra = SackOptRoom(tp);
    if (extra >= mss) {
	extra = 0;
    }
    tp->mss = (uint16_t) (mss - extra);
    tp->mss_sack = (uint8_t) extra;
    Output(tp);
    if (extra) {
	tp->mss_sack = 0;
	if (tp->mss == mss - extra) {
	    tp->mss = mss;	/* (Unless the pass changed the MSS.) */
	}
    }
    tp->push_one = 0;
    if (SEQ_GT(tp->snd_max, oldmax) && !armed
	    && tcp_timer_pending(tp, TT_REXMT)
	    && !(tp->flags & TF_REO_ARMED)) {
	/* The loss probe's timeout counts all this pass sent (Linux
	 * tcp_write_xmit() -> tcp_schedule_loss_probe()). */
	tcp_rexmt_arm(tp);
    }
    tcp_cwnd_validate(tp, oldmax);
    tcp_chrono_update(tp);
}

/*
 * WindowUpdateDue --
 *	Whether the receive window opened enough to be announced on its own:
 *	by two segments or half the buffer (4.4BSD; RFC 1122 4.2.3.3), or as
 *	Linux's tcp_cleanup_rbuf() (tunable win_update_double).
 */

static int
WindowUpdateDue(
    const tl_tcb *tp)
{
    uint32_t adv = SEQ_GT(tp->rcv_adv, tp->rcv_nxt)
	    ? tp->rcv_adv - tp->rcv_nxt : 0, win;

    if (tp->host->tun.win_update_double) {
	/* Only when the window announced had fallen to half the clamp and
	 * would at least double (and not into silly-window territory). */
	uint32_t clamp = tp->host->tun.rcv_scaling_ratio
		&& tp->window_clamp ? tp->window_clamp
		: tp->rcv_wnd_clamp ? tp->rcv_wnd_clamp
		: tp->rcvbuf.cap;

	if (2 * adv > clamp) {
	    return 0;
	}
	win = tcp_rcv_window_now(tp, 0);
	return win && win >= 2 * adv;
    }
    win = TL_MIN(tcp_rcv_space(tp), 65535u << tp->rcv_wscale);
    return win > adv && (win - adv >= 2u * tp->mss
	    || 2 * (win - adv) >= tp->rcvbuf.cap);
}

/*
 * tcp_output_after_read --
 *	tcp_output() after the application read: an established connection
 *	with nothing queued or in flight, no FIN, ACK or probe owed, and no
 *	window update due passes straight through (what Output() would decide
 *	for it, without the pass; a receiver's every read asks).
 */

void
tcp_output_after_read(
    tl_tcb *tp)
{
    const tl_host *h = tp->host;

    if (tp->ack_sched && ((h->tun.ack_rcv_mss && tp->rcv_mss
	    && tp->rcv_nxt - tp->last_ack_sent > tp->rcv_mss)
	    || (h->tun.ack_pushed_read && (tp->ack_pushed & 2
		|| (tp->ack_pushed && !(tp->flags & TF_PINGPONG)))
		&& tp->rcvbuf.len == 0 && tp->x->reass == NULL))) {
	/* Linux tcp_cleanup_rbuf(): more than rcv_mss came and its ACK
	 * waits (a SYN-ACK's data, its ACK saved for data of ours), or the
	 * read left nothing queued and a short or pushed segment's ACK
	 * waits: the read sends it. */
	tp->flags |= TF_ACKNOW;
    }
    if (tp->state != TCPS_ESTABLISHED
	    || (tp->flags & (TF_ACKNOW | TF_WANTFIN | TF_FORCE))
	    || tp->x->pend || tp->x->notsent_lowat
	    || tp->snd_una != tp->snd_max || tp->snd_nxt != tp->snd_max
	    || tp->snd_buf_seq + tp->sndbuf.len != tp->snd_nxt
	    || (tp->mtup && (tp->mtup->dst_mtu != tp->mtup->pmtu_cookie
		|| (tp->mtup->enabled && !tp->mtup->probe_size)))
	    || h->tun.slow_start_after_idle == SSAI_BSD
	    || !tp->mss || tp->cwnd < tp->mss
	    || tcp_chrono_rwnd(tp) || WindowUpdateDue(tp)) {
	tcp_output(tp);
	return;
    }
    tp->defer_limited = 0;
    tp->push_one = 0;
}

/* Data waiting on a zero window, or on one too small to use with nothing
 * in flight to bring an ACK: the persist timer probes it, or sends what it
 * allows (RFC 9293 3.8.6.1; 4.4BSD tcp_output() "just wait"; Linux
 * tcp_check_probe_timer()). */
static int
PersistDue(
    const tl_tcb *tp,
    int state,
    uint32_t seq,
    uint32_t data_end)
{
    return TCPS_HAVEESTABLISHED(state) && SEQ_GT(data_end, seq)
	    && (tp->snd_wnd == 0 || tp->snd_nxt == tp->snd_una)
	    && !tcp_timer_pending(tp, TT_REXMT);
}

static void
Output(
    tl_tcb *tp)
{
    tl_host *h = tp->host;
    int state, flags, sendalot, probed = 0;
    tl_gso gso = {0, 0, 0, 0};

  again:
    sendalot = 0;
    state = tp->state;
    if (state == TCPS_CLOSED || state == TCPS_LISTEN
	    || (state == TCPS_TIME_WAIT && !(tp->flags & TF_ACKNOW))) {
	return;
    }
    tcp_fill_sndbuf(tp);
    state = tp->state;
    if (tp->snd_max == tp->snd_una && (tp->host->tun.slow_start_after_idle
	    == SSAI_BSD || SEQ_GT(tp->snd_buf_seq + tp->sndbuf.len,
		tp->snd_nxt))) {
	tcp_idle_restart(tp, IDLE_AT_SEND);
    }
    if (tp->mtup && tp->mtup->enabled && !tp->mtup->probe_size && !probed) {
	/* Linux tcp_write_xmit(): a probe first, once per call. */
	probed = 1;
	if (MtuProbe(tp) == 0) {
	    return;
	}
    }
    {
	uint32_t data_end = tp->snd_buf_seq + tp->sndbuf.len;
	uint32_t wnd = TL_MIN(tp->snd_wnd,
		tp->cwnd + tcp_limited_transmit(tp)), len = 0, avail, room = 0;
	uint32_t seq = tp->snd_nxt;
	int idle = tp->snd_max == tp->snd_una, send = 0, eor = 0;

	flags = 0;
	if (tp->x->fo_defer) {
	    return;		/* connect() deferred the SYN (Fast Open). */
	}
	if (state == TCPS_SYN_SENT || state == TCPS_SYN_RECEIVED) {
	    if (seq == tp->iss) {
		/* The SYN (RFC 9293 3.10.1) or SYN-ACK; Fast Open's first
		 * SYN carries data (tcp_send_syn_data()). */
		flags = TH_SYN | (state == TCPS_SYN_RECEIVED ? TH_ACK : 0);
		flags |= tcp_ecn_syn_flags(tp, state);
		send = 1;
		if (state == TCPS_SYN_SENT && tp->x->fo_syn_len) {
		    len = TL_MIN((uint32_t) tp->x->fo_syn_len, tp->sndbuf.len);
		}
	    } else if (state == TCPS_SYN_SENT) {
		return;
	    } else {
		flags = TH_ACK;
	    }
	} else {
	    flags = TH_ACK;
	}
	if (!(flags & TH_SYN) && TCPS_HAVEESTABLISHED(state)) {
	    avail = SEQ_GT(data_end, seq) ? data_end - seq : 0;
	    if (SEQ_GT(tp->snd_una + wnd, seq)) {
		len = TL_MIN(avail, tp->snd_una + wnd - seq);
	    } else if (wnd == 0 && (tp->flags & TF_FORCE) && avail) {
		len = 1;
	    }
	    /* No segment spans a MSG_EOR boundary; one that ends there is a
	     * whole skb, sent as one GSO packet with its last segment short
	     * and without waiting for Nagle unless it is the tail (Linux
	     * tcp_mss_split_point(), tcp_write_xmit()). */
	    eor = tp->x->neor && tcp_eor_clip(tp, seq, &len);
	    room = len;
	    if (len && SEQ_GEQ(seq, tp->snd_max) && !(tp->flags & TF_FORCE)
		    && (!gso.open || !SEQ_LT(seq, gso.end))) {
		if (tp->push_one) {
		    tp->push_one = 0;	/* tcp_push_one(): no deferral. */
		} else if (TsoShouldDefer(tp, seq, data_end)) {
		    /* Held back for the next ACK (tunable tso_defer). */
		    len = 0;
		    eor = 0;
		}
	    }
	    if (len > tp->mss) {
		/* With segmentation offload, whole segments up to tp->tso at
		 * once; the rest goes on its own (Linux tcp_mss_split_point).
		 * With tunable tso_defer, one GSO packet at a time, each
		 * asked again whether to wait. */
		uint32_t max = tp->tso && !(tp->flags & TF_URG_SEND)
			? tp->tso : tp->mss;

		if (h->tun.tso_defer && tp->tso && SEQ_GEQ(seq, tp->snd_max)
			&& !(tp->flags & TF_URG_SEND)) {
		    max = TL_MIN(max, GsoSegs(tp) * tp->mss);
		}

		if (!eor || len > max) {
		    len = TL_MIN(len, max);
		    len -= len % tp->mss;
		    eor = 0;
		}
		sendalot = 1;
	    }
	    if (eor && seq + len != data_end) {
		sendalot = 1;
	    }
	    if (len) {
		/* Nagle (RFC 1122 4.2.3.4) and 4.4BSD's send conditions;
		 * TCP_CORK holds partial segments until the close pushes
		 * them (Linux tcp_nagle_check(), tcp_send_fin()). */
		int corked = (tp->flags & TF_CORK) && !FinState(state);
		/* Minshall's variant (Linux tcp_nagle_check(),
		 * tcp_minshall_check()): a small segment waits only while an
		 * earlier small one is unacknowledged. */
		int nosmall = tp->host->tun.nagle_minshall
			&& !(SEQ_GT(tp->snd_sml, tp->snd_una)
			    && SEQ_LEQ(tp->snd_sml, tp->snd_nxt));

		/* The end of the buffer is the end of the data when nothing
		 * waits behind it, or when nothing is in flight: 4.4BSD
		 * tcp_output() sends when idle and "len + off >= sb_cc", what
		 * the buffer holds, however much more the application has
		 * still to write; so a buffer smaller than a segment does not
		 * stall. (Linux pushes when the application blocks on a full
		 * buffer, with data in flight too: not modelled.) */
		if (len >= tp->mss
			|| ((idle || nosmall
			    || (tp->flags & (TF_NODELAY | TF_CORK)))
			    && seq + len == data_end
			    && (tp->x->pend == NULL || idle)
			    && !corked)
			|| (tp->flags & TF_FORCE)
			|| (eor && seq + len != data_end)
			|| ((tp->flags & TF_URG_SEND)
			    && SEQ_GT(tp->snd_up, seq))
			|| (len >= tp->max_sndwnd / 2 && !corked)
			|| SEQ_LT(seq, tp->snd_max)) {
		    send = 1;
		} else {
		    len = 0;
		    sendalot = 0;
		    if (corked) {
			tcp_cork_arm(tp);
		    }
		}
	    }
	    /* The FIN follows the last byte (RFC 9293 3.10.4); it needs no
	     * window, and alone no room in cwnd either unless the profile
	     * says so (tunable fin_cwnd; a loss probe sends it anyway). After
	     * it was sent, seq is past it and this is false. */
	    if (FinState(state) && seq + len == data_end
		    && tp->x->pend == NULL
		    && (len || !h->tun.fin_cwnd || (tp->flags & TF_FORCE)
			|| SEQ_LT(seq, tp->snd_max) || !tp->mss
			|| (tcp_in_flight(tp) + tp->mss - 1) / tp->mss
			    < tp->cwnd / tp->mss)) {
		flags |= TH_FIN;
		send = 1;
	    }
	    if (len && !tcp_unpushed(tp, seq + len) && (seq + len == data_end
		    || eor
		    || (send && h->tun.gso_psh && SEQ_GEQ(seq, tp->snd_max)
			&& !(tp->flags & TF_FORCE)
			&& GsoPush(tp, &gso, seq, len, room)))) {
		flags |= TH_PUSH;
	    }
	    if (send && len && len < tp->mss && SEQ_GEQ(seq, tp->snd_max)) {
		tp->snd_sml = seq + len;	/* tcp_minshall_update() */
	    }
	}
	if (!send && (tp->flags & TF_ACKNOW)) {
	    send = 1;
	}
	if (!send && TCPS_HAVEESTABLISHED(state) && !TCPS_HAVERCVDFIN(state)
		&& WindowUpdateDue(tp)) {
	    send = 1;
	}
	if (!send) {
	    if (PersistDue(tp, state, seq, data_end)) {
		tcp_persist_arm(tp);
	    }
	    if (tp->x->notsent_lowat || h->tun.skb_truesize) {
		tcp_writable_check(tp);
	    }
	    return;
	}
	if (idle && len && tp->cc->cwnd_event) {
	    /* Data after an idle period (Linux tcp_transmit_skb():
	     * CA_EVENT_TX_START with nothing in flight). */
	    tp->cc->cwnd_event(tp, CC_EV_TX_START);
	}
	if (len && !(flags & TH_SYN)) {
	    flags = RexmitPush(tp, seq, len, (flags & TH_PUSH) != 0)
		    ? flags | TH_PUSH : flags & ~TH_PUSH;
	}
	if (Emit(tp, len || (flags & (TH_SYN | TH_FIN)) ? seq
		: tcp_ack_seq(tp),
		len, flags) && (len || (flags & TH_FIN))
		&& !(flags & TH_SYN)) {
	    /* The device's queue refused it (tunable
	     * resource_probe_interval): Linux tcp_write_xmit() stops with
	     * the segment still unsent; with nothing in flight and no timer
	     * running, the probe timer tries again (__tcp_push_pending_frames()
	     * -> tcp_check_probe_timer(); tcp_timer.c PersistTimer()). A
	     * retransmission's timer is the caller's (RexmtTimer()). A SYN
	     * counts as sent, as tcp_connect() takes it. */
	    if (tp->snd_max == tp->snd_una
		    && !tcp_timer_pending(tp, TT_REXMT)) {
		tcp_persist_arm(tp);
	    }
	    if (SEQ_LT(seq, tp->snd_max)) {
		/* Counted all the same (__tcp_retransmit_skb()). */
		tp->retrans++;
		tp->host->stats.tcp_retrans++;
	    }
	    return;
	}
	if ((flags & TH_SYN) && state == TCPS_SYN_SENT) {
	    /* Later SYNs carry neither the option nor data (Linux:
	     * fo->cookie.len = -1; the data skb queued after the SYN). */
	    if (seq == tp->iss && SEQ_GEQ(seq, tp->snd_max)) {
		if (len || tp->x->syn_data) {
		    tcp_xw(tp)->syn_data = (uint16_t) len;
		}
		if (len) {
		    /* The SYN's data stays a skb of its own: sent again,
		     * it goes alone, later data not joined to it (Linux
		     * tcp_send_syn_data() queues it apart). */
		    tcp_eor_mark(tp, seq + 1 + len);
		}
		if (tp->x->syn_retries) {
		    tcp_xw(tp)->syn_time = tcp_now(h);
		}
	    }
	    if (tp->x->fo_opt || tp->x->fo_syn_len) {
		tcp_xw(tp)->fo_opt = 0;
		tcp_xw(tp)->fo_syn_len = 0;
	    }
	}
	GsoContinued(tp, &gso, seq);
	if (len && !(flags & TH_SYN)) {
	    WqSent(tp, &gso, seq, len);
	}
	if ((tp->flags & TF_FORCE) && !tp->host->tun.zwp_empty
		&& tcp_timer_pending(tp, TT_PERSIST)) {
	    /* 4.4BSD: a send forced by the persist timer moves only snd_max;
	     * the persist timer, not the retransmission timer, repeats it
	     * (a probe, not a retransmission). */
	    if (SEQ_GT(seq + len, tp->snd_max)) {
		tp->snd_max = seq + len;
	    }
	    return;
	}
	if ((len || (flags & (TH_SYN | TH_FIN))) && SEQ_LT(seq, tp->snd_max)) {
	    /* A retransmission: Linux counts each segment sent again
	     * (tcpi_total_retrans, TcpRetransSegs), 4.4BSD
	     * tcps_sndrexmitpack the same. */
	    tp->retrans++;
	    tp->host->stats.tcp_retrans++;
	}
	/* Advance snd_nxt over what the segment occupies. */
	{
	    uint32_t end = seq + len + ((flags & TH_SYN) ? 1 : 0)
		    + ((flags & TH_FIN) ? 1 : 0);

	    if (flags & TH_FIN) {
		tp->flags |= TF_SENTFIN;
	    }
	    if (SEQ_GT(end, tp->snd_nxt)) {
		tp->snd_nxt = end;
	    }
	    if (SEQ_GT(tp->snd_nxt, tp->snd_max)) {
		/* New data: time it if nothing is being timed (Karn). */
		if (tp->rtt_start < 0 && tp->rxtshift == 0) {
		    tp->rtt_start = tcp_now(h);
		    tp->rtt_seq = seq;
		}
		tp->snd_max = tp->snd_nxt;
	    }
	    if (end != seq && !tcp_timer_pending(tp, TT_REXMT)
		    && tp->snd_nxt != tp->snd_una) {
		tcp_timer_cancel(tp, TT_PERSIST);
		tcp_rexmt_arm(tp);
	    }
	    if (end == seq && h->tun.persist_on_ack
		    && PersistDue(tp, state, seq, data_end)) {
		/* Only an ACK or a window update went, and data waits:
		 * the timer starts all the same (tunable persist_on_ack). */
		tcp_persist_arm(tp);
	    }
	}
    }
    if (sendalot) {
	goto again;
    }
    if (tp->x->notsent_lowat || h->tun.skb_truesize) {
	tcp_writable_check(tp);
    }
}
