/*
 * tclEvents.c --
 *
 *	What the stack reports besides segments: state changes, timers being
 *	set, stopped and fired, RTT samples, congestion-window changes, and every
 *	segment dropped or answered unusually, with the reason. A trace with
 *	-events prints them between the segment lines; `$c on event cmd`
 *	hands the connection's events to a script as dicts.
 */

#include <stdio.h>
#include <string.h>
#include "tcplabInt.h"

static const char *const kindNames[] = {
    "state", "timer-set", "timer-stop", "timer-fire", "rtt", "cwnd", "drop",
    "reply", "note"
};

/* "svr4.1037" for a connection's end, or the host name. */
static size_t
Where(
    const tl_evrec *ev,
    char *buf,
    size_t cap)
{
    if (ev->tcb) {
	return (size_t) snprintf(buf, cap, "%s.%u", ev->host->name,
		ev->tcb->lport);
    }
    return (size_t) snprintf(buf, cap, "%s", ev->host->name);
}

/* A segment as "svr4.1037 > bsdi.9 SA seq 1 ack 2 len 0". */
static size_t
Segment(
    const tl_evrec *ev,
    char *buf,
    size_t cap)
{
    char a[64], b[64];
    Tcl_Obj *fl;
    size_t n;

    if (ev->ip == NULL) {
	return 0;
    }
    trace_addr(ev->host->net, ev->ip->src, a, sizeof(a));
    trace_addr(ev->host->net, ev->ip->dst, b, sizeof(b));
    if (ev->th == NULL) {
	return (size_t) snprintf(buf, cap, " %s > %s", a, b);
    }
    fl = TcplabFlagsObj(ev->th->flags);
    Tcl_IncrRefCount(fl);
    n = (size_t) snprintf(buf, cap, " %s.%u > %s.%u %s seq %u ack %u len %u",
	    a, ev->th->sport, b, ev->th->dport, Tcl_GetString(fl),
	    ev->th->seq, ev->th->ack, ev->th->datalen);
    Tcl_DecrRefCount(fl);
    return n;
}

/* The event as one line of text (without the time). */
static size_t
Describe(
    const tl_evrec *ev,
    char *buf,
    size_t cap)
{
    size_t n = Where(ev, buf, cap);

#define OUT(...) (n += (size_t) snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__))
    switch (ev->kind) {
    case EV_STATE:
	OUT(": %s -> %s", tcp_statenames[ev->a], tcp_statenames[ev->b]);
	break;
    case EV_TIMER_SET:
	OUT(": %s timer set, %.6f s", tcp_timernames[ev->a],
		(double) ev->t / TL_SEC);
	break;
    case EV_TIMER_STOP:
	OUT(": %s timer stopped", tcp_timernames[ev->a]);
	break;
    case EV_TIMER_FIRE:
	OUT(": %s timer fired", tcp_timernames[ev->a]);
	break;
    case EV_RTT:
	OUT(": rtt %.6f s, srtt %.6f s, rto %.6f s", (double) ev->t / TL_SEC,
		(double) ev->tcb->srtt / TL_SEC, (double) ev->t2 / TL_SEC);
	break;
    case EV_CWND:
	OUT(": cwnd %d ssthresh %d (%s)", ev->a, ev->b, ev->why);
	break;
    case EV_DROP:
    case EV_REPLY:
	OUT(": %s", ev->kind == EV_DROP ? "dropped" : "answered");
	n += Segment(ev, buf + n, n < cap ? cap - n : 0);
	OUT(" (%s)", ev->why);
	break;
    case EV_NOTE:
	OUT(": %s", ev->why);
	break;
    }
#undef OUT
    return n;
}

/*
 * TcplabDropLine --
 *	The -events line for a frame lost on a link (info->kind OBS_DROP): by
 *	a fault rule ("filter 2"), an unplugged cable or a host that is down,
 *	in the form of the stack's own drops:
 *	"    0.010000 ether0: dropped svr4.1037 > bsdi.9 S seq 1 ack 0 len 0
 *	(filter 1)".
 */

