/*
 * capture.c --
 *
 *	libpcap wherever a frame is saved, read or matched: BPF filters
 *	(pcap_compile on pcap_open_dead handles, pcap_offline_filter on
 *	simulated frames), the scope of observers and fault rules, pcap
 *	capture files (pcap_dump) timed by the network's clock, and TCP
 *	segments out of frames read back from any pcap file.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "net.h"
#include "host.h"
#include "capture.h"

#define BPF_SNAPLEN	262144	/* tcpdump's default: frames of 64 KiB segments fit */

/* LINKTYPE_RAW; libpcap maps it to DLT_RAW when reading, but be lenient. */
#define LINKTYPE_RAW_	101

struct tl_bpf {
    char *expr;			/* As the user wrote it. */
    struct bpf_program prog[2];	/* Ethernet, raw IPv4. */
    int ok[2];			/* Compiled for that link type. */
    struct bpf_insn *trial[2];	/* The same program answering 1 where it
				 * refuses and 2 where it accepts (Trial),
				 * or NULL. */
};

/*
 *----------------------------------------------------------------------
 * Host names in filter expressions.
 *
 *	libpcap resolves a name after "host", "src", "dst" ... through the
 *	resolver (DNS), which knows nothing of the simulated network. So
 *	before compiling, a word that names a host of the network, where
 *	libpcap would take it as a host name, becomes that host's address
 *	("(a or b)" for a host with several), or its MAC address after
 *	"ether"/"link" ("ether src svr4"). Words libpcap reads as keywords,
 *	port or network names, or protocol names are left alone, as are
 *	words inside MAC or IPv6 addresses. A backslash forces a word to be
 *	read as a name ("host \\host" for a host called "host"), as libpcap
 *	itself does.
 *----------------------------------------------------------------------
 */

typedef enum {
    KW_NONE,			/* Not a keyword: a name or a number. */
    KW_LINKPROTO,		/* ether, link, ...: hosts are MACs. */
    KW_PROTO,			/* ip, tcp, arp, ...: hosts are addresses. */
    KW_DIR,			/* src, dst. */
    KW_HOST,			/* host. */
    KW_NOTHOST,			/* net, port, portrange, proto, gateway... */
    KW_BOOL,			/* and, or. */
    KW_NOT,			/* not. */
    KW_OTHER			/* Every other keyword. */
} KeywordKind;

