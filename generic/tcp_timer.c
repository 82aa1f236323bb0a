/*
 * tcp_timer.c --
 *
 *	A timer fires: retransmission (RFC 6298, Karn, exponential backoff),
 *	persist, keepalive, delayed ACK, FIN_WAIT_2 and 2MSL, and 4.4BSD's
 *	connection-establishment timer. Each timer is a request to the host
 *	(tcp_env.h) for a time on the host's tick grid (timer_tick); the host
 *	calls tcp_timer_expire() when it is due.
 */

#include "tcp.h"

const char *const tcp_timernames[TT_NTIMERS] = {
    "rexmt", "persist", "keepalive", "2msl", "delack", "connect"
};

/* 4.4BSD tcp_backoff[] (tcp_timer.c). */
static const int bsdBackoff[] = { 1, 2, 4, 8, 16, 32, 64, 64, 64, 64, 64,
	64, 64 };

/*
 * TickRound --
 *	When a timer of the given delay set now fires on a host whose clock
 *	ticks every tickms (4.4BSD's slow and fast timeouts, Linux jiffies).
 *	4.4BSD counts n = ceil(delay/tick) ticks, the next tick being the
 *	first, so a 6 s timer fires 5.5 to 6 s later (book fig. 18-7).
 *	The Linux timer wheel (timer_wheel) files an expiry of n jiffies ahead
 *	in a level whose buckets are 8^level jiffies wide and fires it at the
 *	next bucket boundary past it (calc_index()), never early.
 */

static tl_time
TickRound(
    const tl_host *h,
    tl_time delay,
    int tickms)
{
    tl_time now = tcp_now(h), g, n, j, expires, gran;
    int lvl;

    if (tickms <= 0) {
	return tl_time_add(now, delay);
    }
    g = (tl_time) tickms * TL_MS;
    n = tl_time_add(delay, g - 1) / g;
    /* j: the tick counter now (like jiffies, it did not start at zero:
     * tick k falls at k*g - tick_phase). */
    j = tl_time_add(now, h->tick_phase) / g;
    if (!h->tun.timer_wheel) {
	return tl_tick_time(tl_time_add(j, n < 1 ? 1 : n), g, h->tick_phase);
    }
    expires = j + n;
    /* Level starts: 63, 504, 4032, 32256, ... jiffies (LVL_START()). */
    for (lvl = 0; lvl < 8 && n >= (tl_time) 63 << (3 * lvl); lvl++) {
    }
    gran = (tl_time) 1 << (3 * lvl);
    return tl_tick_time(tl_time_mul((expires / gran) + 1, gran), g, h->tick_phase);
}

typedef void TimerFn(tl_tcb *tp);
static TimerFn RexmtTimer, PersistTimer, KeepTimer, MslTimer, DelackTimer,
	ConnTimer;

void
tcp_timer_init(
    tl_tcb *tp)
{
    int i;

    for (i = 0; i < TT_NTIMERS; i++) {
	tp->timer_at[i] = TL_NEVER;
    }
}

/*
 * tcp_timer_expire --
 *	The host calls this when a timer TCP asked for is due (or the turn
 *	of a built-in application, TCP_ENV_APP, or the TCP_CORK ceiling,
 *	TCP_ENV_CORK).
 */

void
tcp_timer_expire(
    tl_tcb *tp,
    int which)
{
    static TimerFn *const fns[TT_NTIMERS] = {
	RexmtTimer, PersistTimer, KeepTimer, MslTimer, DelackTimer, ConnTimer
    };
    tl_host *h = tp->host;
    uint64_t freed = h->tcbs_freed;

    if (which == TCP_ENV_APP) {
	tcp_app_run(tp);
    } else if (which == TCP_ENV_CORK) {
	tcp_cork_run(tp);
    } else {
	tp->timer_at[which] = TL_NEVER;
	tcp_cc_event(tp);
	fns[which](tp);
    }
    if (h->tcbs_freed == freed) {
	tcp_x_trim(tp);		/* (tp is still there.) */
    }
}

static void
TimerSetTick(
    tl_tcb *tp,
    tl_timerid t,
    tl_time delay,
    int tickms)
{
    tl_host *h = tp->host;
    tl_time when = TL_MIN(TickRound(h, delay, tickms), TL_END);

    if (tp->timer_at[t] == when) {
	/* Already set for then (sk_reset_timer() to the same expiry). */
	return;
    }
    tp->timer_at[t] = when;
    h->tcp.ops->timer(h->tcp.ctx, tp, t, when);
    tcp_event(h, tp, EV_TIMER_SET, t, 0, when - tcp_now(h), 0, NULL);
}

void
tcp_timer_set(
    tl_tcb *tp,
    tl_timerid t,
    tl_time delay)
{
    TimerSetTick(tp, t, delay, t == TT_DELACK
	    ? tp->host->tun.delack_tick : tp->host->tun.timer_tick);
}

void
tcp_timer_cancel(
    tl_tcb *tp,
    tl_timerid t)
{
    if (tp->timer_at[t] != TL_NEVER) {
	tl_host *h = tp->host;

	tp->timer_at[t] = TL_NEVER;
	h->tcp.ops->timer(h->tcp.ctx, tp, t, TL_NEVER);
	tcp_event(h, tp, EV_TIMER_STOP, t, 0, 0, 0, NULL);
    }
}

void
tcp_timers_cancel_all(
    tl_tcb *tp)
{
    int i;

    for (i = 0; i < TT_NTIMERS; i++) {
	tcp_timer_cancel(tp, (tl_timerid) i);
    }
}

