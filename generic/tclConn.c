/*
 * tclConn.c --
 *
 *	Connection and listener handles (::tcplab::conn1, ::tcplab::listen1)
 *	and the upcalls through which the stack tells them what happened.
 */

#include <errno.h>
#include <string.h>
#include "tcplabInt.h"

static Tcl_ObjCmdProc ConnObjCmd, ListenObjCmd;
static Tcl_CmdDeleteProc ConnDeleteProc, ListenDeleteProc;

/* The states a TCB went through, as {time state time state ...}. */
static Tcl_Obj *
History(
    const tl_tcb *tp,
    int namesOnly)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    int i;

    for (i = 0; i < tp->nhist; i++) {
	if (!namesOnly) {
	    Tcl_ListObjAppendElement(NULL, list, TcplabNewTime(tcp_hist_time(tp, i)));
	}
	Tcl_ListObjAppendElement(NULL, list,
		Tcl_NewStringObj(tcp_statenames[tcp_hist_state(tp, i)], -1));
    }
    return list;
}

ConnObj *
TcplabConnNew(
    NetObj *netPtr,
    tl_tcb *tp)
{
    ConnObj *c = ckalloc(sizeof(*c));

    memset(c, 0, sizeof(*c));
    c->netPtr = netPtr;
    c->tcb = tp;
    tp->user = c;
    c->name = TcplabNewName(netPtr->interp, "conn");
    Tcl_IncrRefCount(c->name);
    c->next = netPtr->conns;
    c->prev = NULL;
    if (netPtr->conns) {
	netPtr->conns->prev = c;
    }
    netPtr->conns = c;
    c->cmd = Tcl_CreateObjCommand(netPtr->interp, Tcl_GetString(c->name),
	    ConnObjCmd, c, ConnDeleteProc);
    return c;
}

/* The handle of a TCB, made on first use. */
ConnObj *
TcplabConnFor(
    NetObj *netPtr,
    tl_tcb *tp)
{
    return tp->user ? (ConnObj *) tp->user : TcplabConnNew(netPtr, tp);
}

static void
ConnDeleteProc(
    void *clientData)
{
    ConnObj *c = clientData;
    NetObj *netPtr = c->netPtr;

    c->cmd = NULL;
    netPtr->scriptGen++;	/* No -until condition may look at it again. */
    TcplabUnqueue(netPtr, &c->onState);	/* Its callbacks not yet run. */
    TcplabUnqueue(netPtr, &c->onReadable);
    TcplabChanDetach(c);
    if (c->prev) {
	c->prev->next = c->next;
    } else {
	netPtr->conns = c->next;
    }
    if (c->next) {
	c->next->prev = c->prev;
    }
    if (c->tcb && netPtr->net) {
	tl_tcb *tp = c->tcb;

	c->tcb = NULL;
	so_release(tp);
    }
    Tcl_DecrRefCount(c->name);
    if (c->history) {
	Tcl_DecrRefCount(c->history);
    }
    if (c->onState) {
	Tcl_DecrRefCount(c->onState);
    }
    if (c->onReadable) {
	Tcl_DecrRefCount(c->onReadable);
    }
    if (c->onEvent) {
	if (netPtr->net) {
	    netPtr->events--;
	}
	Tcl_DecrRefCount(c->onEvent);
    }
    ckfree(c);
}

ListenObj *
TcplabListenNew(
    NetObj *netPtr,
    tl_listener *l)
{
    ListenObj *lp = ckalloc(sizeof(*lp));

    memset(lp, 0, sizeof(*lp));
    lp->netPtr = netPtr;
    lp->l = l;
    l->user = lp;
    lp->name = TcplabNewName(netPtr->interp, "listen");
    Tcl_IncrRefCount(lp->name);
    lp->next = netPtr->listeners;
    netPtr->listeners = lp;
    lp->cmd = Tcl_CreateObjCommand(netPtr->interp, Tcl_GetString(lp->name),
	    ListenObjCmd, lp, ListenDeleteProc);
    return lp;
}

