/*
 * tclHost.c --
 *
 *	Host commands: `$net host create name ...` makes a command named after
 *	the host (svr4 connect bsdi discard), as Tk names widgets.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "tcplabInt.h"

static Tcl_ObjCmdProc HostObjCmd;
static Tcl_CmdDeleteProc HostDeleteProc;

static const char *const serviceNames[] = { "discard", "echo", NULL };
static const int serviceIds[] = { SVC_DISCARD, SVC_ECHO };

/*
 * $net host create name ?-addr {a.b.c.d/n ...}? ?-profile name?
 *	?-services {discard echo}? ?-gateway a.b.c.d? ?-forward bool?
 *	?-uptime duration?
 */

int
TcplabHostCreate(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-addr", "-forward", "-gateway", "-profile", "-services", "-uptime",
	NULL
    };
    enum { O_ADDR, O_FORWARD, O_GATEWAY, O_PROFILE, O_SERVICES, O_UPTIME };
    tl_time uptime = -1;
    const char *profile = "bsd44", *name;
    Tcl_Obj *addrs = NULL, *services = NULL, *cmdName;
    tl_addr gateway = 0;
    int forward = 0, idx;
    Tcl_Size i, n;
    Tcl_CmdInfo info;
    HostObj *hostPtr, **pp;
    tl_tunables probe;

    if (objc < 4) {
	Tcl_WrongNumArgs(interp, 3, objv, "name ?-option value ...?");
	return TCL_ERROR;
    }
    name = Tcl_GetString(objv[3]);
    for (i = 4; i < objc; i += 2) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK || (i + 1 >= objc
		&& TcplabMissingArg(interp, opts[idx]) != TCL_OK)) {
	    return TCL_ERROR;
	}
	switch (idx) {
	case O_ADDR: {
	    Tcl_Obj **v;
	    Tcl_Size k;
	    tl_addr a;
	    int p;

	    if (Tcl_ListObjGetElements(interp, objv[i + 1], &n, &v) != TCL_OK) {
		return TCL_ERROR;
	    }
	    for (k = 0; k < n; k++) {
		if (TcplabGetAddrPrefix(interp, v[k], &a, &p) != TCL_OK) {
		    return TCL_ERROR;
		}
	    }
	    addrs = objv[i + 1];
	    break;
	}
	case O_FORWARD:
	    if (Tcl_GetBooleanFromObj(interp, objv[i + 1], &forward) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case O_GATEWAY:
	    if (!TcplabParseAddr(Tcl_GetString(objv[i + 1]), &gateway)) {
		return TcplabError(interp, "VALUE", "ADDRESS",
			"expected IPv4 address but got \"%s\"",
			Tcl_GetString(objv[i + 1]));
	    }
	    break;
	case O_PROFILE:
	    profile = Tcl_GetString(objv[i + 1]);
	    if (!profile_load(&probe, profile)) {
		return TcplabProfileError(interp, objv[i + 1]);
	    }
	    break;
	case O_SERVICES: {
	    Tcl_Obj **v;
	    Tcl_Size k;
	    int s;

	    if (Tcl_ListObjGetElements(interp, objv[i + 1], &n, &v) != TCL_OK) {
		return TCL_ERROR;
	    }
	    for (k = 0; k < n; k++) {
		if (Tcl_GetIndexFromObj(interp, v[k], serviceNames, "service",
			0, &s) != TCL_OK) {
		    return TCL_ERROR;
		}
	    }
	    services = objv[i + 1];
	    break;
	}
	case O_UPTIME:
	    if (TcplabGetDuration(interp, objv[i + 1], &uptime) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	}
    }
    if (net_find_host(netPtr->net, name)) {
	return TcplabError(interp, "VALUE", "EXISTS",
		"host \"%s\" already exists", name);
    }
    cmdName = name[0] == ':' && name[1] == ':' ? Tcl_NewStringObj(name, -1)
	    : Tcl_ObjPrintf("::%s", name);
    Tcl_IncrRefCount(cmdName);
    if (Tcl_GetCommandInfo(interp, Tcl_GetString(cmdName), &info)) {
	Tcl_DecrRefCount(cmdName);
	return TcplabError(interp, "VALUE", "EXISTS",
		"can't create host \"%s\": a command of that name exists", name);
    }
    hostPtr = ckalloc(sizeof(*hostPtr));
    memset(hostPtr, 0, sizeof(*hostPtr));
    hostPtr->netPtr = netPtr;
    hostPtr->host = host_new(netPtr->net, name, profile);
    /* Its TCP's sockets are ours. */
    hostPtr->host->tcp.up = &TcplabUpcalls;
    hostPtr->host->tcp.upArg = netPtr;
    hostPtr->host->tcp.events = &netPtr->events;
    hostPtr->host->gateway = gateway;
    hostPtr->host->forwarding = forward;
    if (uptime >= 0) {
	host_set_uptime(hostPtr->host, uptime);
    }
    hostPtr->name = cmdName;
    hostPtr->addrs = addrs ? addrs : Tcl_NewListObj(0, NULL);
    Tcl_IncrRefCount(hostPtr->addrs);
    for (pp = &netPtr->hosts; *pp; pp = &(*pp)->next) {
    }
    *pp = hostPtr;
    if (services) {
	Tcl_Obj **v;
	Tcl_Size k;
	int svc;

	Tcl_ListObjGetElements(NULL, services, &n, &v);
	for (k = 0; k < n; k++) {
	    Tcl_GetIndexFromObj(NULL, v[k], serviceNames, "service", 0, &svc);
	    hostPtr->host->services |= 1 << serviceIds[svc];
	}
	host_start_services(hostPtr->host);
    }
    hostPtr->cmd = Tcl_CreateObjCommand(interp, Tcl_GetString(cmdName),
	    HostObjCmd, hostPtr, HostDeleteProc);
    Tcl_SetObjResult(interp, cmdName);
    return TCL_OK;
}

