# tapagent.tcl --
#
#	A scripted peer on the kernel's TCP for the TAP tests: a plain tclsh
#	with Tcl's own sockets, run inside the test's network namespace
#	(ip netns exec ns tclsh tapagent.tcl). It reads commands on stdin,
#	one per line, and reports what happens on stdout, one event per line:
#
#	listen port		-> listening port; accepted addr port (each)
#	connect addr port	-> connected lport | connect-error message
#	send n			-> sent n (n bytes of "x", queued)
#	sendfile path ?closewrite?  -> sentfile n (then half-closes)
#	recvfile path		received data goes to the file (no data lines)
#	noread / read		stop / resume reading (unread data stays
#				queued, so a close sends a RST)
#	closeoneof 0|1		close as soon as the peer's FIN is read
#	closewrite		-> closedwrite (shutdown(SHUT_WR), a FIN)
#	close			-> closed
#	error			-> sockerror message (SO_ERROR, then cleared)
#	quit
#
#	After each command the agent says "done n" (n counts the commands),
#	so a test knows the command took effect before it goes on.
#
#	Reading reports "data total" (not with recvfile), "eof total", and
#	"error message" when the socket has a pending error (a RST:
#	"connection reset by peer"); Tcl reads a reset as an end of file, so
#	SO_ERROR is checked (fconfigure -error) before each read.

fconfigure stdout -buffering line -translation lf
set s {}
set total 0
set reading 1
set out {}
set closeOnEof 0
set seq 0

proc ev {args} {
    puts [join $args]
}

proc Setup {sock} {
    set ::s $sock
    set ::total 0
    # One write(2) per send command, as a C program would do it (Tcl
    # would otherwise write in pieces of its 4 KiB buffer).
    fconfigure $sock -translation binary -blocking 0 -buffering none \
	-buffersize 1048576
    fileevent $sock readable Readable
}

proc Readable {} {
    set s $::s
    set err [fconfigure $s -error]
    if {$err ne ""} {
	ev error $err
	fileevent $s readable {}
	return
    }
    if {!$::reading} {
	fileevent $s readable {}
	return
    }
    set d [read $s]
    if {[string length $d]} {
	incr ::total [string length $d]
	if {$::out ne ""} {
	    puts -nonewline $::out $d
	} else {
	    ev data $::total
	}
    }
    if {[eof $s]} {
	fileevent $s readable {}
	if {$::out ne ""} {
	    close $::out
	    set ::out {}
	}
	ev eof $::total
	if {$::closeOnEof} {
	    close $s
	    ev closed
	}
    }
}

proc Accepted {sock addr port} {
    Setup $sock
    ev accepted $addr $port
}

namespace eval cmd {}

proc cmd::listen {port} {
    set ::srv [socket -server Accepted $port]
    ev listening $port
}

proc cmd::connect {addr port} {
    if {[catch {socket $addr $port} sock]} {
	ev connect-error $sock
	return
    }
    Setup $sock
    ev connected [lindex [fconfigure $sock -sockname] 2]
}

proc cmd::send {n} {
    puts -nonewline $::s [string repeat x $n]
    ev sent $n
}

proc cmd::sendfile {path {then {}}} {
    set f [open $path rb]
    fcopy $f $::s -command [list SentFile $f $then]
}

proc SentFile {f then n {err {}}} {
    close $f
    if {$err ne ""} {
	ev sendfile-error $err
	return
    }
    ev sentfile $n
    if {$then eq "closewrite"} {
	cmd::closewrite
    }
}

proc cmd::recvfile {path} {
    set ::out [open $path wb]
}

proc cmd::noread {} {
    set ::reading 0
    fileevent $::s readable {}
}

proc cmd::read {} {
    set ::reading 1
    fileevent $::s readable Readable
}

proc cmd::closeoneof {b} {
    set ::closeOnEof $b
}

proc cmd::closewrite {} {
    # Tcl flushes what is queued before it half-closes.
    fconfigure $::s -blocking 1
    ::close $::s write
    fconfigure $::s -blocking 0
    ev closedwrite
}

proc cmd::close {} {
    ::close $::s
    ev closed
}

proc cmd::error {} {
    ev sockerror [fconfigure $::s -error]
}

proc cmd::quit {} {
    exit 0
}

proc Command {} {
    if {[gets stdin line] < 0} {
	if {[eof stdin]} {
	    exit 0
	}
	return
    }
    if {[catch {namespace eval ::cmd $line} msg]} {
	ev agent-error $msg
    }
    ev done [incr ::seq]
}

fconfigure stdin -blocking 0
fileevent stdin readable Command
ev ready
vwait forever
