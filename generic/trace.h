/*
 * trace.h --
 *
 *	Segment lines in the format of TCP/IP Illustrated Vol. 1 (its modified
 *	LBL tcpdump): "svr4.1037 > bsdi.discard: S 1415531521:1415531521(0)
 *	win 4096 <mss 1024>", with host names, well-known port names, and
 *	sequence numbers made relative after the handshake the way tcpdump
 *	does it.
 */

#ifndef TCPLAB_TRACE_H
#define TCPLAB_TRACE_H

#include "net.h"
#include "wire.h"

typedef struct tl_traceconn {
    tl_addr a, b;		/* a < b, or a == b and pa < pb. */
    uint16_t pa, pb;
    uint32_t seq_a, seq_b;	/* Bases: a's and b's sequence numbers. */
} tl_traceconn;

typedef struct tl_trace {
    int absolute;		/* Print absolute sequence numbers. */
    long count;			/* Lines printed. */
    tl_time first, last;	/* Times of the first and previous lines. */
    tl_traceconn *conns;
    int nconns, capconns;
} tl_trace;

/* A TCP segment out of a frame, for formatting and matching. */
typedef struct tl_seginfo {
    tl_iphdr ip;
    tl_tcphdr th;
} tl_seginfo;

int		trace_segment(const tl_obsinfo *info, tl_seginfo *s);
void		trace_init(tl_trace *t);
void		trace_free(tl_trace *t);
size_t		trace_book(tl_trace *t, tl_net *net, const tl_obsinfo *info,
		    const tl_seginfo *s, char *buf, size_t cap);
size_t		trace_tcpdump(tl_trace *t, const tl_obsinfo *info,
		    const tl_seginfo *s, char *buf, size_t cap);
tl_traceconn   *trace_relative(tl_trace *t, const tl_seginfo *s, int portOrder,
		    uint32_t *seq, uint32_t *ack, int *revPtr);
size_t		trace_addr(tl_net *net, tl_addr a, char *buf, size_t cap);
const char     *port_name(uint16_t port);
int		port_lookup(const char *name);
const char     *port_service(int i, uint16_t *portPtr);

#endif /* TCPLAB_TRACE_H */
