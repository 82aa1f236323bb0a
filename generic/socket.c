/*
 * socket.c --
 *
 *	The socket layer (socket.h): each user request checked and handed to
 *	TCP (tcp_user.c), and the socket options read and set with Linux's
 *	names, numbers, value checks and errors (net/core/sock.c
 *	sk_setsockopt(), net/ipv4/tcp.c do_tcp_setsockopt(),
 *	do_tcp_getsockopt(), tcp_get_info()). What is modelled and how is
 *	said at each option; doc/tcplab.n gives the user's view.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "socket.h"

/* Linux limits (include/net/tcp.h). */
#define MAX_TCP_WINDOW		32767
#define MAX_TCP_KEEPIDLE	32767
#define MAX_TCP_KEEPINTVL	32767
#define MAX_TCP_KEEPCNT		127
#define MAX_TCP_SYNCNT		127
#define TCP_INFINITE_SSTHRESH	0x7fffffff
/* tcplab's socket buffer limits (as -rcvbuf and -sndbuf). */
#define SOCKBUF_MIN		512
#define SOCKBUF_MAX		(1 << 30)

#define C	SOW_CONN
#define L	SOW_LISTEN
#define S	SOW_SET
const tl_sockopt_def so_optdefs[] = {
    {"SO_ERROR",	 TL_SOL_SOCKET, TL_SO_ERROR,	    SOT_INT,	C|L},
    {"SO_KEEPALIVE",	 TL_SOL_SOCKET, TL_SO_KEEPALIVE,    SOT_BOOL,	C|L|S},
    {"SO_LINGER",	 TL_SOL_SOCKET, TL_SO_LINGER,	    SOT_LINGER, C|L|S},
    {"SO_RCVBUF",	 TL_SOL_SOCKET, TL_SO_RCVBUF,	    SOT_INT,	C|L|S},
    {"SO_REUSEADDR",	 TL_SOL_SOCKET, TL_SO_REUSEADDR,    SOT_BOOL,	C|L|S},
    {"SO_SNDBUF",	 TL_SOL_SOCKET, TL_SO_SNDBUF,	    SOT_INT,	C|L|S},
    {"TCP_CONGESTION",	 TL_SOL_TCP,	TL_TCP_CONGESTION,  SOT_STRING, C|L|S},
    {"TCP_CORK",	 TL_SOL_TCP,	TL_TCP_CORK,	    SOT_BOOL,	C|L|S},
    {"TCP_DEFER_ACCEPT", TL_SOL_TCP,	TL_TCP_DEFER_ACCEPT, SOT_INT,	C|L|S},
    {"TCP_FASTOPEN_CONNECT", TL_SOL_TCP, TL_TCP_FASTOPEN_CONNECT, SOT_BOOL, C|L|S},
    {"TCP_INFO",	 TL_SOL_TCP,	TL_TCP_INFO,	    SOT_INFO,	C|L},
    {"TCP_INQ",		 TL_SOL_TCP,	TL_TCP_INQ,	    SOT_INT,	C|L|S},
    {"TCP_KEEPCNT",	 TL_SOL_TCP,	TL_TCP_KEEPCNT,	    SOT_INT,	C|L|S},
    {"TCP_KEEPIDLE",	 TL_SOL_TCP,	TL_TCP_KEEPIDLE,    SOT_INT,	C|L|S},
    {"TCP_KEEPINTVL",	 TL_SOL_TCP,	TL_TCP_KEEPINTVL,   SOT_INT,	C|L|S},
    {"TCP_MAXSEG",	 TL_SOL_TCP,	TL_TCP_MAXSEG,	    SOT_INT,	C|L|S},
    {"TCP_NODELAY",	 TL_SOL_TCP,	TL_TCP_NODELAY,	    SOT_BOOL,	C|L|S},
    {"TCP_NOTSENT_LOWAT", TL_SOL_TCP,	TL_TCP_NOTSENT_LOWAT, SOT_INT,	C|L|S},
    {"TCP_QUICKACK",	 TL_SOL_TCP,	TL_TCP_QUICKACK,    SOT_BOOL,	C|L|S},
    {"TCP_SYNCNT",	 TL_SOL_TCP,	TL_TCP_SYNCNT,	    SOT_INT,	C|L|S},
    {"TCP_USER_TIMEOUT", TL_SOL_TCP,	TL_TCP_USER_TIMEOUT, SOT_INT,	C|L|S},
    {NULL, 0, 0, SOT_INT, 0}
};
#undef C
#undef L
#undef S


const tl_sockopt_def *
so_optfind(
    int level,
    int optname)
{
    const tl_sockopt_def *d;

    for (d = so_optdefs; d->name; d++) {
	if (d->level == level && d->optname == optname) {
	    return d;
	}
    }
    return NULL;
}

/*
 *----------------------------------------------------------------------
 * Opening and closing.
 *----------------------------------------------------------------------
 */

void
so_opts_init(
    tl_openopts *o)
{
    memset(o, 0, sizeof(*o));
}

int
so_connect(
    tl_host *h,
    tl_addr raddr,
    uint16_t rport,
    const tl_openopts *o,
    tl_tcb **tpPtr)
{
    tl_openopts def;

    if (o == NULL) {
	so_opts_init(&def);
	o = &def;
    }
    if (raddr == 0 || rport == 0) {
	return EINVAL;
    }
    return tcp_connect(h, raddr, rport, o, tpPtr);
}

/*
 * so_connect_fastopen --
 *	sendto() with MSG_FASTOPEN on a socket not connected (Linux
 *	tcp_sendmsg_fastopen()): connect() and write in one, the data in the
 *	SYN as Fast Open allows (tcp_fastopen.c). nonblock: take only what
 *	the SYN carries; nobuf: the buffer could not be read, so the SYN
 *	goes without data, asking for a cookie. EOPNOTSUPP unless tunable
 *	tcp_fastopen has the client bit.
 * Results:
 *	0 with *nPtr the bytes taken, or an errno.
 */

int
so_connect_fastopen(
    tl_host *h,
    tl_addr raddr,
    uint16_t rport,
    const tl_openopts *o,
    const uint8_t *data,
    uint32_t len,
    int nonblock,
    int nobuf,
    uint32_t *nPtr,
    tl_tcb **tpPtr)
{
    tl_openopts def;
    tl_fosend fo;
    int err;

    *nPtr = 0;
    if (o == NULL) {
	so_opts_init(&def);
	o = &def;
    }
    if (!(h->tun.tcp_fastopen & 1)) {
	return EOPNOTSUPP;
    }
    if (raddr == 0 || rport == 0) {
	return EINVAL;
    }
    fo.data = data;
    fo.len = len;
    fo.nonblock = nonblock;
    fo.nobuf = nobuf;
    fo.taken = 0;
    err = tcp_connect_fo(h, raddr, rport, o, &fo, tpPtr);
    *nPtr = fo.taken;
    return err;
}

