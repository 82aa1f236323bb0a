/*
 * tclPcap.c --
 *
 *	The Tcl side of libpcap: capture files ($net trace -file), fault
 *	rules with BPF filters ($net filter), the scope and filter options
 *	shared with text traces, and reading pcap files (tcplab::pcap read).
 *
 *	$net trace -file f.pcap ?-on host|link? ?-dir in|out? ?-filter expr?
 *		?-epoch seconds? ?-snaplen n? ?-linktype ether|raw?
 *	$net trace off ?captureId?
 *	$net trace captures
 *	$net filter add ?-on host|link? ?-dir in|out? -match expr
 *		-action drop|delay|dup ?-delay d? ?-count n?
 *	$net filter remove id
 *	$net filter list
 *	tcplab::pcap read file ?-filter expr?
 */

#include <arpa/inet.h>
#include <string.h>
#include "tcplabInt.h"

struct Capture {
    int id;
    Tcl_Obj *file;		/* As the script gave it. */
    tl_capture *cap;
    Capture *next;
};

/*
 * TcplabGetWatch --
 *	Builds the scope of an observer or a fault rule from the values of
 *	-on (a host, else a link), -dir (in|out, with a host) and -filter or
 *	-match (a BPF expression; names of the network's hosts stand for
 *	their addresses). Any of them may be NULL.
 * Results:
 *	TCL_OK with *w filled in (free with watch_free), or TCL_ERROR.
 */

int
TcplabGetWatch(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Obj *on,
    Tcl_Obj *dir,
    Tcl_Obj *filter,
    tl_watch *w)
{
    static const char *const dirs[] = { "in", "out", NULL };
    char err[CAPTURE_ERRLEN];
    int d = -1;

    watch_init(w);
    if (dir && Tcl_GetIndexFromObj(interp, dir, dirs, "direction", 0, &d)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    if (on) {
	const char *name = Tcl_GetString(on);

	if (net_find_host(netPtr->net, name)) {
	    w->host = tl_strdup(name);
	} else if (net_find_link(netPtr->net, name)) {
	    w->link = tl_strdup(name);
	} else {
	    return TcplabError(interp, "LOOKUP", "ON",
		    "no host or link named \"%s\"", name);
	}
    }
    if (d >= 0) {
	if (w->host == NULL) {
	    watch_free(w);
	    return TcplabError(interp, "VALUE", "DIRECTION",
		    "-dir needs -on host");
	}
	w->dir = d == 0 ? WATCH_IN : WATCH_OUT;
    }
    if (filter) {
	w->filter = bpf_new(netPtr->net, Tcl_GetString(filter), err,
		sizeof(err));
	if (w->filter == NULL) {
	    watch_free(w);
	    return TcplabError(interp, "FILTER", "INVALID",
		    "bad filter expression \"%s\": %s", Tcl_GetString(filter),
		    err);
	}
    }
    return TCL_OK;
}

/* The scope's -on, -dir and filter as dict entries. */
static void
WatchDict(
    Tcl_Obj *d,
    const tl_watch *w,
    const char *filterKey)
{
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("on", -1), Tcl_NewStringObj(
	    w->host ? w->host : w->link ? w->link : "", -1));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("dir", -1), Tcl_NewStringObj(
	    w->dir == WATCH_IN ? "in" : w->dir == WATCH_OUT ? "out" : "", -1));
    Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(filterKey, -1),
	    Tcl_NewStringObj(bpf_expr(w->filter), -1));
}

/*
 *----------------------------------------------------------------------
 * Capture files.
 *----------------------------------------------------------------------
 */

/*
 * TcplabCaptureStart --
 *	$net trace -file f.pcap ?-on host|link? ?-dir in|out? ?-filter expr?
 *		?-epoch seconds? ?-snaplen n? ?-linktype ether|raw?
 *	Starts one more capture (any number run at once) and returns its id.
 *	The link type is Ethernet when every link in scope is a LAN, raw IPv4
 *	otherwise, unless -linktype says.
 */

