#!/usr/bin/env tclsh
# scale.tcl --
#
#	Benchmark (not a test): how tcplab scales with the number of
#	connections. For each N it prints
#	  establish  wall seconds to open N connections (connect calls
#	             included) until all are ESTABLISHED;
#	  conn+close connects and closes per wall second (open N, close them
#	             all, run until every client end is in TIME_WAIT);
#	  B/estab    resident bytes per idle established connection end (both
#	             ends live in this process: the RSS growth over 2N);
#	  B/tw       resident bytes per TIME_WAIT connection whose handle is
#	             gone (closed, then destroyed: what Linux keeps after
#	             close() is its tcp_timewait_sock);
#	  B/halfopen resident bytes per half-open (SYN_RCVD) connection at a
#	             linux listener of backlog N (so that none gets a SYN
#	             cookie), from spoofed SYNs;
#	  keepalive  wall seconds for one simulated hour of N idle connections
#	             with keepalive every 10 minutes, and wall microseconds
#	             per probe.
#	Every figure comes from its own tclsh process so that RSS deltas
#	(VmRSS of /proc/self/status) start from a clean heap.
#
#	Hosts sit on one LAN in 198.18.0.0/15 (RFC 2544 benchmark
#	addresses): a server offering discard and as many clients as the
#	ephemeral ports (1024-65535 here) need.
#
#	A last line reports a SYN flood: n spoofed SYNs (-flood n, default
#	1000000; 0 for none) at a linux listener, the peak RSS growth, the
#	half-open connections and cookies, and the bytes an established
#	connection beside it delivered meanwhile.
#
#	TCLLIBPATH=. tclsh bench/scale.tcl ?-flood n? ?N ...?
#	(default 1000 10000 100000)

package require tcplab

proc rss {} {
    set f [open /proc/self/status]
    set s [read $f]
    close $f
    regexp {VmRSS:\s+(\d+) kB} $s -> kb
    return [expr {$kb * 1024}]
}

proc wall {} {
    return [clock microseconds]
}

# A server and enough clients for n connections; returns the client names.
proc topology {n {spoofer 0}} {
    global net
    set net [tcplab::network create]
    $net configure -instantlimit 100000000
    set nclients [expr {max(1, ($n + 63999) / 64000)}]
    $net host create server -addr 198.18.0.1/16 -profile linux \
	-services discard
    set members server
    set clients {}
    for {set i 1} {$i <= $nclients} {incr i} {
	$net host create c$i -addr 198.18.1.$i/16 -profile linux
	c$i sysctl port_lo 1024
	c$i sysctl port_hi 65535
	lappend members c$i
	lappend clients c$i
    }
    if {$spoofer} {
	$net host create spoofer -addr 198.18.2.1/16 -profile linux
	lappend members spoofer
    }
    $net lan create lan0 $members -delay 1ms
    return $clients
}

# Opens n connections from the clients to the server's discard port.
proc open_conns {clients n {opts {}}} {
    global conns
    set per [expr {($n + [llength $clients] - 1) / [llength $clients]}]
    set conns {}
    set i 0
    foreach c $clients {
	for {set j 0} {$j < $per && $i < $n} {incr j; incr i} {
	    lappend conns [$c connect server discard {*}$opts]
	}
    }
}

proc count_state {state} {
    global conns
    set k 0
    foreach c $conns {
	if {[$c state] eq $state} {
	    incr k
	}
    }
    return $k
}

proc settle {state} {
    global net conns
    # Handshakes and closes take a few round trips of 2 ms.
    $net run 1s
    set k [count_state $state]
    if {$k != [llength $conns]} {
	error "only $k of [llength $conns] connections in $state"
    }
}

proc measure_establish {n} {
    global net conns
    set clients [topology $n]
    set r0 [rss]
    set t0 [wall]
    open_conns $clients $n
    settle ESTABLISHED
    set t1 [wall]
    set r1 [rss]
    return [list establish [expr {($t1 - $t0) / 1e6}] \
	B/estab [expr {($r1 - $r0) / (2.0 * $n)}]]
}