static void
HostDeleteProc(
    void *clientData)
{
    HostObj *hostPtr = clientData;

    hostPtr->cmd = NULL;
    if (hostPtr->netPtr && hostPtr->netPtr->net) {
	/* Deleting the command alone does not remove a host from a live
	 * network; the handle only goes with the network. */
    }
}

/* Removes a host handle; called as the network goes. */
void
TcplabHostDelete(
    HostObj *hostPtr)
{
    NetObj *netPtr = hostPtr->netPtr;
    HostObj **pp;

    for (pp = &netPtr->hosts; *pp; pp = &(*pp)->next) {
	if (*pp == hostPtr) {
	    *pp = hostPtr->next;
	    break;
	}
    }
    if (hostPtr->cmd) {
	Tcl_Command cmd = hostPtr->cmd;

	hostPtr->cmd = NULL;
	Tcl_DeleteCommandFromToken(netPtr->interp, cmd);
    }
    Tcl_DecrRefCount(hostPtr->name);
    Tcl_DecrRefCount(hostPtr->addrs);
    ckfree(hostPtr);
}

/*
 * Options shared by connect and listen: one row per option, saying
 * whether it takes a value (BOOL: an optional boolean, so both "-nodelay"
 * and "-nodelay 1" read as TCP_NODELAY on) and where it applies.
 */

enum { V_NONE, V_ONE, V_BOOL };
enum {
    O_ACCEPT, O_BACKLOG, O_BIND, O_CHANNEL, O_DATA, O_FASTOPEN, O_ISN,
    O_KEEPALIVE, O_KEEPCNT, O_KEEPIDLE, O_KEEPINTVL, O_LINGER, O_MSS,
    O_MYADDR, O_NODELAY, O_NONBLOCK, O_RCVBUF, O_REUSEADDR, O_SNDBUF,
    O_SOCKOPT
};
static const struct OpenOpt {
    const char *name;
    int value;			/* V_NONE, V_ONE or V_BOOL. */
    int forListen, forConnect;
} openOpts[] = {
    {"-accept",	    V_ONE,  1, 0},
    {"-backlog",    V_ONE,  1, 0},
    {"-bind",	    V_ONE,  0, 1},
    {"-channel",    V_NONE, 1, 1},
    {"-data",	    V_ONE,  0, 1},
    {"-fastopen",   V_BOOL, 0, 1},
    {"-isn",	    V_ONE,  0, 1},
    {"-keepalive",  V_BOOL, 1, 1},
    {"-keepcnt",    V_ONE,  1, 1},
    {"-keepidle",   V_ONE,  1, 1},
    {"-keepintvl",  V_ONE,  1, 1},
    {"-linger",	    V_ONE,  1, 1},
    {"-mss",	    V_ONE,  1, 1},
    {"-myaddr",	    V_ONE,  1, 1},
    {"-nodelay",    V_BOOL, 1, 1},
    {"-nonblock",   V_NONE, 0, 1},
    {"-rcvbuf",	    V_ONE,  1, 1},
    {"-reuseaddr",  V_BOOL, 1, 1},
    {"-sndbuf",	    V_ONE,  1, 1},
    {"-sockopt",    V_ONE,  1, 1},
    {NULL, 0, 0, 0}
};

