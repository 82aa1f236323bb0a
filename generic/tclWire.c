/*
 * tclWire.c --
 *
 *	tcplab::wire: the header codecs as commands, for crafting segments
 *	(with $host inject) and for checking them.
 *
 *	tcplab::wire cksum bytes
 *	tcplab::wire build ?-src a? ?-dst a? ?-sport p? ?-dport p? ?-seq n?
 *		?-ack n? ?-flags SA? ?-win n? ?-urp n? ?-options list?
 *		?-data bytes? ?-ttl n? ?-tos n? ?-id n?
 *	tcplab::wire parse bytes
 */

#include <string.h>
#include "tcplabInt.h"

static const char flagChars[] = "FSRPAUEC";

/* Flags as letters in tcpdump's order: S F R P A U E C, e.g. "SA". */
Tcl_Obj *
TcplabFlagsObj(
    int flags)
{
    static const int order[] = { TH_SYN, TH_FIN, TH_RST, TH_PUSH, TH_ACK,
	TH_URG, TH_ECE, TH_CWR };
    static const char letters[] = "SFRPAUEC";
    char buf[9];
    int i, n = 0;

    for (i = 0; i < 8; i++) {
	if (flags & order[i]) {
	    buf[n++] = letters[i];
	}
    }
    return Tcl_NewStringObj(buf, n);
}

int
TcplabGetFlags(
    Tcl_Interp *interp,
    Tcl_Obj *obj,
    int *flagsPtr)
{
    const char *s = Tcl_GetString(obj), *p;
    int flags = 0;

    for (; *s; s++) {
	if (*s == '.' || *s == ' ') {
	    continue;
	}
	p = strchr(flagChars, *s);
	if (p == NULL) {
	    return TcplabError(interp, "VALUE", "FLAGS",
		    "bad flag \"%c\": must be letters of FSRPAUEC", *s);
	}
	flags |= 1 << (p - flagChars);
    }
    *flagsPtr = flags;
    return TCL_OK;
}

/* Encodes an option list like {{mss 1460} nop {wscale 7} sackOK {ts 1 0}
 * {sack {100 200}} eol}; any other option as parse gives it, its kind as a
 * number and its data as bytes: {34 <cookie>} (Fast Open, RFC 7413). */
