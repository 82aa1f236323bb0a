#!/usr/bin/env tclsh
# fig18-10.tcl --
#
#	TCP/IP Illustrated Vol. 1, figures 18-10 and 18-11: half-close, as in
#	"sun % rsh bsdi sort < datafile". The client on sun sends the file and
#	shuts down writing (shutdown(fd, 1), the sock program's -h); the
#	scripted server on bsdi (listen + accept, standing in for rshd and
#	sort) reads to end of file, sends the sorted lines back and closes a
#	second later.
#
#	What to look at: the client's FIN and its ACK, then data still
#	flowing from the half-closed peer to the client and the client's ACK
#	of it, then the server's FIN and the final ACK. The client keeps
#	receiving in FIN_WAIT_2, and no FIN_WAIT_2 timer runs after a half-
#	close ("2msl" stays empty in $c timers): the 10 min + 75 s timer of
#	4.4BSD is only for a connection that can no longer receive.
#
#	tclsh examples/fig18-10.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create sun -addr 140.252.13.33/27 -profile bsd44
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {sun bsdi} -delay 1ms -rate 10Mbit
$net trace -format book

# The server: rshd on the shell port. Its connection arrives through
# -accept; what it reads is collected until end of file.
set srv {}
set input {}
proc accepted {conn addr port} {
    set ::srv $conn
    puts "(bsdi: connection from $addr.$port)"
    $conn on readable serverRead
}
proc serverRead {conn} {
    append ::input [$conn recv]
}
set l [bsdi listen shell -accept accepted]

# The client: rsh, from a reserved port.
set client {}
set c [sun connect bsdi shell -bind 1023]
$c on readable {apply {{conn} {append ::client [$conn recv]}}}
$net run -until {$srv ne ""} -timeout 5s
$c send "pear\napple\nfig\nbanana\n"
$c shutdown write               ;# end of datafile: FIN, keep reading

$net run -until {[$srv eof]} -timeout 5s
puts "(bsdi: end of file after [string length $input] bytes;\
    server [$srv state], client [$c state])"
$net run -until {[$c state] eq "FIN_WAIT_2"} -timeout 5s
puts "(sun: [$c state], timers: [$c timers])"

# sort, then write the result and exit.
$srv send [join [lsort [split [string trim $input] \n]] \n]\n
$net run 1s
puts "(sun: still [$c state] and reading: [string length $client] bytes so far,\
    2msl timer: \"[dict get [$c timers] 2msl]\")"
$srv close
$net run -until {[$c eof]} -timeout 5s
$net run 1s

puts ""
puts "sun received:"
puts -nonewline $client
puts "sun.1023 (client): [$c states]"
puts "bsdi.shell (server): [$srv states]"
$net destroy
