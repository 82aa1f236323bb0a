# sock.tcl --
#
#	tcplab::sock: the sock program of TCP/IP Illustrated, Vol. 1
#	(W. Richard Stevens, 1993, appendix C) on a tcplab host. It takes the
#	same options with the same meanings and prints the same messages, but
#	it does not take over the process: each call starts a session (a
#	handle, ::tcplab::sockN) that runs as the network runs, so a script
#	can hold several sessions on several hosts at once. Input comes from
#	a string, a Tcl channel, or the script typing into the session; output
#	goes to channels and is kept in the session.
#
#	The program's structure is kept: cliopen/servopen, sockopts, the
#	interactive loop, source and sink. Where the original blocks (sleep,
#	accept, read) the session waits for a network event or a timer of the
#	network's clock ($net after), so -O -P -Q -p pass in virtual time.

namespace eval ::tcplab {
    namespace export sock
}

namespace eval ::tcplab::sock {
    variable count 0

    # getopt(3) option string of the 1993 sock program (main.c).
    variable optstring "b:cf:hin:p:q:r:suvw:ABCDEFKL:NO:P:Q:R:S:U:"

    variable usage \
"usage: sock \[ options \] <host> <port>              (for client; default)
       sock \[ options \] -s \[ <IPaddr> \] <port>     (for server)
       sock \[ options \] -i <host> <port>           (for \"source\" client)
       sock \[ options \] -i -s \[ <IPaddr> \] <port>  (for \"sink\" server)
options: -b n  bind n as client's local port number
         -c    convert newline to CR/LF & vice versa
         -f a.b.c.d.p  foreign IP address = a.b.c.d, foreign port# = p
         -h    issue TCP half close on standard input EOF
         -i    \"source\" data to socket, \"sink\" data from socket (w/-s)
         -n n  #buffers to write for \"source\" client (default 1024)
         -p n  #seconds to pause before each read or write (source/sink)
         -q n  size of listen queue for TCP server (default 5)
         -r n  #bytes per read() for \"sink\" server (default 1024)
         -s    operate as server instead of client
         -u    use UDP instead of TCP
         -v    verbose
         -w n  #bytes per write() for \"source\" client (default 1024)
         -A    SO_REUSEADDR option
         -B    SO_BROADCAST option
         -C    set terminal to cbreak mode
         -D    SO_DEBUG option
         -E    IP_RECVDSTADDR option
         -F    fork after connection accepted (TCP concurrent server)
         -K    SO_KEEPALIVE option
         -L n  SO_LINGER option, n = linger time
         -N    TCP_NODELAY option
         -O n  #seconds to pause after listen, but before first accept
         -P n  #seconds to pause before first read or write (source/sink)
         -Q n  #seconds to pause after receiving FIN, but before close
         -R n  SO_RCVBUF option
         -S n  SO_SNDBUF option
         -U n  enter urgent mode after write number n (source only)"

    # The C library's strerror() texts, as sock prints them after
    # "connect() error: ..." (Tcl's own texts are lower case).
    variable strerror {
	ECONNREFUSED	{Connection refused}
	ECONNRESET	{Connection reset by peer}
	ETIMEDOUT	{Connection timed out}
	EADDRINUSE	{Address already in use}
	EADDRNOTAVAIL	{Can't assign requested address}
	ENETUNREACH	{Network is unreachable}
	EHOSTUNREACH	{No route to host}
	ENETDOWN	{Network is down}
	EPIPE		{Broken pipe}
	ECONNABORTED	{Software caused connection abort}
	ENOTCONN	{Socket is not connected}
	EINVAL		{Invalid argument}
    }
}

# tcplab::sock::Strerror errorcode --
#	The strerror() text for a {POSIX ENAME message} error code.
proc ::tcplab::sock::Strerror {code} {
    variable strerror
    lassign $code kind name msg
    if {[dict exists $strerror $name]} {
	return [dict get $strerror $name]
    }
    if {$kind eq "POSIX"} {
	return [string toupper $msg 0 0]
    }
    return [lindex $code end]
}

# atoi(3): leading digits, else 0.
proc ::tcplab::sock::Atoi {s} {
    if {[regexp {^\s*([-+]?[0-9]+)} $s -> n]} {
	return [scan $n %d]
    }
    return 0
}

proc ::tcplab::sock::Usage {msg} {
    variable usage
    return -code error -errorcode {TCPLAB SOCK USAGE} "$usage\n$msg"
}

# The network a host command belongs to.
proc ::tcplab::sock::NetOf {host} {
    foreach net [info commands ::tcplab::net*] {
	if {[catch {$net hosts} hosts] == 0 && $host in $hosts} {
	    return $net
	}
    }
    return -code error -errorcode [list TCPLAB LOOKUP HOST $host] \
	"unknown host \"$host\""
}

#
# tcplab::sock ?-host name? ?-net net? ?-stdin chan | -input string?
#	?-stdout chan? ?-stderr chan? ?sock options? operands
#
proc ::tcplab::sock {args} {
    variable sock::count
    variable sock::optstring

    set own {-host {} -net {} -stdin {} -input {} -stdout stdout
	-stderr stderr}
    set given {}
    array set flag {}
    set n [llength $args]
    for {set i 0} {$i < $n} {incr i} {
	set a [lindex $args $i]
	if {[dict exists $own $a]} {
	    if {$i + 1 >= $n} {
		return -code error -errorcode {TCL ARGUMENT MISSING} \
		    "no argument given for $a option"
	    }
	    dict set own $a [lindex $args [incr i]]
	    lappend given $a
	    continue
	}
	if {$a eq "--"} {
	    incr i
	    break
	}
	if {![string match -?* $a]} {
	    break
	}
	# A cluster of letters, as getopt(3) reads them: -vA, -L0, -b 1098.
	set len [string length $a]
	for {set j 1} {$j < $len} {incr j} {
	    set c [string index $a $j]
	    set k [string first $c $optstring]
	    if {$c eq ":" || $k < 0} {
		sock::Usage "unrecognized option"
	    }
	    if {[string index $optstring [expr {$k + 1}]] eq ":"} {
		if {$j + 1 < $len} {
		    set flag($c) [string range $a [expr {$j + 1}] end]
		} elseif {$i + 1 < $n} {
		    set flag($c) [lindex $args [incr i]]
		} else {
		    sock::Usage "unrecognized option"
		}
		break
	    }
	    set flag($c) 1
	}
    }
    set operands [lrange $args $i end]

    # main.c: defaults, then the checks for options that don't make sense.
    set o [dict create bindport 0 crlf 0 halfclose 0 sourcesink 0 \
	nbuf 1024 pauserw 0 listenq 5 readlen 1024 server 0 udp 0 \
	verbose 0 writelen 1024 reuseaddr 0 broadcast 0 debug 0 \
	recvdstaddr 0 dofork 0 keepalive 0 linger -1 nodelay 0 \
	pauselisten 0 pauseinit 0 pauseclose 0 rcvbuflen 0 sndbuflen 0 \
	urgwrite 0 foreign {}]
    foreach {c key numeric} {
	b bindport 1  c crlf 0  f foreign 0  h halfclose 0  i sourcesink 0
	n nbuf 1  p pauserw 1  q listenq 1  r readlen 1  s server 0  u udp 0
	v verbose 0  w writelen 1  A reuseaddr 0  B broadcast 0  C cbreak 0
	D debug 0  E recvdstaddr 0  F dofork 0  K keepalive 0  L linger 1
	N nodelay 0  O pauselisten 1  P pauseinit 1  Q pauseclose 1
	R rcvbuflen 1  S sndbuflen 1  U urgwrite 1
    } {
	if {[info exists flag($c)]} {
	    dict set o $key [expr {$numeric ? [sock::Atoi $flag($c)]
		: $flag($c)}]
	}
    }
    if {[dict get $o foreign] ne "" && [string first . [dict get $o foreign]] < 0} {
	sock::Usage "invalid -f option"
    }
    dict with o {
	if {$udp && $halfclose} {sock::Usage "can't specify -h and -u"}
	if {$udp && $debug} {sock::Usage "can't specify -D and -u"}
	if {$udp && $linger >= 0} {sock::Usage "can't specify -L and -u"}
	if {$udp && $nodelay} {sock::Usage "can't specify -N and -u"}
	if {!$udp && $broadcast} {sock::Usage "can't specify -B with TCP"}
	if {!$udp && $foreign ne ""} {sock::Usage "can't specify -f with TCP"}
	if {$server} {
	    switch [llength $operands] {
		1 {set host {}; set port [lindex $operands 0]}
		2 {lassign $operands host port}
		default {sock::Usage "missing <port>"}
	    }
	} else {
	    if {[llength $operands] != 2} {
		sock::Usage "missing <hostname> and/or <port>"
	    }
	    lassign $operands host port
	}
    }
    # What tcplab does not have.
    if {[dict get $o udp]} {
	return -code error -errorcode {TCPLAB SOCK UNSUPPORTED} \
	    "-u: tcplab has no UDP"
    }
    if {[dict get $o dofork]} {
	return -code error -errorcode {TCPLAB SOCK UNSUPPORTED} \
	    "-F: a concurrent server is not supported (the server is iterative)"
    }
    if {[dict get $own -host] eq ""} {
	return -code error -errorcode {TCPLAB SOCK USAGE} \
	    "missing -host: the tcplab host sock runs on"
    }
    if {"-stdin" in $given && "-input" in $given} {
	return -code error -errorcode {TCPLAB SOCK USAGE} \
	    "-stdin and -input exclude each other"
    }
    set hostname [string trimleft [dict get $own -host] :]
    set net [dict get $own -net]
    if {$net eq ""} {
	set net [sock::NetOf $hostname]
    }

    set s ::tcplab::sock[incr count]
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    array set S [list net $net host ::$hostname opt $o \
	peer $host port $port own $own given $given \
	status {} stdout {} stderr {} conn {} chan {} listener {} \
	afters {} inbuf {} stdineof 0 looping 0 typed 0 finishing 0 \
	others {}]
    interp alias {} $s {} ::tcplab::sock::Session $s
    if {[dict get $o server]} {
	sock::Servopen $s
    } else {
	sock::Cliopen $s
    }
    return $s
}

#
# Output: to the session's channels and its transcript.
#

proc ::tcplab::sock::Err {s text} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    append S(stderr) $text\n
    set ch [dict get $S(own) -stderr]
    if {$ch ne ""} {
	puts $ch $text
	flush $ch
    }
}

proc ::tcplab::sock::Out {s data} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    append S(stdout) $data
    set ch [dict get $S(own) -stdout]
    if {$ch ne ""} {
	puts -nonewline $ch $data
	flush $ch
    }
}

proc ::tcplab::sock::Verbose {s text} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {[dict get $S(opt) verbose]} {
	Err $s $text
    }
}

