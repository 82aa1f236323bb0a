#!/usr/bin/env tclsh
# bulk.tcl --
#
#	Benchmark (not a test): bulk transfers from one host to another over a
#	point-to-point link of 1 Gbit/s and 1 ms delay, in virtual time, and
#	the same transfers in ns-3 when it is installed (bench/ns3).
#
#	TCLLIBPATH=. tclsh bench/bulk.tcl ?-mb n? ?-flows list? ?-loss list?
#	    ?-buf bytes? ?-profile name? ?-cc name? ?-repeat n? ?-ns3 0|1?
#	    ?-trust 0|1? ?-span seconds?
#
#	-mb        megabytes moved in all (default 100), split evenly between
#	           the flows;
#	-flows     the numbers of parallel connections to run (default 1);
#	-loss      0 (no loss) or n: every nth datagram the sender puts on the
#	           wire is lost, SYNs excepted (default 0). tcplab drops those
#	           whose IP identification is a multiple of n (its host counts
#	           datagrams with one counter), ns-3 every nth arriving at the
#	           receiver;
#	-buf       send and receive buffer of each connection, both ends, in
#	           both simulators (default 4194304 / flows: 4 MB in all, more
#	           than the 250 kB in flight at 1 Gbit/s x 2 ms, so the link
#	           stays busy; the link's queue has no limit in either, so
#	           larger buffers only make the queue and the memory grow);
#	-profile   tcplab's profile (default linux);
#	-cc        tcp_congestion_control on both hosts, and ns-3's socket type
#	           (cubic or newreno; default: the profile's, ns-3's cubic);
#	-repeat    runs of each case, tcplab's and ns-3's in turn; medians are
#	           printed (default 1);
#	-ns3       0 to leave ns-3 out (default 1: run it where pkg-config finds
#	           ns3-core; bench/ns3/ns3bulk is then built with make);
#	-trust     tunable cksum_trust on both hosts (default 1: the receiver
#	           does not check the checksums a simulated host made, and as
#	           nothing else reads them here (no trace, capture or fault
#	           rule without -loss) the TCP checksums are never computed;
#	           ns-3 computes none unless its ChecksumEnabled is set). 0
#	           computes and checks them all.
#
#	Every run is a process of its own (tclsh, or ns3bulk), so that its
#	peak RSS is its own. One case prints wall seconds, simulated payload
#	Mbit per wall second, segments per wall second and peak RSS; several
#	print a table. Where ns-3 runs, its figures and the ratio tcplab/ns-3
#	follow from the same run.

package require Tcl 8.6

proc usage {} {
    puts stderr "usage: tclsh bench/bulk.tcl ?-mb n? ?-flows list?\
	?-loss list? ?-buf bytes? ?-profile name? ?-cc name? ?-repeat n?\
	?-ns3 0|1? ?-trust 0|1? ?-span seconds?"
    exit 2
}

proc rss {} {
    set f [open /proc/self/status]
    set s [read $f]
    close $f
    regexp {VmHWM:\s+(\d+) kB} $s -> kb
    return $kb
}

