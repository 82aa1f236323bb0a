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
#define TL_NEVER INT64_MAX

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
