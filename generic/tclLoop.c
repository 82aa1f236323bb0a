/*
 * tclLoop.c --
 *
 *	How a virtual-time network meets the person and the event loop around
 *	it:
 *
 *	- `$net run ... -progress`: one line on the terminal, rewritten in
 *	  place, with the virtual time, the events and frames so far, frames
 *	  per wall second and the -until condition's state;
 *	- Ctrl-C during `$net run` stops the run, not tclsh: a SIGINT handler
 *	  is installed only while a run is in progress (the old one comes
 *	  back after it) and the run returns {TCPLAB INTERRUPTED};
 *	- Tcl's event loop drives a network on the virtual clock: an event
 *	  source tells the notifier not to block while the network has events,
 *	  and an idle handler moves the clock to the next instant and runs
 *	  what it made due, so vwait and fileevent code written for Tcl's own
 *	  sockets runs unchanged and deterministically. `update` (which does
 *	  not wait) handles what is due now and leaves the clock alone.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "tcplabInt.h"

/*
 * Ctrl-C.
 */

static volatile sig_atomic_t gotSigint;
static Tcl_AsyncHandler asyncToken;

static int
AsyncProc(
    void *clientData,
    Tcl_Interp *interp,
    int code)
{
    (void) clientData;
    (void) interp;
    return code;		/* The run loops look at gotSigint. */
}

static void
SigintHandler(
    int sig)
{
    (void) sig;
    gotSigint = 1;
    if (asyncToken) {
	Tcl_AsyncMark(asyncToken);	/* Wakes a loop waiting in Tcl. */
    }
}

/* A run should stop: Ctrl-C was pressed while it ran. */
int
TcplabInterruptPending(void)
{
    return gotSigint != 0;
}

static double
WallNow(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * TcplabWatchBegin --
 *	A run starts: decide whether to show progress (mode: the -progress
 *	value, or NULL for ::tcplab::progress; 0/false: never, 1/true: on a
 *	terminal, always: also into a pipe or file, a line at a time) and
 *	take SIGINT for the run.
 */

int
TcplabWatchBegin(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Obj *mode,
    Tcl_Obj *cond,
    RunWatch *w)
{
    struct sigaction sa;
    int on = 0;

    memset(w, 0, sizeof(*w));
    w->netPtr = netPtr;
    w->cond = cond;
    if (mode == NULL) {
	mode = Tcl_GetVar2Ex(interp, "::tcplab::progress", NULL,
		TCL_GLOBAL_ONLY);
    }
    if (mode != NULL) {
	if (strcmp(Tcl_GetString(mode), "always") == 0) {
	    w->mode = 2;
	} else if (Tcl_GetBooleanFromObj(NULL, mode, &on) == TCL_OK) {
	    w->mode = on;
	} else {
	    return TcplabError(interp, "VALUE", "PROGRESS",
		    "bad progress \"%s\": must be a boolean or always",
		    Tcl_GetString(mode));
	}
    }
    w->tty = isatty(1);
    if (w->mode == 1 && !w->tty) {
	w->mode = 0;
    }
    if (w->mode) {
	w->out = Tcl_GetStdChannel(TCL_STDOUT);
	if (w->out == NULL) {
	    w->mode = 0;
	}
    }
    w->wall0 = w->shown = WallNow();
    w->frames0 = netPtr->net->nframes;
    w->t0 = netPtr->net->clock.now;
    if (asyncToken == NULL) {
	asyncToken = Tcl_AsyncCreate(AsyncProc, NULL);
    }
    gotSigint = 0;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SigintHandler;
    sigemptyset(&sa.sa_mask);
    w->installed = sigaction(SIGINT, &sa, &w->old) == 0;
    return TCL_OK;
}

static void
Show(
    RunWatch *w,
    int last)
{
    tl_net *net = w->netPtr->net;
    double wall = WallNow() - w->wall0;
    uint64_t frames = net ? net->nframes - w->frames0 : 0;
    char line[300];
    int n;

    n = snprintf(line, sizeof(line), "%s%.6f s  %llu events  %llu frames"
	    "  %.0f frames/s", w->mode == 2 && !w->tty ? "" : "\r",
	    net ? (double) net->clock.now / TL_SEC : 0.0,
	    (unsigned long long) w->events, (unsigned long long) frames,
	    wall > 0 ? frames / wall : 0.0);
    if (w->cond && n < (int) sizeof(line)) {
	n += snprintf(line + n, sizeof(line) - n, "  until: %s",
		w->condState ? "true" : "false");
    }
    if (n >= (int) sizeof(line)) {
	n = (int) sizeof(line) - 1;
    }
    if (w->tty && n < (int) sizeof(line) - 4) {
	memcpy(line + n, "\033[K", 3);	/* Clear what a longer line left. */
	n += 3;
    }
    if (last || (w->mode == 2 && !w->tty)) {
	if (n > (int) sizeof(line) - 2) {
	    n = (int) sizeof(line) - 2;
	}
	line[n++] = '\n';
    }
    Tcl_WriteChars(w->out, line, n);
    Tcl_Flush(w->out);
}

/*
 * TcplabWatchTick --
 *	After each event of the run: count it, refresh the line now and then.
 *	Returns 1 when the run must stop (Ctrl-C).
 */

int
TcplabWatchTick(
    RunWatch *w,
    int condState)
{
    /* The first call comes before any event. */
    if (w->calls++ > 0) {
	w->events++;
    }
    w->condState = condState;
    if (gotSigint) {
	w->interrupted = 1;
	return 1;
    }
    if (w->mode && (w->events & 1023) == 0) {
	double now = WallNow();

	if (now - w->shown >= (w->tty ? 0.1 : 1.0)) {
	    w->shown = now;
	    Show(w, 0);
	}
    }
    return 0;
}

/*
 * TcplabWatchEnd --
 *	The run is over: the last progress line, the old SIGINT handler back;
 *	an interrupted run becomes the error {TCPLAB INTERRUPTED}.
 */

int
TcplabWatchEnd(
    RunWatch *w,
    Tcl_Interp *interp,
    int code)
{
    if (w->installed) {
	sigaction(SIGINT, &w->old, NULL);
    }
    if (gotSigint) {
	w->interrupted = 1;
	gotSigint = 0;
    }
    if (w->mode && w->netPtr->net) {
	Show(w, 1);
    }
    if (w->interrupted && code == TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf("run interrupted at %.6f s",
		w->netPtr->net ? (double) w->netPtr->net->clock.now / TL_SEC
		: 0.0));
	Tcl_SetErrorCode(interp, "TCPLAB", "INTERRUPTED", NULL);
	return TCL_ERROR;
    }
    return code;
}