static void
ListenDeleteProc(
    void *clientData)
{
    ListenObj *lp = clientData, **pp;
    NetObj *netPtr = lp->netPtr;

    lp->cmd = NULL;
    for (pp = &netPtr->listeners; *pp; pp = &(*pp)->next) {
	if (*pp == lp) {
	    *pp = lp->next;
	    break;
	}
    }
    if (lp->l && netPtr->net) {
	tl_listener *l = lp->l;

	lp->l = NULL;
	l->user = NULL;
	so_listener_close(l);
    }
    Tcl_DecrRefCount(lp->name);
    if (lp->acceptCmd) {
	Tcl_DecrRefCount(lp->acceptCmd);
    }
    if (lp->onPending) {
	Tcl_DecrRefCount(lp->onPending);
    }
    ckfree(lp);
}

/* Upcalls: record and queue; never run a script from here. */

static void
UpState(
    void *user,
    tl_tcb *tp,
    int from,
    int to)
{
    ConnObj *c = user;

    (void) from;
    if (c->onState) {
	Tcl_Obj *s = Tcl_DuplicateObj(c->onState);

	Tcl_ListObjAppendElement(NULL, s, c->name);
	Tcl_ListObjAppendElement(NULL, s,
		Tcl_NewStringObj(tcp_statenames[to], -1));
	TcplabQueueFor(c->netPtr, s, &c->onState);
    }
    if (to == TCPS_CLOSED && tp->so_error) {
	c->lastErr = tp->so_error;
    }
    TcplabChanNotify(c);
}

static void
UpReadable(
    void *user,
    tl_tcb *tp)
{
    ConnObj *c = user;

    if (tp->so_error) {
	c->lastErr = tp->so_error;
    }
    if (c->onReadable) {
	Tcl_Obj *s = Tcl_DuplicateObj(c->onReadable);

	Tcl_ListObjAppendElement(NULL, s, c->name);
	TcplabQueueFor(c->netPtr, s, &c->onReadable);
    }
    TcplabChanNotify(c);
}

static void
UpAccepted(
    void *user,
    tl_listener *l)
{
    ListenObj *lp = user;
    tl_tcb *tp;

    if (lp->onPending && !lp->acceptCmd) {
	Tcl_Obj *s = Tcl_DuplicateObj(lp->onPending);

	Tcl_ListObjAppendElement(NULL, s, lp->name);
	TcplabQueue(lp->netPtr, s);
    }
    while (lp->acceptCmd && so_accept(l, &tp) == 0) {
	ConnObj *c = TcplabConnNew(lp->netPtr, tp);
	Tcl_Obj *s = Tcl_DuplicateObj(lp->acceptCmd);

	if (lp->channel) {
	    TcplabChanGet(c, lp->netPtr->interp);
	    Tcl_ListObjAppendElement(NULL, s,
		    Tcl_GetObjResult(lp->netPtr->interp));
	    Tcl_ResetResult(lp->netPtr->interp);
	} else {
	    Tcl_ListObjAppendElement(NULL, s, c->name);
	}
	Tcl_ListObjAppendElement(NULL, s, TcplabNewAddr(tp->raddr));
	Tcl_ListObjAppendElement(NULL, s, Tcl_NewIntObj(tp->rport));
	TcplabQueue(lp->netPtr, s);
    }
}

static void
UpReleased(
    void *user,
    tl_tcb *tp)
{
    ConnObj *c = user;

    /* Keep what scripts may still ask: the history. */
    if (c->history == NULL) {
	c->history = History(tp, 0);
	Tcl_IncrRefCount(c->history);
    }
    c->tcb = NULL;
}

static void
UpListenerGone(
    void *user,
    tl_listener *l)
{
    ListenObj *lp = user;

    (void) l;
    lp->l = NULL;
}

/* Writability changes are told only under TCP_NOTSENT_LOWAT or tunable
 * skb_truesize; otherwise a connection is writable from the handshake on. */
static void
UpWritable(
    void *user,
    tl_tcb *tp)
{
    if (tp->x->notsent_lowat || tp->host->tun.skb_truesize) {
	TcplabChanNotify(user);
    }
}

