#!/usr/bin/env tclsh
# linux-02-syn-lost.tcl --
#
#	Linux 6.18, every SYN lost (reference trace 02; seed 001): the client
#	sends its SYN at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35 and 67 s -- four extra
#	1 s retries (tcp_syn_linear_timeouts 4) before the doubling starts --
#	and connect fails with ETIMEDOUT near 131 s. Times run a little late,
#	as the kernel's timer wheel makes them.
#
#	tclsh examples/linux-02-syn-lost.tcl ?linear_timeouts? ?-diagram ?file.svg??
#	    (0 gives the classic 1, 2, 4 ... 32 s schedule of trace 02b)

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create client -addr 192.0.2.1/24 -profile linux
$net host create server -addr 192.0.2.2/24 -profile linux
$net lan create veth {client server} -delay 20us
if {[llength $argv]} {
    client sysctl tcp_syn_linear_timeouts [lindex $argv 0]
}
$net trace -format book -events
$net filter add -on server -dir in -match {tcp[tcpflags] & tcp-syn != 0} -action drop

set c [client connect server 5001]
$net run -until {[$c state] eq "CLOSED"} -timeout 300s
puts "connect failed after [$net now] s: [$c error]"
$net destroy
