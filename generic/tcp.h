/*
 * tcp.h --
 *
 *	The TCP control block and the TCP entry points: the four kinds of event
 *	(a segment arrives: tcp_input.c; there is something to send:
 *	tcp_output.c; a timer fires: tcp_timer.c; the user asks: tcp_user.c),
 *	plus the shared helpers of tcp_subr.c. TCP reaches the world only
 *	through its host's tl_tcp_env (tcp_env.h). State names and numbering
 *	follow 4.4BSD (tcp_fsm.h) so that "synchronized" and "has received a
 *	FIN" are simple comparisons.
 */

#ifndef TCPLAB_TCP_H
#define TCPLAB_TCP_H

#include <errno.h>
#include "clock.h"
#include "host.h"
#include "ring.h"
#include "seq.h"

enum {
    TCPS_CLOSED, TCPS_LISTEN, TCPS_SYN_SENT, TCPS_SYN_RECEIVED,
    TCPS_ESTABLISHED, TCPS_CLOSE_WAIT, TCPS_FIN_WAIT_1, TCPS_CLOSING,
    TCPS_LAST_ACK, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT, TCPS_NSTATES
};

extern const char *const tcp_statenames[TCPS_NSTATES];

/* Segment sizes: the MSS assumed without the option (RFC 9293 3.7.1,
 * Linux TCP_MSS_DEFAULT) and the smallest Linux takes (TCP_MIN_MSS). */
#define TCP_MSS_DEFAULT	536
#define TCP_MIN_MSS	88

#define TCPS_HAVEESTABLISHED(s)	((s) >= TCPS_ESTABLISHED)
#define TCPS_HAVERCVDFIN(s) \
    ((s) == TCPS_CLOSE_WAIT || (s) == TCPS_CLOSING || (s) == TCPS_LAST_ACK \
	|| (s) == TCPS_TIME_WAIT)

/* Flags of a TCB. */
#define TF_ACKNOW	0x0001	/* Send an ACK now. */
#define TF_DELACK	0x0002	/* An ACK is being delayed. */
#define TF_NODELAY	0x0004	/* No Nagle. */
#define TF_SENTFIN	0x0008	/* Our FIN has been sent. */
#define TF_WANTFIN	0x0010	/* The user closed or shut down writing. */
#define TF_RCVD_FIN	0x0020	/* In-order FIN received: EOF. */
#define TF_SHUT_RD	0x0040	/* The user shut down reading. */
#define TF_CLOSED	0x0080	/* The user closed: no more reads. */
#define TF_KEEPALIVE	0x0100	/* SO_KEEPALIVE. */
#define TF_FROMLISTEN	0x0200	/* SYN_RCVD came from LISTEN. */
#define TF_INRECOVERY	0x0400	/* Fast recovery (RFC 6582). */
#define TF_ORPHAN	0x0800	/* No user handle left. */
#define TF_RST_ON_CLOSE	0x1000	/* Linger 0: close sends RST. */
#define TF_TWREC	0x2000		/* Rebuilt from a TIME_WAIT record for
					 * an event, not yet in host->tcbs
					 * (tcp_timewait.c). */
#define TF_FORCE	0x4000	/* Send one byte into a zero window. */
#define TF_REQ_SCALE	0x8000	/* We offered window scaling. */
#define TF_RCVD_SCALE	0x10000	/* The peer offered it too. */
#define TF_REQ_TSTMP	0x20000	/* We offered timestamps. */
#define TF_RCVD_TSTMP	0x40000	/* The peer did too. */
#define TF_REQ_SACK	0x80000	/* We offered SACK. */
#define TF_SACK_PERMIT	0x100000	/* Both did: SACK in use. */
#define TF_PINGPONG	0x200000	/* Interactive: delay ACKs (Linux). */
#define TF_TLP_ARMED	0x400000	/* The rexmt timer is a loss probe. */
#define TF_TLP_DONE	0x800000	/* A probe went out for this flight. */
#define TF_URG_SEND	0x1000000	/* Urgent data below snd_up to announce. */
#define TF_URG_PEND	0x2000000	/* The peer's urgent byte is yet to come. */
#define TF_URG_HAVE	0x4000000	/* The peer's urgent byte is in iobc. */
#define TF_CORK		0x8000000	/* TCP_CORK: hold partial segments. */
#define TF_DEFER_ACKED	0x10000000	/* TCP_DEFER_ACCEPT ignored an ACK. */
#define TF_REO_ARMED	0x40000000	/* The rexmt timer is RACK's reordering
					 * timer. */
#define TF_SNDBUF_LOCK	0x20000000	/* SO_SNDBUF set: no growth (Linux
					 * SOCK_SNDBUF_LOCK). */

/* A queued out-of-order segment (RFC 9293 3.10.7.4, seventh step). */
typedef struct tl_reass {
    struct tl_reass *next;
    uint32_t seq, len;
    uint8_t data[];
} tl_reass;

/*
 * Makes n bytes of a generated stream, from offset off of it (an
 * application's data made as the send buffer has room, as sendfile() reads
 * a file: apps.c's source). The same offset must always give the same
 * bytes: the send buffer keeps a generated run as the generator and an
 * offset and makes its bytes again each time they are sent (ring.h).
 */
typedef void tl_gen_fn(void *arg, uint64_t off, uint8_t *buf, uint32_t n);

/* User data not yet in the send buffer (the rest of a write), or a
 * generated stream (gen != NULL, no data stored). */
typedef struct tl_chunk {
    struct tl_chunk *next;
    uint64_t off, len;
    tl_gen_fn *gen;
    void *genarg;
    uint64_t genoff;		/* The stream offset of off. */
    uint8_t data[];
} tl_chunk;

/*
 * Congestion control: one table of operations per algorithm, as Linux's
 * struct tcp_congestion_ops and FreeBSD's struct cc_algo. The loss
 * detection (duplicate ACKs, SACK, timeouts) is TCP's; a module says what
 * the windows become, and reports each change as an EV_CWND event with its
 * cause (tcp_cc_report()); only the initial window and the one-segment
 * window a retransmission is sent with, put back at once, go unreported.
 */

/* Where a connection stands in loss recovery (Linux enum tcp_ca_state,
 * tcpi_ca_state). */