const tl_upcalls TcplabUpcalls = {
    UpState, UpReadable, UpWritable, UpAccepted, UpReleased, UpListenerGone,
    TcplabEvent
};

static Tcl_Obj *
Seconds(
    tl_time t)
{
    return Tcl_NewDoubleObj((double) t / TL_SEC);
}

/* $c info: every TCB field a script may want, as a dict. */
static Tcl_Obj *
Info(
    const tl_tcb *tp)
{
    Tcl_Obj *d = Tcl_NewDictObj();

#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
#define NUM(k, v) PUT(k, Tcl_NewWideIntObj((Tcl_WideInt) (v)))
    PUT("state", Tcl_NewStringObj(tcp_statenames[tp->state], -1));
    PUT("laddr", TcplabNewAddr(tp->laddr));
    NUM("lport", tp->lport);
    PUT("raddr", TcplabNewAddr(tp->raddr));
    NUM("rport", tp->rport);
    NUM("iss", tp->iss);
    NUM("snd_una", tp->snd_una);
    NUM("snd_nxt", tp->snd_nxt);
    NUM("snd_max", tp->snd_max);
    NUM("snd_up", tp->snd_up);
    NUM("snd_wnd", tp->snd_wnd);
    NUM("snd_wl1", tp->snd_wl1);
    NUM("snd_wl2", tp->snd_wl2);
    NUM("irs", tp->irs);
    NUM("rcv_nxt", tp->rcv_nxt);
    NUM("rcv_wnd", tcp_rcv_space(tp));
    NUM("rcv_adv", tp->rcv_adv);
    NUM("rcv_up", tp->rcv_up);
    NUM("mss", tp->mss);
    NUM("mss_offer", tp->mss_offer);
    NUM("peer_mss", tp->peer_mss);
    PUT("srtt", Seconds(tp->srtt));
    PUT("rttvar", Seconds(tp->rttvar));
    PUT("rto", Seconds(tp->rto));
    NUM("rxtshift", tp->rxtshift);
    NUM("cwnd", tp->cwnd);
    NUM("ssthresh", tp->ssthresh);
    NUM("dupacks", tp->dupacks);
    NUM("sndq", so_outq(tp));
    NUM("wmem_queued", tcp_wmem_queued(tp));
    NUM("rcvq", tp->rcvbuf.len);
    NUM("bytes_in", tp->bytes_in);
    NUM("bytes_out", tp->bytes_out);
    NUM("segs_in", tp->segs_in);
    NUM("segs_out", tp->segs_out);
    NUM("retrans", tp->retrans);
    /* Fast Open: connect() deferred the SYN; the data our SYN carried;
     * whether the SYN-ACK acknowledged all of it (TCPI_OPT_SYN_DATA). */
    NUM("deferred", so_deferred(tp));
    NUM("syn_data", tp->x->syn_data);
    NUM("syn_data_acked", tp->x->syn_data_acked);
#undef NUM
#undef PUT
    return d;
}

/* $c timers: each timer's time left in seconds, or "" when idle. */
static Tcl_Obj *
Timers(
    const tl_tcb *tp)
{
    Tcl_Obj *d = Tcl_NewDictObj();
    tl_time now = net_now(tp->host->net);
    int i;

    for (i = 0; i < TT_NTIMERS; i++) {
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(tcp_timernames[i], -1),
		tcp_timer_pending(tp, (tl_timerid) i)
		? Seconds(tp->timer_at[i] - now) : Tcl_NewObj());
    }
    return d;
}

/* The -errorcode list a socket error carries: {POSIX ENAME message}. */
static int
ErrorCode(
    Tcl_Interp *interp,
    int err)
{
    Tcl_Obj *code[3];

    Tcl_ResetResult(interp);
    if (err == 0) {
	return TCL_OK;
    }
    errno = err;
    code[0] = Tcl_NewStringObj("POSIX", -1);
    code[1] = Tcl_NewStringObj(Tcl_ErrnoId(), -1);
    code[2] = Tcl_NewStringObj(Tcl_ErrnoMsg(err), -1);
    Tcl_SetObjResult(interp, Tcl_NewListObj(3, code));
    return TCL_OK;
}