/* Whether connect() deferred the SYN to the first write (Fast Open). */
int
so_deferred(
    const tl_tcb *tp)
{
    return tp->x->fo_defer;
}

int
so_listen(
    tl_host *h,
    tl_addr laddr,
    uint16_t lport,
    int backlog,
    const tl_openopts *o,
    tl_listener **lPtr)
{
    tl_openopts def;

    if (o == NULL) {
	so_opts_init(&def);
	o = &def;
    }
    return tcp_listen(h, laddr, lport, backlog, o, NULL, lPtr);
}

/* A built-in application's listener (inetd's): its connections are
 * accepted at once and run app. */
int
so_listen_app(
    tl_host *h,
    uint16_t lport,
    int backlog,
    const tl_app *app)
{
    tl_openopts o;
    tl_listener *l;

    so_opts_init(&o);
    return tcp_listen(h, 0, lport, backlog, &o, app, &l);
}

/* accept(): the oldest completed connection, or EAGAIN. */
int
so_accept(
    tl_listener *l,
    tl_tcb **tpPtr)
{
    tl_tcb *tp = tcp_accept(l);

    if (tp == NULL) {
	return EAGAIN;
    }
    *tpPtr = tp;
    return 0;
}

int
so_shutdown(
    tl_tcb *tp,
    int how)
{
    if (how < TL_SHUT_RD || how > TL_SHUT_RDWR) {
	return EINVAL;
    }
    return tcp_shutdown(tp, how != TL_SHUT_WR, how != TL_SHUT_RD);
}

/*
 * so_close --
 *	close(): the orderly release, or a RST with SO_LINGER {1 0} or unread
 *	data (tcp_usr_close). With SO_LINGER {1 N}, Linux's close() blocks up
 *	to N seconds for the FIN to be acknowledged and the connection then
 *	goes on as usual; no call blocks in tcplab, so that close is the
 *	orderly one.
 */

int
so_close(
    tl_tcb *tp)
{
    tcp_usr_close(tp);
    return 0;
}

int
so_abort(
    tl_tcb *tp)
{
    tcp_abort(tp);
    return 0;
}

/* The user's handle goes: as a process exiting closes its sockets. */
void
so_release(
    tl_tcb *tp)
{
    tcp_release(tp);
}

void
so_listener_close(
    tl_listener *l)
{
    tcp_listener_close(l);
}

/*
 *----------------------------------------------------------------------
 * Data.
 *----------------------------------------------------------------------
 */

/* send(): MSG_OOB sends urgent data; MSG_MORE corks this write's data,
 * MSG_EOR ends a record no later data joins (tcp_send_flags()). Nothing
 * is refused for space (a blocking write, taken whole; so_send_nonblock()
 * is the one that stops). */
int
so_send(
    tl_tcb *tp,
    const uint8_t *data,
    uint32_t len,
    int flags)
{
    if (flags & ~(TL_MSG_OOB | TL_MSG_MORE | TL_MSG_EOR)) {
	return EOPNOTSUPP;
    }
    if (tp->x->fo_defer) {
	/* The first write after a deferred connect() sends the SYN with
	 * it (Linux tcp_sendmsg_locked(): DEFER_CONNECT). */
	tl_fosend fo = {data, len, 0, 0, 0};

	return tcp_fastopen_write(tp, &fo);
    }
    if (flags & TL_MSG_OOB) {
	return tcp_send_urgent(tp, data, len);
    }
    return tcp_send_flags(tp, data, len,
	    ((flags & TL_MSG_MORE) ? TCP_SEND_MORE : 0)
	    | ((flags & TL_MSG_EOR) ? TCP_SEND_EOR : 0));
}

/*
 * so_send_nonblock --
 *	A non-blocking send(): how much of it Linux's tcp_sendmsg_locked()
 *	takes now. Data goes into skbs of tcp_size_goal() bytes; the unsent
 *	last skb fills up unchecked, but a new skb is begun only while
 *	sk_stream_memory_free(): with tunable skb_truesize, the send
 *	buffer's memory (tcp_wmem_queued()) is below its size; with
 *	TCP_NOTSENT_LOWAT, fewer than the mark's bytes wait unsent
 *	(tcp_stream_memory_free() with wake 0). A full skb is pushed at once
 *	(tcp_push_one()), so what cwnd allows leaves between skbs. With
 *	neither, everything is taken. MSG_EOR marks the record's end only
 *	when the whole write was taken. A write cut short leaves the socket
 *	waiting for space (SOCK_NOSPACE, tcp_writable_check()).
 * Results:
 *	0 with *nPtr the bytes taken, EAGAIN when none could be, or an error
 *	as so_send gives.
 */

int
so_send_nonblock(
    tl_tcb *tp,
    const uint8_t *data,
    uint32_t len,
    int flags,
    uint32_t *nPtr)
{
    uint32_t goal, done = 0;
    int err, wmem = tp->host->tun.skb_truesize != 0;

    *nPtr = 0;
    if (tp->x->fo_defer) {
	/* A non-blocking first write after a deferred connect(): what the
	 * SYN carries, or EINPROGRESS when it carries nothing (Linux
	 * tcp_sendmsg_locked(): -EINPROGRESS with copied_syn 0). */
	tl_fosend fo = {data, len, 1, 0, 0};

	err = tcp_fastopen_write(tp, &fo);
	if (err == 0 && fo.taken == 0) {
	    err = EINPROGRESS;
	}
	*nPtr = fo.taken;
	return err;
    }
    if (tp->host->tun.send_wait_connect && !tp->so_error
	    && (tp->state == TCPS_SYN_SENT || tp->state == TCPS_SYN_RECEIVED)) {
	return EAGAIN;		/* sk_stream_wait_connect(), no timeout */
    }
    if ((tp->x->notsent_lowat == 0 && !wmem) || (flags & TL_MSG_OOB)
	    || len == 0 || !TCPS_HAVEESTABLISHED(tp->state)
	    || tp->so_error || (tp->flags & TF_WANTFIN)) {
	err = so_send(tp, data, len, flags);
	if (err == 0) {
	    *nPtr = len;
	}
	return err;
    }
    goal = tcp_size_goal(tp);
    while (done < len) {
	uint64_t unsent = so_notsent(tp);
	uint32_t n;

	if (wmem) {
	    n = tcp_wq_room(tp, goal);	/* Room in the unsent last skb. */
	} else {
	    /* The unsent skbs taken as full from snd_nxt on. */
	    uint32_t tail = (uint32_t) (unsent % goal);

	    n = unsent && tail ? goal - tail : 0;
	}
	if (n == 0) {
	    /* A new skb, if sk_stream_memory_free(). */
	    if ((wmem && tcp_wmem_queued(tp) >= tp->sndbuf.cap)
		    || (tp->x->notsent_lowat
			&& unsent >= tp->x->notsent_lowat)) {
		tcp_xw(tp)->nospace = 1;
		break;
	    }
	    n = goal;
	}
	n = TL_MIN(n, len - done);
	err = so_send(tp, data ? data + done : NULL, n,
		(flags & ~TL_MSG_EOR) | (done + n == len ? flags & TL_MSG_EOR
		: 0));
	if (err) {
	    if (done) {
		break;
	    }
	    return err;
	}
	done += n;
    }
    *nPtr = done;
    return done ? 0 : EAGAIN;
}

