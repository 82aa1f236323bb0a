#!/usr/bin/env tclsh
# tap.tcl --
#
#	Benchmark (not a test): bulk transfer between tcplab and the Linux
#	kernel over a TAP device (MTU 1500) in a network namespace, both ways,
#	on a device without offloads and on one with them (-offload 1), next
#	to kernel -> kernel over a veth pair between two namespaces in the
#	same run. Prints Mbit/s of payload for each. Needs root and
#	/dev/net/tun; every namespace it makes is removed at the end.
#
#	TCLLIBPATH=. tclsh bench/tap.tcl ?megabytes? ?repeats?
#
#	The kernel's ends are tclsh programs with Tcl's own sockets (1 MiB
#	writes and reads), the same on the TAP and the veth runs. tcplab
#	receives with its discard service (in C), and again with `$c recv` on
#	each readable event (a Tcl callback per segment), and sends with
#	`$c source` (generated data, as the sock program's source mode).
#	Each figure is the best of the repeats; times run from the first byte
#	sent to the receiver's end of stream.
#
#	In the same run, on TAP devices of their own in the same namespace
#	(MTU 1500, no offloads): the ceiling of the device, frames per second
#	that a plain read() loop takes from the kernel and a plain write()
#	loop gives it (bench/tapraw.c, built with cc), and, where pkg-config
#	knows lwip (Debian: liblwip-dev), lwIP 2.1.3 moving the same bytes
#	both ways (bench/lwipbench.c, its discard service and a source).

package require tcplab

set mb [expr {[llength $argv] > 0 ? [lindex $argv 0] : 256}]
set repeats [expr {[llength $argv] > 1 ? [lindex $argv 1] : 3}]
set bytes [expr {$mb * 1048576}]

# The kernel's side: a sender or a receiver, reporting on stdout.
set peer {
    fconfigure stdout -buffering line
    lassign $argv role addr port bytes
    proc sink {s} {
	fconfigure $s -translation binary -buffersize 1048576
	set n 0
	while {1} {
	    set d [read $s 1048576]
	    incr n [string length $d]
	    if {[eof $s]} break
	}
	close $s
	puts "received $n [clock microseconds]"
	exit
    }
    proc source {s bytes} {
	fconfigure $s -translation binary -buffersize 1048576
	# A byte array: written as it is, with no conversion.
	set chunk [binary format x1048576]
	set t0 [clock microseconds]
	puts "start $t0"
	for {set left $bytes} {$left >= 1048576} {incr left -1048576} {
	    puts -nonewline $s $chunk
	}
	if {$left > 0} {
	    puts -nonewline $s [binary format x$left]
	}
	close $s
	puts "sent $bytes [clock microseconds]"
	exit
    }
    switch $role {
	listen-sink {
	    socket -server {apply {{s a p} {after 0 [list sink $s]}}} $port
	    puts ready
	}
	listen-source {
	    socket -server [list apply {{bytes s a p} {after 0 [list source $s $bytes]}} $bytes] $port
	    puts ready
	}
	connect-sink {
	    sink [socket $addr $port]
	}
	connect-source {
	    source [socket $addr $port] $bytes
	}
    }
    vwait forever
}
set peerFile [file join /tmp tcplab-bench-peer-[pid].tcl]
set f [open $peerFile w]
puts $f $peer
close $f

set tclsh [info nameofexecutable]
set namespaces {}

proc spawn {ns args} {
    global tclsh peerFile
    set ch [open |[list ip netns exec $ns $tclsh $peerFile {*}$args 2>@1] r]
    fconfigure $ch -blocking 0 -buffering line
    set ::lines($ch) {}
    fileevent $ch readable [list apply {{ch} {
	while {[gets $ch line] >= 0} {lappend ::lines($ch) $line}
	if {[eof $ch]} {fileevent $ch readable {}; lappend ::lines($ch) exit}
    }} $ch]
    return $ch
}

proc line {ch pattern} {
    set i [lsearch -glob $::lines($ch) $pattern]
    expr {$i < 0 ? "" : [lindex $::lines($ch) $i]}
}

