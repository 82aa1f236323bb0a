/*
 * tclSockopt.c --
 *
 *	`$conn sockopt ?name ?value??` and `$listener sockopt ?name ?value??`:
 *	the socket layer's options (socket.c) by their Linux names. Values
 *	are converted here and nothing else: integers, booleans, SO_LINGER as
 *	{onoff seconds}, TCP_CONGESTION as a name, TCP_INFO as a dict of
 *	Linux's tcpi_* fields. Errors carry the errno the socket layer gives
 *	as a POSIX errorcode, as setsockopt() would return it.
 */

#include <errno.h>
#include <string.h>
#include "tcplabInt.h"
#include "socket.h"

/* A connection, a listener, or the options of a socket about to open (on
 * host h, whose tunables stand for what is not set). */
typedef struct Target {
    tl_tcb *tp;
    tl_listener *l;
    tl_openopts *o;
    tl_host *h;
} Target;

static int	SockoptCmd(Tcl_Interp *interp, Target *tPtr, Tcl_Size objc,
		    Tcl_Obj *const objv[]);

static int
Set(
    const Target *t,
    const tl_sockopt_def *d,
    const void *v,
    uint32_t len)
{
    return t->tp ? so_setsockopt(t->tp, d->level, d->optname, v, len)
	    : t->l ? so_listener_setsockopt(t->l, d->level, d->optname, v, len)
	    : so_opts_setsockopt(t->o, t->h, d->level, d->optname, v, len);
}

static int
Get(
    const Target *t,
    const tl_sockopt_def *d,
    void *v,
    uint32_t *lenPtr)
{
    return t->tp ? so_getsockopt(t->tp, d->level, d->optname, v, lenPtr)
	    : t->l ? so_listener_getsockopt(t->l, d->level, d->optname, v,
		lenPtr)
	    : so_opts_getsockopt(t->o, t->h, d->level, d->optname, v, lenPtr);
}

static int
Fail(
    Tcl_Interp *interp,
    int err,
    const char *verb,
    const tl_sockopt_def *d)
{
    Tcl_Obj *prefix = Tcl_ObjPrintf("can't %s %s", verb, d->name);
    int code;

    Tcl_IncrRefCount(prefix);
    code = TcplabPosixError(interp, err, Tcl_GetString(prefix));
    Tcl_DecrRefCount(prefix);
    return code;
}

/* A conversion error keeps Tcl's message and says EINVAL, as the value
 * setsockopt() would refuse. */
static int
BadValue(
    Tcl_Interp *interp,
    const tl_sockopt_def *d)
{
    Tcl_Obj *msg = Tcl_ObjPrintf("can't set %s: %s", d->name,
	    Tcl_GetString(Tcl_GetObjResult(interp)));

    Tcl_SetObjResult(interp, msg);
    errno = EINVAL;
    Tcl_SetErrorCode(interp, "POSIX", "EINVAL", Tcl_ErrnoMsg(EINVAL),
	    (char *) NULL);
    return TCL_ERROR;
}

static Tcl_Obj *
InfoDict(
    const tl_tcp_info *i)
{
    Tcl_Obj *d = Tcl_NewDictObj();

#define F(f) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(#f, -1), \
	Tcl_NewWideIntObj((Tcl_WideInt) i->f))
    F(tcpi_state); F(tcpi_ca_state); F(tcpi_retransmits); F(tcpi_probes);
    F(tcpi_backoff); F(tcpi_options); F(tcpi_snd_wscale);
    F(tcpi_rcv_wscale); F(tcpi_rto); F(tcpi_ato); F(tcpi_snd_mss);
    F(tcpi_rcv_mss); F(tcpi_unacked); F(tcpi_sacked); F(tcpi_lost);
    F(tcpi_retrans); F(tcpi_rtt); F(tcpi_rttvar); F(tcpi_snd_ssthresh);
    F(tcpi_snd_cwnd); F(tcpi_advmss); F(tcpi_reordering); F(tcpi_reord_seen);
    F(tcpi_total_retrans); F(tcpi_dsack_dups); F(tcpi_bytes_acked); F(tcpi_bytes_received);
    F(tcpi_segs_out); F(tcpi_segs_in); F(tcpi_notsent_bytes);
    F(tcpi_min_rtt); F(tcpi_delivered); F(tcpi_snd_wnd); F(tcpi_rcv_wnd);
    F(tcpi_rcv_rtt); F(tcpi_rcv_space); F(tcpi_rcv_ssthresh);
    F(tcpi_last_data_sent); F(tcpi_last_data_recv);
    F(tcpi_busy_time); F(tcpi_rwnd_limited);