static int
Closed(
    ConnObj *c,
    Tcl_Interp *interp)
{
    return TcplabError(interp, "STATE", "GONE",
	    "connection \"%s\" no longer exists", Tcl_GetString(c->name));
}

/*
 * $c recv ?-max n? ?-peek? | $c recv -urgent
 *	What is waiting (at most n bytes; -max -1, the default, is no limit),
 *	left queued with -peek; "" when nothing waits. A pending error is
 *	reported once, with nothing read.
 */

static int
Recv(
    ConnObj *c,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = { "-max", "-peek", "-urgent", NULL };
    enum { R_MAX, R_PEEK, R_URGENT };
    tl_tcb *tp = c->tcb;
    Tcl_WideInt max = -1;
    uint32_t n;
    Tcl_Size i;
    int idx, flags = 0, err;
    Tcl_Obj *res;
    unsigned char *buf;

    for (i = 2; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &idx)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	if (idx == R_URGENT) {
	    /* The urgent byte (out of band), or nothing when none came. */
	    uint8_t b;

	    if (objc != 3) {
		goto usage;
	    }
	    if (so_recv_oob(tp, &b) == 0) {
		Tcl_SetObjResult(interp, Tcl_NewByteArrayObj(&b, 1));
	    }
	    return TCL_OK;
	}
	if (idx == R_PEEK) {
	    flags |= TL_MSG_PEEK;
	    continue;
	}
	if (++i >= objc) {
	    goto usage;
	}
	if (TcplabGetIntRange(interp, "-max", objv[i], -1, UINT32_MAX,
		&max) != TCL_OK) {
	    return TCL_ERROR;
	}
    }
    n = so_inq(tp);
    if (max >= 0 && (uint32_t) max < n) {
	n = (uint32_t) max;
    }
    res = Tcl_NewByteArrayObj(NULL, 0);
    buf = Tcl_SetByteArrayLength(res, (Tcl_Size) n);
    err = so_recv(tp, buf, n, flags, &n);
    if (err && err != EAGAIN) {
	Tcl_Obj *prefix = Tcl_ObjPrintf("error reading \"%s\"",
		Tcl_GetString(c->name));

	Tcl_DecrRefCount(res);
	Tcl_IncrRefCount(prefix);
	TcplabPosixError(interp, err, Tcl_GetString(prefix));
	Tcl_DecrRefCount(prefix);
	return TCL_ERROR;
    }
    Tcl_SetByteArrayLength(res, (Tcl_Size) n);
    Tcl_SetObjResult(interp, res);
    TcplabDrain(c->netPtr);
    return TCL_OK;

  usage:
    Tcl_WrongNumArgs(interp, 2, objv, "?-max bytes? ?-peek? | -urgent");
    return TCL_ERROR;
}

/* $c send ?-urgent? data: bytes as given, or the string's UTF-8
 * encoding; -urgent sends them as urgent data (URG). */
/* send -nonblock: take what a non-blocking send() would (a bit beside
 * the MSG_ flags). */
#define SEND_NONBLOCK	0x40000000

static int
Send(
    ConnObj *c,
    Tcl_Interp *interp,
    Tcl_Obj *data,
    int flags)
{
    Tcl_Size len;
    const unsigned char *bytes;
    Tcl_DString ds;
    int err;

    Tcl_DStringInit(&ds);
    if (data->typePtr && strcmp(data->typePtr->name, "bytearray") == 0) {
	bytes = Tcl_GetByteArrayFromObj(data, &len);
    } else {
	const char *s = Tcl_GetStringFromObj(data, &len);

	Tcl_Encoding utf8 = Tcl_GetEncoding(NULL, "utf-8");

	Tcl_UtfToExternalDString(utf8, s, len, &ds);
	Tcl_FreeEncoding(utf8);
	bytes = (const unsigned char *) Tcl_DStringValue(&ds);
	len = Tcl_DStringLength(&ds);
    }
    if (flags & SEND_NONBLOCK) {
	uint32_t n = 0;

	err = so_send_nonblock(c->tcb, bytes, (uint32_t) len,
		flags & ~SEND_NONBLOCK, &n);
	if (err == 0) {
	    Tcl_SetObjResult(interp, Tcl_NewWideIntObj((Tcl_WideInt) n));
	}
    } else {
	err = so_send(c->tcb, bytes, (uint32_t) len, flags);
    }
    Tcl_DStringFree(&ds);
    if (err) {
	Tcl_Obj *prefix = Tcl_ObjPrintf("error writing \"%s\"",
		Tcl_GetString(c->name));

	Tcl_IncrRefCount(prefix);
	TcplabPosixError(interp, err, Tcl_GetString(prefix));
	Tcl_DecrRefCount(prefix);
	return TCL_ERROR;
    }
    TcplabDrain(c->netPtr);
    return TCL_OK;
}