# err_sys: "text: strerror(errno)", then exit(1).
proc ::tcplab::sock::ErrSys {s text code} {
    Err $s "$text: [Strerror $code]"
    Exit $s 1
}

# err_quit: "text", then exit(1).
proc ::tcplab::sock::ErrQuit {s text} {
    Err $s $text
    Exit $s 1
}

# sleep(n) in the network's time, then the script.
proc ::tcplab::sock::Sleep {s seconds script} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$seconds <= 0} {
	uplevel #0 $script
	return
    }
    set id [$S(net) after ${seconds}s [list ::tcplab::sock::Wake $s $script]]
    lappend S(afters) $id
}

proc ::tcplab::sock::Wake {s script} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {[info exists S] && $S(status) eq ""} {
	uplevel #0 $script
    }
}

# exit(code): what the process held is closed, as the kernel would.
proc ::tcplab::sock::Exit {s code} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$S(status) ne ""} {
	return
    }
    set S(status) $code
    foreach id $S(afters) {
	catch {$S(net) after cancel $id}
    }
    set S(afters) {}
    set in [dict get $S(own) -stdin]
    if {$in ne "" && $S(typed)} {
	catch {chan event $in readable {}}
    }
    if {$S(chan) ne ""} {
	catch {chan event $S(chan) readable {}}
	catch {close $S(chan)}
	set S(chan) {}
    }
    foreach ch $S(others) {
	catch {close $ch}
    }
    set S(others) {}
    if {$S(listener) ne ""} {
	catch {$S(listener) close}
	set S(listener) {}
    }
}