#undef F
    return d;
}

/* Reads one option as a Tcl value, or NULL with the error left. */
static Tcl_Obj *
Value(
    Tcl_Interp *interp,
    const Target *t,
    const tl_sockopt_def *d)
{
    union {
	int i;
	tl_linger lg;
	char name[TL_CA_NAME_MAX];
	tl_tcp_info info;
    } v;
    uint32_t len = sizeof(v);
    int err;

    memset(&v, 0, sizeof(v));
    err = Get(t, d, &v, &len);
    if (err) {
	Fail(interp, err, "get", d);
	return NULL;
    }
    switch (d->type) {
    case SOT_LINGER: {
	Tcl_Obj *pair[2];

	pair[0] = Tcl_NewIntObj(v.lg.l_onoff);
	pair[1] = Tcl_NewIntObj(v.lg.l_linger);
	return Tcl_NewListObj(2, pair);
    }
    case SOT_STRING:
	return Tcl_NewStringObj(v.name, -1);
    case SOT_INFO:
	return InfoDict(&v.info);
    default:
	return Tcl_NewIntObj(v.i);
    }
}

static int
SetValue(
    Tcl_Interp *interp,
    const Target *t,
    const tl_sockopt_def *d,
    Tcl_Obj *obj)
{
    int err;

    if (!(d->where & SOW_SET)) {
	return Fail(interp, ENOPROTOOPT, "set", d);
    }
    switch (d->type) {
    case SOT_LINGER: {
	Tcl_Obj **e;
	Tcl_Size n;
	tl_linger lg;

	if (Tcl_ListObjGetElements(interp, obj, &n, &e) != TCL_OK) {
	    return BadValue(interp, d);
	}
	if (n != 2) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf("expected {onoff seconds}"
		    " but got \"%s\"", Tcl_GetString(obj)));
	    return BadValue(interp, d);
	}
	if (Tcl_GetBooleanFromObj(interp, e[0], &lg.l_onoff) != TCL_OK
		|| Tcl_GetIntFromObj(interp, e[1], &lg.l_linger) != TCL_OK) {
	    return BadValue(interp, d);
	}
	err = Set(t, d, &lg, sizeof(lg));
	break;
    }
    case SOT_STRING: {
	Tcl_Size n;
	const char *s = Tcl_GetStringFromObj(obj, &n);

	err = Set(t, d, s, (uint32_t) (n < 64 ? n : 64));
	break;
    }
    case SOT_BOOL: {
	int b;

	if (Tcl_GetBooleanFromObj(interp, obj, &b) != TCL_OK) {
	    return BadValue(interp, d);
	}
	err = Set(t, d, &b, sizeof(b));
	break;
    }
    default: {
	Tcl_WideInt w;
	int i;

	if (Tcl_GetWideIntFromObj(interp, obj, &w) != TCL_OK) {
	    return BadValue(interp, d);
	}
	if (w < INT_MIN || w > INT_MAX) {
	    /* setsockopt() takes an int: a larger number cannot be said. */
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s does not fit an int "
		    "(%d to %d)", Tcl_GetString(obj), INT_MIN, INT_MAX));
	    return BadValue(interp, d);
	}
	i = (int) w;
	err = Set(t, d, &i, sizeof(i));
	break;
    }
    }
    if (err) {
	return Fail(interp, err, "set", d);
    }
    return TCL_OK;
}