static int
ConnObjCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    /* Each subcommand, and whether it still answers once the stack let
     * the TCB go. */
    static const struct Sub {
	const char *name;
	int afterEnd;
    } subs[] = {
	{"abort", 1}, {"channel", 1}, {"close", 1}, {"destroy", 1},
	{"eof", 1}, {"error", 1}, {"history", 1}, {"info", 0}, {"on", 1},
	{"readable", 1}, {"recv", 0}, {"send", 0}, {"shutdown", 0},
	{"sockopt", 0}, {"source", 0}, {"state", 1}, {"states", 1},
	{"timers", 0}, {NULL, 0}
    };
    enum {
	C_ABORT, C_CHANNEL, C_CLOSE, C_DESTROY, C_EOF, C_ERROR, C_HISTORY,
	C_INFO, C_ON, C_READABLE, C_RECV, C_SEND, C_SHUTDOWN, C_SOCKOPT,
	C_SOURCE, C_STATE, C_STATES, C_TIMERS
    };
    ConnObj *c = clientData;
    tl_tcb *tp = c->tcb;
    int idx;

    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObjStruct(interp, objv[1], subs, sizeof(subs[0]),
	    "subcommand", 0, &idx) != TCL_OK) {
	return TCL_ERROR;
    }
    if (idx != C_STATE) {
	TcplabCondAny(c->netPtr);
    }
    if (tp == NULL && !subs[idx].afterEnd) {
	return Closed(c, interp);
    }
    TcplabClockSync(c->netPtr);
    switch (idx) {
    case C_ABORT:
    case C_CLOSE:
	if (objc != 2) {
	    Tcl_WrongNumArgs(interp, 2, objv, NULL);
	    return TCL_ERROR;
	}
	if (tp) {
	    if (idx == C_ABORT) {
		so_abort(tp);
	    } else {
		so_close(tp);
	    }
	}
	TcplabDrain(c->netPtr);
	return TCL_OK;
    case C_CHANNEL:
	/* $c channel: a Tcl channel over the connection (tclChan.c). */
	if (objc != 2) {
	    Tcl_WrongNumArgs(interp, 2, objv, NULL);
	    return TCL_ERROR;
	}
	return TcplabChanGet(c, interp);
    case C_DESTROY:
	Tcl_DeleteCommandFromToken(interp, c->cmd);
	return TCL_OK;
    case C_EOF:
	Tcl_SetObjResult(interp, Tcl_NewBooleanObj(tp == NULL
		|| so_at_eof(tp)));
	return TCL_OK;
    case C_ERROR:
	return ErrorCode(interp, tp && tp->so_error ? tp->so_error
		: c->lastErr);
    case C_HISTORY:
    case C_STATES:
	if (tp) {
	    Tcl_SetObjResult(interp, History(tp, idx == C_STATES));
	} else if (c->history) {
	    if (idx == C_HISTORY) {
		Tcl_SetObjResult(interp, c->history);
	    } else {
		Tcl_Obj **v, *list = Tcl_NewListObj(0, NULL);
		Tcl_Size n, i;

		Tcl_ListObjGetElements(NULL, c->history, &n, &v);
		for (i = 1; i < n; i += 2) {
		    Tcl_ListObjAppendElement(NULL, list, v[i]);
		}
		Tcl_SetObjResult(interp, list);
	    }
	}
	return TCL_OK;
    case C_INFO:
	Tcl_SetObjResult(interp, Info(tp));
	return TCL_OK;
    case C_ON: {
	static const char *const evs[] = { "event", "readable", "state", NULL };
	Tcl_Obj **slot;
	int ev;

	if (objc != 3 && objc != 4) {
	    Tcl_WrongNumArgs(interp, 2, objv, "event|readable|state ?cmdprefix?");
	    return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[2], evs, "event", 0, &ev)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	slot = ev == 0 ? &c->onEvent : ev == 1 ? &c->onReadable : &c->onState;
	if (objc == 4) {
	    if (ev == 1 || (ev == 2 && Tcl_GetCharLength(objv[3]) == 0)) {
		/* A readable callback not yet run goes with the one it
		 * replaces (the new one is called for what is waiting, as
		 * below); a state callback removed takes those it queued. */
		TcplabUnqueue(c->netPtr, slot);
	    }
	    if (*slot) {
		Tcl_DecrRefCount(*slot);
		*slot = NULL;
		if (ev == 0) {
		    c->netPtr->events--;
		}
	    }
	    if (Tcl_GetCharLength(objv[3]) > 0) {
		*slot = objv[3];
		Tcl_IncrRefCount(*slot);
		if (ev == 0) {
		    c->netPtr->events++;
		}
		/* As with fileevent: what is already waiting (data, the
		 * end, an error) calls the new readable callback too. */
		if (ev == 1 && tp && so_readable(tp)) {
		    UpReadable(c, tp);
		    TcplabKick(c->netPtr);
		}
	    }
	}
	if (*slot) {
	    Tcl_SetObjResult(interp, *slot);
	}
	return TCL_OK;
    }
    case C_READABLE:
	Tcl_SetObjResult(interp, Tcl_NewWideIntObj(tp ? so_inq(tp) : 0));
	return TCL_OK;
    case C_RECV:
	return Recv(c, interp, objc, objv);
    case C_SEND:
    {
	/* send ?-urgent? ?-more? ?-eor? ?-nonblock? data: MSG_OOB,
	 * MSG_MORE, MSG_EOR, and a non-blocking send's count. */
	static const char *const sendOpts[] = {
	    "-urgent", "-more", "-eor", "-nonblock", NULL
	};
	static const int sendFlags[] = {
	    TL_MSG_OOB, TL_MSG_MORE, TL_MSG_EOR, SEND_NONBLOCK
	};
	int flags = 0, idx;
	Tcl_Size i;

	if (objc < 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "data");
	    return TCL_ERROR;
	}
	for (i = 2; i < objc - 1; i++) {
	    if (Tcl_GetIndexFromObj(interp, objv[i], sendOpts, "option", 0,
		    &idx) != TCL_OK) {
		return TCL_ERROR;
	    }
	    flags |= sendFlags[idx];
	}
	return Send(c, interp, objv[objc - 1], flags);
    }
    case C_SHUTDOWN: {
	static const char *const hows[] = { "both", "read", "write", NULL };
	int how, err;

	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "read|write|both");
	    return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[2], hows, "direction", 0, &how)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	err = so_shutdown(tp, how == 0 ? TL_SHUT_RDWR : how == 1 ? TL_SHUT_RD
		: TL_SHUT_WR);
	if (err) {
	    return TcplabPosixError(interp, err, "shutdown failed");
	}
	TcplabDrain(c->netPtr);
	return TCL_OK;
    }
    case C_SOCKOPT: {
	int code = TcplabSockoptCmd(interp, tp, NULL, objc, objv);

	TcplabDrain(c->netPtr);
	return code;
    }
    case C_SOURCE: {
	Tcl_WideInt n;
	int err;

	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "bytes");
	    return TCL_ERROR;
	}
	if (Tcl_GetWideIntFromObj(interp, objv[2], &n) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (n < 0) {
	    return TcplabError(interp, "VALUE", "RANGE",
		    "byte count must not be negative");
	}
	err = app_source(tp, (uint64_t) n);
	if (err) {
	    return TcplabPosixError(interp, err, "error writing");
	}
	TcplabDrain(c->netPtr);
	return TCL_OK;
    }
    case C_STATE: {
	int state = TcplabConnState(c);

	TcplabCondState(c, state);
	Tcl_SetObjResult(interp, TcplabStateName(c->netPtr, state));
	return TCL_OK;
    }
    case C_TIMERS:
	Tcl_SetObjResult(interp, Timers(tp));
	return TCL_OK;
    }
    return TCL_OK;
}

