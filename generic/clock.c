/*
 * clock.c --
 *
 *	The event queue: a binary min-heap of embedded events.
 */

#include <stdlib.h>
#include "clock.h"

static int
Earlier(
    const tl_event *a,
    const tl_event *b)
{
    return a->when < b->when || (a->when == b->when && a->order < b->order);
}

static void
Place(
    tl_clock *c,
    tl_event *ev,
    size_t i)
{
    c->heap[i] = ev;
    ev->idx = (long) i;
}

static void
SiftUp(
    tl_clock *c,
    size_t i)
{
    tl_event *ev = c->heap[i];

    while (i > 0) {
	size_t parent = (i - 1) / 2;

	if (!Earlier(ev, c->heap[parent])) {
	    break;
	}
	Place(c, c->heap[parent], i);
	i = parent;
    }
    Place(c, ev, i);
}

static void
SiftDown(
    tl_clock *c,
    size_t i)
{
    tl_event *ev = c->heap[i];

    for (;;) {
	size_t l = 2 * i + 1, best = i;
	tl_event *bestEv = ev;

	if (l < c->n && Earlier(c->heap[l], bestEv)) {
	    best = l;
	    bestEv = c->heap[l];
	}
	if (l + 1 < c->n && Earlier(c->heap[l + 1], bestEv)) {
	    best = l + 1;
	    bestEv = c->heap[l + 1];
	}
	if (best == i) {
	    break;
	}
	Place(c, bestEv, i);
	i = best;
    }
    Place(c, ev, i);
}

/* Fills the vacant top slot, if any, with the heap's last event. */
static void
FillHole(
    tl_clock *c)
{
    if (c->hole) {
	c->hole = 0;
	c->n--;
	if (c->n > 0) {
	    Place(c, c->heap[c->n], 0);
	    SiftDown(c, 0);
	}
    }
}

void
clock_init(
    tl_clock *c)
{
    c->now = 0;
    c->instant = 0;
    c->heap = NULL;
    c->n = c->cap = 0;
    c->order = 0;
    c->fifo = NULL;
    c->fhead = c->ftail = c->fcap = 0;
    c->flast = 0;
    c->hole = 0;
    c->wake = NULL;
    c->wakeArg = NULL;
}

void
clock_free(
    tl_clock *c)
{
    size_t i;

    FillHole(c);
    for (i = 0; i < c->n; i++) {
	c->heap[i]->idx = -1;
    }
    free(c->heap);
    c->heap = NULL;
    c->n = c->cap = 0;
    for (i = c->fhead; i != c->ftail; i++) {
	if (c->fifo[i & (c->fcap - 1)]) {
	    c->fifo[i & (c->fcap - 1)]->idx = -1;
	}
    }
    free(c->fifo);
    c->fifo = NULL;
    c->fhead = c->ftail = c->fcap = 0;
}

/*
 * FifoPut --
 *	Puts ev at the FIFO's tail if it belongs there: due now, stamped
 *	after every event already in it, and no driver on real time to wake.
 * Results:
 *	1 if it did.
 */

static int
FifoPut(
    tl_clock *c,
    tl_event *ev)
{
    size_t i;

    if (ev->when != c->now || c->wake
	    || (c->fhead != c->ftail && ev->order < c->flast)
	    || c->ftail - c->fhead >= (size_t) CLOCK_FIFO) {
	return 0;
    }
    if (c->ftail - c->fhead == c->fcap) {
	size_t cap = c->fcap ? 2 * c->fcap : 64;
	tl_event **f = malloc(cap * sizeof(*f));

	if (f == NULL) {
	    abort();
	}
	for (i = c->fhead; i != c->ftail; i++) {
	    tl_event *e = c->fifo[i & (c->fcap - 1)];

	    f[i & (cap - 1)] = e;
	    if (e) {
		e->idx = CLOCK_FIFO + (long) (i & (cap - 1));
	    }
	}
	free(c->fifo);
	c->fifo = f;
	c->fcap = cap;
    }
    for (i = c->fhead; i != c->ftail; i++) {
	if (c->fifo[i & (c->fcap - 1)]) {
	    break;
	}
    }
    c->fhead = i;			/* Cancelled slots at the head go. */
    c->fifo[c->ftail & (c->fcap - 1)] = ev;
    ev->idx = CLOCK_FIFO + (long) (c->ftail & (c->fcap - 1));
    c->ftail++;
    c->flast = ev->order;
    return 1;
}

/* The FIFO's first event, NULL when it is empty (cancelled slots at its
 * head are passed over for good). */
static tl_event *
FifoHead(
    tl_clock *c)
{
    while (c->fhead != c->ftail) {
	tl_event *ev = c->fifo[c->fhead & (c->fcap - 1)];

	if (ev) {
	    return ev;
	}
	c->fhead++;
    }
    return NULL;
}

void
event_init(
    tl_event *ev,
    tl_event_fn *fn,
    void *arg)
{
    ev->when = 0;
    ev->order = 0;
    ev->idx = -1;
    ev->fn = fn;
    ev->arg = arg;
}