int
TcplabCaptureStart(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-dir", "-epoch", "-file", "-filter", "-linktype", "-on", "-snaplen",
	NULL
    };
    enum { O_DIR, O_EPOCH, O_FILE, O_FILTER, O_LINKTYPE, O_ON, O_SNAPLEN };
    static const char *const kinds[] = { "ether", "raw", NULL };
    Tcl_Obj *file = NULL, *on = NULL, *dir = NULL, *filter = NULL;
    Tcl_WideInt epoch = 0;
    int snaplen = 262144, kind = -1, idx;
    Tcl_Size i;
    tl_watch w;
    tl_capture *cap;
    Capture *c, **cp;
    const char *path;
    char err[CAPTURE_ERRLEN];

    for (i = 2; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (++i >= objc) {
	    return TcplabMissingArg(interp, opts[idx]);
	}
	switch (idx) {
	case O_DIR:
	    dir = objv[i];
	    break;
	case O_EPOCH:
	    if (Tcl_GetWideIntFromObj(interp, objv[i], &epoch) != TCL_OK) {
		return TCL_ERROR;
	    }
	    if (epoch < 0 || epoch > ((Tcl_WideInt) 1 << 40)) {
		return TcplabError(interp, "VALUE", "EPOCH",
			"epoch %s out of range", Tcl_GetString(objv[i]));
	    }
	    break;
	case O_FILE:
	    file = objv[i];
	    break;
	case O_FILTER:
	    filter = objv[i];
	    break;
	case O_LINKTYPE:
	    if (Tcl_GetIndexFromObj(interp, objv[i], kinds, "link type", 0,
		    &kind) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case O_ON:
	    on = objv[i];
	    break;
	case O_SNAPLEN:
	    if (Tcl_GetIntFromObj(interp, objv[i], &snaplen) != TCL_OK) {
		return TCL_ERROR;
	    }
	    if (snaplen < 1 || snaplen > 262144) {
		return TcplabError(interp, "VALUE", "SNAPLEN",
			"snap length %d out of range 1-262144", snaplen);
	    }
	    break;
	}
    }
    if (file == NULL) {
	Tcl_WrongNumArgs(interp, 2, objv, "-file name ?-on host|link? "
		"?-dir in|out? ?-filter expr? ?-epoch seconds? ?-snaplen n? "
		"?-linktype ether|raw?");
	return TCL_ERROR;
    }
    path = Tcl_FSGetNativePath(file);
    if (path == NULL) {
	return TcplabError(interp, "PCAP", "OPEN", "bad file name \"%s\"",
		Tcl_GetString(file));
    }
    if (TcplabGetWatch(netPtr, interp, on, dir, filter, &w) != TCL_OK) {
	return TCL_ERROR;
    }
    cap = capture_open(netPtr->net, path, kind < 0 ? capture_kind_for(
	    netPtr->net, &w) : kind == 0 ? CAPTURE_ETHER : CAPTURE_RAW,
	    (uint32_t) snaplen, (int64_t) epoch, &w, err, sizeof(err));
    if (cap == NULL) {
	watch_free(&w);
	return TcplabError(interp, "PCAP", "OPEN",
		"couldn't open capture file \"%s\": %s", Tcl_GetString(file),
		err);
    }
    c = ckalloc(sizeof(*c));
    c->id = ++netPtr->nextCapture;
    c->file = file;
    Tcl_IncrRefCount(file);
    c->cap = cap;
    c->next = NULL;
    for (cp = &netPtr->captures; *cp; cp = &(*cp)->next) {
    }
    *cp = c;
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("pcap%d", c->id));
    return TCL_OK;
}

static void
CaptureFree(
    Capture *c)
{
    capture_close(c->cap);
    Tcl_DecrRefCount(c->file);
    ckfree(c);
}

