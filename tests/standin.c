/*
 * standin.c --
 *
 *	A stand-in host for one TCB: TCP linked alone (tcp_*.o, profile.o,
 *	wire.o), with no network, no clock and no Tcl. The program plays the
 *	peer from a script of its own: it hands TCP segments and time, and
 *	prints every segment TCP sends, every timer TCP asks for, the state
 *	changes and the congestion window's changes, one line each:
 *
 *	    0.010 < S 5000:5000(0) ack 1001 win 65535 <mss 1000>
 *	    0.010 > . 1001:1001(0) ack 5001 win 65535
 *	    0.010 timer rexmt off
 *	    0.010 state SYN_SENT -> ESTABLISHED
 *	    1.020 cwnd 1000 ssthresh 4000 (retransmission timeout)
 *
 *	standin ?newreno|reno? -- the congestion-control module to use.
 *	tests/standin.test holds the expected transcripts.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tcp.h"

#define LADDR	0x0a000001u	/* 10.0.0.1, the stand-in host */
#define RADDR	0x0a000002u	/* 10.0.0.2, the peer this program plays */
#define LPORT	1025
#define RPORT	80

static tl_time now;
static tl_time due[TT_NTIMERS + 1];
static tl_host host;
static tl_tcb *tcb;

/*
 * The peer's receiver, once the connection is up: data segments reach it
 * 5 ms after they leave, and its cumulative ACK (RFC 9293 3.10.7.4: one
 * for each segment, in order or not, as RFC 5681 4.2 asks for
 * out-of-order ones) is back 5 ms later. The first transmission of the
 * segments at the sequence numbers in lost[] is lost on the way.
 */

#define RTT	(10 * TL_MS)
#define SEG	1000u
#define DATA0	1001u		/* Our first data byte. */

static int peerOn;
static uint32_t peerNxt = DATA0;	/* The peer's rcv_nxt. */
static unsigned char peerHave[64];	/* Segments received, by index. */
static uint32_t lost[4];
static int nlost;
static struct {
    tl_time t;
    uint32_t ack;
} acks[256];
static int ackHead, ackTail;

static void
Line(
    const char *fmt,
    ...) __attribute__((format(printf, 1, 2)));

