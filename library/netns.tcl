# netns.tcl --
#
#	tcplab::netns: network namespaces for experiments against the Linux
#	kernel (TAP devices, $net tap create). Thin wrappers around
#	"ip netns" (iproute2), so that a script creates, uses and always
#	removes its namespaces:
#
#	    set ns [tcplab::netns create]
#	    try {
#		set net [tcplab::network create -clock real]
#		...
#	    } finally {
#		tcplab::netns delete $ns
#	    }
#
#	A namespace made here also goes when the process ends without
#	deleting it: at exit, and on SIGINT, SIGTERM and SIGHUP (the C side,
#	tclNetns.c, holds the list and the signal handlers). A process killed
#	with SIGKILL leaves its namespaces behind; the next create removes
#	those whose process is gone (sweep).
#
#	Errors carry {TCPLAB NETNS <what> <name>}: CREATE, DELETE, LOOKUP (no
#	such namespace), SYSCTL, IP (no ip program).
#
#	Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN). Nothing here sends a
#	frame: traffic exists only between tcplab and the namespace's kernel.

namespace eval ::tcplab::netns {
    namespace export create delete exec exists list pids spawn sweep sysctl
    namespace ensemble create
    variable counter 0
}

# Runs ip with the arguments; an error of ip's becomes
# {TCPLAB NETNS <code> <name>} with "couldn't <what>: <ip's message>".
proc ::tcplab::netns::Ip {code name what args} {
    try {
	::exec ip {*}$args
    } trap {POSIX ENOENT} {} {
	return -code error -errorcode [::list TCPLAB NETNS IP $name] \
	    "couldn't $what: no ip program (install iproute2)"
    } on error {msg} {
	return -code error -errorcode [::list TCPLAB NETNS $code $name] \
	    "couldn't $what: [string trim $msg]"
    }
}

# An error unless the namespace exists.
proc ::tcplab::netns::Need {name} {
    if {![exists $name]} {
	return -code error -errorcode [::list TCPLAB NETNS LOOKUP $name] \
	    "no network namespace \"$name\""
    }
}

# tcplab::netns create ?name?
#	Makes a network namespace (a fresh kernel network stack: its own
#	interfaces, routes, sockets and net.* sysctls) with its loopback up,
#	and returns its name. Without a name, picks "tcplab-<pid>-<n>".
#	First removes the namespaces that killed processes left (sweep).
proc ::tcplab::netns::create {args} {
    variable counter
    if {[llength $args] > 1} {
	return -code error -errorcode {TCL WRONGARGS} \
	    {wrong # args: should be "tcplab::netns create ?name?"}
    }
    set name [lindex $args 0]
    sweep
    if {$name eq {}} {
	while {1} {
	    set name tcplab-[pid]-[incr counter]
	    if {![exists $name]} break
	}
    }
    set ip [lindex [auto_execok ip] 0]
    Ip CREATE $name "create network namespace \"$name\"" netns add $name
    try {
	# Recorded at once, so that a signal from here on removes it.
	if {$ip ne {}} {
	    Track [file normalize $ip] $name
	}
	Ip CREATE $name "set up network namespace \"$name\"" \
	    -n $name link set lo up
    } on error {msg opts} {
	catch {delete $name}
	return -options $opts $msg
    }
    return $name
}

# tcplab::netns sweep ?prefix?
#	Removes the namespaces named <prefix>-<pid>-<n> (prefix "tcplab", as
#	create names them) whose process <pid> is gone: what a process killed
#	before it could delete them left behind. Returns their names.
proc ::tcplab::netns::sweep {{prefix tcplab}} {
    if {[catch {list} all]} {
	return {}
    }
    set gone {}
    foreach n $all {
	if {[regexp {^(.*)-(\d+)-\d+$} $n -> pre p] && $pre eq $prefix
		&& $p != [pid] && ![file exists /proc/$p]} {
	    if {![catch {delete $n}]} {
		lappend gone $n
	    }
	}
    }
    return $gone
}

# tcplab::netns exists name
proc ::tcplab::netns::exists {name} {
    expr {$name in [list]}
}

# tcplab::netns list: the names of the system's network namespaces.
proc ::tcplab::netns::list {} {
    set out {}
    # Standard error is ignored: ip complains about a namespace that
    # another process removes while it lists them.
    foreach line [split [Ip LIST {} "list network namespaces" netns list \
	    2>/dev/null] \n] {
	if {[string trim $line] ne {}} {
	    lappend out [lindex $line 0]
	}
    }
    return $out
}

# tcplab::netns pids name: the processes running in the namespace.
proc ::tcplab::netns::pids {name} {
    Need $name
    Ip LOOKUP $name "list the processes of network namespace \"$name\"" \
	netns pids $name
}

# tcplab::netns delete name
#	Ends the processes still running in the namespace (the helpers a
#	script started there), then removes it. Errors only when the
#	namespace cannot be removed.
proc ::tcplab::netns::delete {name} {
    Need $name
    if {[catch {pids $name} ps] == 0} {
	foreach p $ps {
	    catch {::exec kill -KILL $p}
	}
    }
    Ip DELETE $name "delete network namespace \"$name\"" netns delete $name
    Untrack $name
}

# tcplab::netns exec name command ?arg ...?
#	Runs a program in the namespace, as exec does (I/O redirections
#	included) and returns its output.
proc ::tcplab::netns::exec {name args} {
    Need $name
    ::exec ip netns exec $name {*}$args
}

# tcplab::netns sysctl name key ?value?
#	Reads or sets one of the namespace's own sysctls (net.ipv4.* are per
#	namespace: tcp_synack_retries, tcp_fin_timeout, ...).
proc ::tcplab::netns::sysctl {name key args} {
    if {[llength $args] > 1} {
	return -code error -errorcode {TCL WRONGARGS} \
	    {wrong # args: should be "tcplab::netns sysctl name key ?value?"}
    }
    Need $name
    try {
	if {[llength $args]} {
	    ::exec ip netns exec $name sysctl -q -w $key=[lindex $args 0]
	}
	::exec ip netns exec $name sysctl -n $key
    } trap CHILDSTATUS {msg} {
	return -code error -errorcode [::list TCPLAB NETNS SYSCTL $name $key] \
	    "couldn't [expr {[llength $args] ? "set" : "read"}] $key in\
	    network namespace \"$name\": [string trim $msg]"
    }
}

# tcplab::netns spawn name script
#	Runs a Tcl script with a tclsh of the namespace (so its sockets are
#	the kernel's TCP there) and returns a channel that reads what the
#	script prints (standard output and error). Close the channel, or
#	delete the namespace, to end it.
proc ::tcplab::netns::spawn {name script} {
    Need $name
    set tclsh [info nameofexecutable]
    if {$tclsh eq {} || ![string match *tclsh* [file tail $tclsh]]} {
	set tclsh tclsh
    }
    set chan [open |[::list ip netns exec $name $tclsh << $script 2>@1] r]
    fconfigure $chan -blocking 0 -buffering line
    return $chan
}
