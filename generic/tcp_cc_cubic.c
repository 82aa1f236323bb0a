/*
 * tcp_cc_cubic.c --
 *
 *	CUBIC (RFC 9438) with HyStart, as Linux 6.18's tcp_cubic.c computes
 *	it, so that the window moves segment for segment as the kernel's: the
 *	window in segments, the cubic function in BICTCP_HZ units (2^-10 s),
 *	the cube root from a table and one Newton step, the kernel's module
 *	parameters at their defaults (fast_convergence 1, beta 717/1024,
 *	bic_scale 41, tcp_friendliness 1, initial_ssthresh 0, hystart 1,
 *	hystart_detect 3, hystart_low_window 16, hystart_ack_delta_us 2000).
 *
 *	Time as the kernel reads it: jiffies (tcp_jiffies32) for the epoch of
 *	the cubic function, taken as HZ = 1000 (CONFIG_HZ_1000) and starting,
 *	as the kernel's, 300 s before zero (INITIAL_JIFFIES), so a virtual
 *	clock at 0 is not the "no epoch" 0; microseconds (tcp_mstamp, 32
 *	bits) for delays and HyStart.
 *
 *	Loss detection and recovery are TCP's (tcp_cc.c); without SACK the
 *	duplicate ACKs and recovery ACKs are NewReno's. Whether an ACK may
 *	grow the window at all (tcp_is_cwnd_limited()) is TCP's too
 *	(tcp_cwnd_may_grow(), tunable cwnd_validate). A reduction undone
 *	(tcp_cc.c, tunable spurious_undo) takes CUBIC's undo_cwnd, which in
 *	6.18 is tcp_reno_undo_cwnd(): max(cwnd, prior_cwnd), its own state
 *	left as the loss made it. Not modelled: snd_cwnd_clamp.
 */

#include <string.h>
#include "tcp.h"

#define HZ			1000u	/* jiffies per second */
#define INITIAL_JIFFIES		((uint32_t) -300 * HZ)
#define BICTCP_BETA_SCALE	1024u
#define BICTCP_HZ		10	/* 2^10 units per second */
#define BETA			717u	/* / BICTCP_BETA_SCALE */
#define BIC_SCALE		41u	/* C = 41/1024 * 10 = 0.4 (RFC 9438) */
#define FAST_CONVERGENCE	1
#define TCP_FRIENDLINESS	1
#define HYSTART			1
#define HYSTART_ACK_TRAIN	0x1
#define HYSTART_DELAY		0x2
#define HYSTART_DETECT		(HYSTART_ACK_TRAIN | HYSTART_DELAY)
#define HYSTART_LOW_WINDOW	16u
#define HYSTART_ACK_DELTA_US	2000
#define HYSTART_MIN_SAMPLES	8
#define HYSTART_DELAY_MIN	4000u	/* us */
#define HYSTART_DELAY_MAX	16000u
#define GSO_MAX_SIZE		65536u	/* sk_gso_max_size of a device
					 * with (software) GSO */

/*
 * The scale factors cubictcp_register() computes for an RTT of 100 ms:
 * beta_scale = 8 (1024 + beta) / 3 / (1024 - beta) = 15 (the Reno
 * estimate's 3 (1 - beta) / (1 + beta) per RTT, inverted, times 8);
 * cube_rtt_scale = bic_scale x 10 = 410 (C / RTT x 1024, with t in 2^-10 s);
 * cube_factor = 2^40 / (bic_scale x 10), so K = cbrt(cube_factor x (Wmax -
 * cwnd)) is cbrt((Wmax - cwnd) / C) in 2^-10 s.
 */
#define BETA_SCALE	(8u * (BICTCP_BETA_SCALE + BETA) / 3u \
			    / (BICTCP_BETA_SCALE - BETA))
#define CUBE_RTT_SCALE	(BIC_SCALE * 10u)
#define CUBE_FACTOR	((1ull << (10 + 3 * BICTCP_HZ)) / (BIC_SCALE * 10u))

/* What Linux keeps in struct bictcp, and snd_cwnd_cnt. Windows in
 * segments, times in jiffies or microseconds as named. */
