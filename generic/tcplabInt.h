/*
 * tcplabInt.h --
 *
 *	Declarations shared by the Tcl command files (tcl*.c). These are the
 *	only files that include tcl.h: the stack core below never does.
 */

#ifndef TCPLAB_INT_H
#define TCPLAB_INT_H

#include <tcl.h>
#include <limits.h>
#include <signal.h>
#include "tcp.h"
#include "socket.h"
#include "apps.h"
#include "trace.h"
#include "capture.h"

/* Tcl 8.6 has no Tcl_Size; TEA may define it as a macro. */
#ifndef TCL_SIZE_MAX
# ifndef Tcl_Size
typedef int Tcl_Size;
# endif
# define TCL_SIZE_MAX INT_MAX
# define TCL_SIZE_MODIFIER ""
#endif

#ifndef MODULE_SCOPE
# define MODULE_SCOPE extern __attribute__((__visibility__("hidden")))
#endif

typedef struct NetObj NetObj;
typedef struct HostObj HostObj;
typedef struct ConnObj ConnObj;
typedef struct ListenObj ListenObj;
typedef struct Capture Capture;

/* A script to run between events, never inside segment processing. */
typedef struct Pending {
    Tcl_Obj *script;
    void *owner;		/* What TcplabUnqueue() may cancel it for. */
    struct Pending *next;
} Pending;

typedef struct TraceSink {
    tl_trace t;
    int on;
    Tcl_Channel chan;		/* Where lines go, or NULL. */
    Tcl_Obj *command;		/* Or a command prefix that gets each line. */
    int format;			/* TRACE_BOOK or TRACE_TCPDUMP. */
    int events;			/* -events: interleave stack events. */
    tl_watch watch;		/* -on, -dir, -filter (capture.h). */
} TraceSink;

enum { TRACE_BOOK, TRACE_TCPDUMP };

/*
 * What `$net run -until`'s condition read when it was last evaluated, so
 * that the run evaluates it again only after an event that may have
 * changed its value (CondUnchanged in tclNet.c): the state of the
 * connections whose `state` it asked for, the clock if it asked `$net
 * now`, anything done by a script; any other command of a network, host,
 * connection, listener or channel makes it evaluated after every event.
 */
typedef struct CondRead {
    ConnObj *conn;
    int state;
} CondRead;

typedef struct CondWatch {
    int on;			/* The condition is being evaluated. */
    int valid;			/* What follows describes its last value. */
    int any;			/* It read something not followed here. */
    int clock;			/* It read the clock. */
    tl_time at;			/* The clock then. */
    uint64_t gen;		/* scriptGen then. */
    unsigned skipped;		/* Evaluations skipped in a row. */
    Tcl_Size n, cap;		/* The connection states it read. */
    CondRead *reads;
} CondWatch;

struct NetObj {
    tl_net *net;
    Tcl_Interp *interp;
    Tcl_Command cmd;
    Tcl_Obj *name;
    HostObj *hosts;
    ConnObj *conns;
    ListenObj *listeners;
    Pending *pending, *pendingTail;
    int events;			/* Listeners of stack events (traces with
				 * -events, $c on event): hosts' TCP
				 * reports events while nonzero. */
    TraceSink trace;
    Capture *captures;		/* Open pcap files (tclPcap.c). */
    struct Recorder *recorder;	/* $net record (tclRecord.c). */
    int nextCapture;
    int running;
    int draining;		/* TcplabDrain is running the queue. */
    int refCount;		/* Preserved while scripts run. */
    struct RealClock *real;	/* -clock real (tclReal.c), else NULL. */
    struct TapDev *tapdevs;	/* TAP devices (tclTap.c). */
    int tapBatch;		/* Frames for them go to their writer
				 * threads (tclTap.c). */
    struct After *afters;	/* $net after: scripts waiting (tclAfter.c). */
    int nextAfter;
    int eventloop;		/* Tcl's event loop moves virtual time... */
    int stepQueued;		/* ...and a step waits for idle (tclLoop.c). */
    Tcl_WideInt instantLimit;	/* -instantlimit: events at one instant. */
    tl_time untilLimit;		/* -untillimit: run -until without -timeout. */
    Tcl_Obj *stateNames[TCPS_NSTATES];	/* Shared, made on first use: a
				 * `$c state` in a run's -until condition
				 * makes no object per event. */
    CondWatch cond;		/* What a -until condition read (tclNet.c). */
    uint64_t scriptGen;		/* Counts what may change what a script sees
				 * beside tcplab's commands: queued scripts
				 * run, channel handlers called, trace lines
				 * written to a channel, handles deleted. */
};

