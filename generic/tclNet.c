/*
 * tclNet.c --
 *
 *	tcplab::network and the network handle: hosts, links and LANs,
 *	running the clock, crash, boot and cables.
 */

#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include "tcplabInt.h"

static Tcl_ObjCmdProc NetObjCmd;
static Tcl_CmdDeleteProc NetDeleteProc;

HostObj *
TcplabFindHost(
    NetObj *netPtr,
    const char *name)
{
    HostObj *h;

    for (h = netPtr->hosts; h; h = h->next) {
	if (strcmp(h->host->name, name) == 0) {
	    return h;
	}
    }
    return NULL;
}

/* Queues a script to run between events (callbacks, -command traces). */
void
TcplabQueue(
    NetObj *netPtr,
    Tcl_Obj *script)
{
    TcplabQueueFor(netPtr, script, NULL);
}

/* TcplabQueue for a callback of owner's: TcplabUnqueue(owner) cancels it
 * while it waits (the callback removed, its connection destroyed). */
void
TcplabQueueFor(
    NetObj *netPtr,
    Tcl_Obj *script,
    void *owner)
{
    Pending *p = ckalloc(sizeof(*p));

    p->script = script;
    Tcl_IncrRefCount(script);
    p->owner = owner;
    p->next = NULL;
    if (netPtr->pendingTail) {
	netPtr->pendingTail->next = p;
    } else {
	netPtr->pending = p;
    }
    netPtr->pendingTail = p;
}

void
TcplabUnqueue(
    NetObj *netPtr,
    void *owner)
{
    Pending **pp = &netPtr->pending, *p;

    netPtr->pendingTail = NULL;
    while ((p = *pp) != NULL) {
	if (p->owner == owner) {
	    *pp = p->next;
	    Tcl_DecrRefCount(p->script);
	    ckfree(p);
	} else {
	    netPtr->pendingTail = p;
	    pp = &p->next;
	}
    }
}

static Tcl_IdleProc KickProc;

/*
 * TcplabReportBackgroundErrors --
 *	Tcl reports a background error (Tcl_BackgroundException, also the one
 *	of a fileevent script) from an idle handler that calls `interp
 *	bgerror`'s handler. A script of tclsh runs no event loop, and a run
 *	on virtual time serves none, so after queued scripts ran the idle
 *	handlers are served once: errors are reported where they happened,
 *	during the run, as an event loop would.
 */

void
TcplabReportBackgroundErrors(void)
{
    Tcl_DoOneEvent(TCL_IDLE_EVENTS | TCL_DONT_WAIT);
}

/*
 * TcplabDrain --
 *	Runs the queued scripts at global level; an error becomes a background
 *	error, as in a Tcl event handler, reported once the queue is empty
 *	(TcplabReportBackgroundErrors). Never nested: a command called by
 *	one of the scripts leaves what it queues to the loop already running,
 *	so scripts run one after the other, in order (a readable script that
 *	reads must not see the next readable script run inside its read).
 */

void
TcplabDrain(
    NetObj *netPtr)
{
    Tcl_Interp *interp = netPtr->interp;
    Tcl_InterpState saved;
    int batch = netPtr->tapBatch;

    if (netPtr->pending == NULL || netPtr->draining) {
	return;
    }
    Tcl_Preserve(netPtr);
    Tcl_Preserve(interp);
    netPtr->draining = 1;
    /* What the scripts send to a TAP device is written at once. */
    netPtr->tapBatch = 0;
    netPtr->scriptGen++;
    saved = Tcl_SaveInterpState(interp, TCL_OK);
    while (netPtr->pending && netPtr->net) {
	Pending *p = netPtr->pending;

	netPtr->pending = p->next;
	if (netPtr->pending == NULL) {
	    netPtr->pendingTail = NULL;
	}
	if (Tcl_EvalObjEx(interp, p->script, TCL_EVAL_GLOBAL) != TCL_OK) {
	    Tcl_BackgroundException(interp, TCL_ERROR);
	}
	Tcl_DecrRefCount(p->script);
	ckfree(p);
    }
    if (!Tcl_InterpDeleted(interp)) {
	/* Still draining: the idle handlers served do not move this
	 * network (tclLoop.c) or drain it again. */
	TcplabReportBackgroundErrors();
    }
    netPtr->draining = 0;
    netPtr->tapBatch = batch;
    Tcl_RestoreInterpState(interp, saved);
    Tcl_Release(interp);
    Tcl_Release(netPtr);
}

/*
 * TcplabKick --
 *	After a command or a channel driver call changed the stack, run the
 *	scripts it queued once Tcl is idle (never from inside the call), also
 *	when no network event is due.
 */

void
TcplabKick(
    NetObj *netPtr)
{
    if (netPtr->net && netPtr->pending) {
	Tcl_Preserve(netPtr);
	Tcl_DoWhenIdle(KickProc, netPtr);
    }
}

static void
KickProc(
    void *clientData)
{
    NetObj *netPtr = clientData;

    /* A run on virtual time drains between its own events; one on real
     * time waits in the event loop, where this may drain. */
    if (netPtr->net && (!netPtr->running || netPtr->real)) {
	TcplabDrain(netPtr);
    }
    Tcl_Release(netPtr);
}

static void
FreePending(
    NetObj *netPtr)
{
    while (netPtr->pending) {
	Pending *p = netPtr->pending;

	netPtr->pending = p->next;
	Tcl_DecrRefCount(p->script);
	ckfree(p);
    }
    netPtr->pendingTail = NULL;
}

/*
 * tcplab::network create ?-seed N?
 */

