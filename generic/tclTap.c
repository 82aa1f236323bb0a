/*
 * tclTap.c --
 *
 *	$net tap: a host attached to a Linux TAP device inside a network
 *	namespace, facing the kernel's own TCP/IP. The device (unix/tap.c)
 *	is a LINK_TAP link of the network (net.c): frames for the kernel pass
 *	the observers and fault filters and are written to the device; a Tcl
 *	file handler reads the kernel's frames and puts them on the link the
 *	same way, then runs what is due on the network's real clock
 *	(tclReal.c).
 *
 *	$net tap create name host -netns ns -kernel a.b.c.d/n -addr a.b.c.d/n
 *		?-mtu n? ?-offload bool?
 *	$net tap info name
 *	$net tap list
 */

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include "tcplabInt.h"
#include "arp.h"
#include "tapdev.h"

typedef struct TapDev {
    NetObj *netPtr;
    tl_link *link;
    tl_iface *ifc;		/* The host's interface on the link. */
    int fd;			/* The device, -1 once closed. */
    tapdev_tx *tx;		/* Its writer thread (unix/tap.c). */
    char *netns;
    int offload;		/* Checksum and segmentation offload. */
    uint32_t bufSize;		/* Room for one frame read from the device. */
    uint64_t framesIn, bytesIn;
    uint64_t gsoIn;		/* Frames standing for several segments. */
    uint64_t readErrors;
    int lastError;		/* errno of the failed read. */
    int broken;			/* Reading failed: no longer watched. */
    struct TapDev *next;
} TapDev;

/* Frames read before the events they bring run, and how many such
 * rounds one wake-up of the file handler may do. */
#define TAP_BATCH	256
#define TAP_ROUNDS	64
/* Empty reads a wake-up may do while the writer thread is busy. */
#define TAP_IDLE_POLLS	1000
/* The longest frame without payload: Ethernet, IP and TCP headers with
 * options (14 + 20 + 60 bytes), rounded up. */
#define TAP_HDRS_MAX	128

/*
 * TapOutput --
 *	The link's output function: a frame for the kernel. What the stack
 *	answers while the file handler runs the network on the frames it
 *	read goes to the writer thread; what a script's command or a timer
 *	sends is written at once (after those queued), so that a script
 *	finds what it sent with the kernel when the command returns. With
 *	offloads, when nothing is queued, a frame without payload (an ACK for
 *	64 KiB that the kernel sent in one frame) is written at once too:
 *	such frames come tens of microseconds apart, and handing each to
 *	the thread (a wake-up, its polls for the next) costs more than the
 *	write, by a quarter of the rate (bench/tap.tcl). Without offloads
 *	ACKs come every two segments, and the kernel's answer to each (the
 *	next segments, sent in the writer's system call) is better left to
 *	the thread.
 */

static void
TapOutput(
    void *arg,
    const uint8_t *frame,
    uint32_t len,
    uint32_t gso)
{
    TapDev *t = arg;

    if (t->tx == NULL) {
	return;
    } else if (t->netPtr->tapBatch && !(t->offload
	    && len <= TAP_HDRS_MAX && !tapdev_tx_busy(t->tx))) {
	tapdev_tx_put(t->tx, frame, len, gso);
    } else {
	tapdev_tx_write(t->tx, frame, len, gso);
    }
}


/*
 * TapReadable --
 *	The file handler: frames from the kernel go onto the link, then what
 *	is due runs.
 */

