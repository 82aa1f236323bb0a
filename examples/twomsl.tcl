#!/usr/bin/env tclsh
# twomsl.tcl --
#
#	TCP/IP Illustrated Vol. 1, section 18.6.1: the 2MSL wait and the
#	ports it holds (the book shows these as sock sessions, not as
#	figures). "sun % sock -s 6666" serves a client from bsdi port 1098;
#	then the server is killed, so sun does the active close and its end
#	of the connection, 140.252.13.33.6666 / 140.252.13.35.1098, sits in
#	TIME_WAIT for 2MSL (60 s with 4.4BSD's MSL of 30 s).
#
#	What to look at:
#	  - restarting the server on 6666 fails with EADDRINUSE ("can't bind
#	    local address: Address already in use"); with -reuseaddr (sock
#	    -A, SO_REUSEADDR) it succeeds;
#	  - a client on sun that binds 6666 fails with EADDRINUSE; with
#	    -reuseaddr the bind is allowed but connecting to bsdi.1098, the
#	    very 4-tuple in TIME_WAIT, still fails; the same port toward
#	    another peer works;
#	  - the client's side of it (the book's port 1162): after a client's
#	    active close, binding its port again fails the same way;
#	  - "bsdi % sock -b1098 sun 6666" while sun's 4-tuple is still in
#	    TIME_WAIT succeeds: 4.4BSD accepts a SYN for a TIME_WAIT 4-tuple
#	    whose sequence number is above the old one, and the new
#	    incarnation's ISN is 128000 (TCP_ISSINCR) above the old one's
#	    rcv_nxt (4.4BSD tcp_input() counts it in the peer's sequence
#	    space; the book says "the last sequence number" + 128000);
#	  - a SYN from another host (svr4) reaches the restarted server too;
#	  - after 2MSL the port is free again without -reuseaddr.
#
#	tclsh examples/twomsl.tcl ?-diagram ?file.svg??

package require tcplab

set net [tcplab::network create]
tcplab::example::diagram $net ;# -diagram: the time line at the end
$net host create sun -addr 140.252.13.33/27 -profile bsd44
$net host create svr4 -addr 140.252.13.34/27 -profile bsd44 -services discard
$net host create bsdi -addr 140.252.13.35/27 -profile bsd44
$net lan create ether0 {sun svr4 bsdi} -delay 1ms -rate 10Mbit
$net trace -format book

proc try {what script} {
    if {[catch {uplevel 1 $script} res opts]} {
	puts "    $what: [dict get $opts -errorcode]"
	return
    }
    puts "    $what: ok"
    return $res
}

puts "sun % sock -s 6666; bsdi % sock -b1098 sun 6666; the server is killed"
set l [sun listen 6666]
set c [bsdi connect sun 6666 -bind 1098]
$net run -until {[$l pending]} -timeout 5s
set s [$l accept]
$net run 1s
$s close
$l close
$net run -until {[$c eof]} -timeout 5s
$c close
$net run 1s
puts "(sun: [sun netstat])"
set oldnxt [dict get [$s info] rcv_nxt]

puts "server restart:"
try "sun listen 6666" {sun listen 6666}
puts "client binds on sun:"
try "sun connect bsdi 1098 -bind 6666" {sun connect bsdi 1098 -bind 6666}
try "sun connect bsdi 1098 -bind 6666 -reuseaddr" {
    sun connect bsdi 1098 -bind 6666 -reuseaddr
}
set other [try "sun connect svr4 discard -bind 6666 -reuseaddr" {
    sun connect svr4 discard -bind 6666 -reuseaddr
}]
$net run 1s
$other close
$net run 1s

puts "the client's side (bsdi % sock -v svr4 discard, port 1162, then -b1162):"
set e [bsdi connect svr4 discard -bind 1162]
$net run 1s
$e close
$net run 1s
puts "    bsdi.1162 is [$e state]"
try "bsdi connect svr4 discard -bind 1162" {
    bsdi connect svr4 discard -bind 1162
}

puts "sun % sock -A -s 6666; bsdi % sock -b1098 sun 6666:"
set l2 [try "sun listen 6666 -reuseaddr" {sun listen 6666 -reuseaddr}]
set c2 [bsdi connect sun 6666 -bind 1098]
$net run 1s
set s2 [$l2 accept]
puts "    bsdi.1098: [$c2 states]"
puts "    old incarnation on sun: [$s states]"
puts "    new ISN [dict get [$s2 info] iss] = old rcv_nxt $oldnxt +\
    [expr {[dict get [$s2 info] iss] - $oldnxt}]"
set c3 [svr4 connect sun 6666]
$net run 1s
puts "    svr4 -> sun.6666: [$c3 states]"
puts "(sun: [sun netstat])"

puts "after 2MSL:"
set l3 [sun listen 7777]
set c4 [bsdi connect sun 7777]
$net run -until {[$l3 pending]} -timeout 5s
set s4 [$l3 accept]
$s4 close
$l3 close
$net run -until {[$c4 eof]} -timeout 5s
$c4 close
$net run -until {[$s4 state] eq "TIME_WAIT"} -timeout 5s
try "sun listen 7777 (TIME_WAIT)" {sun listen 7777}
$net run -until {[$s4 state] eq "CLOSED"} -timeout 100s
set h [$s4 history]
set tw [lindex $h [expr {[lsearch $h TIME_WAIT] - 1}]]
puts [format "    TIME_WAIT lasted %.6f s" [expr {[lindex $h end-1] - $tw}]]
try "sun listen 7777 (after 2MSL)" {sun listen 7777}
$net destroy
