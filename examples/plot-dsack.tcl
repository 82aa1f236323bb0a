# plot-dsack.tcl --
#
#	A spurious fast retransmit undone by a D-SACK (RFC 2883, RFC 3708),
#	the way Linux does it: a linux host sends 300 kB to a linux receiver
#	over a 10 Mbit/s link with 20 ms of delay each way, and one segment
#	(the 61st) is not lost but held up for 10 ms on its way in, so that
#	eight later segments overtake it.
#
#	The receiver SACKs the segments that overtook it; at the third SACK
#	RACK (RFC 8985) deems the 61st lost and the sender enters a SACK
#	recovery: CUBIC's ssthresh, 0.7 cwnd, and PRR (RFC 6937) bringing cwnd
#	down to it. The segment is sent again, behind the 34 segments waiting
#	in a's interface queue (cwnd is above the path's 33 segments). The
#	original arrives 10 ms late and fills the hole; without timestamps
#	the sender cannot tell which copy did. When the retransmission arrives, the receiver has
#	those bytes already and says so with a D-SACK: a SACK block below the
#	ACK (RFC 2883 4.1). Every retransmission of the episode has then been
#	D-SACKed (Linux counts them in undo_retrans), so the reduction was
#	needless, and Linux undoes it (tcp_try_undo_dsack()): cwnd and
#	ssthresh come back to their values before the recovery.
#
#	Look at, in the cwnd plot: slow start up to 70 segments, the start of
#	the recovery (sack-rcvy marker), PRR sliding cwnd down to ssthresh
#	(49), the recovery ending when the whole window is acknowledged, and
#	cwnd jumping back to 70 (undo marker) one ACK later, when the D-SACK
#	arrives; ssthresh (dashed) is drawn only while it is finite.
#
#	The reordering estimate (tcp_info's tcpi_reordering) stays at 3:
#	Linux raises it when a hole is filled by data that was never sent
#	again (tcp_check_sack_reordering()), and this hole's segment had been
#	retransmitted, so neither the ACK nor the D-SACK proves reordering.
#	The second run has timestamps on: the ACK of the original echoes a
#	timestamp older than the retransmission (Eifel, RFC 3522), so that
#	very ACK undoes the reduction (tcp_try_undo_partial()) 76 ms sooner,
#	and it does raise the reordering estimate, to the distance the
#	original was overtaken by (9 segments).
#
#	tclsh plot-dsack.tcl ?-file name.svg?
#
#	Writes the cwnd plot (plot-dsack.svg in the current directory unless
#	-file says otherwise) and prints the steps: cwnd and ssthresh in
#	segments, the sequence numbers as offsets in the data (first byte 0),
#	and tcp_info's tcpi_reordering, tcpi_reord_seen and tcpi_dsack_dups.

package require tcplab

set opts [dict merge {-file plot-dsack.svg} $argv]
set file [dict get $opts -file]

# Runs the transfer; returns the network, the connection, the offset of
# the delayed segment and the rows of the sender's cwnd events with
# tcp_info read just after each.
proc transfer {ts} {
    global rows
    set net [tcplab::network create -seed 1]
    $net host create a -addr 10.0.0.1/24 -profile linux
    $net host create b -addr 10.0.0.2/24 -profile linux -services discard
    # Buffers that never limit the window in this run.
    foreach h {a b} {
	$h sysctl rcvbuf 1000000
	$h sysctl sndbuf 1000000
	$h sysctl tcp_timestamps $ts
    }
    $net link create path a b -delay 20ms -rate 10Mbit
    $net record start
    set c [a connect b discard]
    $net run -until {[$c state] eq "ESTABLISHED"} -timeout 10s
    set i [$c info]
    set mss [dict get $i mss]
    set isn [expr {[dict get $i snd_nxt] - 1}]
    # The 61st data segment arrives 10 ms late.
    set off [expr {60 * $mss}]
    set seq [expr {($isn + 1 + $off) & 0xffffffff}]
    $net filter add -on b -dir in -match "tcp\[4:4\] = $seq" \
	-action delay -delay 10ms -count 1
    set rows {}
    $c on event [list apply {{c e} {
	global rows
	if {[dict get $e kind] eq "cwnd"} {
	    lappend rows [list $e [$c sockopt TCP_INFO]]
	}
    }}]
    $c source 300000
    $c close
    $net run 1s
    return [list $net $c $off $rows]
}

