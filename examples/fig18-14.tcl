#!/usr/bin/env tclsh
# fig18-14.tcl --
#
#	TCP/IP Illustrated Vol. 1, figure 18-14: a connection request for a
#	port with no listener, "bsdi % telnet svr4 20000", with the book's
#	client port and ISN.
#
#	What to look at: svr4 answers the SYN with a RST at once. The SYN
#	carried no ACK, so the RST has sequence number 0 and acknowledges the
#	ISN plus one (a SYN takes one sequence number): R 0:0(0) ack
#	297416194 win 0. The client learns ECONNREFUSED ("Connection
#	refused") without any retransmission.
#
#	tclsh examples/fig18-14.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {svr4 bsdi} -delay 1ms -rate 10Mbit
$net trace -format book

puts "bsdi % telnet svr4 20000"
puts "Trying 140.252.13.34..."
set c [bsdi connect svr4 20000 -bind 1087 -isn 297416193]
$net run 1s
if {[catch {$c recv} msg opts]} {
    puts "telnet: Unable to connect to remote host: [lindex [dict get $opts -errorcode] 2]"
}
puts ""
puts "bsdi.1087: [$c states], error: [$c error]"
puts "svr4: segments for no listener: [dict get [svr4 stats] tcp_noport],\
    RSTs sent: [dict get [svr4 stats] tcp_rst_out]"
$net destroy