/* Closes every capture file (trace off, network deleted). */
void
TcplabCaptureStopAll(
    NetObj *netPtr)
{
    while (netPtr->captures) {
	Capture *c = netPtr->captures;

	netPtr->captures = c->next;
	CaptureFree(c);
    }
}

/* $net trace off pcapN: closes one capture file. */
int
TcplabCaptureStop(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Obj *idObj)
{
    const char *s = Tcl_GetString(idObj);
    Capture **cp, *c;

    for (cp = &netPtr->captures; (c = *cp) != NULL; cp = &c->next) {
	char name[32];

	snprintf(name, sizeof(name), "pcap%d", c->id);
	if (strcmp(name, s) == 0) {
	    *cp = c->next;
	    CaptureFree(c);
	    return TCL_OK;
	}
    }
    return TcplabError(interp, "LOOKUP", "CAPTURE", "no capture \"%s\"", s);
}

/* $net trace captures: one dict per open capture file. */
Tcl_Obj *
TcplabCaptureList(
    NetObj *netPtr)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    Capture *c;

    for (c = netPtr->captures; c; c = c->next) {
	Tcl_Obj *d = Tcl_NewDictObj();

#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
	PUT("id", Tcl_ObjPrintf("pcap%d", c->id));
	PUT("file", c->file);
	PUT("linktype", Tcl_NewStringObj(c->cap->kind == CAPTURE_RAW ? "raw"
		: "ether", -1));
	WatchDict(d, &c->cap->watch, "filter");
	PUT("frames", Tcl_NewWideIntObj((Tcl_WideInt) c->cap->frames));
#undef PUT
	Tcl_ListObjAppendElement(NULL, list, d);
    }
    return list;
}

/*
 *----------------------------------------------------------------------
 * Fault rules.
 *----------------------------------------------------------------------
 */

static const char *const actionNames[] = { "drop", "delay", "dup", NULL };

/*
 * $net filter add ?-on host|link? ?-dir in|out? -match expr
 *	-action drop|delay|dup ?-delay d? ?-count n?
 */

static int
FilterAdd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = {
	"-action", "-count", "-delay", "-dir", "-match", "-on", NULL
    };
    enum { O_ACTION, O_COUNT, O_DELAY, O_DIR, O_MATCH, O_ON };
    Tcl_Obj *on = NULL, *dir = NULL, *match = NULL;
    int action = -1, idx, haveDelay = 0;
    Tcl_WideInt count = -1;
    tl_time delay = 0;
    Tcl_Size i;
    tl_watch w;
    tl_fault *f;

    for (i = 3; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (++i >= objc) {
	    return TcplabMissingArg(interp, opts[idx]);
	}
	switch (idx) {
	case O_ACTION:
	    if (Tcl_GetIndexFromObj(interp, objv[i], actionNames, "action", 0,
		    &action) != TCL_OK) {
		return TCL_ERROR;
	    }
	    break;
	case O_COUNT:
	    if (Tcl_GetWideIntFromObj(interp, objv[i], &count) != TCL_OK) {
		return TCL_ERROR;
	    }
	    if (count < 1) {
		return TcplabError(interp, "VALUE", "COUNT",
			"count must be at least 1, got %s",
			Tcl_GetString(objv[i]));
	    }
	    break;
	case O_DELAY:
	    if (TcplabGetDuration(interp, objv[i], &delay) != TCL_OK) {
		return TCL_ERROR;
	    }
	    haveDelay = 1;
	    break;
	case O_DIR:
	    dir = objv[i];
	    break;
	case O_MATCH:
	    match = objv[i];
	    break;
	case O_ON:
	    on = objv[i];
	    break;
	}
    }
    if (match == NULL || action < 0) {
	Tcl_WrongNumArgs(interp, 3, objv, "?-on host|link? ?-dir in|out? "
		"-match expr -action drop|delay|dup ?-delay d? ?-count n?");
	return TCL_ERROR;
    }
    if ((action == FAULT_DELAY) != haveDelay) {
	return TcplabError(interp, "VALUE", "DELAY", haveDelay
		? "-delay applies to -action delay only"
		: "-action delay needs -delay");
    }
    if (TcplabGetWatch(netPtr, interp, on, dir, match, &w) != TCL_OK) {
	return TCL_ERROR;
    }
    f = net_fault_add(netPtr->net, watch_fault_match, watch_new_fault(&w),
	    watch_fault_free, (tl_faultaction) action, delay, (long) count);
    Tcl_SetObjResult(interp, Tcl_NewIntObj(f->id));
    return TCL_OK;
}

