# plot-cubic.tcl --
#
#	CUBIC's curve (RFC 9438, Linux's default congestion control): a
#	linux host sends 18 MB over a 10 Mbit/s link with 50 ms of delay each
#	way, and one segment is lost after the first megabyte.
#
#	Slow start ends early, by HyStart's delay test: the link queues what
#	it cannot carry, so the round trip grows once the window passes the
#	path's capacity, and HyStart leaves slow start when it has grown by
#	more than an eighth (at least 4 ms). After the loss, CUBIC remembers
#	the window it had (Wmax), cuts cwnd to 0.7 Wmax (beta 717/1024),
#	and PRR (RFC 6937) brings cwnd down to that over the recovery. Then
#	the window follows W(t) = C (t - K)^3 + Wmax (segments, t in seconds
#	since the recovery ended, C = 0.4): quickly up at first (concave),
#	flat near Wmax at t = K = cbrt(Wmax (1 - beta) / C), where the loss
#	happened, and faster and faster past it (convex), probing for more.
#
#	tclsh plot-cubic.tcl ?-file name.svg?
#
#	Writes the cwnd plot (plot-cubic.svg in the current directory unless
#	-file says otherwise) and prints HyStart's exit, the loss, K, and
#	once a second cwnd beside RFC 9438's W(t + RTT), the window CUBIC
#	aims at one round trip ahead (both in segments of the connection's
#	MSS).

package require tcplab

set opts [dict merge {-file plot-cubic.svg} $argv]
set file [dict get $opts -file]

set net [tcplab::network create -seed 1]
$net host create a -addr 10.0.0.1/24 -profile linux
$net host create b -addr 10.0.0.2/24 -profile linux -services discard
# Buffers that never limit the window in this run. The receiver ACKs
# every second segment: a Linux receiver would ACK each one at once for
# as long as its window grows (tcp_grow_window()), here through all of
# slow start, and HyStart would see another ACK clock.
foreach h {a b} {
    $h sysctl rcvbuf 1000000
    $h sysctl sndbuf 1000000
}
b sysctl rcv_grow_quickack 0
$net link create path a b -delay 50ms -rate 10Mbit
$net record start

set c [a connect b discard]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
set i [$c info]
set mss [dict get $i mss]
# The segment that starts 1000 segments into the data is lost once.
set lost [expr {([dict get $i snd_nxt] + 1000 * $mss) & 0xffffffff}]
$net filter add -on b -dir in -match "tcp\[4:4\] = $lost" -action drop -count 1
$c source 18000000
$c close
$net run 20s

tcplab::plot cwnd $net -file $file \
    -title "CUBIC: 18 MB over 10 Mbit/s, 100 ms RTT, one loss"

# The cwnd events of a, in order.
set events {}
foreach e [$net record events] {
    if {[dict get $e host] eq "a" && [dict get $e kind] eq "cwnd"} {
	lappend events $e
    }
}
proc segs {bytes} {
    global mss
    return [format %.1f [expr {double($bytes) / $mss}]]
}
set wmax 0
set epoch {}
foreach e $events {
    set why [dict get $e reason]
    set t [format %.3f [dict get $e time]]
    if {[string match HyStart* $why]} {
	puts "$t s  $why: slow start ends at cwnd [segs [dict get $e cwnd]]"
    } elseif {[string match "SACK loss recovery*" $why]} {
	set wmax [expr {double([dict get $e cwnd]) / $mss}]
	puts "$t s  loss: Wmax [segs [dict get $e cwnd]], ssthresh\
	    [segs [dict get $e ssthresh]] (0.7 Wmax)"
    } elseif {[string match "recovery ends*" $why]} {
	puts "$t s  recovery ends: cwnd [segs [dict get $e cwnd]]"
	set w0 [expr {double([dict get $e cwnd]) / $mss}]
    } elseif {$wmax && $epoch eq "" && [string match *CUBIC* $why]} {
	# The epoch begins with the first ACK of congestion avoidance.
	set epoch [dict get $e time]
    }
}
# RFC 9438 4.2: K = cbrt((Wmax - cwnd at the epoch's start) / C); RTT is
# the path's round trip without a queue (Linux's delay_min).
set C 0.4
set K [expr {pow(($wmax - $w0) / $C, 1.0 / 3)}]
set rtt 0.1
puts [format "K = cbrt((%.1f - %.1f) / %.1f) = %.2f s: Wmax again near %.2f s" \
    $wmax $w0 $C $K [expr {$epoch + $K}]]
puts "   t     cwnd   W(t+RTT)"
set k 0
for {set s 1} {$epoch + $s < 15} {incr s} {
    set at [expr {$epoch + $s}]
    while {$k + 1 < [llength $events]
	    && [dict get [lindex $events [expr {$k + 1}]] time] <= $at} {
	incr k
    }
    set w [expr {$C * pow($s + $rtt - $K, 3) + $wmax}]
    puts [format "%6.3f %8s %8.1f" $at \
	[segs [dict get [lindex $events $k] cwnd]] $w]
}
puts "(cwnd plot written to [file tail $file])"
$net destroy
