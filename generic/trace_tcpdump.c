/*
 * trace_tcpdump.c --
 *
 *	Formats TCP segments as tcpdump 4.99 prints them with -nn (and -S for
 *	absolute sequence numbers):
 *
 *	00:00:00.001000 IP 140.252.13.35.9 > 140.252.13.34.1037: Flags [S.],
 *	    seq 1823083521, ack 1415531522, win 4096, options [mss 1024],
 *	    length 0
 *
 *	(on one line). The rules follow tcpdump 4.99's print-tcp.c: the flag
 *	letters, when "seq" is shown, relative sequence numbers, and the
 *	option list with its length checks. The time is the time of day of
 *	the network's clock (UTC), as tcpdump prints a capture file's
 *	timestamps with TZ=UTC. Payloads are never decoded (tcpdump decodes
 *	some well-known ports: 21, 22, 23, 25, 53, 80, ...).
 */

#include <stdio.h>
#include <string.h>
#include "trace.h"

/* tcpdump's option numbers beyond wire.h's. */
#define OPT_ECHO	6
#define OPT_ECHOREPLY	7
#define OPT_CC		11
#define OPT_CCNEW	12
#define OPT_CCECHO	13
#define OPT_MD5		19
#define OPT_SCPS	20
#define OPT_UTO		28
#define OPT_TCPAO	29
#define OPT_MPTCP	30
#define OPT_FASTOPEN	34
#define OPT_EXP2	254
#define MD5_SIGLEN	16

static const char *
OptionName(
    unsigned opt)
{
    switch (opt) {
    case TCPOPT_EOL: return "eol";
    case TCPOPT_NOP: return "nop";
    case TCPOPT_MSS: return "mss";
    case TCPOPT_WSCALE: return "wscale";
    case TCPOPT_SACK_PERM: return "sackOK";
    case TCPOPT_SACK: return "sack";
    case OPT_ECHO: return "echo";
    case OPT_ECHOREPLY: return "echoreply";
    case TCPOPT_TS: return "TS";
    case OPT_CC: return "cc";
    case OPT_CCNEW: return "ccnew";
    case OPT_CCECHO: return "";		/* Sic, in tcpdump 4.99.3. */
    case OPT_MD5: return "md5";
    case OPT_SCPS: return "scps";
    case OPT_UTO: return "uto";
    case OPT_TCPAO: return "tcp-ao";
    case OPT_MPTCP: return "mptcp";
    case OPT_FASTOPEN: return "tfo";
    case OPT_EXP2: return "exp";
    }
    return NULL;
}

#define OUT(...) (n += (size_t) snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__))

/* TCP Fast Open cookie (RFC 7413), as print_tcp_fastopen_option. */
static size_t
FastOpen(
    const uint8_t *cp,
    unsigned datalen,
    char *buf,
    size_t cap)
{
    size_t n = 0;
    unsigned i;

    if (datalen == 0) {
	OUT(" cookiereq");
    } else if (datalen % 2 != 0 || datalen < 4 || datalen > 16) {
	OUT(" (invalid)");
    } else {
	OUT(" cookie ");
	for (i = 0; i < datalen; i++) {
	    OUT("%02x", cp[i]);
	}
    }
    return n;
}

/*
 * Options --
 *	", options [...]" the way tcpdump walks them. Returns 0 when tcpdump
 *	would stop at "[bad opt]" (the rest of the line is then not printed).
 */

