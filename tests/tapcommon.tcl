# tapcommon.tcl --
#
#	Helpers of the TAP test files (tap*.test): a network namespace per
#	test with a TAP device in it, tcplab's host "me" (192.0.2.2) on it,
#	the kernel at 192.0.2.1, and a scripted kernel-side peer
#	(tapagent.tcl) driven through a pipe. Every namespace a test makes is
#	removed by tap::cleanup, also when the test fails.

source [file join [file dirname [info script]] common.tcl]

namespace eval tap {
    variable dir [file dirname [file normalize [info script]]]
    variable ns {}
    variable net {}
    variable agent {}
    variable events {}
    variable counter 0
    variable prefix tltest-[pid]
}

# Why TAP tests cannot run here, or "" when they can.
proc tap::unsupported {} {
    if {$::tcl_platform(os) ne "Linux"} {
	return "not Linux"
    }
    if {[catch {exec id -u} uid] || $uid != 0} {
	return "not root"
    }
    if {![file exists /dev/net/tun]} {
	return "no /dev/net/tun"
    }
    if {![file readable /dev/net/tun] || ![file writable /dev/net/tun]} {
	return "/dev/net/tun is not read-writable"
    }
    foreach prog {ip ss sysctl} {
	if {[auto_execok $prog] eq ""} {
	    return "no $prog program (iproute2, procps)"
	}
    }
    return ""
}

set tap::why [tap::unsupported]
testConstraint tap [expr {$tap::why eq ""}]
if {$tap::why ne ""} {
    puts "[file tail $::argv0]: TAP tests skipped: $tap::why\
	(they need root, /dev/net/tun and iproute2)"
}

# Programs started from here run without the sanitizer runtimes that
# make test-asan preloads into tclsh (ip, ss and the kernel-side tclsh
# are not instrumented, and their leaks are not ours).
foreach v {LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS} {
    unset -nocomplain ::env($v)
}

# Namespaces left by an earlier run that was killed: their process is
# gone, so they can go too (a second run on the same machine starts
# clean). tcplab::netns create sweeps its own "tcplab-" names.
proc tap::sweep {} {
    catch {tcplab::netns sweep tltest}
}

# tap::setup ?-profile p? ?-mtu n? ?-agent bool? ?-offload bool? ?-forward bool?
#	    ?-kernel a.b.c.d/n? ?-addr a.b.c.d/n?
#	A namespace, a network on real time with host "me" on a TAP device
#	in it, a recording of every segment, and the kernel-side agent.
proc tap::setup {args} {
    variable ns
    variable net
    variable counter
    variable prefix
    set opts [dict merge {-profile linux -mtu 1500 -agent 1 -offload 0 -forward 0
	-kernel 192.0.2.1/24 -addr 192.0.2.2/24} $args]
    set ns [tcplab::netns create $prefix-[incr counter]]
    try {
	set net [tcplab::network create -clock real]
	$net host create me -profile [dict get $opts -profile] \
	    -forward [dict get $opts -forward]
	$net tap create tap0 me -netns $ns -kernel [dict get $opts -kernel] \
	    -addr [dict get $opts -addr] -mtu [dict get $opts -mtu] \
	    -offload [dict get $opts -offload]
	$net record start
	if {[dict get $opts -agent]} {
	    agent
	}
    } on error {msg eopts} {
	cleanup
	return -options $eopts $msg
    }
    return $net
}

# tap::cleanup: the agent, the network (and so the device), the namespace.
proc tap::cleanup {} {
    variable ns
    variable net
    variable agent
    if {$agent ne ""} {
	catch {close $agent}
	set agent {}
    }
    if {$net ne ""} {
	catch {$net destroy}
	set net {}
    }
    if {$ns ne ""} {
	catch {tcplab::netns delete $ns}
	set ns {}
    }
}