/* sendfile()-like: nbytes of a generated stream (apps.c's source). */
int
so_send_gen(
    tl_tcb *tp,
    uint64_t nbytes,
    tl_gen_fn *gen,
    void *arg)
{
    if (tp->so_error) {
	int err = tp->so_error;

	tp->so_error = 0;
	return err;
    }
    return tcp_send_gen(tp, nbytes, gen, arg);
}

/*
 * so_recv --
 *	recv(): up to max bytes into buf (NULL drops them); MSG_PEEK leaves
 *	them queued. With nothing read, a pending error is returned (and
 *	cleared, as sock_error() does); at the end of the stream 0 bytes;
 *	else EAGAIN.
 */

int
so_recv(
    tl_tcb *tp,
    uint8_t *buf,
    uint32_t max,
    int flags,
    uint32_t *nPtr)
{
    uint32_t avail = tcp_readable(tp), n = TL_MIN(avail, max);

    *nPtr = 0;
    if (flags & ~TL_MSG_PEEK) {
	return EOPNOTSUPP;
    }
    if (n == 0) {
	if (tp->so_error) {
	    int err = tp->so_error;

	    tp->so_error = 0;
	    return err;
	}
	if (tp->x->disconnected) {
	    return ENOTCONN;	/* Linux tcp_recvmsg(), tunable
				 * shutdown_connecting. */
	}
	return (avail == 0 && !tcp_at_eof(tp) && max > 0) ? EAGAIN : 0;
    }
    if (flags & TL_MSG_PEEK) {
	if (buf) {
	    ring_peek(&tp->rcvbuf, 0, buf, n);
	}
    } else {
	n = tcp_recv(tp, buf, n);
    }
    *nPtr = n;
    return 0;
}

/* recv(MSG_OOB): the urgent byte; EWOULDBLOCK before it came, EINVAL
 * when there is none (4.4BSD soreceive with tcp_usrreq PRU_RCVOOB). */
int
so_recv_oob(
    tl_tcb *tp,
    uint8_t *bytePtr)
{
    return tcp_recv_urgent(tp, bytePtr);
}

/* ioctl SIOCINQ (FIONREAD): bytes waiting to be read. */
uint32_t
so_inq(
    const tl_tcb *tp)
{
    return tcp_readable(tp);
}

/* ioctl SIOCOUTQ: bytes written and not yet acknowledged. */
uint64_t
so_outq(
    const tl_tcb *tp)
{
    return tp->sndbuf.len + tp->x->pend_bytes;
}

/* ioctl SIOCOUTQNSD: bytes written and not yet sent. */
uint64_t
so_notsent(
    const tl_tcb *tp)
{
    return tcp_unsent(tp);
}

int
so_at_eof(
    const tl_tcb *tp)
{
    return tcp_at_eof(tp);
}

/* poll() POLLIN: data, the end of the stream or an error waits. */
int
so_readable(
    const tl_tcb *tp)
{
    return tcp_readable(tp) > 0 || tp->so_error || tcp_at_eof(tp);
}

/*
 * so_writable --
 *	poll() POLLOUT (Linux tcp_poll(): __sk_stream_is_writeable(sk, 1)):
 *	once established (or when a write would fail at once); with
 *	TCP_NOTSENT_LOWAT only while fewer than half the mark's bytes wait
 *	unsent (tcp_stream_memory_free() with wake 1, as a waiting writer is
 *	woken: tcp_writable_check()); with tunable skb_truesize only while the
 *	send buffer's memory is below its size with a third of it free
 *	(tcp_wmem_writable()).
 */

int
so_writable(
    const tl_tcb *tp)
{
    if (tp->so_error || tp->state == TCPS_CLOSED) {
	return 1;
    }
    if (!TCPS_HAVEESTABLISHED(tp->state)) {
	return 0;
    }
    /* After a shutdown a write fails at once: writable. */
    if (tp->flags & TF_WANTFIN) {
	return 1;
    }
    return (tp->x->notsent_lowat == 0
	    || (tcp_unsent(tp) << 1) < tp->x->notsent_lowat)
	    && tcp_wmem_writable(tp);
}

/*
 *----------------------------------------------------------------------
 * Options.
 *----------------------------------------------------------------------
 */

/* Linux secs_to_retrans() and retrans_to_secs() for TCP_DEFER_ACCEPT,
 * with TCP_TIMEOUT_INIT 1 s and TCP_RTO_MAX 120 s. */
static int
SecsToRetrans(
    int seconds)
{
    int res = 0, timeout = 1, period;

    if (seconds > 0) {
	period = timeout;
	res = 1;
	while (seconds > period && res < 255) {
	    res++;
	    timeout <<= 1;
	    if (timeout > 120) {
		timeout = 120;
	    }
	    period += timeout;
	}
    }
    return res;
}

static int
RetransToSecs(
    int retrans)
{
    int period = 0, timeout = 1;

    if (retrans > 0) {
	period = timeout;
	while (--retrans) {
	    timeout <<= 1;
	    if (timeout > 120) {
		timeout = 120;
	    }
	    period += timeout;
	}
    }
    return period;
}

/* A value taken from the caller, checked as Linux checks it. */
typedef struct Val {
    int i;
    tl_linger lg;
    char name[TL_CA_NAME_MAX];
} Val;