static int
Options(
    const uint8_t *cp,
    unsigned hlen,
    int rev,
    uint32_t thseq,
    uint32_t thack,
    char *buf,
    size_t cap,
    size_t *nPtr)
{
    size_t n = *nPtr;
    int ch = 0;
    unsigned opt, len, datalen, i;

#define LENCHECK(l) do { if ((l) > hlen) goto bad; } while (0)
    OUT(", options [");
    while (hlen > 0) {
	const char *name;

	if (ch) {
	    OUT("%c", ch);
	}
	opt = *cp++;
	if (opt == TCPOPT_EOL || opt == TCPOPT_NOP) {
	    len = 1;
	} else {
	    if (hlen < 2) {
		goto bad;		/* The length byte is past the header. */
	    }
	    len = *cp++;
	    if (len < 2 || len > hlen) {
		goto bad;
	    }
	    --hlen;
	}
	--hlen;
	datalen = 0;
	name = OptionName(opt);
	if (name) {
	    OUT("%s", name);
	} else {
	    OUT("unknown-%u", opt);
	}
	switch (opt) {
	case TCPOPT_MSS:
	    datalen = 2;
	    LENCHECK(datalen);
	    OUT(" %u", get16(cp));
	    break;
	case TCPOPT_WSCALE:
	    datalen = 1;
	    LENCHECK(datalen);
	    OUT(" %u", cp[0]);
	    break;
	case TCPOPT_SACK:
	    datalen = len - 2;
	    if (datalen % 8 != 0) {
		OUT(" invalid sack");
	    } else {
		OUT(" %u ", datalen / 8);
		for (i = 0; i < datalen; i += 8) {
		    uint32_t s, e;

		    LENCHECK(i + 8);
		    s = get32(cp + i);
		    e = get32(cp + i + 4);
		    if (rev) {
			s -= thseq;
			e -= thseq;
		    } else {
			s -= thack;
			e -= thack;
		    }
		    OUT("{%u:%u}", s, e);
		}
	    }
	    break;
	case OPT_CC:
	case OPT_CCNEW:
	case OPT_CCECHO:
	case OPT_ECHO:
	case OPT_ECHOREPLY:
	    datalen = 4;
	    LENCHECK(datalen);
	    OUT(" %u", get32(cp));
	    break;
	case TCPOPT_TS:
	    datalen = 8;
	    LENCHECK(datalen);
	    OUT(" val %u ecr %u", get32(cp), get32(cp + 4));
	    break;
	case OPT_MD5:
	    /* As tcpdump built with libcrypto and run without -M. */
	    datalen = MD5_SIGLEN;
	    LENCHECK(datalen);
	    OUT(" shared secret not supplied with -M, can't check - ");
	    for (i = 0; i < MD5_SIGLEN; i++) {
		OUT("%02x", cp[i]);
	    }
	    break;
	case OPT_SCPS:
	    datalen = 2;
	    LENCHECK(datalen);
	    OUT(" cap %02x id %u", cp[0], cp[1]);
	    break;
	case OPT_TCPAO:
	    datalen = len - 2;
	    if (datalen < 2) {
		OUT(" (invalid)");
	    } else {
		LENCHECK(2);
		OUT(" keyid %u rnextkeyid %u", cp[0], cp[1]);
		if (datalen > 2) {
		    OUT(" mac 0x");
		    for (i = 2; i < datalen; i++) {
			LENCHECK(i + 1);
			OUT("%02x", cp[i]);
		    }
		}
	    }
	    break;
	case TCPOPT_EOL:
	case TCPOPT_NOP:
	case TCPOPT_SACK_PERM:
	    break;
	case OPT_UTO: {
	    unsigned uto;

	    datalen = 2;
	    LENCHECK(datalen);
	    uto = get16(cp);
	    OUT(" 0x%x", uto);
	    uto = (uto & 1) ? (uto >> 1) * 60 : uto >> 1;
	    OUT(" %u", uto);
	    break;
	}
	case OPT_FASTOPEN:
	    datalen = len - 2;
	    LENCHECK(datalen);
	    OUT(" ");
	    n += FastOpen(cp, datalen, buf + n, n < cap ? cap - n : 0);
	    break;
	case OPT_EXP2: {
	    unsigned magic;

	    datalen = len - 2;
	    LENCHECK(datalen);
	    if (datalen < 2) {
		goto bad;
	    }
	    magic = get16(cp);
	    OUT("-");
	    if (magic == 0xf989) {
		OUT("tfo");
		n += FastOpen(cp + 2, datalen - 2, buf + n,
			n < cap ? cap - n : 0);
	    } else {
		OUT("%04x", magic);
	    }
	    break;
	}
	default:
	    /* Unknown options, and MPTCP (not decoded here), in hex. */
	    datalen = len - 2;
	    if (datalen) {
		OUT(" 0x");
	    }
	    for (i = 0; i < datalen; i++) {
		LENCHECK(i + 1);
		OUT("%02x", cp[i]);
	    }
	    break;
	}
	cp += datalen;
	hlen -= datalen;
	datalen++;
	if (opt != TCPOPT_EOL && opt != TCPOPT_NOP) {
	    datalen++;
	}
	if (datalen != len) {
	    OUT("[len %u]", len);
	}
	ch = ',';
	if (opt == TCPOPT_EOL) {
	    break;
	}
    }
    OUT("]");
    *nPtr = n;
    return 1;
  bad:
    OUT("[bad opt]");
    if (ch) {
	OUT("]");
    }
    *nPtr = n;
    return 0;
#undef LENCHECK
}