/* An option by name; unknown: ENOPROTOOPT, the message lists every name. */
static int
Lookup(
    Tcl_Interp *interp,
    Tcl_Obj *name,
    const tl_sockopt_def **dPtr)
{
    int idx;

    if (Tcl_GetIndexFromObjStruct(interp, name, so_optdefs,
	    sizeof(so_optdefs[0]), "socket option", TCL_EXACT, &idx)
	    != TCL_OK) {
	errno = ENOPROTOOPT;
	Tcl_SetErrorCode(interp, "POSIX", "ENOPROTOOPT",
		Tcl_ErrnoMsg(ENOPROTOOPT), (char *) NULL);
	return TCL_ERROR;
    }
    *dPtr = &so_optdefs[idx];
    return TCL_OK;
}

/*
 * TcplabSockoptList --
 *	-sockopt {name value ...} of connect and listen: options set on the
 *	socket before it opens, as setsockopt() before connect().
 */

int
TcplabSockoptList(
    Tcl_Interp *interp,
    tl_host *h,
    tl_openopts *o,
    Tcl_Obj *list)
{
    Target t;
    Tcl_Obj **v;
    Tcl_Size n, i;
    const tl_sockopt_def *d;

    t.tp = NULL;
    t.l = NULL;
    t.o = o;
    t.h = h;
    if (Tcl_ListObjGetElements(interp, list, &n, &v) != TCL_OK) {
	return TCL_ERROR;
    }
    if (n % 2) {
	return TcplabError(interp, "VALUE", "SOCKOPT",
		"-sockopt needs a list of option names and values, got \"%s\"",
		Tcl_GetString(list));
    }
    for (i = 0; i < n; i += 2) {
	if (Lookup(interp, v[i], &d) != TCL_OK
		|| SetValue(interp, &t, d, v[i + 1]) != TCL_OK) {
	    return TCL_ERROR;
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * TcplabSockoptCmd --
 *
 *	$c sockopt ?name ?value??: with no name, every option but SO_ERROR
 *	(reading it clears it) as a dict; with a name, its value; with a
 *	value, sets it.
 *
 *----------------------------------------------------------------------
 */

int
TcplabSockoptCmd(
    Tcl_Interp *interp,
    tl_tcb *tp,
    tl_listener *l,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    Target t;

    t.tp = tp;
    t.l = l;
    t.o = NULL;
    t.h = NULL;
    return SockoptCmd(interp, &t, objc, objv);
}

/*
 * TcplabSockoptDefaults --
 *	$host sockopt ?name?: what getsockopt() says on a new socket of the
 *	host, before it connects or listens (the tunables where no option is
 *	set). Read only.
 */

int
TcplabSockoptDefaults(
    Tcl_Interp *interp,
    tl_host *h,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    Target t;
    tl_openopts o;

    if (objc > 3) {
	Tcl_WrongNumArgs(interp, 2, objv, "?name?");
	return TCL_ERROR;
    }
    so_opts_init(&o);
    t.tp = NULL;
    t.l = NULL;
    t.o = &o;
    t.h = h;
    return SockoptCmd(interp, &t, objc, objv);
}

static int
SockoptCmd(
    Tcl_Interp *interp,
    Target *tPtr,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    Target t = *tPtr;
    const tl_sockopt_def *d;
    Tcl_Obj *v;

    if (objc > 4) {
	Tcl_WrongNumArgs(interp, 2, objv, "?name ?value??");
	return TCL_ERROR;
    }
    if (objc == 2) {
	Tcl_Obj *dict = Tcl_NewDictObj();

	for (d = so_optdefs; d->name; d++) {
	    if (d->optname == TL_SO_ERROR && d->level == TL_SOL_SOCKET) {
		continue;
	    }
	    if (!(d->where & (t.tp ? SOW_CONN : SOW_LISTEN))) {
		continue;
	    }
	    v = Value(interp, &t, d);
	    if (v == NULL) {
		Tcl_DecrRefCount(dict);
		return TCL_ERROR;
	    }
	    Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj(d->name, -1), v);
	}
	Tcl_SetObjResult(interp, dict);
	return TCL_OK;
    }
    if (Lookup(interp, objv[2], &d) != TCL_OK) {
	return TCL_ERROR;
    }
    if (objc == 4) {
	return SetValue(interp, &t, d, objv[3]);
    }
    v = Value(interp, &t, d);
    if (v == NULL) {
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, v);
    return TCL_OK;
}