int
TcplabNetworkCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = { "create", NULL };
    static const char *const opts[] = {
	"-clock", "-eventloop", "-seed", NULL
    };
    enum { OPT_CLOCK, OPT_EVENTLOOP, OPT_SEED };
    int idx, i, real = 0, eventloop = 1;
    Tcl_WideInt seed = 1;
    NetObj *netPtr;

    (void) clientData;
    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "create ?-seed n?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    for (i = 2; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (++i >= objc) {
	    return TcplabMissingArg(interp, opts[idx]);
	}
	switch (idx) {
	case OPT_SEED:
	    if (Tcl_GetWideIntFromObj(interp, objv[i], &seed) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case OPT_EVENTLOOP:
	    if (Tcl_GetBooleanFromObj(interp, objv[i], &eventloop) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case OPT_CLOCK:
	    if (strcmp(Tcl_GetString(objv[i]), "real") == 0) {
		real = 1;
	    } else if (strcmp(Tcl_GetString(objv[i]), "virtual") == 0) {
		real = 0;
	    } else {
		return TcplabError(interp, "VALUE", "CLOCK",
			"bad clock \"%s\": must be virtual or real",
			Tcl_GetString(objv[i]));
	    }
	    break;
	}
    }
    netPtr = ckalloc(sizeof(*netPtr));
    memset(netPtr, 0, sizeof(*netPtr));
    netPtr->net = net_new((uint64_t) seed);
    netPtr->net->user = netPtr;
    netPtr->interp = interp;
    netPtr->instantLimit = TCPLAB_INSTANT_LIMIT;
    netPtr->untilLimit = TCPLAB_UNTIL_LIMIT;
    trace_init(&netPtr->trace.t);
    if (real) {
	TcplabRealInit(netPtr);
    } else {
	netPtr->eventloop = eventloop;
	TcplabLoopInit(netPtr);
    }
    netPtr->name = TcplabNewName(interp, "net");
    Tcl_IncrRefCount(netPtr->name);
    netPtr->cmd = Tcl_CreateObjCommand(interp, Tcl_GetString(netPtr->name),
	    NetObjCmd, netPtr, NetDeleteProc);
    Tcl_SetObjResult(interp, netPtr->name);
    return TCL_OK;
}

/*
 * NetDeleteProc --
 *	The network handle goes: the stack is freed first (its upcalls clear
 *	the handles' pointers), then every host, connection and listener
 *	command is deleted.
 */

static void
NetDeleteProc(
    void *clientData)
{
    NetObj *netPtr = clientData;
    tl_net *net = netPtr->net;
    int i;

    netPtr->cmd = NULL;
    FreePending(netPtr);
    if (!netPtr->real) {
	TcplabLoopFree(netPtr);
    }
    TcplabAfterFreeAll(netPtr);
    TcplabTraceStop(netPtr);
    TcplabCaptureStopAll(netPtr);
    TcplabRecordFree(netPtr);
    TcplabRealFree(netPtr);
    TcplabTapCloseAll(netPtr);
    netPtr->net = NULL;
    net_free(net);
    while (netPtr->conns) {
	ConnObj *c = netPtr->conns;

	c->tcb = NULL;
	if (c->cmd) {
	    Tcl_DeleteCommandFromToken(netPtr->interp, c->cmd);
	} else {
	    netPtr->conns = c->next;
	    if (c->next) {
		c->next->prev = NULL;
	    }
	}
    }
    while (netPtr->listeners) {
	ListenObj *l = netPtr->listeners;

	l->l = NULL;
	if (l->cmd) {
	    Tcl_DeleteCommandFromToken(netPtr->interp, l->cmd);
	} else {
	    netPtr->listeners = l->next;
	}
    }
    while (netPtr->hosts) {
	TcplabHostDelete(netPtr->hosts);
    }
    if (netPtr->cond.reads) {
	ckfree(netPtr->cond.reads);
    }
    memset(&netPtr->cond, 0, sizeof(netPtr->cond));
    for (i = 0; i < TCPS_NSTATES; i++) {
	if (netPtr->stateNames[i]) {
	    Tcl_DecrRefCount(netPtr->stateNames[i]);
	}
    }
    Tcl_DecrRefCount(netPtr->name);
    Tcl_EventuallyFree(netPtr, TCL_DYNAMIC);
}

/* The name of a TCP state (netstat's), one shared object per network. */
Tcl_Obj *
TcplabStateName(
    NetObj *netPtr,
    int state)
{
    Tcl_Obj **slot = &netPtr->stateNames[state];

    if (*slot == NULL) {
	*slot = Tcl_NewStringObj(tcp_statenames[state], -1);
	Tcl_IncrRefCount(*slot);
    }
    return *slot;
}