static int
Take(
    const tl_sockopt_def *d,
    const void *val,
    uint32_t len,
    Val *v)
{
    int i;

    memset(v, 0, sizeof(*v));
    switch (d->type) {
    case SOT_INT:
    case SOT_BOOL:
	if (val == NULL || len < sizeof(int)) {
	    return EINVAL;
	}
	memcpy(&v->i, val, sizeof(int));
	break;
    case SOT_LINGER:
	if (val == NULL || len < sizeof(tl_linger)) {
	    return EINVAL;
	}
	memcpy(&v->lg, val, sizeof(tl_linger));
	return 0;
    case SOT_STRING:
	if (val == NULL || len < 1) {
	    return EINVAL;
	}
	memcpy(v->name, val, TL_MIN(len, (uint32_t) TL_CA_NAME_MAX - 1));
	/* tcp_set_congestion_control(): the modules of tcp_cc.c. */
	return tcp_cc_find(v->name) ? 0 : ENOENT;
    case SOT_INFO:
	return ENOPROTOOPT;
    }
    i = v->i;
    switch (d->optname + (d->level << 8)) {
    case TL_TCP_MAXSEG + (TL_SOL_TCP << 8):
	if (i && (i < TCP_MIN_MSS || i > MAX_TCP_WINDOW)) {
	    return EINVAL;
	}
	break;
    case TL_TCP_KEEPIDLE + (TL_SOL_TCP << 8):
	if (i < 1 || i > MAX_TCP_KEEPIDLE) {
	    return EINVAL;
	}
	break;
    case TL_TCP_KEEPINTVL + (TL_SOL_TCP << 8):
	if (i < 1 || i > MAX_TCP_KEEPINTVL) {
	    return EINVAL;
	}
	break;
    case TL_TCP_KEEPCNT + (TL_SOL_TCP << 8):
	if (i < 1 || i > MAX_TCP_KEEPCNT) {
	    return EINVAL;
	}
	break;
    case TL_TCP_SYNCNT + (TL_SOL_TCP << 8):
	/* tcp_sock_set_syncnt(): 1 to MAX_TCP_SYNCNT. */
	if (i < 1 || i > MAX_TCP_SYNCNT) {
	    return EINVAL;
	}
	break;
    case TL_TCP_USER_TIMEOUT + (TL_SOL_TCP << 8):
	if (i < 0) {
	    return EINVAL;
	}
	break;
    case TL_TCP_INQ + (TL_SOL_TCP << 8):
    case TL_TCP_FASTOPEN_CONNECT + (TL_SOL_TCP << 8):
	/* do_tcp_setsockopt(): 0 or 1, else EINVAL. */
	if (i < 0 || i > 1) {
	    return EINVAL;
	}
	break;
    case TL_SO_RCVBUF + (TL_SOL_SOCKET << 8):
    case TL_SO_SNDBUF + (TL_SOL_SOCKET << 8):
	/* Linux clamps instead of refusing (sk_setsockopt()): an int taken
	 * as unsigned, at most the maximum, at least the minimum. The
	 * receive buffer is the window space as given (Linux keeps twice
	 * it and announces about half); the send buffer follows the
	 * tunable sndbuf_double (SndbufSize()). */
	v->i = (unsigned) i > SOCKBUF_MAX ? SOCKBUF_MAX
		: i < SOCKBUF_MIN ? SOCKBUF_MIN : i;
	break;
    default:
	break;
    }
    return 0;
}

/* Checks the option and whether it may be set where asked. */
static int
Lookup(
    int level,
    int optname,
    int where,
    int set,
    const tl_sockopt_def **dPtr)
{
    const tl_sockopt_def *d = so_optfind(level, optname);

    if (d == NULL || (set && !(d->where & SOW_SET))) {
	return ENOPROTOOPT;
    }
    if (!(d->where & where)) {
	return EINVAL;
    }
    *dPtr = d;
    return 0;
}

/* The send buffer setsockopt(SO_SNDBUF, v) makes: Linux sk_setsockopt()
 * doubles min(v, wmem_max 212992), at least SOCK_MIN_SNDBUF (2 x
 * (2048 + 256) = 4608); others take v. */
static uint32_t
SndbufSize(
    const tl_host *h,
    int v)
{
    if (!h->tun.sndbuf_double) {
	return (uint32_t) v;
    }
    v = TL_MIN(v, 212992);
    return (uint32_t) TL_MAX(2 * v, 4608);
}

/* Sets one option in an options record (a socket not open, a listener). */
static void
OptsSet(
    tl_openopts *o,
    const tl_host *h,
    const tl_sockopt_def *d,
    const Val *v)
{
    int b = v->i != 0;

    switch (d->optname + (d->level << 8)) {
    case TL_SO_KEEPALIVE + (TL_SOL_SOCKET << 8): o->keepalive = b; break;
    case TL_SO_LINGER + (TL_SOL_SOCKET << 8):
	o->linger_on = v->lg.l_onoff != 0;
	o->linger = v->lg.l_linger < 0 ? INT_MAX : v->lg.l_linger;
	break;
    case TL_SO_RCVBUF + (TL_SOL_SOCKET << 8): o->rcvbuf = v->i; break;
    case TL_SO_SNDBUF + (TL_SOL_SOCKET << 8):
	o->sndbuf = h ? (int) SndbufSize(h, v->i) : v->i;
	break;
    case TL_SO_REUSEADDR + (TL_SOL_SOCKET << 8): o->reuseaddr = b; break;
    case TL_TCP_NODELAY + (TL_SOL_TCP << 8): o->nodelay = b; break;
    case TL_TCP_CORK + (TL_SOL_TCP << 8): o->cork = b; break;
    case TL_TCP_MAXSEG + (TL_SOL_TCP << 8): o->mss = v->i; break;
    case TL_TCP_KEEPIDLE + (TL_SOL_TCP << 8): o->keepidle = v->i; break;
    case TL_TCP_KEEPINTVL + (TL_SOL_TCP << 8): o->keepintvl = v->i; break;
    case TL_TCP_KEEPCNT + (TL_SOL_TCP << 8): o->keepcnt = v->i; break;
    case TL_TCP_SYNCNT + (TL_SOL_TCP << 8): o->syn_retries = v->i; break;
    case TL_TCP_USER_TIMEOUT + (TL_SOL_TCP << 8):
	o->user_timeout = (uint32_t) v->i;
	break;
    case TL_TCP_NOTSENT_LOWAT + (TL_SOL_TCP << 8):
	o->notsent_lowat = (uint32_t) v->i;
	break;
    case TL_TCP_INQ + (TL_SOL_TCP << 8): o->recvmsg_inq = b; break;
    case TL_TCP_FASTOPEN_CONNECT + (TL_SOL_TCP << 8):
	o->fastopen_connect = b;
	break;
    case TL_TCP_DEFER_ACCEPT + (TL_SOL_TCP << 8):
	o->defer_accept = SecsToRetrans(v->i);
	break;
    case TL_TCP_QUICKACK + (TL_SOL_TCP << 8): o->pingpong = !(v->i & 1); break;
    case TL_TCP_CONGESTION + (TL_SOL_TCP << 8):
	memcpy(o->cc_name, v->name, sizeof(o->cc_name));
	break;
    }
}

