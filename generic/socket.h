/*
 * socket.h --
 *
 *	The socket layer: one entry point per user request, as 4.4BSD's
 *	tcp_usrreq() and tcp_ctloutput() and Linux's do_tcp_setsockopt() and
 *	do_tcp_getsockopt(). Each takes plain C values and returns 0 or an
 *	errno; it is the only way anything above the core (the Tcl commands,
 *	a packetdrill runner, the built-in applications of apps.c) changes a
 *	TCB or a listener.
 *
 *	A socket is one of three things here: the options of a socket not yet
 *	connected or listening (tl_openopts, filled with so_opts_setsockopt()
 *	before so_connect() or so_listen(), as setsockopt() before connect()),
 *	a connection (tl_tcb) or a listener (tl_listener). Option levels and
 *	numbers are Linux's (asm-generic/socket.h, linux/tcp.h), so a system
 *	call trace maps onto them one to one.
 */

#ifndef TCPLAB_SOCKET_H
#define TCPLAB_SOCKET_H

#include "tcp.h"

/* Levels. */
#define TL_SOL_SOCKET		1
#define TL_SOL_TCP		6

/* SOL_SOCKET options. */
#define TL_SO_REUSEADDR		2
#define TL_SO_ERROR		4
#define TL_SO_SNDBUF		7
#define TL_SO_RCVBUF		8
#define TL_SO_KEEPALIVE		9
#define TL_SO_LINGER		13

/* SOL_TCP options. */
#define TL_TCP_NODELAY		1
#define TL_TCP_MAXSEG		2
#define TL_TCP_CORK		3
#define TL_TCP_KEEPIDLE		4
#define TL_TCP_KEEPINTVL	5
#define TL_TCP_KEEPCNT		6
#define TL_TCP_SYNCNT		7
#define TL_TCP_DEFER_ACCEPT	9
#define TL_TCP_INFO		11
#define TL_TCP_QUICKACK		12
#define TL_TCP_CONGESTION	13
#define TL_TCP_USER_TIMEOUT	18
#define TL_TCP_NOTSENT_LOWAT	25
#define TL_TCP_FASTOPEN_CONNECT	30
#define TL_TCP_INQ		36

/* Flags of so_send and so_recv, and how of so_shutdown (Linux values). */
#define TL_MSG_OOB		0x01
#define TL_MSG_PEEK		0x02
#define TL_MSG_EOR		0x80
#define TL_MSG_MORE		0x8000
#define TL_MSG_FASTOPEN		0x20000000
#define TL_SHUT_RD		0
#define TL_SHUT_WR		1
#define TL_SHUT_RDWR		2

/* SO_LINGER's value (struct linger). */
typedef struct tl_linger {
    int l_onoff;
    int l_linger;		/* Seconds. */
} tl_linger;

/* TCP_CONGESTION's longest name, with its NUL (TCP_CA_NAME_MAX). */
#define TL_CA_NAME_MAX		16

/*
 * TCP_INFO's value: the fields of Linux's struct tcp_info that tcplab
 * models, with Linux's names and units (times in microseconds, windows
 * in segments); tcpi_state uses Linux's numbering (TCP_ESTABLISHED = 1).
 */
typedef struct tl_tcp_info {
    uint8_t tcpi_state, tcpi_ca_state, tcpi_retransmits, tcpi_probes,
	    tcpi_backoff, tcpi_options, tcpi_snd_wscale, tcpi_rcv_wscale;
    uint32_t tcpi_rto, tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss;
    uint32_t tcpi_unacked, tcpi_sacked, tcpi_lost, tcpi_retrans;
    uint32_t tcpi_rtt, tcpi_rttvar;
    uint32_t tcpi_snd_ssthresh, tcpi_snd_cwnd, tcpi_advmss, tcpi_reordering;
    uint32_t tcpi_reord_seen;
    uint32_t tcpi_total_retrans, tcpi_dsack_dups;
    uint64_t tcpi_bytes_acked, tcpi_bytes_received;
    uint32_t tcpi_segs_out, tcpi_segs_in, tcpi_notsent_bytes, tcpi_min_rtt;
    uint32_t tcpi_delivered, tcpi_snd_wnd, tcpi_rcv_wnd;
    uint32_t tcpi_rcv_rtt, tcpi_rcv_space, tcpi_rcv_ssthresh;
    uint32_t tcpi_last_data_sent, tcpi_last_data_recv;	/* ms */
    uint64_t tcpi_busy_time, tcpi_rwnd_limited;		/* us */
} tl_tcp_info;