static int
OpenOptions(
    HostObj *hostPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[],
    Tcl_Size first,
    int listen,
    tl_openopts *o,
    int *backlogPtr,
    Tcl_Obj **acceptPtr,
    int *channelPtr,
    Tcl_Obj **dataPtr,
    int *nonblockPtr)
{
    Tcl_Size i;
    int idx, b;
    Tcl_WideInt w;
    const struct OpenOpt *op;

    so_opts_init(o);
    for (i = first; i < objc; i++) {
	if (Tcl_GetIndexFromObjStruct(interp, objv[i], openOpts,
		sizeof(openOpts[0]), "option", TCL_EXACT, &idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	op = &openOpts[idx];
	if (!(listen ? op->forListen : op->forConnect)) {
	    return TcplabError(interp, "VALUE", "OPTION",
		    "option %s does not apply to %s", op->name,
		    listen ? "listen" : "connect");
	}
	b = 1;
	if (op->value == V_ONE) {
	    if (i + 1 >= objc) {
		return TcplabMissingArg(interp, op->name);
	    }
	    i++;
	} else if (op->value == V_BOOL && i + 1 < objc
		&& Tcl_GetBooleanFromObj(NULL, objv[i + 1], &b) == TCL_OK) {
	    i++;
	}
	switch (idx) {
	case O_ACCEPT:
	    *acceptPtr = objv[i];
	    break;
	case O_BACKLOG:
	    if (TcplabGetIntRange(interp, "backlog", objv[i], 0, 1 << 24, &w)
		    != TCL_OK) {
		return TCL_ERROR;
	    }
	    *backlogPtr = (int) w;
	    break;
	case O_BIND:
	    if (TcplabGetPort(interp, objv[i], &o->lport) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case O_CHANNEL:
	    /* Give a Tcl channel (tclChan.c) instead of the handle. */
	    *channelPtr = 1;
	    break;
	case O_DATA:
	    /* sendto() with MSG_FASTOPEN: these bytes with the connect. */
	    *dataPtr = objv[i];
	    break;
	case O_FASTOPEN:
	    /* TCP_FASTOPEN_CONNECT. */
	    if (so_opts_setsockopt(o, hostPtr->host, TL_SOL_TCP,
		    TL_TCP_FASTOPEN_CONNECT, &b, sizeof(b)) != 0) {
		return TcplabPosixError(interp, EOPNOTSUPP,
			"can't set TCP_FASTOPEN_CONNECT");
	    }
	    break;
	case O_NONBLOCK:
	    *nonblockPtr = 1;
	    break;
	case O_ISN:
	    if (TcplabGetUInt32(interp, objv[i], &o->isn) != TCL_OK) {
		return TCL_ERROR;
	    }
	    o->has_isn = 1;
	    break;
	case O_KEEPALIVE:
	    o->keepalive = b;
	    break;
	case O_KEEPCNT:
	case O_KEEPIDLE:
	case O_KEEPINTVL:
	    /* TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL; they imply
	     * -keepalive. */
	    if (TcplabGetIntRange(interp, op->name, objv[i], 1, 32767, &w)
		    != TCL_OK) {
		return TCL_ERROR;
	    }
	    *(idx == O_KEEPCNT ? &o->keepcnt : idx == O_KEEPIDLE
		    ? &o->keepidle : &o->keepintvl) = (int) w;
	    o->keepalive = 1;
	    break;
	case O_LINGER:
	    /* SO_LINGER: -1 off, 0 a RST on close, N seconds. */
	    if (TcplabGetLinger(interp, "-linger", objv[i], &b) != TCL_OK) {
		return TCL_ERROR;
	    }
	    o->linger_on = b >= 0;
	    o->linger = b >= 0 ? b : 0;
	    break;
	case O_MSS:
	case O_RCVBUF:
	case O_SNDBUF:
	    if (TcplabGetIntRange(interp, op->name, objv[i],
		    idx == O_MSS ? 64 : 512, idx == O_MSS ? 65495 : 1 << 30,
		    &w) != TCL_OK) {
		return TCL_ERROR;
	    }
	    *(idx == O_MSS ? &o->mss : idx == O_RCVBUF ? &o->rcvbuf
		    : &o->sndbuf) = (int) w;
	    break;
	case O_MYADDR:
	    if (!TcplabParseAddr(Tcl_GetString(objv[i]), &o->laddr)) {
		return TcplabError(interp, "VALUE", "ADDRESS",
			"expected IPv4 address but got \"%s\"",
			Tcl_GetString(objv[i]));
	    }
	    break;
	case O_NODELAY:
	    o->nodelay = b;
	    break;
	case O_REUSEADDR:
	    o->reuseaddr = b;
	    break;
	case O_SOCKOPT:
	    /* Any socket option by its Linux name, before the SYN. */
	    if (TcplabSockoptList(interp, hostPtr->host, o, objv[i])
		    != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	}
    }
    (void) hostPtr;
    return TCL_OK;
}

/* $host connect peer port ?options? */
static int
Connect(
    HostObj *hostPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    tl_openopts o;
    tl_addr raddr;
    uint16_t rport;
    int err, channel = 0;
    tl_tcb *tp;
    ConnObj *connPtr;
    Tcl_Obj *data = NULL;
    int nonblock = 0;
    uint32_t taken;

    if (objc < 4) {
	Tcl_WrongNumArgs(interp, 2, objv, "peer port ?-option value ...?");
	return TCL_ERROR;
    }
    if (TcplabGetPeer(interp, hostPtr->netPtr, objv[2], &raddr) != TCL_OK
	    || TcplabGetPort(interp, objv[3], &rport) != TCL_OK
	    || OpenOptions(hostPtr, interp, objc, objv, 4, 0, &o, NULL, NULL,
		&channel, &data, &nonblock) != TCL_OK) {
	return TCL_ERROR;
    }
    if (data) {
	/* Fast Open (RFC 7413): sendto() with MSG_FASTOPEN. */
	Tcl_Size n;
	const unsigned char *b = Tcl_GetByteArrayFromObj(data, &n);

	err = so_connect_fastopen(hostPtr->host, raddr, rport, &o, b,
		(uint32_t) n, nonblock, 0, &taken, &tp);
    } else {
	err = so_connect(hostPtr->host, raddr, rport, &o, &tp);
    }
    if (err) {
	return TcplabPosixError(interp, err, "couldn't open socket");
    }
    connPtr = TcplabConnNew(hostPtr->netPtr, tp);
    if (channel) {
	TcplabChanGet(connPtr, interp);
    } else {
	Tcl_SetObjResult(interp, connPtr->name);
    }
    TcplabDrain(hostPtr->netPtr);
    return TCL_OK;
}

/* $host listen port ?-myaddr a? ?-backlog n? ?-reuseaddr? ?-accept cmd? */
static int
Listen(
    HostObj *hostPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    tl_openopts o;
    uint16_t port;
    int backlog = 5, err, channel = 0;
    Tcl_Obj *accept = NULL;
    tl_listener *l;
    ListenObj *lPtr;

    if (objc < 3) {
	Tcl_WrongNumArgs(interp, 2, objv, "port ?-option value ...?");
	return TCL_ERROR;
    }
    if (TcplabGetPort(interp, objv[2], &port) != TCL_OK
	    || OpenOptions(hostPtr, interp, objc, objv, 3, 1, &o, &backlog,
		&accept, &channel, NULL, NULL) != TCL_OK) {
	return TCL_ERROR;
    }
    err = so_listen(hostPtr->host, o.laddr, port, backlog, &o, &l);
    if (err) {
	return TcplabPosixError(interp, err, "couldn't open socket");
    }
    lPtr = TcplabListenNew(hostPtr->netPtr, l);
    lPtr->channel = channel;
    if (accept) {
	lPtr->acceptCmd = accept;
	Tcl_IncrRefCount(accept);
    }
    Tcl_SetObjResult(interp, lPtr->name);
    return TCL_OK;
}

static Tcl_Obj *
Endpoint(
    tl_addr a,
    uint16_t port)
{
    if (a == 0) {
	return Tcl_ObjPrintf("*.%u", port);
    }
    return Tcl_ObjPrintf("%u.%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255, port);
}

/* $host netstat: {tcp local foreign state} for each endpoint, like
 * netstat -a -n. */
static int
Netstat(
    HostObj *hostPtr,
    Tcl_Interp *interp)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL), *row[4];
    tl_listener *l;
    tl_tcb *tp;
    size_t ntw, i = 0;
    tl_twrec **tw;

    /* Compact half-open connections become TCBs. */
    tcp_req_promote_all(hostPtr->host);
    tp = hostPtr->host->tcbs;
    tw = tcp_tw_list(hostPtr->host, &ntw);

    /* The TCBs and the compact TIME_WAIT connections, newest first. */
    while (tp || i < ntw) {
	if (tp && (i == ntw || tp->id > tw[i]->id)) {
	    if (tp->state != TCPS_CLOSED) {
		row[1] = Endpoint(tp->laddr, tp->lport);
		row[2] = Endpoint(tp->raddr, tp->rport);
		row[3] = Tcl_NewStringObj(tcp_statenames[tp->state], -1);
	    } else {
		row[1] = NULL;
	    }
	    tp = tp->next;
	} else {
	    row[1] = Endpoint(tw[i]->laddr, tw[i]->lport);
	    row[2] = Endpoint(tw[i]->raddr, tw[i]->rport);
	    row[3] = Tcl_NewStringObj(tcp_statenames[TCPS_TIME_WAIT], -1);
	    i++;
	}
	if (row[1]) {
	    row[0] = Tcl_NewStringObj("tcp", -1);
	    Tcl_ListObjAppendElement(NULL, list, Tcl_NewListObj(4, row));
	}
    }
    free(tw);
    for (l = hostPtr->host->listeners; l; l = l->next) {
	row[0] = Tcl_NewStringObj("tcp", -1);
	row[1] = Endpoint(l->laddr, l->lport);
	row[2] = Tcl_NewStringObj("*.*", -1);
	row[3] = Tcl_NewStringObj("LISTEN", -1);
	Tcl_ListObjAppendElement(NULL, list, Tcl_NewListObj(4, row));
    }
    Tcl_SetObjResult(interp, list);
    return TCL_OK;
}

/* A route's metrics as a dict. */
static Tcl_Obj *
RouteDict(
    const tl_rtmetrics *m)
{
    Tcl_Obj *d = Tcl_NewDictObj();

    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("mtu", -1),
	    Tcl_NewWideIntObj(m->mtu));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("lock", -1),
	    Tcl_NewBooleanObj(m->lock));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("advmss", -1),
	    Tcl_NewWideIntObj(m->advmss));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("initcwnd", -1),
	    Tcl_NewWideIntObj(m->initcwnd));
    return d;
}

