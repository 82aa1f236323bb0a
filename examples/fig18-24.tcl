#!/usr/bin/env tclsh
# fig18-24.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-23 and 18-24: the listen
#	backlog. The server is "bsdi % sock -s -v -q1 -O30 5555" (run here by
#	tcplab::sock): backlog 1, and 30 s of sleep after listen before the
#	first accept. The four clients are "sun % sock bsdi 5555", started by
#	hand 1.81 s after the server and then 4.29, 7.13 and 10.56 s after the
#	first (segments 1, 4, 7 and 8), from ports 1090 to 1093.
#
#	What to look at: with a backlog of 1, 4.4BSD's sonewconn holds
#	floor(3 x 1 / 2) + 1 = 2 connections (figure 18-23), so the first two
#	clients complete their handshakes at once although nobody has called
#	accept (segments 1-6). The SYNs of the third and fourth are dropped
#	without a reply (segments 7 and 8; no RST: a full queue is a soft
#	error), so those clients retransmit (segments 9, 10, 11, 12 and 15).
#	At 30 s after listen (28.19 s into the trace) the server wakes and, as
#	the book's did, takes both queued connections off the queue ("it
#	removed the two accepted connections from the queue, making it
#	empty"). The fourth client's next SYN (segment 12) comes just after
#	and gets in (12-14); the third client's had come just before (11), so
#	it gets in only with its fourth SYN (15-17): 17 segments, and the
#	server takes 1093 before 1092 (sock -v reports each). $l info shows
#	the queue (qlen, limit) and bsdi stats counts the dropped SYNs
#	(tcp_listen_overflow).
#
#	sun ran SunOS 4.1.3, whose TCP comes from 4.3BSD-Tahoe: its SYNs go
#	out 5.5-6 s, 12 s and 24 s apart, where a 4.4BSD client's go 6 s and
#	24 s apart (fig. 18-6). Tahoe's tcp_timers() backs off ((t_srtt >> 2)
#	+ t_rttvar) >> 1, which is srtt + 2 rttvar = 0 + 2 x 3 s = 6 s before
#	any RTT sample; 4.4BSD's TCP_REXMTVAL() is srtt + 4 rttvar = 12 s. So
#	sun's rto_base is 6000 ms here (the first RTO, 6 s, is the same).
#
#	tclsh examples/fig18-24.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create sun -addr 140.252.13.33/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {sun bsdi} -delay 1ms -rate 10Mbit
sun sysctl rto_base 6000 ;# SunOS 4.1.3 (4.3BSD-Tahoe): srtt + 2 rttvar
$net trace -format book

set t0 [$net now]
# bsdi % sock -s -v -q1 -O30 5555 (its -v lines go to stderr, kept here)
set srv [tcplab::sock -host bsdi -stdout {} -stderr {} -s -v -q1 -O30 5555]
set l [$srv listener]
set cs {}
set prev 0
foreach port {1090 1091 1092 1093} start {1.81 6.10 8.94 12.37} {
    # sun % sock bsdi 5555 (from the port the book's client got)
    $net run [expr {$start - $prev}]s
    set prev $start
    lappend cs [[tcplab::sock -host sun -stdout {} -stderr {} -b $port \
	bsdi 5555] conn]
}
$net run 1s
proc queue {} {
    set i [$::l info]
    return "qlen [dict get $i qlen], q0len [dict get $i q0len], limit\
	[dict get $i limit]; SYNs dropped so far:\
	[dict get [bsdi stats] tcp_listen_overflow]"
}
proc clients {} {
    set out {}
    foreach c $::cs {
	lappend out "[dict get [$c info] lport] [$c state]"
    }
    return [join $out ", "]
}
puts "(queue: [queue])"
puts "(clients: [clients])"

# -O30: the server wakes 30 s after listen and takes the queue's two
# connections (the book: "it removed the two accepted connections from the
# queue, making it empty"); later ones as they complete.
$net run [expr {29.999 - ([$net now] - $t0)}]s
puts "(30 s after listen, before accept: [queue])"
$net run 0.002s
puts "(the server took them: [queue])"
$net run 40s
puts "(sock -v on bsdi:)"
foreach line [split [string trimright [$srv stderr] \n] \n] {
    puts "    $line"
}
puts "(queue at the end: [queue])"

puts ""
puts "clients: [clients]"
foreach c $cs {
    set h [$c history]
    set e [lsearch $h ESTABLISHED]
    puts [format "    sun.%d: connected %.6f s after listen" \
	[dict get [$c info] lport] [expr {[lindex $h [expr {$e - 1}]] - $t0}]]
}
puts "RSTs sent by bsdi: [dict get [bsdi stats] tcp_rst_out]"
$net destroy