static const struct {
    const char *word;
    KeywordKind kind;
} keywords[] = {
    {"link", KW_LINKPROTO}, {"ether", KW_LINKPROTO}, {"ppp", KW_LINKPROTO},
    {"slip", KW_LINKPROTO}, {"fddi", KW_LINKPROTO}, {"tr", KW_LINKPROTO},
    {"wlan", KW_LINKPROTO},
    {"arp", KW_PROTO}, {"rarp", KW_PROTO}, {"ip", KW_PROTO},
    {"sctp", KW_PROTO}, {"tcp", KW_PROTO}, {"udp", KW_PROTO},
    {"icmp", KW_PROTO}, {"igmp", KW_PROTO}, {"igrp", KW_PROTO},
    {"pim", KW_PROTO}, {"vrrp", KW_PROTO}, {"carp", KW_PROTO},
    {"radio", KW_PROTO}, {"ip6", KW_PROTO}, {"icmp6", KW_PROTO},
    {"ah", KW_PROTO}, {"esp", KW_PROTO}, {"atalk", KW_PROTO},
    {"aarp", KW_PROTO}, {"decnet", KW_PROTO}, {"lat", KW_PROTO},
    {"sca", KW_PROTO}, {"moprc", KW_PROTO}, {"mopdl", KW_PROTO},
    {"iso", KW_PROTO}, {"esis", KW_PROTO}, {"es-is", KW_PROTO},
    {"isis", KW_PROTO}, {"is-is", KW_PROTO}, {"l1", KW_PROTO},
    {"l2", KW_PROTO}, {"iih", KW_PROTO}, {"lsp", KW_PROTO},
    {"snp", KW_PROTO}, {"csnp", KW_PROTO}, {"psnp", KW_PROTO},
    {"clnp", KW_PROTO}, {"stp", KW_PROTO}, {"ipx", KW_PROTO},
    {"netbeui", KW_PROTO},
    {"src", KW_DIR}, {"dst", KW_DIR},
    {"host", KW_HOST},
    {"net", KW_NOTHOST}, {"mask", KW_NOTHOST}, {"port", KW_NOTHOST},
    {"portrange", KW_NOTHOST}, {"proto", KW_NOTHOST},
    {"protochain", KW_NOTHOST}, {"gateway", KW_NOTHOST},
    {"and", KW_BOOL}, {"or", KW_BOOL},
    {"type", KW_OTHER}, {"subtype", KW_OTHER}, {"direction", KW_OTHER},
    {"dir", KW_OTHER}, {"address1", KW_OTHER}, {"addr1", KW_OTHER},
    {"address2", KW_OTHER}, {"addr2", KW_OTHER}, {"address3", KW_OTHER},
    {"addr3", KW_OTHER}, {"address4", KW_OTHER}, {"addr4", KW_OTHER},
    {"ra", KW_OTHER}, {"ta", KW_OTHER}, {"less", KW_OTHER},
    {"greater", KW_OTHER}, {"byte", KW_OTHER}, {"broadcast", KW_OTHER},
    {"multicast", KW_OTHER}, {"not", KW_NOT}, {"len", KW_OTHER},
    {"length", KW_OTHER}, {"inbound", KW_OTHER}, {"outbound", KW_OTHER},
    {"ifindex", KW_OTHER}, {"vlan", KW_OTHER}, {"mpls", KW_OTHER},
    {"pppoed", KW_OTHER}, {"pppoes", KW_OTHER}, {"geneve", KW_OTHER},
    {"lane", KW_OTHER}, {"llc", KW_OTHER}, {"metac", KW_OTHER},
    {"bcc", KW_OTHER}, {"oam", KW_OTHER}, {"oamf4", KW_OTHER},
    {"oamf4ec", KW_OTHER}, {"oamf4sc", KW_OTHER}, {"sc", KW_OTHER},
    {"ilmic", KW_OTHER}, {"vpi", KW_OTHER}, {"vci", KW_OTHER},
    {"connectmsg", KW_OTHER}, {"metaconnect", KW_OTHER}, {"on", KW_OTHER},
    {"ifname", KW_OTHER}, {"rset", KW_OTHER}, {"ruleset", KW_OTHER},
    {"rnr", KW_OTHER}, {"rulenum", KW_OTHER}, {"srnr", KW_OTHER},
    {"subrulenum", KW_OTHER}, {"reason", KW_OTHER}, {"action", KW_OTHER},
    {"fisu", KW_OTHER}, {"lssu", KW_OTHER}, {"lsu", KW_OTHER},
    {"msu", KW_OTHER}, {"hfisu", KW_OTHER}, {"hlssu", KW_OTHER},
    {"hmsu", KW_OTHER}, {"sio", KW_OTHER}, {"opc", KW_OTHER},
    {"dpc", KW_OTHER}, {"sls", KW_OTHER}, {"hsio", KW_OTHER},
    {"hopc", KW_OTHER}, {"hdpc", KW_OTHER}, {"hsls", KW_OTHER},
    {"tcpflags", KW_OTHER}, {"icmptype", KW_OTHER}, {"icmpcode", KW_OTHER},
    {"icmp6type", KW_OTHER}, {"icmp6code", KW_OTHER},
    {NULL, KW_NONE}
};

