/*
 * tclUtil.c --
 *
 *	Parsing and formatting shared by the Tcl commands: durations, rates,
 *	addresses, ports, handle names and errors.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tcplabInt.h"

/*
 * TcplabGetDuration --
 *	Parses "75s", "200ms", "2h", "1.5", "10us", "3m": a number with an
 *	optional unit (ns us ms s m h; none means seconds).
 */

int
TcplabGetDuration(
    Tcl_Interp *interp,
    Tcl_Obj *obj,
    tl_time *tPtr)
{
    const char *s = Tcl_GetString(obj);
    char *end;
    double v = strtod(s, &end), mul;

    if (end == s) {
	goto bad;
    }
    if (*end == '\0' || strcmp(end, "s") == 0) {
	mul = 1e9;
    } else if (strcmp(end, "ms") == 0) {
	mul = 1e6;
    } else if (strcmp(end, "us") == 0) {
	mul = 1e3;
    } else if (strcmp(end, "ns") == 0) {
	mul = 1;
    } else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0) {
	mul = 60e9;
    } else if (strcmp(end, "h") == 0) {
	mul = 3600e9;
    } else {
	goto bad;
    }
    if (!(v >= 0)) {
	goto bad;
    }
    if (v * mul >= (double) TL_END) {
	/* Well formed, but longer than the clock can count. */
	return TcplabError(interp, "LIMIT", "CLOCK", "duration \"%s\" is "
		"past the end of the virtual clock's range (about 292 "
		"years)", s);
    }
    *tPtr = (tl_time) (v * mul + 0.5);
    return TCL_OK;
  bad:
    return TcplabError(interp, "VALUE", "DURATION",
	    "expected duration like 75s, 200ms or 2h but got \"%s\"", s);
}

/*
 * TcplabFormatTime --
 *	A time as seconds with six decimals ("2.000100"), into buf (40 bytes
 *	are enough). Seconds and microseconds (rounded) come from the
 *	integer: a double has too few digits for large times (7200086401 s
 *	would read 7200086400.999999).
 */

const char *
TcplabFormatTime(
    tl_time t,
    char *buf,
    size_t cap)
{
    uint64_t u = t < 0 ? (uint64_t) -(t + 1) + 1 : (uint64_t) t;

    u = (u + 500) / 1000;
    snprintf(buf, cap, "%s%llu.%06llu", t < 0 ? "-" : "",
	    (unsigned long long) (u / 1000000), (unsigned long long) (u % 1000000));
    return buf;
}

Tcl_Obj *
TcplabNewTime(
    tl_time t)
{
    char buf[40];

    return Tcl_NewStringObj(TcplabFormatTime(t, buf, sizeof(buf)), -1);
}

/* Parses "10Mbit", "1Gbit", "64kbit" or a plain number of bits/s. */
int
TcplabGetRate(
    Tcl_Interp *interp,
    Tcl_Obj *obj,
    uint64_t *ratePtr)
{
    const char *s = Tcl_GetString(obj);
    char *end;
    double v = strtod(s, &end), mul = 1;

    if (end == s || !(v >= 0)) {
	goto bad;
    }
    if (strcmp(end, "kbit") == 0) {
	mul = 1e3;
    } else if (strcmp(end, "Mbit") == 0) {
	mul = 1e6;
    } else if (strcmp(end, "Gbit") == 0) {
	mul = 1e9;
    } else if (*end != '\0' && strcmp(end, "bit") != 0) {
	goto bad;
    }
    *ratePtr = (uint64_t) (v * mul);
    return TCL_OK;
  bad:
    return TcplabError(interp, "VALUE", "RATE",
	    "expected rate like 10Mbit or 1Gbit but got \"%s\"", s);
}

