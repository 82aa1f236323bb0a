/*
 * tclTrace.c --
 *
 *	$net trace: segment lines in the book's format, written to a channel
 *	or handed to a command as frames cross the links.
 */

#include <string.h>
#include "tcplabInt.h"

static void
TraceTap(
    void *arg,
    const tl_tapinfo *info)
{
    NetObj *netPtr = arg;
    TraceSink *ts = &netPtr->trace;
    tl_seginfo s;
    char line[512];
    size_t n;

    if (info->kind != TAP_SEND || !trace_segment(info, &s)) {
	return;
    }
    n = trace_book(&ts->t, netPtr->net, info, &s, line, sizeof(line));
    if (n >= sizeof(line)) {
	n = sizeof(line) - 1;
    }
    if (ts->chan) {
	line[n] = '\n';
	Tcl_WriteChars(ts->chan, line, (Tcl_Size) n + 1);
    }
    if (ts->command) {
	Tcl_Obj *cmd = Tcl_DuplicateObj(ts->command);

	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(line,
		(Tcl_Size) n));
	TcplabQueue(netPtr, cmd);
    }
}

void
TcplabTraceStop(
    NetObj *netPtr)
{
    TraceSink *ts = &netPtr->trace;

    if (ts->on && netPtr->net) {
	net_tap_remove(netPtr->net, TraceTap, netPtr);
    }
    if (ts->chan) {
	Tcl_Flush(ts->chan);
	Tcl_UnregisterChannel(NULL, ts->chan);
	ts->chan = NULL;
    }
    if (ts->command) {
	Tcl_DecrRefCount(ts->command);
	ts->command = NULL;
    }
    trace_free(&ts->t);
    ts->on = 0;
}

/*
 * $net trace ?-format book? ?-absolute? ?-channel chan? ?-command cmd?
 * $net trace off
 *	Starts (or restarts) the trace; line numbers and times start again.
 */

int
TcplabTraceCmd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-absolute", "-channel", "-command", "-format", NULL
    };
    enum { O_ABSOLUTE, O_CHANNEL, O_COMMAND, O_FORMAT };
    static const char *const formats[] = { "book", NULL };
    Tcl_Channel chan = NULL;
    Tcl_Obj *command = NULL;
    int absolute = 0, idx, mode, fmt;
    Tcl_Size i;

    if (objc == 3 && strcmp(Tcl_GetString(objv[2]), "off") == 0) {
	TcplabTraceStop(netPtr);
	return TCL_OK;
    }
    for (i = 2; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (idx != O_ABSOLUTE && ++i >= objc) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "no argument given for %s option", opts[idx]));
	    Tcl_SetErrorCode(interp, "TCL", "ARGUMENT", "MISSING", NULL);
	    return TCL_ERROR;
	}
	switch (idx) {
	case O_ABSOLUTE:
	    absolute = 1;
	    break;
	case O_CHANNEL:
	    chan = Tcl_GetChannel(interp, Tcl_GetString(objv[i]), &mode);
	    if (chan == NULL) {
		return TCL_ERROR;
	    }
	    if (!(mode & TCL_WRITABLE)) {
		return TcplabError(interp, "VALUE", "CHANNEL",
			"channel \"%s\" wasn't opened for writing",
			Tcl_GetString(objv[i]));
	    }
	    break;
	case O_COMMAND:
	    command = objv[i];
	    break;
	case O_FORMAT:
	    if (Tcl_GetIndexFromObj(interp, objv[i], formats, "format", 0,
		    &fmt) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	}
    }
    if (chan == NULL && command == NULL) {
	chan = Tcl_GetStdChannel(TCL_STDOUT);
    }
    TcplabTraceStop(netPtr);
    trace_init(&netPtr->trace.t);
    netPtr->trace.t.absolute = absolute;
    if (chan) {
	Tcl_RegisterChannel(NULL, chan);
	netPtr->trace.chan = chan;
    }
    if (command) {
	netPtr->trace.command = command;
	Tcl_IncrRefCount(command);
    }
    netPtr->trace.on = 1;
    net_tap_add(netPtr->net, TraceTap, netPtr);
    return TCL_OK;
}
