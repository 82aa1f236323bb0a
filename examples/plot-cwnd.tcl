# plot-cwnd.tcl --
#
#	Slow start and congestion avoidance on a bottleneck link: svr4 sends
#	200000 bytes to bsdi's discard service over a 1 Mbit/s link with 50 ms
#	of delay each way. The window opens by one segment per ACK (slow
#	start), one segment is lost where a full router queue would lose it,
#	and after the recovery the window grows by about one segment per
#	round trip (congestion avoidance; RFC 5681 3.1, 3.2).
#
#	tclsh plot-cwnd.tcl ?-profile bsd44|linux? ?-file name.svg?
#
#	Writes the cwnd plot (plot-cwnd-PROFILE.svg in the current directory
#	unless -file says otherwise) and prints each change of the window's
#	cause. bsd44 is 4.4BSD's Reno (fast retransmit, fast recovery);
#	linux is CUBIC with Linux's SACK recovery (RACK: it begins when three
#	segments are SACKed or a segment is overdue; PRR, RFC 6937, sets cwnd
#	on each ACK). The link has no
#	queue limit, so the loss is a fault rule on the 40th segment.

package require tcplab

set opts [dict merge {-profile bsd44 -file {}} $argv]
set profile [dict get $opts -profile]
set file [dict get $opts -file]
if {$file eq ""} {
    set file plot-cwnd-$profile.svg
}

set net [tcplab::network create -seed 1]
$net host create svr4 -addr 140.252.13.34/27 -profile $profile
$net host create bsdi -addr 140.252.13.35/27 -profile $profile -services discard
if {$profile eq "bsd44"} {
    # 4.4BSD's own congestion control (Reno), not the profiles' NewReno.
    svr4 sysctl tcp_congestion_control reno
}
# Buffers large enough not to be the limit (4.4BSD's are 4096 bytes).
bsdi sysctl rcvbuf 65535
svr4 sysctl sndbuf 65535
$net link create slow svr4 bsdi -delay 50ms -rate 1Mbit
$net record start

set c [svr4 connect bsdi discard]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
set i [$c info]
set lost [expr {([dict get $i snd_nxt] + 39 * [dict get $i mss]) & 0xffffffff}]
$net filter add -on bsdi -dir in -match "tcp\[4:4\] = $lost" -action drop -count 1
$c send [string repeat x 200000]
$c close
$net run 30s

tcplab::plot cwnd $net -file $file \
    -title "cwnd of a 200 kB transfer, $profile, 1 Mbit/s, 100 ms RTT, one loss"
set last {}
foreach e [$net record events] {
    if {[dict get $e host] eq "svr4" && [dict get $e kind] eq "cwnd"
	    && [dict get $e reason] ne $last} {
	set last [dict get $e reason]
	puts [format "%9.6f s  cwnd %6d  ssthresh %10d  %s" [dict get $e time] \
	    [dict get $e cwnd] [dict get $e ssthresh] $last]
    }
}
puts "(cwnd plot written to [file tail $file])"
$net destroy