#include <stdarg.h>
static void
Line(
    const char *fmt,
    ...)
{
    va_list ap;

    printf("%.3f ", (double) now / TL_SEC);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void
PrintSeg(
    const char *dir,
    const uint8_t *seg,
    uint32_t len,
    tl_addr src,
    tl_addr dst)
{
    tl_tcphdr th;
    char flags[8], ack[32] = "", mss[24] = "";
    int n = 0;

    if (tcp_parse(seg, len, src, dst, &th, 1) != WIRE_OK) {
	Line("%s bad segment", dir);
	return;
    }
    if (th.flags & TH_SYN) {
	flags[n++] = 'S';
    }
    if (th.flags & TH_FIN) {
	flags[n++] = 'F';
    }
    if (th.flags & TH_RST) {
	flags[n++] = 'R';
    }
    if (th.flags & TH_PUSH) {
	flags[n++] = 'P';
    }
    if (n == 0) {
	flags[n++] = '.';
    }
    flags[n] = 0;
    if (th.flags & TH_ACK) {
	snprintf(ack, sizeof(ack), " ack %u", (unsigned) th.ack);
    }
    if (th.opt.has_mss) {
	snprintf(mss, sizeof(mss), " <mss %u>", (unsigned) th.opt.mss);
    }
    Line("%s %s %u:%u(%u)%s win %u%s", dir, flags, (unsigned) th.seq,
	    (unsigned) (th.seq + th.datalen), (unsigned) th.datalen, ack,
	    (unsigned) th.win, mss);
}

/* The stand-in's side of tl_tcp_ops. */

static uint8_t *
SegAlloc(
    void *ctx,
    uint32_t len,
    void **segPtr)
{
    uint8_t *p = malloc(len);

    (void) ctx;
    if (p == NULL) {
	abort();
    }
    *segPtr = p;
    return p;
}

static int
SegSend(
    void *ctx,
    void *seg,
    tl_addr src,
    tl_addr dst,
    uint32_t len,
    uint32_t gso,
    uint8_t ecn)
{
    tl_tcphdr th;
    int i;

    (void) ctx;
    (void) gso;
    (void) ecn;
    tcp_set_cksum(seg, len, src, dst);	/* TCP leaves it to the sender. */
    PrintSeg(">", seg, len, src, dst);
    if (peerOn && tcp_parse(seg, len, src, dst, &th, 1) == WIRE_OK
	    && th.datalen > 0) {
	for (i = 0; i < nlost; i++) {
	    if (lost[i] == th.seq) {
		lost[i] = 0;
		Line("  (lost)");
		free(seg);
		return 0;
	    }
	}
	peerHave[(th.seq - DATA0) / SEG] = 1;
	while (peerHave[(peerNxt - DATA0) / SEG]) {
	    peerNxt += SEG;
	}
	acks[ackTail].t = now + RTT;
	acks[ackTail++].ack = peerNxt;
    }
    free(seg);
    return 0;
}

static void
Timer(
    void *ctx,
    tl_tcb *tp,
    int which,
    tl_time when)
{
    const char *name = which < TT_NTIMERS ? tcp_timernames[which] : "app";

    (void) ctx;
    (void) tp;
    due[which] = when;
    if (when == TL_NEVER) {
	Line("timer %s off", name);
    } else {
	Line("timer %s at %.3f", name, (double) when / TL_SEC);
    }
}

static int
Route(
    void *ctx,
    tl_addr dst,
    tl_tcp_route *r)
{
    (void) ctx;
    memset(r, 0, sizeof(*r));
    r->src = LADDR;
    r->mtu = 1500;
    r->local = (dst >> 8) == (LADDR >> 8);
    return 1;
}

static int
HasAddr(
    void *ctx,
    tl_addr a)
{
    (void) ctx;
    return a == LADDR;
}

/* No timer_park/unpark: TIME_WAIT and half-open connections stay TCBs. */
static const tl_tcp_ops ops = {
    .seg_alloc = SegAlloc, .seg_send = SegSend, .timer = Timer,
    .route = Route, .has_addr = HasAddr
};

/* Upcalls: state changes and congestion-window events. */

static void
UpState(
    void *user,
    tl_tcb *tp,
    int from,
    int to)
{
    (void) user;
    (void) tp;
    Line("state %s -> %s", tcp_statenames[from], tcp_statenames[to]);
}

static void
UpEvent(
    void *arg,
    const tl_evrec *ev)
{
    (void) arg;
    if (ev->kind == EV_CWND) {
	Line("cwnd %d ssthresh %d (%s)", ev->a, ev->b, ev->why);
    }
}

static const tl_upcalls up = {
    UpState, NULL, NULL, NULL, NULL, NULL, UpEvent
};
static const int events = 1;

static void Deliver(int flags, uint32_t seq, uint32_t ack, int mss);

/* Runs what is due up to t (the peer's ACKs before timers due at the same
 * time), then sets the clock to t. */
static void
Advance(
    tl_time t)
{
    for (;;) {
	int i, first = -1;

	for (i = 0; i <= TT_NTIMERS; i++) {
	    if (due[i] <= t && (first < 0 || due[i] < due[first])) {
		first = i;
	    }
	}
	if (ackHead < ackTail && acks[ackHead].t <= t
		&& (first < 0 || acks[ackHead].t <= due[first])) {
	    now = acks[ackHead].t;
	    Deliver(TH_ACK, 5001, acks[ackHead++].ack, 0);
	    continue;
	}
	if (first < 0) {
	    break;
	}
	now = due[first];
	due[first] = TL_NEVER;
	tcp_timer_expire(tcb, first);
    }
    now = t;
}

/* A segment from the peer arrives now. */
static void
Deliver(
    int flags,
    uint32_t seq,
    uint32_t ack,
    int mss)
{
    uint8_t buf[TCP_HDRLEN + 4], opts[4];
    tl_tcphdr th;
    tl_iphdr ip;
    size_t n;

    memset(&th, 0, sizeof(th));
    th.sport = RPORT;
    th.dport = LPORT;
    th.seq = seq;
    th.ack = ack;
    th.flags = (uint8_t) flags;
    th.win = 65535;
    if (mss) {
	opts[0] = TCPOPT_MSS;
	opts[1] = 4;
	put16(opts + 2, (uint16_t) mss);
    }
    n = tcp_build(buf, &th, opts, mss ? 4 : 0, 0, RADDR, LADDR);
    PrintSeg("<", buf, (uint32_t) n, RADDR, LADDR);
    memset(&ip, 0, sizeof(ip));
    ip.src = RADDR;
    ip.dst = LADDR;
    ip.proto = IPPROTO_TCP_;
    tcp_input(&host, &ip, buf, (uint32_t) n);
}

/* The peer sends a segment at time t. */
static void
Peer(
    tl_time t,
    int flags,
    uint32_t seq,
    uint32_t ack,
    int mss)
{
    Advance(t);
    Deliver(flags, seq, ack, mss);
}

/* The application writes n bytes at time ms. */
static void
Write(
    int ms,
    uint32_t n)
{
    static uint8_t data[65536];

    Advance((tl_time) ms * TL_MS);
    Line("write %u", (unsigned) n);
    if (tcp_send(tcb, data, n) != 0) {
	Line("write failed");
    }
}

int
main(
    int argc,
    char **argv)
{
    const char *cc = argc > 1 ? argv[1] : "newreno";
    tl_openopts o;
    int i, err;

    if (tcp_cc_find(cc) == NULL) {
	printf("no module %s\n", cc);
	return 1;
    }
    for (i = 0; i <= TT_NTIMERS; i++) {
	due[i] = TL_NEVER;
    }
    if (!profile_load(&host.tun, "rfc9293")) {
	return 1;
    }
    host.up = 1;
    host.tcp.ops = &ops;
    host.tcp.now = &now;
    host.tcp.up = &up;
    host.tcp.events = &events;

    /* The handshake. */
    memset(&o, 0, sizeof(o));
    o.lport = LPORT;
    o.has_isn = 1;
    o.isn = 1000;
    err = tcp_connect(&host, RADDR, RPORT, &o, &tcb);
    if (err) {
	printf("connect: %d\n", err);
	return 1;
    }
    tcb->user = &host;
    tcp_cc_set(tcb, cc);
    Peer(10 * TL_MS, TH_SYN | TH_ACK, 5000, 1001, 1000);
    peerOn = 1;

    /* Four segments, each acknowledged: slow start. */
    Write(20, 4000);
    Advance(40 * TL_MS);
    /* Eight segments; the first and the third are lost. */
    lost[nlost++] = 5001;
    lost[nlost++] = 7001;
    Write(40, 8000);
    Advance(4000 * TL_MS);
    printf("end: %s snd_una %u snd_max %u\n", tcp_statenames[tcb->state],
	    (unsigned) tcb->snd_una, (unsigned) tcb->snd_max);
    tcb->user = NULL;
    tcp_abort(tcb);
    return 0;
}