enum { CA_OPEN = 0, CA_DISORDER = 1, CA_CWR = 2, CA_RECOVERY = 3,
    CA_LOSS = 4 };

/* What a module is told besides ACKs (Linux enum tcp_ca_event). */
typedef enum {
    CC_EV_TX_START,		/* First send after the connection was idle. */
    CC_EV_LOSS			/* A retransmission timeout. */
} tl_cc_event;

typedef struct tl_cc_ops {
    const char *name;
    /* A connection starts using the module (NULL: nothing to do). */
    void (*init)(tl_tcb *tp);
    /* ssthresh after a loss, fast retransmit or timeout. */
    uint32_t (*ssthresh)(const tl_tcb *tp);
    /* New data acknowledged outside recovery: slow start or congestion
     * avoidance. */
    void (*cong_avoid)(tl_tcb *tp, uint32_t acked);
    /* A duplicate ACK without SACK (RFC 5681 3.2): fast retransmit on
     * the third (tcp_cc_fast_retransmit()), fast recovery after it. */
    void (*dupack)(tl_tcb *tp);
    /* New data acknowledged in fast recovery without SACK (RFC 6582,
     * 4.4BSD): the module decides whether recovery ends and sets cwnd.
     * Returns 1 while recovery goes on. */
    int (*recovery_ack)(tl_tcb *tp, uint32_t ack, uint32_t acked);
    /* Events: idle restart, timeout (NULL: ignored). */
    void (*cwnd_event)(tl_tcb *tp, tl_cc_event ev);
    /* cwnd to restore when a loss proves spurious (NULL: no undo). */
    uint32_t (*undo_cwnd)(tl_tcb *tp);
    /* The recovery state changed (NULL: ignored). */
    void (*set_state)(tl_tcb *tp, int ca_state);
    /* Each ACK of new data, before cong_avoid (Linux pkts_acked): segs
     * segments acknowledged up to ack, rtt the round trip of the latest of
     * them (Linux ack_sample.rtt_us), -1 when that or any acknowledged
     * segment was retransmitted. A module with this hook has its sends
     * timed (tcp_cc_sent()); NULL: none. */
    void (*pkts_acked)(tl_tcb *tp, uint32_t ack, uint32_t segs, tl_time rtt);
} tl_cc_ops;

/* The send times of the data in flight, for modules that take RTT samples
 * per ACK (tcp_cc.c), and when data last left (Linux lsndtime). */
typedef struct tl_xmitlog tl_xmitlog;

/* ECN on a connection (RFC 3168; Linux tp->ecn_flags). */
#define ECN_OK		0x1	/* Negotiated (or asked for, until the
				 * SYN-ACK says). */
#define ECN_QUEUE_CWR	0x2	/* The next new data carries CWR. */
#define ECN_DEMAND_CWR	0x4	/* Congestion seen: ECE until CWR. */
#define IP_ECN_ECT0	2	/* The IP header's ECN field, RFC 3168 5 */
#define IP_ECN_CE	3

/* The GSO packet of new data being sent (tunable gso_psh): its end. */
typedef struct tl_gso {
    uint32_t end;
    int open;			/* A packet was started */
    int multi;			/* It holds two segments or more */
    uint32_t start;		/* Where it began */
} tl_gso;

/* The modules, in the order of the tcp_congestion_control tunable. */
enum { CC_NEWRENO = 0, CC_RENO = 1, CC_CUBIC = 2, CC_NMODULES };
extern const tl_cc_ops *const tcp_cc_modules[CC_NMODULES + 1];
extern const tl_cc_ops tcp_cc_newreno, tcp_cc_reno, tcp_cc_cubic;

/* An application running inside the stack on a connection (apps.c): told
 * after each event that brought data or the end of the stream. */
typedef struct tl_app {
    const char *name;
    void (*input)(tl_tcb *tp);
    int sink;			/* It drops every byte unread (RFC 863
				 * discard): the receive buffer counts
				 * them and stores none. */
} tl_app;

typedef enum {
    TT_REXMT, TT_PERSIST, TT_KEEP, TT_2MSL, TT_DELACK, TT_CONN, TT_NTIMERS
} tl_timerid;

extern const char *const tcp_timernames[TT_NTIMERS];
_Static_assert(TCP_ENV_APP == TT_NTIMERS,
	"the application's slot follows the timers");

/* Values of tunable tcp_mtu_probing (Linux net.ipv4.tcp_mtu_probing). */
enum { MTUP_OFF = 0, MTUP_BLACKHOLE = 1, MTUP_ALWAYS = 2 };

/*
 * Packetization-layer path MTU discovery (RFC 4821) as Linux keeps it
 * (inet_connection_sock icsk_mtup, icsk_pmtu_cookie, tcp_sock mtu_probe),
 * with the route's MTU as the connection last saw it. Apart from the TCB:
 * most connections never need it.
 */
typedef struct tl_mtup {
    uint8_t enabled;		/* Searching (icsk_mtup.enabled). */
    uint8_t stale;		/* The route changed since the last send. */
    uint16_t search_low;	/* Largest MTU known to work. */
    uint16_t search_high;	/* Smallest MTU known not to, + 1 (or the
				 * largest the peer's MSS allows). */
    uint16_t probe_size;	/* MTU of the probe out, 0 = none. */
    uint32_t probe_seq_start, probe_seq_end;
    tl_time probe_timestamp;	/* When the search last (re)started. */
    uint32_t dst_mtu;		/* The route's MTU at the last send. */
    uint32_t pmtu_cookie;	/* The MTU tp->mss was last computed from. */
} tl_mtup;
/*
 * An entry of the model of Linux's write and retransmission queues as skbs
 * (tunable skb_truesize; tcp_user.c): a sent skb (goal 0) ends at end; a
 * run of unsent ones, from the end of the entry before it (or base, if
 * later) to end, is cut every goal bytes from base.
 */
typedef struct tl_wqent {
    uint32_t end, base, goal;
} tl_wqent;