#
# cliopen.c
#

proc ::tcplab::sock::Cliopen {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set o $S(opt)
    set h $S(host)
    set args {}
    if {[dict get $o reuseaddr]} {
	lappend args -reuseaddr
    }
    if {[dict get $o bindport]} {
	lappend args -bind [dict get $o bindport]
    }
    Buffers $s args
    Sockopts $s 0
    if {[catch {$h connect $S(peer) $S(port) {*}$args -channel} ch opt]} {
	set code [dict get $opt -errorcode]
	switch -glob -- $code {
	    {TCPLAB LOOKUP HOST*} {
		ErrQuit $s "gethostbyname() error for: $S(peer)"
	    }
	    {TCPLAB LOOKUP PORT*} - {TCPLAB VALUE PORT*} {
		ErrQuit $s "getservbyname() error for: $S(port)/tcp"
	    }
	    {POSIX EADDRINUSE*} {
		# bind() fails without SO_REUSEADDR; with it, connect() refuses
		# the same 4-tuple (book 18.6.1).
		ErrSys $s [expr {[dict get $o reuseaddr] ? "connect() error"
		    : "bind() error"}] $code
	    }
	    {POSIX *} {
		ErrSys $s "connect() error" $code
	    }
	    default {
		ErrQuit $s $ch
	    }
	}
	return
    }
    set S(chan) $ch
    set S(conn) [chan configure $ch -connection]
    $S(conn) on state [list ::tcplab::sock::Connecting $s]
    Connecting $s $S(conn) [$S(conn) state]
}

