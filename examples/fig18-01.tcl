#!/usr/bin/env tclsh
# fig18-01.tcl --
#
#	TCP/IP Illustrated Vol. 1, figure 18-1: connection establishment and
#	termination. svr4 (140.252.13.34) opens the discard service on bsdi
#	(140.252.13.35) over their Ethernet, waits about 4 seconds and closes.
#	Seven segments: SYN, SYN+ACK, ACK, FIN, ACK, FIN, ACK, each SYN with
#	<mss 1024> and a window of 4096. With the book's ISNs the numbers are
#	the book's.
#
#	tclsh examples/fig18-01.tcl ?-relative? ?-diagram ?file.svg??
#	    -relative	print sequence numbers relative after the handshake,
#			as tcpdump does by default (the book's figure shows
#			them absolute)

package require tcplab

set relative [expr {"-relative" in $argv}]

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44 -services discard
$net lan create ether0 {svr4 bsdi} -delay 1ms -rate 10Mbit

if {$relative} {
    $net trace -format book
} else {
    $net trace -format book -absolute
}

# The book's initial sequence numbers and svr4's client port.
bsdi isn 1823083521
set c [svr4 connect bsdi discard -bind 1037 -isn 1415531521]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
set s [lindex [bsdi connections] 0]

$net run 4s        ;# the user types nothing, then "quit"
$c close
$net run -until {[$c state] eq "TIME_WAIT" && [$s state] eq "CLOSED"} -timeout 10s

puts ""
puts "svr4.1037 (client): [$c states]"
puts "bsdi.discard (server): [$s states]"
$net run 60s
puts "svr4.1037 after 2MSL: [$c state]"
$net destroy
