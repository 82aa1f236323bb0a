# packetdrill.tcl --
#
#	Runs packetdrill scripts against a tcplab host.  A script is a list of
#	timed events: system calls on the host under test, segments sent to it
#	("<"), segments it must send (">"), shell commands (sysctls) and
#	Python assertions on tcp_info.  The language is packetdrill's (its
#	lexer.l and parser.y are the reference for the grammar); the parser
#	below is tcplab's own.  Timing follows packetdrill's run.c: relative
#	times count from the moment the previous event finished, a run of
#	inbound packets is anchored to the script's times, and every event must
#	happen within the tolerance (default 4 ms or 12.5% of the gap to the
#	previous event, whichever is larger).

namespace eval ::tcplab::packetdrill {
    namespace export run parse
    namespace ensemble create -subcommands {run parse}

    # Errno values of Linux (asm-generic/errno-base.h, errno.h).
    variable errnos {
	EPERM 1 ENOENT 2 EINTR 4 EIO 5 EBADF 9 EAGAIN 11 EWOULDBLOCK 11
	ENOMEM 12 EACCES 13 EFAULT 14 EBUSY 16 EEXIST 17 EINVAL 22 EPIPE 32
	ENOPROTOOPT 92 EOPNOTSUPP 95 EAFNOSUPPORT 97 EADDRINUSE 98
	EADDRNOTAVAIL 99 ENETUNREACH 101 ECONNABORTED 103 ECONNRESET 104
	EISCONN 106 ENOTCONN 107 ETIMEDOUT 110 ECONNREFUSED 111
	EHOSTUNREACH 113 EALREADY 114 EINPROGRESS 115 ENOTSOCK 88
	EMSGSIZE 90 EDESTADDRREQ 89
    }
    # Symbols scripts pass as arguments (Linux's values).
    variable symbols {
	AF_INET 2 AF_INET6 10 AF_UNSPEC 0 PF_INET 2 SOCK_STREAM 1
	SOCK_DGRAM 2 IPPROTO_TCP 6 IPPROTO_IP 0 IPPROTO_UDP 17
	SOL_SOCKET 1 SOL_TCP 6 SOL_IP 0
	SO_REUSEADDR 2 SO_ERROR 4 SO_KEEPALIVE 9 SO_LINGER 13 SO_RCVBUF 8
	SO_SNDBUF 7 SO_REUSEPORT 15 SO_RCVLOWAT 18 SO_SNDLOWAT 19
	SO_DEBUG 1 SO_DONTROUTE 5 SO_BROADCAST 6 SO_OOBINLINE 10
	SO_MAX_PACING_RATE 47 SO_ZEROCOPY 60
	TCP_NODELAY 1 TCP_MAXSEG 2 TCP_CORK 3 TCP_KEEPIDLE 4 TCP_KEEPINTVL 5
	TCP_KEEPCNT 6 TCP_SYNCNT 7 TCP_LINGER2 8 TCP_DEFER_ACCEPT 9
	TCP_WINDOW_CLAMP 10 TCP_INFO 11 TCP_QUICKACK 12 TCP_CONGESTION 13
	TCP_MD5SIG 14 TCP_USER_TIMEOUT 18 TCP_FASTOPEN 23 TCP_NOTSENT_LOWAT 25
	TCP_INQ 36 TCP_CM_INQ 36 TCP_FASTOPEN_CONNECT 30 TCP_SAVE_SYN 27 TCP_SAVED_SYN 28
	TCP_REPAIR 19 TCP_THIN_LINEAR_TIMEOUTS 16 TCP_FASTOPEN_KEY 33
	TCP_FASTOPEN_NO_COOKIE 34 TCP_ZEROCOPY_RECEIVE 35 TCP_TX_DELAY 37
	F_GETFL 3 F_SETFL 4 F_GETFD 1 F_SETFD 2 O_RDONLY 0 O_WRONLY 1 O_RDWR 2
	O_NONBLOCK 2048 O_NDELAY 2048
	SHUT_RD 0 SHUT_WR 1 SHUT_RDWR 2
	MSG_OOB 1 MSG_PEEK 2 MSG_DONTWAIT 64 MSG_WAITALL 256 MSG_EOR 128
	MSG_NOSIGNAL 16384 MSG_MORE 32768 MSG_TRUNC 32 MSG_ERRQUEUE 8192
	MSG_ZEROCOPY 67108864 MSG_FASTOPEN 536870912
	POLLIN 1 POLLPRI 2 POLLOUT 4 POLLERR 8 POLLHUP 16 POLLNVAL 32
	POLLRDNORM 64 POLLRDBAND 128 POLLWRNORM 256 POLLWRBAND 512
	POLLRDHUP 8192
	EPOLLIN 1 EPOLLPRI 2 EPOLLOUT 4 EPOLLERR 8 EPOLLHUP 16 EPOLLRDNORM 64
	EPOLLRDHUP 8192 EPOLLET 2147483648 EPOLLONESHOT 1073741824
	EPOLL_CTL_ADD 1 EPOLL_CTL_DEL 2 EPOLL_CTL_MOD 3
	SIOCINQ 21531 SIOCOUTQ 21521 FIONREAD 21531 SIOCOUTQNSD 35147
	TCP_ESTABLISHED 1 TCP_SYN_SENT 2 TCP_SYN_RECV 3 TCP_FIN_WAIT1 4
	TCP_FIN_WAIT2 5 TCP_TIME_WAIT 6 TCP_CLOSE 7 TCP_CLOSE_WAIT 8
	TCP_LAST_ACK 9 TCP_LISTEN 10 TCP_CLOSING 11
	TCP_CA_Open 0 TCP_CA_Disorder 1 TCP_CA_CWR 2 TCP_CA_Recovery 3
	TCP_CA_Loss 4
	IP_TOS 1 IP_TTL 2 IP_MTU_DISCOVER 10 IP_RECVERR 11 IP_FREEBIND 15
	IP_PMTUDISC_DONT 0 IP_PMTUDISC_WANT 1 IP_PMTUDISC_DO 2
	IP_PMTUDISC_PROBE 3
	NULL 0
    }
    # Linux's tcp_info state numbers (include/net/tcp_states.h).
    variable tcpstates {
	ESTABLISHED 1 SYN_SENT 2 SYN_RCVD 3 FIN_WAIT_1 4 FIN_WAIT_2 5
	TIME_WAIT 6 CLOSED 7 CLOSE_WAIT 8 LAST_ACK 9 LISTEN 10 CLOSING 11
    }
    # sysctl name -> tunable of the same meaning.
    variable sysctlmap {
	net.ipv4.tcp_syn_retries tcp_syn_retries
	net.ipv4.tcp_synack_retries tcp_synack_retries
	net.ipv4.tcp_retries1 tcp_retries1
	net.ipv4.tcp_retries2 tcp_retries2
	net.ipv4.tcp_orphan_retries tcp_orphan_retries
	net.ipv4.tcp_fin_timeout tcp_fin_timeout
	net.ipv4.tcp_keepalive_time tcp_keepalive_time
	net.ipv4.tcp_keepalive_intvl tcp_keepalive_intvl
	net.ipv4.tcp_keepalive_probes tcp_keepalive_probes
	net.ipv4.tcp_rfc1337 tcp_rfc1337
	net.ipv4.tcp_timestamps tcp_timestamps
	net.ipv4.tcp_window_scaling tcp_window_scaling
	net.ipv4.tcp_sack tcp_sack
	net.ipv4.tcp_syn_linear_timeouts tcp_syn_linear_timeouts
	net.ipv4.tcp_rto_min_us tcp_rto_min_us
	net.ipv4.tcp_challenge_ack_limit tcp_challenge_ack_limit
	net.ipv4.tcp_invalid_ratelimit tcp_invalid_ratelimit
	net.ipv4.tcp_tw_reuse tcp_tw_reuse
	net.ipv4.tcp_min_tso_segs tcp_min_tso_segs
	net.ipv4.tcp_tso_win_divisor tcp_tso_win_divisor
	net.ipv4.tcp_ecn tcp_ecn
	net.ipv4.tcp_dsack tcp_dsack
	net.ipv4.tcp_frto tcp_frto
	net.ipv4.tcp_syncookies tcp_syncookies
	net.ipv4.tcp_max_syn_backlog tcp_max_syn_backlog
	net.ipv4.tcp_abort_on_overflow tcp_abort_on_overflow
	net.ipv4.tcp_mtu_probing tcp_mtu_probing
	net.ipv4.tcp_base_mss tcp_base_mss
	net.ipv4.tcp_probe_threshold tcp_probe_threshold
	net.ipv4.tcp_probe_interval tcp_probe_interval
	net.ipv4.tcp_mtu_probe_floor tcp_mtu_probe_floor
	net.ipv4.tcp_fastopen tcp_fastopen
    }
}

# ---------------------------------------------------------------------------
# Lexer: tokens as in packetdrill's lexer.l.  Each token is {type text line}.

