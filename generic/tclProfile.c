/*
 * tclProfile.c --
 *
 *	tcplab::profile: the named sets of tunables.
 *
 *	tcplab::profile names			every profile
 *	tcplab::profile show profile		its tunables and values
 *	tcplab::profile diff profileA profileB	{tunable valueA valueB} ...
 *	tcplab::profile describe tunable	what it means, and its source
 */

#include <string.h>
#include "tcplabInt.h"

/* The error for an unknown profile name: it lists every profile. */
int
TcplabProfileError(
    Tcl_Interp *interp,
    Tcl_Obj *name)
{
    Tcl_Obj *msg;
    int i, n;

    for (n = 0; tl_profile_names[n]; n++) {
    }
    msg = Tcl_ObjPrintf("unknown profile \"%s\": must be ",
	    Tcl_GetString(name));
    for (i = 0; i < n; i++) {
	Tcl_AppendPrintfToObj(msg, "%s%s", i == 0 ? "" : i == n - 1
		? (n > 2 ? ", or " : " or ") : ", ", tl_profile_names[i]);
    }
    Tcl_SetObjResult(interp, msg);
    Tcl_SetErrorCode(interp, "TCPLAB", "LOOKUP", "PROFILE", (char *) NULL);
    return TCL_ERROR;
}

/* Checks a profile name. */
static int
Known(
    Tcl_Interp *interp,
    Tcl_Obj *name)
{
    tl_tunables t;

    if (profile_load(&t, Tcl_GetString(name))) {
	return TCL_OK;
    }
    return TcplabProfileError(interp, name);
}

static int
Names(
    Tcl_Interp *interp,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *res = Tcl_NewListObj(0, NULL);
    int i;

    (void) objv;
    for (i = 0; tl_profile_names[i]; i++) {
	Tcl_ListObjAppendElement(NULL, res,
		Tcl_NewStringObj(tl_profile_names[i], -1));
    }
    Tcl_SetObjResult(interp, res);
    return TCL_OK;
}

static int
Show(
    Tcl_Interp *interp,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *res;
    int i, a;

    if (Known(interp, objv[2]) != TCL_OK) {
	return TCL_ERROR;
    }
    res = Tcl_NewListObj(0, NULL);
    for (i = 0; i < tl_ntunables; i++) {
	profile_value(Tcl_GetString(objv[2]), i, &a);
	Tcl_ListObjAppendElement(NULL, res,
		Tcl_NewStringObj(tunable_def(i)->name, -1));
	Tcl_ListObjAppendElement(NULL, res, TcplabTunableObj(i, a));
    }
    Tcl_SetObjResult(interp, res);
    return TCL_OK;
}

/* Each tunable on which they differ: {name valueA valueB}. */
static int
Diff(
    Tcl_Interp *interp,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *res;
    int i, a, b;

    if (Known(interp, objv[2]) != TCL_OK || Known(interp, objv[3])
	    != TCL_OK) {
	return TCL_ERROR;
    }
    res = Tcl_NewListObj(0, NULL);
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
    Tcl_SetObjResult(interp, res);
    return TCL_OK;
}

static int
Describe(
    Tcl_Interp *interp,
    Tcl_Obj *const objv[])
{
    int i = tunable_find(Tcl_GetString(objv[2]));

    if (i < 0) {
	return TcplabError(interp, "LOOKUP", "TUNABLE",
		"unknown tunable \"%s\"", Tcl_GetString(objv[2]));
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(tunable_def(i)->help, -1));
    return TCL_OK;
}

/* The subcommands: each row its name, words after it, and usage. */
typedef struct {
    const char *name;
    int (*proc)(Tcl_Interp *interp, Tcl_Obj *const objv[]);
    int nargs;
    const char *usage;
} Subcommand;

static const Subcommand subcommands[] = {
    {"describe",	Describe,	1, "tunable"},
    {"diff",		Diff,		2, "profileA profileB"},
    {"names",		Names,		0, NULL},
    {"show",		Show,		1, "profile"},
    {NULL, NULL, 0, NULL}
};

int
TcplabProfileCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int idx;
    const Subcommand *sub;

    (void) clientData;
    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObjStruct(interp, objv[1], subcommands,
	    sizeof(Subcommand), "subcommand", 0, &idx) != TCL_OK) {
	return TCL_ERROR;
    }
    sub = &subcommands[idx];
    if (objc != 2 + sub->nargs) {
	Tcl_WrongNumArgs(interp, 2, objv, sub->usage);
	return TCL_ERROR;
    }
    return sub->proc(interp, objv);
}
