#!/usr/bin/env tclsh
# fig18-21.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-21 and 18-22: a server bound to
#	one local IP address. sun has two interfaces, 140.252.13.33 on the
#	Ethernet and 140.252.1.29 on its SLIP link to netb. The server is
#	"sun % sock -s 140.252.1.29 8888": it listens on 140.252.1.29.8888
#	only (-myaddr). A client on netb connects to 140.252.1.29, then bsdi,
#	on the Ethernet, connects to 140.252.13.33.
#
#	What to look at: netstat shows the listener as 140.252.1.29.8888
#	*.*, not *.8888. The SYN from netb, for 140.252.1.29, is accepted;
#	the SYN from bsdi, for sun's other address, finds no listener and
#	is refused by TCP itself, the way a port with no listener is (figure
#	18-14): R 0:0(0) ack ISN+1 win 0, and connect fails with
#	ECONNREFUSED. The application never hears of it.
#
#	tclsh examples/fig18-21.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create sun -addr {140.252.13.33/27 140.252.1.29/24} -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net host create netb -addr 140.252.1.183/24 -profile bsd44
$net lan create ether0 {sun bsdi} -delay 1ms -rate 10Mbit
$net link create sl0 sun netb -delay 1ms
$net trace -format book

set l [sun listen 8888 -myaddr 140.252.1.29]
puts "sun % netstat -a -n | grep 8888"
foreach row [sun netstat] {
    puts "    $row"
}

set ok [netb connect 140.252.1.29 8888]
$net run 1s
set s [$l accept]
puts "(sun: connection on [dict get [$s info] laddr].8888 from\
    [dict get [$s info] raddr].[dict get [$s info] rport]: [$s state])"

set c [bsdi connect 140.252.13.33 8888 -isn 297416193]
$net run 1s

puts ""
puts "netb -> 140.252.1.29.8888:  [$ok states]"
puts "bsdi -> 140.252.13.33.8888: [$c states], error: [$c error]"
puts "listener queue: [$l info]"
$net destroy