/* Writes an option's value out: an int, a linger, a name or the info. */
static int
Give(
    const tl_sockopt_def *d,
    int i,
    const tl_linger *lg,
    const char *name,
    const tl_tcp_info *info,
    void *val,
    uint32_t *lenPtr)
{
    const void *src;
    uint32_t n;

    switch (d->type) {
    case SOT_LINGER:
	src = lg;
	n = sizeof(*lg);
	break;
    case SOT_STRING:
	src = name;
	n = (uint32_t) strlen(name) + 1;
	break;
    case SOT_INFO:
	src = info;
	n = sizeof(*info);
	break;
    default:
	if (d->type == SOT_BOOL) {
	    i = i != 0;
	}
	src = &i;
	n = sizeof(int);
	break;
    }
    if (*lenPtr < n && d->type != SOT_STRING && d->type != SOT_INFO) {
	/* Linux copies at most len bytes of a struct or name; an int needs
	 * room for an int. */
	return EINVAL;
    }
    n = TL_MIN(n, *lenPtr);
    memcpy(val, src, n);
    *lenPtr = n;
    return 0;
}

/* The value of an option held in an options record; h (may be NULL) gives
 * the tunables that stand for options not set. */
static int
OptsGet(
    const tl_openopts *o,
    const tl_sockopt_def *d,
    void *val,
    uint32_t *lenPtr,
    const tl_listener *l,
    const tl_host *h)
{
    tl_linger lg;
    tl_tcp_info info;
    int i = 0;
    const tl_tunables *t = h ? &h->tun : NULL;

    lg.l_onoff = o->linger_on;
    lg.l_linger = o->linger_on ? o->linger : 0;
    memset(&info, 0, sizeof(info));
    switch (d->optname + (d->level << 8)) {
    case TL_SO_ERROR + (TL_SOL_SOCKET << 8): i = 0; break;
    case TL_SO_KEEPALIVE + (TL_SOL_SOCKET << 8): i = o->keepalive; break;
    case TL_SO_RCVBUF + (TL_SOL_SOCKET << 8):
	i = o->rcvbuf ? o->rcvbuf : t ? t->rcvbuf : 0;
	break;
    case TL_SO_SNDBUF + (TL_SOL_SOCKET << 8):
	i = o->sndbuf ? o->sndbuf : t ? t->sndbuf : 0;
	break;
    case TL_SO_REUSEADDR + (TL_SOL_SOCKET << 8): i = o->reuseaddr; break;
    case TL_TCP_NODELAY + (TL_SOL_TCP << 8): i = o->nodelay; break;
    case TL_TCP_CORK + (TL_SOL_TCP << 8): i = o->cork; break;
    case TL_TCP_MAXSEG + (TL_SOL_TCP << 8):
	i = o->mss ? o->mss : TCP_MSS_DEFAULT;
	break;
    case TL_TCP_KEEPIDLE + (TL_SOL_TCP << 8):
	i = o->keepidle ? o->keepidle : t ? t->tcp_keepalive_time : 0;
	break;
    case TL_TCP_KEEPINTVL + (TL_SOL_TCP << 8):
	i = o->keepintvl ? o->keepintvl : t ? t->tcp_keepalive_intvl : 0;
	break;
    case TL_TCP_KEEPCNT + (TL_SOL_TCP << 8):
	i = o->keepcnt ? o->keepcnt : t ? t->tcp_keepalive_probes : 0;
	break;
    case TL_TCP_SYNCNT + (TL_SOL_TCP << 8):
	i = o->syn_retries ? o->syn_retries : t ? t->tcp_syn_retries : 0;
	break;
    case TL_TCP_USER_TIMEOUT + (TL_SOL_TCP << 8): i = (int) o->user_timeout; break;
    case TL_TCP_NOTSENT_LOWAT + (TL_SOL_TCP << 8):
	i = (int) o->notsent_lowat;
	break;
    case TL_TCP_INQ + (TL_SOL_TCP << 8): i = o->recvmsg_inq; break;
    case TL_TCP_FASTOPEN_CONNECT + (TL_SOL_TCP << 8):
	i = o->fastopen_connect;
	break;
    case TL_TCP_DEFER_ACCEPT + (TL_SOL_TCP << 8):
	i = RetransToSecs(o->defer_accept);
	break;
    case TL_TCP_QUICKACK + (TL_SOL_TCP << 8): i = !o->pingpong; break;
    case TL_TCP_INFO + (TL_SOL_TCP << 8):
	/* Linux tcp_get_info() on a listener: the accept queue's length
	 * and limit in tcpi_unacked and tcpi_sacked. */
	info.tcpi_state = l ? 10 : 7;	/* TCP_LISTEN, TCP_CLOSE */
	if (l) {
	    info.tcpi_unacked = (uint32_t) l->qlen;
	    info.tcpi_sacked = (uint32_t) l->backlog;
	}
	break;
    }
    return Give(d, i, &lg, o->cc_name[0] ? o->cc_name
	    : h ? tcp_cc_modules[h->tun.tcp_congestion_control]->name
	    : tcp_cc_modules[0]->name, &info, val, lenPtr);
}

int
so_opts_setsockopt(
    tl_openopts *o,
    const tl_host *h,
    int level,
    int optname,
    const void *val,
    uint32_t len)
{
    const tl_sockopt_def *d;
    Val v;
    int err = Lookup(level, optname, SOW_LISTEN, 1, &d);

    if (err || (err = Take(d, val, len, &v)) != 0) {
	return err;
    }
    if (d->optname == TL_TCP_FASTOPEN_CONNECT && d->level == TL_SOL_TCP
	    && h && !(h->tun.tcp_fastopen & 1)) {
	/* do_tcp_setsockopt(): only with the client bit of
	 * net.ipv4.tcp_fastopen. */
	return EOPNOTSUPP;
    }
    OptsSet(o, h, d, &v);
    return 0;
}

int
so_opts_getsockopt(
    const tl_openopts *o,
    const tl_host *h,
    int level,
    int optname,
    void *val,
    uint32_t *lenPtr)
{
    const tl_sockopt_def *d;
    int err = Lookup(level, optname, SOW_LISTEN, 0, &d);

    return err ? err : OptsGet(o, d, val, lenPtr, NULL, h);
}

/* A listener's options are its connections' to be (Linux copies the
 * listening socket into each child). */
int
so_listener_setsockopt(
    tl_listener *l,
    int level,
    int optname,
    const void *val,
    uint32_t len)
{
    if (level == TL_SOL_TCP && optname == TL_TCP_FASTOPEN_CONNECT) {
	/* Set only on a closed socket (do_tcp_setsockopt()). */
	return (l->host->tun.tcp_fastopen & 1) ? EINVAL : EOPNOTSUPP;
    }
    return so_opts_setsockopt(&l->opts, l->host, level, optname, val, len);
}

