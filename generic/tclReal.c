/*
 * tclReal.c --
 *
 *	Networks created with -clock real: the network's clock follows
 *	CLOCK_MONOTONIC (read here, in the glue, and passed into the core by
 *	setting the clock's time) and Tcl's event loop drives the event queue:
 *	one timer handler waits for the earliest deadline, and file handlers
 *	(TAP devices, tclTap.c) bring frames in. So vwait, after and
 *	fileevent work while connections progress, and $net run blocks in the
 *	event loop. The stack runs exactly as on virtual time; only who moves
 *	the clock differs.
 */

#include <limits.h>
#include <time.h>
#include "tcplabInt.h"

typedef struct RealClock {
    NetObj *netPtr;
    tl_time base;		/* CLOCK_MONOTONIC when the network was made. */
    Tcl_TimerToken timer;	/* Waits for the earliest event... */
    tl_time timerAt;		/* ...due then (TL_NEVER: no timer). */
    int stepping;		/* Inside TcplabRealStep. */
    int dead;			/* The network is gone. */
    /* $net run, while it blocks in the event loop. */
    int running;
    Tcl_Obj *cond;		/* -until condition, or NULL. */
    int done;			/* The run should return. */
    int ok;			/* The condition came true. */
    int code;			/* TCL_ERROR when the condition failed... */
    Tcl_InterpState errState;	/* ...with this error. */
    Tcl_TimerToken endTimer;	/* Wakes the run at its end... */
    Tcl_TimerToken pollTimer;	/* ...and every REAL_POLL_MS. */
} RealClock;

static Tcl_TimerProc TimerProc, EndProc, PollProc;

/*
 * How often a running $net run -until checks its condition when nothing
 * happens: it may watch what no event announces (a pipe read with gets, a
 * file, the kernel's sockets in ss).
 */
#define REAL_POLL_MS	5

/* The monotonic clock, in the network's units. */
static tl_time
Monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (tl_time) ts.tv_sec * TL_SEC + (tl_time) ts.tv_nsec;
}

/* Real time on the network's clock: zero when the network was made. */
static tl_time
RealNow(
    RealClock *rc)
{
    return Monotonic() - rc->base;
}

/* Milliseconds from now until t (rounded up: never wake early). */
static int
MsUntil(
    RealClock *rc,
    tl_time t)
{
    tl_time d = t - RealNow(rc);

    if (d <= 0) {
	return 0;
    }
    d = tl_time_add(d, TL_MS - 1) / TL_MS;
    return d > INT_MAX ? INT_MAX : (int) d;
}

/*
 * Arm --
 *	Sets the timer handler for the event due at when (none for
 *	TL_NEVER), replacing the one set before.
 */

static void
Arm(
    RealClock *rc,
    tl_time when)
{
    if (rc->timer) {
	Tcl_DeleteTimerHandler(rc->timer);
	rc->timer = NULL;
    }
    rc->timerAt = TL_NEVER;
    if (when == TL_NEVER || rc->dead) {
	return;
    }
    rc->timer = Tcl_CreateTimerHandler(MsUntil(rc, when), TimerProc, rc);
    rc->timerAt = when;
}

/*
 * Wake --
 *	The clock's wake hook: an event became the earliest. Outside a step,
 *	bring the timer forward if it is due sooner than the armed one (a
 *	step arms the timer itself when it ends).
 */

static void
Wake(
    void *arg,
    tl_time when)
{
    RealClock *rc = arg;

    if (!rc->stepping && when < rc->timerAt) {
	Arm(rc, when);
    }
}

static void
TimerProc(
    void *clientData)
{
    RealClock *rc = clientData;

    rc->timer = NULL;
    rc->timerAt = TL_NEVER;
    if (!rc->dead) {
	TcplabRealStep(rc->netPtr);
    }
}

void
TcplabRealInit(
    NetObj *netPtr)
{
    RealClock *rc = ckalloc(sizeof(*rc));

    memset(rc, 0, sizeof(*rc));
    rc->netPtr = netPtr;
    rc->base = Monotonic();
    rc->timerAt = TL_NEVER;
    netPtr->real = rc;
    netPtr->net->clock.wake = Wake;
    netPtr->net->clock.wakeArg = rc;
}

/*
 * TcplabRealFree --
 *	The network goes: no more timers. The record itself is freed once no
 *	step or run is using it (Tcl_EventuallyFree).
 */

void
TcplabRealFree(
    NetObj *netPtr)
{
    RealClock *rc = netPtr->real;

    if (rc == NULL) {
	return;
    }
    Arm(rc, TL_NEVER);
    rc->dead = 1;
    rc->done = 1;
    if (rc->endTimer) {
	Tcl_DeleteTimerHandler(rc->endTimer);
	rc->endTimer = NULL;
    }
    if (rc->pollTimer) {
	Tcl_DeleteTimerHandler(rc->pollTimer);
	rc->pollTimer = NULL;
    }
    if (netPtr->net) {
	netPtr->net->clock.wake = NULL;
    }
    netPtr->real = NULL;
    Tcl_EventuallyFree(rc, TCL_DYNAMIC);
}

/*
 * TcplabRealSync --
 *	Brings the network's clock up to real time. Called before anything
 *	reaches into the stack, so that what it does now is timed now.
 */

void
TcplabRealSync(
    NetObj *netPtr)
{
    RealClock *rc = netPtr->real;
    tl_time t;

    if (rc == NULL || netPtr->net == NULL) {
	return;
    }
    t = RealNow(rc);
    if (t > netPtr->net->clock.now) {
	netPtr->net->clock.now = t;
    }
}