/*
 * $host route ?addr ?-mtu n? ?-lock bool? ?-advmss n? ?-initcwnd n???:
 * the metrics of the route to one address (Linux `ip route change addr
 * ... mtu [lock] n advmss n initcwnd n`), 0 = not set. Without options,
 * the route's metrics; without an address, every address's.
 */
static int
Route(
    HostObj *hostPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-advmss", "-initcwnd", "-lock", "-mtu", NULL
    };
    enum { O_ADVMSS, O_INITCWND, O_LOCK, O_MTU };
    tl_host *h = hostPtr->host;
    tl_rtmetrics m;
    const tl_rtmetrics *old;
    Tcl_Size i;

    if (objc == 2) {
	Tcl_Obj *d = Tcl_NewDictObj();
	int k;

	for (k = 0; k < h->nrtm; k++) {
	    Tcl_DictObjPut(NULL, d, TcplabNewAddr(h->rtm[k].dst),
		    RouteDict(&h->rtm[k]));
	}
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
    }
    if (objc % 2 == 0) {
	Tcl_WrongNumArgs(interp, 2, objv,
		"?address ?-mtu n? ?-lock bool? ?-advmss n? ?-initcwnd n??");
	return TCL_ERROR;
    }
    memset(&m, 0, sizeof(m));
    if (TcplabGetPeer(interp, hostPtr->netPtr, objv[2], &m.dst) != TCL_OK) {
	return TCL_ERROR;
    }
    if ((old = host_rtmetrics(h, m.dst)) != NULL) {
	m = *old;
    }
    if (objc == 3) {
	Tcl_SetObjResult(interp, RouteDict(&m));
	return TCL_OK;
    }
    for (i = 3; i + 1 < objc; i += 2) {
	int idx, v;

	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", 0, &idx)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	if (idx == O_LOCK) {
	    if (Tcl_GetBooleanFromObj(interp, objv[i + 1], &m.lock) != TCL_OK) {
		return TCL_ERROR;
	    }
	    continue;
	}
	if (Tcl_GetIntFromObj(interp, objv[i + 1], &v) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (v < 0 || (idx == O_MTU && v != 0 && (v < 68 || v > 65535))
		|| (idx == O_ADVMSS && v > 65495) || (idx == O_INITCWND
		    && v > 1000)) {
	    return TcplabError(interp, "VALUE", "ROUTE",
		    "%s %d out of range (mtu 68..65535, advmss up to 65495, "
		    "initcwnd up to 1000; 0 = not set)",
		    Tcl_GetString(objv[i]), v);
	}
	*(idx == O_MTU ? &m.mtu : idx == O_ADVMSS ? &m.advmss
		: &m.initcwnd) = (uint32_t) v;
    }
    if (host_rtmetrics_set(h, &m) != 0) {
	return TcplabPosixError(interp, ENOMEM, "couldn't set route");
    }
    Tcl_SetObjResult(interp, RouteDict(&m));
    return TCL_OK;
}

