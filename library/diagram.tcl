# diagram.tcl --
#
#	tcplab::diagram: the time-line figures of TCP/IP Illustrated, Vol. 1
#	(figs. 18-3, 18-13, 18-17, 18-19), drawn from segments: one vertical
#	axis per host, time going down, each segment a slanted arrow from the
#	sender's axis to the receiver's, labelled as the book labels them
#	(SYN 1415531521:1415531521(0) <mss 1024>, ack 1415531522, FIN, RST),
#	and each end's state names beside its axis where they change. As text
#	(80 columns) or SVG.
#
#	tcplab::diagram ?-format text|svg? ?-file name? ?-times? ?-relative?
#		?-names {addr name ...}? ?-title text? ?-conn c? source
#
#	source is a network (its `$net record` segments, with their arrival
#	times and losses, and the state changes its stack recorded; names
#	from its hosts), a pcap file (tcplab::pcap read), or a list of
#	segment dicts in either form (states inferred from the segments).

namespace eval ::tcplab {
    namespace export diagram
}

namespace eval ::tcplab::diagram {
    # Well-known ports, named as the trace names them (its table).
    variable services [::tcplab::wire services]
    variable flagWords {S SYN F FIN R RST}
}

proc ::tcplab::diagram {args} {
    set opts {-format text -file {} -times 0 -relative 0 -names {} -title {}
	-conn {}}
    set n [llength $args]
    if {$n == 0} {
	return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be\
	    \"tcplab::diagram ?-format text|svg? ?-file name? ?-times?\
	    ?-relative? ?-names dict? ?-title text? ?-conn c? source\""
    }
    for {set i 0} {$i < $n - 1} {incr i} {
	set a [lindex $args $i]
	switch -exact -- $a {
	    -times - -relative {
		dict set opts $a 1
	    }
	    -format - -file - -names - -title - -conn {
		if {$i + 1 >= $n - 1} {
		    return -code error -errorcode {TCL ARGUMENT MISSING} \
			"no argument given for $a option"
		}
		dict set opts $a [lindex $args [incr i]]
	    }
	    default {
		return -code error \
		    -errorcode [list TCL LOOKUP INDEX option $a] \
		    "bad option \"$a\": must be -conn, -file, -format,\
		    -names, -relative, -times, or -title"
	    }
	}
    }
    set format [dict get $opts -format]
    if {$format ni {text svg}} {
	return -code error -errorcode [list TCPLAB VALUE FORMAT $format] \
	    "bad format \"$format\": must be svg or text"
    }
    set source [lindex $args end]
    lassign [diagram::Load $source] segs names isnet events
    set names [dict merge $names [dict get $opts -names]]
    if {[dict get $opts -conn] ne "" && [llength $segs]} {
	lassign [diagram::Only $segs $events $names [dict get $opts -conn]] \
	    segs events
	if {![llength $segs]} {
	    set c [dict get $opts -conn]
	    return -code error -errorcode [list TCPLAB LOOKUP CONN $c] \
		"no segments of connection \"$c\""
	}
    }
    if {![llength $segs]} {
	return -code error -errorcode {TCPLAB DIAGRAM EMPTY} \
	    "nothing to draw: no TCP segments[expr {$isnet
		? " recorded (start \"$source record start\" before the run)"
		: ""}]"
    }
    set model [diagram::Model $segs $names [dict get $opts -relative] \
	$events]
    if {$format eq "svg"} {
	set out [diagram::Svg $model $opts]
    } else {
	set out [diagram::Text $model $opts]
    }
    if {[dict get $opts -file] ne ""} {
	set f [open [dict get $opts -file] w]
	fconfigure $f -encoding utf-8
	puts -nonewline $f $out
	close $f
    }
    return $out
}

#
# Input: a network, a pcap file, or segment dicts.
#

proc ::tcplab::diagram::Load {source} {
    set names {}
    if {[llength $source] == 1 && [string match ::tcplab::net* $source]
	    && [llength [info commands $source]]} {
	foreach h [$source hosts] {
	    foreach a [$h addresses] {
		dict set names [lindex [split $a /] 0] $h
	    }
	}
	# The states its stack went through, where the network keeps them.
	if {[catch {$source record events} events]} {
	    set events {}
	}
	return [list [$source record get] $names 1 $events]
    }
    if {[llength $source] == 1 && ![file isfile $source]
    	    && [llength [lindex $source 0]] == 1} {
    	# One word that is neither a network nor a file: not a list of
    	# segment dicts either.
    	return -code error -errorcode [list TCPLAB LOOKUP SOURCE $source] \
    	    "no network or pcap file \"$source\""
    }
    if {[llength $source] == 1 && [file isfile $source]} {
	return [list [tcplab::pcap read $source] $names 0]
    }
    return [list $source $names 0]
}

# -conn: the segments and events of one connection, named by its handle
# (both ends) or by one end, host.port or address.port.
proc ::tcplab::diagram::Only {segs events names conn} {
    variable services
    if {[llength [info commands $conn]] && ![catch {$conn info} info]
	    && [dict exists $info raddr]} {
	set ends [list [dict get $info laddr].[dict get $info lport] \
	    [dict get $info raddr].[dict get $info rport]]
	set both 1
    } elseif {[regexp {^(.+)[.:]([0-9]+|[a-z-]+)$} $conn -> h p]
	    && ([string is digit $p] || $p in [dict values $services])} {
	# A port by number or by the name the drawing gives it.
	dict for {num name} $services {
	    if {$name eq $p} {
		set p $num
	    }
	}
	dict for {a n} $names {
	    if {$n eq $h} {
		set h $a
		break
	    }
	}
	set ends [list $h.$p]
	set both 0
    } else {
	return -code error -errorcode [list TCPLAB VALUE CONN $conn] \
	    "bad connection \"$conn\": must be a connection handle,\
	    host.port or address.port"
    }
    set keep {}
    foreach s $segs {
	set a [dict get $s src].[dict get $s sport]
	set b [dict get $s dst].[dict get $s dport]
	if {$both ? ($a in $ends && $b in $ends && $a ne $b)
		: ($a in $ends || $b in $ends)} {
	    lappend keep $s
	}
    }
    set evs {}
    foreach e $events {
	if {![dict exists $e lport]} {
	    continue
	}
	set a [dict get $e laddr].[dict get $e lport]
	set b [dict get $e raddr].[dict get $e rport]
	if {$both ? ($a in $ends && $b in $ends)
		: ($a in $ends || $b in $ends)} {
	    lappend evs $e
	}
    }
    list $keep $evs
}

# Segments that are one hop of a longer path (a router forwarded what it
# received) are joined to the first hop: one arrow from the sender to the
# last receiver.
proc ::tcplab::diagram::Join {segs} {
    set out {}
    set open {}
    foreach s $segs {
	if {![dict exists $s arrive]} {
	    lappend out $s
	    continue
	}
	set key [list [dict get $s src] [dict get $s sport] [dict get $s dst] \
	    [dict get $s dport] [dict get $s flags] [dict get $s seq] \
	    [dict get $s ack] [dict get $s len]]
	set joined 0
	if {[dict exists $open $key]} {
	    set k [dict get $open $key]
	    set p [lindex $out $k]
	    set pa [dict get $p arrive]
	    if {$pa ne "" && [dict get $p to] eq [dict get $s from]
		    && $pa <= [dict get $s time] + 1e-9} {
		foreach f {to arrive drop} {
		    dict set p $f [dict get $s $f]
		}
		lset out $k $p
		set joined 1
	    }
	}
	if {!$joined} {
	    lappend out $s
	    dict set open $key [expr {[llength $out] - 1}]
	}
    }
    return $out
}