/*
 * CheckCond --
 *	Evaluates the -until condition of a running $net run, keeping the
 *	interpreter's result; an error ends the run with that error. After a
 *	network event (always 0) it is skipped when nothing it read can have
 *	changed (TcplabCondUnchanged, as on virtual time); after any other
 *	event of the event loop it is evaluated.
 */

static void
CheckCond(
    RealClock *rc,
    int always)
{
    NetObj *netPtr = rc->netPtr;
    Tcl_Interp *interp = netPtr->interp;
    Tcl_InterpState saved;
    int b, batch, code;

    if (!rc->running || rc->cond == NULL || rc->done
	    || (!always && TcplabCondUnchanged(netPtr))) {
	return;
    }
    saved = Tcl_SaveInterpState(interp, TCL_OK);
    /* What the condition sends to a TAP device is written at once. */
    batch = netPtr->tapBatch;
    netPtr->tapBatch = 0;
    code = TcplabUntil(netPtr, rc->cond, &b);
    netPtr->tapBatch = batch;
    if (code != TCL_OK) {
	rc->code = TCL_ERROR;
	rc->errState = Tcl_SaveInterpState(interp, TCL_ERROR);
	rc->done = 1;
	Tcl_DiscardInterpState(saved);
	return;
    }
    Tcl_RestoreInterpState(interp, saved);
    if (b) {
	rc->ok = 1;
	rc->done = 1;
    }
}

/*
 * TcplabRealStep --
 *	Runs every event that is due, with the queued scripts between them
 *	(and the -until condition of a running $net run after each that may
 *	have changed what it reads, as on virtual time, until it is true),
 *	then sets the timer for the next one. Called by the
 *	timer handler and by the TAP file handlers once frames are in.
 */

void
TcplabRealStep(
    NetObj *netPtr)
{
    RealClock *rc = netPtr->real;
    tl_net *net;
    tl_time limit;
    int n = 0;

    if (rc == NULL || rc->stepping || netPtr->net == NULL) {
	return;
    }
    Tcl_Preserve(rc);
    Tcl_Preserve(netPtr);
    rc->stepping = 1;
    TcplabRealSync(netPtr);
    net = netPtr->net;
    limit = net->clock.now;
    /* Everything due runs, also after the -until condition came true:
     * a frame due now (an ACK for the kernel) must not wait for the next
     * turn of the event loop, which may not come before the script reads
     * the kernel's view. */
    while (!rc->dead && netPtr->net && clock_next(&net->clock) <= limit) {
	clock_step(&net->clock);
	if (netPtr->pending) {
	    TcplabDrain(netPtr);
	}
	if (!rc->dead && netPtr->net) {
	    CheckCond(rc, 0);
	}
	if (++n == 10000) {
	    /* Let the event loop breathe; the timer comes back at once. */
	    break;
	}
    }
    rc->stepping = 0;
    if (!rc->dead && netPtr->net) {
	Arm(rc, clock_next(&net->clock));
    }
    Tcl_Release(netPtr);
    Tcl_Release(rc);
}

static void
EndProc(
    void *clientData)
{
    RealClock *rc = clientData;

    rc->endTimer = NULL;
}

/* Wakes a running $net run to check its condition. */
static void
PollProc(
    void *clientData)
{
    RealClock *rc = clientData;

    rc->pollTimer = NULL;
}

/*
 * TcplabRealRun --
 *	$net run on real time: serves Tcl's event loop (the network's
 *	timer and file handlers, and every other handler) until the
 *	condition is true (checked after the network events that may change
 *	it, every other event, and every REAL_POLL_MS) or the network's
 *	clock reaches end (TL_NEVER: no end).
 * Results:
 *	TCL_OK with *okPtr telling whether the condition came true, or
 *	TCL_ERROR when evaluating it failed.
 */

int
TcplabRealRun(
    NetObj *netPtr,
    Tcl_Interp *interp,
    tl_time end,
    Tcl_Obj *cond,
    int *okPtr)
{
    RealClock *rc = netPtr->real;
    int code;

    Tcl_Preserve(rc);
    Tcl_Preserve(netPtr);
    rc->running = 1;
    rc->cond = cond;
    rc->done = 0;
    rc->ok = 0;
    rc->code = TCL_OK;
    netPtr->running = 1;
    /* What is due already runs first. */
    TcplabRealStep(netPtr);
    while (!rc->done && !rc->dead && !TcplabInterruptPending()) {
	TcplabRealSync(netPtr);
	if (end != TL_NEVER && netPtr->net->clock.now >= end) {
	    break;
	}
	if (end != TL_NEVER && rc->endTimer == NULL) {
	    rc->endTimer = Tcl_CreateTimerHandler(MsUntil(rc, end), EndProc,
		    rc);
	}
	if (cond && rc->pollTimer == NULL) {
	    rc->pollTimer = Tcl_CreateTimerHandler(REAL_POLL_MS, PollProc, rc);
	}
	Tcl_DoOneEvent(TCL_ALL_EVENTS);
	if (!rc->dead && netPtr->net) {
	    CheckCond(rc, 1);
	}
    }
    if (rc->endTimer) {
	Tcl_DeleteTimerHandler(rc->endTimer);
	rc->endTimer = NULL;
    }
    if (rc->pollTimer) {
	Tcl_DeleteTimerHandler(rc->pollTimer);
	rc->pollTimer = NULL;
    }
    rc->running = 0;
    rc->cond = NULL;
    if (netPtr->net) {
	netPtr->running = 0;
    }
    code = rc->code;
    if (code != TCL_OK) {
	Tcl_RestoreInterpState(interp, rc->errState);
	rc->code = TCL_OK;
    }
    *okPtr = rc->ok;
    Tcl_Release(netPtr);
    Tcl_Release(rc);
    return code;
}