/* $host sysctl ?name ?value??: one tunable, or all as a dict. */
static int
Sysctl(
    HostObj *hostPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    tl_tunables *t = &hostPtr->host->tun;
    int idx, v;

    if (objc == 2) {
	Tcl_Obj *d = Tcl_NewDictObj();

	for (idx = 0; idx < tl_ntunables; idx++) {
	    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(tunable_def(idx)->name, -1),
		    TcplabTunableObj(idx, tunable_get(t, idx)));
	}
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
    }
    if (objc > 4) {
	Tcl_WrongNumArgs(interp, 2, objv, "?name ?value??");
	return TCL_ERROR;
    }
    idx = tunable_find(Tcl_GetString(objv[2]));
    if (idx < 0) {
	return TcplabError(interp, "LOOKUP", "TUNABLE",
		"unknown tunable \"%s\"", Tcl_GetString(objv[2]));
    }
    if (objc == 4) {
	const tl_tunable_def *d = tunable_def(idx);
	const char *const *names = tunable_names(idx);

	if (names) {
	    /* A tunable whose values have names takes a name. */
	    v = tunable_value_find(idx, Tcl_GetString(objv[3]));
	    if (v < 0) {
		Tcl_Obj *l = Tcl_NewObj();
		int k;

		for (k = 0; names[k]; k++) {
		    Tcl_ListObjAppendElement(NULL, l,
			    Tcl_NewStringObj(names[k], -1));
		}
		Tcl_IncrRefCount(l);
		TcplabError(interp, "VALUE", "NAME",
			"bad value \"%s\" for %s: must be one of %s",
			Tcl_GetString(objv[3]), d->name, Tcl_GetString(l));
		Tcl_DecrRefCount(l);
		return TCL_ERROR;
	    }
	} else {
	    Tcl_WideInt w;

	    if (TcplabGetIntRange(NULL, d->name, objv[3], d->min, d->max, &w)
		    == TCL_OK) {
		v = (int) w;
	    } else if (!TcplabIsInteger(Tcl_GetString(objv[3]))) {
		/* Not an integer at all: Tcl's message. */
		return Tcl_GetWideIntFromObj(interp, objv[3], &w);
	    } else {
		/* Out of range, however large: say the range. */
		return TcplabError(interp, "VALUE", "RANGE",
			"%s must be between %d and %d", d->name, d->min,
			d->max);
	    }
	}
	if (v < d->min || v > d->max) {
	    return TcplabError(interp, "VALUE", "RANGE",
		    "%s must be between %d and %d", d->name, d->min, d->max);
	}
	/* The ephemeral range stays a range (Linux refuses a low end above
	 * the high one in ip_local_port_range with EINVAL). */
	if ((strcmp(d->name, "port_lo") == 0 && v > t->port_hi)
		|| (strcmp(d->name, "port_hi") == 0 && v < t->port_lo)) {
	    return TcplabError(interp, "VALUE", "RANGE",
		    "%s %d would leave no ephemeral port: port_lo (%d) must "
		    "not exceed port_hi (%d)", d->name, v,
		    strcmp(d->name, "port_lo") == 0 ? v : t->port_lo,
		    strcmp(d->name, "port_hi") == 0 ? v : t->port_hi);
	}
	tunable_set(t, idx, v);
    }
    Tcl_SetObjResult(interp, TcplabTunableObj(idx, tunable_get(t, idx)));
    return TCL_OK;
}