/* Names libpcap reads as numbers (libpcap 1.10's scanner.l). */
static const char numberNames[] =
    " icmp-echoreply icmp-unreach icmp-sourcequench icmp-redirect"
    " icmp-echo icmp-routeradvert icmp-routersolicit icmp-timxceed"
    " icmp-paramprob icmp-tstamp icmp-tstampreply icmp-ireq icmp-ireqreply"
    " icmp-maskreq icmp-maskreply icmp6-destinationunreach"
    " icmp6-packettoobig icmp6-timeexceeded icmp6-parameterproblem"
    " icmp6-echo icmp6-echoreply icmp6-multicastlistenerquery"
    " icmp6-multicastlistenerreportv1 icmp6-multicastlistenerdone"
    " icmp6-routersolicit icmp6-routeradvert icmp6-neighborsolicit"
    " icmp6-neighboradvert icmp6-redirect icmp6-routerrenum"
    " icmp6-nodeinformationquery icmp6-nodeinformationresponse"
    " icmp6-ineighbordiscoverysolicit icmp6-ineighbordiscoveryadvert"
    " icmp6-multicastlistenerreportv2 icmp6-homeagentdiscoveryrequest"
    " icmp6-homeagentdiscoveryreply icmp6-mobileprefixsolicit"
    " icmp6-mobileprefixadvert icmp6-certpathsolicit icmp6-certpathadvert"
    " icmp6-multicastrouteradvert icmp6-multicastroutersolicit"
    " icmp6-multicastrouterterm tcp-fin tcp-syn tcp-rst tcp-push tcp-ack"
    " tcp-urg tcp-ece tcp-cwr ";

static KeywordKind
Keyword(
    const char *w,
    size_t n)
{
    const char *p;
    int i;

    for (p = strstr(numberNames, " "); p && p[1]; p = strchr(p + 1, ' ')) {
	if (strncmp(p + 1, w, n) == 0 && p[n + 1] == ' ') {
	    return KW_OTHER;
	}
    }
    for (i = 0; keywords[i].word; i++) {
	if (strlen(keywords[i].word) == n
		&& strncmp(keywords[i].word, w, n) == 0) {
	    return keywords[i].kind;
	}
    }
    return KW_NONE;
}

/* A growing string. */
typedef struct {
    char *s;
    size_t n, cap;
} Buf;