static int
ListenObjCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = {
	"accept", "close", "info", "on", "pending", "sockopt", NULL
    };
    enum { L_ACCEPT, L_CLOSE, L_INFO, L_ON, L_PENDING, L_SOCKOPT };
    ListenObj *lp = clientData;
    tl_listener *l = lp->l;
    int idx, asChannel = 0;

    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    TcplabCondAny(lp->netPtr);
    if (idx == L_ON) {
	/* $l on pending ?cmdprefix?: told when a connection waits. */
	static const char *const evs[] = { "pending", NULL };
	int ev;

	if (objc != 3 && objc != 4) {
	    Tcl_WrongNumArgs(interp, 2, objv, "pending ?cmdprefix?");
	    return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[2], evs, "event", 0, &ev)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	if (objc == 4) {
	    if (lp->onPending) {
		Tcl_DecrRefCount(lp->onPending);
		lp->onPending = NULL;
	    }
	    if (Tcl_GetCharLength(objv[3]) > 0) {
		lp->onPending = objv[3];
		Tcl_IncrRefCount(lp->onPending);
	    }
	}
	if (lp->onPending) {
	    Tcl_SetObjResult(interp, lp->onPending);
	}
	return TCL_OK;
    }
    if (idx == L_SOCKOPT) {
	if (l == NULL) {
	    return TcplabError(interp, "STATE", "GONE",
		    "listener \"%s\" no longer exists",
		    Tcl_GetString(lp->name));
	}
	return TcplabSockoptCmd(interp, NULL, l, objc, objv);
    }
    if (idx == L_ACCEPT && objc == 3
	    && strcmp(Tcl_GetString(objv[2]), "-channel") == 0) {
	asChannel = 1;
    } else if (objc != 2) {
	Tcl_WrongNumArgs(interp, 2, objv, idx == L_ACCEPT ? "?-channel?"
		: NULL);
	return TCL_ERROR;
    }
    if (idx == L_CLOSE) {
	Tcl_DeleteCommandFromToken(interp, lp->cmd);
	return TCL_OK;
    }
    if (l == NULL) {
	return TcplabError(interp, "STATE", "GONE",
		"listener \"%s\" no longer exists", Tcl_GetString(lp->name));
    }
    TcplabClockSync(lp->netPtr);
    switch (idx) {
    case L_ACCEPT: {
	tl_tcb *tp;

	if (so_accept(l, &tp) == 0) {
	    ConnObj *c = TcplabConnNew(lp->netPtr, tp);

	    if (asChannel || lp->channel) {
		return TcplabChanGet(c, interp);
	    }
	    Tcl_SetObjResult(interp, c->name);
	}
	return TCL_OK;
    }
    case L_INFO: {
	Tcl_Obj *d = Tcl_NewDictObj();

	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("laddr", -1),
		l->laddr ? TcplabNewAddr(l->laddr) : Tcl_NewStringObj("*", -1));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("lport", -1),
		Tcl_NewIntObj(l->lport));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("backlog", -1),
		Tcl_NewIntObj(l->backlog));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("limit", -1),
		Tcl_NewIntObj(tcp_backlog_limit(l->host, l->backlog)));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("qlen", -1),
		Tcl_NewIntObj(l->qlen));
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("q0len", -1),
		Tcl_NewIntObj(l->q0len));
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
    }
    case L_PENDING:
	Tcl_SetObjResult(interp, Tcl_NewIntObj(l->qlen));
	return TCL_OK;
    }
    return TCL_OK;
}