static tl_time
Clamp(
    const tl_tcb *tp,
    tl_time v)
{
    const tl_tunables *t = &tp->host->tun;
    tl_time lo = (tl_time) t->tcp_rto_min_us * TL_US, hi = tcp_ms(t->rto_max);

    return v < lo ? lo : v > hi ? hi : v;
}

/*
 * BaseRto --
 *	The RTO before backoff: the profile's base before any RTT sample;
 *	then RFC 6298 2.3, SRTT + max(G, 4 RTTVAR), or Linux's SRTT +
 *	max(4 RTTVAR, rto_min) in whole jiffies (tcp_set_rto()).
 */

static tl_time
BaseRto(
    const tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    tl_time g = (tl_time) t->timer_tick * TL_MS, v;

    if (!tp->have_rtt) {
	return tcp_ms(t->rto_base);
    }
    if (t->rtt_ticks && g > 0) {
	/* TCP_REXMTVAL(): (t_srtt >> 3) + t_rttvar, in ticks. */
	return (((tp->srtt * 8 / g) >> 3) + tp->rttvar * 4 / g) * g;
    }
    if (t->rto_min_in_var) {
	tl_time min = (tl_time) t->tcp_rto_min_us * TL_US;

	v = tp->srtt + (4 * tp->rttvar > min ? 4 * tp->rttvar : min);
	return g ? (v + g - 1) / g * g : v;
    }
    return tp->srtt + (4 * tp->rttvar > g ? 4 * tp->rttvar : g);
}

static tl_time
Backoff(
    const tl_tcb *tp,
    int shift)
{
    if (shift <= 0) {
	return 1;
    }
    if (tp->host->tun.rto_backoff == BACKOFF_BSD) {
	return bsdBackoff[shift > 12 ? 12 : shift];
    }
    return (tl_time) 1 << (shift > 30 ? 30 : shift);
}

/*
 * tcp_rtt_sample --
 *	Updates srtt and rttvar from a measurement (RFC 6298 2.2-2.3, alpha
 *	1/8, beta 1/4) and recomputes the RTO.
 */

/*
 * BsdXmitTimer --
 *	4.4BSD tcp_xmit_timer(): the sample is t_rtt, 1 when the segment
 *	left plus the slow-timer ticks since; t_srtt is kept x 8 and
 *	t_rttvar x 4, in ticks (TCP_RTT_SHIFT 3, TCP_RTTVAR_SHIFT 2).
 *	Stored here as times: srtt = t_srtt/8 ticks, rttvar = t_rttvar/4.
 */

static void
BsdXmitTimer(
    tl_tcb *tp,
    tl_time rtt)
{
    tl_host *h = tp->host;
    tl_time g = (tl_time) h->tun.timer_tick * TL_MS, now = tcp_now(h);
    tl_time ticks = 1 + (now + h->tick_phase) / g
	    - (now - rtt + h->tick_phase) / g;
    tl_time srtt8 = tp->have_rtt ? tp->srtt * 8 / g : 0;
    tl_time var4 = tp->have_rtt ? tp->rttvar * 4 / g : 0;

    if (srtt8 != 0) {
	tl_time delta = ticks - 1 - (srtt8 >> 3);

	if ((srtt8 += delta) <= 0) {
	    srtt8 = 1;
	}
	if (delta < 0) {
	    delta = -delta;
	}
	delta -= var4 >> 2;
	if ((var4 += delta) <= 0) {
	    var4 = 1;
	}
    } else {
	/* "Set the variance to half the rtt (so our first retransmit
	 * happens at 3*rtt)". */
	srtt8 = ticks << 3;
	var4 = ticks << 1;
    }
    tp->srtt = srtt8 * g / 8;
    tp->rttvar = var4 * g / 4;
    tp->have_rtt = 1;
    tp->rxtshift = 0;
    tp->rto = Clamp(tp, BaseRto(tp));
    tcp_event(h, tp, EV_RTT, 0, 0, rtt, tp->rto, NULL);
}

void
tcp_rtt_sample(
    tl_tcb *tp,
    tl_time rtt)
{
    if (tp->host->tun.rtt_ticks && tp->host->tun.timer_tick > 0) {
	BsdXmitTimer(tp, rtt < 0 ? 0 : rtt);
	return;
    }
    if (rtt <= 0) {
	rtt = 1;
    }
    if (!tp->have_rtt) {
	tp->srtt = rtt;
	tp->rttvar = rtt / 2;
	tp->have_rtt = 1;
    } else {
	tl_time d = tp->srtt - rtt;

	if (d < 0) {
	    d = -d;
	}
	tp->rttvar += (d - tp->rttvar) / 4;
	tp->srtt += (rtt - tp->srtt) / 8;
    }
    if (tp->min_rtt == 0 || rtt < tp->min_rtt) {
	tp->min_rtt = rtt;
    }
    tp->rxtshift = 0;
    tp->rto = Clamp(tp, BaseRto(tp));
    tcp_event(tp->host, tp, EV_RTT, 0, 0, rtt, tp->rto, NULL);
}

/*
 * UserTimeoutClamp --
 *	With TCP_USER_TIMEOUT, once retransmitting, the timer never runs past
 *	the user's limit (Linux tcp_clamp_rto_to_user_timeout()).
 */

static tl_time
UserTimeoutClamp(
    const tl_tcb *tp,
    tl_time rto)
{
    tl_time left;

    if (tp->x->user_timeout == 0 || tp->rxtshift == 0
	    || !TCPS_HAVEESTABLISHED(tp->state)) {
	return rto;
    }
    left = tp->ut_start + (tl_time) tp->x->user_timeout * TL_MS
	    - tcp_now(tp->host);
    return left <= 0 ? TL_MS : left < rto ? left : rto;
}

