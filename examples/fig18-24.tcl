#!/usr/bin/env tclsh
# fig18-24.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-23 and 18-24: the listen
#	backlog. The server is "bsdi % sock -s -v -q1 -O30 5555" (run here by
#	tcplab::sock): backlog 1, and 30 s of sleep after listen before the
#	first accept. About 1.8 s
#	after it starts, four clients on sun connect in quick succession from
#	ports 1090 to 1093.
#
#	What to look at: with a backlog of 1, 4.4BSD's sonewconn holds
#	floor(3 x 1 / 2) + 1 = 2 connections (figure 18-23), so the first two
#	clients complete their handshakes at once although nobody has called
#	accept (the book's segments 1-6). The SYNs of the third and fourth are
#	dropped without a reply (segments 7 and 8; no RST: a full queue is a
#	soft error), so those clients retransmit 5.5 to 6 s later, and again 24
#	s after that. At 30 s the server wakes and, as the book's did, takes
#	both queued connections off the queue (the book: "it removed the two
#	accepted connections from the queue, making it empty"); the
#	retransmitted SYNs now get in, and the server takes those connections
#	too (sock -v reports each). $l info shows the queue (qlen, limit) and
#	bsdi stats counts the dropped SYNs (tcp_listen_overflow).
#
#	The book's figure has 17 segments, one more than here: its clients ran
#	on SunOS 4.1.3, whose SYN retransmissions came sooner than 4.4BSD's 6 s
#	and 24 s. Its third client sent a third SYN before the server woke (at
#	28.19 s) and got in only with its fourth (segments 15-17), while the
#	fourth client's third SYN came after and got in (segments 12-14). A
#	4.4BSD client's third SYN comes 30 s after its first, later than the
#	wake-up, and its fourth would come after its 75 s connection timer.
#
#	tclsh examples/fig18-24.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create sun -addr 140.252.13.33/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {sun bsdi} -delay 1ms -rate 10Mbit
$net trace -format book

set t0 [$net now]
# bsdi % sock -s -v -q1 -O30 5555 (its -v lines go to stderr, kept here)
set srv [tcplab::sock -host bsdi -stdout {} -stderr {} -s -v -q1 -O30 5555]
set l [$srv listener]
$net run 1.8s
set cs {}
foreach port {1090 1091 1092 1093} {
    lappend cs [sun connect bsdi 5555 -bind $port]
    $net run 0.1s
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
