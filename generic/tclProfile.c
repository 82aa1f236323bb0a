/*
 * tclProfile.c --
 *
 *	tcplab::profile names | show name | diff a b
 */

#include <string.h>
#include "tcplabInt.h"

static int
Known(
    Tcl_Interp *interp,
    Tcl_Obj *name)
{
    tl_tunables t;

    if (!profile_load(&t, Tcl_GetString(name))) {
	return TcplabError(interp, "LOOKUP", "PROFILE",
		"unknown profile \"%s\": must be bsd44, linux, linux-3.6 or "
		"rfc9293", Tcl_GetString(name));
    }
    return TCL_OK;
}

int
TcplabProfileCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = { "describe", "diff", "names", "show",
	NULL };
    enum { P_DESCRIBE, P_DIFF, P_NAMES, P_SHOW };
    Tcl_Obj *res;
    int idx, i, a, b;

    (void) clientData;
    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    res = Tcl_NewListObj(0, NULL);
    switch (idx) {
    case P_DESCRIBE:
	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "tunable");
	    return TCL_ERROR;
	}
	i = tunable_find(Tcl_GetString(objv[2]));
	if (i < 0) {
	    Tcl_DecrRefCount(res);
	    return TcplabError(interp, "LOOKUP", "TUNABLE",
		    "unknown tunable \"%s\"", Tcl_GetString(objv[2]));
	}
	Tcl_DecrRefCount(res);
	res = Tcl_NewStringObj(tunable_def(i)->help, -1);
	break;
    case P_NAMES:
	for (i = 0; tl_profile_names[i]; i++) {
	    Tcl_ListObjAppendElement(NULL, res,
		    Tcl_NewStringObj(tl_profile_names[i], -1));
	}
	break;
    case P_SHOW:
	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "profile");
	    return TCL_ERROR;
	}
	if (Known(interp, objv[2]) != TCL_OK) {
	    Tcl_DecrRefCount(res);
	    return TCL_ERROR;
	}
	for (i = 0; i < tl_ntunables; i++) {
	    profile_value(Tcl_GetString(objv[2]), i, &a);
	    Tcl_ListObjAppendElement(NULL, res,
		    Tcl_NewStringObj(tunable_def(i)->name, -1));
	    Tcl_ListObjAppendElement(NULL, res, TcplabTunableObj(i, a));
	}
	break;
    case P_DIFF:
	/* Each tunable on which they differ: {name valueA valueB}. */
	if (objc != 4) {
	    Tcl_WrongNumArgs(interp, 2, objv, "profileA profileB");
	    return TCL_ERROR;
	}
	if (Known(interp, objv[2]) != TCL_OK || Known(interp, objv[3])
		!= TCL_OK) {
	    Tcl_DecrRefCount(res);
	    return TCL_ERROR;
	}
	for (i = 0; i < tl_ntunables; i++) {
	    profile_value(Tcl_GetString(objv[2]), i, &a);
	    profile_value(Tcl_GetString(objv[3]), i, &b);
	    if (a != b) {
		Tcl_Obj *row[3];

		row[0] = Tcl_NewStringObj(tunable_def(i)->name, -1);
		row[1] = TcplabTunableObj(i, a);
		row[2] = TcplabTunableObj(i, b);
		Tcl_ListObjAppendElement(NULL, res, Tcl_NewListObj(3, row));
	    }
	}
	break;
    }
    Tcl_SetObjResult(interp, res);
    return TCL_OK;
}