static Tcl_Obj *
FilterList(
    NetObj *netPtr)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    tl_fault *f;

    for (f = netPtr->net->faults; f; f = f->next) {
	Tcl_Obj *d;

	if (f->match != watch_fault_match) {
	    continue;
	}
	d = Tcl_NewDictObj();
#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
	PUT("id", Tcl_NewIntObj(f->id));
	WatchDict(d, f->matchArg, "match");
	PUT("action", Tcl_NewStringObj(actionNames[f->action], -1));
	PUT("delay", TcplabNewTime(f->delay));
	PUT("count", Tcl_NewWideIntObj(f->count));
	PUT("hits", Tcl_NewWideIntObj(f->hits));
#undef PUT
	Tcl_ListObjAppendElement(NULL, list, d);
    }
    return list;
}

/*
 * TcplabFilterCmd --
 *	$net filter add|remove|list: fault rules that drop, delay or
 *	duplicate the frames a BPF expression matches, as they leave.
 */

int
TcplabFilterCmd(
    NetObj *netPtr,
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const subs[] = { "add", "list", "remove", NULL };
    enum { F_ADD, F_LIST, F_REMOVE };
    int idx, id;

    if (objc < 3) {
	Tcl_WrongNumArgs(interp, 2, objv, "add|list|remove ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[2], subs, "subcommand", 0, &idx)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    switch (idx) {
    case F_ADD:
	return FilterAdd(netPtr, interp, objc, objv);
    case F_LIST:
	if (objc != 3) {
	    Tcl_WrongNumArgs(interp, 3, objv, NULL);
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, FilterList(netPtr));
	return TCL_OK;
    case F_REMOVE: {
	tl_fault *f;

	if (objc != 4) {
	    Tcl_WrongNumArgs(interp, 3, objv, "id");
	    return TCL_ERROR;
	}
	if (Tcl_GetIntFromObj(NULL, objv[3], &id) == TCL_OK) {
	    for (f = netPtr->net->faults; f; f = f->next) {
		if (f->id == id && f->match == watch_fault_match) {
		    net_fault_remove(netPtr->net, id);
		    return TCL_OK;
		}
	    }
	}
	return TcplabError(interp, "LOOKUP", "FILTER", "no filter rule \"%s\"",
		Tcl_GetString(objv[3]));
    }
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 * Reading pcap files.
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
AddrObj(
    int family,
    const uint8_t *a)
{
    char buf[INET6_ADDRSTRLEN];

    if (family == 4) {
	return Tcl_ObjPrintf("%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    }
    if (inet_ntop(AF_INET6, a, buf, sizeof(buf)) == NULL) {
	buf[0] = '\0';
    }
    return Tcl_NewStringObj(buf, -1);
}

/*
 * tcplab::pcap read file ?-filter expr?
 *	One dict per TCP segment in the file (any link type libpcap reads
 *	and tcplab knows: Ethernet, raw IP, Linux cooked, BSD loopback):
 *	time src sport dst dport flags seq ack win len options urg.
 */

static int
PcapRead(
    Tcl_Interp *interp,
    Tcl_Size objc,
    Tcl_Obj *const objv[])
{
    static const char *const opts[] = { "-filter", NULL };
    Tcl_Obj *filter = NULL, *list;
    const char *path;
    char err[CAPTURE_ERRLEN];
    tl_pcapreader *r;
    tl_pcapseg s;
    int64_t sec;
    long usec;
    int idx, rc;
    Tcl_Size i;

    if (objc < 3) {
	Tcl_WrongNumArgs(interp, 2, objv, "file ?-filter expr?");
	return TCL_ERROR;
    }
    for (i = 3; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], opts, "option", TCL_EXACT,
		&idx) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (++i >= objc) {
	    return TcplabMissingArg(interp, opts[idx]);
	}
	filter = objv[i];
    }
    path = Tcl_FSGetNativePath(objv[2]);
    if (path == NULL) {
	return TcplabError(interp, "PCAP", "READ", "bad file name \"%s\"",
		Tcl_GetString(objv[2]));
    }
    r = pcapr_open(path, err, sizeof(err));
    if (r == NULL) {
	return TcplabError(interp, "PCAP", "READ",
		"couldn't read capture file \"%s\": %s",
		Tcl_GetString(objv[2]), err);
    }
    if (filter && !pcapr_setfilter(r, Tcl_GetString(filter), err,
	    sizeof(err))) {
	pcapr_close(r);
	return TcplabError(interp, "FILTER", "INVALID",
		"bad filter expression \"%s\": %s", Tcl_GetString(filter),
		err);
    }
    list = Tcl_NewListObj(0, NULL);
    while ((rc = pcapr_next(r, &sec, &usec, &s, err, sizeof(err))) == 1) {
	Tcl_Obj *d = Tcl_NewDictObj();

#define PUT(k, v) Tcl_DictObjPut(NULL, d, Tcl_NewStringObj(k, -1), (v))
	PUT("time", Tcl_ObjPrintf("%lld.%06ld", (long long) sec, usec));
	PUT("src", AddrObj(s.family, s.src));
	PUT("sport", Tcl_NewIntObj(s.th.sport));
	PUT("dst", AddrObj(s.family, s.dst));
	PUT("dport", Tcl_NewIntObj(s.th.dport));
	PUT("flags", TcplabFlagsObj(s.th.flags));
	PUT("seq", Tcl_NewWideIntObj(s.th.seq));
	PUT("ack", Tcl_NewWideIntObj(s.th.ack));
	PUT("win", Tcl_NewIntObj(s.th.win));
	PUT("len", Tcl_NewWideIntObj(s.th.datalen));
	PUT("options", TcplabOptionsObj(s.th.optbytes, s.th.optlen));
	PUT("urg", Tcl_NewIntObj(s.th.urp));
#undef PUT
	Tcl_ListObjAppendElement(NULL, list, d);
    }
    pcapr_close(r);
    if (rc < 0) {
	Tcl_DecrRefCount(list);
	return TcplabError(interp, "PCAP", "READ",
		"error reading capture file \"%s\": %s",
		Tcl_GetString(objv[2]), err);
    }
    Tcl_SetObjResult(interp, list);
    return TCL_OK;
}

/*
 * TcplabPcapCmd --
 *	tcplab::pcap subcommand ?arg ...?: a table of subcommands, each row
 *	its name and procedure (which checks its own arguments).
 *
 *	tcplab::pcap read file ?-filter expr?
 */

typedef struct {
    const char *name;
    int (*proc)(Tcl_Interp *interp, Tcl_Size objc, Tcl_Obj *const objv[]);
} PcapSubcommand;

static const PcapSubcommand pcapSubcommands[] = {
    {"read", PcapRead},
    {NULL, NULL}
};

int
TcplabPcapCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int idx;

    (void) clientData;
    if (objc < 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "subcommand ?arg ...?");
	return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObjStruct(interp, objv[1], pcapSubcommands,
	    sizeof(PcapSubcommand), "subcommand", 0, &idx) != TCL_OK) {
	return TCL_ERROR;
    }
    return pcapSubcommands[idx].proc(interp, objc, objv);
}
