/*
 * tclTrace.c --
 *
 *	$net trace: segment lines in the book's format, written to a channel
 *	or handed to a command as frames cross the links.
 *	(Capture files, $net trace -file, are in tclPcap.c.)
 */

#include <string.h>
#include "tcplabInt.h"

static void
TraceTap(
    void *arg,
    const tl_obsinfo *info)
{
    NetObj *netPtr = arg;
    TraceSink *ts = &netPtr->trace;
    tl_seginfo s;
    char line[512];
    size_t n;

    if (info->kind == OBS_DROP) {
	/* -events promises every drop with its reason: those of the links
	 * too, for the frames a fault rule on the trace's host or link would
	 * match. */
	if (ts->events && watch_matches(&ts->watch, info)
		&& trace_segment(info, &s)) {
	    n = TcplabDropLine(info, &s, line, sizeof(line));
	    TcplabTraceLine(netPtr, line, n);
	}
	return;
    }
    if (!watch_sees(&ts->watch, info) || !trace_segment(info, &s)) {
	return;
    }
    if (ts->format == TRACE_TCPDUMP) {
	n = trace_tcpdump(&ts->t, info, &s, line, sizeof(line));
    } else {
	n = trace_book(&ts->t, netPtr->net, info, &s, line, sizeof(line));
    }
    TcplabTraceLine(netPtr, line, n);
}

/* Writes one line (a segment or an event) where the trace goes. */
void
TcplabTraceLine(
    NetObj *netPtr,
    char *line,
    size_t n)
{
    TraceSink *ts = &netPtr->trace;

    if (n >= 511) {
	n = 511;
    }
    if (ts->chan) {
	line[n] = '\n';
	netPtr->scriptGen++;	/* A -until condition may read the channel. */
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
	net_observer_remove(netPtr->net, TraceTap, netPtr);
	if (ts->events) {
	    netPtr->events--;
	}
    }
    ts->events = 0;
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
    watch_free(&ts->watch);
    ts->on = 0;
}

/*
 * $net trace ?-format book|tcpdump? ?-absolute? ?-events? ?-channel chan?
 *	?-command cmd? ?-on host|link? ?-dir in|out? ?-filter expr?
 * $net trace -file f.pcap ...	(a capture file: see tclPcap.c)
 * $net trace off ?captureId?
 * $net trace captures
 *	Starts (or restarts) the trace; line numbers and times start again.
 *	"off" alone stops the trace and closes every capture file.
 */

int
TcplabTraceCmd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-absolute", "-channel", "-command", "-dir", "-events", "-filter",
	"-format", "-on", NULL
    };
    enum {
	O_ABSOLUTE, O_CHANNEL, O_COMMAND, O_DIR, O_EVENTS, O_FILTER, O_FORMAT,
	O_ON
    };
    static const char *const formats[] = { "book", "tcpdump", NULL };
    Tcl_Channel chan = NULL;
    Tcl_Obj *command = NULL, *on = NULL, *dir = NULL, *filter = NULL;
    int absolute = 0, events = 0, idx, mode, fmt = TRACE_BOOK;
    Tcl_Size i;
    tl_watch w;

    /* $net trace off ?id? | captures | ?option ...?: a first word not
     * an option is one of the words, and a typo lists every choice. */
    static const char *const words[] = {
	"captures", "off", "-absolute", "-channel", "-command", "-dir",
	"-events", "-file", "-filter", "-format", "-on", NULL
    };
    enum { W_CAPTURES, W_OFF };
    int word = -1;

    if (objc >= 3 && Tcl_GetString(objv[2])[0] != '-') {
	if (Tcl_GetIndexFromObj(interp, objv[2], words, "argument", TCL_EXACT,
		&word) != TCL_OK) {
	    return TCL_ERROR;
	}
    }
    if (word == W_OFF) {
	if (objc > 4) {
	    Tcl_WrongNumArgs(interp, 3, objv, "?captureId?");
	    return TCL_ERROR;
	}
	if (objc == 4) {
	    return TcplabCaptureStop(netPtr, interp, objv[3]);
	}
	TcplabTraceStop(netPtr);
	TcplabCaptureStopAll(netPtr);
	return TCL_OK;
    }
    if (word == W_CAPTURES) {
	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 3, objv, NULL);
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, TcplabCaptureList(netPtr));
	return TCL_OK;
    }
    for (i = 2; i < objc; i++) {
	if (strcmp(Tcl_GetString(objv[i]), "-file") == 0) {
	    return TcplabCaptureStart(netPtr, interp, objc, objv);
	}
    }
    for (i = 2; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (idx != O_ABSOLUTE && idx != O_EVENTS && ++i >= objc) {
	    return TcplabMissingArg(interp, opts[idx]);
	}
	switch (idx) {
	case O_ABSOLUTE:
	    absolute = 1;
	    break;
	case O_EVENTS:
	    events = 1;
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
	case O_DIR:
	    dir = objv[i];
	    break;
	case O_FILTER:
	    filter = objv[i];
	    break;
	case O_ON:
	    on = objv[i];
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
    if (TcplabGetWatch(netPtr, interp, on, dir, filter, &w) != TCL_OK) {
	return TCL_ERROR;
    }
    TcplabTraceStop(netPtr);
    trace_init(&netPtr->trace.t);
    netPtr->trace.t.absolute = absolute;
    netPtr->trace.format = fmt;
    netPtr->trace.watch = w;
    if (chan) {
	Tcl_RegisterChannel(NULL, chan);
	netPtr->trace.chan = chan;
    }
    if (command) {
	netPtr->trace.command = command;
	Tcl_IncrRefCount(command);
    }
    netPtr->trace.on = 1;
    if (events) {
	/* State changes, timers, RTT and drops with their reasons. */
	netPtr->trace.events = 1;
	netPtr->events++;
    }
    net_observer_add(netPtr->net, TraceTap, netPtr);
    return TCL_OK;
}