# connect() returns: established, or failed.
proc ::tcplab::sock::Connecting {s conn state} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {![info exists S] || $S(status) ne "" || $S(looping)} {
	return
    }
    set state [$conn state]
    if {$state in {SYN_SENT SYN_RCVD}} {
	return
    }
    $conn on state {}
    set err [$conn error]
    if {$state eq "CLOSED" && $err ne ""} {
	ErrSys $s "connect() error" $err
	return
    }
    set S(looping) 1
    set me [chan configure $S(chan) -sockname]
    set him [chan configure $S(chan) -peername]
    Verbose $s "connected on [lindex $me 0].[lindex $me 2] to\
	[lindex $him 0].[lindex $him 2]"
    Sockopts $s 1
    Run $s
}

#
# servopen.c
#

proc ::tcplab::sock::Servopen {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set o $S(opt)
    set args [list -backlog [dict get $o listenq] -channel]
    if {$S(peer) ne ""} {
	if {![regexp {^\d+\.\d+\.\d+\.\d+$} $S(peer)]} {
	    ErrQuit $s "invalid host name for server: $S(peer)"
	    return
	}
	lappend args -myaddr $S(peer)
    }
    if {[dict get $o reuseaddr]} {
	lappend args -reuseaddr
    }
    Buffers $s args
    if {[catch {$S(host) listen $S(port) {*}$args} l opt]} {
	set code [dict get $opt -errorcode]
	switch -glob -- $code {
	    {TCPLAB LOOKUP PORT*} - {TCPLAB VALUE PORT*} {
		ErrQuit $s "getservbyname() error for: $S(port)/tcp"
	    }
	    {POSIX *} {
		ErrSys $s "can't bind local address" $code
	    }
	    default {
		ErrQuit $s $l
	    }
	}
	return
    }
    set S(listener) $l
    Sockopts $s 0
    # listen(); sleep(pauselisten); accept(). The book's server (fig.
    # 18-24, 18.11.4) took every completed connection off the queue when
    # it woke: "it removed the two accepted connections from the queue,
    # making it empty", so that later SYNs found room. The first is the
    # session's; the others are held open, unread, until it ends.
    Sleep $s [dict get $o pauselisten] [list ::tcplab::sock::Accept $s]
}