typedef struct {
    uint32_t cnt;		/* Segments acknowledged per cwnd + 1. */
    uint32_t last_max_cwnd;	/* Wmax. */
    uint32_t last_cwnd;		/* cwnd at the last update ... */
    uint32_t last_time;		/* ... and its jiffies. */
    uint32_t origin;		/* bic_origin_point. */
    uint32_t K;			/* In 2^-10 s. */
    uint32_t delay_min;		/* us. */
    uint32_t epoch_start;	/* jiffies; 0 = no epoch. */
    uint32_t ack_cnt;		/* Segments acknowledged in the epoch. */
    uint32_t tcp_cwnd;		/* The Reno estimate (RFC 9438 4.3). */
    uint32_t cwnd_cnt;		/* snd_cwnd_cnt of tcp_cong_avoid_ai(). */
    /* HyStart. */
    uint8_t sample_cnt, found, started;
    uint32_t round_start;	/* us */
    uint32_t end_seq;
    uint32_t last_ack;		/* us */
    uint32_t curr_rtt;		/* us, the round's minimum. */
} Cubic;

_Static_assert(sizeof(Cubic) <= sizeof(((tl_tcbx *) 0)->cc_priv),
	"CUBIC's state fits the module's room");

static inline Cubic *
CA(
    const tl_tcb *tp)
{
    /* The module's state lives in the TCB's cold part: taken when it is
     * first changed (the functions that keep the table's const promise
     * change only this). */
    return (Cubic *) (void *) tcp_xw((tl_tcb *) tp)->cc_priv;
}

static uint32_t
Jiffies(
    const tl_tcb *tp)
{
    return (uint32_t) (tcp_now(tp->host) / TL_MS) + INITIAL_JIFFIES;
}

static uint32_t
ClockUs(
    const tl_tcb *tp)
{
    return (uint32_t) (tcp_now(tp->host) / TL_US);
}

static uint32_t
Cwnd(
    const tl_tcb *tp)
{
    return tp->cwnd / tp->mss;
}

static int
InSlowStart(
    const tl_tcb *tp)
{
    return Cwnd(tp) < tp->ssthresh / tp->mss;
}

/* bictcp_reset(): everything but HyStart's round. */
static void
Reset(
    Cubic *ca)
{
    uint32_t cwnd_cnt = ca->cwnd_cnt;
    uint8_t sample_cnt = ca->sample_cnt, started = ca->started;
    uint32_t rs = ca->round_start, es = ca->end_seq, la = ca->last_ack,
	    cr = ca->curr_rtt;

    memset(ca, 0, sizeof(*ca));
    ca->cwnd_cnt = cwnd_cnt;
    ca->sample_cnt = sample_cnt;
    ca->started = started;
    ca->round_start = rs;
    ca->end_seq = es;
    ca->last_ack = la;
    ca->curr_rtt = cr;
}

/* bictcp_hystart_reset(): a new round of HyStart from snd_nxt. */
static void
HystartReset(
    tl_tcb *tp)
{
    Cubic *ca = CA(tp);

    ca->round_start = ca->last_ack = ClockUs(tp);
    ca->end_seq = tp->snd_nxt;
    ca->curr_rtt = ~0u;
    ca->sample_cnt = 0;
    ca->started = 1;
}

static void
Init(
    tl_tcb *tp)
{
    if (tp->x != &tcp_tcbx_idle) {
	memset(CA(tp), 0, sizeof(Cubic));
    }			/* (The idle cold part is zero already.) */
    /* The round starts with the first ACK: Linux's cubictcp_init() runs
     * when the connection is established, and its first round ends with
     * the first ACK of data. */
}

/* Highest set bit, 1-based (fls64()). */
static uint32_t
Fls64(
    uint64_t a)
{
    uint32_t n = 0;

    while (a) {
	n++;
	a >>= 1;
    }
    return n;
}

/*
 * CubeRoot --
 *	Linux cubic_root(): the cube root of a from a table of the cube roots
 *	of the top six bits' values (v[x] = cbrt(x << 18) - 1, as the kernel
 *	has it, adjusted there by hand), scaled to a's size, then one
 *	Newton-Raphson step x = (2x + a / x^2) / 3 with x(x - 1) for x^2 and
 *	x 341 / 1024 for / 3.
 */