/*
 * The cold part of a TCB (tp->x): what only some connections use, and only
 * for a while: the listener of a connection not yet accepted, the time of
 * the last rate-limited ACK, socket options set, user data waiting for
 * send space, out-of-order data, keepalive probing, Linux's chrono
 * accounting, the congestion module's own state. tp->x points to
 * tcp_tcbx_idle, a read-only block holding every field's idle value, until
 * something changes a field (tcp_xw(), which gives the connection a block
 * of its own), and back there when every field is idle again
 * (tcp_x_trim()), so an idle connection carries none of it. Reads go
 * through tp->x directly; the pointer is const so that every write has to
 * ask tcp_xw().
 */
typedef struct tl_tcbx {
    tl_listener *listener;	/* Came from, while not yet accepted. */
    tl_tcb *lnext, *lprev;	/* Among the listener's children. */
    tl_tcb *qnext;		/* In the listener's accept queue. */
    tl_time last_oow_ack;	/* Last rate-limited ACK (RFC 5961 7). */
    tl_chunk *pend, *pend_tail;	/* User data waiting for send space. */
    uint64_t pend_bytes;
    uint64_t gen_total;		/* Generated bytes queued so far. */
    tl_reass *reass;		/* Out-of-order segments. */
    uint32_t reass_bytes;
    int keep_probes;		/* Unanswered keepalive probes. */
    int rexmt_unsent;		/* Timeouts of this episode whose
				 * retransmission the device's queue refused:
				 * not backed off (Linux icsk_backoff). */
    tl_time probes_tstamp;	/* When window or resource probing began,
				 * 0 = not probing (Linux
				 * icsk_probes_tstamp). */
    uint32_t *eor;		/* MSG_EOR ends past snd_una, ascending. */
    int neor, eoralloc;
    tl_wqent *wq;		/* The skbs past snd_una (tunable
				 * skb_truesize), oldest first. */
    int nwq, wqalloc;
    int nospace;		/* A write stopped for memory (Linux
				 * SOCK_NOSPACE). */
    int more;			/* The last write had MSG_MORE: its data, */
    uint32_t more_seq;		/* from here on, is not pushed. */
    int chrono_type;		/* Linux tcp_chrono: 0 none, 1 busy, 2 rwnd */
    tl_time chrono_start;	/* limited; since when. */
    tl_time chrono_stat[2];	/* Time spent busy, rwnd limited. */
    /* Socket options kept for the socket layer (socket.c). */
    int keepidle, keepintvl, keepcnt;	/* Per socket; 0 = the tunable. */
    int linger;			/* SO_LINGER seconds, -1 = off. */
    uint32_t user_timeout;	/* TCP_USER_TIMEOUT, ms; 0 = off. */
    uint32_t notsent_lowat;	/* TCP_NOTSENT_LOWAT, 0 = off. */
    uint16_t user_mss;		/* TCP_MAXSEG as set, 0 = none. */
    uint8_t recvmsg_inq;	/* TCP_INQ: recvmsg() reports TCP_CM_INQ. */
    uint8_t defer_accept;	/* TCP_DEFER_ACCEPT as set (retransmissions):
				 * kept, no effect on a connection. */
    uint8_t iobc;		/* The urgent byte, out of band (4.4BSD
				 * t_iobc). */
    uint8_t onq;		/* 1 when in the listener's accept queue, 0
				 * while embryonic. */
    uint8_t disconnected;	/* shutdown() in SYN_SENT disconnected it
				 * (tunable shutdown_connecting): reads
				 * ENOTCONN. */
    uint64_t cc_priv[9];	/* The module's own state (Linux
				 * icsk_ca_priv), zero when it starts. */
    /* Fast Open, client side (RFC 7413; Linux tcp_sock syn_fastopen,
     * syn_fastopen_exp, syn_data, syn_data_acked, fastopen_connect,
     * fastopen_req): tcp_fastopen.c. */
    uint8_t fastopen_connect;	/* TCP_FASTOPEN_CONNECT was set. */
    uint8_t syn_fastopen;	/* Our SYN carried the option. */
    uint8_t syn_fastopen_exp;	/* In its experimental form (kind 254). */
    uint16_t syn_data;		/* Data bytes our SYN carried. */
    uint8_t syn_data_acked;	/* And the SYN-ACK acknowledged all of it. */
    uint8_t fo_opt;		/* The SYN to send carries the option, */
    uint8_t fo_len;		/* with a cookie of this length (0: a request;
				 * the bytes in tcbx fo_cookie). */
    uint8_t fo_exp;		/* It goes as kind 254. */
    uint16_t fo_syn_len;	/* Data bytes the SYN carries (first one only). */
    uint8_t fo_defer;		/* connect() deferred the SYN (Linux
				 * DEFER_CONNECT). */
    uint8_t fo_cookie[16];	/* The Fast Open cookie our SYN carries. */
    uint8_t syn_retries;	/* TCP_SYNCNT, 0 = the tunable. */
    tl_time syn_time;		/* When the first SYN left (with syn_retries:
				 * Linux retrans_stamp). */
    uint16_t fo_mss;		/* The MSS taken for SYN data (Linux
				 * rx_opt.mss_clamp in tcp_send_syn_data()). */
} tl_tcbx;

struct tl_tcb {
    tl_host *host;
    tl_tcb *next, *prev;	/* In host->tcbs. */
    tl_tcb *hnext, **hpprev;	/* In the host's 4-tuple hash chain. */
    tl_tcb *pnext, **ppprev;	/* In the host's local port hash chain. */
    void *user;			/* The user's handle; NULL when orphaned. */
    const tl_app *app;		/* A built-in application, or NULL. */
    const tl_tcbx *x;		/* The cold part (above). */
    uint64_t id;		/* Creation order on the network. */
    tl_time created;

