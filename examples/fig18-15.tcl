#!/usr/bin/env tclsh
# fig18-15.tcl --
#
#	TCP/IP Illustrated Vol. 1, figure 18-15: aborting a connection with a
#	RST instead of a FIN. The server is "svr4 % sock -s 8888" (a scripted
#	listener that prints what it reads); the client is
#	"bsdi % sock -L0 svr4 8888" (SO_LINGER with a time of 0: -linger 0),
#	which sends one line, "hello, world", and then ends (close).
#
#	What to look at: line 4 carries the 13 bytes (12 characters and the
#	newline), line 5 is svr4's ACK, and line 6 is the RST the close sends
#	instead of a FIN: R 14:14(0) ack 1 win 4096, with the current sequence
#	and acknowledgment numbers. Nothing answers the RST. The server
#	printed the line, then its next read fails with ECONNRESET: "read
#	error: Connection reset by peer".
#
#	tclsh examples/fig18-15.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {svr4 bsdi} -delay 1ms -rate 10Mbit
$net trace -format book

# sock -s 8888: copy what arrives to stdout; report a read error.
set srv {}
proc accepted {conn addr port} {
    set ::srv $conn
    $conn on readable serverRead
}
proc serverRead {conn} {
    if {[catch {$conn recv} data opts]} {
	puts "(svr4 sock: read error: [lindex [dict get $opts -errorcode] 2])"
    } elseif {[string length $data]} {
	puts -nonewline "(svr4 sock prints) $data"
    }
}
set l [svr4 listen 8888 -accept accepted]

set c [bsdi connect svr4 8888 -linger 0]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 5s
$c send "hello, world\n"
$net run 1s
$c close                        ;# ^D: with linger 0 the close aborts
$net run 2s

puts ""
puts "bsdi (client, -linger 0): [$c states], error: \"[$c error]\""
puts "svr4.8888 (server): [$srv states], error: [$srv error]"
$net destroy
