/*
 * tcp_env.h --
 *
 *	TCP's own interface to the world around it, and nothing more: what
 *	a host supplies to its TCP (send this segment, arm or stop this timer
 *	at this time, the route to an address, the clock to read) and what
 *	TCP tells the socket's user (state changes, readable, writable,
 *	accepted, released, events). The simulated host (host.c) supplies it
 *	on a network's clock; a test can supply a stand-in that takes the
 *	segments and timer requests TCP makes and feeds segments and time
 *	back (smoltcp's process()/poll_at() model). TCP reads the time
 *	through env->now and calls nothing else of the network.
 */

#ifndef TCPLAB_TCP_ENV_H
#define TCPLAB_TCP_ENV_H

#include "clock.h"
#include "ring.h"

struct tl_iphdr;
struct tl_tcphdr;

/* What the stack did that a trace with events shows between segments. */
typedef enum {
    EV_STATE,		/* a = old state, b = new state */
    EV_TIMER_SET,	/* a = timer, t = delay */
    EV_TIMER_STOP,	/* a = timer */
    EV_TIMER_FIRE,	/* a = timer */
    EV_RTT,		/* t = sample, t2 = new RTO */
    EV_CWND,		/* a = cwnd, b = ssthresh, why = the cause */
    EV_DROP,		/* why: a segment dropped or ignored without reply */
    EV_REPLY,		/* why: a reply that is not ordinary (challenge ACK) */
    EV_NOTE		/* why: anything else worth saying */
} tl_evkind;

typedef struct tl_evrec {
    tl_evkind kind;
    tl_time time;
    tl_host *host;
    tl_tcb *tcb;		/* May be NULL (no connection). */
    int a, b;
    tl_time t, t2;
    const char *why;
    const struct tl_iphdr *ip;	/* The segment concerned, if any. */
    const struct tl_tcphdr *th;
} tl_evrec;

/* Upcalls from TCP to whoever holds its sockets (the Tcl layer). Each may
 * be NULL. `user` is the TCB's or listener's user handle; event gets
 * the env's upArg. */
typedef struct tl_upcalls {
    void (*state)(void *user, tl_tcb *tcb, int from, int to);
    void (*readable)(void *user, tl_tcb *tcb);	/* Data, EOF or error. */
    void (*writable)(void *user, tl_tcb *tcb);
    void (*accepted)(void *user, tl_listener *l);	/* Queue not empty. */
    void (*released)(void *user, tl_tcb *tcb);	/* The stack is done with it. */
    void (*listener_gone)(void *user, tl_listener *l);
    void (*event)(void *upArg, const tl_evrec *ev);	/* Every event. */
} tl_upcalls;

/* The way to a destination, as TCP needs it for the MSS and the source
 * address (4.4BSD tcp_mss(), in_localaddr(); Linux tcp_mtu_to_mss()). */
typedef struct tl_tcp_route {
    tl_addr src;		/* Our address toward it; 0 = no route. */
    uint32_t mtu;		/* The interface's IP MTU. */
    uint32_t tso;		/* Largest segment the interface cuts up
				 * (segmentation offload), 0 = none. */
    int local;			/* On an attached network (4.4BSD
				 * SUBNETSARELOCAL). */
    uint32_t advmss;		/* The route's advmss metric, 0 = none. */
    uint32_t initcwnd;		/* Its initcwnd metric, 0 = none. */
} tl_tcp_route;

/* The slot of the application's turn among a TCB's timer requests. */
#define TCP_ENV_APP	6
/* The slot of the TCP_CORK ceiling (tcp_cork_run()). */
#define TCP_ENV_CORK	7

typedef struct tl_tcp_ops {
    /* Room for a TCP segment of len bytes (header included) to go to the
     * network; *segPtr is what seg_send takes back. */
    uint8_t *(*seg_alloc)(void *ctx, uint32_t len, void **segPtr);
    /* Its len payload bytes at at are the generated stream gen from
     * offset off (ring.h): left for the environment to write when
     * anything reads them, or never (wire.h tl_unwritten). NULL: TCP
     * writes them. */
    void (*seg_unwritten)(void *ctx, void *seg, uint8_t *at, uint32_t len,
	    const tl_ringgen *gen, uint64_t off);
    /* Send it from src to dst. gso: a segment of several of that size
     * for an interface that cuts it up, else 0; ecn: the IP header's ECN
     * field (RFC 3168: 2 = ECT(0)). TCP leaves the checksum field 0:
     * what sends the segment computes it (as Linux leaves it to the
     * device or to skb_checksum_help(): CHECKSUM_PARTIAL). Returns 1
     * when the host's device queue refused it, so that it never left
     * (Linux: the qdisc's NET_XMIT_DROP, which tcp_transmit_skb()
     * returns), else 0 (sent, or lost on the way as any datagram may
     * be). */
    int (*seg_send)(void *ctx, void *seg, tl_addr src, tl_addr dst,
	    uint32_t len, uint32_t gso, uint8_t ecn);
    /* Call tcp_timer_expire(tp, which) at `when` (absolute time), instead
     * of any earlier request for the same timer; TL_NEVER withdraws it.
     * which is a timer (TT_*), TCP_ENV_APP (tcp_app_run()) or
     * TCP_ENV_CORK (tcp_cork_run()). */
    void (*timer)(void *ctx, tl_tcb *tp, int which, tl_time when);
    /* The route to dst; 0 when there is none (r is then zeroed). */
    int (*route)(void *ctx, tl_addr dst, tl_tcp_route *r);
    /* Whether a is one of the host's addresses. */
    int (*has_addr)(void *ctx, tl_addr a);
    /* Moves timer `which` of tp, which is pending, to ev (a TIME_WAIT
     * record's, tcp_timewait.c) keeping its time and its place among the
     * events of that time; ev then calls fn(arg, ev). NULL: TIME_WAIT
     * connections keep their TCBs. */
    void (*timer_park)(void *ctx, tl_tcb *tp, int which, tl_event *ev,
	    tl_event_fn *fn, void *arg);
    /* Moves ev's pending event back to timer `which` of tp, in the same
     * place. */
    void (*timer_unpark)(void *ctx, tl_event *ev, tl_tcb *tp, int which);
    /* Queues ev, idle, at the time and place it holds (ev->when,
     * ev->order: a parked timer's), and takes a pending one out (for the
     * one event that runs the TIME_WAIT records' timers). */
    void (*event_queue)(void *ctx, tl_event *ev);
    void (*event_cancel)(void *ctx, tl_event *ev);
} tl_tcp_ops;

typedef struct tl_tcp_env {
    const tl_tcp_ops *ops;
    void *ctx;			/* The ops' first argument. */
    const tl_time *now;		/* The clock TCP reads. */
    uint64_t seed;		/* Keys the ISN and timestamp hashes. */
    const tl_upcalls *up;	/* May be NULL. */
    void *upArg;		/* Passed to up->event. */
    const int *events;		/* Nonzero while someone wants events. */
} tl_tcp_env;

#endif /* TCPLAB_TCP_ENV_H */