    uint8_t hashed;		/* In both hashes (tuple set, not CLOSED). */
    uint8_t state;
    uint8_t so_error;		/* Pending errno for the user. */
    uint8_t app_pending;	/* A built-in application's turn is due. */
    uint8_t cork_pending;	/* The TCP_CORK ceiling is running. */
    uint8_t got_data;		/* Data has arrived at least once. */
    uint8_t have_rtt;		/* An RTT sample has been taken. */
    uint8_t ca_state;		/* CA_*. */
    uint8_t snd_wscale, rcv_wscale;	/* RFC 7323 shifts in use. */
    uint8_t nhist;		/* Entries in the history (below). */
    uint8_t reuseaddr;		/* SO_REUSEADDR. */
    uint8_t writable;		/* Last writability told (NOTSENT_LOWAT). */
    uint8_t cwnd_limited;	/* (Congestion control, below.) */
    uint8_t defer_limited;	/* The output pass held a packet back for
				 * cwnd (1) or the peer's window (2)
				 * (tunable tso_defer). */
    uint8_t push_one;		/* A write filled the head skb: its first
				 * packet goes without tso_defer's test
				 * (Linux tcp_push_one()). */
    uint8_t ecn;		/* ECN_* (RFC 3168) */
    uint8_t undo_on;		/* undo_marker is set (Linux undo_marker != 0). */
    uint8_t ack_sched;		/* Data or a FIN came since our last ACK
				 * (Linux ICSK_ACK_SCHED). */
    uint8_t ack_pushed;		/* ACK_PUSHED*: short or pushed segments
				 * since it (tunable ack_pushed_read). */
    uint16_t last_seg_size;	/* Linux icsk_ack.last_seg_size. */
    uint8_t mss_sack;		/* Bytes of SACK option mss leaves out while
				 * tcp_output() passes (SackOptRoom()). */

    tl_addr laddr, raddr;
    uint16_t lport, rport;
    uint16_t quickacks;		/* Left in quickack mode (Linux). */
    uint16_t ato;		/* Linux icsk_ack.ato, jiffies (tunable
				 * delack_ato; 0 until the first data). */

    /* Send sequence variables (RFC 9293 3.3.1). */
    uint32_t snd_una, snd_nxt, snd_max, snd_wnd, snd_up, snd_wl1, snd_wl2;
    uint32_t iss;
    uint32_t max_sndwnd;
    uint32_t snd_sml;		/* End of the last small segment sent (Linux). */
    /* Receive sequence variables. */
    uint32_t rcv_nxt, rcv_wnd, rcv_up, irs;
    uint32_t rcv_adv;		/* Right edge of the window we announced. */

    uint16_t mss;		/* Effective send MSS. */
    uint16_t mss_offer;		/* What we announced. */
    uint16_t peer_mss;		/* What the peer announced (0 = none). */
    uint8_t dsack_on;		/* dsack (below) goes in the next SACK option. */
    uint8_t frto;		/* F-RTO runs in this CA_LOSS (RFC 5682; Linux
				 * tp->frto). */
    uint32_t tso;		/* Largest segment the interface cuts into
				 * mss-sized ones (segmentation offload: a
				 * multiple of mss), 0 without. */
    uint32_t rcv_wnd_clamp;	/* Largest window we announce (Linux:
				 * rcv_ssthresh). */
    /* Linux's receive buffer (tunables rcv_scaling_ratio and
     * tcp_moderate_rcvbuf; tcp_input.c tcp_rcv_space_adjust()): the ring
     * holds rcvbuf's window at the profile's ratio. */
    uint32_t sk_rcvbuf;		/* Buffer memory, bytes; 0 = from the ring. */
    uint32_t window_clamp;	/* Most the window may grow to. */
    uint32_t rcvq_space, rcvq_seq;	/* Bytes read in the last RTT, from. */
    uint32_t rcv_rtt_us8;	/* Receive RTT estimate, us x 8; 0 = none. */
    uint32_t rcv_rtt_seq, rcv_rtt_tsecr;
    uint16_t rcv_mss;		/* The peer's MSS as guessed (rcv_mss). */
    uint8_t scaling_ratio;	/* Window per 256 bytes of buffer. */
    uint8_t rcvbuf_lock;	/* SO_RCVBUF set: no autotuning. */
    tl_time rcvq_time;
    tl_time rcv_rtt_time;
    uint32_t ts_recent;		/* RFC 7323: the peer's latest TSval. */
    uint32_t ts_offset;		/* Added to our clock in TSval. */
    uint32_t last_ack_sent;
    uint32_t sack_last;		/* Start of the latest out-of-order segment. */
    uint32_t dsack[2];		/* RFC 2883: a duplicate range received (Linux
				 * duplicate_sack[0]), while dsack_on. */
    uint32_t dsack_dups;	/* D-SACKed segments (tcpi_dsack_dups). */
    uint32_t rtt_seq;
    uint32_t snd_buf_seq;	/* Sequence number of sndbuf's first byte. */
    uint32_t delack_due;	/* The jiffy the delayed ACK was asked for
				 * (Linux icsk_ack.timeout; tunable
				 * delack_ato). */

    /* Retransmission (RFC 6298), times in ns. */
    tl_time srtt, rttvar, rto;
    int rxtshift;		/* Consecutive timeouts. */
    int flags;			/* TF_*. */
    tl_time rtt_start;		/* When the timed segment left, -1 = none. */
    tl_time rexmt_first;	/* First retransmission of this episode. */
    int persist_shift;
    int probes_out;		/* Unanswered empty window probes (Linux). */

    /* Congestion control (RFC 5681, RFC 6582). */
    const tl_cc_ops *cc;	/* The module (TCP_CONGESTION). */
    uint32_t cwnd, ssthresh, recover;
    /* Whether the window is used (Linux tcp_cwnd_validate()): cwnd-limited
     * in the current window (cwnd_limited, above), the most segments out,
     * and where the current window ends. */
    uint32_t max_packets_out, cwnd_usage_seq;
    int dupacks;
    /* The SACK scoreboard (RFC 6675): blocks above snd_una, sorted, at
     * most TCP_NSACKBLK; the array comes with the first block and goes
     * when snd_una has passed them all. */
    uint32_t (*sackblk)[2];
    int nsackblk;
    uint32_t high_rxt;		/* HighRxt: end of the last retransmission. */
    /* PRR (RFC 6937, Linux tcp_cwnd_reduction()), segments: cwnd when
     * recovery began, delivered and sent since. */
    uint32_t prior_cwnd, prr_delivered, prr_out;
    /* RACK (RFC 8985, Linux tcp_sock.rack): the send time and send order
     * of the most recently sent segment delivered, its round trip;
     * segments the ACK being processed delivered; the count of sends of
     * data. */
    uint32_t rack_order, rack_acked, xmit_order;
    int rack_ok;
    uint32_t loss_high;		/* CA_LOSS ends when this is acknowledged. */
    tl_time rack_t, rack_rtt;
    /* Reordering (Linux tp->reordering, segments, from tcp_reordering 3;
     * reord_seen: times seen). */
    uint32_t reordering, reord_seen;
    /* Undo (Linux tcp_init_undo(), tcp_undo_cwnd_reduction()): snd_una
     * when the episode began (while undo_on), its retransmissions not yet
     * proven needless (-1: none yet), ssthresh before it (0: no undo),
     * the TSval of its first retransmission (0: none; Linux
     * retrans_stamp); the D-SACKed segments are dsack_dups (above). */
    uint32_t undo_marker;
    int32_t undo_retrans;
    uint32_t prior_ssthresh, retrans_stamp;
    tl_xmitlog *xmitlog;	/* Send times (modules with pkts_acked). */
    struct tl_mtup *mtup;	/* MTU probing and the route's MTU, NULL
				 * until either is needed (tcp_output.c). */