#
# The model: axes, arrows with their times, states.
#

proc ::tcplab::diagram::Name {names addr} {
    if {[dict exists $names $addr]} {
	return [dict get $names $addr]
    }
    return $addr
}

proc ::tcplab::diagram::PortName {port} {
    variable services
    if {[dict exists $services $port]} {
	return [dict get $services $port]
    }
    return $port
}

# 32-bit sequence comparisons.
proc ::tcplab::diagram::SeqGt {a b} {
    expr {(($a - $b) & 0xffffffff) != 0 && (($a - $b) & 0x80000000) == 0}
}

proc ::tcplab::diagram::Label {s rel isn} {
    variable flagWords
    set flags [dict get $s flags]
    set words {}
    foreach {f w} $flagWords {
	if {[string first $f $flags] >= 0} {
	    lappend words $w
	}
    }
    set seq [dict get $s seq]
    set ack [dict get $s ack]
    set len [dict get $s len]
    set from [dict get $s src].[dict get $s sport]
    set to [dict get $s dst].[dict get $s dport]
    if {$rel && [string first S $flags] < 0} {
	if {[dict exists $isn $from]} {
	    set seq [expr {($seq - [dict get $isn $from]) & 0xffffffff}]
	}
	if {[dict exists $isn $to]} {
	    set ack [expr {($ack - [dict get $isn $to]) & 0xffffffff}]
	}
    }
    if {$len > 0 || [llength $words]} {
	lappend words [format %u:%u(%u) $seq \
	    [expr {($seq + $len) & 0xffffffff}] $len]
    }
    if {[string first A $flags] >= 0} {
	lappend words "ack $ack"
    }
    set urp [expr {[dict exists $s urp] ? [dict get $s urp]
	: [dict exists $s urg] ? [dict get $s urg] : 0}]
    if {[string first U $flags] >= 0} {
	lappend words "urg $urp"
    }
    set o {}
    foreach opt [dict get $s options] {
	if {[lindex $opt 0] eq "ts"} {
	    # Timestamps' values would fill the figure; say they are there.
	    lappend o ts
	} elseif {$opt ni {nop eol}} {
	    lappend o [join $opt " "]
	}
    }
    if {[llength $o]} {
	lappend words "<[join $o ,]>"
    }
    return [join $words " "]
}

#
# Model --
#	Returns a dict: axes (list of {key title}), arrows (list of dicts:
#	from to t a lost label), states (list of {axisIndex time name kind
#	index end}, by time), where kind is send or arrive (drawn at that
#	event of segment index), start (LISTEN, at the top) or time (where
#	the time falls), and end names the connection's end (a.p>b.p).
#	recorded: the events of `$net record events`, if any.
#
proc ::tcplab::diagram::Model {segs names rel {recorded {}}} {
    set segs [Join $segs]
    set timed 1
    foreach s $segs {
	if {![dict exists $s arrive]} {
	    set timed 0
	    break
	}
    }
    # Axes: one per address, in order of appearance.
    set axes {}
    set ports {}
    foreach s $segs {
	foreach {a p} [list [dict get $s src] [dict get $s sport] \
		[dict get $s dst] [dict get $s dport]] {
	    if {![dict exists $axes $a]} {
		dict set axes $a [dict size $axes]
	    }
	    dict lappend ports $a $p
	}
    }
    set titles {}
    set multi 0
    dict for {a i} $axes {
	set t [Name $names $a]
	set ps [lsort -unique [dict get $ports $a]]
	if {[llength $ps] == 1} {
	    append t .[PortName [lindex $ps 0]]
	} else {
	    set multi 1
	}
	lappend titles $t
    }
    # ISNs per endpoint, for -relative.
    set isn {}
    foreach s $segs {
	if {[string first S [dict get $s flags]] >= 0} {
	    dict set isn [dict get $s src].[dict get $s sport] [dict get $s seq]
	}
    }
    # Arrows. Without arrival times (a pcap), a segment arrives just
    # after it leaves, unless the next segment the other way does not
    # acknowledge it: then the two crossed (simultaneous open or close).
    set arrows {}
    set n [llength $segs]
    for {set i 0} {$i < $n} {incr i} {
	set s [lindex $segs $i]
	set t [dict get $s time]
	set lost 0
	if {$timed} {
	    set a [dict get $s arrive]
	    if {$a eq ""} {
		set lost 1
		set a $t
	    }
	} else {
	    set a [expr {$t + 1e-6}]
	    set next [lindex $segs [expr {$i + 1}]]
	    if {$next ne "" && [dict get $next src] eq [dict get $s dst]
		    && [dict get $next sport] == [dict get $s dport]
		    && [Consumes $s] && ![Acks $next $s]} {
		set a [expr {max($a, [dict get $next time] + 1e-6)}]
	    }
	}
	set label [Label $s $rel $isn]
	if {$multi} {
	    # Several connections share an axis: say which.
	    set label "[dict get $s sport]>[dict get $s dport] $label"
	}
	lappend arrows [dict create from [dict get $axes [dict get $s src]] \
	    to [dict get $axes [dict get $s dst]] t $t a $a lost $lost \
	    label $label seg $s]
    }
    # Each end's states: as its stack recorded them, else inferred.
    set states [Recorded $recorded $segs $arrows $axes]
    set have {}
    foreach st $states {
	dict set have [lindex $st 5] 1
    }
    foreach st [States $segs $arrows] {
	if {![dict exists $have [lindex $st 5]]} {
	    lappend states $st
	}
    }
    set states [lsort -real -index 1 $states]
    return [dict create axes $titles arrows $arrows states $states]
}