# tap::agent: starts the kernel-side peer in the namespace.
proc tap::agent {} {
    variable ns
    variable agent
    variable events {}
    variable seq 0
    variable dir
    set tclsh [info nameofexecutable]
    set agent [open |[list ip netns exec $ns $tclsh \
	[file join $dir tapagent.tcl] 2>@1] r+]
    fconfigure $agent -blocking 0 -buffering line
    fileevent $agent readable [list tap::AgentReadable $agent]
    await ready
}

proc tap::AgentReadable {chan} {
    variable events
    while {[gets $chan line] >= 0} {
	lappend events $line
    }
    if {[eof $chan]} {
	fileevent $chan readable {}
	lappend events "agent-exit"
    }
}

# tap::tell command: has the agent carry out a command, running the
# network until it has.
proc tap::tell {cmd} {
    variable agent
    variable seq
    puts $agent $cmd
    flush $agent
    await "done [incr seq]"
    return
}

# tap::ssuntil pattern ?timeout?: runs the network until the kernel's
# connections (tap::ss without listeners) match the glob pattern, since
# the kernel's state may lag tcplab's by a segment in flight.
proc tap::ssuntil {pattern {timeout 2000}} {
    variable net
    set end [expr {[clock milliseconds] + $timeout}]
    while {![string match $pattern [set s [conns]]]} {
	if {[clock milliseconds] > $end} {
	    return -code error "kernel sockets {$s} do not match {$pattern}"
	}
	$net run 10ms
    }
    return $s
}

# tap::conns: the kernel's sockets other than listeners.
proc tap::conns {} {
    lsearch -all -inline -not -index 0 [ss] LISTEN
}

# tap::seen pattern: the first event matching the glob pattern, or "".
proc tap::seen {pattern} {
    variable events
    set i [lsearch -glob $events $pattern]
    expr {$i < 0 ? "" : [lindex $events $i]}
}

# tap::await pattern ?timeout?: runs the network until the agent reports
# an event matching the pattern; returns it, or errors out.
proc tap::await {pattern {timeout 5s}} {
    variable net
    variable events
    if {![$net run -until "\[[list tap::seen $pattern]\] ne {}" \
	    -timeout $timeout]} {
	return -code error "no kernel event \"$pattern\" within $timeout;\
	    got: $events"
    }
    seen $pattern
}

# tap::until condition ?timeout?: runs the network until the expression
# (evaluated in the caller's frame) is true, or errors out.
proc tap::until {cond {timeout 5s}} {
    variable net
    variable events
    if {![uplevel 1 [list $net run -until $cond -timeout $timeout]]} {
	return -code error "\"$cond\" not true within $timeout;\
	    kernel: $events"
    }
}

# tap::establish dir: an established connection, opened by tcplab ("tcplab":
# me connects to the kernel's listener on port 5001) or by the kernel
# ("kernel": the kernel connects to me). Returns tcplab's end.
proc tap::establish {dir {port 5001}} {
    variable net
    if {$dir eq "tcplab"} {
	tell "listen $port"
	await "listening *"
	set c [me connect 192.0.2.1 $port]
	await "accepted *"
	until {[$c state] eq "ESTABLISHED"}
    } else {
	set l [me listen $port]
	tell "connect 192.0.2.2 $port"
	await "connected *"
	until {[$l pending] > 0}
	set c [$l accept]
	$l close
    }
    return $c
}

# tap::ss: the kernel's TCP sockets in the namespace, as {state local
# peer} triples (ss -tan; state names as ss prints them: ESTAB,
# CLOSE-WAIT, TIME-WAIT, ...).
proc tap::ss {} {
    variable ns
    set out {}
    foreach line [lrange [split [tcplab::netns exec $ns ss -tanH] \n] 0 end] {
	if {[llength $line] >= 5} {
	    lappend out [list [lindex $line 0] [lindex $line 3] [lindex $line 4]]
	}
    }
    return $out
}

tap::sweep