/* Arms the retransmission timer with the current RTO. */
void
tcp_rexmt_arm(
    tl_tcb *tp)
{
    tl_time pto;

    if (tp->rxtshift == 0 && !(tp->flags & TF_TLP_DONE)) {
	tp->ut_start = tcp_now(tp->host);	/* TCP_USER_TIMEOUT */
    }
    tp->flags &= ~(TF_TLP_ARMED | TF_REO_ARMED);
    if (tp->host->tun.tlp && tp->rxtshift == 0 && tp->have_rtt
	    && (tp->flags & TF_SACK_PERMIT)
	    && !(tp->flags & (TF_TLP_DONE | TF_INRECOVERY))
	    && TCPS_HAVEESTABLISHED(tp->state)) {
	/* Linux 6.18 tcp_schedule_loss_probe(), on a connection with SACK
	 * (tcp_is_sack()): PTO = 2 SRTT, plus tcp_rto_min_us() (200 ms,
	 * the peer's worst delayed ACK) with one segment in flight, plus
	 * TCP_TIMEOUT_MIN_US (2 ms) with more (older kernels added
	 * TCP_TIMEOUT_MIN, 2 jiffies); never after the RTO would fire: the
	 * probe then goes at that time instead of the RTO (RFC 8985 7.2 has
	 * max(2 SRTT, 1.5 SRTT + WCDelAckT) for one segment and the same
	 * min with the RTO). */
	pto = 2 * tp->srtt;
	if (tp->snd_max - tp->snd_una <= tp->mss + 1u) {
	    pto += (tl_time) tp->host->tun.tcp_rto_min_us * TL_US;
	} else {
	    pto += 2 * TL_MS;
	}
	tp->flags |= TF_TLP_ARMED;
	tcp_timer_set(tp, TT_REXMT, pto < tp->rto ? pto : tp->rto);
	return;
    }
    tcp_timer_set(tp, TT_REXMT, UserTimeoutClamp(tp, tp->rto));
}

/* The loss probe fires: a segment of new data if the peer's window takes
 * it, whatever cwnd says (RFC 8985 7.3; Linux tcp_send_loss_probe():
 * tcp_write_xmit() with push_one 2), else the last segment again; then
 * wait an RTO. */
static void
LossProbe(
    tl_tcb *tp)
{
    uint32_t nxt = tp->snd_nxt, back = (tp->flags & TF_SENTFIN) ? 1 : 0;
    uint32_t data = tp->snd_max - back - tp->snd_una;
    uint32_t data_end = tp->snd_buf_seq + tp->sndbuf.len;
    uint32_t len = SEQ_GT(data_end, tp->snd_max) && !back
	    ? TL_MIN(data_end - tp->snd_max, (uint32_t) tp->mss) : 0;

    tp->flags = (tp->flags & ~TF_TLP_ARMED) | TF_TLP_DONE;
    if (len && SEQ_LEQ(tp->snd_max + len, tp->snd_una + tp->snd_wnd)) {
	tcp_output_range(tp, tp->snd_max, len, NULL, 0);
	tcp_timer_set(tp, TT_REXMT, tp->rto);
	return;
    }
    if ((tp->flags & TF_WANTFIN) && !back && tp->snd_max == data_end
	    && tp->x->pend == NULL && tp->host->tun.fin_cwnd) {
	/* A FIN that cwnd held back (tunable fin_cwnd) is the new data. */
	tp->flags |= TF_FORCE;
	tcp_output(tp);
	tp->flags &= ~TF_FORCE;
	tcp_timer_set(tp, TT_REXMT, tp->rto);
	return;
    }
    tp->snd_nxt = tp->snd_max - back - TL_MIN(data, (uint32_t) tp->mss);
    tp->rtt_start = -1;
    tcp_output(tp);
    if (SEQ_GT(nxt, tp->snd_nxt)) {
	tp->snd_nxt = nxt;
    }
    tcp_timer_set(tp, TT_REXMT, tp->rto);
}

/*
 * Linux retransmits_timed_out(): the time that `boundary` doubling
 * retransmissions from rto_base would take (tcp_model_timeout()).
 */

static tl_time
ModelTimeout(
    const tl_tcb *tp,
    int boundary,
    tl_time base)
{
    tl_time max = tcp_ms(tp->host->tun.rto_max), t = 0, rto = base;
    int i;

    for (i = 0; i <= boundary; i++) {
	t += rto;
	rto = rto * 2 > max ? max : rto * 2;
    }
    return t - base;
}

static int
RetryLimit(
    const tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;

    switch (tp->state) {
    case TCPS_SYN_SENT:
	/* TCP_SYNCNT, else the tunable (tcp_write_timeout()). */
	return (tp->x->syn_retries ? tp->x->syn_retries : t->tcp_syn_retries)
		+ t->tcp_syn_linear_timeouts;
    case TCPS_SYN_RECEIVED:
	if ((tp->flags & TF_DEFER_ACKED) && tp->x->listener
		&& tp->x->listener->opts.defer_accept
		> t->tcp_synack_retries) {
	    /* Linux syn_ack_recalc(): an acknowledged connection waiting
	     * for data lives to the end of the TCP_DEFER_ACCEPT period. */
	    return tp->x->listener->opts.defer_accept;
	}
	if (tp->x->listener && !tp->x->onq && t->syn_queue == SYNQ_LINUX) {
	    /* Linux reqsk_timer_handler(): when the requests are more than
	     * half of max(8, backlog), half of the room is kept for young
	     * ones (whose SYN-ACK timer has not fired): while the requests
	     * are at least twice, four times, ... the young ones, the old
	     * ones get one retry less each time, down to 2. */
	    const tl_listener *l = tp->x->listener;
	    int max = t->tcp_synack_retries, young = l->young << 1;

	    if ((l->q0len << 1) > (l->backlog > 8 ? l->backlog : 8)) {
		while (max > 2 && l->q0len >= young) {
		    max--;
		    young <<= 1;
		}
	    }
	    return max;
	}
	return t->tcp_synack_retries;
    default:
	if (tp->flags & TF_CLOSED) {
	    /* Linux tcp_orphan_retries(): 0 means 8; the tunable
	     * orphan_retries_default says what it means here. */
	    return t->tcp_orphan_retries ? t->tcp_orphan_retries
		    : t->orphan_retries_default;
	}
	return t->tcp_retries2;
    }
}