#
# Recorded --
#	The state changes a tcplab network's stack recorded (`$net record
#	events`, kind state), each drawn at the event that made it: the
#	segment whose arrival changed the state (then where the end answers
#	it, as inferred states are), or the SYN, FIN or RST the end sent for
#	it (SYN_SENT; FIN_WAIT_1 and LAST_ACK, unless data left before the
#	FIN; CLOSED by an abort); with no such segment, where the time falls
#	(a timer, a close while data waits). At one instant (a link with no
#	delay) changes and segments are matched in the order they happened.
#	Changes after the last segment (the end of 2MSL) are beyond the
#	drawing. Returns entries as States does: {axis time name kind index
#	end}.
#
proc ::tcplab::diagram::Recorded {recorded segs arrows axes} {
    if {![llength $recorded]} {
	return {}
    }
    set ev [Events $arrows]
    set next [NextAtAxis $arrows $ev]
    # Each end's sends and arrivals in order: {index place time flags len}.
    set sends {}
    set arrivals {}
    set last 0.0
    set p 0
    foreach e $ev {
	lassign $e t i kind
	set s [lindex $segs $i]
	set a [dict get $s src].[dict get $s sport]
	set b [dict get $s dst].[dict get $s dport]
	set item [list $i $p $t [dict get $s flags] [dict get $s len]]
	if {$kind eq "send"} {
	    dict lappend sends $a>$b $item
	} else {
	    dict lappend arrivals $b>$a $item
	}
	set last [expr {max($last, $t)}]
	incr p
    }
    set out {}
    set started {}
    set now {}
    set cursor -1
    foreach r $recorded {
	if {[dict get $r kind] ne "state"
		|| ![dict exists $axes [dict get $r laddr]]} {
	    continue
	}
	set t [dict get $r time]
	set old [dict get $r from]
	set new [dict get $r to]
	set end [dict get $r laddr].[dict get $r lport]>[dict get $r raddr].[dict get $r rport]
	set axis [dict get $axes [dict get $r laddr]]
	if {![dict exists $started $end]} {
	    dict set started $end 1
	    if {$old eq "LISTEN"} {
		lappend out [list $axis 0 LISTEN start -1 $end]
	    }
	}
	if {$t > $last} {
	    continue
	}
	if {$t != $now} {
	    set now $t
	    set cursor -1
	}
	set mySends [expr {[dict exists $sends $end] ? [dict get $sends $end] : {}}]
	set myArrivals [expr {[dict exists $arrivals $end]
	    ? [dict get $arrivals $end] : {}}]
	# A change the end makes by sending.
	set hit {}
	if {$new in {SYN_SENT FIN_WAIT_1 LAST_ACK}} {
	    set want [expr {$new eq "SYN_SENT" ? "S" : "F"}]
	    foreach item $mySends {
		lassign $item i p ts flags len
		if {$ts < $t || ($ts == $t && $p < $cursor)} {
		    continue
		}
		if {[string first $want $flags] >= 0} {
		    set hit $item
		    break
		}
		if {$len > 0 || [string match {*[SFR]*} $flags]} {
		    break
		}
	    }
	} elseif {$new eq "CLOSED"} {
	    set hit [At $mySends $t $cursor R 1]
	}
	if {$hit ne ""} {
	    lassign $hit i cursor
	    lappend out [list $axis $t $new send $i $end]
	    continue
	}
	# A change an arrival makes: the one that carries what the change
	# needs, else the first.
	set need [expr {$new in {CLOSE_WAIT CLOSING TIME_WAIT} ? "F"
	    : $new eq "SYN_RCVD" || $old eq "SYN_SENT" ? "S"
	    : $new eq "CLOSED" && $old ni {LAST_ACK CLOSING} ? "R" : ""}]
	set hit [At $myArrivals $t $cursor $need]
	if {$hit ne ""} {
	    lassign $hit i cursor
	    set kind arrive
	    set j [Reaction $ev $next $cursor]
	    if {$j >= 0} {
		set kind send
		set i $j
	    }
	    lappend out [list $axis $t $new $kind $i $end]
	    continue
	}
	lappend out [list $axis $t $new time -1 $end]
    }
    return $out
}

# Of an end's sends or arrivals, the one at time t (at or after place
# cursor, when there is one) that carries the flag, else (unless the flag
# is required) the first; "" if none.
proc ::tcplab::diagram::At {items t cursor flag {require 0}} {
    set first {}
    set late {}
    foreach item $items {
	lassign $item i p ts flags
	if {$ts != $t} {
	    continue
	}
	if {$flag ne "" && [string first $flag $flags] >= 0} {
	    if {$p >= $cursor} {
		return $item
	    }
	    if {$late eq ""} {
		set late $item
	    }
	} elseif {$p >= $cursor && $first eq ""} {
	    set first $item
	}
    }
    if {$require} {
	return $late
    }
    if {$first ne ""} {
	return $first
    }
    return $late
}

#
# Events --
#	Every send and arrival, {time index kind}, in the order they happened.
#	By time; at one instant, first the arrivals of segments sent before
#	it (in the order they were sent), then the segments sent at that
#	instant in order, each after the arrival it answers: on a link with
#	no delay a segment arrives at the instant it leaves, after whatever
#	its sender sent in the same go (an ACK and a FIN), and the answer
#	leaves after the arrival. Arrivals of lost segments are left out.
#
proc ::tcplab::diagram::Events {arrows} {
    set at {}
    set i 0
    foreach ar $arrows {
	dict lappend at [expr {double([dict get $ar t])}] [list send $i]
	if {![dict get $ar lost]} {
	    dict lappend at [expr {double([dict get $ar a])}] [list arrive $i]
	}
	incr i
    }
    set ev {}
    foreach t [lsort -real [dict keys $at]] {
	set old {}
	set sends {}
	foreach item [dict get $at $t] {
	    lassign $item kind i
	    if {$kind eq "send"} {
		lappend sends $i
	    } elseif {[dict get [lindex $arrows $i] t] < $t} {
		lappend old $i
	    }
	}
	foreach i [lsort -integer $old] {
	    lappend ev [list $t $i arrive]
	}
	# Arrivals at this instant of segments sent at it, in order.
	set queue {}
	foreach j [lsort -integer $sends] {
	    set ar [lindex $arrows $j]
	    set from [dict get $ar from]
	    # The last arrival waiting at the sender: it came first.
	    set q [llength $queue]
	    while {[incr q -1] >= 0} {
		if {[dict get [lindex $arrows [lindex $queue $q]] to] == $from} {
		    break
		}
	    }
	    foreach k [lrange $queue 0 $q] {
		lappend ev [list $t $k arrive]
	    }
	    set queue [lrange $queue [expr {$q + 1}] end]
	    lappend ev [list $t $j send]
	    if {![dict get $ar lost] && [dict get $ar a] == $t} {
		lappend queue $j
	    }
	}
	foreach k $queue {
	    lappend ev [list $t $k arrive]
	}
    }
    return $ev
}

# For each event (by its place in the list), the place of the next event
# at the same axis (a send from it or an arrival at it), or -1.
proc ::tcplab::diagram::NextAtAxis {arrows ev} {
    set next [lrepeat [llength $ev] -1]
    set seen {}
    for {set p [expr {[llength $ev] - 1}]} {$p >= 0} {incr p -1} {
	lassign [lindex $ev $p] - i kind
	set axis [dict get [lindex $arrows $i] \
	    [expr {$kind eq "send" ? "from" : "to"}]]
	if {[dict exists $seen $axis]} {
	    lset next $p [dict get $seen $axis]
	}
	dict set seen $axis $p
    }
    return $next
}

# The segment an axis sends in answer to the arrival at event place p:
# its next event, when that is a send at the same instant; else -1.
proc ::tcplab::diagram::Reaction {ev next p} {
    set q [lindex $next $p]
    if {$q < 0} {
	return -1
    }
    lassign [lindex $ev $p] t
    lassign [lindex $ev $q] tq j kind
    if {$kind eq "send" && $tq == $t} {
	return $j
    }
    return -1
}

# Whether a segment occupies sequence space (needs an acknowledgment).
proc ::tcplab::diagram::Consumes {s} {
    expr {[dict get $s len] > 0 || [string match {*[SF]*} [dict get $s flags]]}
}

# Whether r acknowledges all of s.
proc ::tcplab::diagram::Acks {r s} {
    if {[string first A [dict get $r flags]] < 0} {
	return 0
    }
    set end [expr {([dict get $s seq] + [dict get $s len]
	+ [string match *S* [dict get $s flags]]
	+ [string match *F* [dict get $s flags]]) & 0xffffffff}]
    expr {![SeqGt $end [dict get $r ack]]}
}

