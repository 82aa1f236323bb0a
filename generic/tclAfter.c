/*
 * tclAfter.c --
 *
 *	$net after: a script to run at a time of the network's clock, as
 *	Tcl's after does on the wall clock. On virtual time it runs while
 *	`$net run` passes that time, between events; on real time, when the
 *	time comes. The sock command's pauses (-O -P -Q -p) are made of it.
 *
 *	$net after duration script	returns an id
 *	$net after cancel id
 *	$net after info			the ids waiting, oldest first
 */

#include <ctype.h>
#include <string.h>
#include "tcplabInt.h"

typedef struct After {
    tl_event ev;		/* In the network's clock. */
    NetObj *netPtr;
    Tcl_Obj *script;
    int id;
    struct After *next;		/* In netPtr->afters, oldest first. */
} After;

static void
AfterUnlink(
    After *a)
{
    After **pp;

    for (pp = &a->netPtr->afters; *pp; pp = &(*pp)->next) {
	if (*pp == a) {
	    *pp = a->next;
	    break;
	}
    }
}

static void
AfterFree(
    After *a)
{
    Tcl_DecrRefCount(a->script);
    ckfree(a);
}

/*
 * AfterFire --
 *	The time came: queue the script (it runs between events, never inside
 *	this one).
 */

static void
AfterFire(
    void *arg,
    tl_event *ev)
{
    After *a = arg;

    (void) ev;
    AfterUnlink(a);
    TcplabQueue(a->netPtr, a->script);
    AfterFree(a);
}

/* The network goes: forget every waiting script. */
void
TcplabAfterFreeAll(
    NetObj *netPtr)
{
    while (netPtr->afters) {
	After *a = netPtr->afters;

	netPtr->afters = a->next;
	if (netPtr->net) {
	    clock_cancel(&netPtr->net->clock, &a->ev);
	}
	AfterFree(a);
    }
}

int
TcplabAfterCmd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    tl_time d;
    After *a, **pp;

    /* $net after duration script | cancel id | info: a first word of
     * letters that is no duration names a subcommand, and a typo lists
     * every choice. */
    static const char *const subs[] = { "cancel", "info", NULL };
    enum { A_CANCEL, A_INFO };
    int sub = -1;
    const char *w = objc >= 3 ? Tcl_GetString(objv[2]) : "";

    if (isalpha((unsigned char) w[0]) && w[1] != '\0'
	    && Tcl_GetIndexFromObj(NULL, objv[2], subs, "subcommand", 0, &sub)
		!= TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf("bad subcommand \"%s\": must "
		"be cancel, info, or a duration like 75s", w));
	Tcl_SetErrorCode(interp, "TCL", "LOOKUP", "SUBCOMMAND", w,
		(char *) NULL);
	return TCL_ERROR;
    }
    if (sub == A_CANCEL && objc == 4) {
	int id;

	if (Tcl_GetIntFromObj(interp, objv[3], &id) != TCL_OK) {
	    return TCL_ERROR;
	}
	for (a = netPtr->afters; a; a = a->next) {
	    if (a->id == id) {
		AfterUnlink(a);
		clock_cancel(&netPtr->net->clock, &a->ev);
		AfterFree(a);
		break;
	    }
	}
	return TCL_OK;
    }
    if (sub == A_INFO && objc == 3) {
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);

	for (a = netPtr->afters; a; a = a->next) {
	    Tcl_ListObjAppendElement(NULL, list, Tcl_NewIntObj(a->id));
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }
    if (objc != 4) {
	Tcl_WrongNumArgs(interp, 2, objv, "duration script | cancel id | info");
	return TCL_ERROR;
    }
    if (TcplabGetDuration(interp, objv[2], &d) != TCL_OK) {
	return TCL_ERROR;
    }
    if (tl_time_add(net_now(netPtr->net), d) >= TL_END) {
	char a[40], b[40], c[40];

	return TcplabError(interp, "LIMIT", "CLOCK", "can't wait %s s from "
		"%s s: the virtual clock ends at %s s (about 292 years)",
		TcplabFormatTime(d, a, sizeof(a)),
		TcplabFormatTime(net_now(netPtr->net), b, sizeof(b)),
		TcplabFormatTime(TL_END, c, sizeof(c)));
    }
    a = ckalloc(sizeof(*a));
    memset(a, 0, sizeof(*a));
    a->netPtr = netPtr;
    a->script = objv[3];
    Tcl_IncrRefCount(a->script);
    a->id = ++netPtr->nextAfter;
    for (pp = &netPtr->afters; *pp; pp = &(*pp)->next) {
    }
    *pp = a;
    event_init(&a->ev, AfterFire, a);
    clock_schedule(&netPtr->net->clock, &a->ev,
	    net_now(netPtr->net) + d);
    Tcl_SetObjResult(interp, Tcl_NewIntObj(a->id));
    return TCL_OK;
}