# Waits (serving the event loop) until the script is true.
proc waitFor {script {ms 60000}} {
    set end [expr {[clock milliseconds] + $ms}]
    while {![uplevel 1 [list expr $script]]} {
	if {[clock milliseconds] > $end} {
	    error "timed out waiting for $script: [array get ::lines]"
	}
	after 1 {set ::tick 1}
	vwait ::tick
    }
}

proc mbits {bytes us} {
    expr {$bytes * 8.0 / $us}
}

# The discard service's connection that is not in the list before.
proc newDiscard {before} {
    foreach c [me connections] {
	if {$c ni $before && [dict get [$c info] lport] == 9} {
	    return $c
	}
    }
}

# kernel -> tcplab: the kernel connects to the discard service (RFC 863,
# in C: no Tcl per segment) and sends; timed to the FIN's arrival.
proc tapDiscard {net bytes} {
    set before [me connections]
    set ch [spawn $::ns connect-source 192.0.2.2 9 $bytes]
    $net run -until {[llength [set c [newDiscard $before]]]} -timeout 10s
    $net run -until {[$c state] ni {SYN_RCVD ESTABLISHED}} -timeout 120s
    set t1 [clock microseconds]
    waitFor {[line $ch "start *"] ne ""}
    set t0 [lindex [line $ch "start *"] 1]
    set n [dict get [$c info] bytes_in]
    catch {close $ch}
    $net run -until {[$c state] eq "CLOSED"} -timeout 5s
    $c destroy
    if {$n != $bytes} {error "kernel -> tcplab discard: got $n of $bytes bytes"}
    mbits $bytes [expr {$t1 - $t0}]
}

# kernel -> tcplab: the kernel connects and sends; tcplab reads.
proc tapIn {net bytes} {
    set l [me listen 5001]
    set ch [spawn $::ns connect-source 192.0.2.2 5001 $bytes]
    $net run -until {[$l pending] > 0} -timeout 10s
    set c [$l accept]
    $l close
    set ::got 0
    $c on readable [list apply {{c} {incr ::got [string length [$c recv]]}}]
    $net run -until {[$c eof]} -timeout 120s
    set t1 [clock microseconds]
    set t0 [lindex [line $ch "start *"] 1]
    $c close
    catch {close $ch}
    if {$::got != $bytes} {error "kernel -> tcplab: got $::got of $bytes bytes"}
    mbits $bytes [expr {$t1 - $t0}]
}

# tcplab -> kernel: tcplab connects and sends; the kernel reads.
proc tapOut {net bytes} {
    set ch [spawn $::ns listen-sink 0 5002]
    waitFor {[line $ch ready] ne ""}
    set c [me connect 192.0.2.1 5002]
    $net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
    set t0 [clock microseconds]
    $c source $bytes
    $c close
    $net run -until {[line $ch "received *"] ne ""} -timeout 120s
    lassign [line $ch "received *"] - n t1
    catch {close $ch}
    if {$n != $bytes} {error "tcplab -> kernel: got $n of $bytes bytes"}
    mbits $bytes [expr {$t1 - $t0}]
}

# Builds bench/<name>.c into the scratch directory; returns the program,
# or "" with the reason in ::why(<name>).
proc build {name args} {
    set src [file join [file dirname [file normalize [info script]]] $name.c]
    set bin [file join $::scratch $name]
    if {[catch {exec cc -O2 -o $bin $src {*}$args 2>@1} msg]} {
	set ::why($name) "not built: $msg"
	return ""
    }
    return $bin
}

# The device's ceiling: {write-frames/s read-frames/s}.
proc tapRaw {bin} {
    set out [exec ip netns exec $::ns $bin tlraw0 2]
    list [lindex $out 1] [lindex $out 3]
}