#
# States --
#	Each end's states, inferred from what it sends and receives as the
#	state diagram (book fig. 18-12) has it.
#
proc ::tcplab::diagram::States {segs arrows} {
    set ev [Events $arrows]
    set next [NextAtAxis $arrows $ev]
    set st {}
    set out {}
    set p -1
    foreach e $ev {
	incr p
	lassign $e time i kind
	set s [lindex $segs $i]
	set ar [lindex $arrows $i]
	set flags [dict get $s flags]
	set src [dict get $s src].[dict get $s sport]
	set dst [dict get $s dst].[dict get $s dport]
	set conn [lsort [list $src $dst]]
	if {$kind eq "send"} {
	    set me $src
	    set axis [dict get $ar from]
	} else {
	    set me $dst
	    set axis [dict get $ar to]
	}
	set key [list $conn $me]
	set end $me>[expr {$me eq $src ? $dst : $src}]
	set cur [expr {[dict exists $st $key state] ? [dict get $st $key state]
	    : ""}]
	set new $cur
	if {$kind eq "send"} {
	    if {[string match *R* $flags]} {
		if {$cur ne ""} {
		    set new CLOSED
		}
	    } elseif {[string match *S* $flags] && ![string match *A* $flags]} {
		if {$cur in {"" CLOSED}} {
		    set new SYN_SENT
		}
		dict set st $key iss [dict get $s seq]
	    } elseif {[string match *S* $flags]} {
		if {$cur in {"" CLOSED LISTEN}} {
		    # A passive open: LISTEN, then SYN_RCVD when the SYN came.
		    lappend out [list $axis 0 LISTEN start -1 $end]
		    set new SYN_RCVD
		}
		dict set st $key iss [dict get $s seq]
	    }
	    if {[string match *F* $flags] && ![string match *R* $flags]} {
		dict set st $key fin [dict get $s seq]
		switch -- $new {
		    ESTABLISHED - SYN_RCVD {set new FIN_WAIT_1}
		    CLOSE_WAIT {set new LAST_ACK}
		}
	    }
	} else {
	    set acksSyn [expr {[string match *A* $flags]
		&& [dict exists $st $key iss]
		&& [SeqGt [dict get $s ack] [dict get $st $key iss]]}]
	    set acksFin [expr {[string match *A* $flags]
		&& [dict exists $st $key fin]
		&& [SeqGt [dict get $s ack] [dict get $st $key fin]]}]
	    if {[string match *R* $flags]} {
		if {$cur ni {"" CLOSED LISTEN}} {
		    set new CLOSED
		}
	    } else {
		if {[string match *S* $flags] && $cur eq "SYN_SENT"} {
		    set new [expr {$acksSyn ? "ESTABLISHED" : "SYN_RCVD"}]
		} elseif {$cur eq "SYN_RCVD" && $acksSyn} {
		    set new ESTABLISHED
		}
		if {[string match *F* $flags]} {
		    switch -- $new {
			ESTABLISHED {set new CLOSE_WAIT}
			FIN_WAIT_1 {
			    set new [expr {$acksFin ? "TIME_WAIT" : "CLOSING"}]
			}
			FIN_WAIT_2 {set new TIME_WAIT}
		    }
		} elseif {$acksFin} {
		    switch -- $new {
			FIN_WAIT_1 {set new FIN_WAIT_2}
			CLOSING {set new TIME_WAIT}
			LAST_ACK {set new CLOSED}
		    }
		}
	    }
	}
	if {$new ne $cur} {
	    dict set st $key state $new
	    # A change on arrival shows where the end answers at once.
	    if {$kind eq "arrive"} {
		set j [Reaction $ev $next $p]
		if {$j >= 0} {
		    set kind send
		    set i $j
		}
	    }
	    lappend out [list $axis $time $new $kind $i $end]
	}
    }
    return $out
}

#
# Layout: a y for every send and arrival. Time is compressed: a gap of
# 1 ms or less is a fraction of a row, longer gaps grow slowly; each
# segment leaves at least a little below the one before (room for its
# label) and arrives at least one row below where it left.
#
proc ::tcplab::diagram::Gap {dt} {
    if {$dt <= 0} {
	return 0.0
    }
    if {$dt < 0.001} {
	return [expr {0.2 + 0.4 * $dt / 0.001}]
    }
    return [expr {min(2.4, 0.6 + 0.45 * log10($dt / 0.001))}]
}

proc ::tcplab::diagram::Layout {model} {
    set arrows [dict get $model arrows]
    set ev [Events $arrows]
    set cur 0.0
    set lastT {}
    set lastSend -1e9
    set ys {}
    set ya {}
    set line {}
    foreach e $ev {
	lassign $e t i kind
	if {$lastT ne "" && $t > $lastT} {
	    set cur [expr {$cur + [Gap [expr {$t - $lastT}]]}]
	}
	set lastT $t
	if {$kind eq "send"} {
	    set y [expr {max($cur, $lastSend + 0.75)}]
	    set lastSend $y
	    dict set ys $i $y
	} else {
	    set y [expr {max($cur, [dict get $ys $i] + 1.0)}]
	    dict set ya $i $y
	}
	set cur $y
	lappend line $t $y
    }
    # Lost segments end half way down.
    set i 0
    foreach ar $arrows {
	if {[dict get $ar lost]} {
	    dict set ya $i [expr {[dict get $ys $i] + 1.0}]
	}
	incr i
    }
    return [list $ys $ya $line]
}

# The y of a time between events (line: the events' times and ys, in
# order): a little below the last event before it, above the next.
proc ::tcplab::diagram::TimeY {line time} {
    set ts {}
    foreach {t y} $line {
	lappend ts $t
    }
    set k [lsearch -sorted -real -bisect $ts $time]
    if {$k < 0} {
	return [lindex $line 1]
    }
    set t0 [lindex $line [expr {2 * $k}]]
    set y0 [lindex $line [expr {2 * $k + 1}]]
    set y [expr {$y0 + [Gap [expr {$time - $t0}]]}]
    set y1 [lindex $line [expr {2 * $k + 3}]]
    if {$y1 ne "" && $y1 > $y0} {
	set y [expr {min($y, $y0 + 0.8 * ($y1 - $y0))}]
    }
    return $y
}

# The y of a state change: where its event is drawn.
proc ::tcplab::diagram::StateY {st ys ya line} {
    lassign $st axis time name kind i
    if {$kind eq "start"} {
	return -0.35
    }
    if {$kind eq "time"} {
	return [TimeY $line $time]
    }
    if {$kind eq "send"} {
	return [dict get $ys $i]
    }
    return [dict get $ya $i]
}

#
# SVG
#