/* The defaults of $net configure -instantlimit and -untillimit. */
#define TCPLAB_INSTANT_LIMIT	100000
#define TCPLAB_UNTIL_LIMIT	(24 * 3600 * TL_SEC)

struct HostObj {
    NetObj *netPtr;
    tl_host *host;
    Tcl_Command cmd;
    Tcl_Obj *name;
    Tcl_Obj *addrs;		/* Addresses not yet attached to a link. */
    HostObj *next;
};

struct ConnObj {
    NetObj *netPtr;
    tl_tcb *tcb;		/* NULL once the stack let it go. */
    Tcl_Command cmd;
    Tcl_Obj *name;
    Tcl_Obj *history;		/* {time state} pairs. */
    Tcl_Obj *onState, *onReadable, *onEvent;
    int lastErr;		/* The error the connection ended with. */
    struct ChanState *chan;	/* Its Tcl channel (tclChan.c), or NULL. */
    ConnObj *next, *prev;	/* In netPtr->conns. */
};

/* What `$c state` answers. */
static inline int
TcplabConnState(
    const ConnObj *c)
{
    return c->tcb ? c->tcb->state : TCPS_CLOSED;
}

/* A command read something a -until condition's watch does not follow. */
static inline void
TcplabCondAny(
    NetObj *netPtr)
{
    if (netPtr->cond.on) {
	netPtr->cond.any = 1;
    }
}

MODULE_SCOPE void	TcplabCondState(ConnObj *c, int state);
MODULE_SCOPE int	TcplabUntil(NetObj *netPtr, Tcl_Obj *cond, int *okPtr);
MODULE_SCOPE int	TcplabCondUnchanged(NetObj *netPtr);

struct ListenObj {
    NetObj *netPtr;
    tl_listener *l;		/* NULL once closed. */
    Tcl_Command cmd;
    Tcl_Obj *name;
    Tcl_Obj *acceptCmd;
    Tcl_Obj *onPending;		/* $l on pending: a connection waits. */
    int channel;		/* -channel: -accept gets channels. */
    ListenObj *next;
};

/* tclUtil.c */
MODULE_SCOPE int	TcplabGetDuration(Tcl_Interp *interp, Tcl_Obj *obj,
			    tl_time *tPtr);
MODULE_SCOPE Tcl_Obj   *TcplabNewTime(tl_time t);
MODULE_SCOPE Tcl_Obj   *TcplabStateName(NetObj *netPtr, int state);
MODULE_SCOPE int	TcplabGetRate(Tcl_Interp *interp, Tcl_Obj *obj,
			    uint64_t *ratePtr);
MODULE_SCOPE int	TcplabParseAddr(const char *s, tl_addr *addrPtr);
MODULE_SCOPE int	TcplabGetAddrPrefix(Tcl_Interp *interp, Tcl_Obj *obj,
			    tl_addr *addrPtr, int *prefixPtr);
MODULE_SCOPE Tcl_Obj   *TcplabNewAddr(tl_addr a);
MODULE_SCOPE int	TcplabGetPort(Tcl_Interp *interp, Tcl_Obj *obj,
			    uint16_t *portPtr);
MODULE_SCOPE int	TcplabGetPeer(Tcl_Interp *interp, NetObj *netPtr,
			    Tcl_Obj *obj, tl_addr *addrPtr);
MODULE_SCOPE int	TcplabPosixError(Tcl_Interp *interp, int err,
			    const char *prefix);
MODULE_SCOPE int	TcplabError(Tcl_Interp *interp, const char *cls,
			    const char *detail, const char *fmt, ...);
MODULE_SCOPE Tcl_Obj   *TcplabNewName(Tcl_Interp *interp, const char *kind);
MODULE_SCOPE int	TcplabMissingArg(Tcl_Interp *interp, const char *opt);
MODULE_SCOPE int	TcplabGetIntRange(Tcl_Interp *interp,
			    const char *what, Tcl_Obj *obj, Tcl_WideInt lo,
			    Tcl_WideInt hi, Tcl_WideInt *vPtr);
