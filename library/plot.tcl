# plot.tcl --
#
#	tcplab::plot: graphs of one TCP transfer, drawn from what a network
#	recorded ($net record: segments and the stack's events) or from a
#	pcap file (tcplab::pcap read), as SVG or as text columns.
#
#	tcplab::plot kind source ?-conn c? ?-file f? ?-format svg|text?
#		?-from t? ?-to t? ?-title s? ?-interval d?
#
#	kind	tseq (time-sequence graph as tcptrace draws it), cwnd
#		(congestion window, ssthresh, bytes in flight, receive
#		window), rtt (samples, srtt, rttvar, RTO, timer expiries),
#		throughput (goodput and sending rate).
#	source	a network (its record), a connection (its network's record,
#		that connection), a pcap file, or a list of segment dicts.
#
#	Every kind first builds a figure: a dict of series in data units
#	(Build), then draws it (Svg) or prints it (Text). The tests read the
#	figure and its frame (Frame, Px) to find each series' pixels.

namespace eval ::tcplab {
    namespace export plot
}

namespace eval ::tcplab::plot {
    namespace export cwnd rtt throughput tseq
    namespace ensemble create -command ::tcplab::plot
    variable options {-conn -file -format -from -interval -title -to}
    # The frame of an SVG figure (pixels): plot area and legend.
    variable W 800 L 84 R 776 T 48 B 392
    # A cwnd change's cause (a pattern of the reason), its series and the
    # colour of its marker; the first pattern that matches counts.
    variable causeColours {
	{fast retransmit*} fast-rexmt #d62728
	{retransmission timeout*} rto #8c1010
	{SACK loss recovery*} sack-rcvy #e377c2
	{PRR*} prr #bc80bd
	{undo:*} undo #2ca02c
	{*recovery ends*} rcvy-end #17becf
	{recovery (partial*} rcvy-part #9467bd
	{*recovery*} rcvy-dup #ff7f0e
    }
    variable timerColours {
	rexmt #d62728 persist #ff7f0e keepalive #8c564b delack #bcbd22
	2msl #7f7f7f connect #9467bd tlp #e377c2
    }
}

foreach kind {cwnd rtt throughput tseq} {
    proc ::tcplab::plot::$kind {args} [format {
	Main %s $args
    } $kind]
}
unset kind

proc ::tcplab::plot::Main {kind argv} {
    variable options
    if {[llength $argv] < 1 || [llength $argv] % 2 == 0} {
	return -code error -errorcode {TCL WRONGARGS} "wrong # args: should be\
	    \"tcplab::plot $kind source ?-conn c? ?-file f.svg?\
	    ?-format svg|text? ?-from t? ?-to t? ?-title s? ?-interval d?\""
    }
    set opts [Options [lrange $argv 1 end]]
    set fig [Build $kind [lindex $argv 0] $opts]
    if {[dict get $opts -format] eq "svg"} {
	set out [Svg [Frame $fig]]
    } else {
	set out [Text $fig]
    }
    if {[dict get $opts -file] ne ""} {
	set f [open [dict get $opts -file] w]
	fconfigure $f -encoding utf-8
	puts -nonewline $f $out
	close $f
    }
    return $out
}

# Options: checked and completed with their defaults.
proc ::tcplab::plot::Options {argv} {
    variable options
    set opts {-conn {} -file {} -format svg -from {} -to {} -title {}
	-interval {}}
    foreach {o v} $argv {
	if {$o ni $options} {
	    return -code error -errorcode [list TCL LOOKUP INDEX option $o] \
		"bad option \"$o\": must be [Choices $options]"
	}
	dict set opts $o $v
    }
    if {[dict get $opts -format] ni {svg text}} {
	set f [dict get $opts -format]
	return -code error -errorcode [list TCPLAB VALUE FORMAT $f] \
	    "bad format \"$f\": must be svg or text"
    }
    foreach o {-from -to -interval} {
	set v [dict get $opts $o]
	if {$v ne "" && (![string is double -strict $v] || $v < 0)} {
	    return -code error -errorcode [list TCPLAB VALUE TIME $v] \
		"bad time \"$v\" for $o: must be seconds (a number >= 0)"
	}
    }
    return $opts
}

proc ::tcplab::plot::Choices {list} {
    if {[llength $list] == 1} {
	return [lindex $list 0]
    }
    return "[join [lrange $list 0 end-1] {, }], or [lindex $list end]"
}

#
# Sources: segments and events of one connection, one direction.
#

# Load source: a dict of segs, events, names (address -> host), what
# (network, connection, pcap, list) and conn (a handle given as source).
proc ::tcplab::plot::Load {source} {
    set d [dict create segs {} events {} names {} what list conn {}]
    if {[llength $source] == 1 && [llength [info commands $source]]} {
	set net {}
	if {[string match ::tcplab::net* $source] || [string match net* $source]} {
	    set net $source
	} elseif {[catch {$source info} info] == 0
		&& [dict exists $info lport]} {
	    set net [NetOf $source]
	    dict set d conn [list [dict get $info laddr] [dict get $info lport] \
		[dict get $info raddr] [dict get $info rport]]
	    dict set d what connection
	}
	if {$net ne ""} {
	    foreach h [$net hosts] {
		foreach a [$h addresses] {
		    dict set d names [lindex [split $a /] 0] $h
		}
	    }
	    dict set d segs [$net record get]
	    dict set d events [$net record events]
	    if {[dict get $d what] eq "list"} {
		dict set d what network
	    }
	    return $d
	}
    }
    if {[llength $source] == 1 && ![file isfile $source]
    	    && [llength [lindex $source 0]] == 1} {
    	# One word that is neither a network nor a file: not a list of
    	# segment dicts either.
    	return -code error -errorcode [list TCPLAB LOOKUP SOURCE $source] \
    	    "no network or pcap file \"$source\""
    }
    if {[llength $source] == 1 && [file isfile $source]} {
	set segs [tcplab::pcap read $source]
	# A capture's times are the clock's: count from its first frame.
	if {[llength $segs]} {
	    set t0 [dict get [lindex $segs 0] time]
	    set out {}
	    foreach s $segs {
		dict set s time [format %.6f [expr {[dict get $s time] - $t0}]]
		lappend out $s
	    }
	    set segs $out
	}
	dict set d segs $segs
	dict set d what pcap
	return $d
    }
    dict set d segs $source
    return $d
}

# The network a connection handle belongs to.
proc ::tcplab::plot::NetOf {conn} {
    foreach net [info commands ::tcplab::net*] {
	if {![regexp {^::tcplab::net[0-9]+$} $net]} {
	    continue
	}
	foreach h [$net hosts] {
	    if {[lsearch -exact [$h connections] $conn] >= 0} {
		return $net
	    }
	}
    }
    return -code error -errorcode [list TCPLAB LOOKUP CONN $conn] \
	"connection \"$conn\" has no network (its record is gone)"
}

proc ::tcplab::plot::End {addr port} {
    return $addr.$port
}

# Which connection and direction: -conn names a handle or the sending
# end (host.port or address.port); else the connection and direction that
# carried the most data bytes. Returns a dict: A (sender end), B, aHost,
# bHost, data (A's segments, as sent), acks (B's, as A got them), events
# (A's), isn, wsB (B's window scale as A applies it), names.
proc ::tcplab::plot::Pick {d conn} {
    set segs [dict get $d segs]
    set names [dict get $d names]
    set want {}
    set wantEnd {}
    if {$conn eq "" && [dict get $d conn] ne ""} {
	lassign [dict get $d conn] la lp ra rp
	set want [lsort [list [End $la $lp] [End $ra $rp]]]
    } elseif {$conn ne ""} {
	if {[llength [info commands $conn]] && ![catch {$conn info} info]
		&& [dict exists $info lport]} {
	    set want [lsort [list [End [dict get $info laddr] \
		[dict get $info lport]] [End [dict get $info raddr] \
		[dict get $info rport]]]]
	} elseif {[regexp {^(.+)[.:]([0-9]+)$} $conn -> h p]} {
	    dict for {a n} $names {
		if {$n eq $h} {
		    set h $a
		    break
		}
	    }
	    set wantEnd [End $h $p]
	} else {
	    return -code error -errorcode [list TCPLAB VALUE CONN $conn] \
		"bad connection \"$conn\": must be a connection handle,\
		host.port or address.port"
	}
    }
    # Data bytes per direction, and who put each direction on the wire first.
    set bytes {}
    set origin {}
    foreach s $segs {
	set from [End [dict get $s src] [dict get $s sport]]
	set to [End [dict get $s dst] [dict get $s dport]]
	set key [list $from $to]
	if {![dict exists $origin $key]} {
	    dict set origin $key [expr {[dict exists $s from]
		? [dict get $s from] : ""}]
	    dict set bytes $key 0
	}
	if {[dict exists $s from] && [dict get $s from] ne [dict get $origin $key]} {
	    continue
	}
	dict incr bytes $key [dict get $s len]
    }
    set best {}
    set most -1
    dict for {key n} $bytes {
	lassign $key from to
	if {$want ne "" && [lsort $key] ne $want} {
	    continue
	}
	if {$wantEnd ne "" && $from ne $wantEnd} {
	    continue
	}
	if {$n > $most} {
	    set most $n
	    set best $key
	}
    }
    if {$best eq ""} {
	if {$conn ne "" || $want ne ""} {
	    return -code error -errorcode [list TCPLAB LOOKUP CONN $conn] \
		"no segments of connection \"[expr {$conn ne "" ? $conn
		    : [join $want { - }]}]\" in the record"
	}
	return -code error -errorcode {TCPLAB VALUE EMPTY} \
	    "no TCP segments to plot (is the network recording? \$net record start)"
    }
    lassign $best A B
    set aHost [dict get $origin $best]
    set bHost [expr {[dict exists $origin [list $B $A]]
	? [dict get $origin [list $B $A]] : ""}]
    set data {}
    set acks {}
    set isn {}
    set wsA {}
    set wsB {}
    foreach s $segs {
	set from [End [dict get $s src] [dict get $s sport]]
	set to [End [dict get $s dst] [dict get $s dport]]
	if {$from eq $A && $to eq $B} {
	    if {$aHost ne "" && [dict get $s from] ne $aHost} {
		continue		;# a later hop of the same segment
	    }
	    if {[string match *S* [dict get $s flags]]} {
		set isn [dict get $s seq]
		set wsA [Wscale $s]
	    }
	    lappend data $s
	} elseif {$from eq $B && $to eq $A} {
	    if {[string match *S* [dict get $s flags]]} {
		set wsB [Wscale $s]
	    }
	    if {$aHost ne "" && [dict exists $s to]} {
		# As the sender got it: the hop into it, when it arrived.
		if {[dict get $s to] ne $aHost || [dict get $s arrive] eq ""} {
		    continue
		}
		dict set s time [dict get $s arrive]
	    }
	    lappend acks $s
	}
    }
    if {$isn eq ""} {
	set isn [dict get [lindex $data 0] seq]
    }
    set events {}
    foreach e [dict get $d events] {
	if {[dict exists $e lport]
		&& [End [dict get $e laddr] [dict get $e lport]] eq $A
		&& [End [dict get $e raddr] [dict get $e rport]] eq $B} {
	    lappend events $e
	}
    }
    return [dict create A $A B $B aHost $aHost bHost $bHost data $data \
	acks [SortByTime $acks] \
	events $events isn $isn \
	wsB [expr {$wsA ne "" && $wsB ne "" ? $wsB : 0}] \
	names $names what [dict get $d what]]
}