# Destroys the handles of conns (all in TIME_WAIT) and checks that the
# clients hold n compact TIME_WAIT connections.
proc orphan {clients n} {
    global conns
    foreach c $conns {
	$c destroy
    }
    set k 0
    foreach c $clients {
	incr k [dict get [$c stats] tcp_tw_records]
    }
    if {$k != $n} {
	error "only $k of $n TIME_WAIT connections compact"
    }
}

proc measure_cycle {n} {
    global net conns
    set clients [topology [expr {2 * $n}]]
    set t0 [wall]
    open_conns $clients $n
    settle ESTABLISHED
    foreach c $conns {
	$c close
    }
    settle TIME_WAIT
    set t1 [wall]
    return [list conn+close/s [expr {$n / (($t1 - $t0) / 1e6)}]]
}

# n TIME_WAIT connections made in batches of 1%: each batch's TCBs and
# handles are freed as it becomes compact, and the next batch takes that
# memory again, so the growth is the records' (and their tables') plus
# one batch's TCBs spread over all n.
proc measure_tw {n} {
    global net conns
    set clients [topology [expr {2 * $n}]]
    foreach c $clients {
	# Records made early must outlive the run.
	$c sysctl msl 3600000
    }
    set batch [expr {max(10, $n / 100)}]
    set r0 [rss]
    for {set done 0} {$done < $n} {incr done $batch} {
	open_conns $clients [expr {min($batch, $n - $done)}]
	$net run 20ms
	foreach c $conns {
	    $c close
	}
	$net run 20ms
	if {[count_state TIME_WAIT] != [llength $conns]} {
	    error "not all in TIME_WAIT"
	}
	orphan $clients [expr {$done + [llength $conns]}]
    }
    set r1 [rss]
    return [list B/tw [expr {($r1 - $r0) / double($n)}]]
}

# One spoofed SYN to the server's port from source number i.
proc spoof {i port} {
    spoofer inject -from 198.19.[expr {($i >> 8) & 255}].[expr {$i & 255}] \
	-to server -tcp [list sport [expr {1024 + ($i >> 16)}] dport $port \
	flags S seq 1000 win 65535 options {{mss 1460}}]
}

proc measure_halfopen {n} {
    global net
    topology 1 1
    # A listener whose SYN queue holds all n (Linux: more than the
    # backlog means cookies), so that every SYN leaves a request.
    set l [server listen 7000 -backlog $n]
    # A first thousand to a closed port: the memory of frames in flight
    # is then the heap's already.
    for {set i 0} {$i < 1000} {incr i} {
	spoof $i 7001
    }
    $net run 2ms
    set r0 [rss]
    # Spoofed sources off the LAN's subnet: the SYN-ACKs have no route.
    # A thousand at a time, delivered before the next: frames in flight
    # would count too.
    for {set i 0} {$i < $n} {} {
	for {set j 0} {$j < 1000 && $i < $n} {incr j; incr i} {
	    spoof $i 7000
	}
	$net run 2ms
    }
    $net run 10ms
    set r1 [rss]
    set k [dict get [$l info] q0len]
    if {$k != $n} {
	error "only $k of $n connections in SYN_RCVD"
    }
    return [list B/halfopen [expr {($r1 - $r0) / double($n)}]]
}

