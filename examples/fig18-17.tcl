#!/usr/bin/env tclsh
# fig18-17.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-17 and 18-18: simultaneous
#	open. "bsdi % sock -v -b8888 vangogh.cs.berkeley.edu 7777" and
#	"vangogh % sock -v -b7777 bsdi.tuc.noao.edu 8888" start at the same
#	instant, each binding the port the other connects to (the book's
#	18.8: bsdi binds 8888 and opens to vangogh's 7777). vangogh
#	(128.32.130.2) is not local to bsdi: the path goes through two
#	routers, sun (140.252.13.33 on the Ethernet, 140.252.1.29 beyond) and
#	a gateway (140.252.1.4, 128.32.130.1), over a 100 ms link standing in
#	for the Internet. Then, as in figure 18-18, each end sends a line
#	and bsdi closes first.
#
#	What to look at: the two SYNs cross (lines 1 and 2); each end goes
#	SYN_SENT -> SYN_RCVD and answers with a SYN-ACK carrying the same
#	sequence number as its own SYN (lines 3 and 4); each SYN-ACK takes
#	its receiver to ESTABLISHED. Four segments in all, one more than a
#	three-way handshake, and no separate ACK (4.4BSD tcp_input lets a
#	SYN-ACK that repeats the SYN through, acknowledged by nothing). Both
#	ends announce <mss 512>: 4.4BSD's tcp_mssdflt for a nonlocal peer.
#	The trace is taken at bsdi (-on bsdi): bsdi's segments as they leave,
#	vangogh's as they arrive.
#
#	tclsh examples/fig18-17.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44 \
    -gateway 140.252.13.33
$net host create sun -addr {140.252.13.33/27 140.252.1.29/24} \
    -profile bsd44 -forward 1 -gateway 140.252.1.4
$net host create gateway -addr {140.252.1.4/24 128.32.130.1/24} \
    -profile bsd44 -forward 1 -gateway 140.252.1.29
$net host create vangogh -addr 128.32.130.2/24 -profile bsd44 \
    -gateway 128.32.130.1
$net lan create ether0 {bsdi sun} -delay 1ms -rate 10Mbit
$net link create internet sun gateway -delay 100ms
$net lan create berkeley {gateway vangogh} -delay 1ms -rate 10Mbit

# Trace at bsdi, as tcpdump there would: each segment once (without -on,
# a segment is printed on each of the three links it crosses).
$net trace -format book -on bsdi

# The ISNs are not in the book; any two distinct values will do.
set a [bsdi connect vangogh 7777 -bind 8888 -isn 1540160001]
set b [vangogh connect bsdi 8888 -bind 7777 -isn 2827520001]
$net run -until {[$a state] eq "ESTABLISHED" && [$b state] eq "ESTABLISHED"} \
    -timeout 10s
set ai [$a info]
puts "(bsdi: connected on [dict get $ai laddr].[dict get $ai lport] to\
    [dict get $ai raddr].[dict get $ai rport], TCP_MAXSEG = [dict get $ai mss])"
set bi [$b info]
puts "(vangogh: connected on [dict get $bi laddr].[dict get $bi lport] to\
    [dict get $bi raddr].[dict get $bi rport], TCP_MAXSEG = [dict get $bi mss])"
$net run 1s
puts "(segments each end sent to open: bsdi [dict get [$a info] segs_out],\
    vangogh [dict get [$b info] segs_out])"

$a send "hello, world\n"
$net run 1s
$b send "and hi there\n"
$net run 1s
puts -nonewline "(vangogh prints) [$b recv]"
puts -nonewline "(bsdi prints) [$a recv]"
$a close
$net run 1s
$b close
$net run 2s

puts ""
puts "bsdi.8888:    [$a states]"
puts "vangogh.7777: [$b states]"
$net destroy