int
so_listener_getsockopt(
    tl_listener *l,
    int level,
    int optname,
    void *val,
    uint32_t *lenPtr)
{
    const tl_sockopt_def *d;
    int err = Lookup(level, optname, SOW_LISTEN, 0, &d);

    return err ? err : OptsGet(&l->opts, d, val, lenPtr, l, l->host);
}

/* Resizes a socket buffer, never below what it holds. */
static int
Resize(
    tl_ring *r,
    uint32_t cap)
{
    tl_ring n;

    if (cap < r->len) {
	cap = r->len;
    }
    if (cap == r->cap) {
	return 0;
    }
    if (!ring_init(&n, cap)) {
	return ENOMEM;
    }
    if (r->len) {
	if (!ring_reserve(&n, r->len)) {
	    return ENOMEM;
	}
	ring_peek(r, 0, n.buf, r->len);
	ring_write(&n, NULL, r->len);
    }
    ring_free(r);
    *r = n;
    return 0;
}

int
so_setsockopt(
    tl_tcb *tp,
    int level,
    int optname,
    const void *val,
    uint32_t len)
{
    const tl_sockopt_def *d;
    Val v;
    int err = Lookup(level, optname, SOW_CONN, 1, &d), b;

    if (err || (err = Take(d, val, len, &v)) != 0) {
	return err;
    }
    b = v.i != 0;
    switch (d->optname + (d->level << 8)) {
    case TL_SO_KEEPALIVE + (TL_SOL_SOCKET << 8):
	/* Linux tcp_set_keepalive(): the timer starts or stops. */
	if (b) {
	    tp->flags |= TF_KEEPALIVE;
	    tcp_keep_arm(tp);
	} else {
	    tp->flags &= ~TF_KEEPALIVE;
	    tcp_timer_cancel(tp, TT_KEEP);
	}
	break;
    case TL_SO_LINGER + (TL_SOL_SOCKET << 8):
	tcp_xw(tp)->linger = !v.lg.l_onoff ? -1 : v.lg.l_linger < 0 ? INT_MAX
		: v.lg.l_linger;
	if (tp->x->linger == 0) {
	    tp->flags |= TF_RST_ON_CLOSE;
	} else {
	    tp->flags &= ~TF_RST_ON_CLOSE;
	}
	break;
    case TL_SO_RCVBUF + (TL_SOL_SOCKET << 8):
	/* The window scale chosen at the SYN stays; later windows follow
	 * the new size. */
	err = Resize(&tp->rcvbuf, tcp_rcvbuf_size(tp->host, v.i));
	if (err == 0) {
	    /* Linux SOCK_RCVBUF_LOCK: no autotuning from now on. */
	    tp->rcvbuf_lock = 1;
	    tp->sk_rcvbuf = 0;
	}
	if (err == 0 && TCPS_HAVEESTABLISHED(tp->state)) {
	    tcp_output(tp);
	}
	break;
    case TL_SO_SNDBUF + (TL_SOL_SOCKET << 8):
	err = Resize(&tp->sndbuf, SndbufSize(tp->host, v.i));
	tp->flags |= TF_SNDBUF_LOCK;
	if (err == 0 && TCPS_HAVEESTABLISHED(tp->state)) {
	    tcp_output(tp);
	}
	break;
    case TL_SO_REUSEADDR + (TL_SOL_SOCKET << 8):
	tp->reuseaddr = b;
	break;
    case TL_TCP_NODELAY + (TL_SOL_TCP << 8):
	/* Setting it pushes what waits, even past TCP_CORK, which stays
	 * on (do_tcp_setsockopt(): TCP_NAGLE_PUSH). */
	if (b) {
	    tp->flags |= TF_NODELAY;
	    tcp_push(tp);
	} else {
	    tp->flags &= ~TF_NODELAY;
	}
	break;
    case TL_TCP_CORK + (TL_SOL_TCP << 8):
	/* Uncorking pushes the partial segment (__tcp_sock_set_cork()). */
	if (b) {
	    tp->flags |= TF_CORK;
	} else if (tp->flags & TF_CORK) {
	    tcp_uncork(tp);
	}
	break;
    case TL_TCP_MAXSEG + (TL_SOL_TCP << 8):
	/* Kept; it clamps the MSS offered by a SYN, so an open connection
	 * keeps the MSS it has (tcp_connect_init()). */
	tcp_xw(tp)->user_mss = (uint16_t) v.i;
	break;
    case TL_TCP_KEEPIDLE + (TL_SOL_TCP << 8):
	tcp_xw(tp)->keepidle = v.i;
	if ((tp->flags & TF_KEEPALIVE) && tp->x->keep_probes == 0) {
	    tcp_keep_arm(tp);
	}
	break;
    case TL_TCP_KEEPINTVL + (TL_SOL_TCP << 8):
	tcp_xw(tp)->keepintvl = v.i;
	break;
    case TL_TCP_KEEPCNT + (TL_SOL_TCP << 8):
	tcp_xw(tp)->keepcnt = v.i;
	break;
    case TL_TCP_SYNCNT + (TL_SOL_TCP << 8):
	/* icsk_syn_retries; a SYN already sent counts from the TCB's
	 * creation, when connect() sent it. */
	if (tp->x->syn_retries == 0 && tp->snd_max != tp->iss) {
	    tcp_xw(tp)->syn_time = tp->created;
	}
	tcp_xw(tp)->syn_retries = (uint8_t) v.i;
	break;
    case TL_TCP_USER_TIMEOUT + (TL_SOL_TCP << 8):
	tcp_xw(tp)->user_timeout = (uint32_t) v.i;
	break;
    case TL_TCP_NOTSENT_LOWAT + (TL_SOL_TCP << 8):
	tcp_xw(tp)->notsent_lowat = (uint32_t) v.i;
	if (tp->x->notsent_lowat) {
	    tcp_writable_check(tp);
	}
	break;
    case TL_TCP_INQ + (TL_SOL_TCP << 8):
	tcp_xw(tp)->recvmsg_inq = b;
	break;
    case TL_TCP_FASTOPEN_CONNECT + (TL_SOL_TCP << 8):
	/* do_tcp_setsockopt(): a connection is not TCP_CLOSE. */
	return (tp->host->tun.tcp_fastopen & 1) ? EINVAL : EOPNOTSUPP;
    case TL_TCP_QUICKACK + (TL_SOL_TCP << 8):
	/* __tcp_sock_set_quickack(): 1 leaves the delayed-ACK (pingpong)
	 * mode and sends a delayed ACK now; 0 enters it. */
	if (v.i & 1) {
	    tp->flags &= ~TF_PINGPONG;
	    if (tp->flags & TF_DELACK) {
		tp->flags |= TF_ACKNOW;
		tcp_output(tp);
	    }
	} else {
	    tp->flags |= TF_PINGPONG;
	}
	break;
    case TL_TCP_CONGESTION + (TL_SOL_TCP << 8):
	err = tcp_cc_set(tp, v.name);
	break;
    case TL_TCP_DEFER_ACCEPT + (TL_SOL_TCP << 8):
	tcp_xw(tp)->defer_accept = (uint8_t) SecsToRetrans(v.i);
	break;
    }
    return err;
}

