/*
 * tclChan.c --
 *
 *	Tcl channels over tcplab connections: `$conn channel` (or -channel at
 *	connect and accept) gives a channel that puts, gets, read, fileevent,
 *	chan configure -blocking and close $ch write (the half-close) work on,
 *	with the errors a socket reports as POSIX codes. In virtual time a
 *	blocking read runs the network until data, the end of the stream or an
 *	error arrives (or the -timeout passes); readiness is told to Tcl
 *	between events, never from inside segment processing.
 *	The blocking read runs the network with TcplabRunUntil (tclNet.c).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "tcplabInt.h"

/*
 * One per channel. The connection handle points back at it (connPtr->chan)
 * while both exist; either may go first.
 */

typedef struct ChanState {
    Tcl_Channel chan;
    Tcl_Interp *interp;		/* Where the channel is registered. */
    NetObj *netPtr;		/* Preserved while the channel lives. */
    ConnObj *connPtr;		/* NULL once the connection handle is gone. */
    int interest;		/* TCL_READABLE | TCL_WRITABLE from watchProc. */
    int blocking;		/* Blocking mode (the default). */
    Tcl_TimerToken timer;	/* A 0 ms notification timer, or NULL. */
    int queued;			/* A notification waits in the network's queue. */
    int inInput;		/* Inside a blocking read: don't notify. */
    int notifying;		/* Inside Tcl_NotifyChannel (its handlers). */
    uint64_t moved;		/* Bytes read from or written to the stack. */
    uint64_t movedAt;		/* ...when the handlers were called, */
    int bufAt;			/* and the bytes Tcl then had buffered. */
    int closed;			/* close2Proc ran; freed once released. */
    int errReported;		/* The connection's error went to a read. */
    int linger;			/* -linger as last known: -1 off, else s. */
    tl_time timeout;		/* -timeout of a blocking read, 0 = none. */
} ChanState;

static Tcl_DriverClose2Proc	ChanClose2Proc;
static Tcl_DriverInputProc	ChanInputProc;
static Tcl_DriverOutputProc	ChanOutputProc;
static Tcl_DriverSetOptionProc	ChanSetOptionProc;
static Tcl_DriverGetOptionProc	ChanGetOptionProc;
static Tcl_DriverWatchProc	ChanWatchProc;
static Tcl_DriverGetHandleProc	ChanGetHandleProc;
static Tcl_DriverBlockModeProc	ChanBlockModeProc;
static Tcl_TimerProc		ChanTimerProc;

#if TCL_MAJOR_VERSION < 9
static void	ChanFree(char *blockPtr);
#else
static void	ChanFree(void *blockPtr);
#endif

static const Tcl_ChannelType chanType = {
    "tcplab",			/* Type name. */
    TCL_CHANNEL_VERSION_5,
    TCL_CLOSE2PROC,		/* All closing is in close2Proc. */
    ChanInputProc,
    ChanOutputProc,
    NULL,			/* seekProc */
    ChanSetOptionProc,
    ChanGetOptionProc,
    ChanWatchProc,
    ChanGetHandleProc,
    ChanClose2Proc,
    ChanBlockModeProc,
    NULL,			/* flushProc */
    NULL,			/* handlerProc */
    NULL,			/* wideSeekProc */
    NULL,			/* threadActionProc */
    NULL			/* truncateProc */
};

/* The TCB behind a channel, or NULL once it or its handle is gone. */
static inline tl_tcb *
ChanTcb(
    const ChanState *cs)
{
    return cs->connPtr ? cs->connPtr->tcb : NULL;
}

/*
 * ChanReady --
 *	What the connection allows now: readable when data, the end of the
 *	stream or an error waits; writable once established (or when a write
 *	would fail at once).
 */

static int
ChanReady(
    const ChanState *cs)
{
    const tl_tcb *tp = ChanTcb(cs);
    int mask = 0;

    if (tp == NULL) {
	return TCL_READABLE | TCL_WRITABLE;
    }
    if (so_readable(tp)) {
	mask |= TCL_READABLE;
    }
    if (so_writable(tp)) {
	mask |= TCL_WRITABLE;
    }
    return mask;
}