proc ::tcplab::plot::SortByTime {segs} {
    set l {}
    foreach s $segs {
	lappend l [list [dict get $s time] $s]
    }
    set out {}
    foreach p [lsort -real -index 0 $l] {
	lappend out [lindex $p 1]
    }
    return $out
}

proc ::tcplab::plot::Wscale {s} {
    foreach o [dict get $s options] {
	if {[lindex $o 0] eq "wscale"} {
	    return [lindex $o 1]
	}
    }
    return ""
}

# Bytes from the ISN (sequence space modulo 2^32).
proc ::tcplab::plot::Rel {seq isn} {
    expr {($seq - $isn) & 0xffffffff}
}

proc ::tcplab::plot::Name {c end} {
    set names [dict get $c names]
    set i [string last . $end]
    set a [string range $end 0 $i-1]
    if {[dict exists $names $a]} {
	return [dict get $names $a][string range $end $i end]
    }
    return $end
}

# The receiver's advertised window in bytes, as the sender applies it.
proc ::tcplab::plot::Window {c s} {
    if {[string match *S* [dict get $s flags]]} {
	return [dict get $s win]
    }
    expr {[dict get $s win] << [dict get $c wsB]}
}

#
# Figures: a dict of title, xlabel, ylabel, yunit, notes and series; a
# series is a dict of name, label, colour, draw (step line bars dots marks
# vlines), shape (for marks) and points ({x y} or {x y1 y2} or {x label},
# each with an optional note).
#