# The connections after the first: accepted as they complete, kept open.
proc ::tcplab::sock::Drain {s args} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {![info exists S] || $S(status) ne "" || $S(listener) eq ""} {
	return
    }
    while {[set ch [$S(listener) accept]] ne ""} {
	lappend S(others) $ch
	set me [chan configure $ch -sockname]
	set him [chan configure $ch -peername]
	Verbose $s "connection on [lindex $me 0].[lindex $me 2] from\
	    [lindex $him 0].[lindex $him 2]"
    }
}

proc ::tcplab::sock::Accept {s args} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {![info exists S] || $S(status) ne "" || $S(chan) ne ""} {
	return
    }
    set l $S(listener)
    set ch [$l accept]
    if {$ch eq ""} {
	$l on pending [list ::tcplab::sock::Accept $s]
	return
    }
    set S(chan) $ch
    $l on pending [list ::tcplab::sock::Drain $s]
    set S(conn) [chan configure $ch -connection]
    set me [chan configure $ch -sockname]
    set him [chan configure $ch -peername]
    Verbose $s "connection on [lindex $me 0].[lindex $me 2] from\
	[lindex $him 0].[lindex $him 2]"
    set S(looping) 1
    Buffers $s {}
    Sockopts $s 1
    Drain $s
    Run $s
}

#
# buffers.c and sockopts.c
#

# The socket buffers; with a list variable name, also the options that
# set them before connect or listen.
proc ::tcplab::sock::Buffers {s argsVar} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$argsVar ne ""} {
	upvar 1 $argsVar args
    }
    foreach {key opt name} {rcvbuflen -rcvbuf SO_RCVBUF
	    sndbuflen -sndbuf SO_SNDBUF} {
	set n [dict get $S(opt) $key]
	if {$n} {
	    if {$argsVar ne ""} {
		lappend args $opt $n
	    }
	    Verbose $s "$name = $n"
	}
    }
}

# sockopts(fd, doall): the options set before (0) and after (1) connect
# or accept, in the original's order, each echoed with -v.
proc ::tcplab::sock::Sockopts {s doall} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set o $S(opt)
    if {[dict get $o debug]} {
	Verbose $s "SO_DEBUG set"
    }
    if {!$doall} {
	return
    }
    set ch $S(chan)
    if {[dict get $o keepalive]} {
	chan configure $ch -keepalive 1
	Verbose $s "SO_KEEPALIVE set"
    }
    if {[dict get $o nodelay]} {
	chan configure $ch -nodelay 1
	Verbose $s "TCP_NODELAY set"
    }
    Verbose $s "TCP_MAXSEG = [dict get [$S(conn) info] mss]"
    set linger [dict get $o linger]
    if {$linger >= 0} {
	chan configure $ch -linger $linger
	Verbose $s "linger on, time = $linger"
    }
}

#
# The data transfer: loop.c (interactive) and sourcesink.c.
#

proc ::tcplab::sock::Run {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    chan configure $S(chan) -blocking 0
    set o $S(opt)
    if {![dict get $o sourcesink]} {
	Sleep $s [dict get $o pauseinit] [list ::tcplab::sock::Loop $s]
    } elseif {[dict get $o server]} {
	Sleep $s [dict get $o pauseinit] [list ::tcplab::sock::Sink $s]
    } else {
	Sleep $s [dict get $o pauseinit] [list ::tcplab::sock::Source $s 1]
    }
}

# loop(): standard input to the socket, the socket to standard output.
proc ::tcplab::sock::Loop {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set S(looping) 2
    chan event $S(chan) readable [list ::tcplab::sock::LoopRead $s]
    # What was typed before the loop started, then the input given.
    set typed $S(inbuf)
    set S(inbuf) {}
    if {$typed ne ""} {
	StdinData $s $typed
    }
    set own $S(own)
    if {"-input" in $S(given)} {
	StdinData $s [dict get $own -input]
	StdinEof $s
    } elseif {[dict get $own -stdin] ne ""} {
	# What the channel holds now is read at once (a file on standard
	# input); the rest as it comes (a terminal on real time).
	set in [dict get $own -stdin]
	chan configure $in -blocking 0
	set S(typed) 1
	StdinReadable $s
	if {$S(status) eq "" && ![eof $in]} {
	    chan event $in readable [list ::tcplab::sock::StdinReadable $s]
	}
    } elseif {$S(stdineof) == 1} {
	set S(stdineof) 0
	StdinEof $s
    }
}

