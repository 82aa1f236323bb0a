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
#	Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN). Nothing here sends a
#	frame: traffic exists only between tcplab and the namespace's kernel.

namespace eval ::tcplab::netns {
    namespace export create delete exec exists list pids spawn sysctl
    namespace ensemble create
    variable counter 0
}

# tcplab::netns create ?name?
#	Makes a network namespace (a fresh kernel network stack: its own
#	interfaces, routes, sockets and net.* sysctls) with its loopback up,
#	and returns its name. Without a name, picks "tcplab-<pid>-<n>".
proc ::tcplab::netns::create {{name {}}} {
    variable counter
    if {$name eq {}} {
	while {1} {
	    set name tcplab-[pid]-[incr counter]
	    if {![exists $name]} break
	}
    }
    ::exec ip netns add $name
    try {
	::exec ip -n $name link set lo up
    } on error {msg opts} {
	catch {::exec ip netns delete $name}
	return -options $opts $msg
    }
    return $name
}

# tcplab::netns exists name
proc ::tcplab::netns::exists {name} {
    expr {$name in [list]}
}

# tcplab::netns list: the names of the system's network namespaces.
proc ::tcplab::netns::list {} {
    set out {}
    foreach line [split [::exec ip netns list] \n] {
	if {[string trim $line] ne {}} {
	    lappend out [lindex $line 0]
	}
    }
    return $out
}

# tcplab::netns pids name: the processes running in the namespace.
proc ::tcplab::netns::pids {name} {
    ::exec ip netns pids $name
}

# tcplab::netns delete name
#	Ends the processes still running in the namespace (the helpers a
#	script started there), then removes it. Errors only when the
#	namespace cannot be removed.
proc ::tcplab::netns::delete {name} {
    if {[catch {pids $name} ps] == 0} {
	foreach p $ps {
	    catch {::exec kill -KILL $p}
	}
    }
    ::exec ip netns delete $name
}

# tcplab::netns exec name command ?arg ...?
#	Runs a program in the namespace, as exec does (I/O redirections
#	included) and returns its output.
proc ::tcplab::netns::exec {name args} {
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
    if {[llength $args]} {
	::exec ip netns exec $name sysctl -q -w $key=[lindex $args 0]
    }
    ::exec ip netns exec $name sysctl -n $key
}

# tcplab::netns spawn name script
#	Runs a Tcl script with a tclsh of the namespace (so its sockets are
#	the kernel's TCP there) and returns a channel that reads what the
#	script prints (standard output and error). Close the channel, or
#	delete the namespace, to end it.
proc ::tcplab::netns::spawn {name script} {
    set tclsh [info nameofexecutable]
    if {$tclsh eq {} || ![string match *tclsh* [file tail $tclsh]]} {
	set tclsh tclsh
    }
    set chan [open |[::list ip netns exec $name $tclsh << $script 2>@1] r]
    fconfigure $chan -blocking 0 -buffering line
    return $chan
}