size_t
TcplabDropLine(
    const tl_obsinfo *info,
    const tl_seginfo *s,
    char *buf,
    size_t cap)
{
    tl_evrec ev;
    size_t n;
    char t[40];

    memset(&ev, 0, sizeof(ev));
    ev.kind = EV_DROP;
    ev.time = info->time;
    ev.host = info->from->host;
    ev.ip = &s->ip;
    ev.th = &s->th;
    n = (size_t) snprintf(buf, cap, "    %s %s: dropped",
	    TcplabFormatTime(info->time, t, sizeof(t)), info->link->name);
    if (n < cap) {
	n += Segment(&ev, buf + n, cap - n);
    }
    if (n < cap) {
	n += (size_t) snprintf(buf + n, cap - n, " (%s)",
		info->reason ? info->reason : "lost");
    }
    return n < cap ? n : cap - 1;
}

/* The event as a dict, for `$c on event`. */
Tcl_Obj *
TcplabEventDict(
    const tl_evrec *ev)
{
    Tcl_Obj *d = Tcl_NewDictObj();
    char text[400];

    Describe(ev, text, sizeof(text));
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
    PUT("time", TcplabNewTime(ev->time));
    PUT("kind", Tcl_NewStringObj(kindNames[ev->kind], -1));
    PUT("host", Tcl_NewStringObj(ev->host->name, -1));
    switch (ev->kind) {
    case EV_STATE:
	PUT("from", Tcl_NewStringObj(tcp_statenames[ev->a], -1));
	PUT("to", Tcl_NewStringObj(tcp_statenames[ev->b], -1));
	break;
    case EV_TIMER_SET:
	PUT("timer", Tcl_NewStringObj(tcp_timernames[ev->a], -1));
	PUT("value", Tcl_NewDoubleObj((double) ev->t / TL_SEC));
	break;
    case EV_TIMER_STOP:
    case EV_TIMER_FIRE:
	PUT("timer", Tcl_NewStringObj(tcp_timernames[ev->a], -1));
	break;
    case EV_RTT:
	PUT("rtt", Tcl_NewDoubleObj((double) ev->t / TL_SEC));
	PUT("rto", Tcl_NewDoubleObj((double) ev->t2 / TL_SEC));
	break;
    case EV_CWND:
	PUT("cwnd", Tcl_NewIntObj(ev->a));
	PUT("ssthresh", Tcl_NewIntObj(ev->b));
	break;
    default:
	break;
    }
    if (ev->why) {
	PUT("reason", Tcl_NewStringObj(ev->why, -1));
    }
    PUT("text", Tcl_NewStringObj(text, -1));
#undef PUT
    return d;
}

/*
 * TcplabEvent --
 *	The stack's event upcall: print into a trace with -events, and queue
 *	the connection's `on event` script. Runs inside segment processing,
 *	so it only formats and queues.
 */

void
TcplabEvent(
    void *netArg,
    const tl_evrec *ev)
{
    NetObj *netPtr = netArg;
    ConnObj *c = ev->tcb ? ev->tcb->user : NULL;
    char line[512];
    size_t n;

    if (netPtr == NULL) {
	return;
    }
    if (netPtr->recorder) {
	TcplabRecordEvent(netPtr, ev);
    }
    if (netPtr->trace.on && netPtr->trace.events) {
	char t[40];

	n = (size_t) snprintf(line, sizeof(line), "    %s ",
		TcplabFormatTime(ev->time, t, sizeof(t)));
	n += Describe(ev, line + n, sizeof(line) - n);
	TcplabTraceLine(netPtr, line, n < sizeof(line) ? n : sizeof(line) - 1);
    }
    if (c && c->onEvent) {
	Tcl_Obj *s = Tcl_DuplicateObj(c->onEvent);

	Tcl_ListObjAppendElement(NULL, s, c->name);
	Tcl_ListObjAppendElement(NULL, s, TcplabEventDict(ev));
	TcplabQueue(netPtr, s);
    }
}