    /* Keepalive. */
    tl_time last_rcv;		/* When a segment last arrived. */
    tl_time lsndtime;		/* When data (or the SYN) last left (Linux
				 * tcp_sock lsndtime). */
    tl_time wstamp;		/* When the connection last sent anything,
				 * -1 never (Linux tcp_wstamp_ns, tunable
				 * tso_defer). */
    tl_time lrcvtime;		/* When data last arrived, or the connection
				 * was established (Linux icsk_ack.lrcvtime). */
    tl_time min_rtt;		/* Smallest RTT sample, 0 = none. */
    tl_time ut_start;		/* TCP_USER_TIMEOUT counts from here. */

    tl_ring sndbuf;		/* From snd_buf_seq on: unacked then unsent. */
    tl_ring rcvbuf;		/* In-order data not yet read. */

    uint64_t bytes_in, bytes_out, bytes_read;
    uint64_t segs_in, segs_out, retrans;

    tl_time timer_at[TT_NTIMERS];	/* When each fires; TL_NEVER = idle. */
    struct tl_hostev *hostev;	/* The host's, to schedule them (and
				 * TCP_ENV_APP, TCP_ENV_CORK), NULL while
				 * none runs; TCP never reads it. */

    /* The states it went through, for scripts and diagrams (up to
     * TCP_NHIST; tcp_hist_add()): state i in bits 4i..4i+3 of hstates,
     * its time in htimes[i], an array grown as entries come. */
    uint64_t hstates;
    tl_time *htimes;		/* (Their number, nhist, is above.) */
};

/* (Hidden: the library reaches it without a lookup in its GOT.) */
#if defined(__GNUC__)
__attribute__((visibility("hidden")))
#endif
extern const tl_tcbx tcp_tcbx_idle;
tl_tcbx	       *tcp_x_alloc(tl_tcb *tp);
void		tcp_x_release(tl_tcb *tp);

/* Gives tp's cold part back if every field is idle (tcp_x_release()). */
static inline void
tcp_x_trim(
    tl_tcb *tp)
{
    if (tp->x != &tcp_tcbx_idle) {
	tcp_x_release(tp);
    }
}

/* tp's cold part, to change: its own block, made on the first change. */
static inline tl_tcbx *
tcp_xw(
    tl_tcb *tp)
{
    return tp->x != &tcp_tcbx_idle ? (tl_tcbx *) tp->x : tcp_x_alloc(tp);
}

#define TCP_NHIST	16
#define TCP_NSACKBLK	8
_Static_assert(TCPS_NSTATES <= 16 && TCP_NHIST * 4 <= 64,
	"a state fits in a nibble of hstates");

/*
 * The socket options of a socket before it connects or listens, and of a
 * listener (inherited by its connections, as Linux's inet_csk_clone_lock()
 * copies the listening socket): zero is each option's default.
 */
typedef struct tl_openopts {
    tl_addr laddr;		/* 0 = chosen by route. */
    uint16_t lport;		/* 0 = ephemeral. */
    int reuseaddr;
    int nodelay;
    int cork;
    int keepalive;
    int keepidle, keepintvl, keepcnt;	/* TCP_KEEPIDLE etc.; 0 = tunable */
    int mss;			/* TCP_MAXSEG: our MSS clamp, 0 = none. */
    int rcvbuf, sndbuf;		/* 0 = tunable. */
    int linger_on, linger;	/* SO_LINGER. */
    uint32_t user_timeout;	/* TCP_USER_TIMEOUT, ms. */
    uint32_t notsent_lowat;	/* TCP_NOTSENT_LOWAT. */
    int recvmsg_inq;		/* TCP_INQ. */
    int defer_accept;		/* TCP_DEFER_ACCEPT, in SYN-ACK retransmissions. */
    int pingpong;		/* TCP_QUICKACK 0 was set. */
    int fastopen_connect;	/* TCP_FASTOPEN_CONNECT. */
    int syn_retries;		/* TCP_SYNCNT, 0 = the tunable. */
    char cc_name[16];		/* TCP_CONGESTION, "" = the host's. */
    int has_isn;
    uint32_t isn;
} tl_openopts;

struct tl_listener {
    tl_host *host;
    tl_listener *next, *prev;	/* In host->listeners, newest first. */
    tl_listener *pnext, **ppprev;	/* In the host's chain for lport. */
    tl_addr laddr;		/* 0 = any. */
    uint16_t lport;
    int backlog;
    int qlen, q0len;		/* Completed and embryonic connections. */
    int young;			/* Embryonic ones whose SYN-ACK timer has not
				 * fired yet (Linux queue->young). */
    tl_tcb *q, *qtail;		/* Accept queue (FIFO). */
    const tl_app *app;		/* A built-in service, or NULL. */
    tl_openopts opts;		/* Socket options its connections inherit. */
    tl_tcb *children;		/* Embryonic and queued, newest first. */
    void *user;
    int closed;
    int synq_overflowed;	/* SYN cookies were sent (Linux
				 * tcp_synq_overflow()), last at: */
    tl_time synq_overflow_at;
    struct tl_req *reqs;	/* Compact embryonic connections (counted in
				 * q0len), newest first (tcp_subr.c). */
    tl_tcb *reqtmpl[8];		/* What their records are told apart from,
				 * by SYN-ACK retransmissions so far. */
};