static Tcl_Obj *
Stats(
    const tl_stats *s)
{
    Tcl_Obj *d = Tcl_NewDictObj();
    int i;

#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), \
	Tcl_NewWideIntObj((Tcl_WideInt) (v)))
    PUT("ip_in", s->ip_in);
    PUT("ip_out", s->ip_out);
    PUT("ip_noroute", s->ip_noroute);
    PUT("ip_notme", s->ip_notme);
    PUT("ip_qdisc_drop", s->ip_qdisc_drop);
    PUT("ip_ttl_exceeded", s->ip_ttl_exceeded);
    PUT("ip_too_big", s->ip_too_big);
    PUT("tcp_in", s->tcp_in);
    PUT("tcp_out", s->tcp_out);
    PUT("tcp_noport", s->tcp_noport);
    PUT("tcp_rst_out", s->tcp_rst_out);
    PUT("tcp_retrans", s->tcp_retrans);
    PUT("tcp_dropped", s->tcp_dropped);
    PUT("tcp_unsent", s->tcp_unsent);
    PUT("tcp_listen_overflow", s->tcp_listen_overflow);
    PUT("tcp_timeouts", s->tcp_timeouts);
    PUT("TcpExtListenOverflows", s->listen_overflows);
    PUT("TcpExtListenDrops", s->listen_drops);
    PUT("TcpExtSyncookiesSent", s->syncookies_sent);
    PUT("TcpExtSyncookiesRecv", s->syncookies_recv);
    PUT("TcpExtSyncookiesFailed", s->syncookies_failed);
    for (i = 1; i < WIRE_NERRORS; i++) {
	char k[64];

	snprintf(k, sizeof(k), "ip_bad {%s}", wire_errnames[i]);
	PUT(k, s->ip_bad[i]);
	snprintf(k, sizeof(k), "tcp_bad {%s}", wire_errnames[i]);
	PUT(k, s->tcp_bad[i]);
    }
#undef PUT
    return d;
}

/*
 * $host inject datagram
 *	Puts an IPv4 datagram (from tcplab::wire build, possibly altered) on
 *	the wire toward its destination address, bypassing the host's TCP.
 */