int
so_getsockopt(
    tl_tcb *tp,
    int level,
    int optname,
    void *val,
    uint32_t *lenPtr)
{
    const tl_sockopt_def *d;
    const tl_tunables *t = &tp->host->tun;
    tl_linger lg;
    tl_tcp_info info;
    int err = Lookup(level, optname, SOW_CONN, 0, &d), i = 0;

    if (err) {
	return err;
    }
    lg.l_onoff = tp->x->linger >= 0;
    lg.l_linger = tp->x->linger >= 0 ? tp->x->linger : 0;
    memset(&info, 0, sizeof(info));
    switch (d->optname + (d->level << 8)) {
    case TL_SO_ERROR + (TL_SOL_SOCKET << 8):
	/* sock_error(): reading clears it. */
	i = tp->so_error;
	tp->so_error = 0;
	break;
    case TL_SO_KEEPALIVE + (TL_SOL_SOCKET << 8):
	i = (tp->flags & TF_KEEPALIVE) != 0;
	break;
    case TL_SO_RCVBUF + (TL_SOL_SOCKET << 8):
	/* As set: the ring holds one window-scale unit more. A buffer that
	 * autotuning grew: its window at the profile's ratio. */
	i = (int) (tp->rcvbuf.cap - tcp_rcvbuf_size(tp->host, 0));
	if (!tp->rcvbuf_lock && tp->sk_rcvbuf
		&& tp->host->tun.rcv_scaling_ratio) {
	    i = (int) TL_MIN(((uint64_t) tp->sk_rcvbuf
		    * (uint32_t) tp->host->tun.rcv_scaling_ratio) >> 8,
		    (uint64_t) INT_MAX);
	}
	break;
    case TL_SO_SNDBUF + (TL_SOL_SOCKET << 8):
	i = (int) tp->sndbuf.cap;
	break;
    case TL_SO_REUSEADDR + (TL_SOL_SOCKET << 8):
	i = tp->reuseaddr;
	break;
    case TL_TCP_NODELAY + (TL_SOL_TCP << 8):
	i = (tp->flags & TF_NODELAY) != 0;
	break;
    case TL_TCP_CORK + (TL_SOL_TCP << 8):
	i = (tp->flags & TF_CORK) != 0;
	break;
    case TL_TCP_MAXSEG + (TL_SOL_TCP << 8):
	/* The MSS in use; the one set, before connecting. */
	i = tp->state == TCPS_CLOSED && tp->x->user_mss ? tp->x->user_mss
		: tp->mss;
	break;
    case TL_TCP_KEEPIDLE + (TL_SOL_TCP << 8):
	i = tp->x->keepidle ? tp->x->keepidle : t->tcp_keepalive_time;
	break;
    case TL_TCP_KEEPINTVL + (TL_SOL_TCP << 8):
	i = tp->x->keepintvl ? tp->x->keepintvl : t->tcp_keepalive_intvl;
	break;
    case TL_TCP_KEEPCNT + (TL_SOL_TCP << 8):
	i = tp->x->keepcnt ? tp->x->keepcnt : t->tcp_keepalive_probes;
	break;
    case TL_TCP_SYNCNT + (TL_SOL_TCP << 8):
	i = tp->x->syn_retries ? tp->x->syn_retries : t->tcp_syn_retries;
	break;
    case TL_TCP_USER_TIMEOUT + (TL_SOL_TCP << 8):
	i = (int) tp->x->user_timeout;
	break;
    case TL_TCP_NOTSENT_LOWAT + (TL_SOL_TCP << 8):
	i = (int) tp->x->notsent_lowat;
	break;
    case TL_TCP_QUICKACK + (TL_SOL_TCP << 8):
	i = !(tp->flags & TF_PINGPONG);
	break;
    case TL_TCP_INQ + (TL_SOL_TCP << 8):
	i = tp->x->recvmsg_inq;
	break;
    case TL_TCP_FASTOPEN_CONNECT + (TL_SOL_TCP << 8):
	i = tp->x->fastopen_connect;
	break;
    case TL_TCP_DEFER_ACCEPT + (TL_SOL_TCP << 8):
	i = RetransToSecs(tp->x->defer_accept);
	break;
    case TL_TCP_INFO + (TL_SOL_TCP << 8):
	so_tcp_info(tp, &info);
	break;
    }
    return Give(d, i, &lg, tcp_cc_name(tp), &info, val, lenPtr);
}

/* Segments that n bytes take, at mss bytes each. */
static uint32_t
Segs(
    uint32_t n,
    uint32_t mss)
{
    return mss ? (n + mss - 1) / mss : 0;
}

static uint32_t
Usec(
    tl_time t)
{
    return (uint32_t) (t / TL_US);
}

/*
 * so_tcp_info --
 *	TCP_INFO, as Linux 6.18 tcp_get_info() fills it, from what tcplab
 *	keeps: windows in segments of the send MSS, times in microseconds.
 *	Linux counts segments (skbs) where tcplab counts bytes: tcpi_unacked,
 *	tcpi_sacked, tcpi_lost, tcpi_retrans and tcpi_delivered are the
 *	bytes concerned in whole send MSSs; tcpi_rcv_mss is the smaller of
 *	the two MSSs (Linux estimates it from the segments received).
 */