/* Parses a dotted quad; returns 1 on success. */
int
TcplabParseAddr(
    const char *s,
    tl_addr *addrPtr)
{
    unsigned v[4];
    char extra;

    if (sscanf(s, "%u.%u.%u.%u%c", &v[0], &v[1], &v[2], &v[3], &extra) != 4
	    || v[0] > 255 || v[1] > 255 || v[2] > 255 || v[3] > 255) {
	return 0;
    }
    *addrPtr = (v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3];
    return 1;
}

/*
 * TcplabGetAddrPrefix --
 *	Parses a host's interface address, "a.b.c.d/len": the prefix length
 *	is required (a default would guess the subnet, and the subnet decides
 *	which hosts are neighbours). The address must be one a host can have
 *	(RFC 1122 3.2.1.3, RFC 919/922): not the subnet's own address (host
 *	part all zeros) nor its broadcast address (all ones), except on /31
 *	(RFC 3021) and /32 links, and not 0.0.0.0/8, 127.0.0.0/8, a multicast
 *	or reserved (class E) or the limited broadcast address.
 */

int
TcplabGetAddrPrefix(
    Tcl_Interp *interp,
    Tcl_Obj *obj,
    tl_addr *addrPtr,
    int *prefixPtr)
{
    const char *s = Tcl_GetString(obj), *slash = strchr(s, '/');
    char buf[32];
    const char *what = NULL;
    tl_addr a, mask;
    int prefix;

    if (slash) {
	char *end;
	long p = strtol(slash + 1, &end, 10);

	if (*end || end == slash + 1 || p < 0 || p > 32
		|| (size_t) (slash - s) >= sizeof(buf)) {
	    goto bad;
	}
	prefix = (int) p;
	memcpy(buf, s, (size_t) (slash - s));
	buf[slash - s] = '\0';
	s = buf;
    } else if (TcplabParseAddr(s, &a)) {
	return TcplabError(interp, "VALUE", "ADDRESS",
		"address \"%s\" needs a prefix length, as in %s/24",
		s, s);
    } else {
	goto bad;
    }
    if (!TcplabParseAddr(s, addrPtr)) {
	goto bad;
    }
    a = *addrPtr;
    mask = prefix ? ~(tl_addr) 0 << (32 - prefix) : 0;
    if ((a >> 24) == 0) {
	what = "is on \"this network\" (0.0.0.0/8)";
    } else if ((a >> 24) == 127) {
	what = "is a loopback address";
    } else if ((a >> 28) == 14) {
	what = "is a multicast address";
    } else if ((a >> 28) == 15) {
	what = a == ~(tl_addr) 0 ? "is the limited broadcast address"
		: "is reserved (240.0.0.0/4)";
    } else if (prefix < 31 && (a & ~mask) == 0) {
	what = "is the network's own address (host part all zeros)";
    } else if (prefix < 31 && (a & ~mask) == ~mask) {
	what = "is the network's broadcast address (host part all ones)";
    }
    if (what) {
	return TcplabError(interp, "VALUE", "ADDRESS",
		"address \"%s\" %s: a host cannot have it",
		Tcl_GetString(obj), what);
    }
    *prefixPtr = prefix;
    return TCL_OK;
  bad:
    return TcplabError(interp, "VALUE", "ADDRESS",
	    "expected IPv4 address like 140.252.13.34/27 but got \"%s\"",
	    Tcl_GetString(obj));
}