/* Retries exhausted: ETIMEDOUT, with a RST where the profile sends one. */
static void
GiveUp(
    tl_tcb *tp)
{
    tp->host->stats.tcp_timeouts++;
    tp->so_error = ETIMEDOUT;
    if (tp->host->tun.rst_on_timeout) {
	tcp_drop(tp, ETIMEDOUT);
    } else {
	tcp_close(tp);
    }
}

/*
 * tcp_mtu_probing --
 *	Black-hole detection (Linux tcp_timer.c tcp_mtu_probing(), RFC 4821
 *	7.8): with tcp_mtu_probing 1 or 2, the first time the search starts
 *	(the MSS falls to tcp_base_mss's), later each time search_low falls
 *	to the MTU of half its MSS, no more than tcp_base_mss and no less
 *	than tcp_mtu_probe_floor or 48; the MSS follows (tcp_sync_mss()).
 */

void
tcp_mtu_probing(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    tl_mtup *m;
    int mss;

    if (!t->tcp_mtu_probing) {
	return;
    }
    if (tp->mtup == NULL) {
	tcp_route_changed(tp);	/* The state, as tcp_mtup_init() made it. */
	if (tp->mtup == NULL) {
	    return;
	}
	tp->mtup->stale = 0;
    }
    m = tp->mtup;
    if (!m->enabled) {
	m->enabled = 1;
	m->probe_timestamp = tcp_now(tp->host);
	tcp_event(tp->host, tp, EV_NOTE, 0, 0, 0, 0,
		"black hole suspected: MTU probing on (tcp_mtu_probing)");
    } else {
	mss = tcp_mtu_to_mss(tp, m->search_low) >> 1;
	mss = TL_MIN(t->tcp_base_mss, mss);
	mss = TL_MAX(mss, t->tcp_mtu_probe_floor);
	mss = TL_MAX(mss, 48);
	m->search_low = (uint16_t) tcp_mss_to_mtu(tp, (uint32_t) mss);
	tcp_event(tp->host, tp, EV_NOTE, 0, 0, 0, 0,
		"black hole suspected: search_low lowered (tcp_mtu_probing)");
    }
    tcp_sync_mss(tp, m->pmtu_cookie);
}

