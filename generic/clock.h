/*
 * clock.h --
 *
 *	One clock and one event queue per network. The queue is a binary heap
 *	of events ordered by time, ties broken by the order of scheduling, so a
 *	run is deterministic. Events are embedded in their owners (a timer in a
 *	TCB, a frame in flight), so an idle timer costs nothing and scheduling
 *	never allocates except to grow the heap.
 *
 *	Events for the current instant queued in the order of their stamps
 *	(a built-in application's turn after each segment, frames through
 *	the loopback) wait in a FIFO beside the heap instead: they fire
 *	exactly where the heap would have fired them, without sifting
 *	through it. The slot of an event taken from the heap's top is left
 *	open until the next change to the heap: an event queued then (the
 *	next frame of a line in flight) takes it, one sift instead of two.
 */

#ifndef TCPLAB_CLOCK_H
#define TCPLAB_CLOCK_H

#include "tlcore.h"

typedef struct tl_event tl_event;
typedef void tl_event_fn(void *arg, tl_event *evPtr);

struct tl_event {
    tl_time when;		/* When it fires. */
    uint64_t order;		/* Tie-breaker: scheduling order. */
    long idx;			/* Position in the heap, CLOCK_FIFO + its
				 * position in the FIFO, -1 when idle. */
    tl_event_fn *fn;		/* What to call. */
    void *arg;			/* Its argument. */
};

typedef struct tl_clock {
    tl_time now;		/* The current time. */
    uint64_t instant;		/* Events run at now since the clock last
				 * moved or a driver reset it (a run that
				 * never lets time pass shows here: see
				 * RunLoop in tclNet.c). */
    tl_event **heap;
    size_t n, cap;
    uint64_t order;
    /* The FIFO of events at now: a ring of fcap slots (a power of 2);
     * fhead and ftail count positions, cancelled slots are NULL. */
    tl_event **fifo;
    size_t fhead, ftail, fcap;
    uint64_t flast;		/* Order of the last event put in. */
    int hole;			/* heap[0] is vacant (n still counts it). */
    /* Told when an event becomes the earliest, so that a driver on real
     * time (the Tcl event loop) can wake up for it; NULL on virtual time. */
    void (*wake)(void *arg, tl_time when);
    void *wakeArg;
} tl_clock;

#define CLOCK_FIFO	(1L << 30)

void		clock_init(tl_clock *c);
void		clock_free(tl_clock *c);
void		event_init(tl_event *ev, tl_event_fn *fn, void *arg);
void		clock_schedule(tl_clock *c, tl_event *ev, tl_time when);
void		clock_stamp(tl_clock *c, tl_event *ev, tl_time when);
void		clock_queue(tl_clock *c, tl_event *ev);
void		clock_cancel(tl_clock *c, tl_event *ev);
tl_time		clock_next(tl_clock *c);
tl_event *	clock_first(tl_clock *c);
int		clock_step(tl_clock *c);
int		clock_run(tl_clock *c, tl_event *ev);

static inline int
event_pending(const tl_event *ev)
{
    return ev->idx >= 0;
}

#endif /* TCPLAB_CLOCK_H */