Tcl_Obj *
TcplabNewAddr(
    tl_addr a)
{
    return Tcl_ObjPrintf("%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
}

/* A string of decimal digits with an optional sign: an integer, maybe
 * too large for Tcl_GetWideIntFromObj. */
int
TcplabIsInteger(
    const char *s)
{
    size_t skip = strspn(s, " \t");

    if (s[skip] == '+' || s[skip] == '-') {
	skip++;
    }
    return s[skip] != '\0'
	    && strspn(s + skip, "0123456789") + skip == strlen(s);
}

/* A port: a number 1-65535 or a service name (echo, discard, ...). */
int
TcplabGetPort(
    Tcl_Interp *interp,
    Tcl_Obj *obj,
    uint16_t *portPtr)
{
    int v;
    Tcl_WideInt w;

    if (Tcl_GetWideIntFromObj(NULL, obj, &w) == TCL_OK
	    || TcplabIsInteger(Tcl_GetString(obj))) {
	if (Tcl_GetWideIntFromObj(NULL, obj, &w) != TCL_OK
		|| w < 1 || w > 65535) {
	    return TcplabError(interp, "VALUE", "PORT",
		    "port %s out of range 1-65535", Tcl_GetString(obj));
	}
	*portPtr = (uint16_t) w;
	return TCL_OK;
    }
    v = port_lookup(Tcl_GetString(obj));
    if (v < 0) {
	return TcplabError(interp, "LOOKUP", "PORT",
		"unknown port or service \"%s\"", Tcl_GetString(obj));
    }
    *portPtr = (uint16_t) v;
    return TCL_OK;
}

/* A peer: a host of the network, by name, or an IPv4 address. */
int
TcplabGetPeer(
    Tcl_Interp *interp,
    NetObj *netPtr,
    Tcl_Obj *obj,
    tl_addr *addrPtr)
{
    const char *s = Tcl_GetString(obj);
    HostObj *hostPtr;

    if (TcplabParseAddr(s, addrPtr)) {
	return TCL_OK;
    }
    hostPtr = TcplabFindHost(netPtr, s);
    if (hostPtr && hostPtr->host->nifaces > 0) {
	*addrPtr = hostPtr->host->ifaces[0]->addr;
	return TCL_OK;
    }
    return TcplabError(interp, "LOOKUP", "HOST",
	    hostPtr ? "host \"%s\" has no address on any link"
	    : "unknown host \"%s\"", s);
}

int
TcplabGetUInt32(
    Tcl_Interp *interp,
    Tcl_Obj *obj,
    uint32_t *vPtr)
{
    Tcl_WideInt w;

    if (Tcl_GetWideIntFromObj(NULL, obj, &w) != TCL_OK) {
	if (!TcplabIsInteger(Tcl_GetString(obj))) {
	    return Tcl_GetWideIntFromObj(interp, obj, &w);
	}
	w = -1;			/* Too large for any 32-bit number. */
    }
    if (w < 0 || w > 0xffffffffLL) {
	return TcplabError(interp, "VALUE", "RANGE",
		"expected a 32-bit unsigned number but got \"%s\"",
		Tcl_GetString(obj));
    }
    *vPtr = (uint32_t) w;
    return TCL_OK;
}

/*
 * TcplabPosixError --
 *	Leaves "<prefix>: <message>" with -errorcode {POSIX ENAME message},
 *	exactly as Tcl's own sockets report it (Tcl_PosixError).
 */

int
TcplabPosixError(
    Tcl_Interp *interp,
    int err,
    const char *prefix)
{
    const char *msg;

    errno = err;
    msg = Tcl_PosixError(interp);
    if (prefix) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: %s", prefix, msg));
    } else {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(msg, -1));
    }
    return TCL_ERROR;
}

