/*
 * tcp_cc_reno.c --
 *
 *	Reno as 4.4BSD has it (tcp_input.c and tcp_timer.c of 4.4BSD-Lite;
 *	TCP/IP Illustrated Vol. 2, 29.4 and 25.11; RFC 5681 3.2): fast
 *	retransmit after three duplicate ACKs, fast recovery inflating the
 *	window by one segment per further duplicate, and recovery ends with
 *	the first ACK of new data, whether or not it covers everything that
 *	was outstanding.
 */

#include "tcp.h"

#define TCP_MAXWIN	65535u		/* 4.4BSD tcp.h */

/*
 * Ssthresh --
 *	4.4BSD, both on the third duplicate ACK and on a timeout: half the
 *	smaller of the peer's window and cwnd, in whole segments, at least
 *	two: win = min(snd_wnd, snd_cwnd) / 2 / t_maxseg.
 */

static uint32_t
Ssthresh(
    const tl_tcb *tp)
{
    uint32_t win = TL_MIN(tp->snd_wnd, tp->cwnd) / 2 / tp->mss;

    return (win < 2 ? 2 : win) * tp->mss;
}

/*
 * CongAvoid --
 *	4.4BSD opens the window on every ACK of new data: by t_maxseg while
 *	cwnd <= ssthresh, else by maxseg^2 / cwnd plus maxseg / 8, never past
 *	TCP_MAXWIN << snd_scale.
 */

static void
CongAvoid(
    tl_tcb *tp,
    uint32_t acked)
{
    uint32_t cw = tp->cwnd, incr = tp->mss, max = TCP_MAXWIN << tp->snd_wscale;
    int ss = cw <= tp->ssthresh;

    (void) acked;
    if (!ss) {
	incr = incr * incr / cw + incr / 8;
    }
    tp->cwnd = TL_MIN(cw + incr, max);
    tcp_cc_report(tp, ss ? "slow start" : "congestion avoidance (4.4BSD)");
}

/*
 * DupAck --
 *	4.4BSD: the third duplicate ACK retransmits and sets cwnd = ssthresh
 *	+ 3 segments; each later one adds a segment and lets tcp_output()
 *	send what the inflated window allows.
 */

static void
DupAck(
    tl_tcb *tp)
{
    if (++tp->dupacks == 3 && !(tp->flags & TF_INRECOVERY)) {
	tcp_cc_fast_retransmit(tp);
	tcp_cc_report(tp, "fast retransmit (4.4BSD)");
    } else if (tp->dupacks > 3 && (tp->flags & TF_INRECOVERY)) {
	tp->cwnd += tp->mss;
	tcp_cc_report(tp, "fast recovery (4.4BSD)");
	tcp_output(tp);
    }
}

/*
 * RecoveryAck --
 *	The first ACK of new data after a fast retransmit: 4.4BSD retracts a
 *	window inflated by more than the three duplicates to ssthresh ("if
 *	t_dupacks > tcprexmtthresh and snd_cwnd > snd_ssthresh"), then opens
 *	it as for any ACK. Recovery is over.
 */

static int
RecoveryAck(
    tl_tcb *tp,
    uint32_t ack,
    uint32_t acked)
{
    (void) ack;
    if (tp->dupacks > 3 && tp->cwnd > tp->ssthresh) {
	tp->cwnd = tp->ssthresh;
	tcp_cc_report(tp, "fast recovery ends (4.4BSD)");
    }
    CongAvoid(tp, acked);
    return 0;
}

const tl_cc_ops tcp_cc_reno = {
    "reno",
    NULL,
    Ssthresh,
    CongAvoid,
    DupAck,
    RecoveryAck,
    NULL,
    tcp_cc_reno_undo,
    NULL,
    NULL
};