static int
ChanReadReady(
    void *arg)
{
    return (ChanReady(arg) & TCL_READABLE) != 0;
}

/*
 * ChanFire --
 *	Tells Tcl what the channel is ready for, among what it watches; also
 *	readable when Tcl's own buffer holds input it would announce with its
 *	timer (which on virtual time would wait for the next `update`). The
 *	handlers may close the channel: callers must not touch cs afterwards.
 */

static int
ChanBuffered(
    const ChanState *cs)
{
    return !(cs->interest & TCL_READABLE) && Tcl_InputBuffered(cs->chan) > 0;
}

static void
ChanFire(
    ChanState *cs)
{
    int mask;

    if (cs->inInput) {
	/* Tcl asks again (watchProc) once the read returns. */
	return;
    }
    mask = ChanReady(cs) & cs->interest;
    if (ChanBuffered(cs)) {
	mask |= TCL_READABLE;
    }
    if (mask) {
	Tcl_Preserve(cs);
	cs->netPtr->scriptGen++;	/* Its handlers are scripts. */
	cs->notifying = 1;
	cs->movedAt = cs->moved;
	cs->bufAt = Tcl_InputBuffered(cs->chan);
	Tcl_NotifyChannel(cs->chan, mask);
	cs->notifying = 0;
	Tcl_Release(cs);
    }
}

static void
ChanTimerProc(
    void *clientData)
{
    ChanState *cs = clientData;

    cs->timer = NULL;
    ChanFire(cs);
}

/*
 * ChanSchedule --
 *	Arranges for Tcl to be told of the channel's readiness: a 0 ms timer
 *	(Tcl's event loop), and on virtual time also a script in the
 *	network's queue, so that fileevent handlers run while `$net run` runs,
 *	at the virtual time the data came. Never notifies directly.
 */

static void
ChanSchedule(
    ChanState *cs)
{
    NetObj *netPtr = cs->netPtr;
    int ready = ChanReady(cs) & cs->interest;

    if (!ready && !ChanBuffered(cs)) {
	return;
    }
    if (ready && cs->timer == NULL) {
	cs->timer = Tcl_CreateTimerHandler(0, ChanTimerProc, cs);
    }
    /* A handler that leaves the channel ready without moving a byte (a
     * writable handler kept after the connection opened, a readable one
     * that did not read, or read the end of the stream again) is asked
     * again by Tcl's event loop, as for Tcl's own sockets: queued again in
     * the network's queue it would run forever at one instant. One that
     * moved bytes (a gets that left lines buffered) runs again soon. */
    if (!cs->queued && !(cs->notifying && cs->moved == cs->movedAt
	    && Tcl_InputBuffered(cs->chan) >= cs->bufAt)
	    && netPtr->net && !netPtr->real) {
	Tcl_Obj *script = Tcl_NewStringObj("::tcplab::ChanNotify", -1);

	Tcl_ListObjAppendElement(NULL, script,
		Tcl_NewStringObj(Tcl_GetChannelName(cs->chan), -1));
	cs->queued = 1;
	TcplabQueue(netPtr, script);
    }
}

/*
 * ::tcplab::ChanNotify channel --
 *	Internal: a notification queued by ChanSchedule runs between events.
 */

static int
ChanNotifyCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    Tcl_Channel chan;
    ChanState *cs;

    (void) clientData;
    if (objc != 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "channel");
	return TCL_ERROR;
    }
    chan = Tcl_GetChannel(interp, Tcl_GetString(objv[1]), NULL);
    Tcl_ResetResult(interp);
    if (chan == NULL || Tcl_GetChannelType(chan) != &chanType) {
	return TCL_OK;		/* Closed since. */
    }
    cs = Tcl_GetChannelInstanceData(chan);
    cs->queued = 0;
    if (cs->timer) {
	Tcl_DeleteTimerHandler(cs->timer);
	cs->timer = NULL;
    }
    ChanFire(cs);
    return TCL_OK;
}