/*
 * A compact TIME_WAIT connection (tcp_timewait.c), Linux's struct
 * tcp_timewait_sock: what an orphaned connection in TIME_WAIT needs to
 * answer the segments that still come and to run its 2MSL timer, kept in a
 * table of its own once its TCB is freed. A segment, an expiry someone
 * watches or a script asking for handles rebuilds the TCB from it. What
 * records of a host mostly share (the windows, the options, the offsets of
 * the other sequence numbers from snd_nxt and rcv_nxt) is in a shape they
 * point to, kept once.
 */
typedef struct tl_twrec tl_twrec;
typedef struct tl_twshape tl_twshape;
struct tl_twrec {
    tl_time when;		/* The 2MSL timer: when it fires, and its */
    uint64_t order;		/* place among that time's events. */
    tl_twrec *hnext, *pnext;	/* In the host's TIME_WAIT chains. */
    const tl_twshape *shape;
    tl_time last_rcv;
    tl_addr laddr, raddr;
    uint16_t lport, rport;
    uint32_t heapidx;		/* In the table's timer heap. */
    uint32_t id;		/* The TCB's (those past 2^32 stay TCBs). */
    uint32_t snd_nxt, iss, rcv_nxt, irs, ts_recent;
};

/* The host's clock. */
static inline tl_time
tcp_now(
    const tl_host *h)
{
    return *h->tcp.now;
}

/* Linux tp->rcv_wnd: the window of the last ACK sent. */
static inline uint32_t
tcp_last_rcv_wnd(
    const tl_tcb *tp)
{
    return SEQ_GT(tp->rcv_adv, tp->last_ack_sent)
	    ? tp->rcv_adv - tp->last_ack_sent : 0;
}

/* The state of entry i of tp's history, and when it began. */
static inline int
tcp_hist_state(
    const tl_tcb *tp,
    int i)
{
    return (int) ((tp->hstates >> (4 * i)) & 15);
}

static inline tl_time
tcp_hist_time(
    const tl_tcb *tp,
    int i)
{
    return tp->htimes[i];
}

static inline int
tcp_timer_pending(
    const tl_tcb *tp,
    tl_timerid t)
{
    return tp->timer_at[t] != TL_NEVER;
}

/* The sequence number of a segment of neither data, SYN nor FIN (an ACK,
 * a RST): snd_max, not snd_nxt, which a retransmission timeout moved
 * back; numbered below what the peer has, an ACK would be unacceptable
 * there (RFC 9293 3.10.7.4), and the peer's answer to it as unacceptable
 * here, a RST ignored (4.4BSD tcp_output(); Linux's snd_nxt never moves
 * back, tcp_acceptable_seq()). While the persist timer runs snd_max may
 * lie past the window: snd_nxt then. */
static inline uint32_t
tcp_ack_seq(
    const tl_tcb *tp)
{
    return tcp_timer_pending(tp, TT_PERSIST) ? tp->snd_nxt : tp->snd_max;
}

/* tcp_subr.c */
tl_tcb	       *tcp_newtcb(tl_host *host);
tl_tcb	       *tcp_newtcb_as(tl_host *host, uint64_t id, int listed);
void		tcp_list_insert(tl_tcb *tp, tl_tcb *prev);
size_t		tcp_tuple_hash(tl_addr laddr, uint16_t lport, tl_addr raddr,
		    uint16_t rport);
size_t		tcp_port_hash(uint16_t lport);
void		tcp_set_state(tl_tcb *tp, int state);
void		tcp_hist_add(tl_tcb *tp, tl_time t, int state);
void		tcp_close(tl_tcb *tp);
void		tcp_unqueue(tl_tcb *tp);
void		tcp_adopt(tl_listener *l, tl_tcb *tp);
int		tcp_listener_link(tl_listener *l);
void		tcp_listener_unlink(tl_listener *l);
void		tcp_drop(tl_tcb *tp, int err);
void		tcp_free(tl_tcb *tp);
uint32_t	tcp_new_isn(tl_host *host, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport);
void		tcp_respond(tl_host *host, tl_addr src, uint16_t sport,
		    tl_addr dst, uint16_t dport, uint32_t seq, uint32_t ack,
		    int flags, uint16_t win);
void		tcp_reset_for(tl_host *host, const tl_iphdr *ip,
		    const tl_tcphdr *th);
void		tcp_notify(tl_tcb *tp);
void		tcp_event(tl_host *h, tl_tcb *tp, tl_evkind kind, int a, int b,
		    tl_time t, tl_time t2, const char *why);
void		tcp_drop_event(tl_host *h, tl_tcb *tp, const tl_iphdr *ip,
		    const tl_tcphdr *th, tl_evkind kind, const char *why);
uint16_t	tcp_mss_offer(tl_host *host, tl_addr raddr, int clamp);
void		tcp_mss_set(tl_tcb *tp, uint16_t peer);
void		tcp_syn_options(tl_tcb *tp, const tl_tcphdr *th);
uint32_t	tcp_ts_now(const tl_tcb *tp);
int		tcp_sack_blocks(const tl_tcb *tp, uint32_t out[][2], int max);
void		tcp_set_tuple(tl_tcb *tp, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport);
void		tcp_rcv_clamp(tl_tcb *tp, uint32_t mss);
uint32_t	tcp_rcvbuf_size(const tl_host *h, int rcvbuf);
tl_tcb	       *tcp_lookup(tl_host *host, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport);
tl_tcb	       *tcp_lookup_tcb(tl_host *host, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport);
tl_listener    *tcp_lookup_listener(tl_host *host, tl_addr laddr,
		    uint16_t lport);
int		tcp_port_in_use(tl_host *host, tl_addr laddr, uint16_t lport,
		    int reuseaddr);
uint32_t	tcp_rcv_space(const tl_tcb *tp);
uint64_t	tcp_rcvbuf_win(const tl_tcb *tp);
uint32_t	tcp_rcv_free(const tl_tcb *tp);
uint8_t		tcp_rcv_wscale(const tl_tcb *tp);
uint32_t	tcp_rcv_window_now(const tl_tcb *tp, int syn);
int		tcp_backlog_limit(const tl_host *host, int backlog);
tl_time		tcp_ms(int ms);
void		tcp_req_demote(tl_tcb *tp);
void		tcp_req_promote_all(tl_host *h);
void		tcp_req_drop_all(tl_listener *l);
uint32_t	tcp_ts_offset(const tl_host *h, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport);
uint32_t	tcp_cookie_isn(const tl_host *h, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport, uint32_t seq,
		    uint16_t *mssPtr);
