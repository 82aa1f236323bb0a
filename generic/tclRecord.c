/*
 * tclRecord.c --
 *
 *	$net record: keeps every TCP segment put on a wire as a dict, for
 *	scripts and tests that check a trace field by field, and for time-line
 *	diagrams (library/diagram.tcl): each dict also says which host put
 *	the frame on the wire (from) and which host it was for on that link
 *	(to), when it arrived there (arrive) or why it was lost (drop).
 *
 *	It also keeps what the stack reported that a plot or a script
 *	reads afterwards (tclEvents.c): congestion-window changes with their
 *	cause, RTT samples with srtt, rttvar and RTO, timer expiries and state
 *	changes, each a dict naming its connection's ends.
 *
 *	$net record start ?-on host?	start (again: forget what was kept)
 *	$net record stop		stop keeping
 *	$net record get			the segments kept, oldest first
 *	$net record events		the events kept, oldest first
 */

#include <string.h>
#include "tcplabInt.h"

/* A recorded frame still on the wire: its dict's place in the list. */
typedef struct InFlight {
    const uint8_t *frame;	/* The frame's bytes (same until delivered). */
    Tcl_Size index;
} InFlight;

typedef struct Recorder {
    Tcl_Obj *list;		/* Dicts, oldest first. */
    Tcl_Obj *events;		/* Event dicts, oldest first. */
    tl_host *on;		/* Only frames this host sends or gets. */
    int active;
    InFlight *flight;		/* Frames not yet delivered or dropped. */
    int nflight, maxflight;
} Recorder;

/* The list to append to, copied first if a script holds it. */
static Tcl_Obj *
Unshared(
    Tcl_Obj **listPtr)
{
    if (Tcl_IsShared(*listPtr)) {
	Tcl_Obj *copy = Tcl_DuplicateObj(*listPtr);

	Tcl_IncrRefCount(copy);
	Tcl_DecrRefCount(*listPtr);
	*listPtr = copy;
    }
    return *listPtr;
}

/*
 * TcplabRecordEvent --
 *	An event of the stack (the event upcall, tclEvents.c): kept when it is
 *	one a plot reads (cwnd, rtt, timer-fire, state) and concerns the
 *	recorded host. The dict is `$c on event`'s, with the connection's ends
 *	(laddr lport raddr rport), for a state change cwnd and ssthresh, and
 *	for an RTT sample srtt and rttvar.
 */

void
TcplabRecordEvent(
    NetObj *netPtr,
    const tl_evrec *ev)
{
    Recorder *r = netPtr->recorder;
    Tcl_Obj *d;

    if (r == NULL || !r->active || ev->tcb == NULL) {
	return;
    }
    if (ev->kind != EV_CWND && ev->kind != EV_RTT && ev->kind != EV_TIMER_FIRE
	    && ev->kind != EV_STATE) {
	return;
    }
    if (r->on && ev->host != r->on) {
	return;
    }
    d = TcplabEventDict(ev);
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
    PUT("laddr", TcplabNewAddr(ev->tcb->laddr));
    PUT("lport", Tcl_NewIntObj(ev->tcb->lport));
    PUT("raddr", TcplabNewAddr(ev->tcb->raddr));
    PUT("rport", Tcl_NewIntObj(ev->tcb->rport));
    if (ev->kind == EV_STATE) {
	/* The window a connection starts with (no event announces it). */
	PUT("cwnd", Tcl_NewWideIntObj(ev->tcb->cwnd));
	PUT("ssthresh", Tcl_NewWideIntObj(ev->tcb->ssthresh));
    }
    if (ev->kind == EV_RTT) {
	PUT("srtt", Tcl_NewDoubleObj((double) ev->tcb->srtt / TL_SEC));
	PUT("rttvar", Tcl_NewDoubleObj((double) ev->tcb->rttvar / TL_SEC));
    }
#undef PUT
    Tcl_ListObjAppendElement(NULL, Unshared(&r->events), d);
}

/*
 * RecordFate --
 *	A recorded frame arrived (arrive: the time) or was lost (drop: why):
 *	update its dict, copying what a script may share.
 */

static void
RecordFate(
    Recorder *r,
    const tl_obsinfo *info)
{
    int i;
    Tcl_Obj *d;

    for (i = r->nflight - 1; i >= 0; i--) {
	if (r->flight[i].frame == info->frame) {
	    break;
	}
    }
    if (i < 0) {
	return;
    }
    Unshared(&r->list);
    if (Tcl_ListObjIndex(NULL, r->list, r->flight[i].index, &d) == TCL_OK
	    && d != NULL) {
	d = Tcl_DuplicateObj(d);
	if (info->kind == OBS_DELIVER) {
	    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("arrive", -1),
		    TcplabNewTime(info->time));
	} else {
	    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("drop", -1),
		    Tcl_NewStringObj(info->reason ? info->reason : "lost", -1));
	}
	Tcl_ListObjReplace(NULL, r->list, r->flight[i].index, 1, 1, &d);
    }
    r->flight[i] = r->flight[--r->nflight];
}