proc ::tcplab::plot::Series {name label colour draw points args} {
    dict merge [dict create name $name label $label colour $colour \
	draw $draw points $points shape circle] $args
}

proc ::tcplab::plot::Build {kind source opts} {
    set c [Pick [Load $source] [dict get $opts -conn]]
    set fig [Fig$kind $c $opts]
    set title [dict get $opts -title]
    if {$title eq ""} {
	set title "[dict get $fig title]: [Name $c [dict get $c A]] >\
	    [Name $c [dict get $c B]]"
    }
    dict set fig title $title
    dict set fig kind $kind
    return [Clip $fig [dict get $opts -from] [dict get $opts -to]]
}

# Keeps the points between -from and -to; a step series starts at -from
# with the value it had there.
proc ::tcplab::plot::Clip {fig from to} {
    dict set fig from $from
    dict set fig to $to
    if {$from eq "" && $to eq ""} {
	return $fig
    }
    set out {}
    foreach s [dict get $fig series] {
	set pts {}
	set before {}
	foreach p [dict get $s points] {
	    set x [lindex $p 0]
	    if {$from ne "" && $x < $from} {
		set before $p
		continue
	    }
	    if {$to ne "" && $x > $to} {
		break
	    }
	    lappend pts $p
	}
	if {[dict get $s draw] eq "step" && $before ne ""
		&& ([llength $pts] == 0 || [lindex $pts 0 0] > $from)} {
	    set pts [linsert $pts 0 [lreplace $before 0 0 $from]]
	}
	dict set s points $pts
	lappend out $s
    }
    dict set fig series $out
    return $fig
}

# The sender's segments and the ACKs it got, in time order: at one
# instant the ACK first (what it let the sender send comes after it).
proc ::tcplab::plot::Merged {c} {
    set all {}
    foreach s [dict get $c acks] {
	lappend all [list [dict get $s time] 1 $s]
    }
    foreach s [dict get $c data] {
	lappend all [list [dict get $s time] 0 $s]
    }
    lsort -real -index 0 $all
}

