#!/usr/bin/env tclsh
# fig18-16.tcl --
#
#	TCP/IP Illustrated Vol. 1, figure 18-16: detecting a half-open
#	connection. "bsdi % telnet svr4 discard"; one line ("hi there") is
#	sent and acknowledged; then svr4's cable is pulled, svr4 is rebooted
#	(it loses every connection without sending anything) and plugged in
#	again, about 190 s in all; then the next line ("another line") is
#	typed. svr4 has been up 206 s when the connection starts, so its ISN
#	is the book's 26368001 (1 + 412 ticks of 64000).
#
#	What to look at: svr4 knows nothing of the connection after the
#	reboot, so the data segment (line 6) draws a RST (line 7). The data
#	segment carried an ACK, so the RST takes its sequence number from that
#	ACK field (26368002, svr4's old ISN + 1) and has no ACK itself:
#	R 26368002:26368002(0) win 0, printed with absolute numbers. bsdi's
#	connection ends with ECONNRESET ("Connection closed by foreign host"
#	in telnet). The book's lines 7 and 8 are an ARP request and reply
#	(svr4's ARP cache was empty after the reboot); tcplab's links need no
#	ARP, and its trace shows TCP segments only.
#
#	tclsh examples/fig18-16.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
# svr4 has been up 206 s: its ISN is 1 + 412 x 64000 = 26368001.
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44 -services discard \
    -uptime 206s
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {svr4 bsdi} -delay 1ms -rate 10Mbit
$net trace -format book

# bsdi's ISN is not in the book; any value but svr4's avoids confusion.
set c [bsdi connect svr4 discard -bind 1102 -isn 1574848001]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 5s
$c send "hi there\r\n"
$net run 1s
puts "(svr4 before the crash: [svr4 netstat])"
set ack [dict get [$c info] rcv_nxt]

$net cable svr4 unplug
$net crash svr4
$net boot svr4
$net cable svr4 plug
puts "(svr4 after the reboot: [svr4 netstat]; bsdi still thinks\
    [$c state])"
$net run 190s

$c send "another line\r\n"
$net run 1s

puts ""
puts "the data segment carried ack $ack (svr4's old ISN + 1); the RST's\
    sequence number is that ack"
if {[catch {$c recv} msg opts]} {
    puts "bsdi telnet: read error: [lindex [dict get $opts -errorcode] 2]"
}
puts "bsdi.1102: [$c states], error: [$c error]"
$net destroy
