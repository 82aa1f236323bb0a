#!/usr/bin/env tclsh
# fig18-06.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-6 and 18-7: connection-
#	establishment timeout. The cable is pulled from svr4 and bsdi runs
#	"telnet svr4 discard". bsdi rebooted 38 minutes earlier, so its first
#	connection gets port 1024 and the book's ISN 291008001 (1 + 4547
#	ticks of 64000).
#
#	What to look at: the SYN is sent three times with the same ISN. The
#	second SYN leaves between 5.5 and 6 s after the first (a 6 s timer
#	counted in 500 ms ticks, the first tick coming at a random point:
#	figure 18-7), the third exactly 24 s after the second. The 48 s timer
#	armed then never fires: the 75 s connection-establishment timer (also
#	counted in ticks: 74.5 to 75 s) gives up first, and connect fails with
#	ETIMEDOUT. No RST is sent. The book's SYNs carry [tos 0x10] because
#	BSD/386's telnet asked for low delay; tcplab's connect sets no TOS.
#
#	tclsh examples/fig18-06.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44 -services discard
# bsdi has been up 37 min 53.5 s: 4547 ticks.
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44 -uptime 2273.5s
$net lan create ether0 {svr4 bsdi} -delay 1ms -rate 10Mbit

$net cable svr4 unplug

set times {}
proc show {line} {
    puts $line
    lappend ::times [lindex $line 1]
}
$net trace -format book -absolute -command show

puts "bsdi % telnet svr4 discard"
puts "Trying 140.252.13.34 ..."
set c [bsdi connect svr4 discard]
set t0 [$net now]
set t [$c timers]
puts [format "  timers at connect: rexmt %.3f s, connect %.3f s" \
    [dict get $t rexmt] [dict get $t connect]]
foreach n {1 2} {
    $net run -until {[dict get [$c info] retrans] == $n}
    set t [$c timers]
    puts [format "  after retransmission %d: rexmt %.3f s (rto %s s),\
	connect %.3f s" $n [dict get $t rexmt] [dict get [$c info] rto] \
	[dict get $t connect]]
}
$net run -until {[$c state] eq "CLOSED"} -timeout 120s
set h [$c history]
set gaveUp [expr {[lindex $h end-1] - $t0}]

puts ""
if {[catch {$c recv} msg opts]} {
    puts "telnet: Unable to connect to remote host: [lindex [dict get $opts -errorcode] 2]"
}
puts [format "SYN 2 left %.6f s after SYN 1 (5.5 to 6 s: the 500 ms tick)" \
    [expr {[lindex $times 1] - [lindex $times 0]}]]
puts [format "SYN 3 left %.6f s after SYN 2" \
    [expr {[lindex $times 2] - [lindex $times 1]}]]
puts [format "connect gave up %.6f s after it started (74.5 to 75 s)" $gaveUp]
puts "bsdi.[dict get [$c info] lport]: [$c states], error: [$c error]"
puts "RSTs sent by bsdi: [dict get [bsdi stats] tcp_rst_out]"
$net destroy
