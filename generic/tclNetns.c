/*
 * tclNetns.c --
 *
 *	Network namespaces made by tcplab::netns create (library/netns.tcl)
 *	go when the process goes: at exit (a Tcl exit handler), and when
 *	SIGINT, SIGTERM or SIGHUP would end it. Tcl has no signal API, so a
 *	handler is installed here, for each of those signals whose disposition
 *	is still the default one (a signal the process ignores, or that
 *	something else handles, is left alone), while a namespace is ours.
 *	The handler removes the namespaces with "ip netns delete" after
 *	killing what runs in them ("ip netns pids"), using only
 *	async-signal-safe calls (vfork, execve, pipe, read, waitpid, kill:
 *	not fork, whose atfork handlers, Tcl's notifier's among them, take
 *	locks the interrupted thread may hold), so
 *	it works whatever the interpreter is doing when the signal comes (a
 *	long $net run, a vwait, a blocking exec); then it restores the default
 *	disposition and raises the signal again, so the process ends as the
 *	signal says (a shell sees 130 for SIGINT). SIGKILL cannot be caught:
 *	tcplab::netns create sweeps what such a death left behind.
 *
 *	::tcplab::netns::Track ip name	records a namespace as ours ("ip" is
 *					the path of the ip program)
 *	::tcplab::netns::Untrack name	forgets it (it was deleted)
 *	::tcplab::netns::Tracked		the namespaces recorded
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tcplabInt.h"

extern char **environ;

#define NS_MAX		64	/* Namespaces a process may hold. */
#define NS_NAMELEN	64	/* Bytes of a name, with its NUL. */
#define IP_PATHLEN	256

/*
 * The record is read by a signal handler: fixed storage, each slot's name
 * written before the slot is marked used.
 */
typedef struct {
    volatile sig_atomic_t used;
    char name[NS_NAMELEN];
} Slot;

static Slot slots[NS_MAX];
static char ipPath[IP_PATHLEN];
static pid_t owner;		/* Only this process cleans up (not a child
				 * between fork and exec). */
static int installed;
static const int catchable[] = { SIGINT, SIGTERM, SIGHUP };
TCL_DECLARE_MUTEX(netnsMutex)

/*
 * RunIp --
 *	Runs ip with the arguments, its standard error discarded and its
 *	standard output read into out (at most outlen-1 bytes, NUL
 *	terminated) when out is not NULL. Async-signal-safe.
 */

static void
RunIp(
    char *const argv[],
    char *out,
    size_t outlen)
{
    int fds[2] = { -1, -1 };
    pid_t pid;
    size_t n = 0;

    if (out) {
	out[0] = '\0';
	if (pipe(fds) != 0) {
	    return;
	}
    }
    pid = vfork();
    if (pid == 0) {
	/* Only system calls here: the child shares the parent's memory. */
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
	    dup2(null, 0);
	    dup2(null, 2);
	    if (!out) {
		dup2(null, 1);
	    }
	}
	if (out) {
	    dup2(fds[1], 1);
	    close(fds[0]);
	    close(fds[1]);
	}
	execve(ipPath, argv, environ);
	_exit(127);
    }
    if (out) {
	close(fds[1]);
	while (pid > 0 && n + 1 < outlen) {
	    ssize_t r = read(fds[0], out + n, outlen - 1 - n);

	    if (r > 0) {
		n += (size_t) r;
	    } else if (r == 0 || errno != EINTR) {
		break;
	    }
	}
	out[n] = '\0';
	close(fds[0]);
    }
    if (pid > 0) {
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
	}
    }
}

/* Kills what runs in the namespace, then removes it. Async-signal-safe. */
static void
Remove(
    char *name)
{
    char out[1024];
    char *pidsArgv[] = { "ip", "netns", "pids", name, NULL };
    char *delArgv[] = { "ip", "netns", "delete", name, NULL };
    const char *p;

    RunIp(pidsArgv, out, sizeof(out));
    for (p = out; *p; ) {
	long v = 0;

	while (*p && (*p < '0' || *p > '9')) {
	    p++;
	}
	if (!*p) {
	    break;
	}
	while (*p >= '0' && *p <= '9') {
	    v = v * 10 + (*p++ - '0');
	}
	if (v > 1 && v != (long) owner) {
	    kill((pid_t) v, SIGKILL);
	}
    }
    RunIp(delArgv, NULL, 0);
}

static void
RemoveAll(void)
{
    int i;

    if (getpid() != owner || ipPath[0] == '\0') {
	return;
    }
    for (i = 0; i < NS_MAX; i++) {
	if (slots[i].used) {
	    Remove(slots[i].name);
	    slots[i].used = 0;
	}
    }
}