# lwIP on its own TAP device (203.0.113.2, the kernel 203.0.113.1).
proc lwipStart {bin} {
    tcplab::netns exec $::ns ip tuntap add dev tllwip0 mode tap
    tcplab::netns exec $::ns ip link set tllwip0 mtu 1500 up
    tcplab::netns exec $::ns ip addr add 203.0.113.1/24 dev tllwip0
    set ch [open |[list ip netns exec $::ns $bin tllwip0 203.0.113.2 \
	255.255.255.0 203.0.113.1 2>@1] r+]
    fconfigure $ch -blocking 0 -buffering line
    set ::lines($ch) {}
    fileevent $ch readable [list apply {{ch} {
	while {[gets $ch line] >= 0} {lappend ::lines($ch) $line}
	if {[eof $ch]} {fileevent $ch readable {}; lappend ::lines($ch) exit}
    }} $ch]
    waitFor {[line $ch ready] ne "" || [line $ch exit] ne ""} 10000
    if {[line $ch ready] eq ""} {
	error "lwipbench did not start: $::lines($ch)"
    }
    return $ch
}

# kernel -> lwIP: the kernel sends to lwIP's discard service.
proc lwipIn {lw bytes} {
    set ::lines($lw) {}
    set ch [spawn $::ns connect-source 203.0.113.2 9 $bytes]
    waitFor {[line $lw "received *"] ne ""} 120000
    lassign [line $lw "received *"] - n t1
    set t0 [lindex [line $ch "start *"] 1]
    catch {close $ch}
    if {$n != $bytes} {error "kernel -> lwIP: got $n of $bytes bytes"}
    mbits $bytes [expr {$t1 - $t0}]
}

# lwIP -> kernel: lwIP connects and sends; the kernel reads.
proc lwipOut {lw bytes} {
    set ::lines($lw) {}
    set ch [spawn $::ns listen-sink 0 5004]
    waitFor {[line $ch ready] ne ""}
    puts $lw "send 203.0.113.1 5004 $bytes"
    waitFor {[line $ch "received *"] ne ""} 120000
    lassign [line $ch "received *"] - n t1
    set t0 [lindex [line $lw "start *"] 1]
    catch {close $ch}
    if {$n != $bytes} {error "lwIP -> kernel: got $n of $bytes bytes"}
    mbits $bytes [expr {$t1 - $t0}]
}

# kernel -> kernel over veth, between namespaces ns and ns2.
proc veth {bytes} {
    set rx [spawn $::ns2 listen-sink 0 5003]
    waitFor {[line $rx ready] ne ""}
    set tx [spawn $::ns connect-source 198.51.100.2 5003 $bytes]
    waitFor {[line $rx "received *"] ne ""} 120000
    lassign [line $rx "received *"] - n t1
    set t0 [lindex [line $tx "start *"] 1]
    catch {close $rx}
    catch {close $tx}
    if {$n != $bytes} {error "veth: got $n of $bytes bytes"}
    mbits $bytes [expr {$t1 - $t0}]
}

