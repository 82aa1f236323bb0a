/*
 * tlcore.h --
 *
 *	Types shared by every layer of the stack core: time, addresses and
 *	the forward declarations of the core objects. The core never includes
 *	tcl.h, never reads a clock and never does I/O (see DESIGN.md).
 */

#ifndef TLCORE_H
#define TLCORE_H

#include <stddef.h>
#include <stdint.h>

/* Time is a count of nanoseconds on the network's clock. */
typedef int64_t tl_time;

#define TL_US	((tl_time) 1000)
#define TL_MS	((tl_time) 1000000)
#define TL_SEC	((tl_time) 1000000000)
#define TL_NEVER INT64_MAX	/* No time: an event there never fires. */
#define TL_END	(TL_NEVER - 1)	/* The end of the clock's range: no run
				 * goes there; a timer set past it waits
				 * there (a run that meets it stops with an
				 * error). */

/*
 * Time sums saturate: t + d past the end of the clock's range (about 292
 * years of nanoseconds) is TL_NEVER, never a signed overflow. Every time
 * computed from a time and a delay goes through tl_time_add; durations
 * multiplied go through tl_time_mul (both operands >= 0).
 */
static inline tl_time
tl_time_add(
    tl_time t,
    tl_time d)
{
    if (d > 0 && t > TL_NEVER - d) {
	return TL_NEVER;
    }
    if (d < 0 && t < INT64_MIN - d) {
	return INT64_MIN;
    }
    return t + d;
}

static inline tl_time
tl_time_mul(
    tl_time a,
    tl_time b)
{
    if (a > 0 && b > TL_NEVER / a) {
	return TL_NEVER;
    }
    return a * b;
}

/* When tick k of g ns falls on a clock whose ticks fall phase early:
 * k*g - phase, TL_NEVER past the clock's range. */
static inline tl_time
tl_tick_time(
    tl_time k,
    tl_time g,
    tl_time phase)
{
    tl_time t = tl_time_mul(k, g);

    return t == TL_NEVER ? TL_NEVER : t - phase;
}

/* An IPv4 address in host byte order. */
typedef uint32_t tl_addr;

typedef struct tl_net tl_net;
typedef struct tl_host tl_host;
typedef struct tl_iface tl_iface;
typedef struct tl_link tl_link;
typedef struct tl_pkt tl_pkt;
typedef struct tl_tcb tl_tcb;
typedef struct tl_listener tl_listener;

/* strdup is POSIX, not C11. */
#include <stdlib.h>
#include <string.h>
static inline char *
tl_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    return d ? memcpy(d, s, n) : NULL;
}

#define TL_MIN(a, b)	((a) < (b) ? (a) : (b))
#define TL_MAX(a, b)	((a) > (b) ? (a) : (b))

#endif /* TLCORE_H */