# A SYN flood of n spoofed SYNs, a thousand per millisecond of simulated
# time, at a linux listener of backlog 128 (syncookies on, as by default),
# while a connection from c1 to the server's discard port moves data
# beside it: the peak RSS growth, the half-open connections left, the
# cookies sent, and the bytes the connection delivered during the flood.
proc measure_flood {n} {
    global net
    topology 1 1
    set l [server listen 7000 -backlog 128]
    set c [c1 connect server discard]
    $net run 10ms
    $c source 1000000000000
    $net run 100ms
    set d0 [delivered]
    set r0 [rss]
    set peak $r0
    set v0 [$net now]
    set t0 [wall]
    for {set i 0} {$i < $n} {} {
	for {set j 0} {$j < 1000 && $i < $n} {incr j; incr i} {
	    spoof $i 7000
	}
	$net run 1ms
	if {$i % 50000 == 0} {
	    set peak [expr {max($peak, [rss])}]
	}
    }
    set t1 [wall]
    set v1 [$net now]
    set peak [expr {max($peak, [rss])}]
    set d1 [delivered]
    set s [server stats]
    return [list flood $n wall [expr {($t1 - $t0) / 1e6}] \
	sim [expr {$v1 - $v0}] peakMB [expr {($peak - $r0) / 1048576.0}] \
	halfopen [dict get [$l info] q0len] \
	cookies [dict get $s TcpExtSyncookiesSent] \
	drops [dict get $s TcpExtListenDrops] delivered [expr {$d1 - $d0}]]
}

# Bytes the server's discard connection has received.
proc delivered {} {
    foreach c [server connections] {
	if {[$c state] eq "ESTABLISHED"} {
	    return [dict get [$c info] bytes_in]
	}
    }
    return 0
}

proc measure_keepalive {n} {
    global net conns
    set clients [topology $n]
    foreach c $clients {
	$c sysctl tcp_keepalive_time 600
    }
    open_conns $clients $n -keepalive
    settle ESTABLISHED
    set out0 0
    foreach c $clients {
	incr out0 [dict get [$c stats] tcp_out]
    }
    set t0 [wall]
    $net run 1h
    set t1 [wall]
    set out1 0
    foreach c $clients {
	incr out1 [dict get [$c stats] tcp_out]
    }
    set probes [expr {$out1 - $out0}]
    set w [expr {($t1 - $t0) / 1e6}]
    return [list keepalive $w us/probe \
	[expr {$probes ? $w * 1e6 / $probes : 0}]]
}

if {[lindex $argv 0] eq "-child"} {
    lassign $argv - what n
    puts [measure_$what $n]
    exit
}

set flood 1000000
if {[lindex $argv 0] eq "-flood"} {
    set flood [lindex $argv 1]
    set argv [lrange $argv 2 end]
}
set sizes [expr {[llength $argv] ? $argv : {1000 10000 100000}}]
set cols {N establish conn+close/s B/estab B/tw B/halfopen keepalive us/probe}
set fmt "%-8s %10s %12s %9s %9s %11s %10s %9s"
puts [format $fmt {*}$cols]
foreach n $sizes {
    set row [dict create N $n]
    foreach what {establish cycle tw halfopen keepalive} {
	if {[catch {exec [info nameofexecutable] [info script] -child $what \
		$n 2>@ stderr} out]} {
	    puts stderr "N=$n $what: $out"
	    continue
	}
	set row [dict merge $row $out]
    }
    set line {}
    foreach col $cols {
	if {![dict exists $row $col]} {
	    lappend line -
	    continue
	}
	set v [dict get $row $col]
	switch -- $col {
	    N { lappend line $v }
	    establish - keepalive { lappend line [format %.3fs $v] }
	    default { lappend line [format %.0f $v] }
	}
    }
    puts [format $fmt {*}$line]
    flush stdout
}

if {$flood > 0} {
    if {[catch {exec [info nameofexecutable] [info script] -child flood \
	    $flood 2>@ stderr} out]} {
	puts stderr "flood $flood: $out"
    } else {
	dict with out {
	    puts [format "SYN flood: %d spoofed SYNs in %.3f s simulated (%.2f s\
		wall) at a linux listener (backlog 128, tcp_syncookies 1):\
		peak RSS growth %.1f MB, %d half-open, %d cookies sent,\
		%d dropped; beside it one connection delivered %d bytes\
		(%.0f Mbit/s simulated)" $flood $sim $wall $peakMB $halfopen \
		$cookies $drops $delivered [expr {$delivered * 8 / $sim / 1e6}]]
	}
    }
}