int
TcplabGetOptions(
    Tcl_Interp *interp,
    Tcl_Obj *obj,
    uint8_t *out,
    size_t *lenPtr)
{
    static const char *const kinds[] = {
	"eol", "mss", "nop", "sack", "sackOK", "ts", "wscale", NULL
    };
    enum { K_EOL, K_MSS, K_NOP, K_SACK, K_SACKOK, K_TS, K_WSCALE };
    Tcl_Obj **items, **v;
    Tcl_Size n, i, m, k;
    size_t len = 0, need;
    int kind;
    uint32_t a, b;

    if (Tcl_ListObjGetElements(interp, obj, &n, &items) != TCL_OK) {
	return TCL_ERROR;
    }
    for (i = 0; i < n; i++) {
	if (Tcl_ListObjGetElements(interp, items[i], &m, &v) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (m == 2 && Tcl_GetIntFromObj(NULL, v[0], &kind) == TCL_OK) {
	    Tcl_Size blen;
	    const unsigned char *bytes;

	    if (kind <= TCPOPT_NOP || kind > 255) {
		return TcplabError(interp, "VALUE", "OPTIONS",
			"bad option kind \"%s\": must be 2 to 255",
			Tcl_GetString(v[0]));
	    }
	    bytes = Tcl_GetByteArrayFromObj(v[1], &blen);
	    if (len + 2 + (size_t) blen > TCP_MAXOPTLEN) {
		return TcplabError(interp, "VALUE", "OPTIONS",
			"options longer than %d bytes", TCP_MAXOPTLEN);
	    }
	    out[len] = (uint8_t) kind;
	    out[len + 1] = (uint8_t) (2 + blen);
	    memcpy(out + len + 2, bytes, (size_t) blen);
	    len += 2 + (size_t) blen;
	    continue;
	}
	if (m == 0 || Tcl_GetIndexFromObj(interp, v[0], kinds, "option", 0,
		&kind) != TCL_OK) {
	    return TCL_ERROR;
	}
	need = kind == K_EOL || kind == K_NOP ? 1 : kind == K_MSS ? 4
		: kind == K_WSCALE ? 3 : kind == K_SACKOK ? 2 : kind == K_TS
		? 10 : (size_t) (2 + 8 * (m - 1));
	if (len + need > TCP_MAXOPTLEN) {
	    return TcplabError(interp, "VALUE", "OPTIONS",
		    "options longer than %d bytes", TCP_MAXOPTLEN);
	}
	if (m != (kind == K_MSS || kind == K_WSCALE ? 2 : kind == K_TS ? 3
		: kind == K_SACK ? m : 1) || (kind == K_SACK && m < 2)) {
	    return TcplabError(interp, "VALUE", "OPTIONS",
		    "bad option \"%s\"", Tcl_GetString(items[i]));
	}
	switch (kind) {
	case K_EOL:
	    out[len++] = TCPOPT_EOL;
	    break;
	case K_NOP:
	    out[len++] = TCPOPT_NOP;
	    break;
	case K_MSS:
	    if (TcplabGetUInt32(interp, v[1], &a) != TCL_OK) {
		return TCL_ERROR;
	    }
	    out[len] = TCPOPT_MSS;
	    out[len + 1] = 4;
	    put16(out + len + 2, (uint16_t) a);
	    len += 4;
	    break;
	case K_WSCALE:
	    if (TcplabGetUInt32(interp, v[1], &a) != TCL_OK) {
		return TCL_ERROR;
	    }
	    out[len] = TCPOPT_WSCALE;
	    out[len + 1] = 3;
	    out[len + 2] = (uint8_t) a;
	    len += 3;
	    break;
	case K_SACKOK:
	    out[len] = TCPOPT_SACK_PERM;
	    out[len + 1] = 2;
	    len += 2;
	    break;
	case K_TS:
	    if (TcplabGetUInt32(interp, v[1], &a) != TCL_OK
		    || TcplabGetUInt32(interp, v[2], &b) != TCL_OK) {
		return TCL_ERROR;
	    }
	    out[len] = TCPOPT_TS;
	    out[len + 1] = 10;
	    put32(out + len + 2, a);
	    put32(out + len + 6, b);
	    len += 10;
	    break;
	case K_SACK:
	    out[len] = TCPOPT_SACK;
	    out[len + 1] = (uint8_t) need;
	    for (k = 1; k < m; k++) {
		Tcl_Obj **blk;
		Tcl_Size nb;

		if (Tcl_ListObjGetElements(interp, v[k], &nb, &blk) != TCL_OK
			|| nb != 2 || TcplabGetUInt32(interp, blk[0], &a)
			!= TCL_OK || TcplabGetUInt32(interp, blk[1], &b)
			!= TCL_OK) {
		    return TcplabError(interp, "VALUE", "OPTIONS",
			    "bad SACK block \"%s\"", Tcl_GetString(v[k]));
		}
		put32(out + len + 2 + 8 * (k - 1), a);
		put32(out + len + 6 + 8 * (k - 1), b);
	    }
	    len += need;
	    break;
	}
    }
    *lenPtr = len;
    return TCL_OK;
}

/* The options of a parsed header, in wire order, as the list above. */
Tcl_Obj *
TcplabOptionsObj(
    const uint8_t *p,
    size_t n)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL), *item;
    size_t i = 0;

    while (i < n) {
	uint8_t kind = p[i], len = kind <= TCPOPT_NOP ? 1
		: i + 1 < n ? p[i + 1] : 0;

	if (len == 0 || i + len > n || (kind > TCPOPT_NOP && len < 2)) {
	    break;
	}
	item = Tcl_NewListObj(0, NULL);
	switch (kind) {
	case TCPOPT_EOL:
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewStringObj("eol", -1));
	    break;
	case TCPOPT_NOP:
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewStringObj("nop", -1));
	    break;
	case TCPOPT_MSS:
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewStringObj("mss", -1));
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewIntObj(len == 4
		    ? get16(p + i + 2) : 0));
	    break;
	case TCPOPT_WSCALE:
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewStringObj("wscale", -1));
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewIntObj(len == 3
		    ? p[i + 2] : 0));
	    break;
	case TCPOPT_SACK_PERM:
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewStringObj("sackOK", -1));
	    break;
	case TCPOPT_TS:
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewStringObj("ts", -1));
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewWideIntObj(len == 10
		    ? get32(p + i + 2) : 0));
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewWideIntObj(len == 10
		    ? get32(p + i + 6) : 0));
	    break;
	case TCPOPT_SACK: {
	    int k;

	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewStringObj("sack", -1));
	    for (k = 0; k + 8 <= len - 2; k += 8) {
		Tcl_Obj *blk[2];

		blk[0] = Tcl_NewWideIntObj(get32(p + i + 2 + k));
		blk[1] = Tcl_NewWideIntObj(get32(p + i + 6 + k));
		Tcl_ListObjAppendElement(NULL, item, Tcl_NewListObj(2, blk));
	    }
	    break;
	}
	default:
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewIntObj(kind));
	    Tcl_ListObjAppendElement(NULL, item, Tcl_NewByteArrayObj(p + i + 2,
		    len - 2));
	    break;
	}
	Tcl_ListObjAppendElement(NULL, list, item);
	if (kind == TCPOPT_EOL) {
	    break;
	}
	i += len;
    }
    return list;
}