static void
RexmtTimer(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    int limit = RetryLimit(tp), shift, expired;
    tl_time base, rto0;
    uint64_t refused;

    tcp_event(tp->host, tp, EV_TIMER_FIRE, TT_REXMT, 0, 0, 0, NULL);
    if (tp->flags & TF_TLP_ARMED) {
	LossProbe(tp);
	return;
    }
    if (tp->flags & TF_REO_ARMED) {
	tcp_rack_timeout(tp);
	return;
    }
    if (tp->rxtshift == 0 && tp->x->rexmt_unsent) {
	tcp_xw(tp)->rexmt_unsent = 0;	/* A new episode. */
    }
    tp->rxtshift++;
    if (tp->rxtshift == 1 && tp->state == TCPS_SYN_RECEIVED && tp->x->listener
	    && !tp->x->onq) {
	tp->x->listener->young--;	/* Linux: num_timeout 0 -> 1. */
    }
    if (t->retries_by_time && TCPS_HAVEESTABLISHED(tp->state)) {
	tl_time base = (tl_time) t->tcp_rto_min_us * TL_US;

	if (tp->rexmt_first == 0) {
	    tp->rexmt_first = tcp_now(tp->host);
	}
	expired = tcp_now(tp->host) - tp->rexmt_first
		>= ModelTimeout(tp, limit, base);
    } else {
	expired = tp->rxtshift > limit;
	if (t->retries_by_time && tp->state == TCPS_SYN_SENT
		&& tp->x->syn_retries && !expired) {
	    /* Linux tcp_write_timeout(): also when the time since the first
	     * SYN reaches what TCP_SYNCNT's retries would take with
	     * doubling from the initial RTO (retransmits_timed_out()). */
	    tl_time base = tcp_ms(t->rto_initial);

	    expired = tp->rxtshift > 1 && tcp_now(tp->host) - tp->x->syn_time
		    >= ModelTimeout(tp, tp->x->syn_retries, base) + base;
	}
    }
    if (tp->x->user_timeout && TCPS_HAVEESTABLISHED(tp->state)) {
	/* TCP_USER_TIMEOUT: data unacknowledged that long gives up (RFC
	 * 5482; Linux retransmits_timed_out() counts from the first
	 * transmission of the oldest unacknowledged segment: here from when
	 * the timer was last armed before any retransmission). */
	expired = tp->rxtshift > 1 && tcp_now(tp->host) - tp->ut_start
		>= (tl_time) tp->x->user_timeout * TL_MS;
    }
    if (expired) {
	GiveUp(tp);
	return;
    }
    if (tp->rexmt_first == 0) {
	tp->rexmt_first = tcp_now(tp->host);
    }
    if (tp->rxtshift == t->tcp_retries1) {
	tcp_event(tp->host, tp, EV_NOTE, 0, 0, 0, 0,
		"R1 reached: negative advice to IP (RFC 1122 4.2.3.5)");
    }
    if (t->tcp_mtu_probing && TCPS_HAVEESTABLISHED(tp->state)
	    && (t->retries_by_time
		? tcp_now(tp->host) - tp->rexmt_first >= ModelTimeout(tp,
		    t->tcp_retries1, (tl_time) t->tcp_rto_min_us * TL_US)
		: tp->rxtshift >= t->tcp_retries1)) {
	/* Linux tcp_write_timeout(): past tcp_retries1, each timeout is a
	 * black hole suspected (retransmits_timed_out()). */
	tcp_mtu_probing(tp);
    }
    /* Linux 6.18 tcp_retransmit_timer(): the first tcp_syn_linear_timeouts
     * SYN retransmissions keep the initial RTO (trace 02). */
    shift = tp->rxtshift - tp->x->rexmt_unsent;
    if (tp->state == TCPS_SYN_SENT) {
	shift -= t->tcp_syn_linear_timeouts;
    }
    base = BaseRto(tp);
    if (t->rto_backoff_after_min) {
	base = Clamp(tp, base);
    }
    rto0 = tp->rto;
    tp->rto = Clamp(tp, base * Backoff(tp, shift));
    if (t->rtt_ticks && t->timer_tick > 0 && tp->have_rtt
	    && tp->rxtshift > 12 / 4) {
	/* 4.4BSD tcp_timers(): after TCP_MAXRXTSHIFT / 4 timeouts "t_rttvar
	 * += (t_srtt >> TCP_RTT_SHIFT); t_srtt = 0": the next sample starts
	 * afresh (TCP_REXMTVAL is unchanged by it). */
	tl_time g = (tl_time) t->timer_tick * TL_MS;

	tp->rttvar += (tp->srtt * 8 / g >> 3) * g / 4;
	tp->srtt = 0;
    }
    if ((tp->flags & TF_DEFER_ACKED) && tp->state == TCPS_SYN_RECEIVED
	    && tp->x->listener
	    && tp->rxtshift < tp->x->listener->opts.defer_accept - 1) {
	/* Linux syn_ack_recalc(): no SYN-ACK while the peer has acknowledged
	 * and data is awaited, until the TCP_DEFER_ACCEPT period's last
	 * retransmission gives it a last chance. */
	tcp_rexmt_arm(tp);
	return;
    }
    /* Karn: no RTT sample from a retransmitted segment. */
    tp->rtt_start = -1;
    /* RFC 5681 3.1 (equation 4) and 4.4BSD: after a timeout, slow start
     * from one segment. */
    tcp_cc_timeout(tp);
    /* RFC 6675 5.1: after a timeout the scoreboard is not trusted. */
    tp->nsackblk = 0;
    tp->high_rxt = tp->snd_una;
    tp->snd_nxt = tp->snd_una;
    refused = tp->host->stats.tcp_unsent;
    tcp_output(tp);
    if (tp->host->stats.tcp_unsent != refused && t->resource_probe_interval
	    && tp->snd_nxt == tp->snd_una && tp->state != TCPS_CLOSED) {
	/* The device's queue refused the retransmission: Linux
	 * tcp_retransmit_timer() counts the timeout (icsk_retransmits) but
	 * does not back off, and tries again after
	 * TCP_RESOURCE_PROBE_INTERVAL. */
	tp->rto = rto0;
	tcp_xw(tp)->rexmt_unsent++;
	tcp_timer_set(tp, TT_REXMT,
		(tl_time) t->resource_probe_interval * TL_MS);
    }
}

/* Arms the persist timer (RFC 9293 3.8.6.1; 4.4BSD tcp_setpersist()). */
static void
SetPersist(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    tl_time v = BaseRto(tp) * Backoff(tp, tp->persist_shift);
    tl_time lo = tcp_ms(t->persist_min), hi = tcp_ms(t->persist_max);

    v = v < lo ? lo : v > hi ? hi : v;
    tcp_timer_set(tp, TT_PERSIST, v);
    if (tp->persist_shift < 12) {
	tp->persist_shift++;
    }
}

void
tcp_persist_arm(
    tl_tcb *tp)
{
    if (!tcp_timer_pending(tp, TT_PERSIST)) {
	tp->persist_shift = 0;
	SetPersist(tp);
    }
}

/*
 * ProbeClamp --
 *	Linux tcp_clamp_probe0_to_user_timeout(): with TCP_USER_TIMEOUT, the
 *	next probe no later than the user's limit from when probing began,
 *	and no sooner than TCP_TIMEOUT_MIN (2 jiffies).
 */

static tl_time
ProbeClamp(
    const tl_tcb *tp,
    tl_time when)
{
    tl_time left;

    if (tp->x->user_timeout == 0 || tp->x->probes_tstamp == 0) {
	return when;
    }
    left = tp->x->probes_tstamp + (tl_time) tp->x->user_timeout * TL_MS
	    - tcp_now(tp->host);
    if (left < 2 * TL_MS) {
	left = 2 * TL_MS;
    }
    return left < when ? left : when;
}

/*
 * ResourceProbe --
 *	The persist timer of a connection whose data waits with the peer's
 *	window open and nothing in flight: the device's queue refused it
 *	(tunable resource_probe_interval), or the window is too small for a
 *	segment (Linux tcp_probe_timer() -> tcp_send_probe0() ->
 *	tcp_write_wakeup(), which sends what the window takes).
 *	TCP_USER_TIMEOUT past since probing began, or tcp_retries2 probes,
 *	gives up; else the data goes: sent, the retransmission timer runs and
 *	probing is over; not sent, the probe counts (icsk_probes_out,
 *	tcpi_probes) and the next one is resource_probe_interval later
 *	without backing off when the queue refused it, else backed off.
 */