try {
    set ns [tcplab::netns create]
    lappend namespaces $ns
    set ns2 [tcplab::netns create]
    lappend namespaces $ns2
    exec ip link add tlbench0 netns $ns type veth peer name tlbench1 netns $ns2
    tcplab::netns exec $ns ip addr add 198.51.100.1/24 dev tlbench0
    tcplab::netns exec $ns2 ip addr add 198.51.100.2/24 dev tlbench1
    tcplab::netns exec $ns ip link set tlbench0 up
    tcplab::netns exec $ns2 ip link set tlbench1 up

    # The same runs on a device without offloads (one frame per segment)
    # and on one with them (-offload 1: segments of up to 64 KiB).
    set best {}
    foreach offload {0 1} {
	set net [tcplab::network create -clock real]
	$net host create me -profile linux -services discard
	# Windows large enough not to limit the transfer.
	me sysctl rcvbuf 4194304
	me sysctl sndbuf 4194304
	$net tap create tap0 me -netns $ns -kernel 192.0.2.1/24 \
	    -addr 192.0.2.2/24 -mtu 1500 -offload $offload
	dict set best $offload {discard 0 in 0 out 0}
	for {set i 0} {$i < $repeats} {incr i} {
	    foreach {key run} {discard tapDiscard in tapIn out tapOut} {
		dict set best $offload $key [expr {max([dict get $best $offload $key],
		    [$run $net $bytes])}]
	    }
	}
	dict set frames $offload [$net tap info tap0]
	$net destroy
    }
    set vethBest 0
    for {set i 0} {$i < $repeats} {incr i} {
	set vethBest [expr {max($vethBest, [veth $bytes])}]
    }

    set scratch [file join /tmp tcplab-bench-[pid]]
    file mkdir $scratch
    set raw {0 0}
    set rawbin [build tapraw -pthread]
    if {$rawbin ne ""} {
	for {set i 0} {$i < $repeats} {incr i} {
	    lassign [tapRaw $rawbin] w r
	    set raw [list [expr {max([lindex $raw 0], $w)}] \
		[expr {max([lindex $raw 1], $r)}]]
	}
    }
    set lwip {}
    if {[catch {exec pkg-config --exists lwip}]} {
	set why(lwipbench) "not installed (pkg-config finds no lwip;\
	    Debian: liblwip-dev)"
    } else {
	set lwbin [build lwipbench {*}[exec pkg-config --cflags lwip] \
	    {*}[exec pkg-config --libs lwip] -pthread]
	if {$lwbin ne ""} {
	    set lw [lwipStart $lwbin]
	    set lwip {in 0 out 0}
	    for {set i 0} {$i < $repeats} {incr i} {
		dict set lwip in [expr {max([dict get $lwip in],
		    [lwipIn $lw $bytes])}]
		dict set lwip out [expr {max([dict get $lwip out],
		    [lwipOut $lw $bytes])}]
	    }
	    catch {close $lw}
	}
    }
    puts [format "transfer %d MiB each run, best of %d, MTU 1500, Mbit/s of payload" $mb $repeats]
    puts [format "%-62s %9s %9s" "" "TAP" "TAP with"]
    puts [format "%-62s %9s %9s" "" "" "-offload"]
    foreach {key what} {
	discard "kernel -> tcplab (discard service)"
	in      "kernel -> tcplab (\$c recv in a Tcl callback per readable)"
	out     "tcplab -> kernel (\$c source)"
    } {
	puts [format "%-62s %9.0f %9.0f" $what [dict get $best 0 $key] [dict get $best 1 $key]]
    }
    foreach offload {0 1} {
	set i [dict get $frames $offload]
	lappend fin [dict get $i frames_in]
	lappend fout [dict get $i frames_out]
	lappend werr [dict get $i write_errors]
    }
    puts [format "%-62s %9d %9d" "frames from the kernel, all runs" {*}$fin]
    puts [format "%-62s %9d %9d" "frames to the kernel, all runs" {*}$fout]
    puts [format "%-62s %9d %9d" "write errors (device queue full)" {*}$werr]
    puts [format "%-62s %9.0f" "kernel -> kernel over veth (tclsh both ends, offloads on)" $vethBest]
    if {$lwip eq ""} {
	puts "lwIP: $why(lwipbench)"
    } else {
	puts [format "%-62s %9.0f" "kernel -> lwIP 2.1.3 (discard, on its own TAP device)" \
	    [dict get $lwip in]]
	puts [format "%-62s %9.0f" "lwIP 2.1.3 -> kernel (tcp_write)" \
	    [dict get $lwip out]]
    }
    if {$rawbin eq ""} {
	puts "raw TAP ceiling: $why(tapraw)"
    } else {
	# As payload Mbit/s: one 1448-byte segment per frame.
	lassign $raw w r
	puts [format "%-62s %9.0f" "ceiling from the kernel: read() loop, frames/s" $r]
	puts [format "%-62s %9.0f" "  as Mbit/s of 1448-byte segments" [expr {$r * 1448 * 8 / 1e6}]]
	puts [format "%-62s %9.0f" "ceiling to the kernel: write() loop, frames/s" $w]
	puts [format "%-62s %9.0f" "  as Mbit/s of 1448-byte segments" [expr {$w * 1448 * 8 / 1e6}]]
    }
} finally {
    if {[info exists lw]} {
	catch {close $lw}
    }
    foreach n $namespaces {
	catch {tcplab::netns delete $n}
    }
    file delete $peerFile
    if {[info exists scratch]} {
	file delete -force $scratch
    }
}