# tseq: the time-sequence graph of tcptrace and of Stevens' figures.
proc ::tcplab::plot::Figtseq {c opts} {
    set isn [dict get $c isn]
    # Walk the sender's segments and the ACKs it got in time order.
    set all [Merged $c]
    set all [lsort -real -index 0 $all]
    foreach n {data rexmt syn fin rst zwp drop ack win sack dup} {
	set pts($n) {}
    }
    set maxEnd -1
    set lastAck {}
    set lastWin {}
    set rwnd -1
    foreach item $all {
	lassign $item t dir s
	set fl [dict get $s flags]
	set len [dict get $s len]
	if {$dir == 0} {
	    set seq [Rel [dict get $s seq] $isn]
	    if {[string match *S* $fl]} {
		lappend pts(syn) [list $t $seq]
		set seq [expr {$seq + 1}]
	    }
	    set end [expr {$seq + $len}]
	    set probe [expr {$rwnd == 0 && $len <= 1 && $lastAck ne ""
		&& ($len == 1 || $seq + 1 == $lastAck)}]
	    if {$probe} {
		lappend pts(zwp) [list $t $seq [expr {$seq + max($len, 1)}]]
	    } elseif {$len > 0} {
		if {$seq < $maxEnd} {
		    lappend pts(rexmt) [list $t $seq $end]
		} else {
		    lappend pts(data) [list $t $seq $end]
		}
	    }
	    if {[string match *F* $fl]} {
		lappend pts(fin) [list $t $end]
		incr end
	    }
	    if {[string match *R* $fl]} {
		lappend pts(rst) [list $t $seq]
	    }
	    if {[dict exists $s drop] && [dict get $s drop] ne ""} {
		lappend pts(drop) [list $t [expr {($seq + $end) / 2}] \
		    [dict get $s drop]]
	    }
	    if {$end > $maxEnd} {
		set maxEnd $end
	    }
	    continue
	}
	if {![string match *A* $fl]} {
	    continue
	}
	set ack [Rel [dict get $s ack] $isn]
	set w [Window $c $s]
	set right [expr {$ack + $w}]
	# RFC 5681 2: no data, no SYN or FIN, the same ACK and window, data
	# outstanding (an answer to a zero-window probe is not one).
	if {$ack eq $lastAck && $len == 0 && $w == $lastWin && $w > 0
		&& ![string match {*[SFR]*} $fl] && $ack < $maxEnd} {
	    lappend pts(dup) [list $t $ack]
	}
	lappend pts(ack) [list $t $ack]
	lappend pts(win) [list $t $right]
	foreach o [dict get $s options] {
	    if {[lindex $o 0] eq "sack"} {
		foreach b [lrange $o 1 end] {
		    lappend pts(sack) [list $t [Rel [lindex $b 0] $isn] \
			[Rel [lindex $b 1] $isn]]
		}
	    }
	}
	set lastAck $ack
	set lastWin $w
	set rwnd $w
    }
    set series [list \
	[Series win "receive window (ACK + window)" #b8860b step $pts(win)] \
	[Series ack "ACK" #2ca02c step $pts(ack)] \
	[Series sack "SACK block" #9467bd bars $pts(sack) offset 4] \
	[Series data "data segment" #000000 bars $pts(data)] \
	[Series dup "duplicate ACK" #17becf marks $pts(dup) shape diamond] \
	[Series zwp "zero-window probe" #ff7f0e bars $pts(zwp) offset -4 \
	    minlen 10] \
	[Series syn "SYN" #1f77b4 marks $pts(syn) shape square offset 7] \
	[Series fin "FIN" #e377c2 marks $pts(fin) shape triangle offset 7] \
	[Series rst "RST" #7f7f7f marks $pts(rst) shape cross] \
	[Series drop "lost on the wire" #8c564b marks $pts(drop) shape cross] \
	[Series rexmt "retransmission" #d62728 bars $pts(rexmt)]]
    return [dict create title "time-sequence graph" xlabel "time (s)" \
	ylabel "sequence number (bytes from the ISN)" yunit bytes \
	notes {} series $series ymin {}]
}

# cwnd: the sender's window state over time, and its causes.
proc ::tcplab::plot::Figcwnd {c opts} {
    variable causeColours
    set notes {}
    set cw {}
    set ss {}
    set marks {}
    set labels {}
    foreach e [dict get $c events] {
	set t [dict get $e time]
	if {[dict get $e kind] eq "state" && [dict get $e to] eq "ESTABLISHED"
		&& [dict exists $e cwnd]} {
	    # The initial window, once the MSS is known.
	    lappend cw [list $t [dict get $e cwnd] "initial window"]
	    continue
	}
	if {[dict get $e kind] ne "cwnd"} {
	    continue
	}
	set why [dict get $e reason]
	lappend cw [list $t [dict get $e cwnd] $why]
	# ssthresh starts "infinite" (2^31 - 1 or more): not drawn till set.
	set v [dict get $e ssthresh]
	if {$v < 0x40000000 && ($ss eq "" || [lindex $ss end 1] != $v)} {
	    lappend ss [list $t $v]
	}
	foreach {cause slug colour} $causeColours {
	    if {[string match $cause $why]} {
		dict lappend marks $slug [list $t [dict get $e cwnd] $why]
		dict set labels $slug $why
		break
	    }
	}
    }
    if {[dict get $c what] in {pcap list}} {
	lappend notes "cwnd and ssthresh are the sender's own state: a capture\
	    does not show them, so they are left out"
    } elseif {[llength $cw] == 0} {
	lappend notes "no cwnd events in the record (start \$net record\
	    before the connection opens)"
    }
    # Bytes in flight and the receive window, from the segments.
    set isn [dict get $c isn]
    set all [Merged $c]
    set maxEnd -1
    set una -1
    set fl {}
    set rw {}
    foreach item [lsort -real -index 0 $all] {
	lassign $item t dir s
	if {$dir == 0} {
	    set seq [Rel [dict get $s seq] $isn]
	    set end [expr {$seq + [dict get $s len]
		+ [string match *S* [dict get $s flags]]
		+ [string match *F* [dict get $s flags]]}]
	    if {$end > $maxEnd} {
		set maxEnd $end
	    }
	} elseif {[string match *A* [dict get $s flags]]} {
	    set a [Rel [dict get $s ack] $isn]
	    if {$a > $una} {
		set una $a
	    }
	    lappend rw [list $t [Window $c $s]]
	}
	if {$una >= 0 && $maxEnd >= 0} {
	    lappend fl [list $t [expr {max(0, $maxEnd - $una)}]]
	}
    }
    set series [list \
	[Series rwnd "receive window" #b8860b step $rw] \
	[Series flight "bytes in flight" #7f7f7f step $fl]]
    # The causes' markers under the lines they mark.
    foreach {pattern slug colour} $causeColours {
	if {[dict exists $marks $slug]} {
	    lappend series [Series $slug "cwnd: [dict get $labels $slug]" \
		$colour marks [dict get $marks $slug] shape diamond]
	}
    }
    lappend series [Series cwnd "cwnd" #1f77b4 step $cw] \
	[Series ssthresh "ssthresh" #d62728 step $ss dash {7 4}]
    return [dict create title "congestion window" xlabel "time (s)" \
	ylabel "bytes" yunit bytes notes $notes series $series ymin 0]
}

# rtt: the sender's RTT samples, its estimator and its timer expiries.
proc ::tcplab::plot::Figrtt {c opts} {
    variable timerColours
    set notes {}
    set smp {}
    set srtt {}
    set var {}
    set rto {}
    set fired {}
    foreach e [dict get $c events] {
	set t [dict get $e time]
	switch -- [dict get $e kind] {
	    rtt {
		lappend smp [list $t [dict get $e rtt]]
		lappend srtt [list $t [dict get $e srtt]]
		lappend var [list $t [dict get $e rttvar]]
		lappend rto [list $t [dict get $e rto]]
	    }
	    timer-fire {
		dict lappend fired [dict get $e timer] [list $t [dict get $e timer]]
	    }
	}
    }
    if {[dict get $c what] in {pcap list}} {
	# From the capture: each data segment sent once to the first ACK
	# that covers it (Karn: retransmitted ones give no sample).
	set smp [Samples $c]
	lappend notes "RTT samples measured from the capture (a segment to\
	    the first ACK covering it, retransmitted ones left out); srtt,\
	    rttvar, RTO and timer expiries are the sender's own state: a\
	    capture does not show them, so they are left out"
    }
    set series [list \
	[Series rto "RTO" #d62728 step $rto] \
	[Series srtt "srtt" #2ca02c step $srtt] \
	[Series rttvar "rttvar" #ff7f0e step $var] \
	[Series sample "RTT sample" #1f77b4 dots $smp]]
    foreach {timer colour} $timerColours {
	if {[dict exists $fired $timer]} {
	    lappend series [Series fire:$timer "$timer timer expired" $colour \
		vlines [dict get $fired $timer]]
	}
    }
    return [dict create title "round-trip time" xlabel "time (s)" \
	ylabel "seconds" yunit s notes $notes series $series ymin 0]
}

proc ::tcplab::plot::Samples {c} {
    set isn [dict get $c isn]
    set sent {}
    set maxEnd -1
    set out {}
    set all [Merged $c]
    foreach item [lsort -real -index 0 $all] {
	lassign $item t dir s
	if {$dir == 0} {
	    set seq [Rel [dict get $s seq] $isn]
	    set end [expr {$seq + [dict get $s len]
		+ [string match {*[SF]*} [dict get $s flags]]}]
	    if {$end <= $seq} {
		continue
	    }
	    if {$seq < $maxEnd} {
		# Karn: forget every segment this one repeats.
		set keep {}
		foreach p $sent {
		    if {[lindex $p 0] <= $seq} {
			lappend keep $p
		    }
		}
		set sent $keep
	    } else {
		lappend sent [list $end $t]
	    }
	    set maxEnd [expr {max($maxEnd, $end)}]
	} elseif {[string match *A* [dict get $s flags]]} {
	    set a [Rel [dict get $s ack] $isn]
	    set last {}
	    set keep {}
	    foreach p $sent {
		if {[lindex $p 0] <= $a} {
		    set last $p
		} else {
		    lappend keep $p
		}
	    }
	    if {$last ne ""} {
		lappend out [list $t [format %.6f [expr {$t - [lindex $last 1]}]]]
	    }
	    set sent $keep
	}
    }
    return $out
}

# throughput: goodput (new bytes acknowledged) and sending rate (data
# bytes sent, retransmissions included), averaged over -interval.
proc ::tcplab::plot::Figthroughput {c opts} {
    set isn [dict get $c isn]
    set data [dict get $c data]
    set acks [dict get $c acks]
    set t0 [dict get [lindex $data 0] time]
    set t1 $t0
    foreach s [concat $data $acks] {
	set t1 [expr {max($t1, [dict get $s time])}]
    }
    set iv [dict get $opts -interval]
    if {$iv eq ""} {
	set iv [Nice [expr {max(($t1 - $t0) / 20.0, 1e-6)}]]
    }
    set nb [expr {max(1, int(ceil(($t1 - $t0) / $iv)))}]
    set sent [lrepeat $nb 0]
    set good [lrepeat $nb 0]
    foreach s $data {
	set b [expr {min($nb - 1, int(([dict get $s time] - $t0) / $iv))}]
	lset sent $b [expr {[lindex $sent $b] + [dict get $s len]}]
    }
    set una {}
    foreach s $acks {
	if {![string match *A* [dict get $s flags]]} {
	    continue
	}
	set a [Rel [dict get $s ack] $isn]
	if {$una eq ""} {
	    set una $a
	    continue
	}
	if {$a > $una} {
	    set b [expr {min($nb - 1, max(0, int(([dict get $s time] - $t0) / $iv)))}]
	    lset good $b [expr {[lindex $good $b] + $a - $una}]
	    set una $a
	}
    }
    set gp {}
    set sp {}
    for {set b 0} {$b < $nb} {incr b} {
	set x [format %.6f [expr {$t0 + ($b + 0.5) * $iv}]]
	lappend gp [list $x [expr {[lindex $good $b] * 8.0 / $iv}]]
	lappend sp [list $x [expr {[lindex $sent $b] * 8.0 / $iv}]]
    }
    set series [list \
	[Series sending "sending rate" #1f77b4 line $sp] \
	[Series goodput "goodput" #2ca02c line $gp]]
    return [dict create title "throughput" xlabel "time (s)" \
	ylabel "bit/s" yunit bit/s series $series ymin 0 \
	notes [list "sending rate: data bytes sent, retransmissions\
	    included; goodput: new data acknowledged; each point the average\
	    over [Num $iv] s"]]
}

#
# Drawing.
#

# A round step for axis ticks: 1, 2 or 5 times a power of ten.
proc ::tcplab::plot::Nice {x} {
    if {$x <= 0} {
	return 1
    }
    set p [expr {10.0 ** floor(log10($x))}]
    foreach m {1 2 5 10} {
	if {$m * $p >= $x * 0.999} {
	    return [expr {$m * $p}]
	}
    }
}

# A number as a tick label: 1500000 -> 1.5M, 0.25 -> 0.25.
proc ::tcplab::plot::Num {v} {
    set a [expr {abs($v)}]
    foreach {lim div suf} {1e9 1e9 G 1e6 1e6 M 1e4 1e3 k} {
	if {$a >= $lim} {
	    return [Trim [format %.3f [expr {$v / $div}]]]$suf
	}
    }
    return [Trim [format %.6f $v]]
}

proc ::tcplab::plot::Trim {s} {
    if {[string first . $s] >= 0} {
	set s [string trimright [string trimright $s 0] .]
    }
    if {$s eq "-0"} {
	set s 0
    }
    return $s
}

# The frame of a figure: data ranges, ticks, the legend's rows.
proc ::tcplab::plot::Frame {fig} {
    variable W
    variable L
    variable R
    variable T
    variable B
    set xs {}
    set ys {}
    foreach s [dict get $fig series] {
	foreach p [dict get $s points] {
	    lappend xs [lindex $p 0]
	    if {[dict get $s draw] ne "vlines"} {
		lappend ys [lindex $p 1]
		if {[dict get $s draw] eq "bars"} {
		    lappend ys [lindex $p 2]
		}
	    }
	}
    }
    set xend [expr {[llength $xs] ? [tcl::mathfunc::max {*}$xs] : 0}]
    set x0 [dict get $fig from]
    set x1 [dict get $fig to]
    if {$x0 eq ""} {
	set x0 [expr {[llength $xs] ? min(0.0, [tcl::mathfunc::min {*}$xs]) : 0.0}]
	if {[dict get $fig kind] ne "tseq" && [llength $xs]} {
	    set x0 [tcl::mathfunc::min {*}$xs]
	}
    }
    if {$x1 eq ""} {
	set x1 [expr {[llength $xs] ? [tcl::mathfunc::max {*}$xs] : 1.0}]
    }
    if {$x1 <= $x0} {
	set x1 [expr {$x0 + 1.0}]
    }
    set y0 [dict get $fig ymin]
    if {$y0 eq ""} {
	set y0 [expr {[llength $ys] ? [tcl::mathfunc::min {*}$ys] : 0}]
    }
    set y1 [expr {[llength $ys] ? [tcl::mathfunc::max {*}$ys] : 1}]
    if {$y1 <= $y0} {
	set y1 [expr {$y0 + 1}]
    }
    # Round the ranges out to whole ticks.
    set xt [Nice [expr {($x1 - $x0) / 8.0}]]
    set yt [Nice [expr {($y1 - $y0) / 6.0}]]
    set x0 [expr {floor($x0 / $xt + 1e-9) * $xt}]
    set x1 [expr {ceil($x1 / $xt - 1e-9) * $xt}]
    set y0 [expr {floor($y0 / $yt + 1e-9) * $yt}]
    set y1 [expr {ceil($y1 / $yt - 1e-9) * $yt}]
    if {$y1 - $y0 < $yt / 2.0} {
	set y1 [expr {$y0 + $yt}]
    }
    if {$x1 - $x0 < $xt / 2.0} {
	set x1 [expr {$x0 + $xt}]
    }
    # Legend: the series that have points, four to a row.
    set items {}
    foreach s [dict get $fig series] {
	if {[llength [dict get $s points]]} {
	    lappend items $s
	}
    }
    set ncol 3
    foreach s $items {
	if {[string length [dict get $s label]] > 30} {
	    set ncol 2
	}
    }
    set rows [expr {([llength $items] + $ncol - 1) / $ncol}]
    set notes [dict get $fig notes]
    set nlines 0
    foreach n $notes {
	incr nlines [llength [Wrap $n 110]]
    }
    set H [expr {$B + 66 + $rows * 20 + $nlines * 16 + 12}]
    dict set fig frame [dict create x0 $x0 x1 $x1 y0 $y0 y1 $y1 xt $xt yt $yt \
	W $W H $H L $L R $R T $T B $B legend $items ncol $ncol xend $xend]
    return $fig
}

# Data coordinates to pixels.
proc ::tcplab::plot::Px {fig x y} {
    set f [dict get $fig frame]
    dict with f {
	set px [expr {$L + ($x - $x0) * ($R - $L) / double($x1 - $x0)}]
	set py [expr {$B - ($y - $y0) * ($B - $T) / double($y1 - $y0)}]
    }
    list [format %.1f $px] [format %.1f $py]
}

proc ::tcplab::plot::Xml {s} {
    string map {& &amp; < &lt; > &gt; \" &quot;} $s
}

proc ::tcplab::plot::Wrap {text width} {
    set lines {}
    set line {}
    foreach w [split $text " "] {
	if {$line ne "" && [string length "$line $w"] > $width} {
	    lappend lines $line
	    set line $w
	} elseif {$line eq ""} {
	    set line $w
	} else {
	    append line " " $w
	}
    }
    if {$line ne ""} {
	lappend lines $line
    }
    return $lines
}

# The glyph of a mark at pixel (x, y).
proc ::tcplab::plot::Glyph {shape x y colour} {
    switch -- $shape {
	square {
	    return "<rect x=\"[expr {$x - 4}]\" y=\"[expr {$y - 4}]\"\
		width=\"8\" height=\"8\" fill=\"$colour\"/>"
	}
	diamond {
	    return "<path d=\"M$x [expr {$y - 5}] L[expr {$x + 5}] $y\
		L$x [expr {$y + 5}] L[expr {$x - 5}] $y Z\" fill=\"$colour\"/>"
	}
	triangle {
	    return "<path d=\"M$x [expr {$y - 6}] L[expr {$x + 5}] [expr {$y + 4}]\
		L[expr {$x - 5}] [expr {$y + 4}] Z\" fill=\"$colour\"/>"
	}
	cross {
	    return "<path d=\"M[expr {$x - 4}] [expr {$y - 4}]\
		L[expr {$x + 4}] [expr {$y + 4}] M[expr {$x - 4}]\
		[expr {$y + 4}] L[expr {$x + 4}] [expr {$y - 4}]\"\
		stroke=\"$colour\" stroke-width=\"2.5\" fill=\"none\"/>"
	}
	default {
	    return "<circle cx=\"$x\" cy=\"$y\" r=\"3\" fill=\"$colour\"/>"
	}
    }
}

proc ::tcplab::plot::Svg {fig} {
    set f [dict get $fig frame]
    dict with f {}
    set font {font-family="Helvetica, Arial, sans-serif"}
    set o {}
    lappend o {<?xml version="1.0" encoding="UTF-8"?>}
    lappend o "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$W\"\
	height=\"$H\" viewBox=\"0 0 $W $H\">"
    lappend o "<title>[Xml [dict get $fig title]]</title>"
    lappend o "<defs><clipPath id=\"area\"><rect x=\"[expr {$L - 6}]\"\
	y=\"[expr {$T - 6}]\" width=\"[expr {$R - $L + 12}]\"\
	height=\"[expr {$B - $T + 12}]\"/></clipPath></defs>"
    lappend o "<rect x=\"0\" y=\"0\" width=\"$W\" height=\"$H\" fill=\"#fff\"/>"
    lappend o "<text x=\"[expr {$W / 2}]\" y=\"28\" $font font-size=\"16\"\
	font-weight=\"bold\" text-anchor=\"middle\">[Xml [dict get $fig title]]</text>"
    # Grid and ticks.
    set g {}
    set labels {}
    for {set i 0} {$x0 + $i * $xt <= $x1 + $xt * 1e-6} {incr i} {
	set x [expr {$x0 + $i * $xt}]
	set px [lindex [Px $fig $x $y0] 0]
	append g "M$px $T V$B "
	lappend labels "<text x=\"$px\" y=\"[expr {$B + 18}]\" $font\
	    font-size=\"12\" text-anchor=\"middle\">[Num $x]</text>"
    }
    for {set i 0} {$y0 + $i * $yt <= $y1 + $yt * 1e-6} {incr i} {
	set y [expr {$y0 + $i * $yt}]
	set py [lindex [Px $fig $x0 $y] 1]
	append g "M$L $py H$R "
	lappend labels "<text x=\"[expr {$L - 6}]\" y=\"[expr {$py + 4}]\"\
	    $font font-size=\"12\" text-anchor=\"end\">[Num $y]</text>"
    }
    lappend o "<path d=\"$g\" stroke=\"#e4e4e4\" stroke-width=\"1\" fill=\"none\"/>"
    lappend o {*}$labels
    lappend o "<rect x=\"$L\" y=\"$T\" width=\"[expr {$R - $L}]\"\
	height=\"[expr {$B - $T}]\" fill=\"none\" stroke=\"#000\"/>"
    lappend o "<text x=\"[expr {($L + $R) / 2}]\" y=\"[expr {$B + 40}]\" $font\
	font-size=\"13\" text-anchor=\"middle\">[Xml [dict get $fig xlabel]]</text>"
    set my [expr {($T + $B) / 2}]
    lappend o "<text x=\"18\" y=\"$my\" $font font-size=\"13\"\
	text-anchor=\"middle\" transform=\"rotate(-90 18 $my)\">[Xml [dict get $fig ylabel]]</text>"
    # The series, in order (later ones on top).
    lappend o "<g clip-path=\"url(#area)\">"
    foreach s [dict get $fig series] {
	set pts [dict get $s points]
	if {[llength $pts] == 0} {
	    continue
	}
	set col [dict get $s colour]
	set name [Xml [dict get $s name]]
	switch -- [dict get $s draw] {
	    step - line {
		set d ""
		set first 1
		foreach p $pts {
		    lassign [Px $fig {*}[lrange $p 0 1]] px py
		    if {$first} {
			append d "M$px $py"
			set first 0
		    } elseif {[dict get $s draw] eq "step"} {
			append d " H$px V$py"
		    } else {
			append d " L$px $py"
		    }
		}
		if {[dict get $s draw] eq "step"} {
		    # A state holds till the end of what is plotted.
		    set xe [lindex [Px $fig $xend $y0] 0]
		    append d " H[expr {min($R, max($px + 3, $xe))}]"
		}
		set dash [expr {[dict exists $s dash]
		    ? " stroke-dasharray=\"[dict get $s dash]\"" : ""}]
		lappend o "<path class=\"$name\" d=\"$d\" stroke=\"$col\"\
		    stroke-width=\"2\" fill=\"none\" stroke-linejoin=\"round\"$dash/>"
	    }
	    bars {
		set d ""
		set off [expr {[dict exists $s offset] ? [dict get $s offset] : 0}]
		set min [expr {[dict exists $s minlen] ? [dict get $s minlen] : 3}]
		foreach p $pts {
		    lassign $p x ya yb
		    lassign [Px $fig $x $ya] px pa
		    set pb [lindex [Px $fig $x $yb] 1]
		    set px [expr {$px + $off}]
		    if {$pa - $pb < $min} {
			set pa [expr {($pa + $pb + $min) / 2.0}]
			set pb [expr {$pa - $min}]
		    }
		    append d "M$px $pa V$pb M[expr {$px - 2.5}] $pa\
			H[expr {$px + 2.5}] M[expr {$px - 2.5}] $pb\
			H[expr {$px + 2.5}] "
		}
		lappend o "<path class=\"$name\" d=\"$d\" stroke=\"$col\"\
		    stroke-width=\"2\" fill=\"none\"/>"
	    }
	    dots - marks {
		lappend o "<g class=\"$name\">"
		set off [expr {[dict exists $s offset] ? [dict get $s offset] : 0}]
		foreach p $pts {
		    lassign [Px $fig {*}[lrange $p 0 1]] px py
		    set px [expr {$px + $off}]
		    lappend o [Glyph [dict get $s shape] $px $py $col]
		}
		lappend o "</g>"
	    }
	    vlines {
		set d ""
		foreach p $pts {
		    set px [lindex [Px $fig [lindex $p 0] $y0] 0]
		    append d "M$px $T V$B "
		}
		lappend o "<path class=\"$name\" d=\"$d\" stroke=\"$col\"\
		    stroke-width=\"2\" stroke-dasharray=\"6 4\" fill=\"none\"/>"
	    }
	}
    }
    lappend o "</g>"
    # Legend and notes.
    set y [expr {$B + 66}]
    set i 0
    foreach s $legend {
	set lx [expr {$L + ($i % $ncol) * (696 / $ncol)}]
	set ly [expr {$y + ($i / $ncol) * 20}]
	set col [dict get $s colour]
	switch -- [dict get $s draw] {
	    step - line {
		lappend o "<path d=\"M$lx [expr {$ly - 4}] h22\" stroke=\"$col\"\
		    stroke-width=\"3\"/>"
	    }
	    vlines {
		lappend o "<path d=\"M$lx [expr {$ly - 4}] h22\" stroke=\"$col\"\
		    stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
	    }
	    bars {
		lappend o "<path d=\"M[expr {$lx + 11}] [expr {$ly - 11}] v14\"\
		    stroke=\"$col\" stroke-width=\"3\"/>"
	    }
	    default {
		lappend o [Glyph [dict get $s shape] [expr {$lx + 11}] \
		    [expr {$ly - 4}] $col]
	    }
	}
	lappend o "<text x=\"[expr {$lx + 30}]\" y=\"$ly\" $font\
	    font-size=\"12\">[Xml [dict get $s label]]</text>"
	incr i
    }
    set y [expr {$y + (($i + $ncol - 1) / $ncol) * 20}]
    foreach n [dict get $fig notes] {
	foreach line [Wrap $n 110] {
	    lappend o "<text x=\"$L\" y=\"$y\" $font font-size=\"12\"\
		fill=\"#444\">[Xml $line]</text>"
	    incr y 16
	}
    }
    lappend o "</svg>"
    return [join $o \n]\n
}

# The same data as columns: time, series, values (and a note), in time
# order; comment lines give the title, the units and the notes.
proc ::tcplab::plot::Text {fig} {
    set o {}
    lappend o "# [dict get $fig title]"
    lappend o "# x: [dict get $fig xlabel]; y: [dict get $fig ylabel]"
    foreach n [dict get $fig notes] {
	lappend o "# $n"
    }
    set rows {}
    foreach s [dict get $fig series] {
	foreach p [dict get $s points] {
	    set vals [lrange $p 1 end]
	    if {[dict get $s draw] eq "bars"} {
		set vals [list [lindex $p 1] [lindex $p 2] {*}[lrange $p 3 end]]
	    }
	    set cols [list [format %.6f [lindex $p 0]] [dict get $s name]]
	    foreach v $vals {
		lappend cols [expr {[string is double -strict $v]
		    && ![string is wideinteger -strict $v]
		    ? [Trim [format %.9f $v]] : $v}]
	    }
	    lappend rows $cols
	}
    }
    foreach r [lsort -real -index 0 $rows] {
	set line [format "%-12s %-10s" [lindex $r 0] [lindex $r 1]]
	foreach v [lrange $r 2 end] {
	    if {[string first " " $v] >= 0} {
		set v "\"$v\""
	    }
	    append line " " [format %-10s $v]
	}
	lappend o [string trimright $line]
    }
    return [join $o \n]\n
}