static void
TapReadable(
    void *clientData,
    int mask)
{
    TapDev *t = clientData;
    NetObj *netPtr = t->netPtr;
    int i, round, idle = 0, batch = netPtr->tapBatch;

    (void) mask;
    Tcl_Preserve(t);
    Tcl_Preserve(netPtr);
    netPtr->tapBatch = 1;
    for (round = 0; round < TAP_ROUNDS; round++) {
	if (netPtr->net == NULL || t->fd < 0 || t->broken) {
	    break;
	}
	TcplabClockSync(netPtr);
	for (i = 0; i < TAP_BATCH; i++) {
	    /* Read straight into the packet that carries the frame on. */
	    tl_pkt *p = pkt_alloc(netPtr->net, t->bufSize);
	    uint32_t gso, csumIp;
	    long n = tapdev_read(t->fd, t->offload, p->buf, t->bufSize, &gso,
		    &csumIp);

	    if (n <= 0) {
		pkt_free(netPtr->net, p);
		if (n < 0) {
		    /* The device is gone or broken: stop watching it. */
		    t->readErrors++;
		    t->lastError = errno;
		    t->broken = 1;
		    Tcl_DeleteFileHandler(t->fd);
		}
		break;
	    }
	    t->framesIn++;
	    t->bytesIn += (uint64_t) n;
	    t->gsoIn += gso != 0;
	    p->data = p->buf + (t->offload ? TAPDEV_HDRLEN : 0);
	    p->len = (uint32_t) n;
	    p->gso = gso;
	    if (p->cap > PKT_SMALL && n <= PKT_SMALL) {
		/* An ACK or the like: no 64 KiB buffer held in flight. */
		tl_pkt *q = pkt_alloc(netPtr->net, (uint32_t) n);

		memcpy(q->data, p->data, (size_t) n);
		q->gso = gso;
		pkt_free(netPtr->net, p);
		p = q;
	    }
	    if (csumIp) {
		/* The kernel's segment, its checksum left to the device:
		 * computed only if someone reads the frame (pkt_finish()),
		 * never verified (virtio 1.1 5.1.6.4.1). */
		p->csum_ip = (uint32_t) (p->data - p->buf) + csumIp;
		p->verified = 1;
	    }
	    net_link_input_pkt(t->link, p);
	}
	if (i == 0 && round > 0) {
	    /* While the writer thread still hands the kernel our frames,
	     * its answers come within microseconds: poll for them rather
	     * than sleep in the event loop. */
	    if (!tapdev_tx_busy(t->tx) || ++idle > TAP_IDLE_POLLS) {
		break;
	    }
	    sched_yield();
	    round--;
	    continue;
	}
	/* What we answer often makes the kernel send at once: read again
	 * before going back to the event loop. */
	TcplabRealStep(netPtr);
    }
    netPtr->tapBatch = batch;
    Tcl_Release(netPtr);
    Tcl_Release(t);
}

static TapDev *
FindTap(
    NetObj *netPtr,
    const char *name)
{
    TapDev *t;

    for (t = netPtr->tapdevs; t; t = t->next) {
	if (strcmp(t->link->name, name) == 0) {
	    return t;
	}
    }
    return NULL;
}