uint16_t	tcp_cookie_check(const tl_host *h, tl_addr laddr,
		    uint16_t lport, tl_addr raddr, uint16_t rport,
		    uint32_t seq, uint32_t cookie);
uint32_t	tcp_cookie_ts(uint32_t now, int wscale_ok, int snd_wscale,
		    int sack_ok, int ecn_ok);

/* tcp_fastopen.c */
typedef struct tl_fo_entry {
    tl_addr raddr;
    uint16_t mss;		/* The peer's MSS, 0 = none yet. */
    int8_t len;			/* Cookie length, 0 = none. */
    uint8_t exp;		/* The cookie came in kind 254. */
    uint8_t try_exp;		/* 1: request in kind 254 next, 2: back to 34 */
    uint8_t cookie[16];
} tl_fo_entry;
int		tcp_fastopen_connect(tl_tcb *tp, uint32_t size, int nobuf);
int		tcp_fastopen_synack(tl_tcb *tp, const tl_tcphdr *th);
const tl_fo_entry *tcp_fastopen_cache(const tl_host *h, int *nPtr);
void		tcp_fastopen_flush(tl_host *h);
int		tcp_fastopen_cached(const tl_host *h, tl_addr raddr);

/* tcp_input.c */
void		tcp_input(tl_host *host, const tl_iphdr *ip,
		    const uint8_t *seg, uint32_t len);

/* tcp_output.c */
void		tcp_output(tl_tcb *tp);
void		tcp_pingpong_on_send(tl_tcb *tp);
void		tcp_output_after_read(tl_tcb *tp);
void		tcp_mtup_init(tl_tcb *tp);
void		tcp_sync_mss(tl_tcb *tp, uint32_t pmtu);
void		tcp_route_changed(tl_tcb *tp);
void		tcp_route_refresh(tl_tcb *tp);
int		tcp_mtu_to_mss(const tl_tcb *tp, uint32_t pmtu);
int		tcp_mss_to_mtu(const tl_tcb *tp, uint32_t mss);
void		tcp_mtup_probe_success(tl_tcb *tp);
int		tcp_mtup_probe_failed(tl_tcb *tp);
void		tcp_mtu_probing(tl_tcb *tp);
int		tcp_send_ctl(tl_tcb *tp, uint32_t seq, int flags);
void		tcp_fill_sndbuf(tl_tcb *tp);
void		tcp_output_probe(tl_tcb *tp);
int		tcp_output_range(tl_tcb *tp, uint32_t seq, uint32_t len,
		    tl_gso *g, uint32_t room);

/* tcp_cc.c */
const tl_cc_ops *tcp_cc_find(const char *name);
int		tcp_cc_set(tl_tcb *tp, const char *name);
const char     *tcp_cc_name(const tl_tcb *tp);
void		tcp_cc_state(tl_tcb *tp, int ca_state);
void		tcp_cc_report(tl_tcb *tp, const char *why);
uint32_t	tcp_cc_halve_flight(const tl_tcb *tp);
void		tcp_cc_fast_retransmit(tl_tcb *tp);
void		tcp_cc_timeout(tl_tcb *tp);
void		tcp_cc_sent(tl_tcb *tp, uint32_t seq, uint32_t len, int push);
void		tcp_cc_continued(tl_tcb *tp, uint32_t seq);
int		tcp_cc_head_sent(const tl_tcb *tp, tl_time *tPtr);
uint32_t	tcp_size_goal(const tl_tcb *tp);
int		tcp_rexmit_psh(const tl_tcb *tp, uint32_t end);
void		tcp_cc_event(tl_tcb *tp);
void		tcp_cc_acked(tl_tcb *tp, uint32_t ack);
tl_time		tcp_xmit_rtt(const tl_tcb *tp, uint32_t ack);
void		tcp_idle_restart(tl_tcb *tp, int at);
uint32_t	tcp_initial_cwnd(const tl_tcb *tp);
void		tcp_cc_free(tl_tcb *tp);
void		tcp_sack_update(tl_tcb *tp, const tl_tcphdr *th,
		    int first);
void		tcp_sack_prune(tl_tcb *tp);
void		tcp_sack_enter(tl_tcb *tp);
void		tcp_sack_recover(tl_tcb *tp);
uint32_t	tcp_sack_pipe(const tl_tcb *tp);
void		tcp_cwnd_validate(tl_tcb *tp, uint32_t oldmax);
void		tcp_sndbuf_expand(tl_tcb *tp);
void		tcp_rcvbuf_init(tl_tcb *tp);
void		tcp_rcv_space_adjust(tl_tcb *tp);
int		tcp_cwnd_may_grow(const tl_tcb *tp, uint32_t prior_flight);
uint32_t	tcp_in_flight(const tl_tcb *tp);
uint64_t	tcp_pacing_rate(const tl_tcb *tp);
uint32_t	tcp_limited_transmit(const tl_tcb *tp);
uint32_t	tcp_sacked_below(const tl_tcb *tp, uint32_t end);
void		tcp_prr_ack(tl_tcb *tp, uint32_t una0, uint32_t cwnd0);
void		tcp_reno_ack(tl_tcb *tp, const tl_tcphdr *th, uint32_t una0,
		    int dup);
void		tcp_reno_end(tl_tcb *tp, const tl_tcphdr *th);
int		tcp_ecn_syn_flags(tl_tcb *tp, int state);
void		tcp_ecn_syn_in(tl_tcb *tp, int ipecn, int flags);
void		tcp_ecn_in(tl_tcb *tp, int ipecn, int flags, uint32_t len,
		    uint32_t una0);
uint32_t	tcp_dsack_check(tl_tcb *tp, const tl_tcphdr *th,
		    uint32_t una0);
void		tcp_undo_ack(tl_tcb *tp, const tl_tcphdr *th, int dsack,
		    int dupack);
uint32_t	tcp_cc_reno_undo(tl_tcb *tp);
void		tcp_rack_timeout(tl_tcb *tp);
void		tcp_cc_local_drop(tl_tcb *tp);
void		tcp_rack_rto(tl_tcb *tp);
void		tcp_rack_outstanding(const tl_tcb *tp, uint32_t *lostPtr,
		    uint32_t *retransPtr);