static void
ResourceProbe(
    tl_tcb *tp)
{
    tl_host *h = tp->host;
    tl_time now = tcp_now(h);
    uint64_t refused = h->stats.tcp_unsent;

    if (!SEQ_GT(tp->snd_buf_seq + tp->sndbuf.len, tp->snd_max)
	    && !((tp->flags & TF_WANTFIN) && !(tp->flags & TF_SENTFIN))) {
	/* Nothing waits (tcp_probe_timer(): !tcp_send_head()). */
	tp->probes_out = 0;
	if (tp->x->probes_tstamp) {
	    tcp_xw(tp)->probes_tstamp = 0;
	}
	return;
    }
    if (tp->x->probes_tstamp == 0) {
	tcp_xw(tp)->probes_tstamp = now ? now : 1;
    } else if (tp->x->user_timeout && now - tp->x->probes_tstamp
	    >= (tl_time) tp->x->user_timeout * TL_MS) {
	GiveUp(tp);
	return;
    }
    if (tp->probes_out >= RetryLimit(tp)) {
	GiveUp(tp);
	return;
    }
    tcp_output_probe(tp);
    if (tp->snd_max != tp->snd_una || tp->state == TCPS_CLOSED) {
	tp->probes_out = 0;
	if (tp->x->probes_tstamp) {
	    tcp_xw(tp)->probes_tstamp = 0;
	}
	return;
    }
    tp->probes_out++;
    if (h->stats.tcp_unsent != refused) {
	tcp_timer_set(tp, TT_PERSIST, ProbeClamp(tp,
		(tl_time) h->tun.resource_probe_interval * TL_MS));
    } else {
	SetPersist(tp);
	if (tp->x->user_timeout) {
	    tcp_timer_set(tp, TT_PERSIST, ProbeClamp(tp,
		    tp->timer_at[TT_PERSIST] - tcp_now(tp->host)));
	}
    }
}

static void
PersistTimer(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;

    tcp_event(tp->host, tp, EV_TIMER_FIRE, TT_PERSIST, 0, 0, 0, NULL);
    if (t->resource_probe_interval && t->zwp_empty && tp->snd_wnd != 0
	    && tp->snd_max == tp->snd_una) {
	ResourceProbe(tp);
	return;
    }
    if (tp->host->tun.zwp_empty && tp->snd_wnd == 0) {
	/* Linux tcp_probe_timer(): after tcp_retries2 unanswered probes
	 * (tcp_orphan_retries once closed) the connection is given up. */
	if (tp->probes_out >= RetryLimit(tp)) {
	    GiveUp(tp);
	    return;
	}
	tp->probes_out++;
    }
    /* 4.4BSD tcp_timers(): the timer is set again before the probe, which
     * then goes without the retransmission timer (tcp_output()); data
     * sent into a small window the Linux way stops it again. */
    SetPersist(tp);
    tcp_output_probe(tp);
}

/* Keepalive settings: the socket's (TCP_KEEPIDLE ...) or the tunables. */
static tl_time
KeepIdle(
    const tl_tcb *tp)
{
    return (tl_time) (tp->x->keepidle ? tp->x->keepidle
	    : tp->host->tun.tcp_keepalive_time) * TL_SEC;
}

/* (Re)arms the keepalive timer from the last segment received. */
void
tcp_keep_arm(
    tl_tcb *tp)
{
    if (!(tp->flags & TF_KEEPALIVE) || !TCPS_HAVEESTABLISHED(tp->state)
	    || tp->state == TCPS_TIME_WAIT) {
	return;
    }
    if (tp->x->keep_probes) {
	tcp_xw(tp)->keep_probes = 0;
    }
    tcp_timer_set(tp, TT_KEEP,
	    KeepIdle(tp) - (tcp_now(tp->host) - tp->last_rcv));
}

/*
 * KeepTimer --
 *	RFC 1122 4.2.3.6: after tcp_keepalive_time idle, probe with
 *	SEG.SEQ = SND.NXT-1 (here snd_una - 1, as 4.4BSD and Linux do) every
 *	tcp_keepalive_intvl; after tcp_keepalive_probes unanswered, drop with
 *	ETIMEDOUT and a RST (Linux trace 09; 4.4BSD tcp_drop()).
 */

static void
KeepTimer(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;
    tl_time now = tcp_now(tp->host);
    tl_time idle = KeepIdle(tp);
    int probes = tp->x->keepcnt ? tp->x->keepcnt : t->tcp_keepalive_probes;
    int intvl = tp->x->keepintvl ? tp->x->keepintvl : t->tcp_keepalive_intvl;

    tcp_event(tp->host, tp, EV_TIMER_FIRE, TT_KEEP, 0, 0, 0, NULL);
    if (now - tp->last_rcv < idle && tp->x->keep_probes == 0) {
	tcp_timer_set(tp, TT_KEEP, idle - (now - tp->last_rcv));
	return;
    }
    if (tp->x->keep_probes >= probes) {
	tp->host->stats.tcp_timeouts++;
	tcp_drop(tp, ETIMEDOUT);
	return;
    }
    if (tcp_send_ctl(tp, tp->snd_una - 1, TH_ACK)) {
	/* "If keepalive was lost due to local congestion, try harder"
	 * (Linux tcp_keepalive_timer()): not counted, again after
	 * TCP_RESOURCE_PROBE_INTERVAL. */
	tcp_timer_set(tp, TT_KEEP,
		(tl_time) t->resource_probe_interval * TL_MS);
	return;
    }
    tcp_xw(tp)->keep_probes++;
    tcp_timer_set(tp, TT_KEEP, (tl_time) intvl * TL_SEC);
}

