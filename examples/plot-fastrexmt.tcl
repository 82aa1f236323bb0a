# plot-fastrexmt.tcl --
#
#	A fast retransmit and recovery after one loss, as a time-sequence
#	graph: svr4 (bsd44, 4.4BSD Reno) sends 60000 bytes to bsdi over a
#	1 Mbit/s link with 20 ms of delay; the 12th data segment is lost.
#	Look at: the data bars climbing until the hole, the ACK line stuck at
#	the lost segment while duplicate ACKs (cyan) come back, the
#	retransmission (red) after the third one (RFC 5681 3.2) well before
#	the retransmission timer would fire, the segments window inflation
#	lets out during recovery, and the ACK line jumping over everything
#	received meanwhile when the retransmission arrives.
#
#	tclsh plot-fastrexmt.tcl ?-profile bsd44|linux? ?-file name.svg?
#
#	With -profile linux the receiver sends SACK blocks (purple), and
#	recovery is Linux's: limited transmit on the first SACKs, recovery
#	once three segments are SACKed or RACK's timer finds one overdue, PRR
#	(RFC 6937) pacing it.

package require tcplab

set opts [dict merge {-profile bsd44 -file {}} $argv]
set profile [dict get $opts -profile]
set file [dict get $opts -file]
if {$file eq ""} {
    set file plot-fastrexmt-$profile.svg
}

set net [tcplab::network create -seed 1]
$net host create svr4 -addr 140.252.13.34/27 -profile $profile
$net host create bsdi -addr 140.252.13.35/27 -profile $profile -services discard
if {$profile eq "bsd44"} {
    # 4.4BSD's own congestion control (Reno), not the profiles' NewReno.
    svr4 sysctl tcp_congestion_control reno
}
bsdi sysctl rcvbuf 32768
svr4 sysctl sndbuf 32768
$net link create slow svr4 bsdi -delay 20ms -rate 1Mbit
$net record start

set c [svr4 connect bsdi discard]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
set i [$c info]
set lost [expr {([dict get $i snd_nxt] + 11 * [dict get $i mss]) & 0xffffffff}]
$net filter add -on bsdi -dir in -match "tcp\[4:4\] = $lost" -action drop -count 1
$c send [string repeat x 60000]
$c close
$net run 30s

tcplab::plot tseq $net -file $file \
    -title "fast retransmit and recovery after one loss ($profile)"
# What the graph shows, as text: the retransmission and the ACKs around it.
set text [tcplab::plot tseq $net -format text]
foreach line [split $text \n] {
    if {[regexp {^[0-9.]+ +(rexmt|dup|drop) } $line]} {
	puts $line
    }
}
puts "(time-sequence graph written to [file tail $file])"
$net destroy