/* Attaches a link member: "host" (its next address) or {host a.b.c.d/n}. */
static int
Attach(
    NetObj *netPtr,
    Tcl_Interp *interp,
    tl_link *link,
    Tcl_Obj *member)
{
    Tcl_Obj **elems;
    Tcl_Size n;
    HostObj *hostPtr;
    tl_addr addr;
    int prefix;

    if (Tcl_ListObjGetElements(interp, member, &n, &elems) != TCL_OK) {
	return TCL_ERROR;
    }
    if (n < 1 || n > 2) {
	return TcplabError(interp, "VALUE", "MEMBER",
		"expected \"host\" or \"host address/prefix\" but got \"%s\"",
		Tcl_GetString(member));
    }
    hostPtr = TcplabFindHost(netPtr, Tcl_GetString(elems[0]));
    if (hostPtr == NULL) {
	return TcplabError(interp, "LOOKUP", "HOST", "unknown host \"%s\"",
		Tcl_GetString(elems[0]));
    }
    if (n == 2) {
	if (TcplabGetAddrPrefix(interp, elems[1], &addr, &prefix) != TCL_OK) {
	    return TCL_ERROR;
	}
    } else {
	Tcl_Obj *first;
	Tcl_Size left;

	Tcl_ListObjLength(NULL, hostPtr->addrs, &left);
	if (left == 0) {
	    return TcplabError(interp, "VALUE", "ADDRESS",
		    "host \"%s\" has no unattached address: give one as "
		    "{%s a.b.c.d/n}", hostPtr->host->name, hostPtr->host->name);
	}
	Tcl_ListObjIndex(NULL, hostPtr->addrs, 0, &first);
	if (TcplabGetAddrPrefix(interp, first, &addr, &prefix) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (Tcl_IsShared(hostPtr->addrs)) {
	    Tcl_DecrRefCount(hostPtr->addrs);
	    hostPtr->addrs = Tcl_DuplicateObj(hostPtr->addrs);
	    Tcl_IncrRefCount(hostPtr->addrs);
	}
	Tcl_ListObjReplace(NULL, hostPtr->addrs, 0, 1, 0, NULL);
    }
    if (net_find_host_by_addr(netPtr->net, addr)) {
	Tcl_Obj *a = TcplabNewAddr(addr);

	Tcl_IncrRefCount(a);
	TcplabError(interp, "VALUE", "ADDRESS", "address %s is already in use",
		Tcl_GetString(a));
	Tcl_DecrRefCount(a);
	return TCL_ERROR;
    }
    if (net_link_attach(link, hostPtr->host, addr, prefix) != 0) {
	return TcplabError(interp, "LIMIT", "IFACES",
		"host \"%s\" has too many interfaces", hostPtr->host->name);
    }
    return TCL_OK;
}

/*
 * $net lan create name members ?-delay d? ?-rate r? ?-mtu n?
 * $net link create name memberA memberB ?-delay d? ?-rate r? ?-mtu n?
 */

static int
LinkCreate(
    NetObj *netPtr,
    Tcl_Interp *interp,
    int lan,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = { "-delay", "-mtu", "-rate", NULL };
    enum { OPT_DELAY, OPT_MTU, OPT_RATE };
    Tcl_Size first = lan ? 5 : 6, i, n;
    tl_time delay = lan ? 0 : TL_MS;
    uint64_t rate = 0;
    int mtu = 1500, idx;
    Tcl_Obj **members, *pair[2];
    tl_link *link;

    if (objc < first || (objc - first) % 2) {
	Tcl_WrongNumArgs(interp, 3, objv, lan
		? "name members ?-delay d? ?-rate r? ?-mtu n?"
		: "name hostA hostB ?-delay d? ?-rate r? ?-mtu n?");
	return TCL_ERROR;
    }
    for (i = first; i < objc; i += 2) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	switch (idx) {
	case OPT_DELAY:
	    if (TcplabGetDuration(interp, objv[i + 1], &delay) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case OPT_RATE:
	    if (TcplabGetRate(interp, objv[i + 1], &rate) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case OPT_MTU:
	    if (Tcl_GetIntFromObj(interp, objv[i + 1], &mtu) != TCL_OK) {
		return TCL_ERROR;
	    }
	    if (mtu < 68 || mtu > 65535) {
		return TcplabError(interp, "VALUE", "MTU",
			"MTU %d out of range 68-65535", mtu);
	    }
	    break;
	}
    }
    if (net_find_link(netPtr->net, Tcl_GetString(objv[3]))) {
	return TcplabError(interp, "VALUE", "EXISTS",
		"link \"%s\" already exists", Tcl_GetString(objv[3]));
    }
    if (lan) {
	if (Tcl_ListObjGetElements(interp, objv[4], &n, &members) != TCL_OK) {
	    return TCL_ERROR;
	}
    } else {
	pair[0] = objv[4];
	pair[1] = objv[5];
	members = pair;
	n = 2;
    }
    /* Check every member before creating anything. */
    for (i = 0; i < n; i++) {
	Tcl_Obj *h;

	if (Tcl_ListObjIndex(interp, members[i], 0, &h) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (h == NULL || TcplabFindHost(netPtr, Tcl_GetString(h)) == NULL) {
	    return TcplabError(interp, "LOOKUP", "HOST", "unknown host \"%s\"",
		    h ? Tcl_GetString(h) : "");
	}
    }
    link = net_link_new(netPtr->net, Tcl_GetString(objv[3]),
	    lan ? LINK_LAN : LINK_P2P, delay, rate, (uint32_t) mtu);
    for (i = 0; i < n; i++) {
	if (Attach(netPtr, interp, link, members[i]) != TCL_OK) {
	    return TCL_ERROR;
	}
    }
    Tcl_SetObjResult(interp, objv[3]);
    return TCL_OK;
}

/*
 * TcplabUntil --
 *	Evaluates a -until condition, noting what it reads (CondWatch in
 *	tcplabInt.h): the states of connections, the clock, or anything else.
 */

int
TcplabUntil(
    NetObj *netPtr,
    Tcl_Obj *cond,
    int *okPtr)
{
    CondWatch *w = &netPtr->cond;
    int b, code, on = w->on;

    *okPtr = 0;			/* Also when the network went meanwhile. */
    w->on = 1;
    w->any = w->clock = 0;
    w->n = 0;
    w->gen = netPtr->scriptGen;
    code = Tcl_ExprBooleanObj(netPtr->interp, cond, &b);
    w->on = on;
    w->skipped = 0;
    if (netPtr->net == NULL || code != TCL_OK) {
	w->valid = 0;
	return code == TCL_OK ? TCL_OK : TCL_ERROR;
    }
    /* What the condition did itself (a script it ran) it saw. */
    w->gen = netPtr->scriptGen;
    w->at = net_now(netPtr->net);
    w->valid = 1;
    *okPtr = b;
    return TCL_OK;
}

/* `$c state` answered state: a condition being evaluated depends on it. */
void
TcplabCondState(
    ConnObj *c,
    int state)
{
    CondWatch *w = &c->netPtr->cond;

    if (!w->on || w->any) {
	return;
    }
    if (w->n == w->cap) {
	w->cap = w->cap ? 2 * w->cap : 8;
	w->reads = ckrealloc(w->reads, w->cap * sizeof(*w->reads));
    }
    w->reads[w->n].conn = c;
    w->reads[w->n].state = state;
    w->n++;
}

/*
 * CondUnchanged --
 *	Whether the condition would give the value it gave last time: nothing
 *	it read has changed. A condition is evaluated at least once every
 *	CONDRECHECK events all the same, so one that reads what no event
 *	changes (a channel of the system, a clock of the wall) is still seen
 *	to come true.
 */

#define CONDRECHECK	1024

int
TcplabCondUnchanged(
    NetObj *netPtr)
{
    CondWatch *w = &netPtr->cond;
    Tcl_Size i;

    if (!w->valid || w->any || w->gen != netPtr->scriptGen
	    || netPtr->net == NULL || (w->clock && w->at != net_now(netPtr->net))
	    || ++w->skipped >= CONDRECHECK) {
	return 0;
    }
    for (i = 0; i < w->n; i++) {
	if (TcplabConnState(w->reads[i].conn) != w->reads[i].state) {
	    return 0;
	}
    }
    return 1;
}

/*
 * What a run that stopped at one instant was doing: the frames put on a
 * wire during the last events before the limit (InstantSample of them),
 * so that the error can name the hosts and connections.
 */

#define INSTANT_SAMPLE	1000
#define INSTANT_FLOWS	8

typedef struct InstantFlow {
    tl_host *from, *to;		/* Sending and receiving hosts. */
    int tcp;			/* A TCP segment: the addresses and ports. */
    tl_addr src, dst;
    uint16_t sport, dport;
} InstantFlow;

typedef struct InstantWatch {
    int on;			/* Observing. */
    int nflows;
    InstantFlow flows[INSTANT_FLOWS];
} InstantWatch;

static void
InstantTap(
    void *arg,
    const tl_obsinfo *info)
{
    InstantWatch *w = arg;
    InstantFlow f;
    tl_seginfo s;
    int i;

    if (info->kind != OBS_SEND) {
	return;
    }
    memset(&f, 0, sizeof(f));
    f.from = info->from->host;
    f.to = info->to ? info->to->host : NULL;
    if (trace_segment(info, &s)) {
	f.tcp = 1;
	f.src = s.ip.src;
	f.dst = s.ip.dst;
	f.sport = s.th.sport;
	f.dport = s.th.dport;
    }
    for (i = 0; i < w->nflows; i++) {
	if (memcmp(&w->flows[i], &f, sizeof(f)) == 0) {
	    return;
	}
    }
    if (w->nflows < INSTANT_FLOWS) {
	w->flows[w->nflows++] = f;
    }
}

static void
InstantWatchStop(
    NetObj *netPtr,
    InstantWatch *w)
{
    if (w->on && netPtr->net) {
	net_observer_remove(netPtr->net, InstantTap, w);
    }
    w->on = 0;
}

/* Appends name to list unless it is there already. */
static void
AppendOnce(
    Tcl_Obj *list,
    Tcl_Obj *name)
{
    Tcl_Obj **v;
    Tcl_Size n, i;

    Tcl_ListObjGetElements(NULL, list, &n, &v);
    for (i = 0; i < n; i++) {
	if (strcmp(Tcl_GetString(v[i]), Tcl_GetString(name)) == 0) {
	    Tcl_DecrRefCount(name);
	    return;
	}
    }
    Tcl_ListObjAppendElement(NULL, list, name);
}

/*
 * InstantError --
 *	The run did -instantlimit events without the clock moving: an error
 *	naming the hosts, the segments and the connections (their handles,
 *	where the script has one) seen in the last events, with the code
 *	{TCPLAB LIMIT INSTANT hosts connections}.
 */

static void
InstantError(
    NetObj *netPtr,
    const InstantWatch *w)
{
    Tcl_Interp *interp = netPtr->interp;
    Tcl_Obj *hosts = Tcl_NewListObj(0, NULL), *conns = Tcl_NewListObj(0, NULL);
    Tcl_Obj *msg, *segs = Tcl_NewObj(), *code;
    ConnObj *c;
    char t[40];
    int i;

    for (i = 0; i < w->nflows; i++) {
	const InstantFlow *f = &w->flows[i];

	AppendOnce(hosts, Tcl_NewStringObj(f->from->name, -1));
	if (f->to) {
	    AppendOnce(hosts, Tcl_NewStringObj(f->to->name, -1));
	}
	if (!f->tcp) {
	    continue;
	}
	Tcl_AppendPrintfToObj(segs, "%s%s.%u > %s.%u", i ? ", " : "",
		f->from->name, f->sport, f->to ? f->to->name : "?", f->dport);
	for (c = netPtr->conns; c; c = c->next) {
	    tl_tcb *tp = c->tcb;

	    if (tp && ((tp->host == f->from && tp->laddr == f->src
		    && tp->lport == f->sport && tp->raddr == f->dst
		    && tp->rport == f->dport) || (tp->host == f->to
		    && tp->laddr == f->dst && tp->lport == f->dport
		    && tp->raddr == f->src && tp->rport == f->sport))) {
		AppendOnce(conns, Tcl_DuplicateObj(c->name));
	    }
	}
    }
    if (w->nflows == 0) {
	/* No frame on a link: a host busy with itself, through its
	 * loopback, which no observer sees. */
	for (c = netPtr->conns; c; c = c->next) {
	    tl_tcb *tp = c->tcb;

	    if (tp && tp->state != TCPS_CLOSED
		    && host_is_self(tp->host, tp->raddr)) {
		AppendOnce(hosts, Tcl_NewStringObj(tp->host->name, -1));
		AppendOnce(conns, Tcl_DuplicateObj(c->name));
	    }
	}
	if (Tcl_GetCharLength(hosts)) {
	    Tcl_AppendToObj(segs, "(the loopback)", -1);
	}
    }
    msg = Tcl_ObjPrintf("network %s: %" TCL_LL_MODIFIER "d events at %s s "
	    "without the clock advancing (-instantlimit); hosts {%s}",
	    Tcl_GetString(netPtr->name), (long long) netPtr->net->clock.instant,
	    TcplabFormatTime(net_now(netPtr->net), t, sizeof(t)),
	    Tcl_GetString(hosts));
    Tcl_AppendPrintfToObj(msg, ", segments {%s}, connections {%s}",
	    Tcl_GetString(segs), Tcl_GetString(conns));
    Tcl_DecrRefCount(segs);
    Tcl_SetObjResult(interp, msg);
    code = Tcl_NewListObj(0, NULL);
    Tcl_ListObjAppendElement(NULL, code, Tcl_NewStringObj("TCPLAB", -1));
    Tcl_ListObjAppendElement(NULL, code, Tcl_NewStringObj("LIMIT", -1));
    Tcl_ListObjAppendElement(NULL, code, Tcl_NewStringObj("INSTANT", -1));
    Tcl_ListObjAppendElement(NULL, code, hosts);
    Tcl_ListObjAppendElement(NULL, code, conns);
    Tcl_SetObjErrorCode(interp, code);
}

/*
 * InstantCheck --
 *	After each event of a run: watch the frames of the last
 *	INSTANT_SAMPLE events before -instantlimit, and stop the run there.
 * Results:
 *	1 when the limit is reached (the error is in the interpreter).
 */

static inline int
InstantCheck(
    NetObj *netPtr,
    InstantWatch *w)
{
    uint64_t n = netPtr->net->clock.instant;
    uint64_t limit = (uint64_t) netPtr->instantLimit;

    if (n + INSTANT_SAMPLE < limit) {
	if (w->on) {
	    InstantWatchStop(netPtr, w);	/* Time moved on. */
	}
	return 0;
    }
    if (!w->on && n < limit) {
	w->on = 1;
	w->nflows = 0;
	net_observer_add(netPtr->net, InstantTap, w);
    }
    if (n < limit) {
	return 0;
    }
    InstantError(netPtr, w);
    return 1;
}

/*
 * TcplabStepInstant --
 *	Runs every event due at the next time of the clock, for a network
 *	that Tcl's event loop moves (tclLoop.c), but no more than
 *	-instantlimit of them.
 * Results:
 *	TCL_OK, or TCL_ERROR with {TCPLAB LIMIT INSTANT ...} in the
 *	interpreter when the limit stopped it.
 */

int
TcplabStepInstant(
    NetObj *netPtr)
{
    tl_clock *c = &netPtr->net->clock;
    tl_time t = clock_next(c);
    InstantWatch w;
    int code = TCL_OK;

    w.on = 0;
    w.nflows = 0;
    c->instant = 0;
    while (netPtr->net && clock_next(c) == t && clock_step(c)) {
	if (netPtr->net && InstantCheck(netPtr, &w)) {
	    code = TCL_ERROR;
	    break;
	}
    }
    InstantWatchStop(netPtr, &w);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * RunLoop --
 *
 *	Steps the clock until cond(arg) is true, the next event is past end
 *	(the clock then moves to end), or nothing is left to happen. Queued
 *	scripts run between events. Two limits end a run that would go on
 *	forever: -instantlimit events at one instant, and ceiling, a time
 *	that may not be passed while events remain.
 *
 * Results:
 *	1 if the condition came true, 0 if not, -1 with an error in the
 *	interpreter when a limit was reached.
 *
 *----------------------------------------------------------------------
 */

static int
RunLoop(
    NetObj *netPtr,
    int (*cond)(void *arg),
    void *arg,
    tl_time end,		/* Give up at this time. */
    tl_time ceiling)		/* An error to pass this time (TL_NEVER: no
				 * ceiling). */
{
    tl_net *net = netPtr->net;
    InstantWatch w;
    tl_event *ev;
    tl_time next;
    char t[40];
    int ok;

    w.on = 0;
    w.nflows = 0;
    Tcl_Preserve(netPtr);
    netPtr->running = 1;
    /* The limit counts the events of this run at one instant. */
    net->clock.instant = 0;
    if (netPtr->pending) {
	TcplabDrain(netPtr);
    }
    while (!(ok = cond(arg)) && netPtr->net
	    && (next = (ev = clock_first(&net->clock)) ? ev->when : TL_NEVER)
		<= end) {
	if (next >= TL_END) {
	    /* Idle, or what is left waits past the end of the range. */
	    if (net->clock.n && end == TL_NEVER) {
		TcplabError(netPtr->interp, "LIMIT", "CLOCK", "network %s: "
			"the virtual clock reached the end of its range (about "
			"292 years) with events still to come",
			Tcl_GetString(netPtr->name));
		ok = -1;
	    }
	    break;
	}
	if (next > ceiling) {
	    net->clock.now = ceiling;
	    TcplabError(netPtr->interp, "LIMIT", "UNTIL", "network %s: "
		    "condition still false after %s s of virtual time and "
		    "events still to come (-untillimit; give run -until a "
		    "-timeout to wait longer)", Tcl_GetString(netPtr->name),
		    TcplabFormatTime(netPtr->untilLimit, t, sizeof(t)));
	    ok = -1;
	    break;
	}
	if (!clock_run(&net->clock, ev)) {
	    break;
	}
	if (netPtr->net && InstantCheck(netPtr, &w)) {
	    ok = -1;
	    break;
	}
	if (netPtr->pending) {
	    TcplabDrain(netPtr);
	}
    }
    InstantWatchStop(netPtr, &w);
    if (netPtr->net) {
	netPtr->running = 0;
	if (!ok && end != TL_NEVER && net->clock.now < end) {
	    net->clock.now = end;
	}
    }
    Tcl_Release(netPtr);
    return ok;
}

/*
 *----------------------------------------------------------------------
 *
 * TcplabRunUntil --
 *
 *	Runs a virtual-time network, as `$net run -until` does, until
 *	cond(arg) is true, the clock passes end (TL_NEVER: no end) or nothing
 *	is left to happen. Without an end, the run may not go on past
 *	-untillimit of virtual time while events remain. A network on real
 *	time, or one already running (a callback of `$net run`), is not run:
 *	the condition is only tested.
 *
 * Results:
 *	1 if the condition came true, 0 if not, -1 with an error in the
 *	interpreter ({TCPLAB LIMIT ...}) when the run was stopped by
 *	-instantlimit or -untillimit.
 *
 * Side effects:
 *	Time passes: the clock ends at end when the condition stayed false.
 *
 *----------------------------------------------------------------------
 */

int
TcplabRunUntil(
    NetObj *netPtr,		/* The network to run. */
    int (*cond)(void *arg),	/* Stop when this returns nonzero. */
    void *arg,			/* Its argument. */
    tl_time end)		/* Give up at this time. */
{
    tl_time ceiling = TL_NEVER;

    if (netPtr->net == NULL || netPtr->running || netPtr->real) {
	return cond(arg);
    }
    if (end == TL_NEVER) {
	/* Saturated: the last instant of the clock's range. */
	ceiling = TL_MIN(tl_time_add(net_now(netPtr->net),
		netPtr->untilLimit), TL_END - 1);
    }
    return RunLoop(netPtr, cond, arg, end, ceiling);
}

/* A Tcl expression as a TcplabRunUntil condition. */
typedef struct {
    NetObj *netPtr;
    Tcl_Obj *cond;
    int code;
    RunWatch *watch;		/* Progress and Ctrl-C (tclLoop.c). */
    int last;			/* The condition's last value. */
} ExprCond;

static int
ExprTrue(
    void *arg)
{
    ExprCond *e = arg;
    int ok;

    if (e->watch && TcplabWatchTick(e->watch, e->last)) {
	return 1;
    }
    if (e->cond == NULL) {
	return 0;
    }
    if (TcplabCondUnchanged(e->netPtr)) {
	return e->last;
    }
    if (TcplabUntil(e->netPtr, e->cond, &ok) != TCL_OK) {
	e->code = TCL_ERROR;
	return 1;
    }
    e->last = ok;
    return ok;
}

/*
 * RunEnd --
 *	The time a run of duration d from now ends: an error
 *	{TCPLAB LIMIT CLOCK} when that is past the end of the clock's range.
 */

static int
RunEnd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    tl_time d,
    tl_time *endPtr)
{
    tl_time now = net_now(netPtr->net);
    char a[40], b[40], c[40];

    *endPtr = tl_time_add(now, d);
    if (*endPtr >= TL_END) {
	return TcplabError(interp, "LIMIT", "CLOCK", "can't run %s s from "
		"%s s: the virtual clock ends at %s s (about 292 years)",
		TcplabFormatTime(d, a, sizeof(a)),
		TcplabFormatTime(now, b, sizeof(b)),
		TcplabFormatTime(TL_END, c, sizeof(c)));
    }
    return TCL_OK;
}

/*
 * $net run duration ?-progress mode?
 * $net run -until condition ?-timeout duration? ?-progress mode?
 *	Runs the clock. With -until, stops as soon as the condition is true
 *	(checked after the events that may have changed what it read:
 *	TcplabCondUnchanged) and returns 1; returns 0 when the timeout
 *	passes or nothing is left to happen. -progress (default
 *	::tcplab::progress) shows a progress line; Ctrl-C stops the run with
 *	the error {TCPLAB INTERRUPTED} (tclLoop.c).
 */

static int
Run(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-progress", "-timeout", "-until", NULL
    };
    enum { OPT_PROGRESS, OPT_TIMEOUT, OPT_UNTIL };
    tl_time end = TL_NEVER, d;
    Tcl_Obj *cond = NULL, *progress = NULL;
    int ok = 0, code = TCL_OK, duration = 0, timeout = 0;
    Tcl_Size i = 2;
    RunWatch watch;

    if (objc > 2 && (objc % 2 == 0) == !(Tcl_GetString(objv[2])[0] == '-'
	    && isalpha((unsigned char) Tcl_GetString(objv[2])[1]))) {
	/* A duration and an option without its value (-progress alone),
	 * or options one value short (-until alone): the usage, not "bad
	 * option" about the duration or a duration made of "-until". */
	Tcl_WrongNumArgs(interp, 2, objv, "duration ?-progress mode? | "
		"-until condition ?-timeout duration? ?-progress mode?");
	return TCL_ERROR;
    }
    if (objc % 2 == 1) {		/* duration ?-progress mode? */
	if (TcplabGetDuration(interp, objv[2], &d) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (RunEnd(netPtr, interp, d, &end) != TCL_OK) {
	    return TCL_ERROR;
	}
	duration = 1;
	i = 3;
    }
    for (; i < objc; i += 2) {
	int idx;

	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (i + 1 >= objc) {
	    return TcplabMissingArg(interp, opts[idx]);
	}
	switch (idx) {
	case OPT_TIMEOUT:
	    if (TcplabGetDuration(interp, objv[i + 1], &d) != TCL_OK) {
		return TCL_ERROR;
	    }
	    if (RunEnd(netPtr, interp, d, &end) != TCL_OK) {
		return TCL_ERROR;
	    }
	    timeout = 1;
	    break;
	case OPT_UNTIL:
	    cond = objv[i + 1];
	    break;
	case OPT_PROGRESS:
	    progress = objv[i + 1];
	    break;
	}
    }
    if (duration == (cond != NULL) || (duration && timeout)) {
	Tcl_WrongNumArgs(interp, 2, objv, "duration ?-progress mode? | "
		"-until condition ?-timeout duration? ?-progress mode?");
	return TCL_ERROR;
    }
    if (netPtr->running) {
	return TcplabError(interp, "STATE", "RUNNING",
		"network is already running");
    }
    if (cond) {
	Tcl_IncrRefCount(cond);
	TcplabDrain(netPtr);
	if (TcplabUntil(netPtr, cond, &ok) != TCL_OK) {
	    Tcl_DecrRefCount(cond);
	    return TCL_ERROR;
	}
	if (ok) {
	    Tcl_DecrRefCount(cond);
	    Tcl_SetObjResult(interp, Tcl_NewIntObj(1));
	    return TCL_OK;
	}
    }
    if (TcplabWatchBegin(netPtr, interp, progress, cond, &watch) != TCL_OK) {
	if (cond) {
	    Tcl_DecrRefCount(cond);
	}
	return TCL_ERROR;
    }
    if (netPtr->real) {
	/* Real time: serve the event loop until the end or the condition. */
	code = TcplabRealRun(netPtr, interp, end, cond, &ok);
    } else {
	ExprCond e;

	e.netPtr = netPtr;
	e.cond = cond;
	e.code = TCL_OK;
	e.watch = &watch;
	e.last = 0;
	ok = TcplabRunUntil(netPtr, ExprTrue, &e, end);
	code = e.code;
	if (ok < 0) {
	    /* A limit stopped the run: its error is in the interpreter. */
	    code = TCL_ERROR;
	    ok = 0;
	}
	if (watch.interrupted) {
	    ok = 0;
	}
    }
    watch.condState = ok;
    code = TcplabWatchEnd(&watch, interp, code);
    if (cond) {
	Tcl_DecrRefCount(cond);
    }
    if (code != TCL_OK) {
	return code;
    }
    if (cond) {
	Tcl_SetObjResult(interp, Tcl_NewIntObj(ok));
    }
    return TCL_OK;
}

/*
 * $net configure ?-option? ?value -option value ...?
 *	The network's limits: -instantlimit n, the events that may run at one
 *	instant of virtual time (a run that does more stops with an error),
 *	and -untillimit duration, how far `run -until` without -timeout may
 *	take the clock while events remain.
 */

static int
NetConfigure(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = { "-instantlimit", "-untillimit", NULL };
    enum { C_INSTANT, C_UNTIL };
    Tcl_WideInt n;
    tl_time d;
    Tcl_Size i;
    int idx;

    if (objc == 2) {
	Tcl_Obj *dict = Tcl_NewDictObj();

	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj(opts[C_INSTANT], -1),
		Tcl_NewWideIntObj(netPtr->instantLimit));
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj(opts[C_UNTIL], -1),
		TcplabNewTime(netPtr->untilLimit));
	Tcl_SetObjResult(interp, dict);
	return TCL_OK;
    }
    if (objc == 3) {
	if (Tcl_GetIndexFromObj(interp, objv[2], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, idx == C_INSTANT
		? Tcl_NewWideIntObj(netPtr->instantLimit)
		: TcplabNewTime(netPtr->untilLimit));
	return TCL_OK;
    }
    if (objc % 2) {
	Tcl_WrongNumArgs(interp, 2, objv, "?-option? ?value -option value ...?");
	return TCL_ERROR;
    }
    for (i = 2; i < objc; i += 2) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (idx == C_INSTANT) {
	    if (Tcl_GetWideIntFromObj(NULL, objv[i + 1], &n) != TCL_OK
		    || n < 1) {
		return TcplabError(interp, "VALUE", "LIMIT",
			"expected a positive number of events but got \"%s\"",
			Tcl_GetString(objv[i + 1]));
	    }
	} else if (TcplabGetDuration(interp, objv[i + 1], &d) != TCL_OK) {
	    return TCL_ERROR;
	} else if (d <= 0) {
	    return TcplabError(interp, "VALUE", "LIMIT",
		    "expected a duration above 0 but got \"%s\"",
		    Tcl_GetString(objv[i + 1]));
	}
    }
    for (i = 2; i < objc; i += 2) {
	Tcl_GetIndexFromObj(NULL, objv[i], opts, "option", TCL_EXACT, &idx);
	if (idx == C_INSTANT) {
	    Tcl_GetWideIntFromObj(NULL, objv[i + 1], &netPtr->instantLimit);
	} else {
	    TcplabGetDuration(NULL, objv[i + 1], &netPtr->untilLimit);
	}
    }
    return TCL_OK;
}

/* $net crash host | boot host | cable host unplug|plug */
static int
HostOp(
    NetObj *netPtr,
    Tcl_Interp *interp,
    int op,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    HostObj *hostPtr;
    int i, plug = 0;

    if (objc != (op == 2 ? 4 : 3)) {
	Tcl_WrongNumArgs(interp, 2, objv, op == 2 ? "host unplug|plug" : "host");
	return TCL_ERROR;
    }
    hostPtr = TcplabFindHost(netPtr, Tcl_GetString(objv[2]));
    if (hostPtr == NULL) {
	return TcplabError(interp, "LOOKUP", "HOST", "unknown host \"%s\"",
		Tcl_GetString(objv[2]));
    }
    switch (op) {
    case 0:
	host_crash(hostPtr->host);
	break;
    case 1:
	host_boot(hostPtr->host);
	break;
    default: {
	static const char *const how[] = { "plug", "unplug", NULL };

	if (Tcl_GetIndexFromObj(interp, objv[3], how, "action", 0, &plug)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	for (i = 0; i < hostPtr->host->nifaces; i++) {
	    hostPtr->host->ifaces[i]->plugged = !plug;
	}
    }
    }
    TcplabDrain(netPtr);
    return TCL_OK;
}

static int
NetObjCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = {
	"after", "boot", "cable", "configure", "crash", "destroy", "filter",
	"host", "hosts", "lan", "link", "links", "now", "record", "run", "tap",
	"trace", NULL
    };
    enum {
	N_AFTER, N_BOOT, N_CABLE, N_CONFIGURE, N_CRASH, N_DESTROY, N_FILTER,
	N_HOST, N_HOSTS, N_LAN, N_LINK, N_LINKS, N_NOW, N_RECORD, N_RUN, N_TAP,
	N_TRACE
    };
    NetObj *netPtr = clientData;
    int idx;

    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    TcplabClockSync(netPtr);
    if (idx != N_NOW) {
	TcplabCondAny(netPtr);
    }
    switch (idx) {
    case N_AFTER:
	return TcplabAfterCmd(netPtr, interp, objc, objv);
    case N_BOOT:
	return HostOp(netPtr, interp, 1, objc, objv);
    case N_CABLE:
	return HostOp(netPtr, interp, 2, objc, objv);
    case N_CONFIGURE:
	return NetConfigure(netPtr, interp, objc, objv);
    case N_CRASH:
	return HostOp(netPtr, interp, 0, objc, objv);
    case N_DESTROY:
	if (objc != 2) {
	    Tcl_WrongNumArgs(interp, 2, objv, NULL);
	    return TCL_ERROR;
	}
	if (netPtr->running) {
	    return TcplabError(interp, "STATE", "RUNNING",
		    "can't destroy a network while it runs");
	}
	Tcl_DeleteCommandFromToken(interp, netPtr->cmd);
	return TCL_OK;
    case N_HOST: {
	static const char *const hsubs[] = { "create", NULL };
	int h;

	if (objc < 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "create name ?-option value ...?");
	    return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[2], hsubs, "subcommand", 0, &h)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	return TcplabHostCreate(netPtr, interp, objc, objv);
    }
    case N_HOSTS: {
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);
	int i;

	for (i = 0; i < netPtr->net->nhosts; i++) {
	    Tcl_ListObjAppendElement(NULL, list,
		    Tcl_NewStringObj(netPtr->net->hosts[i]->name, -1));
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }
    case N_LAN:
    case N_LINK: {
	static const char *const lsubs[] = { "create", NULL };
	int l;

	if (objc < 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "create name ...");
	    return TCL_ERROR;
	}
	if (Tcl_GetIndexFromObj(interp, objv[2], lsubs, "subcommand", 0, &l)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	return LinkCreate(netPtr, interp, idx == N_LAN, objc, objv);
    }
    case N_LINKS: {
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);
	tl_link *l;

	for (l = netPtr->net->links; l; l = l->next) {
	    Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj(l->name, -1));
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }
    case N_NOW:
	if (objc != 2) {
	    Tcl_WrongNumArgs(interp, 2, objv, NULL);
	    return TCL_ERROR;
	}
	if (netPtr->cond.on) {
	    netPtr->cond.clock = 1;
	}
	Tcl_SetObjResult(interp, TcplabNewTime(net_now(netPtr->net)));
	return TCL_OK;
    case N_RECORD:
	return TcplabRecordCmd(netPtr, interp, objc, objv);
    case N_RUN:
	return Run(netPtr, interp, objc, objv);
    case N_TAP:
	return TcplabTapCmd(netPtr, interp, objc, objv);
    case N_TRACE:
	return TcplabTraceCmd(netPtr, interp, objc, objv);
    case N_FILTER:
	return TcplabFilterCmd(netPtr, interp, objc, objv);
    }
    return TCL_OK;
}