/*
 * The event source: a virtual-time network under Tcl's event loop.
 */

static Tcl_EventSetupProc SetupProc;
static Tcl_EventCheckProc CheckProc;
static Tcl_IdleProc StepProc;

/* The network can move on its own: events queued, nobody running it. */
static int
Ready(
    NetObj *netPtr)
{
    return netPtr->net && netPtr->eventloop && !netPtr->running
	    && !netPtr->draining && !netPtr->real
	    && clock_next(&netPtr->net->clock) != TL_NEVER;
}

static void
SetupProc(
    void *clientData,
    int flags)
{
    NetObj *netPtr = clientData;
    Tcl_Time zero = { 0, 0 };

    /* update (TCL_DONT_WAIT) does not wait, so it does not move time. */
    if (!(flags & TCL_DONT_WAIT) && Ready(netPtr)) {
	Tcl_SetMaxBlockTime(&zero);
    }
}

static void
CheckProc(
    void *clientData,
    int flags)
{
    NetObj *netPtr = clientData;

    /* An idle handler runs only when nothing else was ready this turn. */
    if (!(flags & TCL_DONT_WAIT) && !netPtr->stepQueued && Ready(netPtr)) {
	netPtr->stepQueued = 1;
	Tcl_Preserve(netPtr);
	Tcl_DoWhenIdle(StepProc, netPtr);
    }
}

/* One virtual instant: every event due at the next time, then the
 * scripts they queued. */
static void
StepProc(
    void *clientData)
{
    NetObj *netPtr = clientData;

    netPtr->stepQueued = 0;
    if (Ready(netPtr)) {
	netPtr->running = 1;
	if (TcplabStepInstant(netPtr) != TCL_OK) {
	    /* -instantlimit: the event loop goes on, the error is reported. */
	    Tcl_BackgroundException(netPtr->interp, TCL_ERROR);
	    TcplabReportBackgroundErrors();
	}
	if (netPtr->net) {
	    netPtr->running = 0;
	    TcplabDrain(netPtr);
	}
    }
    Tcl_Release(netPtr);
}

void
TcplabLoopInit(
    NetObj *netPtr)
{
    Tcl_CreateEventSource(SetupProc, CheckProc, netPtr);
}

void
TcplabLoopFree(
    NetObj *netPtr)
{
    Tcl_DeleteEventSource(SetupProc, CheckProc, netPtr);
    if (netPtr->stepQueued) {
	netPtr->stepQueued = 0;
	Tcl_CancelIdleCall(StepProc, netPtr);
	Tcl_Release(netPtr);
    }
}