static int
Build(
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-ack", "-data", "-dport", "-dst", "-flags", "-id", "-options",
	"-seq", "-sport", "-src", "-tos", "-ttl", "-urp", "-win", NULL
    };
    enum {
	B_ACK, B_DATA, B_DPORT, B_DST, B_FLAGS, B_ID, B_OPTIONS, B_SEQ,
	B_SPORT, B_SRC, B_TOS, B_TTL, B_URP, B_WIN
    };
    tl_iphdr ip;
    tl_tcphdr th;
    uint8_t opt[TCP_MAXOPTLEN];
    size_t optlen = 0;
    const unsigned char *data = NULL;
    Tcl_Size dlen = 0, i;
    uint32_t v, hl, total;
    int idx, flags = 0;
    Tcl_Obj *res;
    unsigned char *p;

    memset(&ip, 0, sizeof(ip));
    memset(&th, 0, sizeof(th));
    ip.ttl = 64;
    ip.proto = IPPROTO_TCP_;
    th.win = 4096;
    if ((objc - 2) % 2) {
	Tcl_WrongNumArgs(interp, 2, objv, "?-option value ...?");
	return TCL_ERROR;
    }
    for (i = 2; i < objc; i += 2) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	switch (idx) {
	case B_SRC:
	case B_DST:
	    if (!TcplabParseAddr(Tcl_GetString(objv[i + 1]), idx == B_SRC
		    ? &ip.src : &ip.dst)) {
		return TcplabError(interp, "VALUE", "ADDRESS",
			"expected IPv4 address but got \"%s\"",
			Tcl_GetString(objv[i + 1]));
	    }
	    break;
	case B_DATA:
	    data = Tcl_GetByteArrayFromObj(objv[i + 1], &dlen);
	    break;
	case B_FLAGS:
	    if (TcplabGetFlags(interp, objv[i + 1], &flags) != TCL_OK) {
		return TCL_ERROR;
	    }
	    th.flags = (uint8_t) flags;
	    break;
	case B_OPTIONS:
	    if (TcplabGetOptions(interp, objv[i + 1], opt, &optlen) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	default:
	    if (TcplabGetUInt32(interp, objv[i + 1], &v) != TCL_OK) {
		return TCL_ERROR;
	    }
	    switch (idx) {
	    case B_ACK: th.ack = v; break;
	    case B_SEQ: th.seq = v; break;
	    case B_DPORT: th.dport = (uint16_t) v; break;
	    case B_SPORT: th.sport = (uint16_t) v; break;
	    case B_ID: ip.id = (uint16_t) v; break;
	    case B_TOS: ip.tos = (uint8_t) v; break;
	    case B_TTL: ip.ttl = (uint8_t) v; break;
	    case B_URP: th.urp = (uint16_t) v; break;
	    case B_WIN: th.win = (uint16_t) v; break;
	    }
	}
    }
    hl = TCP_HDRLEN + (uint32_t) ((optlen + 3) & ~(size_t) 3);
    total = IP_HDRLEN + hl + (uint32_t) dlen;
    if (total > 65535) {
	return TcplabError(interp, "VALUE", "LENGTH", "datagram too long");
    }
    ip.len = (uint16_t) total;
    res = Tcl_NewByteArrayObj(NULL, 0);
    p = Tcl_SetByteArrayLength(res, (Tcl_Size) total);
    if (dlen) {
	memcpy(p + IP_HDRLEN + hl, data, (size_t) dlen);
    }
    ip_build(p, &ip, 1);
    tcp_build(p + IP_HDRLEN, &th, opt, optlen, (size_t) dlen, ip.src, ip.dst);
    Tcl_SetObjResult(interp, res);
    return TCL_OK;
}