MODULE_SCOPE int	TcplabIsInteger(const char *s);
MODULE_SCOPE int	TcplabGetLinger(Tcl_Interp *interp, const char *what,
			    Tcl_Obj *obj, int *vPtr);
MODULE_SCOPE int	TcplabGetUInt32(Tcl_Interp *interp, Tcl_Obj *obj,
			    uint32_t *vPtr);
MODULE_SCOPE Tcl_Obj   *TcplabTunableObj(int idx, int value);

/* tclNet.c */
MODULE_SCOPE Tcl_ObjCmdProc TcplabNetworkCmd;
MODULE_SCOPE void	TcplabQueue(NetObj *netPtr, Tcl_Obj *script);
MODULE_SCOPE void	TcplabQueueFor(NetObj *netPtr, Tcl_Obj *script,
			    void *owner);
MODULE_SCOPE void	TcplabUnqueue(NetObj *netPtr, void *owner);
MODULE_SCOPE void	TcplabDrain(NetObj *netPtr);
MODULE_SCOPE void	TcplabReportBackgroundErrors(void);
MODULE_SCOPE int	TcplabStepInstant(NetObj *netPtr);
MODULE_SCOPE void	TcplabKick(NetObj *netPtr);
MODULE_SCOPE HostObj   *TcplabFindHost(NetObj *netPtr, const char *name);