/* Arms the FIN_WAIT_2 timer after a full close (never after a half-close). */
void
tcp_finwait2_arm(
    tl_tcb *tp)
{
    int s = tp->host->tun.tcp_fin_timeout;

    if (tp->state == TCPS_FIN_WAIT_2 && (tp->flags & TF_CLOSED) && s > 0) {
	tcp_timer_set(tp, TT_2MSL, (tl_time) s * TL_SEC);
    }
}

void
tcp_enter_timewait(
    tl_tcb *tp)
{
    tcp_set_state(tp, TCPS_TIME_WAIT);
    tcp_timer_cancel(tp, TT_REXMT);
    tcp_timer_cancel(tp, TT_PERSIST);
    tcp_timer_cancel(tp, TT_KEEP);
    tcp_timer_cancel(tp, TT_CONN);
    tcp_timer_set(tp, TT_2MSL, 2 * tcp_ms(tp->host->tun.msl));
}

static void
MslTimer(
    tl_tcb *tp)
{
    const tl_tunables *t = &tp->host->tun;

    tcp_event(tp->host, tp, EV_TIMER_FIRE, TT_2MSL, 0, 0, 0, NULL);
    /* 4.4BSD: a FIN_WAIT_2 whose peer was heard from within tcp_maxidle
     * waits another tcp_keepintvl. */
    if (tp->state == TCPS_FIN_WAIT_2 && t->finwait2_idle_rearm > 0
	    && tcp_now(tp->host) - tp->last_rcv
	    <= (tl_time) t->tcp_fin_timeout * TL_SEC) {
	tcp_timer_set(tp, TT_2MSL, tcp_ms(t->finwait2_idle_rearm));
	return;
    }
    tcp_close(tp);
}

/*
 * tcp_delack_time --
 *	How long an ACK may wait. Linux's ato starts at 0 and becomes
 *	TCP_ATO_MIN (40 ms) with the first data (tcp_send_delayed_ack()), so
 *	a FIN that comes before any data is ACKed at the next tick (traces
 *	05, 06: 1-7 ms) and one after data 40 ms later (trace 12); the
 *	tunable delack_ato_zero decides it.
 */

tl_time
tcp_delack_time(
    const tl_tcb *tp)
{
    if (tp->host->tun.delack_ato_zero && !tp->got_data) {
	return 0;
    }
    return tcp_ms(tp->host->tun.delack_time);
}

/* Linux TCP_DELACK_MAX (HZ/5): no ACK waits longer (tcp_delack_max()). */
#define TCP_DELACK_MAX_MS	200

/*
 * The delayed-ACK clock in jiffies (tunable delack_ato): a jiffy is
 * delack_tick long (HZ 250: 4 ms; 1 ms when the tick is exact), and they
 * fall where TickRound's do. tcp_ack_jiffy: the jiffy of a time;
 * tcp_ack_jiffies: a duration in whole jiffies, rounded up
 * (usecs_to_jiffies()).
 */

static tl_time
AckJiffyLen(
    const tl_host *h)
{
    return tcp_ms(h->tun.delack_tick > 0 ? h->tun.delack_tick : 1);
}

uint32_t
tcp_ack_jiffy(
    const tl_host *h,
    tl_time t)
{
    return (uint32_t) (tl_time_add(t, h->tick_phase) / AckJiffyLen(h));
}

uint32_t
tcp_ack_jiffies(
    const tl_host *h,
    tl_time d)
{
    tl_time g = AckJiffyLen(h), n = tl_time_add(d, g - 1) / g;

    return n > 0xffff ? 0xffff : (uint32_t) n;
}

/* Linux TCP_ATO_MIN and TCP_DELACK_MIN (HZ/25): the delayed-ACK time, in
 * jiffies. */
uint32_t
tcp_ato_min(
    const tl_host *h)
{
    return tcp_ack_jiffies(h, tcp_ms(h->tun.delack_time));
}

/*
 * tcp_ato --
 *	The delayed-ACK time tcp_info reports (tcpi_ato): with delack_ato
 *	Linux's min(ato, TCP_DELACK_MAX), else the fixed time.
 */

tl_time
tcp_ato(
    const tl_tcb *tp)
{
    const tl_host *h = tp->host;

    if (!h->tun.delack_ato) {
	return tcp_delack_time(tp);
    }
    return (tl_time) TL_MIN(tp->ato,
	    tcp_ack_jiffies(h, tcp_ms(TCP_DELACK_MAX_MS))) * AckJiffyLen(h);
}

/*
 * tcp_delack_schedule --
 *	Data (or a FIN) is to be ACKed later. Without delack_ato a delayed
 *	ACK keeps its time and a new one waits delack_time. With it, as
 *	Linux's tcp_send_delayed_ack(): ato, bounded above TCP_DELACK_MIN by
 *	max(srtt, TCP_DELACK_MIN) and always by TCP_DELACK_MAX (200 ms); an
 *	ACK already waiting goes now when its time is within ato/4 of now,
 *	and otherwise the earlier time stands.
 */