static uint32_t
CubeRoot(
    uint64_t a)
{
    static const uint8_t v[64] = {
	0, 54, 54, 54, 118, 118, 118, 118,
	123, 129, 134, 138, 143, 147, 151, 156,
	157, 161, 164, 168, 170, 173, 176, 179,
	181, 185, 187, 190, 192, 194, 197, 199,
	200, 202, 204, 206, 209, 211, 213, 215,
	217, 219, 221, 222, 224, 225, 227, 229,
	231, 232, 234, 236, 237, 239, 240, 242,
	244, 245, 246, 248, 250, 251, 252, 254
    };
    uint32_t x, b = Fls64(a), shift;

    if (b < 7) {
	return ((uint32_t) v[a & 63] + 35) >> 6;	/* a < 64 */
    }
    b = ((b * 84) >> 8) - 1;
    shift = (uint32_t) (a >> (b * 3));
    x = ((uint32_t) (((uint32_t) v[shift] + 10) << b)) >> 6;
    x = 2 * x + (uint32_t) (a / ((uint64_t) x * (uint64_t) (x - 1)));
    return (x * 341) >> 10;
}

/*
 * Update --
 *	bictcp_update(): the number of segments to be acknowledged per one
 *	segment of growth (cnt), from the cubic function W(t) = C (t - K)^3
 *	+ Wmax (RFC 9438 4.2) taken one delay_min ahead, with K = cbrt(Wmax
 *	(1 - beta) / C) (4.2 equation 2, with cwnd for beta Wmax), no faster
 *	than 1.5x per RTT, and at least as fast as the Reno estimate (4.3).
 */

static void
Update(
    tl_tcb *tp,
    uint32_t cwnd,
    uint32_t acked)
{
    Cubic *ca = CA(tp);
    uint32_t now = Jiffies(tp), delta, target, max_cnt;
    uint64_t offs, t;

    ca->ack_cnt += acked;
    if (ca->last_cwnd == cwnd && (int32_t) (now - ca->last_time) <= (int32_t) (HZ / 32)) {
	return;
    }
    /* cnt is computed at most once a jiffy; a reduction ends the epoch
     * and forces it. */
    if (!(ca->epoch_start && now == ca->last_time)) {
	ca->last_cwnd = cwnd;
	ca->last_time = now;
	if (ca->epoch_start == 0) {
	    ca->epoch_start = now;
	    ca->ack_cnt = acked;
	    ca->tcp_cwnd = cwnd;
	    if (ca->last_max_cwnd <= cwnd) {
		ca->K = 0;
		ca->origin = cwnd;
	    } else {
		ca->K = CubeRoot(CUBE_FACTOR
			* (uint64_t) (ca->last_max_cwnd - cwnd));
		ca->origin = ca->last_max_cwnd;
	    }
	}
	/* t: the time since the epoch plus delay_min (usecs_to_jiffies(),
	 * rounding up), in 2^-10 s. */
	t = (uint64_t) (int64_t) (int32_t) (now - ca->epoch_start);
	t += (ca->delay_min + 1000000u / HZ - 1) / (1000000u / HZ);
	t = (t << BICTCP_HZ) / HZ;
	offs = t < ca->K ? ca->K - t : t - ca->K;
	delta = (uint32_t) ((CUBE_RTT_SCALE * offs * offs * offs)
		>> (10 + 3 * BICTCP_HZ));
	target = t < ca->K ? ca->origin - delta : ca->origin + delta;
	ca->cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;
	/* Before any loss, at least 5% per RTT. */
	if (ca->last_max_cwnd == 0 && ca->cnt > 20) {
	    ca->cnt = 20;
	}
    }
    if (TCP_FRIENDLINESS) {
	/* The Reno estimate grows a segment per cwnd x 8 / beta_scale
	 * segments acknowledged. */
	delta = (cwnd * BETA_SCALE) >> 3;
	while (ca->ack_cnt > delta) {
	    ca->ack_cnt -= delta;
	    ca->tcp_cwnd++;
	}
	if (ca->tcp_cwnd > cwnd) {
	    max_cnt = cwnd / (ca->tcp_cwnd - cwnd);
	    if (ca->cnt > max_cnt) {
		ca->cnt = max_cnt;
	    }
	}
    }
    if (ca->cnt < 2) {
	ca->cnt = 2;
    }
}