proc ::tcplab::diagram::Xml {s} {
    string map {& &amp; < &lt; > &gt; \" &quot;} $s
}

proc ::tcplab::diagram::Svg {model opts} {
    lassign [Layout $model] ys ya timeline
    set axes [dict get $model axes]
    set nax [llength $axes]
    set row 34.0
    set times [dict get $opts -times]
    set left [expr {($times ? 86 : 14) + 104}]
    set span [expr {$nax > 1 ? max(300, 520 / ($nax - 1)) : 0}]
    set span [expr {$nax == 2 ? 540 : $span}]
    set width [expr {$left + $span * ($nax - 1) + 118}]
    set title [dict get $opts -title]
    set top [expr {$title ne "" ? 96 : 72}]
    set maxy 0.0
    dict for {i y} $ya {
	set maxy [expr {max($maxy, $y)}]
    }
    dict for {i y} $ys {
	set maxy [expr {max($maxy, $y)}]
    }
    set bottom [format %.1f [expr {$top + ($maxy + 1.2) * $row}]]
    set height [expr {int($bottom + 24)}]
    set font {font-family="Helvetica, Arial, sans-serif"}
    set o {}
    lappend o {<?xml version="1.0" encoding="UTF-8"?>}
    lappend o "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$width\"\
	height=\"$height\" viewBox=\"0 0 $width $height\">"
    lappend o "<title>[Xml [expr {$title ne "" ? $title
	: "TCP time line: [join $axes { - }]"}]]</title>"
    lappend o {<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5"\
	markerWidth="9" markerHeight="9" orient="auto-start-reverse">\
	<path d="M0,1 L10,5 L0,9 z" fill="#000"/></marker></defs>}
    lappend o "<rect x=\"0\" y=\"0\" width=\"$width\" height=\"$height\"\
	fill=\"#fff\"/>"
    if {$title ne ""} {
	lappend o "<text x=\"[expr {$width / 2}]\" y=\"26\" $font\
	    font-size=\"15\" font-weight=\"bold\"\
	    text-anchor=\"middle\">[Xml $title]</text>"
    }
    set x {}
    set k 0
    foreach name $axes {
	set ax [expr {$left + $k * $span}]
	lappend x $ax
	lappend o "<text x=\"$ax\" y=\"[expr {$top - 30}]\" $font\
	    font-size=\"14\" font-weight=\"bold\"\
	    text-anchor=\"middle\">[Xml $name]</text>"
	lappend o "<line x1=\"$ax\" y1=\"[expr {$top - 20}]\" x2=\"$ax\"\
	    y2=\"$bottom\" stroke=\"#000\" stroke-width=\"2\"/>"
	incr k
    }
    if {$times} {
	lappend o "<text x=\"10\" y=\"[expr {$top - 30}]\" $font\
	    font-size=\"12\" fill=\"#555\">time (s)</text>"
    }
    # The arrows first, then their labels placed clear of each other.
    set lines {}
    set i 0
    foreach ar [dict get $model arrows] {
	set x1 [lindex $x [dict get $ar from]]
	set x2 [lindex $x [dict get $ar to]]
	set y1 [format %.1f [expr {$top + [dict get $ys $i] * $row}]]
	set y2 [format %.1f [expr {$top + [dict get $ya $i] * $row}]]
	set dir [expr {$x2 > $x1 ? 1 : -1}]
	set xs [expr {$x1 + 2 * $dir}]
	if {[dict get $ar lost]} {
	    set xe [format %.1f [expr {($x1 + $x2) / 2.0}]]
	    set ye [format %.1f [expr {($y1 + $y2) / 2.0}]]
	    lappend o "<line x1=\"$xs\" y1=\"$y1\" x2=\"$xe\" y2=\"$ye\"\
		stroke=\"#000\" stroke-width=\"1.4\"\
		stroke-dasharray=\"6,3\"/>"
	    lappend o "<path d=\"M[expr {$xe - 6}],[expr {$ye - 6}]\
		L[expr {$xe + 6}],[expr {$ye + 6}] M[expr {$xe - 6}],[expr {$ye + 6}]\
		L[expr {$xe + 6}],[expr {$ye - 6}]\" stroke=\"#c00\"\
		stroke-width=\"2\"/>"
	} else {
	    set xe [expr {$x2 - 2 * $dir}]
	    set ye $y2
	    lappend o "<line x1=\"$xs\" y1=\"$y1\" x2=\"$xe\" y2=\"$ye\"\
		stroke=\"#000\" stroke-width=\"1.4\" marker-end=\"url(#head)\"/>"
	}
	# Where the label goes: along the whole way, even when lost.
	lappend lines [list $xs $y1 [expr {$x2 - 2 * $dir}] $y2]
	if {$times} {
	    lappend o "<text x=\"10\" y=\"[format %.1f [expr {$y1 + 4}]]\"\
		font-family=\"monospace\" font-size=\"11\"\
		fill=\"#555\">[format %.6f [dict get $ar t]]</text>"
	}
	incr i
    }
    # Arrows and placed labels are looked up by the bands of the page
    # they cross, so that each label is checked against its neighbours
    # only.
    array set lineBand {}
    array set labelBand {}
    set i 0
    foreach l $lines {
	Bands lineBand $l $i
	incr i
    }
    set placed {}
    set i 0
    foreach ar [dict get $model arrows] {
	set label [dict get $ar label]
	if {[dict get $ar lost]} {
	    append label " (lost)"
	}
	# A label longer than its arrow is written smaller.
	lassign [lindex $lines $i] lx1 - lx2
	set size [expr {max(8.5, min(12.0, 12.0 * (abs($lx2 - $lx1) - 24)
	    / ([string length $label] * 6.6)))}]
	lassign [PlaceLabel [lindex $lines $i] \
	    [expr {[string length $label] * $size / 12.0}] \
	    $placed labelBand $lines lineBand $i] bx by deg center
	Bands labelBand $center [llength $placed]
	lappend placed $center
	set bx [format %.1f $bx]
	set by [format %.1f $by]
	lappend o "<text x=\"$bx\" y=\"$by\" $font font-size=\"[format %.1f $size]\"\
	    text-anchor=\"middle\"\
	    transform=\"rotate([format %.2f $deg] $bx $by)\">[Xml $label]</text>"
	incr i
    }
    # States beside the axes: left of the first, right of the others.
    set used {}
    foreach st [dict get $model states] {
	set axis [lindex $st 0]
	set y [expr {$top + [StateY $st $ys $ya $timeline] * $row + 4}]
	set prev [expr {[dict exists $used $axis] ? [dict get $used $axis]
	    : -1e9}]
	if {$y < $prev + 14} {
	    set y [expr {$prev + 14}]
	}
	dict set used $axis $y
	set ax [lindex $x $axis]
	if {$axis == 0 && $nax > 1} {
	    set tx [expr {$ax - 8}]
	    set anchor end
	} else {
	    set tx [expr {$ax + 8}]
	    set anchor start
	}
	lappend o "<text x=\"$tx\" y=\"[format %.1f $y]\" $font\
	    font-size=\"11\" fill=\"#124\" text-anchor=\"$anchor\">[Xml [lindex $st 2]]</text>"
    }
    lappend o </svg>
    return [join $o \n]\n
}

