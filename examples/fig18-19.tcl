#!/usr/bin/env tclsh
# fig18-19.tcl --
#
#	TCP/IP Illustrated Vol. 1, figure 18-19: simultaneous close. A
#	connection from bsdi to a scripted server on svr4; after a second
#	both applications close at the same instant, so each end sends a FIN
#	before it sees the other's.
#
#	What to look at: two FINs cross (both ends go ESTABLISHED ->
#	FIN_WAIT_1), each end receives a FIN in FIN_WAIT_1 and goes to
#	CLOSING, acknowledging it; each ACK then takes its receiver from
#	CLOSING to TIME_WAIT. Four segments, as many as an ordinary close,
#	and both ends (not just one) wait 2MSL (60 s: MSL 30 s, counted in
#	500 ms ticks) before CLOSED.
#
#	tclsh examples/fig18-19.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {svr4 bsdi} -delay 1ms -rate 10Mbit
$net trace -format book

set l [svr4 listen 8888]
set c [bsdi connect svr4 8888 -bind 1500 -isn 1000]
svr4 isn 5000
$net run -until {[$l pending]} -timeout 5s
set s [$l accept]
$net run 1s

$c close
$s close
puts "(both closed: bsdi [$c state], svr4 [$s state])"
$net run -until {[$c state] eq "TIME_WAIT" && [$s state] eq "TIME_WAIT"} \
    -timeout 5s
puts [format "(both in TIME_WAIT: 2MSL timers %.3f s and %.3f s)" \
    [dict get [$c timers] 2msl] [dict get [$s timers] 2msl]]
$net run 61s

puts ""
foreach {name x} [list bsdi.1500 $c svr4.8888 $s] {
    puts "$name: [$x states]"
    set h [$x history]
    set tw [lindex $h [expr {[lsearch $h TIME_WAIT] - 1}]]
    puts [format "    TIME_WAIT lasted %.6f s" [expr {[lindex $h end-1] - $tw}]]
}
$net destroy