/*
 * CongAvoid --
 *	cubictcp_cong_avoid(): slow start up to ssthresh (tcp_slow_start(),
 *	one segment per segment acknowledged), what is left over to
 *	congestion avoidance, where tcp_cong_avoid_ai() adds one segment
 *	per cnt acknowledged.
 */

static void
CongAvoid(
    tl_tcb *tp,
    uint32_t bytes)
{
    Cubic *ca = CA(tp);
    uint32_t mss = tp->mss, cwnd = Cwnd(tp), old = tp->cwnd;
    uint32_t acked = (bytes + mss - 1) / mss, ssthresh = tp->ssthresh / mss;
    int ss = 0;

    if (cwnd < ssthresh) {
	uint32_t c = TL_MIN(cwnd + acked, ssthresh);

	acked -= c - cwnd;
	cwnd = c;
	ss = 1;
    }
    if (acked) {
	Update(tp, cwnd, acked);
	if (ca->cwnd_cnt >= ca->cnt) {
	    ca->cwnd_cnt = 0;
	    cwnd++;
	}
	ca->cwnd_cnt += acked;
	if (ca->cwnd_cnt >= ca->cnt) {
	    uint32_t d = ca->cwnd_cnt / ca->cnt;

	    ca->cwnd_cnt -= d * ca->cnt;
	    cwnd += d;
	}
	ss = 0;
    }
    tp->cwnd = cwnd * mss;
    if (tp->cwnd != old) {
	tcp_cc_report(tp, ss ? "slow start" : "congestion avoidance (CUBIC)");
    }
}

/*
 * Ssthresh --
 *	cubictcp_recalc_ssthresh(): the epoch ends; Wmax is cwnd, or with
 *	fast convergence (RFC 9438 4.7) (1 + beta) / 2 of it when cwnd did
 *	not reach the last Wmax; ssthresh = max(cwnd beta, 2) (4.6).
 *	ssthresh is a const operation of the table; the module's own state is
 *	not part of what it promises to leave alone.
 */

static uint32_t
Ssthresh(
    const tl_tcb *ctp)
{
    Cubic *ca = CA(ctp);
    uint32_t cwnd = Cwnd(ctp);

    ca->epoch_start = 0;
    ca->cwnd_cnt = 0;		/* tcp_init_cwnd_reduction(), tcp_enter_loss() */
    if (cwnd < ca->last_max_cwnd && FAST_CONVERGENCE) {
	ca->last_max_cwnd = cwnd * (BICTCP_BETA_SCALE + BETA)
		/ (2 * BICTCP_BETA_SCALE);
    } else {
	ca->last_max_cwnd = cwnd;
    }
    return TL_MAX(cwnd * BETA / BICTCP_BETA_SCALE, 2u) * ctp->mss;
}

/* cubictcp_state(): a timeout (Loss) forgets everything, HyStart starts
 * again. */
static void
SetState(
    tl_tcb *tp,
    int state)
{
    if (state == CA_LOSS) {
	Reset(CA(tp));
	HystartReset(tp);
    }
}

/*
 * CwndEvent --
 *	cubictcp_cwnd_event(): sending again after an idle period moves the
 *	epoch on by the time since the last send, so the window keeps to the
 *	curve it was on (RFC 9438 5.8).
 */

static void
CwndEvent(
    tl_tcb *tp,
    tl_cc_event ev)
{
    Cubic *ca = CA(tp);
    uint32_t now, last;
    int32_t delta;

    if (ev != CC_EV_TX_START) {
	return;
    }
    now = Jiffies(tp);
    last = (uint32_t) (tp->lsndtime / TL_MS) + INITIAL_JIFFIES;
    delta = (int32_t) (now - last);
    if (ca->epoch_start && delta > 0) {
	ca->epoch_start += (uint32_t) delta;
	if ((int32_t) (ca->epoch_start - now) > 0) {
	    ca->epoch_start = now;
	}
    }
}

/*
 * AckDelay --
 *	hystart_ack_delay(): the cushion for TSO/GRO, 4 GSO-sized packets at
 *	the pacing rate (tcp_pacing_rate()), at most 1 ms; none before an
 *	RTT sample.
 */

