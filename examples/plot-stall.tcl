# plot-stall.tcl --
#
#	A window stall against a slow reader: svr4 sends 40000 bytes to a
#	scripted server on bsdi (8 KiB receive buffer) that starts reading
#	after 6 s, then reads 512 bytes every 250 ms. The
#	receive window (yellow line) closes, the sender stops at its right
#	edge, the zero-window probes (orange) go out on the persist timer,
#	and every read that opens the window far enough lets a little more
#	through (the window updates of RFC 9293 3.8.6.2.2, and no silly
#	window: the receiver waits until it can offer a full segment or half
#	its buffer).
#
#	tclsh plot-stall.tcl ?-profile bsd44|linux? ?-file name.svg?

package require tcplab

set opts [dict merge {-profile bsd44 -file {}} $argv]
set profile [dict get $opts -profile]
set file [dict get $opts -file]
if {$file eq ""} {
    set file plot-stall-$profile.svg
}

set net [tcplab::network create -seed 1]
$net host create svr4 -addr 140.252.13.34/27 -profile $profile
$net host create bsdi -addr 140.252.13.35/27 -profile $profile
# An 8 KiB receive buffer: the window the reader's pace leaves open.
bsdi sysctl rcvbuf 8192
$net link create slow svr4 bsdi -delay 20ms -rate 1Mbit
$net record start

set l [bsdi listen 7777]
set c [svr4 connect bsdi 7777]
$net run -until {[$l pending] > 0} -timeout 10s
set s [$l accept]
$c send [string repeat x 40000]
$c close

# The slow reader: 512 bytes every 250 ms of virtual time.
proc slowRead {net s} {
    $s recv -max 512
    if {![$s eof]} {
	$net after 250ms [list slowRead $net $s]
    }
}
$net after 6s [list slowRead $net $s]
$net run 30s

tcplab::plot tseq $net -file $file -to 15 \
    -title "a window stall against a slow reader ($profile)"
set n 0
foreach line [split [tcplab::plot tseq $net -format text] \n] {
    if {[regexp {^[0-9.]+ +zwp } $line]} {
	incr n
    }
}
puts "zero-window probes: $n"
puts "(time-sequence graph written to [file tail $file])"
$net destroy