static void
BufAdd(
    Buf *b,
    const char *s,
    size_t n)
{
    if (b->n + n + 1 > b->cap) {
	size_t cap = 2 * (b->n + n + 1);
	char *v = realloc(b->s, cap);

	if (v == NULL) {
	    abort();
	}
	b->s = v;
	b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* A host's addresses, or MAC addresses, as a filter operand. */
static void
HostOperand(
    Buf *b,
    tl_host *h,
    int mac)
{
    char w[32];
    int i;

    if (h->nifaces > 1) {
	BufAdd(b, "(", 1);
    }
    for (i = 0; i < h->nifaces; i++) {
	const tl_iface *ifc = h->ifaces[i];

	if (i > 0) {
	    BufAdd(b, " or ", 4);
	}
	if (mac) {
	    snprintf(w, sizeof(w), "%02x:%02x:%02x:%02x:%02x:%02x",
		    ifc->mac[0], ifc->mac[1], ifc->mac[2], ifc->mac[3],
		    ifc->mac[4], ifc->mac[5]);
	} else {
	    snprintf(w, sizeof(w), "%u.%u.%u.%u", ifc->addr >> 24,
		    (ifc->addr >> 16) & 255, (ifc->addr >> 8) & 255,
		    ifc->addr & 255);
	}
	BufAdd(b, w, strlen(w));
    }
    if (h->nifaces > 1) {
	BufAdd(b, ")", 1);
    }
}

static int
IsWordChar(
    int c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/*
 * Substitute --
 *	Replaces the names of the network's hosts by their addresses, where
 *	libpcap reads a host name. Follows libpcap's qualifier rules: a
 *	primitive's qualifiers (proto, dir, type) default to "host", and an
 *	operand after "and"/"or" without qualifiers inherits the previous
 *	ones ("host a or b").
 * Results:
 *	A malloc'ed expression, or NULL with a message in err (a host of the
 *	network that has no address yet).
 */

static char *
Substitute(
    tl_net *net,
    const char *expr,
    char *err,
    size_t errlen)
{
    Buf b = { NULL, 0, 0 };
    const char *p = expr;
    int inQual = 0, isHost = 1, isMac = 0;

    BufAdd(&b, "", 0);
    while (*p) {
	const char *w = p, *name;
	size_t n;
	int escaped = 0;
	KeywordKind kw;
	tl_host *h = NULL;

	if (isspace((unsigned char) *p)) {
	    BufAdd(&b, p++, 1);
	    continue;
	}
	if (*p == '\\' && p[1] && !isspace((unsigned char) p[1])
		&& strchr("!()", p[1]) == NULL) {
	    /* libpcap: "\\" followed by anything but blanks, "!", "()". */
	    escaped = 1;
	    for (p++; *p && !isspace((unsigned char) *p)
		    && strchr("!()", *p) == NULL; p++) {
	    }
	} else if (isalnum((unsigned char) *p)) {
	    /* libpcap's ID: [A-Za-z0-9]([-_.A-Za-z0-9]*[.A-Za-z0-9])? */
	    while (IsWordChar((unsigned char) *p)) {
		p++;
	    }
	    while (p[-1] == '-' || p[-1] == '_') {
		p--;
	    }
	} else {
	    /* Punctuation: operators, brackets, parentheses. */
	    if (strncmp(p, "&&", 2) == 0 || strncmp(p, "||", 2) == 0) {
		BufAdd(&b, p, 2);
		p += 2;
		continue;
	    }
	    inQual = 0;
	    BufAdd(&b, p++, 1);
	    continue;
	}
	name = escaped ? w + 1 : w;
	n = (size_t) (p - name);
	kw = escaped ? KW_NONE : Keyword(name, n);
	switch (kw) {
	case KW_LINKPROTO:
	case KW_PROTO:
	case KW_DIR:
	case KW_HOST:
	case KW_NOTHOST:
	    if (!inQual) {
		/* A new primitive's qualifiers. */
		isHost = 1;
		isMac = 0;
	    }
	    if (kw == KW_LINKPROTO) {
		isMac = 1;
	    } else if (kw == KW_NOTHOST) {
		isHost = 0;
	    }
	    inQual = 1;
	    break;
	case KW_BOOL:
	    /* "src or dst" stays a qualifier; otherwise operands inherit. */
	    break;
	case KW_NOT:
	    inQual = 0;
	    break;
	case KW_OTHER:
	    inQual = 0;
	    isHost = 0;
	    break;
	case KW_NONE:
	    if (isHost && (w == expr || w[-1] != ':') && *p != ':') {
		int i;

		for (i = 0; i < net->nhosts; i++) {
		    if (strlen(net->hosts[i]->name) == n
			    && strncmp(net->hosts[i]->name, name, n) == 0) {
			h = net->hosts[i];
			break;
		    }
		}
	    }
	    inQual = 0;
	    break;
	}
	if (h && h->nifaces == 0) {
	    snprintf(err, errlen, "host \"%s\" has no address yet", h->name);
	    free(b.s);
	    return NULL;
	}
	if (h) {
	    HostOperand(&b, h, isMac);
	} else {
	    BufAdd(&b, w, (size_t) (p - w));
	}
    }
    return b.s;
}

/*
 * Compile --
 *	pcap_compile on a dead handle of the link type. The message on
 *	failure is libpcap's (pcap_geterr).
 */

static int
Compile(
    int dlt,
    const char *expr,
    struct bpf_program *prog,
    char *err,
    size_t errlen)
{
    pcap_t *pd = pcap_open_dead(dlt, BPF_SNAPLEN);
    int ok;

    if (pd == NULL) {
	snprintf(err, errlen, "can't open a pcap handle");
	return 0;
    }
    ok = pcap_compile(pd, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
    if (!ok) {
	snprintf(err, errlen, "%s", pcap_geterr(pd));
    }
    pcap_close(pd);
    return ok;
}

/*
 * Trial --
 *	A copy of prog whose every return says 1 (refused) or 2 (accepted),
 *	so that 0 means only what libpcap's bpf_filter() answers when the
 *	program loads a byte beyond the buffer it was given: run on the part
 *	of a frame that is final (bpf_match), it decides without the rest
 *	or says that it needs it. NULL if a return is not a constant.
 */

static struct bpf_insn *
Trial(
    const struct bpf_program *prog)
{
    struct bpf_insn *t = malloc(prog->bf_len * sizeof(*t));
    u_int i;

    if (t == NULL) {
	abort();
    }
    memcpy(t, prog->bf_insns, prog->bf_len * sizeof(*t));
    for (i = 0; i < prog->bf_len; i++) {
	if (BPF_CLASS(t[i].code) == BPF_RET) {
	    if (BPF_RVAL(t[i].code) != BPF_K) {
		free(t);
		return NULL;
	    }
	    t[i].k = t[i].k ? 2 : 1;
	}
    }
    return t;
}

/*
 * bpf_new --
 *	Compiles a filter expression for the network's two link types, after
 *	replacing host names (Substitute). An expression that compiles for
 *	one of them only (e.g. "ether src ...") matches nothing on the other.
 * Results:
 *	The filter, or NULL with libpcap's message in err when neither
 *	compiles.
 */

tl_bpf *
bpf_new(
    tl_net *net,
    const char *expr,
    char *err,
    size_t errlen)
{
    tl_bpf *f;
    char *text, other[CAPTURE_ERRLEN];
    int i;

    text = net ? Substitute(net, expr, err, errlen) : tl_strdup(expr);
    if (text == NULL) {
	return NULL;
    }
    f = calloc(1, sizeof(*f));
    if (f == NULL || (f->expr = tl_strdup(expr)) == NULL) {
	abort();
    }
    f->ok[0] = Compile(DLT_EN10MB, text, &f->prog[0], err, errlen);
    f->ok[1] = Compile(DLT_RAW, text, &f->prog[1], f->ok[0] ? err : other,
	    f->ok[0] ? errlen : sizeof(other));
    free(text);
    if (!f->ok[0] && !f->ok[1]) {
	bpf_free(f);
	return NULL;
    }
    for (i = 0; i < 2; i++) {
	f->trial[i] = f->ok[i] ? Trial(&f->prog[i]) : NULL;
    }
    return f;
}

void
bpf_free(
    tl_bpf *f)
{
    int i;

    if (f == NULL) {
	return;
    }
    for (i = 0; i < 2; i++) {
	if (f->ok[i]) {
	    pcap_freecode(&f->prog[i]);
	}
	free(f->trial[i]);
    }
    free(f->expr);
    free(f);
}

const char *
bpf_expr(
    const tl_bpf *f)
{
    return f ? f->expr : "";
}

/*
 * bpf_match --
 *	Runs the filter on a simulated frame (l2len 14: Ethernet, 0: raw IP)
 *	of which the first valid bytes are final.
 * Results:
 *	1 if it matches, 0 if not, -1 if that depends on bytes past valid.
 */

int
bpf_match(
    const tl_bpf *f,
    const uint8_t *frame,
    uint32_t len,
    uint32_t valid,
    uint32_t l2len)
{
    struct pcap_pkthdr h;
    int i = l2len == ETH_HDRLEN ? 0 : 1;

    if (!f->ok[i]) {
	return 0;
    }
    if (valid < len) {
	if (f->trial[i] == NULL) {
	    return -1;
	}
	return (int) bpf_filter(f->trial[i], frame, len, valid) - 1;
    }
    memset(&h, 0, sizeof(h));
    h.caplen = h.len = len;
    return pcap_offline_filter(&f->prog[i], &h, frame) != 0;
}

/*
 *----------------------------------------------------------------------
 * Scope: which frames an observer sees, which a fault rule acts on.
 *----------------------------------------------------------------------
 */

void
watch_init(
    tl_watch *w)
{
    memset(w, 0, sizeof(*w));
}

void
watch_free(
    tl_watch *w)
{
    bpf_free(w->filter);
    free(w->host);
    free(w->link);
    watch_init(w);
}

static int
Filtered(
    const tl_watch *w,
    const tl_obsinfo *info)
{
    return w->filter == NULL ? 1 : bpf_match(w->filter, info->frame,
	    info->len, info->valid, info->l2len);
}

/*
 * watch_sees --
 *	For observers (traces, captures). Without a host, a frame is seen once,
 *	as it is put on the wire (on the given link, if any). With a host, as
 *	that host's own tcpdump would see it: frames it sends when they leave,
 *	frames it receives when they arrive (not those lost on the way).
 */

static int
InScope(
    const tl_watch *w,
    const tl_obsinfo *info)
{
    if (w->host) {
	if (!((info->kind == OBS_SEND && w->dir != WATCH_IN
		&& strcmp(info->from->host->name, w->host) == 0)
		|| (info->kind == OBS_DELIVER && w->dir != WATCH_OUT
		&& strcmp(info->to->host->name, w->host) == 0))) {
	    return 0;
	}
    } else if (info->kind != OBS_SEND) {
	return 0;
    }
    return w->link == NULL || strcmp(info->link->name, w->link) == 0;
}

int
watch_sees(
    const tl_watch *w,
    const tl_obsinfo *info)
{
    return InScope(w, info) && Filtered(w, info);
}

/*
 * watch_matches --
 *	For fault rules, which net_transmit runs as a frame leaves: "out" is a
 *	frame the host sends, "in" one addressed to it.
 * Results:
 *	1 or 0; -1 if the filter needs bytes past info->valid.
 */

int
watch_matches(
    const tl_watch *w,
    const tl_obsinfo *info)
{
    if (w->host) {
	int out = strcmp(info->from->host->name, w->host) == 0;
	int in = info->to && strcmp(info->to->host->name, w->host) == 0;

	if (!((out && w->dir != WATCH_IN) || (in && w->dir != WATCH_OUT))) {
	    return 0;
	}
    }
    if (w->link && strcmp(info->link->name, w->link) != 0) {
	return 0;
    }
    return Filtered(w, info);
}

/* Moves a scope to the heap, as a fault rule's match argument. */
tl_watch *
watch_new_fault(
    tl_watch *w)
{
    tl_watch *f = malloc(sizeof(*f));

    if (f == NULL) {
	abort();
    }
    *f = *w;
    watch_init(w);
    return f;
}

int
watch_fault_match(
    void *arg,
    const tl_obsinfo *info)
{
    return watch_matches(arg, info);
}

void
watch_fault_free(
    void *arg)
{
    watch_free(arg);
    free(arg);
}

/*
 *----------------------------------------------------------------------
 * Capture files.
 *----------------------------------------------------------------------
 */

/*
 * capture_kind_for --
 *	The link type of a capture file for a scope: Ethernet when every link
 *	it covers is a LAN, raw IPv4 when any is a point-to-point link (LAN
 *	frames then lose their Ethernet header).
 */

tl_capkind
capture_kind_for(
    tl_net *net,
    const tl_watch *w)
{
    tl_link *l;
    int i;

    if (w->link) {
	l = net_find_link(net, w->link);
	return l && l->kind == LINK_P2P ? CAPTURE_RAW : CAPTURE_ETHER;
    }
    if (w->host) {
	tl_host *h = net_find_host(net, w->host);

	for (i = 0; h && i < h->nifaces; i++) {
	    if (h->ifaces[i]->link->kind == LINK_P2P) {
		return CAPTURE_RAW;
	    }
	}
	return CAPTURE_ETHER;
    }
    for (l = net->links; l; l = l->next) {
	if (l->kind == LINK_P2P) {
	    return CAPTURE_RAW;
	}
    }
    return CAPTURE_ETHER;
}

static void
CaptureTap(
    void *arg,
    const tl_obsinfo *info)
{
    tl_capture *c = arg;
    const uint8_t *frame = info->frame;
    uint32_t len = info->len;
    uint8_t small[PKT_SMALL + ETH_HDRLEN], *copy = NULL;
    struct pcap_pkthdr h;

    if (!InScope(&c->watch, info)) {
	return;
    }
    if (c->kind == CAPTURE_RAW && info->l2len == ETH_HDRLEN) {
	if (len < ETH_HDRLEN || eth_type(frame) != ETHERTYPE_IP) {
	    return;
	}
	frame += ETH_HDRLEN;
	len -= ETH_HDRLEN;
    } else if (c->kind == CAPTURE_ETHER && info->l2len == 0) {
	/*
	 * A point-to-point frame in an Ethernet file: give it the header a
	 * LAN would, from the two interfaces' MAC addresses.
	 */
	copy = len + ETH_HDRLEN <= sizeof(small) ? small
		: malloc(len + ETH_HDRLEN);
	if (copy == NULL) {
	    abort();
	}
	eth_build(copy, info->to ? info->to->mac : info->from->mac,
		info->from->mac, ETHERTYPE_IP);
	memcpy(copy + ETH_HDRLEN, frame, len);
	frame = copy;
	len += ETH_HDRLEN;
    }
    /* The filter sees the frame as the file will hold it. */
    if (c->watch.filter && !bpf_match(c->watch.filter, frame, len, len,
	    c->kind == CAPTURE_ETHER ? ETH_HDRLEN : 0)) {
	goto done;
    }
    memset(&h, 0, sizeof(h));
    h.ts.tv_sec = (time_t) (c->epoch + info->time / TL_SEC);
    h.ts.tv_usec = (suseconds_t) ((info->time % TL_SEC) / TL_US);
    h.len = len;
    h.caplen = TL_MIN(len, c->snaplen);
    pcap_dump((u_char *) c->dumper, &h, frame);
    /* Readable while the network runs (tcpdump -r, tshark). */
    pcap_dump_flush(c->dumper);
    c->frames++;
  done:
    if (copy != small) {
	free(copy);
    }
}

/*
 * capture_open --
 *	Starts writing a pcap file of the frames the scope sees. Takes over
 *	the scope (w is left empty). Timestamps are the network's clock plus
 *	epoch seconds, with microsecond precision.
 * Results:
 *	The capture, or NULL with libpcap's message in err.
 */

tl_capture *
capture_open(
    tl_net *net,
    const char *path,
    tl_capkind kind,
    uint32_t snaplen,
    int64_t epoch,
    tl_watch *w,
    char *err,
    size_t errlen)
{
    tl_capture *c;
    pcap_t *pd;
    pcap_dumper_t *d;

    if (snaplen == 0 || snaplen > BPF_SNAPLEN) {
	snaplen = BPF_SNAPLEN;
    }
    pd = pcap_open_dead_with_tstamp_precision(kind == CAPTURE_RAW ? DLT_RAW
	    : DLT_EN10MB, (int) snaplen, PCAP_TSTAMP_PRECISION_MICRO);
    if (pd == NULL) {
	snprintf(err, errlen, "can't open a pcap handle");
	return NULL;
    }
    d = pcap_dump_open(pd, path);
    if (d == NULL) {
	snprintf(err, errlen, "%s", pcap_geterr(pd));
	pcap_close(pd);
	return NULL;
    }
    pcap_dump_flush(d);
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
	abort();
    }
    c->net = net;
    c->pd = pd;
    c->dumper = d;
    c->kind = kind;
    c->watch = *w;
    watch_init(w);
    c->epoch = epoch;
    c->snaplen = snaplen;
    net_observer_add(net, CaptureTap, c);
    return c;
}

void
capture_close(
    tl_capture *c)
{
    if (c == NULL) {
	return;
    }
    net_observer_remove(c->net, CaptureTap, c);
    pcap_dump_close(c->dumper);
    pcap_close(c->pd);
    watch_free(&c->watch);
    free(c);
}

/*
 *----------------------------------------------------------------------
 * Reading pcap files.
 *----------------------------------------------------------------------
 */

/* Where the IP datagram starts in a frame of a link type; -1 if unknown. */
static int
NetworkOffset(
    int dlt,
    const uint8_t *p,
    uint32_t caplen,
    uint32_t *offPtr)
{
    uint32_t off;
    uint16_t type;

    switch (dlt) {
    case DLT_EN10MB:
	if (caplen < ETH_HDRLEN) {
	    return 0;
	}
	off = ETH_HDRLEN;
	type = eth_type(p);
	/* 802.1Q and 802.1ad tags. */
	while ((type == 0x8100 || type == 0x88a8 || type == 0x9100)
		&& off + 4 <= caplen) {
	    type = vlan_type(p + off);
	    off += 4;
	}
	if (type != ETHERTYPE_IP && type != 0x86dd) {
	    return 0;
	}
	break;
    case DLT_RAW:
    case LINKTYPE_RAW_:
    case DLT_IPV4:
    case DLT_IPV6:
	off = 0;
	break;
    case DLT_NULL:
    case DLT_LOOP:
	off = 4;
	break;
    case DLT_LINUX_SLL:
	if (caplen < 16) {
	    return 0;
	}
	type = sll_protocol(p);
	if (type != ETHERTYPE_IP && type != 0x86dd) {
	    return 0;
	}
	off = 16;
	break;
    case DLT_LINUX_SLL2:
	if (caplen < 20) {
	    return 0;
	}
	type = sll2_protocol(p);
	if (type != ETHERTYPE_IP && type != 0x86dd) {
	    return 0;
	}
	off = 20;
	break;
    default:
	return -1;
    }
    *offPtr = off;
    return 1;
}

/*
 * capture_segment --
 *	Finds a TCP segment (IPv4 or IPv6, first fragments only) in a frame
 *	of link type dlt, as read from a pcap file. The data length comes
 *	from the IP header, so it is right for frames cut by the snap length.
 * Results:
 *	1 for a TCP segment, 0 for anything else, -1 for an unsupported
 *	link type.
 */

int
capture_segment(
    int dlt,
    const uint8_t *p,
    uint32_t caplen,
    tl_pcapseg *s)
{
    uint32_t off, avail, hlen, seglen;
    int r = NetworkOffset(dlt, p, caplen, &off);

    if (r <= 0) {
	return r;
    }
    if (off >= caplen) {
	return 0;
    }
    p += off;
    avail = caplen - off;
    memset(s, 0, sizeof(*s));
    if (!ip_find_tcp(p, avail, &s->family, s->src, s->dst, &hlen, &seglen)) {
	return 0;
    }
    return tcp_peek(p + hlen, avail - hlen, seglen, &s->th);
}

struct tl_pcapreader {
    pcap_t *pd;
    int dlt;
    struct bpf_program prog;
    int filtered;
};

/*
 * pcapr_open --
 *	Opens a pcap (or pcapng) file with libpcap.
 * Results:
 *	The reader, or NULL with libpcap's message in err.
 */

tl_pcapreader *
pcapr_open(
    const char *path,
    char *err,
    size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE];
    tl_pcapreader *r;
    pcap_t *pd;
    int dlt;
    uint32_t off;

    ebuf[0] = '\0';
    pd = pcap_open_offline(path, ebuf);
    if (pd == NULL) {
	snprintf(err, errlen, "%s", ebuf);
	return NULL;
    }
    dlt = pcap_datalink(pd);
    if (NetworkOffset(dlt, (const uint8_t *) "", 0, &off) < 0) {
	const char *name = pcap_datalink_val_to_name(dlt);

	snprintf(err, errlen, "unsupported link type %s (%d)",
		name ? name : "?", dlt);
	pcap_close(pd);
	return NULL;
    }
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
	abort();
    }
    r->pd = pd;
    r->dlt = dlt;
    return r;
}

/*
 * pcapr_setfilter --
 *	Compiles a BPF filter for the file's link type.
 * Results:
 *	1, or 0 with libpcap's message in err.
 */

int
pcapr_setfilter(
    tl_pcapreader *r,
    const char *expr,
    char *err,
    size_t errlen)
{
    if (r->filtered) {
	pcap_freecode(&r->prog);
	r->filtered = 0;
    }
    if (pcap_compile(r->pd, &r->prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
	snprintf(err, errlen, "%s", pcap_geterr(r->pd));
	return 0;
    }
    r->filtered = 1;
    return 1;
}

void
pcapr_close(
    tl_pcapreader *r)
{
    if (r->filtered) {
	pcap_freecode(&r->prog);
    }
    pcap_close(r->pd);
    free(r);
}

/*
 * pcapr_next --
 *	The next TCP segment that passes the filter. The segment points into
 *	libpcap's buffer, valid until the next call.
 * Results:
 *	1 with the segment and its time, 0 at the end, -1 on a read error
 *	(message in err).
 */

int
pcapr_next(
    tl_pcapreader *r,
    int64_t *secPtr,
    long *usecPtr,
    tl_pcapseg *s,
    char *err,
    size_t errlen)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc;

    while ((rc = pcap_next_ex(r->pd, &h, &data)) == 1) {
	if (r->filtered && !pcap_offline_filter(&r->prog, h, data)) {
	    continue;
	}
	if (capture_segment(r->dlt, data, h->caplen, s) == 1) {
	    *secPtr = (int64_t) h->ts.tv_sec;
	    *usecPtr = (long) h->ts.tv_usec;
	    return 1;
	}
    }
    if (rc == PCAP_ERROR) {
	snprintf(err, errlen, "%s", pcap_geterr(r->pd));
	return -1;
    }
    return 0;
}