/* tclHost.c */
MODULE_SCOPE int	TcplabHostCreate(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE void	TcplabHostDelete(HostObj *hostPtr);

/* tclConn.c */
MODULE_SCOPE ConnObj   *TcplabConnNew(NetObj *netPtr, tl_tcb *tp);
MODULE_SCOPE ListenObj *TcplabListenNew(NetObj *netPtr, tl_listener *l);
MODULE_SCOPE ConnObj   *TcplabConnFor(NetObj *netPtr, tl_tcb *tp);
MODULE_SCOPE const tl_upcalls TcplabUpcalls;

/* tclTrace.c */
MODULE_SCOPE int	TcplabTraceCmd(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE void	TcplabTraceStop(NetObj *netPtr);
MODULE_SCOPE void	TcplabTraceLine(NetObj *netPtr, char *line, size_t n);

/* tclEvents.c */
MODULE_SCOPE void	TcplabEvent(void *netArg, const tl_evrec *ev);
MODULE_SCOPE Tcl_Obj   *TcplabEventDict(const tl_evrec *ev);

/* tclPcap.c */
MODULE_SCOPE int	TcplabGetWatch(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Obj *on, Tcl_Obj *dir, Tcl_Obj *filter,
			    tl_watch *w);
MODULE_SCOPE int	TcplabCaptureStart(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE int	TcplabCaptureStop(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Obj *idObj);
MODULE_SCOPE void	TcplabCaptureStopAll(NetObj *netPtr);
MODULE_SCOPE Tcl_Obj   *TcplabCaptureList(NetObj *netPtr);
MODULE_SCOPE int	TcplabFilterCmd(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE Tcl_ObjCmdProc TcplabPcapCmd;

/* tclRecord.c */
MODULE_SCOPE int	TcplabRecordCmd(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE void	TcplabRecordStop(NetObj *netPtr);
MODULE_SCOPE void	TcplabRecordFree(NetObj *netPtr);
MODULE_SCOPE void	TcplabRecordEvent(NetObj *netPtr, const tl_evrec *ev);

/* tclWire.c */
MODULE_SCOPE Tcl_ObjCmdProc TcplabWireCmd;
MODULE_SCOPE Tcl_Obj   *TcplabFlagsObj(int flags);
MODULE_SCOPE int	TcplabGetFlags(Tcl_Interp *interp, Tcl_Obj *obj,
			    int *flagsPtr);
MODULE_SCOPE int	TcplabGetOptions(Tcl_Interp *interp, Tcl_Obj *obj,
			    uint8_t *out, size_t *lenPtr);
MODULE_SCOPE Tcl_Obj   *TcplabOptionsObj(const uint8_t *p, size_t n);

/* tclNetns.c: namespaces removed at exit and on SIGINT/SIGTERM/SIGHUP. */
MODULE_SCOPE void	TcplabNetnsInit(Tcl_Interp *interp);

/* tclChan.c: channels over connections. */
MODULE_SCOPE void	TcplabChanInit(Tcl_Interp *interp);
MODULE_SCOPE int	TcplabChanGet(ConnObj *connPtr, Tcl_Interp *interp);
MODULE_SCOPE void	TcplabChanNotify(ConnObj *connPtr);
MODULE_SCOPE void	TcplabChanDetach(ConnObj *connPtr);
MODULE_SCOPE const char *TcplabFormatTime(tl_time t, char *buf, size_t cap);
MODULE_SCOPE size_t	TcplabDropLine(const tl_obsinfo *info,
			    const tl_seginfo *s, char *buf, size_t cap);
MODULE_SCOPE int	TcplabRunUntil(NetObj *netPtr, int (*cond)(void *),
			    void *arg, tl_time end);

/* tclAfter.c: $net after, scripts at a time of the network's clock. */
MODULE_SCOPE int	TcplabAfterCmd(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE void	TcplabAfterFreeAll(NetObj *netPtr);

/* tclProfile.c */
MODULE_SCOPE Tcl_ObjCmdProc TcplabProfileCmd;
MODULE_SCOPE int	TcplabProfileError(Tcl_Interp *interp, Tcl_Obj *name);

MODULE_SCOPE int	TcplabSockoptCmd(Tcl_Interp *interp, tl_tcb *tp,
			    tl_listener *l, Tcl_Size objc,
			    Tcl_Obj *const objv[]);
MODULE_SCOPE int	TcplabSockoptDefaults(Tcl_Interp *interp, tl_host *h,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE int	TcplabSockoptList(Tcl_Interp *interp, tl_host *h,
			    tl_openopts *o,
			    Tcl_Obj *list);

/* tclReal.c: a network on real time, driven by Tcl's event loop. */
MODULE_SCOPE void	TcplabRealInit(NetObj *netPtr);
MODULE_SCOPE void	TcplabRealFree(NetObj *netPtr);
MODULE_SCOPE void	TcplabRealSync(NetObj *netPtr);
MODULE_SCOPE void	TcplabRealStep(NetObj *netPtr);
MODULE_SCOPE int	TcplabRealRun(NetObj *netPtr, Tcl_Interp *interp,
			    tl_time end, Tcl_Obj *cond, int *okPtr);

/*
 * Every command that reaches into a network on real time first brings
 * its clock up to the present (virtual networks: nothing to do).
 */
static inline void
TcplabClockSync(
    NetObj *netPtr)
{
    if (netPtr->real) {
	TcplabRealSync(netPtr);
    }
}

/* tclLoop.c: progress and Ctrl-C for $net run; the event-loop source. */
typedef struct RunWatch {
    NetObj *netPtr;
    int mode;			/* 0 quiet, 1 on a terminal, 2 always. */
    int tty;			/* stdout is a terminal. */
    Tcl_Channel out;
    Tcl_Obj *cond;		/* The -until condition, or NULL... */
    int condState;		/* ...and its last value. */
    unsigned long long events, calls;
    uint64_t frames0;
    tl_time t0;
    double wall0, shown;
    int installed, interrupted;
    struct sigaction old;
} RunWatch;
MODULE_SCOPE int	TcplabWatchBegin(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Obj *mode, Tcl_Obj *cond, RunWatch *w);
MODULE_SCOPE int	TcplabWatchTick(RunWatch *w, int condState);
MODULE_SCOPE int	TcplabWatchEnd(RunWatch *w, Tcl_Interp *interp,
			    int code);
MODULE_SCOPE int	TcplabInterruptPending(void);
MODULE_SCOPE void	TcplabLoopInit(NetObj *netPtr);
MODULE_SCOPE void	TcplabLoopFree(NetObj *netPtr);

/* tclPing.c */
MODULE_SCOPE int	TcplabPingCmd(HostObj *hostPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);

/* tclTap.c */
MODULE_SCOPE int	TcplabTapCmd(NetObj *netPtr, Tcl_Interp *interp,
			    Tcl_Size objc, Tcl_Obj *const objv[]);
MODULE_SCOPE void	TcplabTapCloseAll(NetObj *netPtr);

#endif /* TCPLAB_INT_H */
