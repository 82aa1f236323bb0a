#!/usr/bin/env tclsh
# fig18-24.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-23 and 18-24: the listen
#	backlog. The server is "bsdi % sock -s -v -q1 -O30 5555": backlog 1,
#	and 30 s of sleep after listen before the first accept. About 1.8 s
#	after it starts, four clients on sun connect in quick succession from
#	ports 1090 to 1093.
#
#	What to look at: with a backlog of 1, 4.4BSD's sonewconn holds
#	floor(3 x 1 / 2) + 1 = 2 connections (figure 18-23), so the first two
#	clients complete their handshakes at once although nobody has called
#	accept. The SYNs of the third and fourth are dropped without a reply
#	(no RST: a full queue is a soft error), so those clients retransmit
#	between 5.5 and 6 s later, and again 24 s after that. At 30 s the
#	server accepts, oldest first (1090 then 1091: the queue is FIFO), the
#	queue empties, and the retransmitted SYNs now get in. $l info shows
#	the queue (qlen, limit) and bsdi stats counts the dropped SYNs
#	(tcp_listen_overflow). A client whose SYN still found no room would
#	give up at 75 s with ETIMEDOUT.
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
set l [bsdi listen 5555 -backlog 1]
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

# -O30: the first accept comes 30 s after listen.
$net run [expr {30.0 - ([$net now] - $t0)}]s
puts "(30 s after listen, before accept: [queue])"
set order {}
while {[set a [$l accept]] ne ""} {
    lappend order [dict get [$a info] rport]
}
puts "(accepted, in order: $order)"
$net run 5s
while {[set a [$l accept]] ne ""} {
    lappend order [dict get [$a info] rport]
}
puts "(accepted later: [lrange $order 2 end]; queue: [queue])"

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