/* Parses a datagram; malformed input is an error naming what is wrong. */
static int
Parse(
    Tcl_Interp *interp,
    Tcl_Obj *obj)
{
    Tcl_Size len;
    const unsigned char *p = Tcl_GetByteArrayFromObj(obj, &len);
    tl_iphdr ip;
    tl_tcphdr th;
    wire_err err;
    Tcl_Obj *d;

    err = ip_parse(p, (size_t) len, &ip, 1);
    if (err == WIRE_OK && ip.proto != IPPROTO_TCP_) {
	return TcplabError(interp, "WIRE", "PROTO", "not a TCP datagram");
    }
    if (err == WIRE_OK) {
	err = tcp_parse(p + ip.hlen, ip.len - ip.hlen, ip.src, ip.dst, &th, 1);
    }
    if (err != WIRE_OK) {
	return TcplabError(interp, "WIRE", wire_errnames[err],
		"malformed datagram: %s", wire_errnames[err]);
    }
    d = Tcl_NewDictObj();
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
    PUT("src", TcplabNewAddr(ip.src));
    PUT("dst", TcplabNewAddr(ip.dst));
    PUT("ttl", Tcl_NewIntObj(ip.ttl));
    PUT("tos", Tcl_NewIntObj(ip.tos));
    PUT("id", Tcl_NewIntObj(ip.id));
    PUT("sport", Tcl_NewIntObj(th.sport));
    PUT("dport", Tcl_NewIntObj(th.dport));
    PUT("seq", Tcl_NewWideIntObj(th.seq));
    PUT("ack", Tcl_NewWideIntObj(th.ack));
    PUT("flags", TcplabFlagsObj(th.flags));
    PUT("win", Tcl_NewIntObj(th.win));
    PUT("urp", Tcl_NewIntObj(th.urp));
    PUT("cksum", Tcl_NewIntObj(th.csum));
    PUT("options", TcplabOptionsObj(th.optbytes, th.optlen));
    PUT("len", Tcl_NewIntObj((int) th.datalen));
    PUT("data", Tcl_NewByteArrayObj(th.data, (Tcl_Size) th.datalen));
#undef PUT
    Tcl_SetObjResult(interp, d);
    return TCL_OK;
}

int
TcplabWireCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = {
	"build", "cksum", "parse", "services", NULL
    };
    enum { W_BUILD, W_CKSUM, W_PARSE, W_SERVICES };
    int idx;

    (void) clientData;
    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    switch (idx) {
    case W_BUILD:
	return Build(interp, objc, objv);
    case W_SERVICES: {
	/* The well-known ports, named as traces name them (trace.c). */
	Tcl_Obj *d = Tcl_NewDictObj();
	const char *name;
	uint16_t port;
	int i;

	if (objc != 2) {
	    Tcl_WrongNumArgs(interp, 2, objv, NULL);
	    return TCL_ERROR;
	}
	for (i = 0; (name = port_service(i, &port)) != NULL; i++) {
	    Tcl_DictObjPut(NULL, d, Tcl_NewIntObj(port),
		    Tcl_NewStringObj(name, -1));
	}
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
    }
    case W_CKSUM: {
	Tcl_Size len;
	const unsigned char *p;

	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "bytes");
	    return TCL_ERROR;
	}
	p = Tcl_GetByteArrayFromObj(objv[2], &len);
	Tcl_SetObjResult(interp, Tcl_NewIntObj(cksum_fold(cksum_add(0, p,
		(size_t) len))));
	return TCL_OK;
    }
    case W_PARSE:
	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "bytes");
	    return TCL_ERROR;
	}
	return Parse(interp, objv[2]);
    }
    return TCL_OK;
}