proc ::tcplab::packetdrill::Lex {text} {
    set toks {}
    set pos 0
    set line 1
    set n [string length $text]
    # Longest match wins, as in flex; ties go to the earlier rule.
    set rules {
	COMMENT {\A//[^\n]*}
	COMMENT {\A/\*.*?\*/}
	CODE {\A%\{.*?\}%}
	BACK_QUOTED {\A`(?:\\.|[^`])*`}
	STRING {\A"(?:\\.|[^"])*"}
	OPTION {\A--[a-zA-Z0-9_]+(?:=\S*)?}
	ELLIPSIS {\A\.\.\.}
	IPV4_ADDR {\A[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+}
	HEX_INTEGER {\A0x[0-9a-fA-F]+}
	FLOAT {\A-?[0-9]*\.[0-9]+}
	INTEGER {\A-?[0-9]+}
	WORD {\A[a-zA-Z0-9_]+#?}
    }
    while {$pos < $n} {
	set c [string index $text $pos]
	if {[string is space $c]} {
	    if {$c eq "\n"} {incr line}
	    incr pos
	    continue
	}
	set rest [string range $text $pos end]
	set best ""
	set blen 0
	foreach {type re} $rules {
	    if {[regexp $re $rest m] && [string length $m] > $blen} {
		set best $type
		set blen [string length $m]
		set btext $m
	    }
	}
	if {$best eq ""} {
	    set best CHAR
	    set btext $c
	    set blen 1
	}
	if {$best eq "WORD" && [string index $btext end] eq "#"
		&& $btext ne "sequence#"} {
	    set btext [string range $btext 0 end-1]
	    incr blen -1
	}
	if {$best eq "WORD" && [string is digit $btext]} {
	    set best INTEGER
	}
	if {$best ne "COMMENT"} {
	    lappend toks [list $best $btext $line]
	}
	incr line [regexp -all \n $btext]
	incr pos $blen
    }
    lappend toks [list EOF "" $line]
    return $toks
}

# ---------------------------------------------------------------------------
# Parser.  The script becomes a dict: options (header --name=value), init
# (a command before the first event), events (list of dicts), cleanup.

proc ::tcplab::packetdrill::SyntaxError {line msg} {
    return -code error -errorcode [list PACKETDRILL SYNTAX $line] \
	"$line: $msg"
}

proc ::tcplab::packetdrill::Peek {{k 0}} {
    variable P
    lindex $P(toks) [expr {$P(i) + $k}]
}
proc ::tcplab::packetdrill::Next {} {
    variable P
    set t [lindex $P(toks) $P(i)]
    incr P(i)
    return $t
}
proc ::tcplab::packetdrill::Is {type {text ""}} {
    set t [Peek]
    expr {[lindex $t 0] eq $type && ($text eq "" || [lindex $t 1] eq $text)}
}
proc ::tcplab::packetdrill::IsChar {c} {
    Is CHAR $c
}
proc ::tcplab::packetdrill::Expect {type {text ""} {what ""}} {
    set t [Peek]
    if {![Is $type $text]} {
	if {$what eq ""} {
	    set what [expr {$text ne "" ? "'$text'" : $type}]
	}
	SyntaxError [lindex $t 2] "syntax error: expected $what, found\
		'[lindex $t 1]'"
    }
    Next
}
proc ::tcplab::packetdrill::Int {{what integer}} {
    set t [Peek]
    if {[lindex $t 0] ni {INTEGER HEX_INTEGER}} {
	SyntaxError [lindex $t 2] "syntax error: expected $what, found\
		'[lindex $t 1]'"
    }
    Next
    return [expr {[lindex $t 1] + 0}]
}

proc ::tcplab::packetdrill::parse {file args} {
    set defines [dict create]
    foreach {opt val} $args {
	if {$opt ne "-define"} {
	    return -code error -errorcode {TCL LOOKUP INDEX option $opt} \
		"bad option \"$opt\": must be -define"
	}
	set defines $val
    }
    if {![file readable $file]} {
	return -code error -errorcode [list POSIX ENOENT \
		{no such file or directory}] \
	    "couldn't read file \"$file\": no such file or directory"
    }
    set f [open $file]
    set text [read $f]
    close $f
    ParseText $text $defines
}

proc ::tcplab::packetdrill::ParseText {text {defines {}}} {
    variable P
    array unset P
    set P(toks) [Lex $text]
    set P(i) 0
    set script [dict create options {} init {} events {} cleanup {} \
	    defines $defines]
    # Header options.
    while {[Is OPTION]} {
	set t [Next]
	set o [string range [lindex $t 1] 2 end]
	if {[string first = $o] >= 0} {
	    set name [string range $o 0 [string first = $o]-1]
	    set val [string range $o [string first = $o]+1 end]
	} else {
	    set name $o
	    set val 1
	}
	dict lappend script options $name $val
    }
    # An init command: a backquoted command before any timed event.
    if {[Is BACK_QUOTED]} {
	set t [Next]
	dict set script init [dict create line [lindex $t 2] \
		command [Unquote [lindex $t 1]]]
    }
    set events {}
    while {![Is EOF]} {
	if {[Is BACK_QUOTED] && [lindex [Peek 1] 0] eq "EOF"} {
	    set t [Next]
	    dict set script cleanup [dict create line [lindex $t 2] \
		    command [Unquote [lindex $t 1]]]
	    break
	}
	lappend events [ParseEvent]
    }
    if {[llength $events] == 0} {
	SyntaxError [lindex [Peek] 2] "syntax error: script has no events"
    }
    dict set script events $events
    return $script
}

proc ::tcplab::packetdrill::Unquote {s} {
    set s [string range $s 1 end-1]
    # A backslash-newline continues the command, as a shell would.
    regsub -all {\\\n} $s { } s
    return $s
}

proc ::tcplab::packetdrill::Time {} {
    set t [Peek]
    switch -- [lindex $t 0] {
	INTEGER - FLOAT {
	    Next
	    set v [lindex $t 1]
	    if {$v < 0} {SyntaxError [lindex $t 2] "negative time"}
	    return [expr {wide(round($v * 1e6))}]
	}
    }
    SyntaxError [lindex $t 2] "syntax error: expected a time, found\
	    '[lindex $t 1]'"
}

proc ::tcplab::packetdrill::ParseEvent {} {
    set t [Peek]
    set line [lindex $t 2]
    set ev [dict create line $line end {}]
    if {[IsChar +]} {
	Next
	set a [Time]
	if {[IsChar ~]} {
	    Next
	    Expect CHAR + "'+'"
	    set b [Time]
	    dict set ev timetype relrange
	    dict set ev time $a
	    dict set ev timeend $b
	} else {
	    dict set ev timetype rel
	    dict set ev time $a
	}
    } elseif {[IsChar *]} {
	Next
	dict set ev timetype any
	dict set ev time 0
    } elseif {[Is INTEGER] || [Is FLOAT]} {
	set a [Time]
	if {[IsChar ~]} {
	    Next
	    set b [Time]
	    dict set ev timetype absrange
	    dict set ev time $a
	    dict set ev timeend $b
	} else {
	    dict set ev timetype abs
	    dict set ev time $a
	}
    } else {
	SyntaxError $line "syntax error: expected an event time, found\
		'[lindex $t 1]'"
    }
    if {[dict exists $ev timeend] && [dict get $ev timeend] < [dict get $ev time]} {
	SyntaxError $line "time range is backwards"
    }
    set t [Peek]
    set aline [lindex $t 2]
    switch -- [lindex $t 0] {
	CHAR {
	    if {[lindex $t 1] in {< >}} {
		dict set ev type packet
		dict set ev packet [ParsePacket]
	    } else {
		SyntaxError $aline "syntax error: unexpected '[lindex $t 1]'"
	    }
	}
	BACK_QUOTED {
	    Next
	    dict set ev type command
	    dict set ev command [Unquote [lindex $t 1]]
	}
	CODE {
	    Next
	    dict set ev type code
	    dict set ev code [string range [lindex $t 1] 2 end-2]
	}
	ELLIPSIS - WORD {
	    dict set ev type syscall
	    dict set ev syscall [ParseSyscall]
	}
	default {
	    SyntaxError $aline "syntax error: unexpected '[lindex $t 1]'"
	}
    }
    set tt [dict get $ev timetype]
    set outbound [expr {[dict get $ev type] eq "packet"
	    && [dict get $ev packet dir] eq ">"}]
    if {$tt eq "any" && !$outbound} {
	SyntaxError $line "event time <star> can only be used with outbound\
		packets"
    }
    if {$tt in {absrange relrange} && !$outbound} {
	SyntaxError $line "event time range can only be used with outbound\
		packets"
    }
    return $ev
}

proc ::tcplab::packetdrill::ParsePacket {} {
    set t [Next]
    set dir [lindex $t 1]
    set line [lindex $t 2]
    set p [dict create dir $dir ecn {} tos {} ttl {} sport 0 dport 0 \
	    flags {} seq 0 len 0 ack {} win {} urg 0 options {}]
    # IP information: [ect0], [noecn], [ce], [ect1], [ect01], (tos 0x..)
    if {[IsChar \[] || ([IsChar (] && [lindex [Peek 1] 1] in
	    {tos ttl flowlabel ect0 ect1 ce noecn ect01})} {
	set close [expr {[IsChar \[] ? "\]" : ")"}]
	Next
	while {![IsChar $close]} {
	    set w [Next]
	    switch -- [lindex $w 1] {
		noecn {dict set p ecn 0}
		ect0 {dict set p ecn 2}
		ect1 {dict set p ecn 1}
		ce {dict set p ecn 3}
		ect01 {
		    if {$dir ne ">"} {
			SyntaxError $line "\[ect01\] can only be used with\
				outbound packets"
		    }
		    dict set p ecn ect01
		}
		tos {dict set p tos [Int "tos value"]}
		ttl {dict set p ttl [Int "ttl value"]}
		flowlabel {Int}
		, {}
		default {
		    SyntaxError [lindex $w 2] "syntax error: unexpected\
			    '[lindex $w 1]' in IP information"
		}
	    }
	    if {[Is EOF]} {SyntaxError $line "syntax error: unterminated IP information"}
	}
	Next
    }
    foreach kw {udp icmp ipv4 ipv6 gre mpls GREv0 encap} {
	if {[Is WORD $kw]} {
	    return -code error -errorcode [list PACKETDRILL UNSUPPORTED $line] \
		"$line: $kw packets are not modelled"
	}
    }
    # Ports: "1234>80:"
    if {[Is INTEGER] && [IsCharAt 1 >]} {
	dict set p sport [Int]
	Next
	dict set p dport [Int]
	Expect CHAR : "':'"
    }
    # Flags.
    set flags ""
    if {[IsChar .]} {
	Next
	set flags .
    } elseif {[IsChar -]} {
	Next
    } elseif {[Is WORD]} {
	set flags [lindex [Next] 1]
	if {[IsChar .]} {
	    Next
	    append flags .
	}
    } else {
	set w [Peek]
	SyntaxError [lindex $w 2] "syntax error: expected TCP flags, found\
		'[lindex $w 1]'"
    }
    foreach c [split $flags ""] {
	if {$c ni {S F R P . U E W}} {
	    SyntaxError $line "unknown TCP flag '$c'"
	}
    }
    dict set p flags $flags
    # start:end(len)
    set start [Int "sequence number"]
    Expect CHAR : "':'"
    set end [Int "sequence number"]
    Expect CHAR ( "'('"
    set len [Int "payload length"]
    Expect CHAR ) "')'"
    if {$start < 0 || $start > 0xffffffff} {
	SyntaxError $line "TCP start sequence number out of range"
    }
    if {$end < 0 || $end > 0xffffffff} {
	SyntaxError $line "TCP end sequence number out of range"
    }
    if {$len < 0 || $len > 65535} {
	SyntaxError $line "TCP payload size out of range"
    }
    if {$end != $start + $len} {
	SyntaxError $line "inconsistent TCP sequence numbers and payload size"
    }
    dict set p seq $start
    dict set p len $len
    if {[Is WORD ack]} {
	Next
	set a [Int "ack number"]
	if {$a < 0 || $a > 0xffffffff} {
	    SyntaxError $line "TCP ack sequence number out of range"
	}
	dict set p ack $a
    }
    if {[Is WORD win]} {
	Next
	set w [Int "window"]
	if {$w < 0 || $w > 65535} {
	    SyntaxError $line "TCP window value out of range"
	}
	dict set p win $w
    }
    if {[Is WORD urg]} {
	Next
	dict set p urg [Int "urgent pointer"]
    }
    if {[IsChar <]} {
	Next
	if {[Is ELLIPSIS]} {
	    Next
	    Expect CHAR > "'>'"
	    if {$dir ne ">"} {
		SyntaxError $line "<...> for TCP options can only be used with\
			outbound packets"
	    }
	    dict set p options ...
	} else {
	    dict set p options [ParseOptions $line]
	}
    }
    return $p
}

proc ::tcplab::packetdrill::IsCharAt {k c} {
    set t [Peek $k]
    expr {[lindex $t 0] eq "CHAR" && [lindex $t 1] eq $c}
}

proc ::tcplab::packetdrill::ParseOptions {line} {
    set opts {}
    while 1 {
	set t [Next]
	set w [lindex $t 1]
	switch -- $w {
	    nop {lappend opts nop}
	    eol {lappend opts eol}
	    sackOK {lappend opts sackOK}
	    mss {
		set v [Int "mss value"]
		if {$v < 0 || $v > 65535} {SyntaxError $line "mss value out of range"}
		lappend opts [list mss $v]
	    }
	    wscale {
		set v [Int "window scale"]
		if {$v < 0 || $v > 255} {
		    SyntaxError $line "window scale shift count out of range"
		}
		lappend opts [list wscale $v]
	    }
	    TS {
		Expect WORD val "'val'"
		set v [Int "ts val"]
		Expect WORD ecr "'ecr'"
		set e [Int "ts ecr"]
		lappend opts [list ts $v $e]
	    }
	    sack {
		set blocks {}
		while {[Is INTEGER] && [IsCharAt 1 :]} {
		    set l [Int]
		    Next
		    set r [Int]
		    lappend blocks $l $r
		}
		if {![llength $blocks]} {
		    SyntaxError $line "syntax error: expected SACK blocks"
		}
		lappend opts [list sack $blocks]
	    }
	    FO - FOEXP {
		# Fast Open (RFC 7413), kind 34, or the experimental kind 254
		# with magic 0xF989: an optional cookie in hex digits (or a
		# name -D defines).  The bytes only: a simulated host reports
		# the option as not modelled when the script runs.
		set cookie ""
		if {[Is WORD] || [Is INTEGER]} {
		    set cookie [lindex [Next] 1]
		}
		if {[string is xdigit $cookie] && [string length $cookie] % 2} {
		    SyntaxError [lindex $t 2] "TCP fast open cookie has an odd\
			    number of digits"
		}
		lappend opts [list [string tolower $w] $cookie]
	    }
	    md5 - ECN {
		set name [dict get {md5 MD5 ECN AccECN} $w]
		return -code error -errorcode [list PACKETDRILL UNSUPPORTED \
			[lindex $t 2]] \
		    "[lindex $t 2]: the $name option ($w) is not modelled"
	    }
	    default {
		SyntaxError [lindex $t 2] "syntax error: unknown TCP option\
			'$w'"
	    }
	}
	if {[IsChar ,]} {
	    Next
	    continue
	}
	Expect CHAR > "',' or '>'"
	break
    }
    return $opts
}

# System calls: name(args) = result ?ERRNO (note)?; "...time" before the
# name marks a blocking call and when it returns.
proc ::tcplab::packetdrill::ParseSyscall {} {
    set sc [dict create end {} name {} args {} result {} errno {} note {}]
    if {[Is ELLIPSIS]} {
	Next
	dict set sc end [Time]
    }
    set t [Expect WORD "" "a system call name"]
    dict set sc name [lindex $t 1]
    dict set sc line [lindex $t 2]
    Expect CHAR ( "'('"
    set args {}
    if {![IsChar )]} {
	lappend args [ParseExpr]
	while {[IsChar ,]} {
	    Next
	    lappend args [ParseExpr]
	}
    }
    Expect CHAR ) "')'"
    dict set sc args $args
    Expect CHAR = "'='"
    dict set sc result [ParseExpr]
    if {[Is WORD] && [regexp {^E[A-Z]+$} [lindex [Peek] 1]]} {
	dict set sc errno [lindex [Next] 1]
	if {[IsChar (]} {
	    dict set sc note [ParseNote]
	}
    } elseif {[IsChar (]} {
	dict set sc note [ParseNote]
    }
    return $sc
}

proc ::tcplab::packetdrill::ParseNote {} {
    Next
    set words {}
    while {![IsChar )]} {
	if {[Is EOF]} {SyntaxError [lindex [Peek] 2] "syntax error: unterminated note"}
	lappend words [lindex [Next] 1]
    }
    Next
    join $words " "
}

# Expressions become tagged lists: {int N} {word W} {str S} {... } {list L}
# {struct {{name expr} ...}} {or A B} {call name args}.
proc ::tcplab::packetdrill::ParseExpr {} {
    set e [ParseTerm]
    while {[IsChar |]} {
	Next
	set e [list or $e [ParseTerm]]
    }
    return $e
}

proc ::tcplab::packetdrill::ParseTerm {} {
    set t [Peek]
    lassign $t type text line
    switch -- $type {
	ELLIPSIS {Next; return [list ...]}
	INTEGER - HEX_INTEGER {Next; return [list int [expr {$text + 0}]]}
	STRING {Next; return [list str [subst -nocommands -novariables \
		[string range $text 1 end-1]]]}
	WORD {
	    Next
	    if {[IsChar (]} {
		# htons(8080), inet_addr("..."), msg_iov(1) and the like.
		Next
		set args {}
		if {![IsChar )]} {
		    lappend args [ParseExpr]
		    while {[IsChar ,]} {Next; lappend args [ParseExpr]}
		}
		Expect CHAR ) "')'"
		set call [list call $text $args]
		if {[IsChar =]} {
		    Next
		    return [list field $call [ParseExpr]]
		}
		return $call
	    }
	    if {[IsChar =]} {
		Next
		return [list field [list word $text] [ParseExpr]]
	    }
	    return [list word $text]
	}
	CHAR {
	    if {$text eq "\["} {
		Next
		set l {}
		if {![IsChar \]]} {
		    lappend l [ParseExpr]
		    while {[IsChar ,]} {Next; lappend l [ParseExpr]}
		}
		Expect CHAR \] "']'"
		return [list list $l]
	    }
	    if {$text eq "\{"} {
		Next
		set l {}
		if {![IsChar \}]} {
		    lappend l [ParseExpr]
		    while {[IsChar ,]} {Next; lappend l [ParseExpr]}
		}
		Expect CHAR \} "'\}'"
		return [list struct $l]
	    }
	    if {$text eq "-" && [lindex [Peek 1] 0] in {INTEGER HEX_INTEGER}} {
		Next
		set v [Int]
		return [list int [expr {-$v}]]
	    }
	}
    }
    SyntaxError $line "syntax error: unexpected '$text' in expression"
}

# ---------------------------------------------------------------------------
# Running a script.

proc ::tcplab::packetdrill::run {file args} {
    variable R
    set opts [dict create -profile linux -tolerance {} -define {} \
	    -kernel 0 -trace {}]
    for {set i 0} {$i < [llength $args]} {incr i} {
	set o [lindex $args $i]
	switch -- $o {
	    -kernel {dict set opts -kernel 1}
	    -profile - -tolerance - -define - -trace {
		if {$i + 1 >= [llength $args]} {
		    return -code error -errorcode [list TCL WRONGARGS] \
			"missing value for option \"$o\""
		}
		dict set opts $o [lindex $args [incr i]]
	    }
	    default {
		return -code error -errorcode [list TCL LOOKUP INDEX option $o] \
		    "bad option \"$o\": must be -define, -kernel, -profile,\
		    -tolerance, or -trace"
	    }
	}
    }
    set tol [dict get $opts -tolerance]
    if {$tol ne "" && (![string is integer -strict $tol] || $tol < 0)} {
	return -code error -errorcode [list TCPLAB VALUE TOLERANCE] \
	    "bad tolerance \"$tol\": must be a non-negative number of\
	    microseconds"
    }
    if {[dict get $opts -profile] ni [::tcplab::profile names]} {
	return -code error -errorcode [list TCPLAB LOOKUP PROFILE \
		[dict get $opts -profile]] \
	    "unknown profile \"[dict get $opts -profile]\": must be one of\
	    [join [::tcplab::profile names] {, }]"
    }
    if {![file readable $file]} {
	return -code error -errorcode [list POSIX ENOENT \
		{no such file or directory}] \
	    "couldn't read file \"$file\": no such file or directory"
    }
    set f [open $file]
    set text [read $f]
    close $f
    set result [dict create result pass line 0 message "" events 0 \
	    unknown_sysctls {}]
    try {
	set script [ParseText $text [dict get $opts -define]]
    } trap {PACKETDRILL} {msg eo} {
	set line [lindex [dict get $eo -errorcode] 2]
	regsub {^[0-9]+: } $msg {} msg
	return [dict merge $result [dict create result error line $line \
		message $msg]]
    }
    RunScript $file $script $opts $result
}

# Fail, error: stop the run with a verdict.
proc ::tcplab::packetdrill::Fail {line msg} {
    return -level 1 -code error -errorcode [list PACKETDRILL FAIL $line] $msg
}
proc ::tcplab::packetdrill::RunError {line msg} {
    return -level 1 -code error -errorcode [list PACKETDRILL ERROR $line] $msg
}

proc ::tcplab::packetdrill::Trace {msg} {
    variable R
    if {$R(trace) ne ""} {
	puts $R(trace) [format "%9.6f %s" [expr {[Now] / 1e6}] $msg]
    }
}

# Whether a script names addresses of its own or depends on packetdrill's:
# header options, shell commands that reach packetdrill's (192.168.0.0/16,
# 192.0.2.1, the gateway, the device tun0), as the corpus's ip route and
# ethtool lines do, or Fast Open cookies (the kernel computes them from
# the addresses: the corpus's were made for packetdrill's).
proc ::tcplab::packetdrill::NamesAddresses {script} {
    set o [dict get $script options]
    foreach k {local_ip remote_ip gateway_ip netmask_ip} {
	if {[dict exists $o $k]} {
	    return 1
	}
    }
    set evs [dict get $script events]
    foreach k {init cleanup} {
	if {[dict exists $script $k] && [dict get $script $k] ne ""} {
	    lappend evs [dict merge [dict get $script $k] {type command}]
	}
    }
    foreach ev $evs {
	if {[dict get $ev type] eq "command" && [regexp \
		{192\.168\.|192\.0\.2\.|\mtun0\M} [dict get $ev command]]} {
	    return 1
	}
	if {[dict get $ev type] eq "packet"
		&& [dict get $ev packet options] ne "..."} {
	    foreach o [dict get $ev packet options] {
		if {[lindex $o 0] in {fo foexp}} {
		    return 1
		}
	    }
	}
    }
    return 0
}

proc ::tcplab::packetdrill::RunScript {file script opts result} {
    variable R
    array unset R
    set R(trace) [dict get $opts -trace]
    set R(file) $file
    set R(kernel) [dict get $opts -kernel]
    set R(t0) 0
    set R(rate) 0
    set R(ns) {}
    set R(agent) {}
    # Configuration: packetdrill's defaults, then the script's header
    # options, then the caller's -define and -tolerance.
    set cfg [dict create tolerance_usecs 4000 tolerance_percent 12.5 \
	    local_ip 192.168.0.1 remote_ip 192.0.2.1 gateway_ip 192.168.0.2 \
	    netmask_ip 255.255.0.0 bind_port 8080 \
	    connect_port 8080 mss 1460 mtu 1500 tcp_ts_tick_usecs 0 \
	    tcp_ts_ecr_scaled 0]
    dict for {k vals} [dict get $script options] {
	foreach v $vals {
	    switch -- $k {
		define - D {
		    if {[regexp {^([^=]+)=(.*)$} $v -> dn dv]} {
			dict set script defines $dn $dv
		    }
		}
		default {dict set cfg $k $v}
	    }
	}
    }
    if {[dict get $opts -tolerance] ne ""} {
	dict set cfg tolerance_usecs [dict get $opts -tolerance]
	if {[dict get $opts -tolerance] == 0} {
	    dict set cfg tolerance_percent 0
	}
    }
    foreach k {local_ip remote_ip gateway_ip} {
	if {[dict exists $cfg $k] && [string first : [dict get $cfg $k]] >= 0} {
	    return [dict merge $result [dict create result error line 0 \
		    message "IPv6 ($k [dict get $cfg $k]) is not modelled"]]
	}
    }
    if {[dict exists $cfg ip_version] && [dict get $cfg ip_version] ni {ipv4 4}} {
	return [dict merge $result [dict create result error line 0 \
		message "--ip_version=[dict get $cfg ip_version] is not modelled"]]
    }
    if {$R(kernel) && ![NamesAddresses $script]} {
	# Against the kernel, documentation addresses (RFC 5737) unless
	# the script names packetdrill's: the kernel at 192.0.2.1, the
	# script's side 198.51.100.1 through the gateway 192.0.2.2.
	dict set cfg local_ip 192.0.2.1
	dict set cfg remote_ip 198.51.100.1
	dict set cfg gateway_ip 192.0.2.2
	dict set cfg netmask_ip 255.255.255.0
    }
    set R(cfg) $cfg
    set R(defines) [dict merge [dict get $script defines] [dict get $opts -define]]
    if {!$R(kernel)} {
	# Fast Open: a simulated host models the client's side (the option
	# on its SYN, a cookie on the SYN-ACK it gets); a SYN bringing the
	# option to a listener of the host, or a SYN-ACK carrying it from the
	# host, is the server's side, not modelled. (A SYN crossing ours in
	# a simultaneous open may carry it: Linux ignores it there.)
	set listens 0
	foreach ev [dict get $script events] {
	    if {[dict get $ev type] eq "syscall"
		    && [dict get $ev syscall name] eq "listen"} {
		set listens 1
	    }
	}
	foreach ev [dict get $script events] {
	    if {[dict get $ev type] ne "packet"} continue
	    set o [dict get $ev packet options]
	    if {$o eq "..."} continue
	    set fl [dict get $ev packet flags]
	    set dir [dict get $ev packet dir]
	    if {[string first S $fl] < 0 || ($dir eq "<") != ([string first . $fl] < 0)
		    || ($dir eq "<" && !$listens)} {
		continue
	    }
	    foreach k {fo foexp} w {FO FOEXP} name {{Fast Open}
		    {Fast Open (experimental)}} {
		if {[lsearch -index 0 $o $k] >= 0} {
		    return [dict merge $result [dict create result error \
			    line [dict get $ev line] message "the $name\
			    option ($w) on the server's side is not modelled"]]
		}
	    }
	}
    }
    set R(unknown) {}
    set net ""
    try {
	if {$R(kernel)} {
	    set net [KernelSetup]
	} else {
	    set net [::tcplab::network create -seed 1]
	    set R(net) $net
	    set R(sut) sut
	    set R(profile) [dict get $opts -profile]
	    set R(remote) remote
	    $net host create sut -addr [dict get $cfg local_ip]/0 \
		-profile [dict get $opts -profile]
	    $net host create remote -addr [dict get $cfg remote_ip]/0 \
		-profile [dict get $opts -profile]
	    # Linux's RTT samples run from the moment TCP stamps a segment
	    # (__tcp_transmit_skb()) and so include the path down to where
	    # packetdrill's sniffer sees it, from which the script times its
	    # ACK; the larger (GSO) packet takes longer on it. With none of
	    # that, an ACK of a 400-byte retransmission sent one ms after it
	    # measures exactly the min_rtt of a 10000-byte packet ACKed the
	    # same way, a tie the kernel's clock hardly ever makes:
	    # tcp_rack_advance() (net/ipv4/tcp_recovery.c) ignores an ACK of a
	    # retransmission sooner than min_rtt, the kernel's sample falls
	    # below it (tests/pkt/linux-rack-rexmit-acked-tie.pkt: 22 runs of
	    # 23), and eor/no-coalesce-retrans.pkt passes there. A rate on the link
	    # gives a packet that time back in proportion to its length: it
	    # is sniffed as its last frame starts to leave. 1 Tbit/s keeps it
	    # far under the script's microsecond (83 ns for ten 1000-byte
	    # segments) and keeps the order of RTT samples.
	    set R(rate) 1000000000000
	    $net link create tun sut remote -delay 0 -rate $R(rate) \
		-mtu [dict get $cfg mtu]
	    # The kernel under packetdrill faces a tun device, whose driver
	    # gives each frame a kmalloc'd buffer: received segments cost
	    # what the tunable rcv_truesize's tun model says (the ratio of
	    # payload to memory that sizes Linux's windows).
	    if {[sut sysctl rcv_scaling_ratio]} {
		sut sysctl rcv_truesize 1
	    }
	    # The remote side is the script: nothing reaches its own TCP.
	    $net filter add -on remote -dir in -match tcp -action drop
	    $net record start -on sut
	}
	set R(recidx) 0
	set R(fds) {}
	set R(nextfd) 3
	set R(socks) {}
	set R(sut_sock) ""
	set R(listening) 0
	set R(connecting) 0
	set R(infofd) {}
	set R(nextport) 48000
	set R(pending) {}
	set R(codefail) {}
	set R(last) {}
	set R(lasttime) 0
	set R(events) 0
	if {[dict get $script init] ne ""} {
	    RunCommand [dict get $script init line] [dict get $script init command]
	}
	# The script's clock starts after the init command, as packetdrill's;
	# against the kernel, 250 us after a tick of the kernel's jiffies
	# clock, as packetdrill chooses it (run.c schedule_start_time_usecs),
	# so that the kernel's timers (whole jiffies, 4 ms at HZ=250) fall
	# at the same places relative to the script's times as under
	# packetdrill, not at a random phase.
	if {$R(kernel)} {
	    set late [lindex [AgentCall jiffy] 2]
	    set R(t0) [expr {wide(round([$net now] * 1e6)) - $late}]
	} else {
	    set R(t0) [expr {wide(round([$net now] * 1e6))}]
	}
	set first 1
	foreach ev [dict get $script events] {
	    if {$first} {
		if {[dict get $ev timetype] eq "abs" && [dict get $ev time] != 0} {
		    RunError [dict get $ev line] "first event should be at time 0"
		}
		set first 0
	    } elseif {[dict get $ev timetype] in {abs absrange}
		    && [dict get $ev time] < $R(lasttime)
		    && [dict get $R(last) timetype] in {abs absrange}} {
		RunError [dict get $ev line] "time goes backward in script\
			from $R(lasttime) usec to [dict get $ev time] usec"
	    }
	    set ev [AdjustTimes $ev]
	    set R(event) $ev
	    switch -- [dict get $ev type] {
		packet {RunPacket $ev}
		syscall {RunSyscallEvent $ev}
		command {
		    WaitForEvent $ev
		    RunCommand [dict get $ev line] [dict get $ev command]
		}
		code {
		    WaitForEvent $ev
		    RunCode $ev
		}
	    }
	    incr R(events)
	    set R(lasttime) [dict get $ev time]
	    set R(last) $ev
	}
	# A blocking call still in progress finishes (its thread would),
	# and its return time is checked.
	if {[llength $R(pending)]} {
	    if {![PendingReady]} {
		$R(net) run -until {[::tcplab::packetdrill::PendingReady]} \
		    -timeout 2s
	    }
	    if {[PendingReady]} {CompletePending}
	}
	if {[llength $R(codefail)]} {
	    lassign $R(codefail) line msg
	    Fail $line $msg
	}
	dict set result events $R(events)
    } trap {PACKETDRILL FAIL} {msg eo} {
	dict set result result fail
	dict set result line [lindex [dict get $eo -errorcode] 2]
	dict set result message $msg
	dict set result events $R(events)
    } trap {PACKETDRILL ERROR} {msg eo} {
	dict set result result error
	dict set result line [lindex [dict get $eo -errorcode] 2]
	dict set result message $msg
	dict set result events $R(events)
    } finally {
	if {$R(agent) ne ""} {
	    catch {puts $R(agent) quit; flush $R(agent)}
	    catch {close $R(agent)}
	}
	if {[info exists R(net)]} {catch {$R(net) destroy}}
	if {$R(ns) ne ""} {catch {::tcplab::netns delete $R(ns)}}
    }
    dict set result unknown_sysctls $R(unknown)
    return $result
}

proc ::tcplab::packetdrill::Now {} {
    variable R
    expr {wide(round([$R(net) now] * 1e6)) - $R(t0)}
}

proc ::tcplab::packetdrill::IsInbound {ev} {
    expr {$ev ne "" && [dict get $ev type] eq "packet"
	&& [dict get $ev packet dir] eq "<"}
}

# run.c adjust_relative_event_times.
proc ::tcplab::packetdrill::AdjustTimes {ev} {
    variable R
    set tt [dict get $ev timetype]
    if {$tt ni {any rel relrange}} {
	return $ev
    }
    if {[IsInbound $R(last)] && [IsInbound $ev]} {
	set off [dict get $R(last) time]
    } else {
	set off [Now]
    }
    dict set ev offset $off
    dict set ev time [expr {[dict get $ev time] + $off}]
    if {$tt eq "relrange"} {
	dict set ev timeend [expr {[dict get $ev timeend] + $off}]
    }
    if {$tt eq "rel" && [dict get $ev type] eq "syscall"
	    && [dict get $ev syscall end] ne ""} {
	dict set ev syscall end [expr {[dict get $ev syscall end] + $off}]
    }
    return $ev
}

# run.c verify_time: an empty string when on time, else the message.
proc ::tcplab::packetdrill::VerifyTime {ev start end actual last what} {
    variable R
    set tt [dict get $ev timetype]
    if {$tt eq "any"} {return ""}
    set tol [dict get $R(cfg) tolerance_usecs]
    if {$last ne ""} {
	set dyn [expr {[dict get $R(cfg) tolerance_percent] / 100.0
	    * ($start - $last)}]
	if {$dyn > $tol} {set tol [expr {wide($dyn)}]}
    }
    if {$tt in {absrange relrange}} {
	if {$actual < $start - $tol || $actual > $end + $tol} {
	    if {$tt eq "absrange"} {
		return [format "timing error: expected %s in time range\
			%.6f~%.6f sec but happened at %.6f sec" $what \
			[expr {$start/1e6}] [expr {$end/1e6}] [expr {$actual/1e6}]]
	    }
	    set off [dict get $ev offset]
	    return [format "timing error: expected %s in relative time range\
		    +%.6f~+%.6f sec but happened at %+.6f sec" $what \
		    [expr {($start-$off)/1e6}] [expr {($end-$off)/1e6}] \
		    [expr {($actual-$off)/1e6}]]
	}
	return ""
    }
    if {$actual < $start - $tol || $actual > $start + $tol} {
	return [format "timing error: expected %s at %.6f sec but happened\
		at %.6f sec; tolerance %.6f sec" $what [expr {$start/1e6}] \
		[expr {$actual/1e6}] [expr {$tol/1e6}]]
    }
    return ""
}

proc ::tcplab::packetdrill::LastTime {} {
    variable R
    if {$R(last) eq ""} {return ""}
    dict get $R(last) time
}

proc ::tcplab::packetdrill::EventWhat {ev} {
    switch -- [dict get $ev type] {
	packet {
	    expr {[dict get $ev packet dir] eq "<" ? "inbound packet"
		: "outbound packet"}
	}
	syscall {return "system call start"}
	command {return "command"}
	code {return "data collection for code"}
    }
}

# Run the network until the event's time (serving a blocking call that
# may complete meanwhile), then check that we are on time.
proc ::tcplab::packetdrill::WaitForEvent {ev} {
    variable R
    RunTo [dict get $ev time]
    if {$R(events) > 0} {
	set err [VerifyTime $ev [dict get $ev time] [dict get $ev time] [Now] \
		[LastTime] [EventWhat $ev]]
	if {$err ne ""} {Fail [dict get $ev line] $err}
    }
}

proc ::tcplab::packetdrill::RunTo {t} {
    variable R
    if {$R(kernel) && ![llength $R(pending)]} {
	# The wall clock: sleep in the event loop until 2 ms before, then
	# spin (serving the device) to be on time, as packetdrill spins.
	set d [expr {$t - [Now] - 2000}]
	if {$d > 0} {$R(net) run ${d}us}
	while {[Now] < $t} {$R(net) run 0us}
	return
    }
    while {[Now] < $t} {
	set d [expr {$t - [Now]}]
	if {[llength $R(pending)]} {
	    $R(net) run -until {[::tcplab::packetdrill::PendingReady]} \
		-timeout ${d}us
	    if {[PendingReady]} {
		CompletePending
		continue
	    }
	    if {[Now] < $t} {$R(net) run [expr {$t - [Now]}]us}
	} else {
	    $R(net) run ${d}us
	}
    }
    if {[llength $R(pending)] && [PendingReady]} {
	CompletePending
    }
}

# ---------------------------------------------------------------------------
# Packets.

proc ::tcplab::packetdrill::FlagSet {s} {
    # Script or record flags -> canonical sorted letters (A for ACK, C CWR).
    set m {S S F F R R P P . A A A U U E E W C C C}
    set out {}
    foreach c [split $s ""] {
	if {[dict exists $m $c]} {lappend out [dict get $m $c]}
    }
    join [lsort -unique $out] ""
}

proc ::tcplab::packetdrill::FlagText {s} {
    # Canonical letters -> packetdrill's way of printing them.
    set out ""
    foreach c {S F R P} {
	if {[string first $c $s] >= 0} {append out $c}
    }
    if {[string first A $s] >= 0} {append out .}
    foreach {c w} {U U E E C W} {
	if {[string first $c $s] >= 0} {append out $w}
    }
    if {$out eq ""} {set out -}
    return $out
}

proc ::tcplab::packetdrill::OptText {opts} {
    if {$opts eq "..."} {return " <...>"}
    if {![llength $opts]} {return ""}
    set l {}
    foreach o $opts {
	switch -- [lindex $o 0] {
	    mss {lappend l "mss [lindex $o 1]"}
	    wscale {lappend l "wscale [lindex $o 1]"}
	    ts {lappend l "TS val [lindex $o 1] ecr [lindex $o 2]"}
	    fo - foexp {
		lappend l [string trim "[string toupper [lindex $o 0]] [lindex $o 1]"]
	    }
	    sack {
		set b {}
		foreach {x y} [lindex $o 1] {lappend b $x:$y}
		lappend l "sack [join $b { }]"
	    }
	    default {lappend l [lindex $o 0]}
	}
    }
    return " <[join $l ,]>"
}

proc ::tcplab::packetdrill::PacketText {p} {
    set s "[FlagText [FlagSet [dict get $p flags]]] [dict get $p seq]:[expr {
	([dict get $p seq] + [dict get $p len]) & 0xffffffff}]([dict get $p len])"
    if {[string first A [dict get $p flags]] >= 0 || [dict get $p ack] ne ""} {
	if {[dict get $p ack] ne ""} {append s " ack [dict get $p ack]"}
    }
    if {[dict get $p win] ne ""} {append s " win [dict get $p win]"}
    append s [OptText [dict get $p options]]
    return $s
}

proc ::tcplab::packetdrill::OptLen {opts} {
    set n 0
    foreach o $opts {
	switch -- [lindex $o 0] {
	    nop - eol {incr n 1}
	    mss {incr n 4}
	    wscale {incr n 3}
	    sackOK {incr n 2}
	    ts {incr n 10}
	    sack {incr n [expr {2 + 4 * [llength [lindex $o 1]]}]}
	    fo - foexp {incr n [string length [FoBytes $o]]}
	    default {incr n [expr {[llength $o] > 1 ? 2 + [string length [lindex $o 1]] : 2}]}
	}
    }
    return $n
}

# A Fast Open option's bytes on the wire, kind and length included.
proc ::tcplab::packetdrill::FoCookie {c} {
    variable R
    if {![string is xdigit $c] && [info exists R(defines)]
	    && [dict exists $R(defines) $c]} {
	set c [dict get $R(defines) $c]
    }
    if {![string is xdigit $c] || [string length $c] % 2} {
	RunError [dict get $R(event) line] "TCP fast open cookie '$c' is not\
		a valid hex string"
    }
    binary format H* $c
}
proc ::tcplab::packetdrill::FoBytes {o} {
    set data [FoCookie [lindex $o 1]]
    if {[lindex $o 0] eq "foexp"} {
	set data [binary format S 0xf989]$data
	return [binary format cc 254 [expr {2 + [string length $data]}]]$data
    }
    return [binary format cc 34 [expr {2 + [string length $data]}]]$data
}
# A live option in the script's terms: Fast Open bytes as {fo hex}.
proc ::tcplab::packetdrill::FoLive {o} {
    if {[llength $o] != 2 || [lindex $o 0] ni {34 254}} {return $o}
    binary scan [lindex $o 1] H* hex
    if {[lindex $o 0] == 34} {return [list fo $hex]}
    if {[string range $hex 0 3] eq "f989"} {
	return [list foexp [string range $hex 4 end]]
    }
    return $o
}

# The script socket a packet belongs to, created as packetdrill does: an
# inbound SYN toward a listener starts a new connection from a fresh remote
# port; an outbound SYN after connect() is the connecting socket.
proc ::tcplab::packetdrill::SockNew {lport rport} {
    variable R
    set id [llength $R(socks)]
    set R(listening) 0
    lappend R(socks) [dict create lport $lport rport $rport \
	    script_lisn {} live_lisn {} ts_map {} ts_first {} state new \
	    peer_syn {} our_syn {} remote_isn 0 risn_set 0]
    set R(sut_sock) $id
    return $id
}
proc ::tcplab::packetdrill::SockGet {id key} {
    variable R
    dict get [lindex $R(socks) $id] $key
}
proc ::tcplab::packetdrill::SockSet {id key val} {
    variable R
    set s [lindex $R(socks) $id]
    dict set s $key $val
    lset R(socks) $id $s
}

proc ::tcplab::packetdrill::LocalOffset {id {syn 1}} {
    # live = script + offset for our (the host's) sequence space.  As
    # packetdrill's socket.h: numbers on a SYN are absolute, on any other
    # segment relative to the ISN (tcpdump's way).
    set sl [SockGet $id script_lisn]
    set ll [SockGet $id live_lisn]
    if {$ll eq ""} {set ll 0}
    if {$sl eq ""} {set sl $ll}
    if {!$syn} {return $ll}
    expr {($ll - $sl) & 0xffffffff}
}
proc ::tcplab::packetdrill::RemoteOffset {id {syn 1}} {
    # The same for the script's (remote) sequence space: its ISN is the
    # live one, so only non-SYN segments are offset.
    if {$syn} {return 0}
    SockGet $id remote_isn
}

proc ::tcplab::packetdrill::RunPacket {ev} {
    variable R
    set p [dict get $ev packet]
    set line [dict get $ev line]
    if {[dict get $p dir] eq "<"} {
	WaitForEvent $ev
	Inject $ev $p
    } else {
	Sniff $ev $p
    }
}

proc ::tcplab::packetdrill::Inject {ev p} {
    variable R
    set line [dict get $ev line]
    set flags [FlagSet [dict get $p flags]]
    if {$flags eq "S" && ($R(sut_sock) eq "" || $R(listening))} {
	# A SYN toward a listener: a new connection from a fresh port
	# (run_packet.c handle_listen_for_script_packet); a later SYN goes
	# to the socket under test, on the same ports.
	set lport [expr {[dict get $p dport] ? [dict get $p dport] : [BoundPort]}]
	set rport [expr {[dict get $p sport] ? [dict get $p sport] : [incr R(nextport)]}]
	set id [SockNew $lport $rport]
	SockSet $id state passive
    } elseif {$R(sut_sock) eq ""} {
	# No socket yet: a segment to the bound port from a fresh port.
	set lport [expr {[dict get $p dport] ? [dict get $p dport] : [BoundPort]}]
	set rport [expr {[dict get $p sport] ? [dict get $p sport] : [incr R(nextport)]}]
	set id [SockNew $lport $rport]
    } else {
	set id $R(sut_sock)
    }
    set syn [expr {[string first S $flags] >= 0}]
    # The remote ISN: the SYN that opens a passive connection, or the
    # SYN-ACK answering our SYN (run_packet.c); a later SYN changes nothing.
    if {$syn && ![SockGet $id risn_set] && ([SockGet $id state] eq "passive"
	    || ([SockGet $id state] eq "active" && [string first A $flags] >= 0))} {
	SockSet $id remote_isn [dict get $p seq]
	SockSet $id risn_set 1
    }
    set off [LocalOffset $id $syn]
    set seq [expr {([dict get $p seq] + [RemoteOffset $id $syn]) & 0xffffffff}]
    set ack [dict get $p ack]
    if {$ack eq ""} {set ack 0}
    if {[string first A $flags] >= 0} {
	set ack [expr {($ack + $off) & 0xffffffff}]
    }
    set opts {}
    foreach o [dict get $p options] {
	switch -- [lindex $o 0] {
	    sack {
		set b [list sack]
		foreach {x y} [lindex $o 1] {
		    lappend b [list [expr {($x + $off) & 0xffffffff}] \
			    [expr {($y + $off) & 0xffffffff}]]
		}
		lappend opts $b
	    }
	    ts {
		lassign $o - val ecr
		if {[string first A $flags] >= 0} {
		    set map [SockGet $id ts_map]
		    if {[dict exists $map $ecr]} {
			set ecr [dict get $map $ecr]
		    } elseif {[dict get $R(cfg) tcp_ts_ecr_scaled] ne "0"
			    && [SockGet $id ts_first] ne ""} {
			lassign [SockGet $id ts_first] fs fa
			set ecr [expr {($ecr - $fs + $fa) & 0xffffffff}]
		    } else {
			RunError $line "unable to infer live TS ecr for script\
				TS ecr $ecr;  no matching or preceding outbound\
				TS val"
		    }
		}
		lappend opts [list ts $val $ecr]
	    }
	    fo - foexp {
		lappend opts [list [expr {[lindex $o 0] eq "fo" ? 34 : 254}] \
			[string range [FoBytes $o] 2 end]]
	    }
	    default {lappend opts $o}
	}
    }
    if {[string first S $flags] >= 0} {
	SockSet $id peer_syn [dict get $p options]
    }
    set win [dict get $p win]
    if {$win eq ""} {
	RunError $line "inbound packets must specify a window"
    }
    set tos 0
    if {[dict get $p ecn] ne ""} {set tos [dict get $p ecn]}
    if {[dict get $p tos] ne ""} {set tos [dict get $p tos]}
    set data [binary format x[dict get $p len]]
    set wflags [string map {. A W C} [dict get $p flags]]
    set dgram [::tcplab::wire build -src [dict get $R(cfg) remote_ip] \
	    -dst [dict get $R(cfg) local_ip] \
	    -sport [SockGet $id rport] -dport [SockGet $id lport] \
	    -seq $seq -ack $ack -flags $wflags -win $win \
	    -urp [dict get $p urg] -options $opts -data $data -tos $tos]
    Trace "inject [PacketText $p]"
    $R(remote) inject $dgram
    # Deliver it now: the device hands it to the stack at once (after its
    # time on the link's rate, under a nanosecond for an ACK).
    if {$R(rate)} {
	$R(net) run [expr {[string length $dgram] * 8 * 1000000000
	    / $R(rate)}]ns
    } else {
	$R(net) run 0us
    }
}

proc ::tcplab::packetdrill::BoundPort {} {
    variable R
    foreach {fd s} $R(fds) {
	if {[dict exists $s port] && [dict get $s port] ne ""} {
	    return [dict get $s port]
	}
    }
    dict get $R(cfg) bind_port
}

# The next segment the host sent to the script, or "" (not yet).
proc ::tcplab::packetdrill::NextCaptured {} {
    variable R
    set recs [$R(net) record get]
    while {$R(recidx) < [llength $recs]} {
	set r [lindex $recs $R(recidx)]
	if {[dict get $r src] ne [dict get $R(cfg) local_ip]} {
	    incr R(recidx)
	    continue
	}
	return $r
    }
    return ""
}

proc ::tcplab::packetdrill::Sniff {ev p} {
    variable R
    set line [dict get $ev line]
    if {[info exists R(iptos)] && $R(iptos) != 0} {
	RunError $line "segments sent with IP_TOS $R(iptos) are not modelled"
    }
    set want [dict get $p len]
    # packetdrill waits 2 s past the expected time.
    set tt [dict get $ev timetype]
    set deadline [expr {[dict get $ev time] + 2000000}]
    if {$tt in {absrange relrange}} {
	set deadline [expr {[dict get $ev timeend] + 2000000}]
    }
    if {$tt eq "any"} {set deadline [expr {[Now] + 3600000000}]}
    set got {}
    set total 0
    while 1 {
	set r [NextCaptured]
	if {$r eq ""} {
	    if {[Now] >= $deadline} {
		if {[llength $got]} {
		    Fail $line "live packet payload: expected $want bytes vs\
			    actual $total bytes"
		}
		Fail $line "timed out waiting for packet\nscript packet:\
			[format %9.6f [expr {[dict get $ev time]/1e6}]]\
			[PacketText $p]"
	    }
	    if {[llength $R(pending)]} {
		$R(net) run -until {[::tcplab::packetdrill::NextCaptured] ne ""
		    || [::tcplab::packetdrill::PendingReady]} \
		    -timeout [expr {$deadline - [Now]}]us
		if {[PendingReady]} {
		    # The call returned: look for the packet again, not past
		    # it (it may have left at the same moment).
		    CompletePending
		    continue
		}
	    } else {
		$R(net) run -until {[::tcplab::packetdrill::NextCaptured] ne ""} \
		    -timeout [expr {$deadline - [Now]}]us
	    }
	    if {[NextCaptured] eq "" && [Now] < $deadline} {
		$R(net) run [expr {$deadline - [Now]}]us
	    }
	    continue
	}
	incr R(recidx)
	# Which script socket: by ports, or a SYN of a pending connect.
	set id [FindSock $r]
	if {$id eq ""} {
	    Trace "ignored [dict get $r flags] [dict get $r sport]>[dict get $r dport]"
	    continue
	}
	if {$id ne $R(sut_sock) && $R(sut_sock) ne ""} {
	    Fail $line "packet is not for expected socket"
	}
	lappend got $r
	incr total [dict get $r len]
	# Segments the host split are put together until the script's
	# length is reached (run_packet.c do_outbound_script_packet), but
	# not with --strict_segments.
	if {$total >= $want || [dict exists $R(cfg) strict_segments]} break
    }
    if {$total != $want} {
	Fail $line "live packet payload: expected $want bytes vs actual\
		$total bytes\nscript packet: [format %9.6f [expr {[dict get $ev time]/1e6}]]\
		[PacketText $p]"
    }
    Verify $ev $p $id $got
}

proc ::tcplab::packetdrill::FindSock {r} {
    variable R
    set fl [FlagSet [dict get $r flags]]
    set syn [expr {[string first S $fl] >= 0 && [string first A $fl] < 0}]
    # The first SYN after a connect() is the connecting socket's, even on
    # the ports of an earlier one (a kernel may pick the same port again).
    set i [expr {$syn && $R(connecting) ? [llength $R(socks)] : 0}]
    foreach s [lrange $R(socks) $i end] {
	if {[dict get $s lport] == [dict get $r sport]
		&& [dict get $s rport] == [dict get $r dport]} {
	    # After a connect() (or sendto() with MSG_FASTOPEN) the socket
	    # under test is the connecting one: packetdrill's
	    # run_syscall_connect() makes it so, and sniffing passes over
	    # segments of the sockets before it (find_socket_for_live_packet()
	    # looks at the socket under test alone).
	    if {$R(connecting) && !$syn} {return ""}
	    # Only the socket under test is looked at: others' segments pass
	    # unseen.
	    if {$R(sut_sock) ne "" && $i != $R(sut_sock) && !$syn} {return ""}
	    return $i
	}
	incr i
    }
    if {$syn} {
	# A SYN from a connect() call (ECE and CWR may be on it).
	set R(connecting) 0
	set id [SockNew [dict get $r sport] [dict get $r dport]]
	SockSet $id state active
	return $id
    }
    return ""
}

proc ::tcplab::packetdrill::Verify {ev p id got} {
    variable R
    set line [dict get $ev line]
    set r [lindex $got 0]
    set flags [FlagSet [dict get $r flags]]
    set flags0 $flags
    set sflags [FlagSet [dict get $p flags]]
    # ISN mapping: the first SYN of our side fixes it.
    if {[string first S $flags] >= 0 && [string first S $sflags] >= 0
	    && [SockGet $id script_lisn] eq ""} {
	SockSet $id script_lisn [dict get $p seq]
	SockSet $id live_lisn [dict get $r seq]
	SockSet $id our_syn [dict get $r options]
    }
    set syn [expr {[string first S $flags] >= 0}]
    set off [LocalOffset $id $syn]
    set roff [RemoteOffset $id $syn]
    set len 0
    foreach g $got {incr len [dict get $g len]}
    # Aggregated segments (TSO): flags of the last, as the kernel would.
    # (packet.c aggregate_packets: the headers of the last, the sequence
    # number and CWR of the first).
    if {[llength $got] > 1} {
	set last [lindex $got end]
	set flags [string map {C {}} [FlagSet [dict get $last flags]]]
	if {[string first C $flags0] >= 0} {set flags [FlagSet ${flags}C]}
	set r [dict merge $last [dict create seq [dict get $r seq]]]
    }
    set aseq [expr {([dict get $r seq] - $off) & 0xffffffff}]
    set aack [expr {([dict get $r ack] - $roff) & 0xffffffff}]
    set aopts {}
    foreach o [dict get $r options] {
	switch -- [lindex $o 0] {
	    ts {
		lassign $o - val ecr
		# run_packet.c map_outbound_live_packet: remember the val.
		set sopt [lsearch -inline -index 0 [expr {[dict get $p options] eq "..."
		    ? {} : [dict get $p options]}] ts]
		if {$sopt ne ""} {
		    set sval [lindex $sopt 1]
		    set map [SockGet $id ts_map]
		    dict set map $sval $val
		    SockSet $id ts_map $map
		    if {[SockGet $id ts_first] eq ""} {
			SockSet $id ts_first [list $sval $val]
		    }
		    lassign [SockGet $id ts_first] fs fa
		    set val [expr {($fs + ($val - $fa)) & 0xffffffff}]
		}
		lappend aopts [list ts $val $ecr]
	    }
	    sack {
		set b {}
		foreach blk [lrange $o 1 end] {
		    foreach x $blk {lappend b $x}
		}
		lappend aopts [list sack $b]
	    }
	    default {lappend aopts [FoLive $o]}
	}
    }
    set actual [dict create flags $flags seq $aseq len $len \
	    ack [expr {[string first A $flags] >= 0 ? $aack : ""}] \
	    win [dict get $r win] options $aopts]
    set atime [expr {wide(round([dict get $r time] * 1e6)) - $R(t0)}]
    set dump "\nscript packet: [format %9.6f [expr {[dict get $ev time]/1e6}]]\
	    [PacketText $p]\nactual packet: [format %9.6f [expr {$atime/1e6}]]\
	    [PacketText $actual]"
    set nocheck [expr {[dict get $p options] eq "..."}]
    set checks {}
    if {!$nocheck} {
	lappend checks ipv4_total_length \
	    [expr {40 + [OptLen [dict get $p options]] + [dict get $p len]}] \
	    [expr {40 + [OptLen $aopts] + $len}]
	lappend checks tcp_data_offset \
	    [expr {(20 + [OptLen [dict get $p options]]) / 4}] \
	    [expr {(20 + [OptLen $aopts]) / 4}]
    } else {
	lappend checks ipv4_total_length [expr {40 + [dict get $p len]}] \
	    [expr {40 + $len}]
    }
    foreach {name bit} {tcp_fin F tcp_syn S tcp_rst R tcp_psh P tcp_ack A
	    tcp_urg U tcp_ece E tcp_cwr C} {
	lappend checks $name [expr {[string first $bit $sflags] >= 0}] \
	    [expr {[string first $bit $flags] >= 0}]
    }
    lappend checks tcp_seq [dict get $p seq] $aseq
    if {[string first A $sflags] >= 0} {
	set sack [dict get $p ack]
	if {$sack eq ""} {set sack 0}
	lappend checks tcp_ack_seq $sack $aack
    }
    if {[dict get $p win] ne ""} {
	lappend checks tcp_window [dict get $p win] [dict get $r win]
    }
    lappend checks tcp_urg_ptr [dict get $p urg] [dict get $r urp]
    # ECN codepoint (record's tos field).
    set ecn [dict get $p ecn]
    if {$ecn ne "" && [dict exists $r tos]} {
	set a [expr {[dict get $r tos] & 3}]
	if {$ecn eq "ect01"} {
	    if {$a != 1 && $a != 2} {
		Fail $line "live packet field ip_ecn: expected: 0x1 or 0x2 vs\
			actual: 0x[format %x $a]$dump"
	    }
	} else {
	    lappend checks ip_ecn $ecn $a
	}
    }
    foreach {name e a} $checks {
	if {$e != $a} {
	    Fail $line [format "live packet field %s: expected: %u (0x%x) vs\
		    actual: %u (0x%x)%s" $name $e $e $a $a $dump]
	}
    }
    if {!$nocheck} {
	set sopts [dict get $p options]
	if {[llength $sopts] != [llength $aopts]} {
	    Fail $line "bad outbound TCP options$dump"
	}
	foreach so $sopts ao $aopts {
	    if {[lindex $so 0] ne [lindex $ao 0]} {
		Fail $line "bad outbound TCP options$dump"
	    }
	    switch -- [lindex $so 0] {
		nop - eol {}
		ts {
		    set tick [dict get $R(cfg) tcp_ts_tick_usecs]
		    if {$tick} {
			# run_packet.c verify_outbound_tcp_option: the
			# tolerance grows with the time since the script
			# started, not since the last event.
			set tol [dict get $R(cfg) tolerance_usecs]
			set dyn [expr {wide([dict get $R(cfg) tolerance_percent]
			    / 100.0 * [dict get $ev time])}]
			if {$dyn > $tol} {set tol $dyn}
			set d [expr {abs([lindex $ao 1] - [lindex $so 1]) * $tick}]
			if {$d > $tol} {
			    Fail $line "bad outbound TCP timestamp value,\
				    tolerance $tol$dump"
			}
		    }
		}
		sack {
		    set b {}
		    foreach x [lindex $ao 1] {
			lappend b [expr {($x - $roff) & 0xffffffff}]
		    }
		    if {$b ne [lindex $so 1]} {
			Fail $line "bad value in outbound TCP option (kind=5):\
				expected: [OptText [list $so]] actual:\
				[OptText [list [list sack $b]]]$dump"
		    }
		}
		fo - foexp {
		    binary scan [FoCookie [lindex $so 1]] H* want
		    if {$want ne [lindex $ao 1]} {
			set kind [expr {[lindex $so 0] eq "fo" ? 34 : 254}]
			set what [expr {[string length $want]
			    == [string length [lindex $ao 1]] ? "value" : "length"}]
			Fail $line "bad $what in outbound TCP option\
				(kind=$kind): expected: [string trim [OptText [list $so]] { <>}]\
				actual: [string trim [OptText [list $ao]] { <>}]$dump"
		    }
		}
		default {
		    if {$so ne $ao} {
			set kind [dict get {mss 2 wscale 3 sackOK 4} [lindex $so 0]]
			Fail $line "bad value in outbound TCP option\
				(kind=$kind): expected: [string trim [OptText [list $so]] { <>}]\
				actual: [string trim [OptText [list $ao]] { <>}]$dump"
		    }
		}
	    }
	}
    }
    set err [VerifyTime $ev [dict get $ev time] \
	    [expr {[dict exists $ev timeend] ? [dict get $ev timeend] : 0}] \
	    $atime [LastTime] "outbound packet"]
    if {$err ne ""} {Fail $line "$err$dump"}
    Trace "sniffed [PacketText $actual]"
}

# ---------------------------------------------------------------------------
# Commands: sysctls and the corpus's helper scripts.

proc ::tcplab::packetdrill::RunCommand {line cmd} {
    variable R
    if {$R(kernel)} {
	KernelCommand $line $cmd
	return
    }
    # Split into simple commands at newlines, ';' and '&&'.
    set cmd [string map [list "&&" "\n" ";" "\n"] $cmd]
    foreach c [split $cmd \n] {
	set c [string trim $c]
	if {$c eq "" || [string index $c 0] eq "#"} continue
	regsub {\s*[0-9]*>.*$} $c {} c
	set words [ShellWords $c]
	set prog [file tail [lindex $words 0]]
	switch -glob -- $prog {
	    defaults.sh {DefaultsSh $line [lindex $words 0]}
	    sysctl {
		foreach w [lrange $words 1 end] {
		    if {[string match -* $w]} continue
		    if {[regexp {^([^=]+)=(.*)$} $w -> k v]} {
			SetSysctl $line $k $v
		    }
		}
	    }
	    set_sysctls.py {
		foreach w [lrange $words 1 end] {
		    if {[regexp {^([^=]+)=(.*)$} $w -> k v]} {
			if {![string match net.* $k] && [string match /proc/sys/* $k]} {
			    set k [string map {/ .} [string range $k 10 end]]
			}
			SetSysctl $line $k $v
		    }
		}
	    }
	    ip {IpCommand $line [lrange $words 1 end]}
	    ethtool {
		# Offloads: the simulated interface sends each segment as it
		# is (no TSO/GSO to turn off).
	    }
	    tc {TcCommand $line [lrange $words 1 end]}
	    sysctl_restore* - echo - true - sleep {}
	    default {
		lappend R(unknown) "command: $c"
	    }
	}
    }
}

# `ip route add|change|replace ADDR ... mtu [lock] N advmss N initcwnd N`:
# the route's metrics on the host under test (Linux sets all of a route's
# metrics anew on each change: one not named goes back to the default).
# Other ip commands change nothing modelled.
proc ::tcplab::packetdrill::IpCommand {line words} {
    variable R
    if {[lindex $words 0] eq "tcp_metrics" && [lindex $words 1] eq "flush"} {
	# The Fast Open cookies (and MSSs) Linux keeps in tcp_metrics.
	$R(sut) fastopen flush
	return
    }
    if {[lindex $words 0] ni {route r ro rou rout}
	    || [lindex $words 1] ni {add change replace chg}} {
	return
    }
    set dst [lindex $words 2]
    if {![regexp {^(\d+\.\d+\.\d+\.\d+)(?:/32)?$} $dst -> dst]} {
	lappend R(unknown) "command: ip [join $words]"
	return
    }
    set m {-mtu 0 -lock 0 -advmss 0 -initcwnd 0}
    for {set i 3} {$i < [llength $words]} {incr i} {
	set w [lindex $words $i]
	switch -- $w {
	    mtu - advmss - initcwnd {
		set v [lindex $words [incr i]]
		if {$v eq "lock"} {
		    if {$w eq "mtu"} {dict set m -lock 1}
		    set v [lindex $words [incr i]]
		}
		dict set m -$w $v
	    }
	    via - dev - src - proto - scope - table - metric {incr i}
	}
    }
    $R(sut) route $dst {*}$m
}

# `tc qdisc add|replace dev DEV root pfifo limit N`, `tc qdisc
# del|delete dev DEV root`: the queueing discipline of the host under test
# (`$host qdisc`). A pfifo of no room refuses every packet the host sends
# (NET_XMIT_DROP), as the corpus uses it to stand for a congested device;
# one with room, the default one after a delete, and fq (its pacing is not
# modelled, and reported as unknown) take every packet, since the device
# behind them (tun0) sends each at once. Other forms are an error naming
# them.
proc ::tcplab::packetdrill::TcCommand {line words} {
    variable R
    set text "tc [join $words]"
    if {[lindex $words 0] ni {qdisc qd q}} {
	RunError $line "command not modelled: $text"
    }
    set verb [lindex $words 1]
    set rest [lrange $words 2 end]
    if {[lindex $rest 0] eq "dev"} {set rest [lrange $rest 2 end]}
    if {[lindex $rest 0] ne "root"} {
	RunError $line "command not modelled: $text (only a device's root\
		qdisc is)"
    }
    set rest [lrange $rest 1 end]
    switch -- $verb {
	del - delete {
	    if {[llength $rest]} {
		RunError $line "command not modelled: $text"
	    }
	    $R(sut) qdisc pass
	}
	add - replace - change {
	    switch -- [lindex $rest 0] {
		pfifo - bfifo {
		    if {[llength $rest] == 1} {
			$R(sut) qdisc pass
		    } elseif {[llength $rest] == 3 && [lindex $rest 1] eq "limit"
			    && [string is integer -strict [lindex $rest 2]]
			    && [lindex $rest 2] >= 0} {
			$R(sut) qdisc [expr {[lindex $rest 2] == 0
				? "drop" : "pass"}]
		    } else {
			RunError $line "command not modelled: $text"
		    }
		}
		fq - pfifo_fast - fq_codel {
		    if {[lindex $rest 0] eq "fq"} {
			lappend R(unknown) "command: $text (pacing)"
		    }
		    $R(sut) qdisc pass
		}
		default {
		    RunError $line "command not modelled: $text (qdisc\
			    [lindex $rest 0])"
		}
	    }
	}
	default {
	    RunError $line "command not modelled: $text"
	}
    }
}

proc ::tcplab::packetdrill::ShellWords {s} {
    set out {}
    foreach w [regexp -all -inline {(?:"[^"]*"|'[^']*'|\S)+} $s] {
	lappend out [string map {\" "" ' ""} $w]
    }
    return $out
}

# packetdrill's common/defaults.sh: its sysctl lines, read from the file
# the script names (or the nearest common/ above the script); without the
# file, the values it sets.
proc ::tcplab::packetdrill::DefaultsSh {line path} {
    variable R
    set dir [file dirname [file normalize $R(file)]]
    set f [file join $dir $path]
    if {![file exists $f]} {
	regsub {^(?:\.\./)+} $path {} rest
	set d $dir
	while {[file dirname $d] ne $d} {
	    if {[file exists [file join $d $rest]]} {
		set f [file join $d $rest]
		break
	    }
	    set d [file dirname $d]
	}
    }
    if {[file exists $f] && ![catch {open $f} ch]} {
	set text [read $ch]
	close $ch
	foreach l [split $text \n] {
	    if {[regexp {^\s*sysctl\s} $l]} {RunCommand $line $l}
	}
	return
    }
    foreach {k v} {
	net.ipv4.tcp_rmem {4096 540000 15728640}
	net.ipv4.tcp_wmem {4096 262144 4194304}
	net.ipv4.tcp_timestamps 1
	net.ipv4.tcp_syn_retries 5
	net.ipv4.tcp_synack_retries 5
	net.ipv4.tcp_sack 1
    } {
	SetSysctl $line $k $v
    }
}

proc ::tcplab::packetdrill::SetSysctl {line k v} {
    variable R
    variable sysctlmap
    set k [string map {/ .} $k]
    set v [string trim $v "\"'"]
    if {[regexp {\$\(\((.*)\)\)} $v -> e]} {
	regsub {\$\(\((.*)\)\)} $v [expr $e] v
    }
    if {[dict exists $sysctlmap $k]} {
	$R(sut) sysctl [dict get $sysctlmap $k] $v
	return
    }
    switch -- $k {
	net.ipv4.tcp_rmem {
	    # Linux sizes the receive buffer from tcp_rmem[1] and its window
	    # scale from tcp_rmem[2] (tcp_select_initial_window: ilog2 of the
	    # space less 15, within 0..14).
	    lassign $v lo def hi
	    # A profile that counts buffer memory: rcvbuf is the window of
	    # tcp_rmem[1] bytes at its ratio.
	    set ratio [$R(sut) sysctl rcv_scaling_ratio]
	    $R(sut) sysctl rcvbuf [expr {$ratio ? max(512, $def * $ratio / 256)
		: $def}]
	    # The initial window comes from tcp_full_space() of tcp_rmem[1]
	    # at the default scaling ratio, one half (tunable rcv_space_init).
	    if {[dict get [::tcplab::profile show $R(profile)] \
		    rcv_space_init]} {
		$R(sut) sysctl rcv_space_init [expr {$def / 2}]
	    }
	    # tcp_rmem[2] also caps receive-buffer autotuning.
	    if {[$R(sut) sysctl rcv_scaling_ratio]} {
		$R(sut) sysctl tcp_rmem_max [expr {min($hi, 1 << 30)}]
	    }
	    set ws [expr {max(0, min(14, int(floor(log($hi) / log(2))) - 15))}]
	    $R(sut) sysctl rcv_wscale $ws
	}
	net.ipv4.tcp_wmem {
	    lassign $v lo def hi
	    $R(sut) sysctl sndbuf $def
	}
	net.ipv4.tcp_slow_start_after_idle {
	    # 0 turns the restart off; otherwise the profile's own.
	    $R(sut) sysctl slow_start_after_idle [expr {$v == 0 ? 0
		: [dict get [::tcplab::profile show $R(profile)] \
		    slow_start_after_idle]}]
	}
	net.ipv4.tcp_congestion_control {
	    # Linux's reno is Reno's increase on TCP's own NewReno and SACK
	    # recovery: the module newreno here.
	    $R(sut) sysctl tcp_congestion_control \
		[expr {$v eq "reno" ? "newreno" : $v}]
	}
	default {
	    if {$k ni $R(unknown)} {lappend R(unknown) $k}
	}
    }
}

# ---------------------------------------------------------------------------
# System calls on the host under test.

proc ::tcplab::packetdrill::Sym {name {line 0}} {
    variable R
    variable symbols
    if {[dict exists $R(defines) $name]} {
	return [dict get $R(defines) $name]
    }
    if {[dict exists $symbols $name]} {
	return [dict get $symbols $name]
    }
    if {[info exists R(callname)] && $R(callname) ne ""} {
	RunError $line "runtime error in $R(callname) call: symbol $name is\
		not modelled"
    }
    RunError $line "unknown symbol '$name'"
}

proc ::tcplab::packetdrill::Eval {e {line 0}} {
    switch -- [lindex $e 0] {
	int {return [lindex $e 1]}
	word {return [Sym [lindex $e 1] $line]}
	or {return [expr {[Eval [lindex $e 1] $line] | [Eval [lindex $e 2] $line]}]}
	... {return ...}
	str {return [lindex $e 1]}
	list {
	    set l {}
	    foreach x [lindex $e 1] {lappend l [Eval $x $line]}
	    return $l
	}
	call {
	    switch -- [lindex $e 1] {
		htons - htonl - ntohs {return [Eval [lindex $e 2 0] $line]}
		inet_addr {return [Eval [lindex $e 2 0] $line]}
	    }
	    return $e
	}
	default {return $e}
    }
}

proc ::tcplab::packetdrill::ErrnoNum {name} {
    variable errnos
    if {[dict exists $errnos $name]} {return [dict get $errnos $name]}
    return -1
}
proc ::tcplab::packetdrill::ErrnoName {num} {
    variable errnos
    dict for {k v} $errnos {
	if {$v == $num && $k ne "EWOULDBLOCK"} {return $k}
    }
    return "errno $num"
}

proc ::tcplab::packetdrill::RunSyscallEvent {ev} {
    variable R
    set sc [dict get $ev syscall]
    set line [dict get $ev line]
    # Wait for a blocking call in progress to finish (packetdrill's
    # await_idle_thread gives it 1 s; virtual time gives it its script
    # time).
    if {[llength $R(pending)]} {
	RunTo [dict get $ev time]
	if {[llength $R(pending)]} {
	    $R(net) run -until {[::tcplab::packetdrill::PendingReady]} -timeout 1s
	    if {[PendingReady]} {
		CompletePending
	    } else {
		RunError $line "runtime error in [dict get $sc name] call:\
			blocking system call while another blocking system\
			call is already in progress"
	    }
	}
    }
    WaitForEvent $ev
    set name [dict get $sc name]
    set sys [expr {$R(kernel) ? "KSys" : "Sys_$name"}]
    if {!$R(kernel) && [info commands ::tcplab::packetdrill::Sys_$name] eq ""} {
	RunError $line "runtime error in $name call: system call $name is\
		not modelled"
    }
    set R(callline) $line
    set R(callname) $name
    set args {}
    foreach a [dict get $sc args] {lappend args [Eval $a $line]}
    set st [dict create]
    set r [$sys $sc $args st]
    if {[lindex $r 0] eq "block"} {
	if {[dict get $sc end] ne ""} {
	    set R(pending) [list $ev [lindex $r 1] $st]
	    Trace "$name blocks"
	    return
	}
	# A call the script did not mark blocking: it blocks the script.
	set R(pending) [list $ev [lindex $r 1] $st]
	$R(net) run -until {[::tcplab::packetdrill::PendingReady]} \
	    -timeout [expr {$R(kernel) ? "30s" : "600s"}]
	if {![PendingReady]} {
	    RunError $line "runtime error in $name call: the call blocked and\
		    did not return (a blocking call needs ...)"
	}
	set R(pending) {}
	set r [$sys $sc $args st]
    }
    CheckResult $ev $r
}

proc ::tcplab::packetdrill::PendingReady {} {
    variable R
    if {![llength $R(pending)]} {return 0}
    lassign $R(pending) ev cond st
    uplevel #0 [list expr $cond]
}

proc ::tcplab::packetdrill::CompletePending {} {
    variable R
    lassign $R(pending) ev cond st
    set R(pending) {}
    set sc [dict get $ev syscall]
    set args {}
    foreach a [dict get $sc args] {lappend args [Eval $a]}
    set sys [expr {$R(kernel) ? "KSys" : "Sys_[dict get $sc name]"}]
    set r [$sys $sc $args st]
    if {[lindex $r 0] eq "block"} {
	set R(pending) [list $ev [lindex $r 1] $st]
	return
    }
    CheckResult $ev $r
    if {[dict get $sc end] ne ""} {
	set err [VerifyTime $ev [dict get $sc end] 0 [Now] [dict get $ev time] \
		"system call return"]
	if {$err ne ""} {Fail [dict get $ev line] $err}
    }
}

# r: {done result ?errno?}
proc ::tcplab::packetdrill::CheckResult {ev r} {
    set sc [dict get $ev syscall]
    set line [dict get $ev line]
    set name [dict get $sc name]
    lassign $r - actual errno
    if {$errno eq ""} {set errno 0}
    set exp [dict get $sc result]
    set e [Eval $exp $line]
    Trace "$name = $actual [expr {$errno ? [ErrnoName $errno] : ""}]"
    if {$e eq "..."} {return}
    if {$name in {socket accept open} && $e >= 0 && $actual >= 0} {return}
    if {$actual != $e} {
	Fail $line "runtime error in $name call: Expected result $e but got\
		$actual with errno $errno ([ErrnoText $errno])"
    }
    if {[dict get $sc errno] ne ""} {
	set want [ErrnoNum [dict get $sc errno]]
	if {$want != $errno} {
	    Fail $line "runtime error in $name call: Expected errno $want\
		    ([ErrnoText $want]) but got $errno ([ErrnoText $errno])"
	}
    }
}

proc ::tcplab::packetdrill::ErrnoText {n} {
    set t {0 Success 11 {Resource temporarily unavailable} 104
	{Connection reset by peer} 110 {Connection timed out}
	111 {Connection refused} 115 {Operation now in progress}
	32 {Broken pipe} 107 {Transport endpoint is not connected}
	22 {Invalid argument} 9 {Bad file descriptor} 98 {Address already in use}
	106 {Transport endpoint is already connected} 114
	{Operation already in progress} 92 {Protocol not available}}
    if {[dict exists $t $n]} {return [dict get $t $n]}
    return "errno $n"
}

proc ::tcplab::packetdrill::Fd {fd} {
    variable R
    if {![dict exists $R(fds) $fd]} {return ""}
    dict get $R(fds) $fd
}
proc ::tcplab::packetdrill::FdSet {fd key val} {
    variable R
    dict set R(fds) $fd $key $val
}

# The errno of a connection's error, as a number.
proc ::tcplab::packetdrill::ConnErrno {c} {
    set e [$c error]
    if {![llength $e]} {return 0}
    ErrnoNum [lindex $e 1]
}

# A new descriptor: the number the script expects, as packetdrill maps
# script descriptors onto live ones.
proc ::tcplab::packetdrill::NewFd {sc} {
    variable R
    set want [Eval [dict get $sc result]]
    if {[string is integer -strict $want] && $want >= 0
	    && ![dict exists $R(fds) $want]} {
	return $want
    }
    while {[dict exists $R(fds) $R(nextfd)]} {incr R(nextfd)}
    return $R(nextfd)
}

proc ::tcplab::packetdrill::Sys_socket {sc args stv} {
    variable R
    lassign $args dom type proto
    if {$type ne "..." && ($type & 0xf) != 1} {
	RunError $R(callline) "runtime error in socket call: only SOCK_STREAM\
		sockets are modelled"
    }
    set fd [NewFd $sc]
    dict set R(fds) $fd [dict create kind socket conn {} listener {} \
	    port {} nonblock [expr {$type ne "..." && ($type & 2048) != 0}] \
	    opts {} shutwr 0]
    list done $fd
}

proc ::tcplab::packetdrill::CheckFd {fd} {
    variable R
    if {![dict exists $R(fds) $fd]} {
	return -level 2 [list done -1 9]
    }
}

proc ::tcplab::packetdrill::Sys_bind {sc args stv} {
    variable R
    lassign $args fd addr len
    CheckFd $fd
    set port [dict get $R(cfg) bind_port]
    if {[lindex $addr 0] eq "struct"} {
	foreach f [lindex $addr 1] {
	    if {[lindex $f 0] eq "field" && [lindex $f 1] eq {word sin_port}} {
		set port [Eval [lindex $f 2]]
	    }
	}
    }
    FdSet $fd port $port
    list done 0
}

proc ::tcplab::packetdrill::SockOpts {fd} {
    variable R
    set s [Fd $fd]
    set o {}
    dict for {k v} [dict get $s opts] {
	switch -- $k {
	    SO_REUSEADDR {if {$v} {lappend o -reuseaddr}}
	    TCP_NODELAY {if {$v} {lappend o -nodelay}}
	    SO_KEEPALIVE {if {$v} {lappend o -keepalive}}
	    TCP_KEEPIDLE {lappend o -keepidle $v}
	    TCP_KEEPINTVL {lappend o -keepintvl $v}
	    TCP_KEEPCNT {lappend o -keepcnt $v}
	    TCP_MAXSEG {lappend o -mss $v}
	    TCP_FASTOPEN_CONNECT {if {$v} {lappend o -fastopen 1}}
	    TCP_SYNCNT {lappend o -sockopt [list TCP_SYNCNT $v]}
	    SO_RCVBUF {
		# sk_setsockopt() keeps 2 v bytes; a profile that counts
		# buffer memory (rcv_scaling_ratio) takes v as the window of
		# that memory at Linux's default ratio, 50%.
		lappend o -rcvbuf [expr {[$R(sut) sysctl rcv_scaling_ratio]
		    ? $v : 2 * $v}]
	    }
	    SO_SNDBUF {lappend o -sndbuf [expr {2 * $v}]}
	    SO_LINGER {if {[lindex $v 0]} {lappend o -linger [lindex $v 1]}}
	}
    }
    return $o
}

proc ::tcplab::packetdrill::Sys_listen {sc args stv} {
    variable R
    lassign $args fd backlog
    CheckFd $fd
    set s [Fd $fd]
    set port [dict get $s port]
    if {$port eq ""} {set port [dict get $R(cfg) bind_port]; FdSet $fd port $port}
    set o {}
    set so [SockOpts $fd]
    for {set i 0} {$i < [llength $so]} {incr i} {
	set x [lindex $so $i]
	if {$x in {-reuseaddr -nodelay}} {lappend o $x}
	# Buffer sizes set before listen() pass to the connections
	# (inet_csk_clone_lock(): SOCK_RCVBUF_LOCK with them).
	if {$x in {-rcvbuf -sndbuf}} {lappend o $x [lindex $so [incr i]]}
    }
    if {[catch {$R(sut) listen $port -backlog $backlog {*}$o} l eo]} {
	return [list done -1 [ErrnoNum [lindex [dict get $eo -errorcode] 1]]]
    }
    FdSet $fd listener $l
    FdSet $fd kind listener
    # The listener is now the socket under test: the next SYN starts a
    # new connection.
    set R(listening) 1
    list done 0
}

proc ::tcplab::packetdrill::Sys_accept {sc args stv} {
    variable R
    set fd [lindex $args 0]
    CheckFd $fd
    set s [Fd $fd]
    set l [dict get $s listener]
    if {$l eq ""} {return [list done -1 22]}
    set c [$l accept]
    if {$c eq ""} {
	if {[dict get $s nonblock]} {return [list done -1 11]}
	return [list block "\[$l pending\] > 0"]
    }
    set nfd [NewFd $sc]
    set R(infofd) $nfd
    # The child inherits the listener's socket flags (sk_clone_lock()):
    # SO_ZEROCOPY here; the socket layer's options come with the TCB.
    set copts {}
    if {[dict exists $s opts SO_ZEROCOPY]} {
	dict set copts SO_ZEROCOPY [dict get $s opts SO_ZEROCOPY]
    }
    dict set R(fds) $nfd [dict create kind socket conn $c listener {} \
	    port [dict get $s port] nonblock 0 opts $copts shutwr 0]
    list done $nfd
}
proc ::tcplab::packetdrill::Sys_accept4 {sc args stv} {
    Sys_accept $sc $args $stv
}

proc ::tcplab::packetdrill::Sys_connect {sc args stv} {
    variable R
    upvar 1 $stv st
    set fd [lindex $args 0]
    CheckFd $fd
    set s [Fd $fd]
    set c [dict get $s conn]
    set R(infofd) $fd
    if {$c eq ""} {
	set o [SockOpts $fd]
	if {[dict get $s port] ne ""} {lappend o -bind [dict get $s port]}
	if {[catch {$R(sut) connect [dict get $R(cfg) remote_ip] \
		[dict get $R(cfg) connect_port] {*}$o} c eo]} {
	    return [list done -1 [ErrnoNum [lindex [dict get $eo -errorcode] 1]]]
	}
	FdSet $fd conn $c
	set R(connecting) 1
	if {[dict get [$c info] deferred]} {
	    # TCP_FASTOPEN_CONNECT with a cookie cached: no SYN until the
	    # first write (Linux DEFER_CONNECT).
	    return [list done 0]
	}
	if {[dict get $s nonblock]} {return [list done -1 115]}
	dict set st started 1
    } elseif {![dict exists $st started]} {
	# connect on a socket already connecting or connected; a deferred
	# one is taken as connected (__inet_stream_connect()).
	if {[dict get [$c info] deferred]} {return [list done -1 106]}
	set state [$c state]
	if {$state eq "ESTABLISHED"} {return [list done -1 106]}
	if {$state eq "SYN_SENT"} {return [list done -1 114]}
	set e [ConnErrno $c]
	if {$e} {return [list done -1 $e]}
	return [list done -1 106]
    }
    set state [$c state]
    if {$state eq "SYN_SENT" || $state eq "SYN_RCVD"} {
	return [list block "\[$c state\] ni {SYN_SENT SYN_RCVD}"]
    }
    set e [ConnErrno $c]
    if {$e} {return [list done -1 $e]}
    FdSet $fd connected 1
    list done 0
}

proc ::tcplab::packetdrill::ReadCommon {fd n flags} {
    variable R
    set s [Fd $fd]
    set c [dict get $s conn]
    if {$c eq ""} {return [list done -1 107]}
    set nb [expr {[dict get $s nonblock] || ($flags & 64)}]
    set avail [$c readable]
    if {$avail > 0} {
	if {$n eq "..."} {set n $avail}
	if {$flags & 2} {
	    # MSG_PEEK: cannot leave bytes in place with recv; report them.
	    return [list done [expr {min($n, $avail)}]]
	}
	set data [$c recv -max $n]
	return [list done [string length $data]]
    }
    # tcp_recvmsg: a received FIN (SOCK_DONE) ends the stream before a
    # pending error is reported.
    set finrcvd 0
    foreach st [$c states] {
	if {$st in {CLOSE_WAIT LAST_ACK CLOSING TIME_WAIT}} {set finrcvd 1}
    }
    if {$finrcvd} {return [list done 0]}
    # shutdown(SHUT_RD) (RCV_SHUTDOWN): the end of the stream too.
    if {[$c eof] && [llength [$c error]] == 0} {return [list done 0]}
    if {[catch {$c recv -max 1} data eo]} {
	return [list done -1 [ErrnoNum [lindex [dict get $eo -errorcode] 1]]]
    }
    if {[$c state] in {CLOSED SYN_SENT} && [ConnErrno $c] == 0 && [$c state] eq "CLOSED"} {
	return [list done 0]
    }
    if {$nb} {return [list done -1 11]}
    return [list block "\[$c readable\] > 0 || \[$c eof\] || \[llength \[$c error\]\]"]
}

proc ::tcplab::packetdrill::Sys_read {sc args stv} {
    lassign $args fd buf n
    CheckFd $fd
    ReadCommon $fd $n 0
}
proc ::tcplab::packetdrill::Sys_recv {sc args stv} {
    lassign $args fd buf n flags
    CheckFd $fd
    if {$flags eq "..."} {set flags 0}
    ReadCommon $fd $n $flags
}
proc ::tcplab::packetdrill::Sys_recvfrom {sc args stv} {
    lassign $args fd buf n flags
    CheckFd $fd
    if {$flags eq "..."} {set flags 0}
    ReadCommon $fd $n $flags
}
proc ::tcplab::packetdrill::Sys_readv {sc args stv} {
    lassign $args fd iov cnt
    CheckFd $fd
    ReadCommon $fd [IovLen $iov] 0
}
proc ::tcplab::packetdrill::Sys_recvmsg {sc args stv} {
    lassign $args fd msg flags
    CheckFd $fd
    if {$flags eq "..."} {set flags 0}
    if {$flags & 8192} {
	variable R
	RunError $R(callline) "runtime error in recvmsg call: MSG_ERRQUEUE\
		(MSG_ZEROCOPY completions, timestamps) is not modelled"
    }
    set r [ReadCommon $fd [MsgLen $msg] $flags]
    if {[lindex $r 0] eq "done" && [lindex $r 1] >= 0} {
	CheckCmsgs $fd [lindex [dict get $sc args] 1]
    }
    return $r
}

# The control messages a recvmsg() expects (msg_control=[{cmsg_level=..,
# cmsg_type=.., cmsg_data=..}, ...]) against what the socket hands back.
# Modelled: TCP_CM_INQ, which tcp_recvmsg() adds when TCP_INQ is on, its
# value tcp_inq_hint(): the bytes left to read (rcv_nxt - copied_seq), or 1
# once a FIN has come in and nothing is left (SOCK_DONE), so the reader
# goes on to read the end of the stream.
proc ::tcplab::packetdrill::CheckCmsgs {fd raw} {
    variable R
    if {[lindex $raw 0] ne "struct"} {return}
    set want {}
    foreach f [lindex $raw 1] {
	if {[lindex $f 0] eq "field" && [lindex $f 1] eq {word msg_control}} {
	    set l [lindex $f 2]
	    if {[lindex $l 0] eq "list"} {set want [lindex $l 1]}
	}
    }
    if {![llength $want]} {return}
    set c [dict get [Fd $fd] conn]
    foreach cm $want {
	set d {}
	foreach g [lindex $cm 1] {
	    dict set d [lindex $g 1 1] [Eval [lindex $g 2] $R(callline)]
	}
	set level [expr {[dict exists $d cmsg_level] ? [dict get $d cmsg_level] : ""}]
	set type [expr {[dict exists $d cmsg_type] ? [dict get $d cmsg_type] : ""}]
	if {$level != 6 || $type != 36} {
	    RunError $R(callline) "runtime error in recvmsg call: control		    message level $level type $type is not modelled"
	}
	if {![$c sockopt TCP_INQ]} {
	    Fail $R(callline) "runtime error in recvmsg call: Bad cmsg:		    expected TCP_CM_INQ, none received (TCP_INQ is off)"
	}
	set inq [$c readable]
	if {$inq == 0} {
	    foreach st [$c states] {
		if {$st in {CLOSE_WAIT LAST_ACK CLOSING TIME_WAIT}} {set inq 1}
	    }
	    if {[$c state] eq "CLOSED"} {set inq 1}
	}
	if {[dict exists $d cmsg_data] && [dict get $d cmsg_data] != $inq} {
	    Fail $R(callline) "runtime error in recvmsg call: Bad TCP_CM_INQ:		    expected: [dict get $d cmsg_data] actual: $inq"
	}
    }
}

# Total length of an iovec expression: [{..., 10}, {..., 20}]
proc ::tcplab::packetdrill::IovLen {iov} {
    set n 0
    if {[lindex $iov 0] eq "list"} {set iov [lindex $iov 1]}
    if {[llength $iov] && [lindex $iov 0 0] eq "struct"} {
	foreach v $iov {
	    set l [lindex $v 1 end]
	    if {[lindex $l 0] eq "int"} {incr n [lindex $l 1]}
	}
    } else {
	foreach v $iov {
	    if {[string is integer -strict [lindex $v end]]} {incr n [lindex $v end]}
	}
    }
    return $n
}
proc ::tcplab::packetdrill::MsgLen {msg} {
    if {[lindex $msg 0] ne "struct"} {return 0}
    foreach f [lindex $msg 1] {
	if {[lindex $f 0] eq "field" && [lindex $f 1 0] eq "call"
		&& [lindex $f 1 1] eq "msg_iov"} {
	    return [IovLen [lindex $f 2]]
	}
    }
    return 0
}

proc ::tcplab::packetdrill::WriteCommon {fd n flags {stname ""} {addr ...} {null 0}} {
    variable R
    if {$stname ne ""} {
	upvar 1 $stname stv
    } else {
	set stv [dict create]
    }
    # MSG_DONTWAIT and MSG_NOSIGNAL are all tcplab models of send flags;
    # MSG_ZEROCOPY sends the same bytes (tcp_sendmsg_locked() ignores it
    # without SO_ZEROCOPY, and with it only the copy and the completion
    # on the error queue differ).
    # MSG_MORE and MSG_EOR go to the socket layer (send -more, -eor);
    # MSG_FASTOPEN connects first (FastopenWrite).
    if {$flags ne "..." && ($flags & ~(64 | 16384 | 67108864 | 32768 | 128
	    | 536870912))} {
	set names {}
	foreach {nm v} {MSG_OOB 1} {
	    if {$flags & $v} {lappend names $nm}
	}
	if {![llength $names]} {set names [format 0x%x $flags]}
	RunError $R(callline) "runtime error in $R(callname) call: flag [join $names |] is not modelled"
    }
    if {$flags ne "..." && ($flags & 64)} {set dontwait 1}
    set s [Fd $fd]
    set c [dict get $s conn]
    set fo [expr {$flags ne "..." && ($flags & 536870912)}]
    if {$fo || [dict exists $stv fo]
	    || ($c ne "" && [dict get [$c info] deferred])} {
	set r [FastopenWrite $fd $n [expr {[dict get $s nonblock]
	    || [info exists dontwait]}] stv $addr $null]
	if {$r ne ""} {return $r}
	set s [Fd $fd]
	set c [dict get $s conn]
    }
    if {$c eq ""} {return [list done -1 32]}
    set e [ConnErrno $c]
    if {$e} {
	# A pending error is reported once (sock_error), then EPIPE.
	return [list done -1 $e]
    }
    if {[dict exists $stv queued]} {
	# The blocking write below, again once connected.
	return [list done $n]
    }
    if {[dict get $s shutwr] || [$c state] ni {ESTABLISHED CLOSE_WAIT SYN_SENT SYN_RCVD}} {
	return [list done -1 32]
    }
    if {[$c state] in {SYN_SENT SYN_RCVD}} {
	if {[dict get $s nonblock] || [info exists dontwait]} {
	    return [list done -1 11]
	}
	# A blocking write waits for the connection
	# (sk_stream_wait_connect()), and TCP sees a writer waiting
	# (sk_write_pending): its data is queued now, so the SYN-ACK finds
	# it (tunable synack_ack_wait), and the call returns once the
	# connection is established.
	$c send [binary format x$n]
	dict set stv queued 1
	return [list block "\[$c state\] ni {SYN_SENT SYN_RCVD}"]
    }
    if {$flags ne "..." && ($flags & 67108864) && $n > 0
	    && [dict exists $s opts SO_ZEROCOPY] && [dict get $s opts SO_ZEROCOPY]} {
	# A completion waits on the error queue (not modelled: reading it,
	# or POLLERR, stops the run).
	FdSet $fd zerocopy_sent 1
    }
    set sf {}
    if {$flags ne "..." && ($flags & 32768)} {lappend sf -more}
    if {$flags ne "..." && ($flags & 128)} {lappend sf -eor}
    if {[dict get $s nonblock] || [info exists dontwait]} {
	# What a non-blocking write takes now (TCP_NOTSENT_LOWAT).
	if {[catch {$c send -nonblock {*}$sf [binary format x$n]} took eo]} {
	    return [list done -1 [ErrnoNum [lindex [dict get $eo -errorcode] 1]]]
	}
	return [list done $took]
    }
    $c send {*}$sf [binary format x$n]
    list done $n
}

# A write that opens the connection with Fast Open (RFC 7413): sendto()
# or sendmsg() with MSG_FASTOPEN, or the first write after a deferred
# connect() (Linux tcp_sendmsg_locked() -> tcp_sendmsg_fastopen()). A
# non-blocking one returns what the SYN carried, or EINPROGRESS when it
# carried nothing; a blocking one returns once the connection is
# established (or failed), all of it taken. MSG_FASTOPEN on a connection
# already open: EALREADY while connecting without blocking (a blocking
# one waits, then writes), EISCONN after a connect() that returned 0, else
# a plain write. A NULL buffer: the SYN goes without data (copying fails,
# tcp_send_syn_data() falls back to a cookie request). Returns "" for a
# plain write.
proc ::tcplab::packetdrill::FastopenWrite {fd n nonblock st addr null} {
    variable R
    upvar 1 $st stv
    set s [Fd $fd]
    set c [dict get $s conn]
    if {[dict exists $stv fo]} {
	# A blocking call, again when the connection is no longer
	# connecting.
	set e [ConnErrno $c]
	if {$e} {return [list done -1 $e]}
	return [list done $n]
    }
    set data [expr {$null ? "" : [binary format x$n]}]
    if {$c eq ""} {
	if {!([$R(sut) sysctl tcp_fastopen] & 1) || $addr == 0} {
	    # No client bit, or an AF_UNSPEC address.
	    return [list done -1 95]
	}
	set o [SockOpts $fd]
	if {[dict get $s port] ne ""} {lappend o -bind [dict get $s port]}
	if {$nonblock} {lappend o -nonblock}
	if {[catch {$R(sut) connect [dict get $R(cfg) remote_ip] \
		[dict get $R(cfg) connect_port] {*}$o -data $data} c eo]} {
	    return [list done -1 [ErrnoNum [lindex [dict get $eo -errorcode] 1]]]
	}
	FdSet $fd conn $c
	set R(infofd) $fd
	set R(connecting) 1
	set took [dict get [$c info] syn_data]
    } elseif {[dict get [$c info] deferred]} {
	set R(infofd) $fd
	if {[catch {$c send {*}[expr {$nonblock ? "-nonblock" : ""}] $data} \
		took eo]} {
	    return [list done -1 [ErrnoNum [lindex [dict get $eo -errorcode] 1]]]
	}
	if {!$nonblock} {set took $n}
    } elseif {[$c state] in {SYN_SENT SYN_RCVD}} {
	if {$nonblock} {return [list done -1 114]}
	return ""
    } elseif {[dict exists $s connected]} {
	return [list done -1 106]
    } else {
	return ""
    }
    if {$null} {
	return [list done -1 [expr {$nonblock ? 115 : 14}]]
    }
    if {$nonblock} {
	return [expr {$took > 0 ? [list done $took] : [list done -1 115]}]
    }
    if {[$c state] in {SYN_SENT SYN_RCVD}} {
	dict set stv fo 1
	return [list block "\[$c state\] ni {SYN_SENT SYN_RCVD}"]
    }
    set e [ConnErrno $c]
    if {$e} {return [list done -1 $e]}
    list done $n
}

proc ::tcplab::packetdrill::Sys_write {sc args stv} {
    upvar 1 $stv st
    lassign $args fd buf n
    CheckFd $fd
    WriteCommon $fd $n 0 st
}
proc ::tcplab::packetdrill::Sys_send {sc args stv} {
    upvar 1 $stv st
    lassign $args fd buf n flags
    CheckFd $fd
    WriteCommon $fd $n $flags st
}
proc ::tcplab::packetdrill::Sys_sendto {sc args stv} {
    upvar 1 $stv st
    lassign $args fd buf n flags addr
    CheckFd $fd
    set null [expr {[lindex [dict get $sc args] 1] eq {word NULL}}]
    WriteCommon $fd $n $flags st $addr $null
}
proc ::tcplab::packetdrill::Sys_writev {sc args stv} {
    upvar 1 $stv st
    lassign $args fd iov cnt
    CheckFd $fd
    WriteCommon $fd [IovLen $iov] 0
}
proc ::tcplab::packetdrill::Sys_sendmsg {sc args stv} {
    upvar 1 $stv st
    lassign $args fd msg flags
    CheckFd $fd
    if {$flags eq "..."} {set flags 0}
    WriteCommon $fd [MsgLen $msg] $flags st
}

proc ::tcplab::packetdrill::Sys_close {sc args stv} {
    variable R
    set fd [lindex $args 0]
    CheckFd $fd
    set s [Fd $fd]
    if {[dict get $s listener] ne ""} {
	[dict get $s listener] close
    }
    if {[dict get $s conn] ne ""} {
	set c [dict get $s conn]
	if {[dict get $s opts] ne "" && [dict exists $s opts SO_LINGER]
		&& [lindex [dict get $s opts SO_LINGER] 0]
		&& [lindex [dict get $s opts SO_LINGER] 1] == 0} {
	    $c abort
	} else {
	    $c close
	}
    }
    dict unset R(fds) $fd
    list done 0
}

proc ::tcplab::packetdrill::Sys_shutdown {sc args stv} {
    lassign $args fd how
    CheckFd $fd
    set s [Fd $fd]
    set c [dict get $s conn]
    if {$c eq ""} {return [list done -1 107]}
    if {[$c state] in {CLOSED LISTEN SYN_SENT}} {return [list done -1 107]}
    switch -- $how {
	0 {$c shutdown read}
	1 {$c shutdown write; FdSet $fd shutwr 1}
	2 {$c shutdown both; FdSet $fd shutwr 1}
	default {return [list done -1 22]}
    }
    list done 0
}

proc ::tcplab::packetdrill::Sys_fcntl {sc args stv} {
    lassign $args fd cmd arg
    CheckFd $fd
    set s [Fd $fd]
    switch -- $cmd {
	3 {return [list done [expr {2 | ([dict get $s nonblock] ? 2048 : 0)}]]}
	4 {FdSet $fd nonblock [expr {($arg & 2048) != 0}]; return [list done 0]}
	1 {return [list done 0]}
	2 {return [list done 0]}
    }
    variable R
    RunError $R(callline) "runtime error in fcntl call: fcntl command $cmd\
	    is not modelled"
}

proc ::tcplab::packetdrill::Sys_ioctl {sc args stv} {
    variable R
    lassign $args fd req val
    CheckFd $fd
    set c [dict get [Fd $fd] conn]
    switch -- $req {
	21531 {set v [expr {$c eq "" ? 0 : [$c readable]}]}
	21521 {set v [expr {$c eq "" ? 0 : [dict get [$c info] sndq]}]}
	default {
	    RunError $R(callline) "runtime error in ioctl call: ioctl $req is\
		    not modelled"
	}
    }
    # The script gives the expected value in brackets: [N].
    set want [lindex $val 0]
    if {$want ne "" && $want ne "..." && $want != $v} {
	Fail $R(callline) "runtime error in ioctl call: Bad ioctl value:\
		expected=$want actual=$v"
    }
    list done 0
}

proc ::tcplab::packetdrill::OptName {level opt} {
    variable symbols
    set pref [expr {$level == 6 ? "TCP_" : $level == 0 ? "IP_" : "SO_"}]
    dict for {k v} $symbols {
	if {$v == $opt && [string match $pref* $k]} {return $k}
    }
    return "$level/$opt"
}

# An option's int as the C program holds it: a literal of 32 bits above
# INT_MAX (0xffffffff) is the negative int of the same bits.
proc ::tcplab::packetdrill::Int32 {v} {
    if {[string is entier -strict $v] && $v > 0x7fffffff
	    && $v <= 0xffffffff} {
	return [expr {$v - 0x100000000}]
    }
    return $v
}

# Keeps an option's value on the descriptor (applied when it connects or
# listens, read back by getsockopt); the call succeeds.
proc ::tcplab::packetdrill::KeepOpt {fd name v} {
    set o [dict get [Fd $fd] opts]
    dict set o $name $v
    FdSet $fd opts $o
    return [list done 0]
}

proc ::tcplab::packetdrill::Sys_setsockopt {sc args stv} {
    variable R
    lassign $args fd level opt val len
    CheckFd $fd
    set name [OptName $level $opt]
    set s [Fd $fd]
    set raw [lindex [dict get $sc args] 3]
    if {$name eq "SO_LINGER"} {
	set v {0 0}
	if {[lindex $raw 0] eq "struct"} {
	    set on 0; set lg 0
	    foreach f [lindex $raw 1] {
		if {[lindex $f 1] eq {word onoff}} {set on [Eval [lindex $f 2]]}
		if {[lindex $f 1] eq {word linger}} {set lg [Eval [lindex $f 2]]}
	    }
	    set v [list $on $lg]
	}
    } else {
	set v [Int32 [lindex $val 0]]
    }
    # On an open connection or listener: the socket layer's options.
    set h [expr {[dict get $s conn] ne "" ? [dict get $s conn]
	: [dict get $s listener]}]
    if {$h ne "" && $name in [SockoptNames $h] && $name ne "SO_LINGER"} {
	if {[catch {$h sockopt $name $v} msg eo]} {
	    set ec [dict get $eo -errorcode]
	    if {[lindex $ec 0] eq "POSIX"} {
		return [list done -1 [ErrnoNum [lindex $ec 1]]]
	    }
	    RunError $R(callline) "runtime error in setsockopt call: $msg"
	}
	return [KeepOpt $fd $name $v]
    }
    switch -- $name {
	SO_ZEROCOPY {
	    # sk_setsockopt(): 0 or 1 on a TCP socket. MSG_ZEROCOPY then
	    # sends the same bytes without copying them; the completions it
	    # queues on the error queue are not modelled (MSG_ERRQUEUE).
	    if {$v < 0 || $v > 1} {return [list done -1 22]}
	    return [KeepOpt $fd $name $v]
	}
	IP_MTU_DISCOVER {
	    # do_ip_setsockopt(): IP_PMTUDISC_DONT .. IP_PMTUDISC_OMIT (5).
	    # tcplab does no path-MTU discovery and sends without DF, which
	    # is IP_PMTUDISC_DONT; the other modes are not modelled.
	    if {$v < 0 || $v > 5} {return [list done -1 22]}
	    if {$v != 0} {
		RunError $R(callline) "runtime error in setsockopt call:\
			IP_MTU_DISCOVER $v is not modelled (only\
			IP_PMTUDISC_DONT)"
	    }
	    return [list done 0]
	}
	IP_TOS {
	    # Taken; tcplab's segments carry TOS 0, so a segment sent while
	    # the value is not 0 stops the run (Sniff).
	    set R(iptos) [expr {$v & 0xff}]
	    return [list done 0]
	}
	TCP_SYNCNT {
	    # tcp_sock_set_syncnt(): 1 to 127.
	    if {$v < 1 || $v > 127} {return [list done -1 22]}
	    return [KeepOpt $fd $name $v]
	}
	TCP_FASTOPEN_CONNECT {
	    # do_tcp_setsockopt(): 0 or 1; only with the client bit of
	    # net.ipv4.tcp_fastopen.
	    if {$v < 0 || $v > 1} {return [list done -1 22]}
	    if {!([$R(sut) sysctl tcp_fastopen] & 1)} {return [list done -1 95]}
	    return [KeepOpt $fd $name $v]
	}
	SO_REUSEADDR - SO_REUSEPORT - TCP_NODELAY - SO_KEEPALIVE - TCP_KEEPIDLE -
	TCP_KEEPINTVL - TCP_KEEPCNT - TCP_MAXSEG - SO_RCVBUF - SO_SNDBUF -
	SO_LINGER {
	    return [KeepOpt $fd $name $v]
	}
    }
    RunError $R(callline) "runtime error in setsockopt call: option $name is\
	    not modelled"
}

# The options a handle's sockopt takes (the socket layer), or none.
proc ::tcplab::packetdrill::SockoptNames {h} {
    variable sockoptnames
    if {![info exists sockoptnames]} {
	set sockoptnames {}
	if {[catch {$h sockopt bogus} msg] && [regexp {must be (.*)$} $msg -> l]} {
	    set sockoptnames [string map {, "" "or " ""} $l]
	}
    }
    return $sockoptnames
}

proc ::tcplab::packetdrill::ConnSubs {c} {
    if {[catch {$c bogus} msg]} {
	regexp {must be (.*)$} $msg -> l
	return [string map {, "" "or " ""} $l]
    }
    return {}
}

proc ::tcplab::packetdrill::Sys_getsockopt {sc args stv} {
    variable R
    lassign $args fd level opt val len
    CheckFd $fd
    set name [OptName $level $opt]
    set s [Fd $fd]
    set c [dict get $s conn]
    switch -- $name {
	SO_ERROR {
	    set v [expr {$c eq "" ? 0 : [ConnErrno $c]}]
	}
	TCP_MAXSEG {
	    if {$c eq ""} {
		set o [dict get $s opts]
		set v [expr {[dict exists $o TCP_MAXSEG] ? [dict get $o TCP_MAXSEG] : 536}]
	    } else {
		set v [dict get [$c info] mss]
	    }
	}
	TCP_INFO {
	    return [list done 0]
	}
	default {
	    set o [dict get $s opts]
	    set h [expr {$c ne "" ? $c : [dict get $s listener]}]
	    if {$h ne "" && $name in [SockoptNames $h] && $name ne "SO_LINGER"
		    && ![catch {$h sockopt $name} v]} {
		# The socket layer reports the value as Linux does.
	    } elseif {[dict exists $o $name]} {
		set v [dict get $o $name]
		# sock_setsockopt doubles the buffer sizes it is given.
		if {$name in {SO_SNDBUF SO_RCVBUF}} {set v [expr {2 * $v}]}
	    } else {
		RunError $R(callline) "runtime error in getsockopt call: option\
			$name is not modelled"
	    }
	}
    }
    set want [Int32 [lindex $val 0]]
    if {$want ne "" && $want ne "..." && $want != [Int32 $v]} {
	Fail $R(callline) "runtime error in getsockopt call: Bad getsockopt\
		optval: expected: $want actual: $v"
    }
    list done 0
}

proc ::tcplab::packetdrill::Sys_poll {sc args stv} {
    variable R
    lassign [dict get $sc args] fdsexpr nexpr texpr
    set timeout [Eval $texpr]
    set pfds {}
    if {[lindex $fdsexpr 0] eq "list"} {set fdsexpr [lindex $fdsexpr 1]}
    foreach f $fdsexpr {
	set d {fd 0 events 0 revents {}}
	foreach fld [lindex $f 1] {
	    dict set d [lindex $fld 1 1] [Eval [lindex $fld 2]]
	}
	lappend pfds $d
    }
    set ready 0
    set cond {}
    foreach d $pfds {
	set rev [Revents [dict get $d fd] [dict get $d events]]
	if {$rev} {incr ready}
	set want [dict get $d revents]
	if {$want ne "" && $rev != $want && $rev} {
	    Fail $R(callline) "runtime error in poll call: Bad poll revents:\
		    expected: $want actual: $rev"
	}
	lappend cond "\[::tcplab::packetdrill::Revents [dict get $d fd]\
		[dict get $d events]\]"
    }
    if {$ready || $timeout == 0} {return [list done $ready]}
    upvar 1 $stv st
    if {![dict exists $st deadline] && $timeout > 0} {
	dict set st deadline [expr {[Now] + $timeout * 1000}]
    }
    if {[dict exists $st deadline] && [Now] >= [dict get $st deadline]} {
	return [list done 0]
    }
    set c "[join $cond { || }]"
    if {[dict exists $st deadline]} {
	append c " || \[::tcplab::packetdrill::Now\] >= [dict get $st deadline]"
    }
    return [list block $c]
}

# poll's revents for a descriptor (tcp_poll).
proc ::tcplab::packetdrill::Revents {fd events} {
    set s [Fd $fd]
    if {$s eq ""} {return 32}
    if {[dict exists $s zerocopy_sent]} {
	variable R
	RunError $R(callline) "runtime error in $R(callname) call: POLLERR\
		for MSG_ZEROCOPY completions is not modelled"
    }
    set rev 0
    if {[dict get $s listener] ne ""} {
	if {[[dict get $s listener] pending] > 0} {set rev [expr {$rev | 1 | 64}]}
	return [expr {$rev & ($events | 8 | 16)}]
    }
    set c [dict get $s conn]
    if {$c eq ""} {return [expr {16 & $events | 4 & $events}]}
    set st [$c state]
    if {[$c readable] > 0 || [$c eof]} {set rev [expr {$rev | 1 | 64}]}
    # tcp_poll(): POLLRDHUP once the peer's FIN is in (RCV_SHUTDOWN),
    # unread data or not.
    if {[$c eof] || $st in {CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT}} {
	set rev [expr {$rev | 8192}]
    }
    if {[llength [$c error]]} {set rev [expr {$rev | 8}]}
    # A connection tcp_done() ended (a RST, a timeout) has both
    # directions shut down: readable, writable and hung up.
    if {$st eq "CLOSED"} {set rev [expr {$rev | 16 | 1 | 64 | 4 | 256}]}
    if {$st in {ESTABLISHED CLOSE_WAIT} && ![dict get $s shutwr]
	    && [Writable $c]} {
	set rev [expr {$rev | 4 | 256}]
    }
    if {$st eq "SYN_SENT" && [dict get [$c info] deferred]} {
	# tcp_poll(): a deferred Fast Open connect() is writable, so that
	# the write that sends the SYN with data comes.
	set rev [expr {$rev | 4 | 256}]
    }
    expr {$rev & ($events | 8 | 16)}
}

# tcp_poll()'s POLLOUT on a connection that may send:
# __sk_stream_is_writeable(sk, 1), the send buffer's memory (tunable
# skb_truesize; 0 with it off) below its size with a third of it free, and
# with TCP_NOTSENT_LOWAT fewer than half the mark's bytes unsent
# (tcp_stream_memory_free() with wake 1).
proc ::tcplab::packetdrill::Writable {c} {
    set q [dict get [$c info] wmem_queued]
    set buf [$c sockopt SO_SNDBUF]
    if {$q >= $buf || $buf - $q < $q / 2} {return 0}
    set lowat [expr {[$c sockopt TCP_NOTSENT_LOWAT] & 0xffffffff}]
    expr {$lowat == 0
	|| 2 * [dict get [$c sockopt TCP_INFO] tcpi_notsent_bytes] < $lowat}
}

proc ::tcplab::packetdrill::Sys_epoll_create {sc args stv} {
    variable R
    set fd [NewFd $sc]
    dict set R(fds) $fd [dict create kind epoll conn {} listener {} port {} \
	    nonblock 0 opts {} shutwr 0 watch {}]
    list done $fd
}
proc ::tcplab::packetdrill::Sys_epoll_create1 {sc args stv} {
    Sys_epoll_create $sc
}

proc ::tcplab::packetdrill::Sys_epoll_ctl {sc args stv} {
    variable R
    lassign [dict get $sc args] epe ope fde eve
    set ep [Eval $epe]
    set op [Eval $ope]
    set fd [Eval $fde]
    CheckFd $ep
    set w [dict get [Fd $ep] watch]
    set events 0
    set data $fd
    if {[lindex $eve 0] eq "struct"} {
	foreach f [lindex $eve 1] {
	    set k [lindex $f 1 1]
	    if {$k eq "events"} {set events [Eval [lindex $f 2]]}
	    if {$k in {u32 u64 fd ptr}} {set data [Eval [lindex $f 2]]}
	}
    }
    switch -- $op {
	1 - 3 {dict set w $fd [list $events $data 0]}
	2 {dict unset w $fd}
    }
    FdSet $ep watch $w
    list done 0
}

# The ready descriptors of an epoll set: {fd revents data} each.  With
# commit, edge-triggered entries remember what they reported.
proc ::tcplab::packetdrill::EpollScan {ep commit} {
    set w [dict get [Fd $ep] watch]
    set ready {}
    dict for {fd v} $w {
	lassign $v events data last
	set rev [Revents $fd [expr {$events & 0xffff}]]
	if {$events & 0x80000000} {
	    # EPOLLET: report what is new since the last report: a bit that
	    # came on, bytes that arrived, space that ACKs freed.
	    set mark [EdgeMark $fd]
	    if {$last ne ""} {
		lassign $last lrev lin luna
		lassign $mark min muna
		set new [expr {$rev & ~$lrev}]
		if {$min != $lin} {set new [expr {$new | ($rev & 1)}]}
		if {$muna != $luna} {set new [expr {$new | ($rev & 4)}]}
		if {!$new} {set rev 0}
	    }
	    if {$rev && $commit} {
		dict set w $fd [list $events $data [list $rev {*}$mark]]
		FdSet $ep watch $w
	    }
	}
	if {$rev} {lappend ready [list $fd $rev $data]}
    }
    return $ready
}

proc ::tcplab::packetdrill::EdgeMark {fd} {
    set c [dict get [Fd $fd] conn]
    if {$c eq ""} {return {0 0}}
    set i [$c info]
    list [dict get $i bytes_in] [dict get $i snd_una]
}

proc ::tcplab::packetdrill::Sys_epoll_wait {sc args stv} {
    variable R
    upvar 1 $stv st
    lassign [dict get $sc args] epe evse maxe toe
    set ep [Eval $epe]
    set timeout [Eval $toe]
    CheckFd $ep
    set w [dict get [Fd $ep] watch]
    set ready [EpollScan $ep 1]
    if {[llength $ready] || $timeout == 0} {
	# Edge-triggered entries report a change once; the corpus's edge
	# tests rely on readiness as level here.
	set want {}
	if {[lindex $evse 0] eq "struct"} {
	    foreach f [lindex $evse 1] {
		if {[lindex $f 1 1] eq "events"} {set want [Eval [lindex $f 2]]}
	    }
	}
	if {$want ne "" && [llength $ready] && $want != [lindex $ready 0 1]} {
	    Fail $R(callline) "runtime error in epoll_wait call: Bad epoll\
		    events: expected: $want actual: [lindex $ready 0 1]"
	}
	return [list done [llength $ready]]
    }
    if {![dict exists $st deadline] && $timeout > 0} {
	dict set st deadline [expr {[Now] + $timeout * 1000}]
    }
    if {[dict exists $st deadline] && [Now] >= [dict get $st deadline]} {
	return [list done 0]
    }
    set cond [list "\[llength \[::tcplab::packetdrill::EpollScan $ep 0\]\]"]
    if {[dict exists $st deadline]} {
	lappend cond "\[::tcplab::packetdrill::Now\] >= [dict get $st deadline]"
    }
    if {![llength $cond]} {set cond 0}
    list block [join $cond " || "]
}

# ---------------------------------------------------------------------------
# %{ }% blocks: the Python subset the corpus uses on tcp_info.

proc ::tcplab::packetdrill::TcpInfo {} {
    variable R
    variable tcpstates
    if {$R(kernel)} {
	return [KernelTcpInfo]
    }
    # The socket under test: the one last accepted or connected, while
    # its descriptor is open (packetdrill reads TCP_INFO on it).
    if {![info exists R(infofd)] || ![dict exists $R(fds) $R(infofd)]} {
	return {}
    }
    set c [dict get $R(fds) $R(infofd) conn]
    if {$c eq ""} {return {}}
    # The socket layer's TCP_INFO (tcpi_ names, Linux's units).
    if {![catch {$c sockopt TCP_INFO} ti]} {
	# Linux: a connection entering TIME_WAIT moves to a timewait sock
	# and the socket itself is closed (tcp_time_wait, tcp_done), so its
	# tcp_info says TCP_CLOSE.  4.4BSD keeps the TCB on the socket.
	if {[dict exists $ti tcpi_state] && [dict get $ti tcpi_state] == 6
		&& [$R(sut) profile] ne "bsd44"} {
	    dict set ti tcpi_state 7
	}
	return $ti
    }
    set i [$c info]
    set mss [dict get $i mss]
    if {$mss <= 0} {set mss 536}
    set ss [dict get $i ssthresh]
    set ssthresh [expr {$ss >= 0x3fffffff ? 2147483647 : $ss / $mss}]
    set st [dict get $i state]
    # Linux: a connection entering TIME_WAIT moves to a timewait sock and
    # the socket itself is closed (tcp_time_wait, tcp_done), so its
    # tcp_info says TCP_CLOSE.  4.4BSD keeps the TCB on the socket.
    if {$st eq "TIME_WAIT" && [$R(sut) profile] ne "bsd44"} {set st CLOSED}
    set d [dict create \
	tcpi_state [expr {[dict exists $tcpstates $st] ? [dict get $tcpstates $st] : 7}] \
	tcpi_snd_cwnd [expr {[dict get $i cwnd] / $mss}] \
	tcpi_snd_ssthresh $ssthresh \
	tcpi_rto [expr {wide(round([dict get $i rto] * 1e6))}] \
	tcpi_srtt [expr {wide(round([dict get $i srtt] * 1e6))}] \
	tcpi_rttvar [expr {wide(round([dict get $i rttvar] * 1e6))}] \
	tcpi_snd_mss $mss \
	tcpi_rcv_mss [dict get $i peer_mss] \
	tcpi_unacked [expr {(([dict get $i snd_max] - [dict get $i snd_una]) & 0xffffffff + $mss - 1) / $mss}] \
	tcpi_retransmits [dict get $i rxtshift] \
	tcpi_backoff [dict get $i rxtshift] \
	tcpi_total_retrans [dict get $i retrans] \
	tcpi_bytes_received [dict get $i bytes_in] \
	tcpi_segs_out [dict get $i segs_out] \
	tcpi_segs_in [dict get $i segs_in] \
	tcpi_notsent_bytes [expr {max(0, [dict get $i sndq] - (([dict get $i snd_max] - [dict get $i snd_una]) & 0xffffffff))}] \
	tcpi_snd_wnd [dict get $i snd_wnd] \
	tcpi_rcv_wnd [dict get $i rcv_wnd] \
	tcpi_rtt [expr {wide(round([dict get $i srtt] * 1e6))}] \
	tcpi_advmss [dict get $i mss_offer]]
    # Negotiated options (TCPI_OPT_*), from the SYNs the script saw.
    if {$R(sut_sock) ne ""} {
	set ours [SockGet $R(sut_sock) our_syn]
	set peer [SockGet $R(sut_sock) peer_syn]
	set o 0
	if {[lsearch -index 0 $ours ts] >= 0 && [lsearch -index 0 $peer ts] >= 0} {
	    incr o 1
	}
	if {"sackOK" in $ours && "sackOK" in $peer} {incr o 2}
	set wo [lsearch -inline -index 0 $ours wscale]
	set wp [lsearch -inline -index 0 $peer wscale]
	if {$wo ne "" && $wp ne ""} {
	    incr o 4
	    dict set d tcpi_snd_wscale [lindex $wp 1]
	    dict set d tcpi_rcv_wscale [lindex $wo 1]
	}
	dict set d tcpi_options $o
    }
    return $d
}

proc ::tcplab::packetdrill::RunCode {ev} {
    variable R
    set line [dict get $ev line]
    set info [TcpInfo]
    if {![llength $info] && [regexp {tcpi_} [dict get $ev code]]} {
	RunError $line "no connection for tcp_info"
    }
    set code [dict get $ev code]
    regsub -all {\\\n} $code " " code
    foreach stmt [SplitStatements $code] {
	set stmt [string trim $stmt]
	if {$stmt eq "" || [string index $stmt 0] eq "#"} continue
	set r [PyStatement $line $stmt $info]
	if {$r ne "" && $R(codefail) eq ""} {
	    set R(codefail) [list $line $r]
	}
    }
}

proc ::tcplab::packetdrill::SplitStatements {code} {
    set out {}
    foreach l [split $code "\n"] {
	foreach s [split $l ";"] {lappend out $s}
    }
    return $out
}

# One statement: "assert expr[, msg]".  Returns "" or the failure text.
proc ::tcplab::packetdrill::PyStatement {line stmt info} {
    variable R
    variable symbols
    # The names packetdrill's code.c defines, then the script's own.
    foreach k {TCP_ESTABLISHED TCP_SYN_SENT TCP_SYN_RECV TCP_FIN_WAIT1
	    TCP_FIN_WAIT2 TCP_TIME_WAIT TCP_CLOSE TCP_CLOSE_WAIT TCP_LAST_ACK
	    TCP_LISTEN TCP_CLOSING TCP_CA_Open TCP_CA_Disorder TCP_CA_CWR
	    TCP_CA_Recovery TCP_CA_Loss} {
	dict set info $k [dict get $symbols $k]
    }
    foreach {k v} {TCPI_OPT_TIMESTAMPS 1 TCPI_OPT_SACK 2 TCPI_OPT_WSCALE 4
	    TCPI_OPT_ECN 8 TCPI_OPT_ECN_SEEN 16 TCPI_OPT_SYN_DATA 32
	    TCPI_OPT_USEC_TS 64 TCPI_OPT_TFO_CHILD 128} {
	dict set info $k $v
    }
    if {[info exists R(pyvars)]} {set info [dict merge $info $R(pyvars)]}
    if {[regexp {^([A-Za-z_][A-Za-z_0-9]*)\s*([-+*])=(.*)$} $stmt -> var op rhs]} {
	set stmt "$var = $var $op ($rhs)"
    }
    if {[regexp {^([A-Za-z_][A-Za-z_0-9]*)\s*=([^=].*)$} $stmt -> var rhs]} {
	set e [PyToTcl $line $rhs $info]
	if {[catch {expr $e} v]} {
	    RunError $line "Python expression '[string trim $rhs]': $v"
	}
	dict set R(pyvars) $var $v
	return ""
    }
    # print() has no effect on the verdict.
    if {[regexp {^print\s*\(} $stmt]} {return ""}
    if {![regexp {^assert\s+(.*)$} $stmt -> rest]} {
	set w [lindex [regexp -inline {^[A-Za-z_]+} $stmt] 0]
	if {$w eq ""} {set w $stmt}
	RunError $line "Python statement '$w' is not modelled (only assert)"
    }
    # Split off the message at a top-level comma.
    set depth 0
    set cut -1
    for {set k 0} {$k < [string length $rest]} {incr k} {
	set ch [string index $rest $k]
	if {$ch in {( [}} {incr depth}
	if {$ch in {) ]}} {incr depth -1}
	if {$ch eq "," && $depth == 0} {set cut $k; break}
    }
    set msg ""
    if {$cut >= 0} {
	set msg [string range $rest $cut+1 end]
	set rest [string range $rest 0 $cut-1]
    }
    set e [PyToTcl $line $rest $info]
    if {[catch {expr $e} ok]} {
	RunError $line "Python expression '$rest': $ok"
    }
    if {$ok} {return ""}
    set m ""
    if {[string trim $msg] ne ""} {
	if {[catch {expr [PyToTcl $line $msg $info]} m]} {
	    set m [string trim $msg]
	}
    }
    return "AssertionError: $m (assert $rest)"
}

proc ::tcplab::packetdrill::PyToTcl {line src info} {
    set toks [regexp -all -inline {[A-Za-z_][A-Za-z_0-9]*|0x[0-9a-fA-F]+|[0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|//|\*\*|<<|>>|<=|>=|==|!=|[-+*/%()<>&|^~]|\S} $src]
    set out {}
    set terms {}
    set cur {}
    set ops {}
    # Chained comparisons: a < b <= c becomes (a < b) && (b <= c).
    set atoms {}
    foreach t $toks {
	switch -regexp -- $t {
	    {^tcpi_} {
		if {![dict exists $info $t]} {
		    RunError $line "tcp_info field $t is not modelled"
		}
		lappend atoms [list v [dict get $info $t]]
	    }
	    {^(and|or|not|True|False)$} {
		lappend atoms [list op [dict get {and && or || not ! True 1 False 0} $t]]
	    }
	    {^[A-Za-z_]} {
		if {![dict exists $info $t]} {
		    RunError $line "Python name '$t' is not modelled"
		}
		lappend atoms [list v [dict get $info $t]]
	    }
	    {^//$} {lappend atoms [list op /]}
	    {^\*\*$} {lappend atoms [list op **]}
	    {^(<|<=|>|>=|==|!=)$} {lappend atoms [list cmp $t]}
	    {^([-+*/%()&|^~]|<<|>>)$} {lappend atoms [list op $t]}
	    {^[0-9]} {lappend atoms [list v $t]}
	    default {RunError $line "Python construct '$t' is not modelled"}
	}
    }
    # Rewrite chains at the same parenthesis depth.
    set res {}
    set depth 0
    set chain {}
    # Build operand strings between comparisons and logical operators.
    set segs {}
    set seg {}
    foreach a $atoms {
	lassign $a k v
	if {$k eq "cmp" || ($k eq "op" && $v in {&& || !})} {
	    lappend segs [list expr [join $seg " "]] [list $k $v]
	    set seg {}
	} else {
	    lappend seg $v
	}
    }
    lappend segs [list expr [join $seg " "]]
    # Now segs alternate: expr, op, expr ...  ("!" leaves empty exprs).
    set out ""
    set n [llength $segs]
    for {set k 0} {$k < $n} {incr k} {
	lassign [lindex $segs $k] kind v
	if {$kind eq "cmp"} {
	    # If the previous op before the left operand was a cmp too,
	    # we are in a chain: repeat the left operand.
	    set left [lindex $segs $k-1 1]
	    set prevop [lindex $segs $k-2]
	    if {[lindex $prevop 0] eq "cmp"} {
		append out " && ($left"
		append out " $v "
		set chainopen 1
	    } else {
		append out " $v "
	    }
	} elseif {$kind eq "op"} {
	    append out " $v "
	} else {
	    # Python's bitwise and arithmetic operators bind tighter than
	    # its comparisons (unlike Tcl's & and |): parenthesize operands.
	    if {$v ne "" && [regexp -all {\(} $v] == [regexp -all {\)} $v]} {
		set v "($v)"
	    }
	    append out $v
	    if {[info exists chainopen] && $chainopen} {
		append out ")"
		set chainopen 0
	    }
	}
    }
    return $out
}


# ---------------------------------------------------------------------------
# -kernel: the same script against the kernel.  A network namespace holds
# the kernel under test; tcplab's host "remote" plays the script's side on a
# TAP device named tun0 (as packetdrill's), sending the "<" segments and
# recording the ">" ones; the system calls run in the namespace through the
# agent (unix/pdagent.c), one line per call.

proc ::tcplab::packetdrill::AgentPath {} {
    set dir [file dirname [file dirname [file normalize [info script]]]]
    foreach d [list $dir [file dirname $dir]] {
	if {[file executable [file join $d pdagent]]} {
	    return [file join $d pdagent]
	}
    }
    return ""
}
set ::tcplab::packetdrill::agentpath [::tcplab::packetdrill::AgentPath]

proc ::tcplab::packetdrill::KernelSetup {} {
    variable R
    variable agentpath
    if {$agentpath eq ""} {
	RunError 0 "-kernel needs the pdagent program (make builds it)"
    }
    if {[catch {exec id -u} uid] || $uid != 0 || ![file exists /dev/net/tun]} {
	RunError 0 "-kernel needs root and /dev/net/tun"
    }
    set cfg $R(cfg)
    # A name of our own (no "ip netns list", which fails while other
    # namespaces come and go).
    variable nscount
    if {![info exists nscount]} {set nscount 0}
    set R(ns) [::tcplab::netns create tcplab-pd-[pid]-[incr nscount]]
    set net [::tcplab::network create -clock real]
    set R(net) $net
    set R(remote) remote
    set R(sut) ""
    $net host create remote
    # packetdrill's device and addresses (netdev.c): tun0, the kernel at
    # local_ip with netmask_ip's prefix, the script's side reached through
    # gateway_ip (here an ARP entry naming the TAP's far end), so that the
    # corpus's commands (ip route change ... via 192.168.0.2 dev tun0,
    # ethtool -K tun0 ...) work as under packetdrill.
    set prefix 0
    foreach o [split [dict get $cfg netmask_ip] .] {
	for {set b 128} {$b >= 1} {set b [expr {$b >> 1}]} {
	    if {$o & $b} {incr prefix}
	}
    }
    $net tap create tun0 remote -netns $R(ns) \
	-kernel [dict get $cfg local_ip]/$prefix \
	-addr [dict get $cfg remote_ip]/0 -mtu [dict get $cfg mtu] -offload 1
    set gw [dict get $cfg gateway_ip]
    if {$gw ne [dict get $cfg local_ip] && [SameNet $gw \
	    [dict get $cfg local_ip] $prefix]} {
	exec ip -n $R(ns) neigh replace $gw lladdr \
	    [dict get [$net tap info tun0] mac] dev tun0 nud permanent
	exec ip -n $R(ns) route add [dict get $cfg remote_ip]/32 via $gw \
	    dev tun0
    } else {
	exec ip -n $R(ns) route add [dict get $cfg remote_ip]/32 dev tun0
    }
    # The script's side learns the kernel's MAC address now (an echo
    # request and its reply), not with an ARP exchange in front of the
    # first segment: packetdrill's tun device has no ARP.
    catch {remote ping [dict get $cfg local_ip] -timeout 1s}
    $net filter add -on remote -dir in -match tcp -action drop
    $net record start -on remote
    set R(kreplies) {}
    set R(fdmap) {}
    set R(infofd) {}
    set env {}
    foreach v {LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS} {
	if {[info exists ::env($v)]} {
	    dict set env $v $::env($v)
	    unset ::env($v)
	}
    }
    try {
	set R(agent) [open |[list ip netns exec $R(ns) $agentpath 2>@1] r+]
    } finally {
	dict for {k v} $env {set ::env($k) $v}
    }
    fconfigure $R(agent) -blocking 0 -buffering line
    fileevent $R(agent) readable [list ::tcplab::packetdrill::AgentReadable]
    return $net
}

proc ::tcplab::packetdrill::SameNet {a b prefix} {
    set x 0; set y 0
    foreach o [split $a .] {set x [expr {($x << 8) | $o}]}
    foreach o [split $b .] {set y [expr {($y << 8) | $o}]}
    set m [expr {$prefix ? (0xffffffff << (32 - $prefix)) & 0xffffffff : 0}]
    expr {($x & $m) == ($y & $m)}
}

proc ::tcplab::packetdrill::AgentReadable {} {
    variable R
    while {[gets $R(agent) line] >= 0} {
	lappend R(kreplies) $line
    }
    if {[eof $R(agent)]} {
	fileevent $R(agent) readable {}
	lappend R(kreplies) "-1 5 agent exited"
    }
}

proc ::tcplab::packetdrill::KernelCommand {line cmd} {
    variable R
    set dir [file dirname [file normalize $R(file)]]
    # As packetdrill runs them: /bin/sh in the script's directory, with
    # PACKETDRILL_PID set (the corpus's set_sysctls.py names its restore
    # script after it).
    set ::env(PACKETDRILL_PID) [pid]
    # Helper scripts named relative to packetdrill's tree
    # (../../common/defaults.sh from a subdirectory): when not there,
    # the nearest common/ directory above the script.
    foreach ref [lsort -unique [regexp -all -inline {(?:\.\./)+common/[^\s;&|`]+} $cmd]] {
	if {[file exists [file join $dir $ref]]} continue
	regsub {^(?:\.\./)+} $ref {} rest
	set d $dir
	while {[file dirname $d] ne $d} {
	    if {[file exists [file join $d $rest]]} {
		set cmd [string map [list $ref [file join $d $rest]] $cmd]
		break
	    }
	    set d [file dirname $d]
	}
    }
    # The congestion control the script makes the default: a namespace
    # may only choose among the host's allowed ones, so it is set on each
    # socket instead (TCP_CONGESTION, open to CAP_NET_ADMIN).
    set text $cmd
    foreach ref [regexp -all -inline {[^\s`;&|]*defaults\.sh} $cmd] {
	if {![catch {open [file join $dir $ref]} ch]} {
	    append text \n [read $ch]
	    close $ch
	}
    }
    foreach {- cc} [regexp -all -inline {tcp_congestion_control=(\w+)} $text] {
	set R(kcc) $cc
    }
    if {[catch {exec ip netns exec $R(ns) sh -c "cd [list $dir] && $cmd" \
	    2>@1} out]} {
	RunError $line "error executing command '[string trim $cmd]': $out"
    }
}

proc ::tcplab::packetdrill::KernelTcpInfo {} {
    variable R
    if {$R(infofd) eq "" || ![dict exists $R(fdmap) $R(infofd)]} {return {}}
    set reply [AgentCall "tcpinfo [dict get $R(fdmap) $R(infofd)]"]
    if {[lindex $reply 0] < 0} {return {}}
    return [lrange $reply 2 end]
}

# A call that answers at once (the agent is idle: no blocking call runs).
proc ::tcplab::packetdrill::AgentCall {line} {
    variable R
    puts $R(agent) $line
    flush $R(agent)
    $R(net) run -until {[llength $::tcplab::packetdrill::R(kreplies)] > 0} \
	-timeout 10s
    if {![llength $R(kreplies)]} {
	RunError $R(callline) "the system-call agent does not answer"
    }
    set reply [lindex $R(kreplies) 0]
    set R(kreplies) [lrange $R(kreplies) 1 end]
    return $reply
}

proc ::tcplab::packetdrill::LiveFd {fd} {
    variable R
    if {$fd eq "..." || ![dict exists $R(fdmap) $fd]} {return -1}
    dict get $R(fdmap) $fd
}

proc ::tcplab::packetdrill::KSys {sc args stv} {
    variable R
    upvar 1 $stv st
    set name [dict get $sc name]
    if {![dict exists $st sent]} {
	set line [KLine $sc $args]
	puts $R(agent) $line
	flush $R(agent)
	dict set st sent 1
    }
    if {![llength $R(kreplies)]} {
	return [list block "\[llength \$::tcplab::packetdrill::R(kreplies)\] > 0"]
    }
    set reply [lindex $R(kreplies) 0]
    set R(kreplies) [lrange $R(kreplies) 1 end]
    lassign $reply ret err v1 v2
    if {$ret < 0} {return [list done $ret $err]}
    switch -- $name {
	pipe {
	    foreach sfd [dict get $st pipefds] live [list $v1 $v2] {
		dict set R(fdmap) $sfd $live
		dict set R(fds) $sfd {kind pipe}
	    }
	    return [list done $ret]
	}
	socket - accept - epoll_create - open {
	    set fd [NewFd $sc]
	    dict set R(fdmap) $fd $ret
	    dict set R(fds) $fd {}
	    if {$name eq "accept"} {set R(infofd) $fd}
	    return [list done $fd]
	}
	connect {set R(infofd) [lindex $args 0]}
	close {dict unset R(fdmap) [lindex $args 0]; dict unset R(fds) [lindex $args 0]}
	getsockopt - ioctl {
	    set want [lindex $args 3]
	    if {$name eq "ioctl"} {set want [lindex $args 2]}
	    set want [Int32 [lindex $want 0]]
	    if {$want ne "" && $want ne "..." && [string is integer -strict $want]
		    && $want != [Int32 $v1]} {
		Fail $R(callline) "runtime error in $name call: Bad $name value:\
			expected=$want actual=$v1"
	    }
	}
	poll {
	    set want [dict get $st revents]
	    if {$want ne "" && $want != $v1} {
		Fail $R(callline) "runtime error in poll call: Bad poll revents:\
			expected: $want actual: $v1"
	    }
	}
	epoll_wait {
	    set want [dict get $st events]
	    if {$ret > 0 && $want ne "" && $want != $v1} {
		Fail $R(callline) "runtime error in epoll_wait call: Bad epoll\
			events: expected: $want actual: $v1"
	    }
	}
    }
    if {$name eq "connect" && $ret == 0} {set R(infofd) [lindex $args 0]}
    return [list done $ret]
}

# The agent's line for a call, or an error naming what is not modelled.
proc ::tcplab::packetdrill::KLine {sc cargs} {
    variable R
    upvar 1 st st
    set name [dict get $sc name]
    set raw [dict get $sc args]
    lassign $cargs a0 a1 a2 a3 a4
    set line $R(callline)
    switch -- $name {
	socket {
	    if {$a1 eq "..."} {set a1 1}
	    if {$a2 eq "..."} {set a2 6}
	    # The congestion control the script made the default, set on the
	    # new socket in the same call.
	    return "socket 2 $a1 $a2[expr {[info exists R(kcc)] ? " $R(kcc)" : ""}]"
	}
	bind {return "bind [LiveFd $a0] [dict get $R(cfg) local_ip] [dict get $R(cfg) bind_port]"}
	listen {return "listen [LiveFd $a0] $a1"}
	accept - accept4 {return "accept [LiveFd $a0]"}
	connect {
	    set R(infofd) $a0
	    set R(connecting) 1
	    return "connect [LiveFd $a0] [dict get $R(cfg) remote_ip] [dict get $R(cfg) connect_port]"
	}
	read {return "recv [LiveFd $a0] $a2 0"}
	recv - recvfrom {return "recv [LiveFd $a0] $a2 [expr {$a3 eq "..." ? 0 : $a3}]"}
	readv {return "recv [LiveFd $a0] [IovLen $a1] 0"}
	recvmsg {return "recv [LiveFd $a0] [MsgLen $a1] [expr {$a2 eq "..." ? 0 : $a2}]"}
	write {return "send [LiveFd $a0] $a2 0"}
	send {return "send [LiveFd $a0] $a2 [expr {$a3 eq "..." ? 0 : $a3}]"}
	sendto {
	    # A NULL buffer is passed on as NULL (the kernel's EFAULT); the
	    # address "..." is the remote end, as packetdrill fills it in.
	    set null [expr {[lindex $raw 1] eq {word NULL}}]
	    if {$a3 ne "..." && ($a3 & 536870912)} {
		# MSG_FASTOPEN connects: tcp_info is this socket's.
		set R(infofd) $a0
		set R(connecting) 1
	    }
	    set addr -
	    if {$a4 eq "..."} {
		set addr "[dict get $R(cfg) remote_ip] [dict get $R(cfg) connect_port]"
	    }
	    return "sendto [LiveFd $a0] $a2 [expr {$a3 eq "..." ? 0 : $a3}] $null $addr"
	}
	open {
	    if {![regexp {^[^\s]+$} $a0]} {
		RunError $line "runtime error in open call: a path with white\
			space is not modelled"
	    }
	    return "open $a0 [expr {$a1 eq "..." ? 0 : $a1}]"
	}
	sendfile {
	    # sendfile(out_fd, in_fd, [offset] or NULL, count)
	    set off [expr {[lindex $raw 2] eq {word NULL} ? -1 : [lindex $a2 0]}]
	    return "sendfile [LiveFd $a0] [LiveFd $a1] $off $a3"
	}
	pipe {
	    if {[llength $a0] != 2} {
		RunError $line "runtime error in pipe call: pipe needs a list\
			of two descriptors"
	    }
	    dict set st pipefds $a0
	    return "pipe"
	}
	splice {
	    # splice(fd_in, off_in, fd_out, off_out, len, flags); an offset
	    # is NULL or [n].
	    set oin [expr {[lindex $raw 1] eq {word NULL} ? -1 : [lindex $a1 0]}]
	    set oout [expr {[lindex $raw 3] eq {word NULL} ? -1 : [lindex $a3 0]}]
	    return "splice [LiveFd $a0] $oin [LiveFd $a2] $oout $a4\
		    [expr {[lindex $cargs 5] eq "..." ? 0 : [lindex $cargs 5]}]"
	}
	writev {return "send [LiveFd $a0] [IovLen $a1] 0"}
	sendmsg {
	    if {$a2 ne "..." && ($a2 & 536870912)} {
		set R(infofd) $a0
		set R(connecting) 1
	    }
	    return "send [LiveFd $a0] [MsgLen $a1] [expr {$a2 eq "..." ? 0 : $a2}]"
	}
	close {return "close [LiveFd $a0]"}
	shutdown {return "shutdown [LiveFd $a0] $a1"}
	fcntl {return "fcntl [LiveFd $a0] $a1 [expr {$a2 eq "" || $a2 eq "..." ? 0 : $a2}]"}
	ioctl {return "ioctl [LiveFd $a0] $a1"}
	setsockopt {
	    if {[OptName $a1 $a2] eq "SO_LINGER"} {
		set on 0; set lg 0
		foreach f [lindex [lindex $raw 3] 1] {
		    if {[lindex $f 1] eq {word onoff}} {set on [Eval [lindex $f 2]]}
		    if {[lindex $f 1] eq {word linger}} {set lg [Eval [lindex $f 2]]}
		}
		return "linger [LiveFd $a0] $on $lg"
	    }
	    set v [lindex $a3 0]
	    if {![string is integer -strict $v]} {
		RunError $line "runtime error in setsockopt call: option\
			[OptName $a1 $a2] with value '$v' is not modelled"
	    }
	    return "setsockopt [LiveFd $a0] $a1 $a2 $v"
	}
	getsockopt {return "getsockopt [LiveFd $a0] $a1 $a2"}
	poll {
	    set fds [lindex $raw 0]
	    if {[lindex $fds 0] eq "list"} {set fds [lindex $fds 1]}
	    if {[llength $fds] != 1} {
		RunError $line "runtime error in poll call: poll on\
			[llength $fds] descriptors is not modelled"
	    }
	    set d {fd 0 events 0 revents {}}
	    foreach fld [lindex $fds 0 1] {
		dict set d [lindex $fld 1 1] [Eval [lindex $fld 2]]
	    }
	    dict set st revents [dict get $d revents]
	    return "poll [LiveFd [dict get $d fd]] [dict get $d events] $a2"
	}
	epoll_create - epoll_create1 {return "epoll_create"}
	epoll_ctl {
	    set events 0; set data $a2
	    foreach f [lindex [lindex $raw 3] 1] {
		set k [lindex $f 1 1]
		if {$k eq "events"} {set events [Eval [lindex $f 2]]}
		if {$k in {u32 u64 fd ptr}} {set data [Eval [lindex $f 2]]}
	    }
	    return "epoll_ctl [LiveFd $a0] $a1 [LiveFd $a2] $events $data"
	}
	epoll_wait {
	    set want {}
	    foreach f [lindex [lindex $raw 1] 1] {
		if {[lindex $f 1 1] eq "events"} {set want [Eval [lindex $f 2]]}
	    }
	    dict set st events $want
	    return "epoll_wait [LiveFd $a0] $a3"
	}
    }
    RunError $line "runtime error in $name call: system call $name is not\
	    modelled"
}

# Compile every procedure of the runner now, not during a run: against the
# kernel a first call's compilation would otherwise delay the script's
# first events by a millisecond or so on the wall clock, where packetdrill
# has no such cost.  A call with one argument too many compiles the body
# and stops before running it.
foreach p [info procs ::tcplab::packetdrill::*] {
    if {[lindex [info args $p] end] ne "args"} {
	catch {$p {*}[lrepeat [expr {[llength [info args $p]] + 1}] {}]}
    }
}
unset -nocomplain p
