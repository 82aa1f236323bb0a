/*
 * tclRecord.c --
 *
 *	$net record: keeps every TCP segment put on a wire as a dict, for
 *	scripts and tests that check a trace field by field.
 *
 *	$net record start ?-on host?	start (again: forget what was kept)
 *	$net record stop		stop keeping
 *	$net record get			the segments kept, oldest first
 */

#include <string.h>
#include "tcplabInt.h"

typedef struct Recorder {
    Tcl_Obj *list;		/* Dicts, oldest first. */
    tl_host *on;		/* Only frames this host sends or gets. */
    int active;
} Recorder;

static void
RecordTap(
    void *arg,
    const tl_tapinfo *info)
{
    NetObj *netPtr = arg;
    Recorder *r = netPtr->recorder;
    tl_seginfo s;
    Tcl_Obj *d;

    if (info->kind != TAP_SEND || !trace_segment(info, &s)) {
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
    PUT("options", TcplabOptionsObj(s.th.optbytes, s.th.optlen));
#undef PUT
    Tcl_ListObjAppendElement(NULL, r->list, d);
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
	net_tap_remove(netPtr->net, RecordTap, netPtr);
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
    static const char *const subs[] = { "get", "start", "stop", NULL };
    enum { R_GET, R_START, R_STOP };
    Recorder *r = netPtr->recorder;
    HostObj *hostPtr = NULL;
    int idx;

    if (objc < 3) {
	Tcl_WrongNumArgs(interp, 2, objv, "start ?-on host? | stop | get");
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
	}
	r->list = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(r->list);
	r->on = hostPtr ? hostPtr->host : NULL;
	r->active = 1;
	net_tap_add(netPtr->net, RecordTap, netPtr);
	return TCL_OK;
    }
    if (objc != 3) {
	Tcl_WrongNumArgs(interp, 3, objv, NULL);
	return TCL_ERROR;
    }
    if (idx == R_STOP) {
	TcplabRecordStop(netPtr);
    } else if (r) {
	Tcl_SetObjResult(interp, r->list);
    }
    return TCL_OK;
}