/*
 * clock_stamp --
 *	Gives ev its time (a time in the past is the current time) and its
 *	place among the events of that time (the order of stamping), without
 *	queueing it: clock_queue queues it later in that same place. An owner
 *	that keeps a line of events firing in the order they were stamped
 *	(the frames in flight from one interface, net.c) queues only the
 *	first, and the next when it fires: the heap stays small while the
 *	events run as if every one had been queued.
 */

void
clock_stamp(
    tl_clock *c,
    tl_event *ev,
    tl_time when)
{
    ev->when = when < c->now ? c->now : when;
    ev->order = c->order++;
}

/* Queues an idle event stamped by clock_stamp. */
void
clock_queue(
    tl_clock *c,
    tl_event *ev)
{
    if (c->n == c->cap) {
	size_t cap = c->cap ? 2 * c->cap : 64;
	tl_event **h = realloc(c->heap, cap * sizeof(*h));

	if (h == NULL) {
	    abort();
	}
	c->heap = h;
	c->cap = cap;
    }
    if (FifoPut(c, ev)) {
	return;
    }
    if (c->hole) {
	/* Into the top's vacant slot, down to its place. */
	c->hole = 0;
	Place(c, ev, 0);
	SiftDown(c, 0);
	if (ev->idx == 0 && c->wake) {
	    c->wake(c->wakeArg, ev->when);
	}
	return;
    }
    c->heap[c->n] = ev;
    ev->idx = (long) c->n;
    c->n++;
    SiftUp(c, c->n - 1);
    if (ev->idx == 0 && c->wake) {
	c->wake(c->wakeArg, ev->when);
    }
}

/*
 * clock_schedule --
 *	Queues ev to fire at when, moving it if it is already queued. A time in
 *	the past fires at the current time.
 */

void
clock_schedule(
    tl_clock *c,
    tl_event *ev,
    tl_time when)
{
    size_t i;

    FillHole(c);
    if (ev->idx >= CLOCK_FIFO) {
	clock_cancel(c, ev);
    }
    if (ev->idx < 0) {
	clock_stamp(c, ev, when);
	clock_queue(c, ev);
	return;
    }
    /* Already queued: restamped and moved from where it is, as cancelling
     * and queueing it again would place it, with one sift instead of two
     * (an RTO timer moves on every ACK). */
    i = (size_t) ev->idx;
    clock_stamp(c, ev, when);
    if (i > 0 && Earlier(ev, c->heap[(i - 1) / 2])) {
	SiftUp(c, i);
    } else {
	SiftDown(c, i);
    }
    if (ev->idx == 0 && c->wake) {
	c->wake(c->wakeArg, ev->when);
    }
}

void
clock_cancel(
    tl_clock *c,
    tl_event *ev)
{
    size_t i;
    tl_event *last;

    if (ev->idx < 0) {
	return;
    }
    if (ev->idx >= CLOCK_FIFO) {
	c->fifo[ev->idx - CLOCK_FIFO] = NULL;
	ev->idx = -1;
	return;
    }
    FillHole(c);
    i = (size_t) ev->idx;
    ev->idx = -1;
    last = c->heap[--c->n];
    if (i == c->n) {
	return;
    }
    Place(c, last, i);
    if (i > 0 && Earlier(last, c->heap[(i - 1) / 2])) {
	SiftUp(c, i);
    } else {
	SiftDown(c, i);
    }
}

/* The time of the earliest queued event, TL_NEVER when none (an event
 * at TL_NEVER, a time sum that passed the clock's range, never fires). */
tl_time
clock_next(
    tl_clock *c)
{
    size_t i;

    FillHole(c);
    for (i = c->fhead; i != c->ftail; i++) {
	if (c->fifo[i & (c->fcap - 1)]) {
	    return c->now;		/* Nothing is due before now. */
	}
    }
    return c->n ? c->heap[0]->when : TL_NEVER;
}

/* The earliest queued event, or NULL. */
tl_event *
clock_first(
    tl_clock *c)
{
    tl_event *f = FifoHead(c);

    FillHole(c);
    if (c->n && (f == NULL || Earlier(c->heap[0], f))) {
	return c->heap[0];
    }
    return f;
}

/*
 * clock_step --
 *	Advances the clock to the earliest event and runs it, counting the
 *	events run at one time in c->instant.
 * Results:
 *	1 if an event ran, 0 if the queue was empty (or held only events at
 *	TL_NEVER).
 */

int
clock_step(
    tl_clock *c)
{
    return clock_run(c, clock_first(c));
}

/* clock_step with the earliest event, ev, found already (clock_first()
 * since the last change to the queue). */
int
clock_run(
    tl_clock *c,
    tl_event *ev)
{
    if (ev == NULL || ev->when == TL_NEVER) {
	return 0;
    }
    if (ev->idx == 0) {
	/* Off the top; its slot stays open for what comes next. */
	ev->idx = -1;
	if (--c->n > 0) {
	    c->n++;
	    c->hole = 1;
	}
    } else {
	clock_cancel(c, ev);
    }
    if (ev->when > c->now) {
	c->now = ev->when;
	c->instant = 0;
    }
    c->instant++;
    ev->fn(ev->arg, ev);
    return 1;
}