# Distance between segments a and b (each x1 y1 x2 y2): 0 when they
# cross, else the least distance from an end of one to the other.
proc ::tcplab::diagram::SegDist {a b} {
    lassign $a ax1 ay1 ax2 ay2
    lassign $b bx1 by1 bx2 by2
    set adx [expr {$ax2 - $ax1}]
    set ady [expr {$ay2 - $ay1}]
    set bdx [expr {$bx2 - $bx1}]
    set bdy [expr {$by2 - $by1}]
    # Do they cross (the ends of each on both sides of the other)?
    set d1 [expr {$bdx * ($ay1 - $by1) - $bdy * ($ax1 - $bx1)}]
    set d2 [expr {$bdx * ($ay2 - $by1) - $bdy * ($ax2 - $bx1)}]
    set d3 [expr {$adx * ($by1 - $ay1) - $ady * ($bx1 - $ax1)}]
    set d4 [expr {$adx * ($by2 - $ay1) - $ady * ($bx2 - $ax1)}]
    if {$d1 * $d2 < 0 && $d3 * $d4 < 0} {
	return 0.0
    }
    set la [expr {$adx * $adx + $ady * $ady}]
    set lb [expr {$bdx * $bdx + $bdy * $bdy}]
    set best 1e300
    # Each end of a against b, each end of b against a.
    foreach {px py qx qy dx dy l2} [list \
	    $ax1 $ay1 $bx1 $by1 $bdx $bdy $lb $ax2 $ay2 $bx1 $by1 $bdx $bdy $lb \
	    $bx1 $by1 $ax1 $ay1 $adx $ady $la $bx2 $by2 $ax1 $ay1 $adx $ady $la] {
	set t [expr {$l2 > 0 ? max(0.0, min(1.0,
	    (($px - $qx) * $dx + ($py - $qy) * $dy) / $l2)) : 0}]
	set best [expr {min($best,
	    hypot($px - ($qx + $t * $dx), $py - ($qy + $t * $dy)))}]
    }
    return $best
}

#
# PlaceLabel --
#	Where an arrow's label goes: along the arrow, upright, above or below
#	it, at the point that keeps it clearest of the labels placed so far
#	and of the other arrows. Returns the text's baseline point, its angle
#	and its centre line (for the next labels).
#
proc ::tcplab::diagram::PlaceLabel {line nchars placed placedBandVar lines
	lineBandVar self} {
    upvar 1 $placedBandVar placedBand $lineBandVar lineBand
    variable places
    lassign $line xs ys xe ye
    set len [expr {hypot($xe - $xs, $ye - $ys)}]
    set ux [expr {($xe - $xs) / $len}]
    set uy [expr {($ye - $ys) / $len}]
    if {$ux < 0} {
	set ux [expr {-$ux}]
	set uy [expr {-$uy}]
    }
    # The normal pointing up the page.
    set nx $uy
    set ny [expr {-$ux}]
    set w [expr {$nchars * 6.6}]
    set half [expr {min(0.5, ($w / 2 + 6) / $len)}]
    # The neighbours: what comes near any of the places tried (each is on
    # the arrow, moved at most 25 px across it and half the label along).
    set reach [expr {25 + abs($uy) * $w / 2}]
    set lo [expr {min($ys, $ye) - $reach}]
    set hi [expr {max($ys, $ye) + $reach}]
    set near {}
    foreach k [Near placedBand [expr {$lo - 14}] [expr {$hi + 14}]] {
	lappend near {*}[Box [lindex $placed $k] 14]
    }
    set nearLines {}
    foreach k [Near lineBand [expr {$lo - 6}] [expr {$hi + 6}]] {
	if {$k != $self} {
	    lappend nearLines {*}[Box [lindex $lines $k] 6]
	}
    }
    # The places in order of preference; once no place left can score
    # lower than the best so far, stop. Equal scores go to the place
    # listed first.
    set best {}
    set bestScore 1e9
    set bestK 0
    foreach {score k t off} $places {
	if {$score > $bestScore} {
	    break
	}
	set t2 [expr {max($half, min(1 - $half, $t))}]
	set bx [expr {$xs + ($xe - $xs) * $t2 + $nx * $off}]
	set by [expr {$ys + ($ye - $ys) * $t2 + $ny * $off}]
	set cx [expr {$bx + $nx * 4}]
	set cy [expr {$by + $ny * 4}]
	set x1 [expr {$cx - $ux * $w / 2}]
	set y1 [expr {$cy - $uy * $w / 2}]
	set x2 [expr {$cx + $ux * $w / 2}]
	set y2 [expr {$cy + $uy * $w / 2}]
	set c [list $x1 $y1 $x2 $y2]
	set x0 [expr {min($x1, $x2)}]
	set x1 [expr {max($x1, $x2)}]
	set y0 [expr {min($y1, $y2)}]
	set y1 [expr {max($y1, $y2)}]
	# Only what comes within the distance of the label's box is measured.
	foreach {p a0 a1 b0 b1} $near {
	    if {$a0 <= $x1 && $a1 >= $x0 && $b0 <= $y1 && $b1 >= $y0
		    && [SegDist $c $p] < 14} {
		set score [expr {$score + 100}]
	    }
	}
	foreach {l a0 a1 b0 b1} $nearLines {
	    if {$a0 <= $x1 && $a1 >= $x0 && $b0 <= $y1 && $b1 >= $y0
		    && [SegDist $c $l] < 6} {
		set score [expr {$score + 8}]
	    }
	}
	if {$score < $bestScore || ($score == $bestScore && $k < $bestK)} {
	    set bestScore $score
	    set bestK $k
	    set best [list $bx $by [expr {atan2($uy, $ux) * 180 / acos(-1)}] $c]
	}
    }
    return $best
}

# The places a label may go, as {score index t offset ...} in order of
# score: along the arrow (t from 0 to 1, the middle first), above it,
# below it, or further above or below (the offset across it, px).
namespace eval ::tcplab::diagram {
    variable places {}
    apply {{} {
	variable places
	set l {}
	foreach t {0.5 0.38 0.62 0.28 0.72 0.2 0.8} {
	    foreach {off cost} {5 0 -15 1.5 19 6 -29 7} {
		lappend l [list [expr {abs($t - 0.5) * 4 + $cost}] [llength $l] \
		    $t $off]
	    }
	}
	set places [concat {*}[lsort -real -index 0 $l]]
    } ::tcplab::diagram}
}

# A line (x1 y1 x2 y2) with its box grown by d: line x0 x1 y0 y1.
proc ::tcplab::diagram::Box {line d} {
    lassign $line x1 y1 x2 y2
    list $line [expr {min($x1, $x2) - $d}] [expr {max($x1, $x2) + $d}] \
	[expr {min($y1, $y2) - $d}] [expr {max($y1, $y2) + $d}]
}

# Bands of the page 100 px high: which lines (x1 y1 x2 y2) cross each.
proc ::tcplab::diagram::Bands {bandVar line k} {
    upvar 1 $bandVar band
    lassign $line - y1 - y2
    set b1 [expr {int(floor(min($y1, $y2) / 100.0))}]
    set b2 [expr {int(floor(max($y1, $y2) / 100.0))}]
    for {set b $b1} {$b <= $b2} {incr b} {
	lappend band($b) $k
    }
}

# The lines in the bands from y lo to y hi, each once, in order.
proc ::tcplab::diagram::Near {bandVar lo hi} {
    upvar 1 $bandVar band
    set b1 [expr {int(floor($lo / 100.0))}]
    set b2 [expr {int(floor($hi / 100.0))}]
    set ks {}
    for {set b $b1} {$b <= $b2} {incr b} {
	if {[info exists band($b)]} {
	    lappend ks {*}$band($b)
	}
    }
    lsort -integer -unique $ks
}

#
# Text: 80 columns. Each segment is its label, then a horizontal arrow
# between the two axes; states in the outer columns on the line where they
# change.
#

proc ::tcplab::diagram::Wrap {text width} {
    set lines {}
    set line {}
    # Options stay on one line: <mss 1024>.
    set words {}
    foreach w [regexp -all -inline {<[^>]*>|[^ ]+} $text] {
	lappend words $w
    }
    foreach w $words {
	if {$line eq ""} {
	    set line $w
	} elseif {[string length "$line $w"] <= $width} {
	    append line " " $w
	} else {
	    lappend lines $line
	    set line $w
	}
    }
    lappend lines $line
    return $lines
}