void
TcplabChanInit(
    Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::tcplab::ChanNotify", ChanNotifyCmd, NULL,
	    NULL);
}

/*
 *----------------------------------------------------------------------
 *
 * TcplabChanNotify, TcplabChanDetach --
 *
 *	The connection's upcalls say something changed (data, end of
 *	stream, error, state); the connection handle goes.
 *
 *----------------------------------------------------------------------
 */

void
TcplabChanNotify(
    ConnObj *connPtr)
{
    if (connPtr->chan) {
	ChanSchedule(connPtr->chan);
    }
}

void
TcplabChanDetach(
    ConnObj *connPtr)
{
    ChanState *cs = connPtr->chan;

    if (cs) {
	connPtr->chan = NULL;
	cs->connPtr = NULL;
	ChanSchedule(cs);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * TcplabChanGet --
 *
 *	The channel of a connection, made on first use and registered in
 *	the interpreter; its name is left as the result.
 *
 *----------------------------------------------------------------------
 */

int
TcplabChanGet(
    ConnObj *connPtr,
    Tcl_Interp *interp)
{
    ChanState *cs = connPtr->chan;
    const char *name;
    char chanName[64];

    if (cs == NULL) {
	name = strrchr(Tcl_GetString(connPtr->name), ':');
	name = name ? name + 1 : Tcl_GetString(connPtr->name);
	if (strncmp(name, "conn", 4) == 0) {
	    name += 4;
	}
	snprintf(chanName, sizeof(chanName), "tcplab%s", name);
	cs = ckalloc(sizeof(*cs));
	memset(cs, 0, sizeof(*cs));
	cs->interp = interp;
	cs->netPtr = connPtr->netPtr;
	Tcl_Preserve(cs->netPtr);
	cs->connPtr = connPtr;
	cs->blocking = 1;
	cs->linger = -1;
	if (connPtr->tcb) {
	    tl_linger lg;
	    uint32_t len = sizeof(lg);

	    if (so_getsockopt(connPtr->tcb, TL_SOL_SOCKET, TL_SO_LINGER, &lg,
		    &len) == 0 && lg.l_onoff) {
		cs->linger = lg.l_linger;
	    }
	}
	cs->chan = Tcl_CreateChannel(&chanType, chanName, cs,
		TCL_READABLE | TCL_WRITABLE);
	connPtr->chan = cs;
	Tcl_RegisterChannel(interp, cs->chan);
	/* Bytes, not text: the stream is what TCP carries. */
	Tcl_SetChannelOption(NULL, cs->chan, "-translation", "binary");
	Tcl_SetChannelOption(NULL, cs->chan, "-buffering", "none");
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(
	    Tcl_GetChannelName(cs->chan), -1));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ChanClose2Proc --
 *
 *	close $ch: an orderly release of the connection (a RST with
 *	-linger 0); close $ch write: shutdown for writing, a FIN after the
 *	queued data; close $ch read: shutdown for reading.
 *
 * Results:
 *	0 or a POSIX error code.
 *
 *----------------------------------------------------------------------
 */

static int
ChanClose2Proc(
    void *instanceData,		/* The channel's state. */
    Tcl_Interp *interp,		/* Unused. */
    int flags)			/* TCL_CLOSE_READ, TCL_CLOSE_WRITE or 0. */
{
    ChanState *cs = instanceData;
    NetObj *netPtr = cs->netPtr;
    tl_tcb *tp = ChanTcb(cs);
    int err = 0;

    (void) interp;
    TcplabCondAny(cs->netPtr);
    if (netPtr->net) {
	TcplabClockSync(netPtr);
    }
    if ((flags & (TCL_CLOSE_READ | TCL_CLOSE_WRITE)) == 0) {
	if (cs->timer) {
	    Tcl_DeleteTimerHandler(cs->timer);
	}
	cs->timer = NULL;
	if (cs->connPtr) {
	    cs->connPtr->chan = NULL;
	    cs->connPtr = NULL;
	}
	if (tp && netPtr->net && !(tp->flags & TF_CLOSED)) {
	    so_close(tp);
	}
	TcplabKick(netPtr);
	cs->closed = 1;
	Tcl_EventuallyFree(cs, ChanFree);
	return 0;
    }
    if (tp == NULL || netPtr->net == NULL) {
	return ENOTCONN;
    }
    if (flags & TCL_CLOSE_READ) {
	err = so_shutdown(tp, TL_SHUT_RD);
    }
    if ((flags & TCL_CLOSE_WRITE) && err == 0) {
	err = so_shutdown(tp, TL_SHUT_WR);
    }
    TcplabKick(netPtr);
    return err;
}

/* The last use of a closed channel's state is over. */
static void
ChanFree(
#if TCL_MAJOR_VERSION < 9
    char *blockPtr)
#else
    void *blockPtr)
#endif
{
    ChanState *cs = (ChanState *) blockPtr;

    Tcl_Release(cs->netPtr);
    ckfree(cs);
}

/*
 * ChanWait --
 *	A blocking read found nothing: let time pass until the connection is
 *	readable or -timeout passes. Virtual time runs the network; real time
 *	serves Tcl's event loop.
 * Results:
 *	1 if readable.
 */

static void
ChanWaitTimeout(
    void *clientData)
{
    *(int *) clientData = 1;
}

static int
ChanWait(
    ChanState *cs)
{
    NetObj *netPtr = cs->netPtr;
    int ok;

    if (netPtr->net == NULL) {
	return 1;
    }
    Tcl_Preserve(cs);
    cs->inInput = 1;
    if (netPtr->real) {
	int timedOut = 0;
	Tcl_TimerToken t = NULL;

	if (cs->timeout) {
	    t = Tcl_CreateTimerHandler((int) ((cs->timeout + TL_MS - 1)
		    / TL_MS), ChanWaitTimeout, &timedOut);
	}
	while (!(ok = ChanReadReady(cs)) && !timedOut && netPtr->net) {
	    Tcl_DoOneEvent(TCL_ALL_EVENTS);
	}
	if (t && !timedOut) {
	    Tcl_DeleteTimerHandler(t);
	}
    } else {
	ok = TcplabRunUntil(netPtr, ChanReadReady, cs, cs->timeout
		? tl_time_add(net_now(netPtr->net), cs->timeout) : TL_NEVER);
	if (ok < 0) {
	    /* A limit of the run (-instantlimit, -untillimit) ended the
	     * wait: reported as a background error, the read finds nothing. */
	    Tcl_BackgroundException(netPtr->interp, TCL_ERROR);
	    TcplabReportBackgroundErrors();
	    ok = 0;
	}
    }
    cs->inInput = 0;
    Tcl_Release(cs);
    return ok;
}

/*
 *----------------------------------------------------------------------
 *
 * ChanInputProc --
 *
 *	Reads what the connection holds. A pending error (a RST:
 *	ECONNRESET; a timeout: ETIMEDOUT) is reported once, then reads give
 *	the end of the stream. With nothing to read: EAGAIN when nonblocking,
 *	else wait (ChanWait); EAGAIN too when the wait ends without data.
 *
 * Results:
 *	Bytes read, 0 at the end of the stream, or -1 with *errorCodePtr.
 *
 *----------------------------------------------------------------------
 */

static int
ChanInputProc(
    void *instanceData,		/* The channel's state. */
    char *buf,			/* Where to put the bytes. */
    int toRead,			/* At most this many. */
    int *errorCodePtr)		/* POSIX error code, with -1. */
{
    ChanState *cs = instanceData;

    TcplabCondAny(cs->netPtr);
    if (cs->netPtr->net) {
	TcplabClockSync(cs->netPtr);
    }
    for (;;) {
	tl_tcb *tp = ChanTcb(cs);
	uint32_t n;
	int err;

	if (tp == NULL || cs->netPtr->net == NULL) {
	    if (cs->connPtr && cs->connPtr->lastErr && !cs->errReported) {
		cs->errReported = 1;
		*errorCodePtr = cs->connPtr->lastErr;
		return -1;
	    }
	    return 0;
	}
	err = so_recv(tp, (uint8_t *) buf, (uint32_t) toRead, 0, &n);
	if (err == 0 && n > 0) {
	    TcplabKick(cs->netPtr);
	    cs->moved += n;
	    return (int) n;
	}
	if (err && err != EAGAIN) {
	    *errorCodePtr = err;
	    cs->errReported = 1;
	    return -1;
	}
	if (err == 0) {
	    return 0;		/* The end of the stream. */
	}
	if (!cs->blocking || !ChanWait(cs)) {
	    *errorCodePtr = EAGAIN;
	    return -1;
	}
	if (cs->closed) {
	    return 0;		/* Closed by a handler while waiting. */
	}
    }
}

/*
 * ChanOutputProc --
 *	Queues the bytes (nothing is refused, as with $conn send).
 * Results:
 *	toWrite, or -1 with EPIPE, ECONNRESET, ... in *errorCodePtr.
 */

static int
ChanOutputProc(
    void *instanceData,		/* The channel's state. */
    const char *buf,		/* The bytes. */
    int toWrite,		/* How many. */
    int *errorCodePtr)		/* POSIX error code, with -1. */
{
    ChanState *cs = instanceData;
    tl_tcb *tp = ChanTcb(cs);
    int err;

    TcplabCondAny(cs->netPtr);
    if (tp == NULL || cs->netPtr->net == NULL) {
	*errorCodePtr = EPIPE;
	return -1;
    }
    TcplabClockSync(cs->netPtr);
    err = so_send(tp, (const uint8_t *) buf, (uint32_t) toWrite, 0);
    TcplabKick(cs->netPtr);
    if (err) {
	cs->errReported = 1;
	*errorCodePtr = err;
	return -1;
    }
    cs->moved += (uint64_t) toWrite;
    return toWrite;
}

/*
 * ChanWatchProc --
 *	Tcl says what it watches; if that is ready already, say so soon.
 */

static void
ChanWatchProc(
    void *instanceData,
    int mask)
{
    ChanState *cs = instanceData;

    cs->interest = mask;
    if (!(ChanReady(cs) & mask) && cs->timer) {
	Tcl_DeleteTimerHandler(cs->timer);
	cs->timer = NULL;
    }
    if (!cs->closed) {
	ChanSchedule(cs);
    }
}

static int
ChanGetHandleProc(
    void *instanceData,
    int direction,
    void **handlePtr)
{
    (void) instanceData;
    (void) direction;
    (void) handlePtr;
    return TCL_ERROR;		/* No OS handle. */
}

static int
ChanBlockModeProc(
    void *instanceData,
    int mode)
{
    ChanState *cs = instanceData;

    cs->blocking = (mode == TCL_MODE_BLOCKING);
    return 0;
}

/* {address hostname port}, as -peername of Tcl's sockets. */
static Tcl_Obj *
ChanEndpoint(
    NetObj *netPtr,
    tl_addr a,
    uint16_t port)
{
    Tcl_Obj *l = Tcl_NewListObj(0, NULL);
    tl_host *h = netPtr->net ? net_find_host_by_addr(netPtr->net, a) : NULL;

    Tcl_ListObjAppendElement(NULL, l, TcplabNewAddr(a));
    Tcl_ListObjAppendElement(NULL, l, h ? Tcl_NewStringObj(h->name, -1)
	    : TcplabNewAddr(a));
    Tcl_ListObjAppendElement(NULL, l, Tcl_NewIntObj(port));
    return l;
}

static const char *const chanOptions[] = {
    "-connection", "-error", "-keepalive", "-linger", "-nodelay",
    "-peername", "-sockname", "-state", "-timeout", NULL
};
enum {
    CO_CONNECTION, CO_ERROR, CO_KEEPALIVE, CO_LINGER, CO_NODELAY,
    CO_PEERNAME, CO_SOCKNAME, CO_STATE, CO_TIMEOUT
};

/* An int-valued socket option; 0 if it could not be read. */
static int
GetInt(
    tl_tcb *tp,
    int level,
    int optname,
    int *vPtr)
{
    uint32_t len = sizeof(int);

    return so_getsockopt(tp, level, optname, vPtr, &len) == 0;
}

static int
SetInt(
    tl_tcb *tp,
    int level,
    int optname,
    int v)
{
    return so_setsockopt(tp, level, optname, &v, sizeof(v));
}

/* The value of one option; -error clears the error it reports. */
static Tcl_Obj *
ChanOptionValue(
    ChanState *cs,
    int idx)
{
    tl_tcb *tp = ChanTcb(cs);
    int err = 0, v = 0;

    switch (idx) {
    case CO_CONNECTION:
	return cs->connPtr ? cs->connPtr->name : Tcl_NewObj();
    case CO_ERROR:
	/* SO_ERROR: reading clears it. */
	if (tp && GetInt(tp, TL_SOL_SOCKET, TL_SO_ERROR, &err) && err) {
	    cs->errReported = 1;
	    return Tcl_NewStringObj(Tcl_ErrnoMsg(err), -1);
	}
	return Tcl_NewObj();
    case CO_KEEPALIVE:
	return Tcl_NewBooleanObj(tp && GetInt(tp, TL_SOL_SOCKET,
		TL_SO_KEEPALIVE, &v) && v);
    case CO_LINGER: {
	/* -1 when off, else the seconds. */
	tl_linger lg;
	uint32_t len = sizeof(lg);

	if (tp && so_getsockopt(tp, TL_SOL_SOCKET, TL_SO_LINGER, &lg,
		&len) == 0) {
	    cs->linger = lg.l_onoff ? lg.l_linger : -1;
	}
	return Tcl_NewIntObj(cs->linger);
    }
    case CO_NODELAY:
	return Tcl_NewBooleanObj(tp && GetInt(tp, TL_SOL_TCP, TL_TCP_NODELAY,
		&v) && v);
    case CO_PEERNAME:
	return tp ? ChanEndpoint(cs->netPtr, tp->raddr, tp->rport)
		: Tcl_NewObj();
    case CO_SOCKNAME:
	return tp ? ChanEndpoint(cs->netPtr, tp->laddr, tp->lport)
		: Tcl_NewObj();
    case CO_STATE:
	return Tcl_NewStringObj(tp ? tcp_statenames[tp->state] : "CLOSED", -1);
    case CO_TIMEOUT:
	return cs->timeout ? TcplabNewTime(cs->timeout) : Tcl_NewObj();
    }
    return Tcl_NewObj();
}

/*
 *----------------------------------------------------------------------
 *
 * ChanGetOptionProc --
 *
 *	chan configure $ch ?-option?: -peername and -sockname as {address
 *	hostname port}, -state (the TCP state), -error (the pending error,
 *	cleared by reading it), -connection (the connection handle),
 *	-keepalive, -nodelay, -linger, -timeout.
 *
 *----------------------------------------------------------------------
 */

static int
ChanGetOptionProc(
    void *instanceData,
    Tcl_Interp *interp,
    const char *optionName,
    Tcl_DString *dsPtr)
{
    ChanState *cs = instanceData;
    int i;

    TcplabCondAny(cs->netPtr);
    if (optionName == NULL) {
	for (i = 0; chanOptions[i]; i++) {
	    Tcl_Obj *v;

	    if (i == CO_ERROR) {
		continue;	/* Reading it would clear it. */
	    }
	    v = ChanOptionValue(cs, i);
	    Tcl_IncrRefCount(v);
	    Tcl_DStringAppendElement(dsPtr, chanOptions[i]);
	    Tcl_DStringAppendElement(dsPtr, Tcl_GetString(v));
	    Tcl_DecrRefCount(v);
	}
	return TCL_OK;
    }
    for (i = 0; chanOptions[i]; i++) {
	if (strcmp(optionName, chanOptions[i]) == 0) {
	    Tcl_Obj *v = ChanOptionValue(cs, i);

	    Tcl_IncrRefCount(v);
	    Tcl_DStringAppend(dsPtr, Tcl_GetString(v), -1);
	    Tcl_DecrRefCount(v);
	    return TCL_OK;
	}
    }
    return Tcl_BadChannelOption(interp, optionName,
	    "connection error keepalive linger nodelay peername sockname "
	    "state timeout");
}

/*
 *----------------------------------------------------------------------
 *
 * ChanSetOptionProc --
 *
 *	chan configure $ch -keepalive bool | -nodelay bool | -linger n |
 *	-timeout duration: SO_KEEPALIVE, TCP_NODELAY, SO_LINGER (0: close
 *	sends a RST) on an open connection, and how long a blocking read
 *	waits ("" or 0: until something happens).
 *
 *----------------------------------------------------------------------
 */

static int
ChanSetOptionProc(
    void *instanceData,
    Tcl_Interp *interp,
    const char *optionName,
    const char *value)
{
    ChanState *cs = instanceData;
    tl_tcb *tp = ChanTcb(cs);
    Tcl_Obj *v;
    int b, err, code = TCL_OK;

    TcplabCondAny(cs->netPtr);
    if (strcmp(optionName, "-timeout") == 0) {
	tl_time t = 0;

	v = Tcl_NewStringObj(value, -1);
	Tcl_IncrRefCount(v);
	if (*value && TcplabGetDuration(interp, v, &t) != TCL_OK) {
	    code = TCL_ERROR;
	} else {
	    cs->timeout = t;
	}
	Tcl_DecrRefCount(v);
	return code;
    }
    if (strcmp(optionName, "-keepalive") && strcmp(optionName, "-nodelay")
	    && strcmp(optionName, "-linger")) {
	return Tcl_BadChannelOption(interp, optionName,
		"keepalive linger nodelay timeout");
    }
    if (tp == NULL || cs->netPtr->net == NULL) {
	if (interp) {
	    TcplabPosixError(interp, ENOTCONN, "can't set option");
	}
	return TCL_ERROR;
    }
    TcplabClockSync(cs->netPtr);
    if (strcmp(optionName, "-linger") == 0) {
	/* -1: SO_LINGER off; 0: on, close sends a RST; N: on, N seconds. */
	tl_linger lg;

	v = Tcl_NewStringObj(value, -1);
	Tcl_IncrRefCount(v);
	code = TcplabGetLinger(interp, "-linger", v, &b);
	Tcl_DecrRefCount(v);
	if (code != TCL_OK) {
	    return TCL_ERROR;
	}
	lg.l_onoff = b >= 0;
	lg.l_linger = b >= 0 ? b : 0;
	err = so_setsockopt(tp, TL_SOL_SOCKET, TL_SO_LINGER, &lg, sizeof(lg));
	cs->linger = b;
    } else {
	if (Tcl_GetBoolean(interp, value, &b) != TCL_OK) {
	    return TCL_ERROR;
	}
	err = optionName[1] == 'k'
		? SetInt(tp, TL_SOL_SOCKET, TL_SO_KEEPALIVE, b)
		: SetInt(tp, TL_SOL_TCP, TL_TCP_NODELAY, b);
    }
    if (err) {
	if (interp) {
	    TcplabPosixError(interp, err, "can't set option");
	}
	return TCL_ERROR;
    }
    TcplabKick(cs->netPtr);
    return TCL_OK;
}