/* Linux's TCPI_OPT_* bits of tcpi_options. */
#define TL_TCPI_OPT_TIMESTAMPS	1
#define TL_TCPI_OPT_SACK	2
#define TL_TCPI_OPT_WSCALE	4
#define TL_TCPI_OPT_SYN_DATA	32	/* The SYN-ACK acknowledged our SYN's data. */

/* How an option's value is carried. */
typedef enum {
    SOT_INT,			/* int */
    SOT_BOOL,			/* int, 0 or 1 when read */
    SOT_LINGER,			/* tl_linger */
    SOT_STRING,			/* char[TL_CA_NAME_MAX] */
    SOT_INFO			/* tl_tcp_info */
} tl_sotype;

/* Where an option applies (so_optdefs[].where). */
#define SOW_CONN	1	/* A connection. */
#define SOW_LISTEN	2	/* A listener (and a socket before it opens). */
#define SOW_SET		4	/* Settable (else read only). */

typedef struct tl_sockopt_def {
    const char *name;		/* As Linux spells it: "TCP_NODELAY". */
    int level, optname;
    tl_sotype type;
    int where;
} tl_sockopt_def;

/* Every option the socket layer knows, ended by a NULL name. */
extern const tl_sockopt_def so_optdefs[];
const tl_sockopt_def *so_optfind(int level, int optname);


/* Opening. */
void		so_opts_init(tl_openopts *o);
int		so_connect(tl_host *host, tl_addr raddr, uint16_t rport,
		    const tl_openopts *o, tl_tcb **tpPtr);
int		so_connect_fastopen(tl_host *host, tl_addr raddr,
		    uint16_t rport, const tl_openopts *o, const uint8_t *data,
		    uint32_t len, int nonblock, int nobuf, uint32_t *nPtr,
		    tl_tcb **tpPtr);
int		so_deferred(const tl_tcb *tp);
int		so_listen(tl_host *host, tl_addr laddr, uint16_t lport,
		    int backlog, const tl_openopts *o, tl_listener **lPtr);
int		so_listen_app(tl_host *host, uint16_t lport, int backlog,
		    const tl_app *app);
int		so_accept(tl_listener *l, tl_tcb **tpPtr);

/* Data. */
int		so_send(tl_tcb *tp, const uint8_t *data, uint32_t len,
		    int flags);
int		so_send_nonblock(tl_tcb *tp, const uint8_t *data,
		    uint32_t len, int flags, uint32_t *nPtr);
int		so_send_gen(tl_tcb *tp, uint64_t nbytes, tl_gen_fn *gen,
		    void *arg);
int		so_recv(tl_tcb *tp, uint8_t *buf, uint32_t max, int flags,
		    uint32_t *nPtr);
int		so_recv_oob(tl_tcb *tp, uint8_t *bytePtr);
uint32_t	so_inq(const tl_tcb *tp);
uint64_t	so_outq(const tl_tcb *tp);
uint64_t	so_notsent(const tl_tcb *tp);
int		so_at_eof(const tl_tcb *tp);
int		so_readable(const tl_tcb *tp);
int		so_writable(const tl_tcb *tp);

/* Ending. */
int		so_shutdown(tl_tcb *tp, int how);
int		so_close(tl_tcb *tp);
int		so_abort(tl_tcb *tp);
void		so_release(tl_tcb *tp);
void		so_listener_close(tl_listener *l);

/* Options: val points at an int, a tl_linger, a name or a tl_tcp_info;
 * *lenPtr is its size in, the size written out. */
int		so_setsockopt(tl_tcb *tp, int level, int optname,
		    const void *val, uint32_t len);
int		so_getsockopt(tl_tcb *tp, int level, int optname, void *val,
		    uint32_t *lenPtr);
int		so_listener_setsockopt(tl_listener *l, int level, int optname,
		    const void *val, uint32_t len);
int		so_listener_getsockopt(tl_listener *l, int level, int optname,
		    void *val, uint32_t *lenPtr);
int		so_opts_setsockopt(tl_openopts *o, const tl_host *h, int level,
		    int optname, const void *val, uint32_t len);
int		so_opts_getsockopt(const tl_openopts *o, const tl_host *h,
		    int level, int optname, void *val, uint32_t *lenPtr);
void		so_tcp_info(const tl_tcb *tp, tl_tcp_info *info);

#endif /* TCPLAB_SOCKET_H */
