/*
 * trace.c --
 *
 *	Formats segments the way TCP/IP Illustrated Vol. 1 prints them.
 */

#include <stdio.h>
#include <string.h>
#include "net.h"
#include "host.h"
#include "trace.h"

/* Well-known ports the book's tcpdump printed by name (RFC 1700 names). */
static const struct {
    uint16_t port;
    const char *name;
} services[] = {
    {7, "echo"}, {9, "discard"}, {13, "daytime"}, {19, "chargen"},
    {20, "ftp-data"}, {21, "ftp"}, {23, "telnet"}, {25, "smtp"},
    {37, "time"}, {53, "domain"}, {79, "finger"}, {80, "www"},
    {111, "sunrpc"}, {512, "exec"}, {513, "login"}, {514, "shell"},
    {0, NULL}
};

const char *
port_name(
    uint16_t port)
{
    int i;

    for (i = 0; services[i].name; i++) {
	if (services[i].port == port) {
	    return services[i].name;
	}
    }
    return NULL;
}

/* The i-th well-known port (its number in *portPtr), or NULL past the end. */
const char *
port_service(
    int i,
    uint16_t *portPtr)
{
    if (i < 0 || i >= (int) (sizeof(services) / sizeof(services[0])) - 1) {
	return NULL;
    }
    *portPtr = services[i].port;
    return services[i].name;
}

int
port_lookup(
    const char *name)
{
    int i;

    for (i = 0; services[i].name; i++) {
	if (strcmp(services[i].name, name) == 0) {
	    return services[i].port;
	}
    }
    return -1;
}

/*
 * trace_segment --
 *	Extracts the IPv4 and TCP headers of a frame. Checksums are not
 *	verified here: a trace shows what was on the wire.
 * Results:
 *	1 for a TCP segment, 0 otherwise.
 */

int
trace_segment(
    const tl_obsinfo *info,
    tl_seginfo *s)
{
    const uint8_t *d = info->frame + info->l2len, *t;
    uint32_t len = info->len - info->l2len, tl;

    if (info->len < info->l2len || len < IP_HDRLEN || ip_version(d) != 4) {
	return 0;
    }
    if (info->l2len == ETH_HDRLEN && eth_type(info->frame) != ETHERTYPE_IP) {
	return 0;
    }
    ip_fields(d, &s->ip);
    if (s->ip.proto != IPPROTO_TCP_ || s->ip.hlen < IP_HDRLEN
	    || s->ip.len > len || s->ip.len < s->ip.hlen + TCP_HDRLEN) {
	return 0;
    }
    t = d + s->ip.hlen;
    tl = s->ip.len - s->ip.hlen;
    tcp_fields(t, &s->th);
    if (s->th.off < TCP_HDRLEN || s->th.off > tl) {
	s->th.off = TCP_HDRLEN;
    }
    s->th.optbytes = t + TCP_HDRLEN;
    s->th.optlen = (uint8_t) (s->th.off - TCP_HDRLEN);
    tcp_opts_parse(s->th.optbytes, s->th.optlen, &s->th.opt);
    s->th.data = t + s->th.off;
    s->th.datalen = tl - s->th.off;
    return 1;
}

void
trace_init(
    tl_trace *t)
{
    memset(t, 0, sizeof(*t));
}

void
trace_free(
    tl_trace *t)
{
    free(t->conns);
    trace_init(t);
}

