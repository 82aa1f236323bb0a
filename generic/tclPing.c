/*
 * tclPing.c --
 *
 *	$host ping addr ?-count n? ?-size n? ?-interval t? ?-timeout t?
 *
 *	The host sends ICMP echo requests (RFC 792; icmp.c), one every
 *	interval as ping(8) does, and collects the replies on the network's
 *	clock: on virtual time the command runs the network until every
 *	request is answered or has waited the timeout, on real time it serves
 *	Tcl's event loop meanwhile. The result has one element per request,
 *	in order: its round-trip time in seconds, or "lost".
 */

#include <errno.h>
#include <string.h>
#include "tcplabInt.h"
#include "icmp.h"

typedef struct Ping {
    NetObj *netPtr;
    tl_host *host;
    tl_addr dst;
    uint16_t id;
    int count;			/* Requests to send. */
    int sent;			/* Sent so far. */
    int answered;		/* Replies matched. */
    uint32_t size;		/* Data bytes per request. */
    tl_time interval, timeout;
    tl_time *sentAt;		/* When each request left. */
    tl_time *rtt;		/* Each one's round trip, or -1. */
    tl_event ev;		/* The next request's time. */
    tl_event *wake;		/* Each request's deadline, when the run
				 * stops if nothing else is left. */
    int unroutable;		/* A request found no route. */
} Ping;

/* Identifiers of this thread's pings: each ping has its own, so that a late
 * reply to an earlier one is not taken for an answer. */
typedef struct {
    uint16_t lastId;
} PingTsd;
static Tcl_ThreadDataKey pingKey;

static void
PingWake(
    void *arg,
    tl_event *ev)
{
    (void) arg;
    (void) ev;
}

static void
PingSend(
    void *arg,
    tl_event *ev)
{
    Ping *p = arg;
    tl_time now = net_now(p->netPtr->net);

    (void) ev;
    p->sentAt[p->sent] = now;
    event_init(&p->wake[p->sent], PingWake, p);
    clock_schedule(&p->netPtr->net->clock, &p->wake[p->sent],
	    now + p->timeout);
    if (icmp_echo(p->host, p->dst, p->id, (uint16_t) (p->sent + 1), p->size)
	    != 0) {
	p->unroutable = 1;
    }
    p->sent++;
    if (p->sent < p->count) {
	clock_schedule(&p->netPtr->net->clock, &p->ev, now + p->interval);
    }
}

/* An echo reply reached the host (icmp.c): match it to its request. */
static void
PingReply(
    void *arg,
    tl_addr src,
    uint16_t id,
    uint16_t seq,
    uint32_t datalen)
{
    Ping *p = arg;
    tl_time now = net_now(p->netPtr->net);
    int i = (int) seq - 1;

    if (src != p->dst || id != p->id || datalen != p->size || i < 0
	    || i >= p->sent || p->rtt[i] >= 0
	    || now - p->sentAt[i] > p->timeout) {
	return;
    }
    p->rtt[i] = now - p->sentAt[i];
    p->answered++;
}

/* Done when every request is sent, and answered or waited for long enough
 * (the last unanswered one tells). */
static int
PingDone(
    void *arg)
{
    Ping *p = arg;
    tl_time now;
    int i;

    if (p->netPtr->net == NULL || p->unroutable) {
	return 1;
    }
    if (p->sent < p->count) {
	return 0;
    }
    for (i = p->count - 1; i >= 0 && p->rtt[i] >= 0; i--) {
    }
    if (i < 0) {
	return 1;
    }
    /* A reply at the deadline itself still counts. */
    now = net_now(p->netPtr->net);
    return now > p->sentAt[i] + p->timeout
	    || (now == p->sentAt[i] + p->timeout
		&& clock_next(&p->netPtr->net->clock) > now);
}

static void
PingWaitTimeout(
    void *clientData)
{
    *(int *) clientData = 1;
}