proc ::tcplab::diagram::Text {model opts} {
    lassign [Layout $model] ys ya timeline
    set axes [dict get $model axes]
    set nax [llength $axes]
    set times [dict get $opts -times]
    set tw [expr {$times ? 11 : 0}]
    set sw 12
    set x0 [expr {$tw + $sw}]
    set avail [expr {80 - $x0 - $sw - 1}]
    set span [expr {$nax > 1 ? $avail / ($nax - 1) : 0}]
    set x {}
    for {set k 0} {$k < $nax} {incr k} {
	lappend x [expr {$x0 + $k * $span}]
    }
    set width [expr {[lindex $x end] + $sw + 1}]
    # Blocks in the order the segments leave: one segment (its label over
    # a flat arrow), or two that cross (each left before the other
    # arrived: simultaneous open or close, data and an ACK in flight at
    # once), drawn slanted across each other as the book draws them.
    set arrows [dict get $model arrows]
    set order {}
    set i 0
    foreach ar $arrows {
	lappend order [list [dict get $ys $i] $i]
	incr i
    }
    set order [lsort -real -index 0 [lsort -integer -index 1 $order]]
    set ylist {}
    foreach b $order {
	lappend ylist [lindex $b 0]
    }
    set blocks {}
    set blockOf {}
    set n [llength $order]
    for {set k 0} {$k < $n} {incr k} {
	set i [lindex $order $k 1]
	set j [lindex $order [expr {$k + 1}] 1]
	dict set blockOf $i [llength $blocks]
	if {$j ne "" && [Crossing $arrows $ys $ya $i $j]} {
	    dict set blockOf $j [llength $blocks]
	    lappend blocks [list $i $j]
	    incr k
	} else {
	    lappend blocks [list $i]
	}
    }
    # The row of each arrow's ends in a crossing block.
    set rows {}
    foreach blk $blocks {
	if {[llength $blk] == 2} {
	    set rows [dict merge $rows [CrossRows $blk $arrows]]
	}
    }
    # Which block and line each state change goes on.
    set notes {}
    set starts {}
    foreach st [dict get $model states] {
	lassign $st axis time name kind i
	if {$kind eq "start"} {
	    dict lappend starts $axis $name
	    continue
	}
	set y [StateY $st $ys $ya $timeline]
	# The block of the last segment that left at or before y.
	set k [lsearch -sorted -real -bisect $ylist [expr {$y + 1e-9}]]
	set bi [lindex $order [expr {max($k, 0)} ] 1]
	set blk [dict get $blockOf $bi]
	set members [lindex $blocks $blk]
	# A change where the block's segment leaves the same axis at the
	# same height (it answers what arrived) goes with its label.
	set bar [lindex $arrows $bi]
	if {$kind eq "time"} {
	    # A change no segment made (a timer): a line of its own.
	    set line after
	} elseif {$kind eq "send" && [dict get $blockOf $i] == $blk} {
	    set line label
	} elseif {$kind eq "arrive" && [llength $members] == 2
		&& $i in $members} {
	    set line [lindex [dict get $rows $i] 1]
	    if {$line == [lindex [dict get $rows [lindex $members 1]] 1]} {
		set line arrow
	    }
	} elseif {$bi != $i && [dict get $bar from] == $axis
		&& abs([dict get $ys $bi] - $y) < 1e-9} {
	    set line label
	} else {
	    set line arrow
	}
	dict lappend notes $blk,$line $axis $name
    }
    set out {}
    # Header: host names centred on their axes.
    set hdr [string repeat " " $width]
    set k 0
    foreach name $axes {
	set c [expr {[lindex $x $k] - [string length $name] / 2}]
	set c [expr {max(0, min($c, $width - [string length $name]))}]
	set hdr [string replace $hdr $c [expr {$c + [string length $name] - 1}] $name]
	incr k
    }
    if {[dict get $opts -title] ne ""} {
	lappend out [dict get $opts -title] ""
    }
    lappend out [string trimright $hdr]
    set base [Blank $x $width]
    if {[dict size $starts]} {
	set l $base
	dict for {axis names} $starts {
	    set l [State $l $x $axis [join [lsort -unique $names] " "] $nax]
	}
	lappend out [string trimright $l]
    } else {
	lappend out [string trimright $base]
    }
    set k 0
    foreach blk $blocks {
	if {[llength $blk] == 2} {
	    lappend out {*}[TextCross $blk $arrows $rows $x $base $nax $notes \
		$k $times]
	    incr k
	    continue
	}
	set i [lindex $blk 0]
	set ar [lindex $arrows $i]
	set from [dict get $ar from]
	set to [dict get $ar to]
	set xa [lindex $x [expr {min($from, $to)}]]
	set xb [lindex $x [expr {max($from, $to)}]]
	set inner [expr {$xb - $xa - 3}]
	set label [dict get $ar label]
	if {[dict get $ar lost]} {
	    append label " (lost)"
	}
	set lines [Wrap $label $inner]
	set n 0
	foreach text $lines {
	    set l $base
	    set l [string replace $l [expr {$xa + 2}] \
		[expr {$xa + 1 + [string length $text]}] $text]
	    if {$n == 0} {
		if {$times} {
		    set t [format %10.6f [dict get $ar t]]
		    set l [string replace $l 0 [expr {[string length $t] - 1}] $t]
		}
		set moved {}
		set l [Notes $l $x $notes $k,label $nax moved]
		if {[llength $moved]} {
		    dict set notes $k,arrow [concat {*}$moved \
			[expr {[dict exists $notes $k,arrow]
			    ? [dict get $notes $k,arrow] : {}}]]
		}
	    }
	    lappend out [string trimright $l]
	    incr n
	}
	set l $base
	set len [expr {$xb - $xa - 1}]
	if {[dict get $ar lost]} {
	    set half [expr {$len / 2}]
	    set seg [string repeat - [expr {$half - 1}]]X
	    if {$to > $from} {
		set l [string replace $l [expr {$xa + 1}] [expr {$xa + $half}] $seg]
	    } else {
		set seg X[string repeat - [expr {$half - 1}]]
		set l [string replace $l [expr {$xb - $half}] [expr {$xb - 1}] $seg]
	    }
	} elseif {$to > $from} {
	    set l [string replace $l [expr {$xa + 1}] [expr {$xb - 1}] \
		[string repeat - [expr {$len - 1}]]>]
	} else {
	    set l [string replace $l [expr {$xa + 1}] [expr {$xb - 1}] \
		<[string repeat - [expr {$len - 1}]]]
	}
	set extra {}
	set l [Notes $l $x $notes $k,arrow $nax extra]
	lappend out [string trimright $l]
	foreach e $extra {
	    lappend out [string trimright [State $base $x {*}$e $nax]]
	}
	lappend out {*}[After $base $x $notes $k $nax]
	incr k
    }
    lappend out [string trimright $base]
    return [join $out \n]\n
}

# Whether segments i and j (j leaving next) cross: they go opposite ways
# between the same two axes, neither was lost, and j left before i
# arrived.
proc ::tcplab::diagram::Crossing {arrows ys ya i j} {
    set a [lindex $arrows $i]
    set b [lindex $arrows $j]
    expr {[dict get $a from] == [dict get $b to]
	&& [dict get $a to] == [dict get $b from]
	&& ![dict get $a lost] && ![dict get $b lost]
	&& [dict get $ys $j] < [dict get $ya $i]}
}