/* tcp_timer.c */
void		tcp_timer_init(tl_tcb *tp);
void		tcp_timer_expire(tl_tcb *tp, int which);
void		tcp_timer_set(tl_tcb *tp, tl_timerid t, tl_time delay);
void		tcp_timer_cancel(tl_tcb *tp, tl_timerid t);
void		tcp_timers_cancel_all(tl_tcb *tp);
void		tcp_rexmt_arm(tl_tcb *tp);
void		tcp_persist_arm(tl_tcb *tp);
void		tcp_rtt_sample(tl_tcb *tp, tl_time rtt);
void		tcp_enter_timewait(tl_tcb *tp);
void		tcp_keep_arm(tl_tcb *tp);
void		tcp_finwait2_arm(tl_tcb *tp);
tl_time		tcp_delack_time(const tl_tcb *tp);
tl_time		tcp_ato(const tl_tcb *tp);
uint32_t	tcp_ack_jiffy(const tl_host *h, tl_time t);
uint32_t	tcp_ack_jiffies(const tl_host *h, tl_time d);
uint32_t	tcp_ato_min(const tl_host *h);
void		tcp_delack_schedule(tl_tcb *tp);
void		tcp_delack_hold(tl_tcb *tp);
void		tcp_ack_sent(tl_tcb *tp, uint32_t pkts);

/* tcp_timewait.c */
int		tcp_tw_compact(tl_tcb *tp);
void		tcp_tw_settle(tl_tcb *tp);
tl_tcb	       *tcp_tw_lookup(tl_host *host, tl_addr laddr, uint16_t lport,
		    tl_addr raddr, uint16_t rport);
int		tcp_tw_port_in_use(tl_host *host, tl_addr laddr,
		    uint16_t lport);
tl_twrec      **tcp_tw_list(tl_host *host, size_t *nPtr);
void		tcp_tw_materialize(tl_host *host);
size_t		tcp_tw_count(const tl_host *host);

/* tcp_user.c */
int		tcp_connect(tl_host *host, tl_addr raddr, uint16_t rport,
		    const tl_openopts *o, tl_tcb **tpPtr);
/* The data of a sendto() with MSG_FASTOPEN, or of the first write after a
 * deferred connect() (tcp_connect_fo(), tcp_fastopen_write()). */
typedef struct tl_fosend {
    const uint8_t *data;
    uint32_t len;
    int nonblock;		/* Take only what the SYN carries. */
    int nobuf;			/* The buffer cannot be read (EFAULT). */
    uint32_t taken;		/* Out: the bytes taken. */
} tl_fosend;
int		tcp_connect_fo(tl_host *host, tl_addr raddr, uint16_t rport,
		    const tl_openopts *o, tl_fosend *fo, tl_tcb **tpPtr);
int		tcp_fastopen_write(tl_tcb *tp, tl_fosend *fo);
int		tcp_listen(tl_host *host, tl_addr laddr, uint16_t lport,
		    int backlog, const tl_openopts *o, const tl_app *app,
		    tl_listener **lPtr);
int		tcp_apply_opts(tl_tcb *tp, const tl_openopts *o);
tl_tcb	       *tcp_accept(tl_listener *l);
void		tcp_listener_close(tl_listener *l);
int		tcp_send(tl_tcb *tp, const uint8_t *data, uint32_t len);
/* tcp_send_flags: what MSG_MORE and MSG_EOR ask of a write. */
#define TCP_SEND_MORE	1	/* Cork this write's data (MSG_MORE). */
#define TCP_SEND_EOR	2	/* Nothing later joins its segments. */
int		tcp_send_flags(tl_tcb *tp, const uint8_t *data, uint32_t len,
		    int flags);
int		tcp_send_gen(tl_tcb *tp, uint64_t nbytes, tl_gen_fn *gen,
		    void *arg);
int		tcp_set_buffers(tl_tcb *tp, int rcvbuf, int sndbuf);
int		tcp_send_urgent(tl_tcb *tp, const uint8_t *data, uint32_t len);
int		tcp_recv_urgent(tl_tcb *tp, uint8_t *bytePtr);
uint32_t	tcp_recv(tl_tcb *tp, uint8_t *buf, uint32_t max);
uint32_t	tcp_readable(const tl_tcb *tp);
int		tcp_at_eof(const tl_tcb *tp);
int		tcp_shutdown(tl_tcb *tp, int rd, int wr);
int		tcp_usr_close(tl_tcb *tp);
void		tcp_abort(tl_tcb *tp);
void		tcp_release(tl_tcb *tp);
void		tcp_app_wake(tl_tcb *tp);
void		tcp_app_cancel(tl_tcb *tp);
void		tcp_app_run(tl_tcb *tp);
void		tcp_cork_arm(tl_tcb *tp);
void		tcp_cork_run(tl_tcb *tp);
void		tcp_uncork(tl_tcb *tp);
void		tcp_chrono_busy(tl_tcb *tp);
void		tcp_chrono_update(tl_tcb *tp);
int		tcp_chrono_rwnd(const tl_tcb *tp);
tl_time		tcp_chrono_stat(const tl_tcb *tp, int type);
int		tcp_eor_clip(tl_tcb *tp, uint32_t seq, uint32_t *lenPtr);
int		tcp_eor_mark(tl_tcb *tp, uint32_t seq);
void		tcp_wq_write(tl_tcb *tp, uint32_t seq, uint32_t len,
		    uint32_t goal);
void		tcp_wq_sent(tl_tcb *tp, uint32_t seq, uint32_t len, int cont);
void		tcp_wq_acked(tl_tcb *tp);
uint32_t	tcp_wq_room(const tl_tcb *tp, uint32_t goal);
uint64_t	tcp_wmem_queued(const tl_tcb *tp);
int		tcp_wmem_writable(const tl_tcb *tp);
int		tcp_unpushed(const tl_tcb *tp, uint32_t end);
void		tcp_push(tl_tcb *tp);
void		tcp_writable_check(tl_tcb *tp);
uint64_t	tcp_unsent(const tl_tcb *tp);

#endif /* TCPLAB_TCP_H */
