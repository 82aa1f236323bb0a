/*
 * pdagent.c --
 *
 *	The system-call agent of tcplab::packetdrill -kernel. Started inside
 *	the network namespace of the run (ip netns exec NS pdagent), it reads
 *	one call per line on stdin, performs it on the kernel's sockets and
 *	answers one line on stdout: the return value and errno, then any
 *	values the call produced. Calls run one at a time; a blocking call
 *	answers when it returns, so the caller reads answers asynchronously.
 *
 *	socket DOMAIN TYPE PROTO ?CC?   -> ret errno
 *	bind FD ADDR PORT               -> ret errno
 *	listen FD BACKLOG               -> ret errno
 *	accept FD                       -> ret errno
 *	connect FD ADDR PORT            -> ret errno
 *	read FD N / recv FD N FLAGS     -> ret errno
 *	write FD N / send FD N FLAGS    -> ret errno
 *	sendto FD N FLAGS NULL ADDR PORT -> ret errno    (NULL 1: a NULL buffer;
 *	                                   ADDR - : no address)
 *	close FD / shutdown FD HOW      -> ret errno
 *	setsockopt FD LEVEL OPT VALUE   -> ret errno     (int options)
 *	linger FD ONOFF SECS            -> ret errno     (SO_LINGER)
 *	cc FD NAME                      -> ret errno     (TCP_CONGESTION)
 *	getsockopt FD LEVEL OPT         -> ret errno value
 *	fcntl FD CMD ARG                -> ret errno
 *	ioctl FD REQ                    -> ret errno value
 *	poll FD EVENTS TIMEOUT_MS       -> ret errno revents
 *	epoll_create                    -> ret errno
 *	epoll_ctl EP OP FD EVENTS DATA  -> ret errno
 *	epoll_wait EP TIMEOUT_MS        -> ret errno events data
 *	tcpinfo FD                      -> ret errno name value ...
 *	open PATH FLAGS                 -> ret errno
 *	sendfile OUT IN OFFSET COUNT    -> ret errno offset  (OFFSET -1: NULL)
 *	pipe                            -> ret errno readfd writefd
 *	splice IN OFFIN OUT OFFOUT LEN FLAGS -> ret errno  (offsets -1: NULL)
 *	jiffy                           -> 0 0 usecs
 *	    The start of the script's clock, as packetdrill's
 *	    schedule_start_time_usecs chooses it: watch times(2) tick over
 *	    ten times, then wait until 250 us after the last tick (well
 *	    inside a jiffy, so that timers armed at whole milliseconds from
 *	    it fall where they fall under packetdrill), and answer how many
 *	    microseconds after that moment the answer was written.
 *	quit
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 20];

static void
Reply(long ret, int err, const char *extra)
{
    printf("%ld %d%s%s\n", ret, ret < 0 ? err : 0, extra ? " " : "",
	    extra ? extra : "");
    fflush(stdout);
}

static int
Addr(struct sockaddr_in *sin, const char *a, long port)
{
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_port = htons((unsigned short) port);
    if (strcmp(a, "any") == 0) {
	sin->sin_addr.s_addr = htonl(INADDR_ANY);
	return 1;
    }
    return inet_pton(AF_INET, a, &sin->sin_addr) == 1;
}

static void
TcpInfo(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    char out[4096];
    int n;

    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0) {
	Reply(-1, errno, NULL);
	return;
    }
#define F(name) (unsigned long long) ti.name
    n = snprintf(out, sizeof(out),
	    "tcpi_state %llu tcpi_ca_state %llu tcpi_retransmits %llu "
	    "tcpi_probes %llu tcpi_backoff %llu tcpi_options %llu "
	    "tcpi_snd_wscale %llu tcpi_rcv_wscale %llu tcpi_rto %llu "
	    "tcpi_ato %llu tcpi_snd_mss %llu tcpi_rcv_mss %llu "
	    "tcpi_unacked %llu tcpi_sacked %llu tcpi_lost %llu "
	    "tcpi_retrans %llu tcpi_fackets %llu tcpi_last_data_sent %llu "
	    "tcpi_last_ack_sent %llu tcpi_last_data_recv %llu "
	    "tcpi_last_ack_recv %llu tcpi_pmtu %llu tcpi_rcv_ssthresh %llu "
	    "tcpi_rtt %llu tcpi_rttvar %llu tcpi_snd_ssthresh %llu "
	    "tcpi_snd_cwnd %llu tcpi_advmss %llu tcpi_reordering %llu "
	    "tcpi_rcv_rtt %llu tcpi_rcv_space %llu tcpi_total_retrans %llu "
	    "tcpi_pacing_rate %llu tcpi_max_pacing_rate %llu "
	    "tcpi_bytes_acked %llu tcpi_bytes_received %llu "
	    "tcpi_segs_out %llu tcpi_segs_in %llu tcpi_notsent_bytes %llu "
	    "tcpi_min_rtt %llu tcpi_data_segs_in %llu "
	    "tcpi_data_segs_out %llu tcpi_delivery_rate %llu "
	    "tcpi_busy_time %llu tcpi_rwnd_limited %llu "
	    "tcpi_sndbuf_limited %llu tcpi_delivered %llu "
	    "tcpi_delivered_ce %llu tcpi_bytes_sent %llu "
	    "tcpi_bytes_retrans %llu tcpi_dsack_dups %llu "
	    "tcpi_reord_seen %llu tcpi_rcv_ooopack %llu tcpi_snd_wnd %llu",
	    F(tcpi_state), F(tcpi_ca_state), F(tcpi_retransmits),
	    F(tcpi_probes), F(tcpi_backoff), F(tcpi_options),
	    F(tcpi_snd_wscale), F(tcpi_rcv_wscale), F(tcpi_rto), F(tcpi_ato),
	    F(tcpi_snd_mss), F(tcpi_rcv_mss), F(tcpi_unacked), F(tcpi_sacked),
	    F(tcpi_lost), F(tcpi_retrans), F(tcpi_fackets),
	    F(tcpi_last_data_sent), F(tcpi_last_ack_sent),
	    F(tcpi_last_data_recv), F(tcpi_last_ack_recv), F(tcpi_pmtu),
	    F(tcpi_rcv_ssthresh), F(tcpi_rtt), F(tcpi_rttvar),
	    F(tcpi_snd_ssthresh), F(tcpi_snd_cwnd), F(tcpi_advmss),
	    F(tcpi_reordering), F(tcpi_rcv_rtt), F(tcpi_rcv_space),
	    F(tcpi_total_retrans), F(tcpi_pacing_rate),
	    F(tcpi_max_pacing_rate), F(tcpi_bytes_acked),
	    F(tcpi_bytes_received), F(tcpi_segs_out), F(tcpi_segs_in),
	    F(tcpi_notsent_bytes), F(tcpi_min_rtt), F(tcpi_data_segs_in),
	    F(tcpi_data_segs_out), F(tcpi_delivery_rate), F(tcpi_busy_time),
	    F(tcpi_rwnd_limited), F(tcpi_sndbuf_limited), F(tcpi_delivered),
	    F(tcpi_delivered_ce), F(tcpi_bytes_sent), F(tcpi_bytes_retrans),
	    F(tcpi_dsack_dups), F(tcpi_reord_seen), F(tcpi_rcv_ooopack),
	    F(tcpi_snd_wnd));
#undef F
    (void) n;
    Reply(0, 0, out);
}

int
main(void)
{
    char line[512], cmd[32], s1[64];
    long a, b, c, d, e;
    int k;

    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin) != NULL) {
	long ret = -1;
	char extra[128];

	a = b = c = d = e = 0;
	s1[0] = '\0';
	k = sscanf(line, "%31s", cmd);
	if (k != 1) {
	    continue;
	}
	errno = 0;
	if (strcmp(cmd, "quit") == 0) {
	    break;
	} else if (strcmp(cmd, "socket") == 0) {
	    /* An optional congestion control for it (TCP_CONGESTION): one
	     * round trip, not two. */
	    k = sscanf(line, "%*s %ld %ld %ld %63s", &a, &b, &c, s1);
	    ret = socket((int) a, (int) b, (int) c);
	    if (ret >= 0 && k == 4) {
		setsockopt((int) ret, IPPROTO_TCP, TCP_CONGESTION, s1,
			(socklen_t) strlen(s1));
		errno = 0;
	    }
	} else if (strcmp(cmd, "bind") == 0 || strcmp(cmd, "connect") == 0) {
	    struct sockaddr_in sin;

	    sscanf(line, "%*s %ld %63s %ld", &a, s1, &b);
	    if (!Addr(&sin, s1, b)) {
		errno = EINVAL;
	    } else if (cmd[0] == 'b') {
		ret = bind((int) a, (struct sockaddr *) &sin, sizeof(sin));
	    } else {
		ret = connect((int) a, (struct sockaddr *) &sin, sizeof(sin));
	    }
	} else if (strcmp(cmd, "listen") == 0) {
	    sscanf(line, "%*s %ld %ld", &a, &b);
	    ret = listen((int) a, (int) b);
	} else if (strcmp(cmd, "accept") == 0) {
	    sscanf(line, "%*s %ld", &a);
	    ret = accept((int) a, NULL, NULL);
	} else if (strcmp(cmd, "read") == 0 || strcmp(cmd, "recv") == 0) {
	    sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
	    if (b > (long) sizeof(buf)) {
		b = sizeof(buf);
	    }
	    ret = recv((int) a, buf, (size_t) b, (int) c);
	} else if (strcmp(cmd, "write") == 0 || strcmp(cmd, "send") == 0) {
	    sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
	    if (b > (long) sizeof(buf)) {
		b = sizeof(buf);
	    }
	    memset(buf, 0, (size_t) b);
	    ret = send((int) a, buf, (size_t) b, (int) c | MSG_NOSIGNAL);
	} else if (strcmp(cmd, "close") == 0) {
	    sscanf(line, "%*s %ld", &a);
	    ret = close((int) a);
	} else if (strcmp(cmd, "shutdown") == 0) {
	    sscanf(line, "%*s %ld %ld", &a, &b);
	    ret = shutdown((int) a, (int) b);
	} else if (strcmp(cmd, "setsockopt") == 0) {
	    int v;

	    sscanf(line, "%*s %ld %ld %ld %ld", &a, &b, &c, &d);
	    v = (int) d;
	    ret = setsockopt((int) a, (int) b, (int) c, &v, sizeof(v));
	} else if (strcmp(cmd, "linger") == 0) {
	    struct linger lg;

	    sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
	    lg.l_onoff = (int) b;
	    lg.l_linger = (int) c;
	    ret = setsockopt((int) a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	} else if (strcmp(cmd, "cc") == 0) {
	    sscanf(line, "%*s %ld %63s", &a, s1);
	    ret = setsockopt((int) a, IPPROTO_TCP, TCP_CONGESTION, s1,
		    (socklen_t) strlen(s1));
	} else if (strcmp(cmd, "getsockopt") == 0) {
	    int v = 0;
	    socklen_t len = sizeof(v);

	    sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
	    ret = getsockopt((int) a, (int) b, (int) c, &v, &len);
	    snprintf(extra, sizeof(extra), "%d", v);
	    Reply(ret, errno, extra);
	    continue;
	} else if (strcmp(cmd, "fcntl") == 0) {
	    sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
	    ret = fcntl((int) a, (int) b, c);
	} else if (strcmp(cmd, "ioctl") == 0) {
	    int v = 0;

	    sscanf(line, "%*s %ld %ld", &a, &b);
	    ret = ioctl((int) a, (unsigned long) b, &v);
	    snprintf(extra, sizeof(extra), "%d", v);
	    Reply(ret, errno, extra);
	    continue;
	} else if (strcmp(cmd, "poll") == 0) {
	    struct pollfd p;

	    sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
	    p.fd = (int) a;
	    p.events = (short) b;
	    p.revents = 0;
	    ret = poll(&p, 1, (int) c);
	    snprintf(extra, sizeof(extra), "%d", p.revents);
	    Reply(ret, errno, extra);
	    continue;
	} else if (strcmp(cmd, "epoll_create") == 0) {
	    ret = epoll_create(1);
	} else if (strcmp(cmd, "epoll_ctl") == 0) {
	    struct epoll_event ev;

	    sscanf(line, "%*s %ld %ld %ld %ld %ld", &a, &b, &c, &d, &e);
	    ev.events = (unsigned) d;
	    ev.data.u64 = (unsigned long long) e;
	    ret = epoll_ctl((int) a, (int) b, (int) c, &ev);
	} else if (strcmp(cmd, "epoll_wait") == 0) {
	    struct epoll_event ev;

	    memset(&ev, 0, sizeof(ev));
	    sscanf(line, "%*s %ld %ld", &a, &b);
	    ret = epoll_wait((int) a, &ev, 1, (int) b);
	    snprintf(extra, sizeof(extra), "%u %llu", ev.events,
		    (unsigned long long) ev.data.u64);
	    Reply(ret, errno, extra);
	    continue;
	} else if (strcmp(cmd, "tcpinfo") == 0) {
	    sscanf(line, "%*s %ld", &a);
	    TcpInfo((int) a);
	    continue;
	} else if (strcmp(cmd, "sendto") == 0) {
	    struct sockaddr_in sin;
	    int nullbuf = 0;

	    sscanf(line, "%*s %ld %ld %ld %d %63s %ld", &a, &b, &c, &nullbuf,
		    s1, &d);
	    if (b > (long) sizeof(buf)) {
		b = sizeof(buf);
	    }
	    memset(buf, 0, (size_t) b);
	    if (strcmp(s1, "-") == 0) {
		ret = sendto((int) a, nullbuf ? NULL : buf, (size_t) b,
			(int) c | MSG_NOSIGNAL, NULL, 0);
	    } else if (!Addr(&sin, s1, d)) {
		errno = EINVAL;
	    } else {
		ret = sendto((int) a, nullbuf ? NULL : buf, (size_t) b,
			(int) c | MSG_NOSIGNAL, (struct sockaddr *) &sin,
			sizeof(sin));
	    }
	} else if (strcmp(cmd, "open") == 0) {
	    char path[256];

	    path[0] = '\0';
	    sscanf(line, "%*s %255s %ld", path, &a);
	    ret = open(path, (int) a | O_CLOEXEC, 0644);
	} else if (strcmp(cmd, "sendfile") == 0) {
	    off_t off;

	    sscanf(line, "%*s %ld %ld %ld %ld", &a, &b, &c, &d);
	    off = (off_t) c;
	    ret = sendfile((int) a, (int) b, c < 0 ? NULL : &off, (size_t) d);
	    snprintf(extra, sizeof(extra), "%lld", (long long) off);
	    Reply(ret, errno, extra);
	    continue;
	} else if (strcmp(cmd, "pipe") == 0) {
	    int p[2] = { -1, -1 };

	    ret = pipe(p);
	    snprintf(extra, sizeof(extra), "%d %d", p[0], p[1]);
	    Reply(ret, errno, extra);
	    continue;
	} else if (strcmp(cmd, "splice") == 0) {
	    long f = 0;
	    loff_t oin, oout;

	    sscanf(line, "%*s %ld %ld %ld %ld %ld %ld", &a, &b, &c, &d, &e, &f);
	    oin = (loff_t) b;
	    oout = (loff_t) d;
	    ret = splice((int) a, b < 0 ? NULL : &oin, (int) c,
		    d < 0 ? NULL : &oout, (size_t) e, (unsigned) f);
	} else if (strcmp(cmd, "jiffy") == 0) {
	    clock_t last = times(NULL), now;
	    struct timespec edge = { 0, 0 }, ts;
	    int ticks = 0;

	    long since;

	    while (ticks < 10) {
		now = times(NULL);
		if (now != last) {
		    clock_gettime(CLOCK_MONOTONIC, &edge);
		    ticks++;
		}
		last = now;
	    }
	    do {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		since = (long) ((ts.tv_sec - edge.tv_sec) * 1000000L
			+ (ts.tv_nsec - edge.tv_nsec) / 1000);
	    } while (since < 250);
	    snprintf(extra, sizeof(extra), "%ld", since - 250);
	    Reply(0, 0, extra);
	    continue;
	} else {
	    errno = ENOSYS;
	}
	Reply(ret, errno, NULL);
    }
    return 0;
}