static Tcl_Obj *
MacObj(
    const uint8_t *m)
{
    return Tcl_ObjPrintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

static Tcl_Obj *
AddrPrefixObj(
    tl_addr a,
    int prefix)
{
    Tcl_Obj *o = TcplabNewAddr(a);

    Tcl_AppendPrintfToObj(o, "/%d", prefix);
    return o;
}

/*
 * TapCreate --
 *	$net tap create name host -netns ns -kernel a.b.c.d/n -addr a.b.c.d/n
 *	?-mtu n? ?-offload bool?
 */

static int
TapCreate(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-addr", "-kernel", "-mtu", "-netns", "-offload", NULL
    };
    enum { O_ADDR, O_KERNEL, O_MTU, O_NETNS, O_OFFLOAD };
    Tcl_Obj *addrObj = NULL, *kernelObj = NULL, *nsObj = NULL;
    const char *name;
    HostObj *hostPtr;
    tl_addr addr, kaddr;
    int prefix, kprefix, mtu = 1500, offload = 0, idx, fd;
    Tcl_Size i;
    tl_tapcfg cfg;
    uint8_t kmac[6];
    char err[CAPTURE_ERRLEN];
    tl_link *link;
    TapDev *t, **tp;

    if (objc < 5) {
	goto usage;
    }
    for (i = 5; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (++i >= objc) {
	    return TcplabMissingArg(interp, opts[idx]);
	}
	switch (idx) {
	case O_ADDR:
	    addrObj = objv[i];
	    break;
	case O_KERNEL:
	    kernelObj = objv[i];
	    break;
	case O_MTU:
	    if (Tcl_GetIntFromObj(interp, objv[i], &mtu) != TCL_OK) {
		return TCL_ERROR;
	    }
	    if (mtu < 68 || mtu > 65521) {
		return TcplabError(interp, "VALUE", "MTU",
			"MTU %d out of range 68-65521", mtu);
	    }
	    break;
	case O_NETNS:
	    nsObj = objv[i];
	    break;
	case O_OFFLOAD:
	    if (Tcl_GetBooleanFromObj(interp, objv[i], &offload) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	}
    }
    if (addrObj == NULL || kernelObj == NULL || nsObj == NULL) {
	goto usage;
    }
    if (netPtr->real == NULL) {
	return TcplabError(interp, "STATE", "CLOCK",
		"a TAP device needs a network on real time "
		"(tcplab::network create -clock real)");
    }
    name = Tcl_GetString(objv[3]);
    hostPtr = TcplabFindHost(netPtr, Tcl_GetString(objv[4]));
    if (hostPtr == NULL) {
	return TcplabError(interp, "LOOKUP", "HOST", "unknown host \"%s\"",
		Tcl_GetString(objv[4]));
    }
    if (TcplabGetAddrPrefix(interp, addrObj, &addr, &prefix) != TCL_OK
	    || TcplabGetAddrPrefix(interp, kernelObj, &kaddr, &kprefix)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    if (net_find_link(netPtr->net, name)) {
	return TcplabError(interp, "VALUE", "EXISTS",
		"link \"%s\" already exists", name);
    }
    if (addr == kaddr || net_find_host_by_addr(netPtr->net, addr)
	    || net_find_host_by_addr(netPtr->net, kaddr)) {
	return TcplabError(interp, "VALUE", "ADDRESS",
		"address %s is already in use", Tcl_GetString(
		net_find_host_by_addr(netPtr->net, kaddr) ? kernelObj
		: addrObj));
    }
    if (hostPtr->host->nifaces == HOST_MAXIFACES) {
	return TcplabError(interp, "LIMIT", "IFACES",
		"host \"%s\" has too many interfaces", hostPtr->host->name);
    }
    cfg.netns = Tcl_GetString(nsObj);
    cfg.ifname = name;
    cfg.mtu = (uint32_t) mtu;
    cfg.kaddr = kaddr;
    cfg.kprefix = kprefix;
    cfg.offload = offload;
    fd = tapdev_open(&cfg, kmac, err, sizeof(err));
    if (fd < 0) {
	return TcplabError(interp, "TAP", "OPEN", "%s", err);
    }

    t = ckalloc(sizeof(*t));
    memset(t, 0, sizeof(*t));
    t->netPtr = netPtr;
    t->fd = fd;
    t->netns = ckalloc(strlen(cfg.netns) + 1);
    strcpy(t->netns, cfg.netns);
    t->offload = offload;
    t->bufSize = offload ? TAPDEV_MAXFRAME : (uint32_t) mtu + ETH_HDRLEN + 4;
    t->tx = tapdev_tx_start(fd, offload, err, sizeof(err));
    if (t->tx == NULL) {
	tapdev_close(fd);
	ckfree(t->netns);
	ckfree(t);
	return TcplabError(interp, "TAP", "OPEN", "%s", err);
    }
    TcplabClockSync(netPtr);
    link = net_tap_link_new(netPtr->net, name, (uint32_t) mtu, TapOutput, t);
    if (link == NULL || net_link_attach(link, hostPtr->host, addr, prefix)
	    != 0) {
	/* Only when memory ran out; the link (if any) stays, unusable. */
	if (link) {
	    link->output = NULL;
	}
	tapdev_tx_stop(t->tx);
	tapdev_close(fd);
	ckfree(t->netns);
	ckfree(t);
	return TcplabError(interp, "LIMIT", "MEMORY", "out of memory");
    }
    t->link = link;
    t->ifc = link->ifaces[0];
    if (offload) {
	/* The kernel takes TCP segments of up to 64 KiB with headers. */
	link->tso = 65535 - IP_HDRLEN - TCP_HDRLEN - TCP_MAXOPTLEN;
    }
    arp_new(t->ifc);
    link->peer->addr = kaddr;
    link->peer->prefix = kprefix;
    memcpy(link->peer->mac, kmac, 6);
    for (tp = &netPtr->tapdevs; *tp; tp = &(*tp)->next) {
    }
    *tp = t;
    Tcl_CreateFileHandler(fd, TCL_READABLE, TapReadable, t);
    Tcl_SetObjResult(interp, objv[3]);
    return TCL_OK;

  usage:
    Tcl_WrongNumArgs(interp, 3, objv, "name host -netns ns -kernel "
	    "a.b.c.d/n -addr a.b.c.d/n ?-mtu n? ?-offload bool?");
    return TCL_ERROR;
}

/* $net tap info name: the device, both sides, counters, the ARP cache. */
static Tcl_Obj *
TapInfo(
    TapDev *t)
{
    Tcl_Obj *d = Tcl_NewDictObj(), *arp = Tcl_NewListObj(0, NULL);
    tl_iface *ifc = t->ifc, *peer = t->link->peer;
    tl_time now = net_now(t->netPtr->net);
    tl_arpent *e;
    tapdev_txstats st;

    /* The counts of every frame queued so far. */
    memset(&st, 0, sizeof(st));
    if (t->tx) {
	tapdev_tx_flush(t->tx, &st);
    }
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
#define NUM(k, v) PUT(k, Tcl_NewWideIntObj((Tcl_WideInt) (v)))
    PUT("device", Tcl_NewStringObj(t->link->name, -1));
    PUT("netns", Tcl_NewStringObj(t->netns, -1));
    PUT("host", Tcl_NewStringObj(ifc->host->name, -1));
    PUT("addr", AddrPrefixObj(ifc->addr, ifc->prefix));
    PUT("mac", MacObj(ifc->mac));
    PUT("kernel", AddrPrefixObj(peer->addr, peer->prefix));
    PUT("kernelmac", MacObj(peer->mac));
    NUM("mtu", t->link->mtu);
    NUM("offload", t->offload);
    NUM("frames_in", t->framesIn);
    NUM("frames_out", st.frames);
    NUM("bytes_in", t->bytesIn);
    NUM("bytes_out", st.bytes);
    NUM("gso_frames_in", t->gsoIn);
    NUM("gso_frames_out", st.gso);
    NUM("write_errors", st.errors);
    NUM("read_errors", t->readErrors);
    if (t->lastError || st.lastError) {
	errno = t->lastError ? t->lastError : st.lastError;
	PUT("last_error", Tcl_NewStringObj(Tcl_ErrnoId(), -1));
    } else {
	PUT("last_error", Tcl_NewObj());
    }
    if (ifc->arp) {
	arp_age(ifc->arp, now);
	for (e = ifc->arp->entries; e; e = e->next) {
	    Tcl_Obj *ent = Tcl_NewDictObj();

	    Tcl_DictObjPut(NULL, ent, Tcl_NewStringObj("addr", -1),
		    TcplabNewAddr(e->addr));
	    Tcl_DictObjPut(NULL, ent, Tcl_NewStringObj("mac", -1),
		    e->state == ARP_INCOMPLETE ? Tcl_NewObj() : MacObj(e->mac));
	    Tcl_DictObjPut(NULL, ent, Tcl_NewStringObj("state", -1),
		    Tcl_NewStringObj(arp_statename(e->state), -1));
	    Tcl_DictObjPut(NULL, ent, Tcl_NewStringObj("age", -1),
		    e->state == ARP_INCOMPLETE ? Tcl_NewObj()
		    : TcplabNewTime(now - e->confirmed));
	    Tcl_DictObjPut(NULL, ent, Tcl_NewStringObj("queued", -1),
		    Tcl_NewIntObj(e->qlen));
	    Tcl_ListObjAppendElement(NULL, arp, ent);
	}
	NUM("arp_requests_out", ifc->arp->requestsOut);
	NUM("arp_replies_out", ifc->arp->repliesOut);
	NUM("arp_requests_in", ifc->arp->requestsIn);
	NUM("arp_replies_in", ifc->arp->repliesIn);
	NUM("arp_dropped", ifc->arp->dropped);
	NUM("arp_overflows", ifc->arp->overflows);
    }
    PUT("arp", arp);
#undef NUM
#undef PUT
    return d;
}

/*
 * TcplabTapCmd --
 *	$net tap create|info|list.
 */

int
TcplabTapCmd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = { "create", "info", "list", NULL };
    enum { T_CREATE, T_INFO, T_LIST };
    int idx;
    TapDev *t;

    if (objc < 3) {
	Tcl_WrongNumArgs(interp, 2, objv, "create|info|list ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[2], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    switch (idx) {
    case T_CREATE:
	return TapCreate(netPtr, interp, objc, objv);
    case T_INFO:
	if (objc != 4) {
	    Tcl_WrongNumArgs(interp, 3, objv, "name");
	    return TCL_ERROR;
	}
	t = FindTap(netPtr, Tcl_GetString(objv[3]));
	if (t == NULL) {
	    return TcplabError(interp, "LOOKUP", "TAP",
		    "no TAP device \"%s\"", Tcl_GetString(objv[3]));
	}
	Tcl_SetObjResult(interp, TapInfo(t));
	return TCL_OK;
    case T_LIST: {
	Tcl_Obj *list = Tcl_NewListObj(0, NULL);

	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 3, objv, NULL);
	    return TCL_ERROR;
	}
	for (t = netPtr->tapdevs; t; t = t->next) {
	    Tcl_ListObjAppendElement(NULL, list,
		    Tcl_NewStringObj(t->link->name, -1));
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }
    }
    return TCL_OK;
}

/* Tcl_FreeProc's argument: char * in Tcl 8.6, void * in Tcl 9. */
#if TCL_MAJOR_VERSION < 9
typedef char FreeArg;
#else
typedef void FreeArg;
#endif

static void
TapFree(
    FreeArg *blockPtr)
{
    TapDev *t = (TapDev *) blockPtr;

    ckfree(t->netns);
    ckfree(t);
}

/*
 * TcplabTapCloseAll --
 *	The network goes: stop watching the devices and close them (the
 *	kernel removes a device when its descriptor closes).
 */

void
TcplabTapCloseAll(
    NetObj *netPtr)
{
    while (netPtr->tapdevs) {
	TapDev *t = netPtr->tapdevs;

	netPtr->tapdevs = t->next;
	if (t->fd >= 0) {
	    Tcl_DeleteFileHandler(t->fd);
	    tapdev_tx_stop(t->tx);
	    t->tx = NULL;
	    tapdev_close(t->fd);
	    t->fd = -1;
	}
	t->link->output = NULL;
	t->link->outputArg = NULL;
	/* A file handler running the network may still hold it. */
	Tcl_EventuallyFree(t, TapFree);
    }
}
