/*
 * profile.h --
 *
 *	Tunables: every number and policy that differs between TCP
 *	implementations, readable and settable per host like a sysctl, and the
 *	named profiles that set them all at once (bsd44, linux, linux-3.6,
 *	rfc9293). Durations are stored in milliseconds unless the name says
 *	otherwise (tcp_rto_min_us).
 */

#ifndef TCPLAB_PROFILE_H
#define TCPLAB_PROFILE_H

#include "tlcore.h"

/* ISN generators. */
enum { ISN_BSD = 0, ISN_HASHED = 1 };
/* Retransmission backoff: BSD's table, or plain doubling. */
enum { BACKOFF_BSD = 0, BACKOFF_DOUBLE = 1 };
/* Listen-queue limit formulas. */
enum { BACKLOG_BSD = 0, BACKLOG_LINUX = 1, BACKLOG_PLAIN = 2 };
/* Half-open connections: limited by the listen-queue formula alone, or by
 * Linux 6.13+'s SYN queue (tcp_conn_request()). */
enum { SYNQ_NONE = 0, SYNQ_LINUX = 1 };
/* What a SYN does to a TIME_WAIT connection. */
/* An ACK for data never sent: a plain ACK, a rate-limited challenge ACK,
 * or nothing. */
enum { UNSENTACK_ACK = 0, UNSENTACK_CHALLENGE = 1, UNSENTACK_DROP = 2 };
enum { TWSYN_NONE = 0, TWSYN_BSD = 1, TWSYN_LINUX = 2, TWSYN_RFC1122 = 3 };
/* How cwnd restarts after an idle period (tunable slow_start_after_idle),
 * and where a connection asks (tcp_idle_restart()). */
enum { SSAI_NONE, SSAI_BSD, SSAI_RFC, SSAI_LINUX36, SSAI_LINUX };
enum { IDLE_AT_SEND, IDLE_AT_WRITE, IDLE_AT_WINDOW };

/* How SACK loss recovery begins and paces (tunable sack_recovery). */
enum { SACKREC_RFC6675, SACKREC_LINUX };

/* What buffer memory a received segment costs (tunable rcv_truesize):
 * its payload at the fixed rcv_scaling_ratio, or a Linux tun/TAP
 * driver's kmalloc'd frame. */
enum { RCVTS_RATIO, RCVTS_TUN };

/* ECN (tunable tcp_ecn, Linux net.ipv4.tcp_ecn). */
enum { TCPECN_OFF, TCPECN_ON, TCPECN_PASSIVE };

/* New data on duplicate ACKs (tunable limited_transmit). */
enum { LT_NONE, LT_RFC3042, LT_LINUX };

/* When an ACK may grow cwnd (tunable cwnd_validate). */
enum { CWV_ALWAYS = 0, CWV_LINUX36 = 1, CWV_LINUX = 2 };
/* Option layout on SYNs: 4.4BSD's, or Linux's tcp_options_write(). */
enum { OPTS_BSD = 0, OPTS_LINUX = 1 };