static uint32_t
AckDelay(
    const tl_tcb *tp)
{
    uint64_t rate = tcp_pacing_rate(tp);

    if (!tp->have_rtt || tp->srtt < TL_US) {
	return 0;
    }
    if (rate == 0) {
	return 1000;
    }
    return (uint32_t) TL_MIN(1000u, (uint64_t) GSO_MAX_SIZE * 4 * 1000000u
	    / rate);
}

/*
 * HystartUpdate --
 *	hystart_update(): a round lasts until what was sent at its start is
 *	acknowledged. Slow start ends (ssthresh = cwnd) when the ACKs of a
 *	round keep coming within hystart_ack_delta_us of each other for more
 *	than half of delay_min (+ AckDelay) since the round began (the ACK
 *	train), or when the round's smallest RTT over at least
 *	HYSTART_MIN_SAMPLES samples exceeds delay_min by clamp(delay_min / 8,
 *	4 ms, 16 ms) (the delay increase).
 */

static void
HystartUpdate(
    tl_tcb *tp,
    uint32_t snd_una,
    uint32_t delay)
{
    Cubic *ca = CA(tp);
    uint32_t threshold;

    if (!ca->started || SEQ_GT(snd_una, ca->end_seq)) {
	HystartReset(tp);
    }
    if (HYSTART_DETECT & HYSTART_ACK_TRAIN) {
	uint32_t now = ClockUs(tp);

	if ((int32_t) (now - ca->last_ack) <= HYSTART_ACK_DELTA_US) {
	    ca->last_ack = now;
	    /* Without pacing (no fq) half of it. */
	    threshold = (ca->delay_min + AckDelay(tp)) >> 1;
	    if ((int32_t) (now - ca->round_start) > (int32_t) threshold) {
		ca->found = 1;
		tp->ssthresh = tp->cwnd;
		tcp_cc_report(tp, "HyStart (ACK train)");
	    }
	}
    }
    if (HYSTART_DETECT & HYSTART_DELAY) {
	if (ca->curr_rtt > delay) {
	    ca->curr_rtt = delay;
	}
	if (ca->sample_cnt < HYSTART_MIN_SAMPLES) {
	    ca->sample_cnt++;
	} else if (ca->curr_rtt > ca->delay_min + TL_MAX(HYSTART_DELAY_MIN,
		TL_MIN(ca->delay_min >> 3, HYSTART_DELAY_MAX))) {
	    ca->found = 1;
	    tp->ssthresh = tp->cwnd;
	    tcp_cc_report(tp, "HyStart (delay)");
	}
    }
}

/*
 * PktsAcked --
 *	cubictcp_acked(): delay_min from every sample but those of the first
 *	second after a reduction; HyStart in slow start from 16 segments.
 */

static void
PktsAcked(
    tl_tcb *tp,
    uint32_t ack,
    uint32_t segs,
    tl_time rtt)
{
    Cubic *ca;
    uint32_t delay;

    (void) segs;
    if (rtt < 0) {
	return;
    }
    ca = CA(tp);
    if (ca->epoch_start
	    && (int32_t) (Jiffies(tp) - ca->epoch_start) < (int32_t) HZ) {
	return;
    }
    delay = (uint32_t) (rtt / TL_US);
    if (delay == 0) {
	delay = 1;
    }
    if (ca->delay_min == 0 || ca->delay_min > delay) {
	ca->delay_min = delay;
    }
    if (!ca->found && InSlowStart(tp) && HYSTART
	    && Cwnd(tp) >= HYSTART_LOW_WINDOW) {
	HystartUpdate(tp, ack, delay);
    }
}

/* Without SACK, duplicate and recovery ACKs as NewReno (RFC 6582). */
static void
DupAck(
    tl_tcb *tp)
{
    tcp_cc_newreno.dupack(tp);
}

static int
RecoveryAck(
    tl_tcb *tp,
    uint32_t ack,
    uint32_t acked)
{
    return tcp_cc_newreno.recovery_ack(tp, ack, acked);
}

const tl_cc_ops tcp_cc_cubic = {
    "cubic",
    Init,
    Ssthresh,
    CongAvoid,
    DupAck,
    RecoveryAck,
    CwndEvent,
    tcp_cc_reno_undo,
    SetState,
    PktsAcked
};