# ssthresh in segments, or "inf" while Linux's is infinite.
proc ss {bytes mss} {
    if {$bytes >= 0x7fffffff - $mss} {
	return inf
    }
    return [expr {$bytes / $mss}]
}

proc story {net c off rows} {
    set mss [dict get [$c info] mss]
    set isn [expr {[dict get [$c info] iss] + 1}]
    set end [expr {$off + $mss}]
    # The delayed segment, its copies and the ACKs that concern it, as
    # {time line} in out.
    set out {}
    set high 0
    foreach s [$net record get] {
	set seq [expr {([dict get $s seq] - $isn) & 0xffffffff}]
	set ack [expr {([dict get $s ack] - $isn) & 0xffffffff}]
	if {[dict get $s from] eq "a" && [dict get $s len] > 0} {
	    if {$seq == $off} {
		set what [expr {$seq < $high ? "sent again" : "sent"}]
		lappend out [list [dict get $s time] [format \
		    "%.6f s  %d:%d %s (on the wire), at b %.6f" [dict get $s time] \
		    $off $end $what [dict get $s arrive]]]
	    }
	    set high [expr {max($high, $seq + [dict get $s len])}]
	} elseif {[dict get $s from] eq "b"} {
	    if {$ack >= $end && ![info exists filled]} {
		set filled 1
		lappend out [list [dict get $s arrive] [format \
		    "%.6f s  ack %d (b sent it at %.6f): the hole filled" \
		    [dict get $s arrive] $ack [dict get $s time]]]
	    }
	    foreach o [dict get $s options] {
		if {[lindex $o 0] eq "sack"} {
		    lassign [lindex $o 1] l r
		    set l [expr {($l - $isn) & 0xffffffff}]
		    set r [expr {($r - $isn) & 0xffffffff}]
		    if {$r <= $ack} {
			lappend out [list [dict get $s arrive] [format \
			    "%.6f s  ack %d <sack %d:%d> (b sent it at %.6f): a D-SACK" \
			    [dict get $s arrive] $ack $l $r [dict get $s time]]]
		    }
		}
	    }
	}
    }
    # The cwnd events that are not PRR's steps or slow start.
    set last {}
    foreach r $rows {
	lassign $r e ti
	set why [dict get $e reason]
	set cw [expr {[dict get $e cwnd] / $mss}]
	set st [ss [dict get $e ssthresh] $mss]
	if {$why in {"slow start" "PRR (RFC 6937)"}} {
	    set last [list $cw $st $ti]
	    continue
	}
	if {$why eq "HyStart (delay)"} {
	    break
	}
	lassign $last cw0 st0 ti0
	lappend out [list [dict get $e time] [format \
	    "%.6f s  %s: cwnd %d -> %d, ssthresh %s -> %s\n%11s%s" \
	    [dict get $e time] $why $cw0 $cw $st0 $st "" [format \
	    "reordering %d -> %d, reord_seen %d -> %d, dsack_dups %d -> %d" \
	    [dict get $ti0 tcpi_reordering] [dict get $ti tcpi_reordering] \
	    [dict get $ti0 tcpi_reord_seen] [dict get $ti tcpi_reord_seen] \
	    [dict get $ti0 tcpi_dsack_dups] [dict get $ti tcpi_dsack_dups]]]]
	set last [list $cw $st $ti]
	if {[string match undo* $why]} {
	    break
	}
    }
    # In time order at a (ACKs as they arrive there); at one instant, the
    # ACK before what it made a do.
    foreach r [lsort -real -index 0 $out] {
	puts [lindex $r 1]
    }
    puts "segments sent again: [dict get [$c sockopt TCP_INFO] tcpi_total_retrans]"
}

lassign [transfer 0] net c off rows
puts "timestamps off:"
story $net $c $off $rows
tcplab::plot cwnd $net -file $file -from 0.15 -to 0.35 \
    -title "D-SACK: a spurious fast retransmit undone, linux, no timestamps"
$net destroy

lassign [transfer 1] net c off rows
puts "timestamps on:"
story $net $c $off $rows
$net destroy
puts "(cwnd plot written to [file tail $file])"