static void
OnSignal(
    int sig)
{
    int saved = errno;
    struct sigaction dfl;

    RemoveAll();
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    /* Blocked while this handler runs: delivered, with the default
     * action, as it returns. */
    raise(sig);
    errno = saved;
}

static void
OnExit(
    void *clientData)
{
    (void) clientData;
    RemoveAll();
}

/* Installs the handlers for the catchable signals still at SIG_DFL. */
static void
Install(void)
{
    size_t i;

    if (installed) {
	return;
    }
    installed = 1;
    owner = getpid();
    for (i = 0; i < sizeof(catchable) / sizeof(catchable[0]); i++) {
	struct sigaction old, act;

	if (sigaction(catchable[i], NULL, &old) != 0
		|| (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) {
	    continue;
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = OnSignal;
	sigemptyset(&act.sa_mask);
	for (size_t j = 0; j < sizeof(catchable) / sizeof(catchable[0]); j++) {
	    /* One cleanup at a time. */
	    sigaddset(&act.sa_mask, catchable[j]);
	}
	act.sa_flags = SA_RESTART;
	sigaction(catchable[i], &act, NULL);
    }
    Tcl_CreateExitHandler(OnExit, NULL);
}

static int
Find(
    const char *name)
{
    int i;

    for (i = 0; i < NS_MAX; i++) {
	if (slots[i].used && strcmp(slots[i].name, name) == 0) {
	    return i;
	}
    }
    return -1;
}

static int
TrackCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    const char *ip, *name;
    int i;

    (void) clientData;
    if (objc != 3) {
	Tcl_WrongNumArgs(interp, 1, objv, "ip name");
	return TCL_ERROR;
    }
    ip = Tcl_GetString(objv[1]);
    name = Tcl_GetString(objv[2]);
    if (strlen(ip) >= IP_PATHLEN || ip[0] != '/') {
	return TcplabError(interp, "NETNS", "IP",
		"expected the absolute path of the ip program but got \"%s\"",
		ip);
    }
    if (strlen(name) >= NS_NAMELEN) {
	return TcplabError(interp, "NETNS", "NAME",
		"network namespace name \"%s\" is too long (at most %d bytes)",
		name, NS_NAMELEN - 1);
    }
    Tcl_MutexLock(&netnsMutex);
    if (Find(name) < 0) {
	for (i = 0; i < NS_MAX && slots[i].used; i++) {
	}
	if (i == NS_MAX) {
	    Tcl_MutexUnlock(&netnsMutex);
	    return TcplabError(interp, "LIMIT", "NETNS",
		    "too many network namespaces (at most %d)", NS_MAX);
	}
	if (ipPath[0] == '\0') {
	    strcpy(ipPath, ip);
	}
	strcpy(slots[i].name, name);
	slots[i].used = 1;
	Install();
    }
    Tcl_MutexUnlock(&netnsMutex);
    return TCL_OK;
}

static int
UntrackCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int i;

    (void) clientData;
    if (objc != 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "name");
	return TCL_ERROR;
    }
    Tcl_MutexLock(&netnsMutex);
    i = Find(Tcl_GetString(objv[1]));
    if (i >= 0) {
	slots[i].used = 0;
    }
    Tcl_MutexUnlock(&netnsMutex);
    return TCL_OK;
}

static int
TrackedCmd(
    void *clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *list;
    int i;

    (void) clientData;
    if (objc != 1) {
	Tcl_WrongNumArgs(interp, 1, objv, NULL);
	return TCL_ERROR;
    }
    list = Tcl_NewListObj(0, NULL);
    Tcl_MutexLock(&netnsMutex);
    for (i = 0; i < NS_MAX; i++) {
	if (slots[i].used) {
	    Tcl_ListObjAppendElement(NULL, list,
		    Tcl_NewStringObj(slots[i].name, -1));
	}
    }
    Tcl_MutexUnlock(&netnsMutex);
    Tcl_SetObjResult(interp, list);
    return TCL_OK;
}

/*
 * TcplabNetnsInit --
 *	The commands above, in ::tcplab::netns (netns.tcl adds the rest).
 */

void
TcplabNetnsInit(
    Tcl_Interp *interp)
{
    if (Tcl_FindNamespace(interp, "::tcplab::netns", NULL, 0) == NULL) {
	Tcl_CreateNamespace(interp, "::tcplab::netns", NULL, NULL);
    }
    Tcl_CreateObjCommand(interp, "::tcplab::netns::Track", TrackCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::tcplab::netns::Untrack", UntrackCmd,
	    NULL, NULL);
    Tcl_CreateObjCommand(interp, "::tcplab::netns::Tracked", TrackedCmd,
	    NULL, NULL);
}