void
so_tcp_info(
    const tl_tcb *tp,
    tl_tcp_info *info)
{
    /* Linux's TCP_* state numbers, in tcplab's state order. */
    static const uint8_t linuxState[TCPS_NSTATES] = {
	7, 10, 2, 3, 1, 8, 4, 11, 9, 5, 6
    };
    uint32_t mss = tp->mss, flight = tp->snd_max - tp->snd_una;
    uint32_t sacked = 0;
    int i;

    memset(info, 0, sizeof(*info));
    info->tcpi_state = linuxState[tp->state];
    /* Open 0, Disorder 1, CWR 2, Recovery 3, Loss 4. */
    info->tcpi_ca_state = (uint8_t) tp->ca_state;
    info->tcpi_retransmits = (uint8_t) TL_MIN(tp->rxtshift, 255);
    info->tcpi_probes = (uint8_t) TL_MIN(tp->probes_out, 255);
    info->tcpi_backoff = (uint8_t) TL_MIN(tp->rxtshift
	    - TL_MIN(tp->x->rexmt_unsent, tp->rxtshift), 255);
    if ((tp->flags & (TF_REQ_TSTMP | TF_RCVD_TSTMP))
	    == (TF_REQ_TSTMP | TF_RCVD_TSTMP)) {
	info->tcpi_options |= TL_TCPI_OPT_TIMESTAMPS;
    }
    if (tp->flags & TF_SACK_PERMIT) {
	info->tcpi_options |= TL_TCPI_OPT_SACK;
    }
    if ((tp->flags & (TF_REQ_SCALE | TF_RCVD_SCALE))
	    == (TF_REQ_SCALE | TF_RCVD_SCALE)) {
	info->tcpi_options |= TL_TCPI_OPT_WSCALE;
	info->tcpi_snd_wscale = tp->snd_wscale;
	info->tcpi_rcv_wscale = tp->rcv_wscale;
    }
    if (tp->x->syn_data_acked) {
	info->tcpi_options |= TL_TCPI_OPT_SYN_DATA;
    }
    info->tcpi_rto = Usec(tp->rto);
    info->tcpi_ato = Usec(tcp_ato(tp));
    info->tcpi_snd_mss = mss;
    info->tcpi_rcv_mss = TL_MIN(tp->mss, tp->mss_offer);
    info->tcpi_advmss = tp->mss_offer;
    if (TCPS_HAVEESTABLISHED(tp->state) || tp->state == TCPS_SYN_RECEIVED
	    || tp->state == TCPS_SYN_SENT) {
	info->tcpi_unacked = Segs(flight, mss);
    }
    for (i = 0; i < tp->nsackblk; i++) {
	sacked += Segs(tp->sackblk[i][1] - tp->sackblk[i][0], mss);
    }
    info->tcpi_sacked = sacked;
    if ((tp->flags & TF_SACK_PERMIT)
	    && tp->host->tun.sack_recovery == SACKREC_LINUX) {
	/* Linux's lost_out and retrans_out, from RACK's send log. */
	tcp_rack_outstanding(tp, &info->tcpi_lost, &info->tcpi_retrans);
    } else if (!(tp->flags & TF_SACK_PERMIT) && tp->host->tun.reno_recovery
	    && info->tcpi_ca_state != CA_LOSS) {
	/* The same from the send log; sacked_out is the count of
	 * duplicate ACKs (tcp_add_reno_sack()). */
	tcp_rack_outstanding(tp, &info->tcpi_lost, &info->tcpi_retrans);
	info->tcpi_sacked = (uint32_t) tp->dupacks;
    } else if (info->tcpi_ca_state == CA_LOSS) {
	/* tcp_enter_loss(): all that is not SACKed is lost. */
	info->tcpi_lost = info->tcpi_unacked > sacked
		? info->tcpi_unacked - sacked : 0;
	info->tcpi_retrans = Segs(tp->snd_nxt - tp->snd_una, mss);
    } else if (info->tcpi_ca_state == CA_RECOVERY) {
	/* RFC 6675's count: what went again. */
	info->tcpi_retrans = tp->nsackblk ? Segs(tp->high_rxt - tp->snd_una,
		mss) : 1;
	info->tcpi_lost = info->tcpi_retrans;
    }
    info->tcpi_rtt = Usec(tp->srtt);
    info->tcpi_rttvar = Usec(tp->rttvar);
    info->tcpi_snd_ssthresh = tp->ssthresh >= TCP_INFINITE_SSTHRESH
	    ? TCP_INFINITE_SSTHRESH : tp->ssthresh / (mss ? mss : 1);
    info->tcpi_snd_cwnd = tp->cwnd / (mss ? mss : 1);
    info->tcpi_reordering = tp->reordering;
    info->tcpi_reord_seen = tp->reord_seen;
    info->tcpi_total_retrans = (uint32_t) tp->retrans;
    info->tcpi_dsack_dups = tp->dsack_dups;
    info->tcpi_bytes_acked = tp->bytes_out;
    info->tcpi_bytes_received = tp->bytes_in;
    info->tcpi_segs_out = (uint32_t) tp->segs_out;
    info->tcpi_segs_in = (uint32_t) tp->segs_in;
    info->tcpi_notsent_bytes = (uint32_t) TL_MIN(tcp_unsent(tp),
	    (uint64_t) UINT32_MAX);
    info->tcpi_min_rtt = tp->min_rtt ? Usec(tp->min_rtt) : UINT32_MAX;
    /* Delivered segments (Linux tp->delivered): the SYN once
     * acknowledged, then the data, SACKed segments as they are SACKed. */
    info->tcpi_delivered = (SEQ_GT(tp->snd_una, tp->iss) ? 1 : 0)
	    + (uint32_t) ((tp->bytes_out + (mss ? mss - 1 : 0)) / (mss ? mss : 1))
	    + sacked;
    /* Milliseconds since data last left and last arrived (Linux: now -
     * lsndtime, now - icsk_ack.lrcvtime, in jiffies as milliseconds;
     * lrcvtime starts when the connection is established). */
    info->tcpi_last_data_sent = (uint32_t) ((tcp_now(tp->host)
	    - tp->lsndtime) / TL_MS);
    info->tcpi_last_data_recv = (uint32_t) ((tcp_now(tp->host)
	    - tp->lrcvtime) / TL_MS);
    /* tcp_get_info_chrono_stats(): busy is the sum of the chronographs. */
    info->tcpi_rwnd_limited = (uint64_t) (tcp_chrono_stat(tp, 2) / TL_US);
    info->tcpi_busy_time = (uint64_t) (tcp_chrono_stat(tp, 1) / TL_US)
	    + info->tcpi_rwnd_limited;
    info->tcpi_snd_wnd = tp->snd_wnd;
    info->tcpi_rcv_wnd = SEQ_GT(tp->rcv_adv, tp->rcv_nxt)
	    ? tp->rcv_adv - tp->rcv_nxt : 0;
    /* The receive side (Linux tcp_get_info(): rcv_rtt_est.rtt_us >> 3,
     * rcvq_space.space, rcv_ssthresh). */
    info->tcpi_rcv_rtt = tp->rcv_rtt_us8 >> 3;
    info->tcpi_rcv_space = tp->rcvq_space;
    info->tcpi_rcv_ssthresh = tp->rcv_wnd_clamp;
}