static int
Inject(
    HostObj *hostPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    tl_host *h = hostPtr->host;
    Tcl_Size len;
    const unsigned char *d;
    tl_pkt *p;
    tl_addr nh, dst;
    tl_iface *ifc;

    Tcl_Obj *built = NULL;
    int code;

    if (objc == 6 || objc == 8) {
	/* $host inject ?-from addr? -to peer -tcp {sport .. flags R ...}:
	 * built with tcplab::wire build, from the host's address. */
	tl_addr to = 0, from = 0;
	Tcl_Obj *fields = NULL, *cmd;
	Tcl_Size i;

	for (i = 2; i + 1 < objc; i += 2) {
	    const char *opt = Tcl_GetString(objv[i]);

	    if (strcmp(opt, "-to") == 0) {
		if (TcplabGetPeer(interp, hostPtr->netPtr, objv[i + 1], &to)
			!= TCL_OK) {
		    return TCL_ERROR;
		}
	    } else if (strcmp(opt, "-from") == 0) {
		if (!TcplabParseAddr(Tcl_GetString(objv[i + 1]), &from)) {
		    return TcplabError(interp, "VALUE", "ADDRESS",
			    "expected IPv4 address but got \"%s\"",
			    Tcl_GetString(objv[i + 1]));
		}
	    } else if (strcmp(opt, "-tcp") == 0) {
		fields = objv[i + 1];
	    } else {
		goto usage;
	    }
	}
	if (to == 0 || fields == NULL) {
	    goto usage;
	}
	if (from == 0) {
	    from = host_source_addr(h, to);
	}
	cmd = Tcl_NewStringObj("::tcplab::wire build -src", -1);
	Tcl_IncrRefCount(cmd);
	Tcl_ListObjAppendElement(NULL, cmd, TcplabNewAddr(from));
	Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("-dst", -1));
	Tcl_ListObjAppendElement(NULL, cmd, TcplabNewAddr(to));
	{
	    Tcl_Obj **kv;
	    Tcl_Size n;

	    int ports = 0;

	    if (Tcl_ListObjGetElements(interp, fields, &n, &kv) != TCL_OK) {
		Tcl_DecrRefCount(cmd);
		return TCL_ERROR;
	    }
	    if (n % 2) {
		Tcl_DecrRefCount(cmd);
		return TcplabError(interp, "VALUE", "FIELDS",
			"field \"%s\" has no value: -tcp takes a list of "
			"field value pairs (sport, dport, seq, ack, flags, "
			"win, data, ...)", Tcl_GetString(kv[n - 1]));
	    }
	    for (i = 0; i < n; i += 2) {
		const char *k = Tcl_GetString(kv[i]);

		ports |= strcmp(k, "sport") == 0 ? 1
			: strcmp(k, "dport") == 0 ? 2 : 0;
	    }
	    if (ports != 3) {
		Tcl_DecrRefCount(cmd);
		return TcplabError(interp, "VALUE", "FIELDS",
			"-tcp needs both ports: missing %s",
			ports & 1 ? "dport" : ports & 2 ? "sport"
			: "sport and dport");
	    }
	    for (i = 0; i + 1 < n; i += 2) {
		Tcl_ListObjAppendElement(NULL, cmd, Tcl_ObjPrintf("-%s",
			Tcl_GetString(kv[i])));
		Tcl_ListObjAppendElement(NULL, cmd, kv[i + 1]);
	    }
	}
	code = Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL);
	Tcl_DecrRefCount(cmd);
	if (code != TCL_OK) {
	    return TCL_ERROR;
	}
	built = Tcl_GetObjResult(interp);
	Tcl_IncrRefCount(built);
	Tcl_ResetResult(interp);
    } else if (objc != 3) {
      usage:
	Tcl_WrongNumArgs(interp, 2, objv,
		"datagram | ?-from addr? -to peer -tcp fields");
	return TCL_ERROR;
    }
    d = Tcl_GetByteArrayFromObj(built ? built : objv[2], &len);
    code = TCL_OK;
    if (len < IP_HDRLEN || len > 65535) {
	code = TcplabError(interp, "VALUE", "LENGTH",
		"a datagram needs 20 to 65535 bytes, got %" TCL_SIZE_MODIFIER
		"d", len);
    } else if ((ifc = host_route(h, dst = get32(d + 16), &nh)) == NULL) {
	code = TcplabPosixError(interp, ENETUNREACH, "couldn't inject");
    } else {
	p = host_pkt_alloc(h, (uint32_t) len);
	memcpy(p->data, d, (size_t) len);
	if (host_link_send(h, ifc, nh, p) != 0) {
	    code = TcplabPosixError(interp, EHOSTUNREACH, "couldn't inject");
	}
    }
    if (built) {
	Tcl_DecrRefCount(built);
    }
    if (code != TCL_OK) {
	return code;
    }
    TcplabDrain(hostPtr->netPtr);
    return TCL_OK;
}