int
TcplabPingCmd(
    HostObj *hostPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-count", "-interval", "-size", "-timeout", NULL
    };
    enum { P_COUNT, P_INTERVAL, P_SIZE, P_TIMEOUT };
    NetObj *netPtr = hostPtr->netPtr;
    PingTsd *tsd = Tcl_GetThreadData(&pingKey, sizeof(PingTsd));
    Ping p;
    Tcl_Obj *res;
    Tcl_Size i;
    int idx, v, code = TCL_OK;
    tl_time end;
    uint32_t mtu;

    if (objc < 3 || (objc - 3) % 2) {
	Tcl_WrongNumArgs(interp, 2, objv, "addr ?-count n? ?-size n? "
		"?-interval duration? ?-timeout duration?");
	return TCL_ERROR;
    }
    memset(&p, 0, sizeof(p));
    p.netPtr = netPtr;
    p.host = hostPtr->host;
    p.count = 1;
    p.size = 56;			/* ping(8)'s default. */
    p.interval = TL_SEC;
    p.timeout = 10 * TL_SEC;		/* iputils ping's MAXWAIT. */
    if (TcplabGetPeer(interp, netPtr, objv[2], &p.dst) != TCL_OK) {
	return TCL_ERROR;
    }
    for (i = 3; i < objc; i += 2) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	switch (idx) {
	case P_COUNT:
	    if (Tcl_GetIntFromObj(NULL, objv[i + 1], &v) != TCL_OK || v < 1
		    || v > 65535) {
		return TcplabError(interp, "VALUE", "COUNT",
			"bad count \"%s\": must be an integer from 1 to 65535",
			Tcl_GetString(objv[i + 1]));
	    }
	    p.count = v;
	    break;
	case P_SIZE:
	    if (Tcl_GetIntFromObj(NULL, objv[i + 1], &v) != TCL_OK || v < 0
		    || v > ICMP_MAXDATA) {
		return TcplabError(interp, "VALUE", "SIZE",
			"bad size \"%s\": must be an integer from 0 to %d",
			Tcl_GetString(objv[i + 1]), ICMP_MAXDATA);
	    }
	    p.size = (uint32_t) v;
	    break;
	case P_INTERVAL:
	    if (TcplabGetDuration(interp, objv[i + 1], &p.interval) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case P_TIMEOUT:
	    if (TcplabGetDuration(interp, objv[i + 1], &p.timeout) != TCL_OK) {
		return TCL_ERROR;
	    }
	    if (p.timeout == 0) {
		return TcplabError(interp, "VALUE", "TIMEOUT",
			"bad timeout \"%s\": must be more than 0",
			Tcl_GetString(objv[i + 1]));
	    }
	    break;
	}
    }
    /* The last request's deadline must be a time the clock can show. */
    TcplabClockSync(netPtr);
    if ((p.count > 1 && p.interval > (TL_NEVER - 1 - net_now(netPtr->net)
	    - p.timeout) / (p.count - 1))
	    || p.timeout > TL_NEVER - 1 - net_now(netPtr->net)) {
	return TcplabError(interp, "LIMIT", "CLOCK",
		"ping would run past the end of the clock's range");
    }
    if (netPtr->running && !netPtr->real) {
	return TcplabError(interp, "STATE", "RUNNING",
		"can't ping from a callback: the network is running");
    }
    if (p.host->echo_reply) {
	return TcplabError(interp, "STATE", "BUSY",
		"host \"%s\" is already pinging", p.host->name);
    }
    mtu = host_path_mtu(p.host, p.dst);
    if (mtu && IP_HDRLEN + ICMP_HDRLEN + p.size > mtu) {
	/* No fragmentation here: what ping -M do says (EMSGSIZE). */
	Tcl_SetErrno(EMSGSIZE);
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"ping: message too long: %u data bytes make a %u-byte "
		"datagram, and the MTU toward %s is %u (no fragmentation)",
		p.size, IP_HDRLEN + ICMP_HDRLEN + p.size,
		Tcl_GetString(objv[2]), mtu));
	Tcl_SetErrorCode(interp, "POSIX", Tcl_ErrnoId(), Tcl_ErrnoMsg(EMSGSIZE),
		NULL);
	return TCL_ERROR;
    }
    p.sentAt = ckalloc(p.count * sizeof(tl_time));
    p.rtt = ckalloc(p.count * sizeof(tl_time));
    p.wake = ckalloc(p.count * sizeof(tl_event));
    for (v = 0; v < p.count; v++) {
	p.rtt[v] = -1;
    }
    p.id = ++tsd->lastId;
    p.host->echo_reply = PingReply;
    p.host->echo_arg = &p;
    Tcl_Preserve(netPtr);

    /* The first request leaves now, the others every interval. */
    event_init(&p.ev, PingSend, &p);
    clock_schedule(&netPtr->net->clock, &p.ev, net_now(netPtr->net));
    end = net_now(netPtr->net) + (tl_time) (p.count - 1) * p.interval
	    + p.timeout;
    if (netPtr->real) {
	int timedOut = 0;
	Tcl_TimerToken t;

	TcplabRealStep(netPtr);
	t = Tcl_CreateTimerHandler((int) ((end - net_now(netPtr->net)
		+ TL_MS - 1) / TL_MS), PingWaitTimeout, &timedOut);
	while (netPtr->net && !PingDone(&p) && !timedOut) {
	    Tcl_DoOneEvent(TCL_ALL_EVENTS);
	    if (netPtr->net) {
		TcplabClockSync(netPtr);
	    }
	}
	if (!timedOut) {
	    Tcl_DeleteTimerHandler(t);
	}
    } else {
	TcplabRunUntil(netPtr, PingDone, &p, end);
    }

    /* The host and its handle go with the network. */
    if (netPtr->net) {
	clock_cancel(&netPtr->net->clock, &p.ev);
	for (v = 0; v < p.sent; v++) {
	    clock_cancel(&netPtr->net->clock, &p.wake[v]);
	}
	p.host->echo_reply = NULL;
	p.host->echo_arg = NULL;
    }
    if (netPtr->net == NULL) {
	code = TcplabError(interp, "STATE", "GONE",
		"the network was destroyed during the ping");
    } else if (p.unroutable) {
	code = TcplabPosixError(interp, ENETUNREACH, "ping");
    } else {
	res = Tcl_NewListObj(0, NULL);
	for (v = 0; v < p.count; v++) {
	    Tcl_ListObjAppendElement(NULL, res, p.rtt[v] >= 0
		    ? Tcl_NewDoubleObj((double) p.rtt[v] / TL_SEC)
		    : Tcl_NewStringObj("lost", -1));
	}
	Tcl_SetObjResult(interp, res);
    }
    Tcl_Release(netPtr);
    ckfree(p.sentAt);
    ckfree(p.rtt);
    ckfree(p.wake);
    return code;
}