proc ::tcplab::sock::StdinReadable {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set in [dict get $S(own) -stdin]
    while {$S(status) eq "" && !$S(stdineof)} {
	if {[catch {read $in [dict get $S(opt) readlen]} data opt]} {
	    ErrSys $s "read error from stdin" [dict get $opt -errorcode]
	    return
	}
	if {$data ne ""} {
	    StdinData $s $data
	} elseif {[eof $in]} {
	    catch {chan event $in readable {}}
	    StdinEof $s
	    return
	} else {
	    return
	}
    }
}

# Data from standard input (or typed by the script) goes to the socket.
proc ::tcplab::sock::StdinData {s data} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$S(status) ne "" || $data eq "" || $S(stdineof)} {
	return
    }
    if {$S(looping) < 2} {
	append S(inbuf) $data
	return
    }
    if {[dict get $S(opt) crlf]} {
	set data [string map [list \n \r\n] $data]
    }
    if {[catch {puts -nonewline $S(chan) [encoding convertto utf-8 $data]} \
	    msg opt]} {
	ErrSys $s "write error" [dict get $opt -errorcode]
    }
}

# End of standard input: shutdown for writing with -h, else the end.
proc ::tcplab::sock::StdinEof {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$S(status) ne "" || $S(stdineof)} {
	return
    }
    if {$S(looping) < 2} {
	set S(stdineof) 1
	return
    }
    set S(stdineof) 2
    if {[dict get $S(opt) halfclose]} {
	if {[catch {close $S(chan) write} msg opt]} {
	    ErrSys $s "shutdown() error" [dict get $opt -errorcode]
	}
	return
    }
    Finish $s
}

proc ::tcplab::sock::LoopRead {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$S(status) ne "" || $S(finishing)} {
	return
    }
    if {[catch {read $S(chan) [dict get $S(opt) readlen]} data opt]} {
	ErrSys $s "read error" [dict get $opt -errorcode]
	return
    }
    if {$data eq ""} {
	if {[eof $S(chan)]} {
	    Verbose $s "connection closed by peer"
	    Finish $s
	}
	return
    }
    if {[dict get $S(opt) crlf]} {
	set data [string map [list \r {}] $data]
    }
    Out $s [encoding convertfrom utf-8 $data]
}

# sourcesink.c, client: nbuf writes of writelen bytes.
proc ::tcplab::sock::Pattern {len} {
    set p {}
    set c 0
    while {[string length $p] < $len} {
	while {($c & 0x7f) < 32 || ($c & 0x7f) == 127} {
	    incr c
	}
	append p [format %c [expr {$c & 0x7f}]]
	set c [expr {($c + 1) & 0xff}]
    }
    return $p
}

proc ::tcplab::sock::Source {s i} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set o $S(opt)
    set writelen [dict get $o writelen]
    if {![info exists S(wbuf)]} {
	set S(wbuf) [Pattern $writelen]
    }
    for {} {$i <= [dict get $o nbuf]} {incr i} {
	if {$S(status) ne ""} {
	    return
	}
	if {[dict get $o urgwrite] == $i} {
	    if {[catch {$S(conn) send -urgent [format %c [expr {$i & 0xff}]]} \
		    msg opt]} {
		ErrSys $s "send of MSG_OOB returned -1, expected $writelen" \
		    [dict get $opt -errorcode]
		return
	    }
	    Verbose $s "wrote 1 byte of urgent data"
	}
	if {[catch {puts -nonewline $S(chan) $S(wbuf)} msg opt]} {
	    ErrSys $s "write returned -1, expected $writelen" \
		[dict get $opt -errorcode]
	    return
	}
	Verbose $s "wrote $writelen bytes"
	if {[dict get $o pauserw] > 0} {
	    Sleep $s [dict get $o pauserw] \
		[list ::tcplab::sock::Source $s [expr {$i + 1}]]
	    return
	}
    }
    Finish $s
}