static int
HostObjCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = {
	"addresses", "connect", "connections", "fastopen", "inject", "isn",
	"listen", "name", "netstat", "ping", "profile", "qdisc", "route",
	"sockopt", "stats", "sysctl", NULL
    };
    enum {
	H_ADDRESSES, H_CONNECT, H_CONNECTIONS, H_FASTOPEN, H_INJECT, H_ISN,
	H_LISTEN, H_NAME, H_NETSTAT, H_PING, H_PROFILE, H_QDISC, H_ROUTE,
	H_SOCKOPT, H_STATS, H_SYSCTL
    };
    HostObj *hostPtr = clientData;
    tl_host *h = hostPtr->host;
    int idx, i;

    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    TcplabClockSync(hostPtr->netPtr);
    TcplabCondAny(hostPtr->netPtr);
    switch (idx) {
    case H_ADDRESSES: {
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);

	for (i = 0; i < h->nifaces; i++) {
	    tl_addr a = h->ifaces[i]->addr;

	    Tcl_ListObjAppendElement(NULL, list, Tcl_ObjPrintf(
		    "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		    a & 255, h->ifaces[i]->prefix));
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }
    case H_CONNECT:
	return Connect(hostPtr, interp, objc, objv);
    case H_CONNECTIONS: {
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);
	tl_tcb *tp;

	/* A handle for each: compact TIME_WAIT connections become TCBs. */
	tcp_tw_materialize(h);
	tcp_req_promote_all(h);
	for (tp = h->tcbs; tp; tp = tp->next) {
	    if (tp->state != TCPS_CLOSED || tp->user) {
		ConnObj *c = TcplabConnFor(hostPtr->netPtr, tp);

		Tcl_ListObjAppendElement(NULL, list, c->name);
	    }
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }
    case H_FASTOPEN: {
	/* The Fast Open cookies and MSSs kept per destination (Linux
	 * `ip tcp_metrics show`), or "flush" to forget them all (`ip
	 * tcp_metrics flush all`). */
	const tl_fo_entry *e;
	int n;
	Tcl_Obj *list;

	if (objc > 3 || (objc == 3
		&& strcmp(Tcl_GetString(objv[2]), "flush") != 0)) {
	    Tcl_WrongNumArgs(interp, 2, objv, "?flush?");
	    return TCL_ERROR;
	}
	if (objc == 3) {
	    tcp_fastopen_flush(h);
	    return TCL_OK;
	}
	list = Tcl_NewListObj(0, NULL);
	e = tcp_fastopen_cache(h, &n);
	for (i = 0; i < n; i++) {
	    Tcl_Obj *d = Tcl_NewDictObj();
	    Tcl_Obj *hex = Tcl_NewObj();
	    int k;

	    for (k = 0; k < e[i].len; k++) {
		Tcl_AppendPrintfToObj(hex, "%02x", e[i].cookie[k]);
	    }
	    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("mss", -1),
		    Tcl_NewIntObj(e[i].mss));
	    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("cookie", -1), hex);
	    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("exp", -1),
		    Tcl_NewIntObj(e[i].exp || (e[i].len <= 0
			&& e[i].try_exp == 1)));
	    Tcl_ListObjAppendElement(NULL, list, TcplabNewAddr(e[i].raddr));
	    Tcl_ListObjAppendElement(NULL, list, d);
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }
    case H_INJECT:
	return Inject(hostPtr, interp, objc, objv);
    case H_PING:
	return TcplabPingCmd(hostPtr, interp, objc, objv);
    case H_ISN:
	if (objc > 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "?value?");
	    return TCL_ERROR;
	}
	if (objc == 3) {
	    uint32_t v;

	    if (TcplabGetUInt32(interp, objv[2], &v) != TCL_OK) {
		return TCL_ERROR;
	    }
	    h->isn_next = v;
	    h->isn_next_set = 1;
	}
	if (h->isn_next_set) {
	    Tcl_SetObjResult(interp, Tcl_NewWideIntObj(h->isn_next));
	}
	return TCL_OK;
    case H_LISTEN:
	return Listen(hostPtr, interp, objc, objv);
    case H_NAME:
	Tcl_SetObjResult(interp, Tcl_NewStringObj(h->name, -1));
	return TCL_OK;
    case H_NETSTAT:
	if (objc != 2) {
	    Tcl_WrongNumArgs(interp, 2, objv, NULL);
	    return TCL_ERROR;
	}
	return Netstat(hostPtr, interp);
    case H_PROFILE:
	if (objc > 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "?name?");
	    return TCL_ERROR;
	}
	if (objc == 3) {
	    const char *p = Tcl_GetString(objv[2]);

	    if (!profile_load(&h->tun, p)) {
		return TcplabProfileError(interp, objv[2]);
	    }
	    snprintf(h->profile, sizeof(h->profile), "%s", p);
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(h->profile, -1));
	return TCL_OK;
    case H_QDISC: {
	/* The interfaces' queueing discipline: "pass" takes every datagram
	 * (Linux's default pfifo_fast), "drop" refuses every one (Linux
	 * `tc qdisc add dev D root pfifo limit 0`). */
	static const char *const modes[] = { "pass", "drop", NULL };
	int mode;

	if (objc > 3) {
	    Tcl_WrongNumArgs(interp, 2, objv, "?pass|drop?");
	    return TCL_ERROR;
	}
	if (objc == 3) {
	    if (Tcl_GetIndexFromObj(interp, objv[2], modes, "qdisc", 0,
		    &mode) != TCL_OK) {
		return TCL_ERROR;
	    }
	    h->qdisc_drop = mode;
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(modes[h->qdisc_drop], -1));
	return TCL_OK;
    }
    case H_ROUTE:
	return Route(hostPtr, interp, objc, objv);
    case H_SOCKOPT:
	return TcplabSockoptDefaults(interp, h, objc, objv);
    case H_STATS: {
	Tcl_Obj *d = Stats(&h->stats);

	/* A gauge, as the "tw" of Linux's /proc/net/sockstat. */
	Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("tcp_tw_records", -1),
		Tcl_NewWideIntObj((Tcl_WideInt) tcp_tw_count(h)));
	Tcl_SetObjResult(interp, d);
	return TCL_OK;
    }
    case H_SYSCTL:
	return Sysctl(hostPtr, interp, objc, objv);
    }
    return TCL_OK;
}