/* Leaves a formatted message with -errorcode {TCPLAB cls detail}. */
int
TcplabError(
    Tcl_Interp *interp,
    const char *cls,
    const char *detail,
    const char *fmt,
    ...)
{
    va_list ap;
    char buf[512];

    if (interp == NULL) {
	return TCL_ERROR;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    Tcl_SetObjResult(interp, Tcl_NewStringObj(buf, -1));
    Tcl_SetErrorCode(interp, "TCPLAB", cls, detail, (char *) NULL);
    return TCL_ERROR;
}

/* A tunable's value as scripts see it: its name when its values have
 * names (tcp_congestion_control), else the number. */
Tcl_Obj *
TcplabTunableObj(
    int idx,
    int value)
{
    const char *name = tunable_value_name(idx, value);

    return name ? Tcl_NewStringObj(name, -1) : Tcl_NewIntObj(value);
}

/* Per-interpreter counters for handle names: ::tcplab::conn3. */
typedef struct {
    Tcl_HashTable counts;
} NameCounters;

static void
FreeCounters(
    void *clientData,
    Tcl_Interp *interp)
{
    NameCounters *c = clientData;

    (void) interp;
    Tcl_DeleteHashTable(&c->counts);
    ckfree(c);
}

Tcl_Obj *
TcplabNewName(
    Tcl_Interp *interp,
    const char *kind)
{
    NameCounters *c = Tcl_GetAssocData(interp, "tcplab::names", NULL);
    Tcl_HashEntry *e;
    int isNew;
    long n;
    Tcl_CmdInfo info;
    Tcl_Obj *name;

    if (c == NULL) {
	c = ckalloc(sizeof(*c));
	Tcl_InitHashTable(&c->counts, TCL_STRING_KEYS);
	Tcl_SetAssocData(interp, "tcplab::names", FreeCounters, c);
    }
    e = Tcl_CreateHashEntry(&c->counts, kind, &isNew);
    n = isNew ? 0 : (long) (intptr_t) Tcl_GetHashValue(e);
    do {
	n++;
	name = Tcl_ObjPrintf("::tcplab::%s%ld", kind, n);
	if (Tcl_GetCommandInfo(interp, Tcl_GetString(name), &info) == 0) {
	    break;
	}
	Tcl_DecrRefCount(name);
    } while (1);
    Tcl_SetHashValue(e, (void *) (intptr_t) n);
    return name;
}

/* The error of an option given without its value, as Tcl's own commands
 * report it. */
int
TcplabMissingArg(
    Tcl_Interp *interp,
    const char *opt)
{
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("no argument given for %s option",
	    opt));
    Tcl_SetErrorCode(interp, "TCL", "ARGUMENT", "MISSING", (char *) NULL);
    return TCL_ERROR;
}

/*
 * TcplabGetIntRange --
 *	An integer option value from lo to hi; anything else, huge integers
 *	included, is refused with "<what> <value> out of range <lo>-<hi>";
 *	what is not an integer at all keeps Tcl's message.
 */

int
TcplabGetIntRange(
    Tcl_Interp *interp,
    const char *what,
    Tcl_Obj *obj,
    Tcl_WideInt lo,
    Tcl_WideInt hi,
    Tcl_WideInt *vPtr)
{
    Tcl_WideInt w;
    const char *s = Tcl_GetString(obj);

    if (Tcl_GetWideIntFromObj(NULL, obj, &w) != TCL_OK) {
	if (!TcplabIsInteger(s)) {
	    return Tcl_GetWideIntFromObj(interp, obj, &w);
	}
	w = hi + 1;		/* An integer too large for any range. */
    }
    if (w < lo || w > hi) {
	return TcplabError(interp, "VALUE", "RANGE",
		"%s %s out of range %" TCL_LL_MODIFIER "d-%" TCL_LL_MODIFIER
		"d", what, s, lo, hi);
    }
    *vPtr = w;
    return TCL_OK;
}

/* -linger: -1 (SO_LINGER off), 0 (close sends a RST) or seconds. */
int
TcplabGetLinger(
    Tcl_Interp *interp,
    const char *what,
    Tcl_Obj *obj,
    int *vPtr)
{
    Tcl_WideInt w;

    if (TcplabGetIntRange(NULL, what, obj, -1, INT_MAX, &w) != TCL_OK) {
	if (!TcplabIsInteger(Tcl_GetString(obj))) {
	    return Tcl_GetWideIntFromObj(interp, obj, &w);
	}
	return TcplabError(interp, "VALUE", "RANGE",
		"%s %s out of range: must be -1 (off), 0 (close sends a RST) "
		"or a number of seconds up to %d", what, Tcl_GetString(obj),
		INT_MAX);
    }
    *vPtr = (int) w;
    return TCL_OK;
}