# One transfer of tcplab's in this process; returns its name value pairs.
proc tcplabTransfer {bytes flows loss buf profile cc trust} {
    set net [tcplab::network create]
    $net configure -instantlimit 100000000
    $net host create a -addr 10.0.0.1/24 -profile $profile
    $net host create b -addr 10.0.0.2/24 -profile $profile -services discard
    $net link create wire a b -rate 1Gbit -delay 1ms
    foreach h {a b} {
	# Fixed buffers, as ns-3's are and as SO_SNDBUF/SO_RCVBUF fix them in
	# Linux: no autotuning, no send-buffer growth with the window.
	$h sysctl rcvbuf $buf
	$h sysctl sndbuf $buf
	$h sysctl tcp_moderate_rcvbuf 0
	$h sysctl sndbuf_expand 0
	$h sysctl cksum_trust $trust
	# Send-buffer memory counted as skbs (the linux profile's
	# skb_truesize) decides only how much a non-blocking write takes and
	# when a blocked writer wakes; a source's stream is taken whole, so
	# the transfer is the same without the count, which ns-3 does not
	# keep either.
	$h sysctl skb_truesize 0
	if {$cc ne ""} {
	    $h sysctl tcp_congestion_control $cc
	}
    }
    if {$loss > 0} {
	$net filter add -on a -dir out -action drop -match "ip\[4:2\] %\
	    $loss == 0 and tcp\[tcpflags\] & tcp-syn == 0"
    }
    set ::conns {}
    for {set i 0} {$i < $flows} {incr i} {
	lappend ::conns [a connect b discard]
    }
    proc opening {} {
	foreach c $::conns {
	    if {[$c state] ne "ESTABLISHED"} {
		return 1
	    }
	}
	return 0
    }
    # Sending: until every FIN is acknowledged (or the connection failed).
    # Finished connections leave the list, so that the condition reads one
    # connection's state, and the run evaluates it again only when that
    # state changes (or every 1024 events): the benchmark measures the
    # stack, not its stop condition.
    proc sending {} {
	while {[llength $::live]} {
	    if {[[lindex $::live 0] state] in {ESTABLISHED FIN_WAIT_1}} {
		return 1
	    }
	    set ::live [lrange $::live 1 end]
	}
	return 0
    }
    $net run -until {![opening]} -timeout 1m
    set t0 [clock microseconds]
    set v0 [$net now]
    set i 0
    foreach c $::conns {
	$c source [expr {$bytes / $flows + ($i < $bytes % $flows)}]
	$c close		;# the FIN follows the last byte
	incr i
    }
    if {$flows == 1} {
	$net run -until {[$c state] ne "FIN_WAIT_1"} -timeout 1h
    } else {
	set ::live $::conns
	$net run -until {![sending]} -timeout 1h
    }
    set wall [expr {([clock microseconds] - $t0) / 1e6}]
    set sim [expr {[$net now] - $v0}]
    set segs 0
    foreach c $::conns {
	if {[$c state] ni {FIN_WAIT_2 TIME_WAIT}} {
	    puts stderr "tcplab: $c is in [$c state]"
	    exit 1
	}
	incr segs [dict get [$c info] segs_out]
    }
    $net destroy
    return [list sim $sim wall $wall segs $segs]
}

# One tcplab case, in this process: the transfer again and again until
# their wall times add up to span seconds (at least once), so that the
# figure is an average over about as long as an ns-3 run takes and a
# moment's slowness of a shared machine weighs in both alike. Prints one
# line of name value pairs: the mean wall time of a transfer, the number
# of transfers, the peak RSS over them all.
proc tcplabCase {bytes flows loss buf profile cc trust span} {
    package require tcplab
    set total 0.0
    set n 0
    while {$n == 0 || $total < $span} {
	set d [tcplabTransfer $bytes $flows $loss $buf $profile $cc $trust]
	set total [expr {$total + [dict get $d wall]}]
	incr n
    }
    puts [list sim [dict get $d sim] wall [expr {$total / $n}] \
	rss_kb [rss] segs [dict get $d segs] runs $n]
}

proc median {l} {
    set l [lsort -real $l]
    return [lindex $l [expr {[llength $l] / 2}]]
}

# Runs a command that prints name value pairs; returns them as a dict.
proc measure {args} {
    set out [exec {*}$args]
    return [lindex [split [string trim $out] \n] end]
}

# Builds ns3bulk where ns-3 is installed; returns its path, or "" with the
# reason in ::ns3why.
proc ns3 {} {
    set dir [file join [file dirname [file normalize [info script]]] ns3]
    if {[catch {exec pkg-config --exists ns3-core}]} {
	set ::ns3why "not installed (pkg-config finds no ns3-core;\
	    Debian: libns3-dev)"
	return ""
    }
    if {[catch {exec make -s -C $dir ns3bulk 2>@1} msg]} {
	set ::ns3why "bench/ns3 did not build: $msg"
	return ""
    }
    return [file join $dir ns3bulk]
}

set opts {-mb 100 -flows 1 -loss 0 -buf "" -profile linux -cc "" -repeat 1
    -ns3 1 -trust 1 -span 1 -case 0}
if {[llength $argv] % 2} {
    usage
}
foreach {k v} $argv {
    if {![dict exists $opts $k]} {
	usage
    }
    dict set opts $k $v
}
dict with opts {}
set bytes [expr {wide(${-mb} * 1000000)}]

if {${-case}} {
    if {${-buf} eq ""} {
	set -buf [expr {4194304 / ${-flows}}]
    }
    tcplabCase $bytes ${-flows} ${-loss} ${-buf} ${-profile} ${-cc} \
	${-trust} ${-span}
    exit 0
}