static void
RecordTap(
    void *arg,
    const tl_obsinfo *info)
{
    NetObj *netPtr = arg;
    Recorder *r = netPtr->recorder;
    tl_seginfo s;
    Tcl_Obj *d;

    if (info->kind != OBS_SEND) {
	if (r->nflight) {
	    RecordFate(r, info);
	}
	return;
    }
    if (!trace_segment(info, &s)) {
	return;
    }
    if (r->on && info->from->host != r->on
	    && (info->to == NULL || info->to->host != r->on)) {
	return;
    }
    d = Tcl_NewDictObj();
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
    PUT("time", TcplabNewTime(info->time));
    PUT("src", TcplabNewAddr(s.ip.src));
    PUT("sport", Tcl_NewIntObj(s.th.sport));
    PUT("dst", TcplabNewAddr(s.ip.dst));
    PUT("dport", Tcl_NewIntObj(s.th.dport));
    PUT("flags", TcplabFlagsObj(s.th.flags));
    PUT("seq", Tcl_NewWideIntObj(s.th.seq));
    PUT("ack", Tcl_NewWideIntObj(s.th.ack));
    PUT("len", Tcl_NewIntObj((int) s.th.datalen));
    PUT("win", Tcl_NewIntObj(s.th.win));
    PUT("urp", Tcl_NewIntObj(s.th.urp));
    PUT("tos", Tcl_NewIntObj(s.ip.tos));
    PUT("options", TcplabOptionsObj(s.th.optbytes, s.th.optlen));
    PUT("from", Tcl_NewStringObj(info->from->host->name, -1));
    PUT("to", Tcl_NewStringObj(info->to && info->to->host
	    ? info->to->host->name : "", -1));
    PUT("arrive", Tcl_NewObj());
    PUT("drop", Tcl_NewObj());
#undef PUT
    Tcl_ListObjAppendElement(NULL, Unshared(&r->list), d);
    if (r->nflight == r->maxflight) {
	r->maxflight = r->maxflight ? 2 * r->maxflight : 16;
	r->flight = ckrealloc(r->flight, r->maxflight * sizeof(InFlight));
    }
    r->flight[r->nflight].frame = info->frame;
    Tcl_ListObjLength(NULL, r->list, &r->flight[r->nflight].index);
    r->flight[r->nflight++].index--;
}

void
TcplabRecordStop(
    NetObj *netPtr)
{
    Recorder *r = netPtr->recorder;

    if (r == NULL) {
	return;
    }
    if (r->active && netPtr->net) {
	net_observer_remove(netPtr->net, RecordTap, netPtr);
	netPtr->events--;
    }
    r->active = 0;
}

void
TcplabRecordFree(
    NetObj *netPtr)
{
    Recorder *r = netPtr->recorder;

    if (r) {
	TcplabRecordStop(netPtr);
	Tcl_DecrRefCount(r->list);
	Tcl_DecrRefCount(r->events);
	if (r->flight) {
	    ckfree(r->flight);
	}
	ckfree(r);
	netPtr->recorder = NULL;
    }
}

int
TcplabRecordCmd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = {
	"events", "get", "start", "stop", NULL
    };
    enum { R_EVENTS, R_GET, R_START, R_STOP };
    Recorder *r = netPtr->recorder;
    HostObj *hostPtr = NULL;
    int idx;

    if (objc < 3) {
	Tcl_WrongNumArgs(interp, 2, objv, "start ?-on host? | stop | get | events");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[2], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    if (idx == R_START) {
	if (objc != 3 && (objc != 5 || strcmp(Tcl_GetString(objv[3]), "-on"))) {
	    Tcl_WrongNumArgs(interp, 3, objv, "?-on host?");
	    return TCL_ERROR;
	}
	if (objc == 5 && (hostPtr = TcplabFindHost(netPtr,
		Tcl_GetString(objv[4]))) == NULL) {
	    return TcplabError(interp, "LOOKUP", "HOST", "unknown host \"%s\"",
		    Tcl_GetString(objv[4]));
	}
	if (r == NULL) {
	    r = netPtr->recorder = ckalloc(sizeof(*r));
	    memset(r, 0, sizeof(*r));
	} else {
	    TcplabRecordStop(netPtr);
	    Tcl_DecrRefCount(r->list);
	    Tcl_DecrRefCount(r->events);
	}
	r->list = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(r->list);
	r->events = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(r->events);
	r->nflight = 0;
	r->on = hostPtr ? hostPtr->host : NULL;
	r->active = 1;
	net_observer_add(netPtr->net, RecordTap, netPtr);
	netPtr->events++;		/* The stacks report their events. */
	return TCL_OK;
    }
    if (objc != 3) {
	Tcl_WrongNumArgs(interp, 3, objv, NULL);
	return TCL_ERROR;
    }
    if (idx == R_STOP) {
	TcplabRecordStop(netPtr);
    } else if (r) {
	Tcl_SetObjResult(interp, idx == R_GET ? r->list : r->events);
    }
    return TCL_OK;
}
