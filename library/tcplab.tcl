# tcplab.tcl --
#
#	Tcl parts of the tcplab package, loaded after the shared library.

namespace eval ::tcplab {
    namespace export network profile
}