# sourcesink.c, server: reads of readlen bytes until the end.
proc ::tcplab::sock::Sink {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$S(status) eq ""} {
	chan event $S(chan) readable [list ::tcplab::sock::SinkRead $s]
    }
}

proc ::tcplab::sock::SinkRead {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$S(status) ne "" || $S(finishing)} {
	return
    }
    set readlen [dict get $S(opt) readlen]
    if {[catch {read $S(chan) $readlen} data opt]} {
	ErrSys $s "read error" [dict get $opt -errorcode]
	return
    }
    set n [string length $data]
    if {$n == 0} {
	if {[eof $S(chan)]} {
	    Finish $s
	}
	return
    }
    if {$n != $readlen} {
	ErrQuit $s "read returned $n, expected $readlen"
	return
    }
    Verbose $s "received $n bytes"
    set p [dict get $S(opt) pauserw]
    if {$p > 0} {
	chan event $S(chan) readable {}
	Sleep $s $p [list ::tcplab::sock::Sink $s]
    }
}

# The loop ended: pause before close (-Q), close, exit(0).
proc ::tcplab::sock::Finish {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    if {$S(finishing)} {
	return
    }
    set S(finishing) 1
    catch {chan event $S(chan) readable {}}
    set q [dict get $S(opt) pauseclose]
    if {$q > 0} {
	Verbose $s "pausing before close"
    }
    Sleep $s $q [list ::tcplab::sock::Close $s]
}

proc ::tcplab::sock::Close {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set ch $S(chan)
    set S(chan) {}
    if {[catch {close $ch} msg opt]} {
	ErrSys $s "close error" [dict get $opt -errorcode]
	return
    }
    Exit $s 0
}

#
# The session handle.
#

proc ::tcplab::sock::Session {s {sub ""} args} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    set subs {channel conn destroy done eof kill listener puts send status
	stderr stdout wait}
    if {$sub ni $subs} {
	set list [join [lrange $subs 0 end-1] ", "]
	return -code error -errorcode [list TCL LOOKUP INDEX subcommand $sub] \
	    "bad subcommand \"$sub\": must be $list, or [lindex $subs end]"
    }
    set argc [llength $args]
    switch -- $sub {
	conn - channel - listener - status - stdout - stderr - done {
	    if {$argc} {
		return -code error -errorcode {TCL WRONGARGS} \
		    "wrong # args: should be \"$s $sub\""
	    }
	    switch -- $sub {
		conn {return $S(conn)}
		channel {return $S(chan)}
		listener {return $S(listener)}
		status {return $S(status)}
		stdout {return $S(stdout)}
		stderr {return $S(stderr)}
		done {return [expr {$S(status) ne ""}]}
	    }
	}
	send - puts {
	    if {$argc != 1} {
		return -code error -errorcode {TCL WRONGARGS} \
		    "wrong # args: should be \"$s $sub data\""
	    }
	    set data [lindex $args 0]
	    if {$sub eq "puts"} {
		append data \n
	    }
	    StdinData $s $data
	}
	eof {
	    StdinEof $s
	}
	kill {
	    Exit $s 1
	}
	wait {
	    # $s wait ?-timeout duration?: run the network until it ends.
	    set until "\[[list ::tcplab::sock::Ended $s]\]"
	    if {$argc == 2 && [lindex $args 0] eq "-timeout"} {
		$S(net) run -until $until -timeout [lindex $args 1]
	    } elseif {$argc == 0} {
		$S(net) run -until $until
	    } else {
		return -code error -errorcode {TCL WRONGARGS} \
		    "wrong # args: should be \"$s wait ?-timeout duration?\""
	    }
	    return $S(status)
	}
	destroy {
	    Exit $s 1
	    interp alias {} $s {}
	    unset S
	}
    }
    return
}

proc ::tcplab::sock::Ended {s} {
    upvar #0 ::tcplab::sock::S[namespace tail $s] S
    expr {![info exists S] || $S(status) ne ""}
}
