/*
 * tcp_cc_newreno.c --
 *
 *	NewReno (RFC 5681 slow start and congestion avoidance, RFC 6582 fast
 *	recovery with partial ACKs): the module of every profile but linux.
 */

#include "tcp.h"

/*
 * CongAvoid --
 *	RFC 5681 3.1: slow start while cwnd < ssthresh, one MSS per ACK; with
 *	segmentation offload, where one ACK covers many segments, what it
 *	acknowledges up to ssthresh (Linux tcp_slow_start() counts segments
 *	acknowledged). Then congestion avoidance: about one MSS per window
 *	acknowledged (equation 3).
 */

static void
CongAvoid(
    tl_tcb *tp,
    uint32_t acked)
{
    uint32_t mss = tp->mss;

    if (tp->cwnd < tp->ssthresh) {
	if (!tp->tso) {
	    tp->cwnd += TL_MIN(acked, mss);
	} else {
	    tp->cwnd = TL_MAX(tp->cwnd, TL_MIN(tp->cwnd + acked, tp->ssthresh));
	}
	tcp_cc_report(tp, "slow start");
    } else {
	tp->cwnd += TL_MAX(1u, (uint32_t) ((uint64_t) mss
		* (tp->tso ? acked : mss) / tp->cwnd));
	tcp_cc_report(tp, "congestion avoidance");
    }
}

/* RFC 5681 3.2 step 4: each further duplicate inflates cwnd by a segment. */
static void
DupAck(
    tl_tcb *tp)
{
    if (++tp->dupacks == 3 && !(tp->flags & TF_INRECOVERY)) {
	tcp_cc_fast_retransmit(tp);
	tcp_cc_report(tp, "fast retransmit");
    } else if (tp->dupacks > 3 && (tp->flags & TF_INRECOVERY)) {
	tp->cwnd += tp->mss;
	tcp_cc_report(tp, "recovery (duplicate ACK)");
	tcp_output(tp);
    }
}

/*
 * RecoveryAck --
 *	RFC 6582 3.2: a full ACK (at or above recover) ends fast recovery with
 *	cwnd = min(ssthresh, FlightSize + SMSS) (step 3, option 1 in the form
 *	of RFC 3782 3 step 5; RFC 6582 has max(FlightSize, SMSS) + SMSS); a
 *	partial ACK sends the first unacknowledged segment again at once and
 *	deflates the window (step 4), here from the one segment cwnd held for
 *	that send rather than from the inflated window.
 */

static int
RecoveryAck(
    tl_tcb *tp,
    uint32_t ack,
    uint32_t acked)
{
    uint32_t mss = tp->mss, nxt = tp->snd_nxt;

    if (SEQ_GEQ(ack, tp->recover)) {
	tp->cwnd = TL_MIN(tp->ssthresh, tp->snd_max - ack + mss);
	tcp_cc_report(tp, "recovery ends (full ACK)");
	return 0;
    }
    tp->snd_una = ack;
    tp->snd_nxt = ack;
    tp->cwnd = mss;
    tcp_output(tp);
    if (SEQ_GT(nxt, tp->snd_nxt)) {
	tp->snd_nxt = nxt;
    }
    tp->cwnd = (tp->cwnd > acked ? tp->cwnd - acked : 0) + mss
	    + (uint32_t) tp->dupacks * mss;
    tcp_cc_report(tp, "recovery (partial ACK)");
    return 1;
}

const tl_cc_ops tcp_cc_newreno = {
    "newreno",
    NULL,
    tcp_cc_halve_flight,
    CongAvoid,
    DupAck,
    RecoveryAck,
    NULL,
    NULL,
    NULL,
    NULL
};