/* The host name for an address, or the dotted quad. */
size_t
trace_addr(
    tl_net *net,
    tl_addr a,
    char *buf,
    size_t cap)
{
    tl_host *h = net ? net_find_host_by_addr(net, a) : NULL;

    if (h) {
	return (size_t) snprintf(buf, cap, "%s", h->name);
    }
    return (size_t) snprintf(buf, cap, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
}

static size_t
Endpoint(
    tl_net *net,
    tl_addr a,
    uint16_t port,
    char *buf,
    size_t cap)
{
    size_t n = trace_addr(net, a, buf, cap);
    const char *name = port_name(port);

    if (n >= cap) {
	return n;
    }
    if (name) {
	return n + (size_t) snprintf(buf + n, cap - n, ".%s", name);
    }
    return n + (size_t) snprintf(buf + n, cap - n, ".%u", port);
}

/* Options as "<mss 1024,nop,wscale 0>" (old tcpdump). */
static size_t
Options(
    const tl_tcphdr *th,
    char *buf,
    size_t cap)
{
    const uint8_t *p = th->optbytes;
    size_t i = 0, n = 0;
    int first = 1;

    if (th->optlen == 0) {
	return 0;
    }
#define OUT(...) (n += (size_t) snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__))
    OUT(" <");
    while (i < th->optlen) {
	uint8_t kind = p[i], len = kind <= TCPOPT_NOP ? 1
		: i + 1 < th->optlen ? p[i + 1] : 0;

	if (!first) {
	    OUT(",");
	}
	first = 0;
	if (len == 0 || i + len > th->optlen || (kind > TCPOPT_NOP && len < 2)) {
	    OUT("[bad opt]");
	    break;
	}
	switch (kind) {
	case TCPOPT_EOL:
	    OUT("eol");
	    break;
	case TCPOPT_NOP:
	    OUT("nop");
	    break;
	case TCPOPT_MSS:
	    OUT(len == 4 ? "mss %u" : "mss?", get16(p + i + 2));
	    break;
	case TCPOPT_WSCALE:
	    OUT("wscale %u", len == 3 ? p[i + 2] : 0);
	    break;
	case TCPOPT_SACK_PERM:
	    OUT("sackOK");
	    break;
	case TCPOPT_TS:
	    if (len == 10) {
		OUT("timestamp %u %u", get32(p + i + 2), get32(p + i + 6));
	    } else {
		OUT("timestamp?");
	    }
	    break;
	case TCPOPT_SACK: {
	    int k;

	    OUT("sack %d ", (len - 2) / 8);
	    for (k = 0; k + 8 <= len - 2; k += 8) {
		OUT("{%u:%u}", get32(p + i + 2 + k), get32(p + i + 6 + k));
	    }
	    break;
	}
	default:
	    OUT("opt-%u:%u", kind, len);
	    break;
	}
	if (kind == TCPOPT_EOL) {
	    break;
	}
	i += len;
    }
    OUT(">");
#undef OUT
    return n;
}

/*
 * trace_relative --
 *	tcpdump's relative sequence numbers. One entry per connection, keyed
 *	by addresses and ports in a fixed order (by address, as the old
 *	tcpdump of the book did, or by port first, as tcpdump 4.99 does).
 *	Only segments with ACK take part; the first of a connection, or any
 *	with SYN, records the bases (its own sequence number and the peer's,
 *	ack - 1) and is printed absolute; later ones print seq and ack minus
 *	the bases.
 * Results:
 *	The connection's entry (NULL if memory ran out); *revPtr tells
 *	whether the segment goes from the key's second end to its first.
 */

tl_traceconn *
trace_relative(
    tl_trace *t,
    const tl_seginfo *s,
    int portOrder,
    uint32_t *seq,
    uint32_t *ack,
    int *revPtr)
{
    tl_addr src = s->ip.src, dst = s->ip.dst;
    uint16_t sp = s->th.sport, dp = s->th.dport;
    int rev = portOrder ? sp > dp || (sp == dp && src > dst)
	    : src > dst || (src == dst && sp > dp), i;
    tl_traceconn key, *c = NULL;

    *revPtr = rev;
    key.a = rev ? dst : src;
    key.b = rev ? src : dst;
    key.pa = rev ? dp : sp;
    key.pb = rev ? sp : dp;
    for (i = 0; i < t->nconns; i++) {
	tl_traceconn *x = &t->conns[i];

	if (x->a == key.a && x->b == key.b && x->pa == key.pa
		&& x->pb == key.pb) {
	    c = x;
	    break;
	}
    }
    if (c == NULL || (s->th.flags & TH_SYN)) {
	if (c == NULL) {
	    if (t->nconns == t->capconns) {
		int cap = t->capconns ? 2 * t->capconns : 16;
		tl_traceconn *v = realloc(t->conns, (size_t) cap * sizeof(*v));

		if (v == NULL) {
		    return NULL;
		}
		t->conns = v;
		t->capconns = cap;
	    }
	    c = &t->conns[t->nconns++];
	}
	*c = key;
	/* seq_a: the key's first end's base, seq_b: the second's. */
	if (rev) {
	    c->seq_b = *seq;
	    c->seq_a = *ack - 1;
	} else {
	    c->seq_a = *seq;
	    c->seq_b = *ack - 1;
	}
    } else if (rev) {
	*seq -= c->seq_b;
	*ack -= c->seq_a;
    } else {
	*seq -= c->seq_a;
	*ack -= c->seq_b;
    }
    return c;
}

/*
 * trace_book --
 *	One line in the book's format: "N T (delta) src.port > dst.port: flags
 *	seq:end(len) ack A win W urg U <opts>".
 * Results:
 *	The length written (snprintf semantics).
 */

size_t
trace_book(
    tl_trace *t,
    tl_net *net,
    const tl_obsinfo *info,
    const tl_seginfo *s,
    char *buf,
    size_t cap)
{
    const tl_tcphdr *th = &s->th;
    uint32_t seq = th->seq, ack = th->ack;
    size_t n = 0;
    int flags = th->flags;

#define OUT(...) (n += (size_t) snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__))
    if (t->count == 0) {
	t->first = t->last = info->time;
	OUT("%ld 0.0", ++t->count);
    } else {
	OUT("%ld %.6f (%.4f)", ++t->count,
		(double) (info->time - t->first) / TL_SEC,
		(double) (info->time - t->last) / TL_SEC);
	t->last = info->time;
    }
    OUT(" ");
    n += Endpoint(net, s->ip.src, th->sport, buf + n, n < cap ? cap - n : 0);
    OUT(" > ");
    n += Endpoint(net, s->ip.dst, th->dport, buf + n, n < cap ? cap - n : 0);
    OUT(": ");
    if (!t->absolute && (flags & TH_ACK)) {
	int rev;

	trace_relative(t, s, 0, &seq, &ack, &rev);
    }
    if (flags & (TH_SYN | TH_FIN | TH_RST | TH_PUSH)) {
	OUT("%s%s%s%s", (flags & TH_SYN) ? "S" : "", (flags & TH_FIN) ? "F" : "",
		(flags & TH_RST) ? "R" : "", (flags & TH_PUSH) ? "P" : "");
    } else {
	OUT(".");
    }
    if (th->datalen > 0 || (flags & (TH_SYN | TH_FIN | TH_RST))) {
	OUT(" %u:%u(%u)", seq, seq + th->datalen, th->datalen);
    }
    if (flags & TH_ACK) {
	OUT(" ack %u", ack);
    }
    OUT(" win %u", th->win);
    if (flags & TH_URG) {
	OUT(" urg %u", th->urp);
    }
    n += Options(th, buf + n, n < cap ? cap - n : 0);
    if (s->ip.tos) {
	OUT(" [tos 0x%x]", s->ip.tos);
    }
#undef OUT
    return n;
}