void
tcp_delack_schedule(
    tl_tcb *tp)
{
    const tl_host *h = tp->host;
    uint32_t ato = tp->ato, dmin, now;

    if (!h->tun.delack_ato || (!tp->got_data && !h->tun.delack_ato_zero)) {
	if (!(tp->flags & TF_DELACK)) {
	    tp->flags |= TF_DELACK;
	    tcp_timer_set(tp, TT_DELACK, tcp_delack_time(tp));
	}
	return;
    }
    dmin = tcp_ato_min(h);
    if (ato > dmin && tp->have_rtt) {
	ato = TL_MIN(ato, TL_MAX(tcp_ack_jiffies(h, tp->srtt), dmin));
    }
    ato = TL_MIN(ato, tcp_ack_jiffies(h, tcp_ms(TCP_DELACK_MAX_MS)));
    now = tcp_ack_jiffy(h, tcp_now(h));
    if ((tp->flags & TF_DELACK) && tp->timer_at[TT_DELACK] != TL_NEVER) {
	if ((int32_t) (tp->delack_due - (now + (ato >> 2))) <= 0) {
	    tp->flags |= TF_ACKNOW;
	    return;
	}
	if ((int32_t) (now + ato - tp->delack_due) >= 0) {
	    return;
	}
    }
    tp->flags |= TF_DELACK;
    tp->delack_due = now + ato;
    tcp_timer_set(tp, TT_DELACK, (tl_time) ato * AckJiffyLen(h));
}

/*
 * tcp_delack_hold --
 *	The ACK waits the longest a delayed ACK may, TCP_DELACK_MAX, for
 *	data about to be sent to carry it (Linux
 *	inet_csk_reset_xmit_timer(ICSK_TIME_DACK, TCP_DELACK_MAX) in
 *	tcp_rcv_synsent_state_process()).
 */

void
tcp_delack_hold(
    tl_tcb *tp)
{
    const tl_host *h = tp->host;
    tl_time d = tcp_ms(TCP_DELACK_MAX_MS);

    tp->flags |= TF_DELACK;
    tp->delack_due = tcp_ack_jiffy(h, tcp_now(h)) + tcp_ack_jiffies(h, d);
    tcp_timer_set(tp, TT_DELACK, d);
}

/*
 * tcp_ack_sent --
 *	An ACK of pkts segments leaves. Linux 6.x tcp_event_ack_sent() ->
 *	tcp_dec_quickack_mode(): one quick ACK used up when data or a FIN
 *	came since the last ACK; 3.6 every such segment, by its segment count
 *	(tunable quickack_all_acks). The last one leaves quickack mode with
 *	ato back at TCP_ATO_MIN.
 */

void
tcp_ack_sent(
    tl_tcb *tp,
    uint32_t pkts)
{
    const tl_host *h = tp->host;

    if (!h->tun.quickack_all_acks) {
	pkts = tp->ack_sched ? 1 : 0;
    }
    tp->ack_sched = 0;
    tp->ack_pushed = 0;
    if (tp->quickacks) {
	if (pkts >= tp->quickacks) {
	    tp->quickacks = 0;
	    if (h->tun.delack_ato) {
		tp->ato = (uint16_t) tcp_ato_min(h);
	    }
	} else {
	    tp->quickacks -= (uint16_t) pkts;
	}
    }
}

/*
 * tcp_pingpong_on_send --
 *	Data is being sent: within ato of the last data received (both in
 *	jiffies), it is a reply and the connection enters pingpong mode
 *	(tunable pingpong_reply; Linux tcp_event_data_sent()).
 */

void
tcp_pingpong_on_send(
    tl_tcb *tp)
{
    const tl_host *h = tp->host;
    tl_time ato = tcp_delack_time(tp), now = tcp_now(h), since;

    if (!h->tun.pingpong_reply || (tp->flags & TF_PINGPONG)) {
	return;
    }
    if (h->tun.delack_ato) {
	/* (u32)(now - lrcvtime) < icsk_ack.ato, in jiffies (ato is 0
	 * until the first data or quickack mode). */
	if (tcp_ack_jiffy(h, now) - tcp_ack_jiffy(h, tp->lrcvtime) < tp->ato) {
	    tp->flags |= TF_PINGPONG;
	}
	return;
    }
    if (ato == 0) {
	return;
    }
    since = now - tp->lrcvtime;
    if (h->tun.timer_tick > 0) {
	tl_time g = (tl_time) h->tun.timer_tick * TL_MS;

	since = ((now + h->tick_phase) / g - (tp->lrcvtime + h->tick_phase)
		/ g) * g;
	ato = ato / g * g;
    }
    if (since < ato) {
	tp->flags |= TF_PINGPONG;
    }
}

static void
DelackTimer(
    tl_tcb *tp)
{

    const tl_host *h = tp->host;

    tcp_event(tp->host, tp, EV_TIMER_FIRE, TT_DELACK, 0, 0, 0, NULL);
    if (h->tun.delack_ato && tp->ack_sched) {
	/* Linux tcp_delack_timer_handler(): outside pingpong mode the
	 * delayed ACK missed, so ato doubles (at most the RTO); in it,
	 * ato goes back to TCP_ATO_MIN. */
	tp->ato = (uint16_t) ((tp->flags & TF_PINGPONG)
		? tcp_ato_min(h)
		: TL_MIN((uint32_t) tp->ato << 1,
			 tcp_ack_jiffies(h, tp->rto)));
    }
    if (tp->host->tun.pingpong_reply) {
	/* Linux tcp_delack_timer_handler(): the ACK missed its ride;
	 * leave pingpong mode. */
	tp->flags &= ~TF_PINGPONG;
    }
    tp->flags |= TF_ACKNOW;
    tcp_output(tp);
}

/* 4.4BSD TCPTV_KEEP_INIT: a connection not established in time is dropped. */
static void
ConnTimer(
    tl_tcb *tp)
{

    tcp_event(tp->host, tp, EV_TIMER_FIRE, TT_CONN, 0, 0, 0, NULL);
    if (!TCPS_HAVEESTABLISHED(tp->state)) {
	tp->host->stats.tcp_timeouts++;
	tcp_drop(tp, ETIMEDOUT);
    }
}