set ns3bin [expr {${-ns3} ? [ns3] : ""}]
if {!${-ns3}} {
    set ns3why "left out (-ns3 0)"
}
set self [list [info nameofexecutable] [file normalize [info script]]]
set rows {}
foreach flows ${-flows} {
    set buf [expr {${-buf} eq "" ? 4194304 / $flows : ${-buf}}]
    foreach loss ${-loss} {
	set t {}
	set n {}
	for {set r 0} {$r < ${-repeat}} {incr r} {
	    lappend t [measure {*}$self -case 1 -mb ${-mb} -flows $flows \
		-loss $loss -buf $buf -profile ${-profile} -cc ${-cc} \
		-trust ${-trust} -span ${-span}]
	    if {$ns3bin ne ""} {
		set cmd [list $ns3bin -bytes $bytes -flows $flows -loss $loss \
		    -buf $buf]
		if {${-cc} ne ""} {
		    lappend cmd -cc ${-cc}
		}
		lappend n [measure {*}$cmd]
	    }
	}
	set row [dict create flows $flows loss $loss buf $buf]
	foreach k {sim wall rss_kb segs} {
	    set v {}
	    foreach d $t {
		lappend v [dict get $d $k]
	    }
	    dict set row t_$k [median $v]
	}
	if {$ns3bin ne ""} {
	    foreach k {sim wall rss_kb dropped} {
		set v {}
		foreach d $n {
		    lappend v [dict get $d $k]
		}
		dict set row n_$k [median $v]
	    }
	}
	lappend rows $row
    }
}

proc rate {wall} {
    return [expr {$::bytes * 8 / $wall / 1e6}]
}

set cases [llength $rows]
if {$cases == 1} {
    set row [lindex $rows 0]
    dict with row {}
    puts [format "transfer          %s MB, %d flow%s, %s, buffers %d\
	(%s profile%s)" ${-mb} $flows [expr {$flows == 1 ? "" : "s"}] \
	[expr {$loss ? "every ${loss}th datagram lost" : "no loss"}] $buf \
	${-profile} [expr {${-cc} eq "" ? "" : ", ${-cc}"}]]
    puts [format "simulated time    %.3f s (%.1f Mbit/s on the wire)" \
	$t_sim [expr {$bytes * 8 / $t_sim / 1e6}]]
    puts [format "wall time         %.3f s" $t_wall]
    puts [format "payload rate      %.0f simulated Mbit per wall second" \
	[rate $t_wall]]
    puts [format "segments          %.0f per wall second (%d data segments)" \
	[expr {$t_segs / $t_wall}] $t_segs]
    puts [format "peak RSS          %.1f MB" [expr {$t_rss_kb / 1024.0}]]
    if {$ns3bin eq ""} {
	puts "ns-3              $ns3why"
    } else {
	puts [format "ns-3 3.37         %.3f s simulated, %.3f s wall,\
	    %.0f simulated Mbit per wall second, peak RSS %.1f MB" \
	    $n_sim $n_wall [rate $n_wall] [expr {$n_rss_kb / 1024.0}]]
	puts [format "tcplab / ns-3     %.1fx the rate, %.2fx the memory" \
	    [expr {$n_wall / $t_wall}] [expr {double($t_rss_kb) / $n_rss_kb}]]
    }
    exit 0
}

puts [format "%s MB over 1 Gbit/s, 1 ms; %s profile%s; median of %d;\
    Mbit of simulated payload per wall second, peak RSS in MB" ${-mb} \
    ${-profile} [expr {${-cc} eq "" ? "" : ", ${-cc}"}] ${-repeat}]
if {$ns3bin eq ""} {
    puts "ns-3: $ns3why"
    puts "| flows | loss | sim s | tcplab Mbit/s | tcplab MB |"
    puts "|---:|---:|---:|---:|---:|"
} else {
    puts "| flows | loss | sim s tcplab / ns-3 | tcplab Mbit/s | ns-3 Mbit/s\
	| ratio | tcplab MB | ns-3 MB |"
    puts "|---:|---:|---:|---:|---:|---:|---:|---:|"
}
foreach row $rows {
    dict with row {}
    set l [expr {$loss ? "1/$loss" : 0}]
    if {$ns3bin eq ""} {
	puts [format "| %d | %s | %.3f | %.0f | %.1f |" $flows $l $t_sim \
	    [rate $t_wall] [expr {$t_rss_kb / 1024.0}]]
    } else {
	puts [format "| %d | %s | %.3f / %.3f | %.0f | %.0f | %.1fx | %.1f\
	    | %.1f |" $flows $l $t_sim $n_sim [rate $t_wall] [rate $n_wall] \
	    [expr {$n_wall / $t_wall}] [expr {$t_rss_kb / 1024.0}] \
	    [expr {$n_rss_kb / 1024.0}]]
    }
}