typedef struct tl_tunables {
    /* Linux names. */
    int tcp_syn_retries;
    int tcp_synack_retries;
    int tcp_retries1;
    int tcp_retries2;
    int tcp_orphan_retries;
    int tcp_fin_timeout;	/* Seconds. */
    int tcp_keepalive_time;	/* Seconds. */
    int tcp_keepalive_intvl;	/* Seconds. */
    int tcp_keepalive_probes;
    int tcp_rfc1337;
    int tcp_timestamps;
    int tcp_window_scaling;
    int tcp_sack;
    int tcp_syn_linear_timeouts;
    int tcp_challenge_ack_limit;	/* Per second, per host */
    int tcp_invalid_ratelimit;	/* ms between out-of-window ACKs */
    int unsent_ack;		/* UNSENTACK_* */
    int tcp_tw_reuse;		/* Reuse a TIME_WAIT 4-tuple to connect */
    int tcp_rto_min_us;
    /* tcplab's own. */
    int msl;			/* ms */
    int timer_tick;		/* ms; slow-timer granularity, 0 = exact */
    int delack_tick;		/* ms; fast-timer granularity, 0 = exact */
    int timer_wheel;		/* Linux timer-wheel rounding of expiries */
    int delack_time;		/* ms */
    int rto_initial;		/* ms; first RTO, before any RTT sample */
    int rto_base;		/* ms; RTO that backoff multiplies before a sample */
    int rto_max;		/* ms */
    int rto_backoff;		/* BACKOFF_* */
    int rtt_ticks;		/* 4.4BSD tick-counted RTT, tcp_xmit_timer() */
    int retries_by_time;	/* Give up by elapsed time, as Linux does. */
    int rst_on_timeout;		/* Send RST when retransmission gives up */
    int persist_min, persist_max;	/* ms */
    int conn_timeout;		/* ms; establishment timer, 0 = none */
    int finwait2_idle_rearm;	/* ms; BSD re-arms while the peer is alive */
    int isn_generator;		/* ISN_* */
    int isn_tick_incr;		/* BSD: added per 500 ms tick */
    int isn_conn_incr;		/* BSD: added per connection */
    int isn_clock_ns;		/* Hashed: one increment per this many ns */
    int mss_default;		/* When the peer sends no MSS option */
    int mss_nonlocal;		/* Announced to non-local destinations */
    int mss_round;		/* Round local MSS down to this, 0 = no */
    int backlog_formula;	/* BACKLOG_* */
    int syn_queue;		/* SYNQ_*: limits on half-open connections */
    int tcp_max_syn_backlog;	/* Linux: without syncookies, a quarter kept */
    int tcp_syncookies;		/* 0 never, 1 on SYN queue overflow, 2 always */
    int tcp_abort_on_overflow;	/* RST a handshake the accept queue refuses */
    int tcp_fastopen;		/* Linux TFO_* bits: 1 client, 4 no cookie */
    int tw_syn;			/* TWSYN_* */
    int tw_isn_incr;		/* New incarnation's ISN above rcv_nxt (BSD) or snd_nxt (Linux) */
    int quiet_time;		/* ms after a reboot before sending */
    int rcvbuf;			/* Receive buffer, bytes */
    int sndbuf;			/* Send buffer, bytes */
    int initial_cwnd;		/* Segments; 0 = RFC 5681 formula */
    int initial_ssthresh;	/* Bytes */
    int rst_on_close_unread;	/* RST instead of FIN (RFC 2525 2.17) */
    int challenge_ack;		/* RFC 5961 challenge ACKs */
    int closewait_rst_epipe;	/* RST in CLOSE_WAIT reports EPIPE */
    int synsent_quick_retry;	/* SYN again at once after RST for bad ACK */
    int rcv_wscale;		/* Window scale we announce */
    int option_layout;		/* OPTS_* */
    int rcv_win_mss_round;	/* Initial window: a multiple of the MSS */
    int rcv_win_roundup;	/* Scaled window rounded up, not down */
    int rcv_win_grow;		/* Linux tcp_grow_window() */
    int rcv_space_init;	/* Space the initial window comes from (0 = rcvbuf) */
    int rcv_scaling_ratio;	/* Payload per 256 bytes of buffer (Linux), 0 = off */
    int rcv_truesize;		/* Buffer a segment costs: RCVTS_* */
    int tcp_moderate_rcvbuf;	/* Receive-buffer autotuning (Linux) */
    int tcp_rmem_max;		/* Largest autotuned buffer, bytes (tcp_rmem[2]) */
    int rcv_grow_quickack;	/* A segment that grows the window is ACKed at once */
    int quickack;		/* Segments ACKed at once after the first data */
    int fin_delack;		/* The ACK of a FIN is delayed (Linux) */
    int pingpong_reply;		/* A quick reply delays later ACKs (Linux) */
    int ack_rcv_mss;		/* ACK past rcv_mss unACKed bytes (Linux) */
    int ack_rcv_wnd;		/* that ACK waits while the window shrinks */
    int ack_pushed_read;	/* A read that empties the queue ACKs (Linux) */
    int quickack_low_space;	/* Half the buffer full ends quick ACKs (Linux) */
    int rcv_win_unscaled_mss;	/* unscaled windows in whole rcv_mss */
    int rcv_wscale_buf;		/* SO_RCVBUF lowers the scale offered */
    int delack_ato_zero;	/* No delay for ACKs before data (Linux) */
    int delack_ato;		/* Delayed-ACK time from the gaps (Linux ato) */
    int quickack_all_acks;	/* Every ACK sent uses up quick ACKs (3.6) */
    int synack_ack_wait;	/* The SYN-ACK's ACK waits for queued data */
    int orphan_retries_default;	/* tcp_orphan_retries 0 means this */
    int tw_reuse_isn_incr;	/* TIME_WAIT reuse: ISN above snd_nxt */
    int tw_rst_exact;		/* TIME_WAIT ignores an inexact RST (Linux) */
    int nagle_minshall;		/* Nagle holds only behind a small segment */
    int rto_backoff_after_min;	/* Back off the clamped RTO (RFC 6298 5.5) */
    int rto_min_in_var;		/* RTO = SRTT + max(4 RTTVAR, rto_min) (Linux) */
    int rtt_from_send_time;	/* RTT samples from send times (Linux) */
    int rexmit_psh;		/* PSH on retransmissions as Linux */
    int tlp;			/* Tail loss probe before the first RTO */
    int dupsyn_restart;		/* A duplicate SYN restarts the SYN-ACK timer */
    int shutrd_discard;		/* shutdown(SHUT_RD) discards data (BSD) */
    int shutdown_connecting;	/* shutdown() in SYN_SENT disconnects (Linux) */
    int persist_on_ack;		/* A pure ACK sent still starts the persist timer */
    int seq_right_edge;		/* An empty segment at RCV.NXT+RCV.WND is acceptable */
    int win_update_double;	/* Window updates only when it doubles (Linux) */
    int zwp_empty;		/* Zero-window probes carry no data (Linux) */
    int resource_probe_interval;	/* ms; a refused segment is unsent */
    int tcp_congestion_control;	/* CC_* module (tcp.h) */
    int port_lo, port_hi;	/* Ephemeral range */
    int ttl;
    int cwnd_validate;		/* When an ACK may grow cwnd: CWV_* (tcp.h) */
    int gso_psh;		/* PSH ends every GSO packet of new data */
    int slow_start_after_idle;	/* cwnd after idle: SSAI_* */
    int limited_transmit;	/* New data on duplicate ACKs: LT_* */
    int acked_sacked;		/* cwnd grows by what was not SACKed before */
    int sack_recovery;		/* SACK recovery: SACKREC_* */
    int reno_recovery;		/* Recovery without SACK as Linux's */
    int fin_cwnd;		/* A FIN alone waits for cwnd room */
    int tcp_ecn;		/* ECN: TCPECN_* */
    int tcp_dsack;		/* The receiver sends D-SACKs (RFC 2883) */
    int spurious_undo;		/* Undo spurious reductions (Linux) */
    int tcp_frto;		/* F-RTO (RFC 5682) */
    int cksum_trust;		/* Skip checking sums a simulated host made */
    int tcp_min_tso_segs;	/* Fewest segments in a GSO packet */
    int tso_defer;		/* Hold back a small GSO packet (Linux
				 * tcp_tso_should_defer()) */
    int tcp_tso_win_divisor;	/* Part of the window that goes at once */
    int sndbuf_double;		/* SO_SNDBUF sets twice the value (Linux) */
    int sndbuf_expand;		/* The send buffer grows with cwnd (Linux) */
    int send_wait_connect;	/* Non-blocking send before the handshake: EAGAIN */
    int skb_truesize;		/* A write is charged as Linux's skbs: each
				 * skb's head costs this (0 = off) */
    int loopback_mtu;		/* MTU of the loopback (own addresses, 127/8) */
    int tcp_mtu_probing;	/* Packetization-layer PMTUD: MTUP_* (tcp.h) */
    int tcp_base_mss;		/* Its search starts here, bytes */
    int tcp_probe_threshold;	/* Search range below which it stops, bytes */
    int tcp_probe_interval;	/* Seconds before the search starts again */
    int tcp_mtu_probe_floor;	/* Smallest MSS a black hole lowers to */
} tl_tunables;

typedef struct tl_tunable_def {
    const char *name;
    size_t offset;
    int min, max;
    const char *help;
} tl_tunable_def;

extern const int tl_ntunables;
extern const char *const tl_profile_names[];

int		profile_load(tl_tunables *t, const char *name);
int		profile_value(const char *profile, int tunable, int *valuePtr);
int		tunable_find(const char *name);
const tl_tunable_def *tunable_def(int idx);
int		tunable_get(const tl_tunables *t, int idx);
void		tunable_set(tl_tunables *t, int idx, int value);
const char *const *tunable_names(int idx);
const char     *tunable_value_name(int idx, int value);
int		tunable_value_find(int idx, const char *name);

#endif /* TCPLAB_PROFILE_H */
