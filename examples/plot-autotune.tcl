# plot-autotune.tcl --
#
#	Receive-buffer autotuning (dynamic right-sizing), the way Linux 6.18
#	does it (net.ipv4.tcp_moderate_rcvbuf 1, tcp_rmem 4096 131072
#	33554432): a linux host sends 2 MB to a linux receiver whose
#	application reads everything at once (the discard service), over a
#	100 Mbit/s link with 50 ms of delay each way: the path holds 1.25 MB,
#	and the buffer starts at 128 KiB of memory (tcp_rmem[1]), a window
#	of 79 KiB at the payload-to-memory ratio tcplab's linux profile
#	takes (158/256).
#
#	Once per receive round trip (measured from the timestamps the sender
#	echoes, tcp_rcv_rtt_measure_ts()), the receiver counts the bytes the
#	application read in it (rcvq_space.space, tcp_rcv_space_adjust());
#	when they beat the last count, tcp_rcvbuf_grow() makes the buffer
#	room for twice that ("DRS is always one RTT late") plus twice its
#	growth ("slow start: allow the sender to double its rate"), in memory
#	(tcp_space_from_win(): the window over the payload-to-memory ratio),
#	up to tcp_rmem[2]; window_clamp, the largest window it may announce,
#	follows. Between measurements the announced window grows by two
#	segments for every segment received (tcp_grow_window()) until it
#	reaches window_clamp.
#
#	Look at, in the cwnd plot: the receive window (yellow) growing in
#	steps round by round, each step ending at the window_clamp of the
#	last measurement, and staying above the bytes in flight (grey), which
#	double every round trip in slow start: the receiver does not hold the
#	sender back, although its first window is a twentieth of the path.
#
#	tclsh plot-autotune.tcl ?-file name.svg?
#
#	Writes the cwnd plot (plot-autotune.svg in the current directory
#	unless -file says otherwise) and prints, when the connection is
#	established and at each measurement that counted more bytes than the
#	last, the receiver's tcp_info: tcpi_rcv_rtt (the receive RTT, ms),
#	tcpi_rcv_space (the bytes read in the last receive RTT) and
#	tcpi_rcv_ssthresh (the announced window's current cap), with the
#	buffer as a window (SO_RCVBUF as tcplab reads it back: the memory
#	times the ratio, which is window_clamp once the buffer has grown).

package require tcplab

set opts [dict merge {-file plot-autotune.svg} $argv]
set file [dict get $opts -file]

set net [tcplab::network create -seed 1]
$net host create a -addr 10.0.0.1/24 -profile linux
$net host create b -addr 10.0.0.2/24 -profile linux -services discard
$net link create path a b -delay 50ms -rate 100Mbit
$net record start
set c [a connect b discard]
$net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
# b's end of the connection (the discard service's).
set bc [lindex [b connections] 0]

# After every event: a line when tcpi_rcv_space changed (the first
# measure's start at ESTABLISHED, then a measurement that counted more).
set last 0
proc watch {} {
    global bc net last
    set ti [$bc sockopt TCP_INFO]
    set space [dict get $ti tcpi_rcv_space]
    if {$space != $last} {
	set last $space
	puts [format "%.6f s  rcv_rtt %7.3f ms  space %6d  rcv_ssthresh %7d  rcvbuf as window %7d" \
	    [$net now] [expr {[dict get $ti tcpi_rcv_rtt] / 1000.0}] $space \
	    [dict get $ti tcpi_rcv_ssthresh] [$bc sockopt SO_RCVBUF]]
    }
    return 0
}
$c source 2000000
$c close
$net run -until {[watch]} -timeout 2s
tcplab::plot cwnd $net -file $file \
    -title "Receive-buffer autotuning, linux, 100 Mbit/s, 100 ms RTT"
puts "(cwnd plot written to [file tail $file])"
$net destroy