# The rows of a crossing block (below its label lines) where each of its
# two arrows leaves and arrives: {i {from to} j {from to}}. Each arrow
# slants over four rows, as steep as the other; the second leaves on the
# first's row, or two rows down when it left later than a third of the
# first's way (so that they cross between two rows).
proc ::tcplab::diagram::CrossRows {blk arrows} {
    lassign $blk i j
    set a [lindex $arrows $i]
    set flight [expr {[dict get $a a] - [dict get $a t]}]
    set late [expr {[dict get [lindex $arrows $j] t] - [dict get $a t]}]
    set k [expr {$flight > 0 && $late * 3 > $flight ? 2 : 0}]
    list $i {0 3} $j [list $k [expr {$k + 3}]]
}

#
# TextCross --
#	The lines of a block of two crossing segments: the labels (the one
#	going right at the left, the one going left at the right, on one line
#	when they fit), then the rows where the two arrows slant down
#	across each other, one stair step per row (CrossRows):
#
#	    |-----------.                   .-----------|
#	    |            `---------..------'            |
#
proc ::tcplab::diagram::TextCross {blk arrows rows x base nax notes k times} {
    set ar0 [lindex $arrows [lindex $blk 0]]
    set xa [lindex $x [expr {min([dict get $ar0 from], [dict get $ar0 to])}]]
    set xb [lindex $x [expr {max([dict get $ar0 from], [dict get $ar0 to])}]]
    set inner [expr {$xb - $xa - 3}]
    # Labels.
    set right {}
    set left {}
    foreach i $blk {
	set ar [lindex $arrows $i]
	if {[dict get $ar to] > [dict get $ar from]} {
	    set right [dict get $ar label]
	} else {
	    set left [dict get $ar label]
	}
    }
    set out {}
    if {[string length $right] + [string length $left] + 3 <= $inner} {
	set labels [list [list $right $left]]
    } else {
	set labels {}
	foreach t [Wrap $right $inner] {
	    lappend labels [list $t {}]
	}
	foreach t [Wrap $left $inner] {
	    lappend labels [list {} $t]
	}
    }
    set n 0
    foreach pair $labels {
	lassign $pair r lf
	set l $base
	if {$r ne ""} {
	    set l [string replace $l [expr {$xa + 2}] \
		[expr {$xa + 1 + [string length $r]}] $r]
	}
	if {$lf ne ""} {
	    set l [string replace $l [expr {$xb - 1 - [string length $lf]}] \
		[expr {$xb - 2}] $lf]
	}
	if {$n == 0} {
	    if {$times} {
		set t [format %10.6f [dict get $ar0 t]]
		set l [string replace $l 0 [expr {[string length $t] - 1}] $t]
	    }
	    set moved {}
	    set l [Notes $l $x $notes $k,label $nax moved]
	    foreach m $moved {
		dict lappend notes $k,0 {*}$m
	    }
	}
	lappend out [string trimright $l]
	incr n
    }
    # The rows of slanted arrows.
    set extra {}
    set len [expr {$xb - $xa - 1}]
    set nrows [expr {[lindex [dict get $rows [lindex $blk 1]] 1] + 1}]
    set grid [lrepeat $nrows $base]
    foreach i $blk {
	set ar [lindex $arrows $i]
	lassign [dict get $rows $i] r0 r1
	set steps [expr {$r1 - $r0 + 1}]
	set right [expr {[dict get $ar to] > [dict get $ar from]}]
	for {set s 0} {$s < $steps} {incr s} {
	    # Columns c0..c1 from the left axis: the same stretches for both
	    # ways, so that the two arrows' steps meet and never overlap.
	    set m [expr {$right ? $s : $steps - 1 - $s}]
	    set c0 [Stretch $m $len $steps]
	    set c1 [expr {[Stretch [expr {$m + 1}] $len $steps] - 1}]
	    set w [expr {$c1 - $c0 + 1}]
	    set first [expr {$s == 0 ? "-" : "`"}]
	    set last [expr {$s == $steps - 1 ? ">" : "."}]
	    set piece $first[string repeat - [expr {$w - 2}]]$last
	    if {!$right} {
		set piece [string map {` ' > <} [string reverse $piece]]
	    }
	    set from [expr {$xa + 1 + $c0}]
	    set r [expr {$r0 + $s}]
	    set l [lindex $grid $r]
	    # Where the other arrow was drawn already, it stays.
	    for {set c 0} {$c < $w} {incr c} {
		if {[string index $l [expr {$from + $c}]] eq " "} {
		    set l [string replace $l [expr {$from + $c}] \
			[expr {$from + $c}] [string index $piece $c]]
		}
	    }
	    lset grid $r $l
	}
    }
    set r 0
    foreach l $grid {
	set key [expr {$r == $nrows - 1 ? "$k,arrow" : "$k,$r"}]
	set l [Notes $l $x $notes $key $nax extra]
	lappend out [string trimright $l]
	incr r
    }
    foreach e $extra {
	lappend out [string trimright [State $base $x {*}$e $nax]]
    }
    lappend out {*}[After $base $x $notes $k $nax]
    return $out
}

# Where stretch m of n across len columns begins: the stretches are as
# even as can be and lie symmetrically (a mirror image reads the same).
proc ::tcplab::diagram::Stretch {m len n} {
    if {2 * $m <= $n} {
	return [expr {$m * $len / $n}]
    }
    expr {$len - ($n - $m) * $len / $n}
}

# The lines after block k for the changes no segment made.
proc ::tcplab::diagram::After {base x notes k nax} {
    set out {}
    if {[dict exists $notes $k,after]} {
	set extra {}
	set l [Notes $base $x $notes $k,after $nax extra]
	lappend out [string trimright $l]
	foreach e $extra {
	    lappend out [string trimright [State $base $x {*}$e $nax]]
	}
    }
    return $out
}

# A line with only the axes.
proc ::tcplab::diagram::Blank {x width} {
    set l [string repeat " " $width]
    foreach c $x {
	set l [string replace $l $c $c |]
    }
    return $l
}

# Writes a state name beside an axis: left of the first, right of others.
proc ::tcplab::diagram::State {l x axis name nax} {
    set c [lindex $x $axis]
    if {$axis == 0 && $nax > 1} {
	set s [expr {$c - 1 - [string length $name]}]
	if {$s < 0} {
	    set name [string range $name end-[expr {$c - 2}] end]
	    set s 0
	}
    } else {
	set s [expr {$c + 2}]
    }
    string replace $l $s [expr {$s + [string length $name] - 1}] $name
}

# Writes the state changes noted for a line; a second change of the same
# axis on that line goes to extra lines.
proc ::tcplab::diagram::Notes {l x notes key nax {extraVar ""}} {
    if {$extraVar ne ""} {
	upvar 1 $extraVar extra
    }
    if {![dict exists $notes $key]} {
	return $l
    }
    set done {}
    foreach {axis name} [dict get $notes $key] {
	if {[dict exists $done $axis]} {
	    lappend extra [list $axis $name]
	    continue
	}
	dict set done $axis 1
	set l [State $l $x $axis $name $nax]
    }
    return $l
}