/*
 * trace_tcpdump --
 *	One line as tcpdump 4.99 -nn prints it (-S when t->absolute), without
 *	a newline.
 * Results:
 *	The length written (snprintf semantics).
 */

size_t
trace_tcpdump(
    tl_trace *t,
    const tl_obsinfo *info,
    const tl_seginfo *s,
    char *buf,
    size_t cap)
{
    static const struct {
	int bit;
	char c;
    } flagChars[] = {
	{TH_FIN, 'F'}, {TH_SYN, 'S'}, {TH_RST, 'R'}, {TH_PUSH, 'P'},
	{TH_ACK, '.'}, {TH_URG, 'U'}, {TH_ECE, 'E'}, {TH_CWR, 'W'}
    };
    const tl_tcphdr *th = &s->th;
    uint32_t seq = th->seq, ack = th->ack, thseq = 0, thack = 0;
    uint32_t length = th->datalen;
    tl_time secs = info->time / TL_SEC;
    long usec = (long) ((info->time % TL_SEC) / TL_US);
    int flags = th->flags, rev = 0, tod = (int) (secs % 86400);
    size_t n = 0, i;
    tl_addr a = s->ip.src, b = s->ip.dst;

    if (t->count++ == 0) {
	t->first = info->time;
    }
    t->last = info->time;
    OUT("%02d:%02d:%02d.%06ld IP ", tod / 3600, tod / 60 % 60, tod % 60, usec);
    OUT("%u.%u.%u.%u.%u > %u.%u.%u.%u.%u: Flags [", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255, th->sport, b >> 24, (b >> 16) & 255,
	    (b >> 8) & 255, b & 255, th->dport);
    for (i = 0; i < sizeof(flagChars) / sizeof(flagChars[0]); i++) {
	if (flags & flagChars[i].bit) {
	    OUT("%c", flagChars[i].c);
	}
    }
    OUT("%s]", flags ? "" : "none");
    if (!t->absolute && (flags & TH_ACK)) {
	/* tcpdump 4.99 orders a connection's ends by port. */
	tl_traceconn *c = trace_relative(t, s, 1, &seq, &ack, &rev);

	if (c) {
	    thseq = c->seq_a;
	    thack = c->seq_b;
	}
    }
    if (length > 0 || (flags & (TH_SYN | TH_FIN | TH_RST))) {
	OUT(", seq %u", seq);
	if (length > 0) {
	    OUT(":%u", seq + length);
	}
    }
    if (flags & TH_ACK) {
	OUT(", ack %u", ack);
    }
    OUT(", win %u", th->win);
    if (flags & TH_URG) {
	OUT(", urg %u", th->urp);
    }
    if (th->optlen > 0 && !Options(th->optbytes, th->optlen, rev, thseq,
	    thack, buf, cap, &n)) {
	return n;
    }
    OUT(", length %u", length);
    return n;
}

#undef OUT
