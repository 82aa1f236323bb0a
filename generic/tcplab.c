/*
 * tcplab.c --
 *
 *	Tcplab_Init: the package's entry point.
 */

#include "tcplabInt.h"

#ifndef PACKAGE_NAME
#define PACKAGE_NAME "tcplab"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1"
#endif

#ifdef __cplusplus
extern "C" {
#endif
DLLEXPORT int Tcplab_Init(Tcl_Interp *interp);
#ifdef __cplusplus
}
#endif

int
Tcplab_Init(
    Tcl_Interp *interp)
{
    if (Tcl_InitStubs(interp, "8.6-10", 0) == NULL) {
	return TCL_ERROR;
    }
    if (Tcl_CreateNamespace(interp, "::tcplab", NULL, NULL) == NULL
	    && Tcl_FindNamespace(interp, "::tcplab", NULL, 0) == NULL) {
	return TCL_ERROR;
    }
    Tcl_CreateObjCommand(interp, "::tcplab::network", TcplabNetworkCmd,
	    NULL, NULL);
    Tcl_CreateObjCommand(interp, "::tcplab::profile", TcplabProfileCmd,
	    NULL, NULL);
    Tcl_CreateObjCommand(interp, "::tcplab::wire", TcplabWireCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::tcplab::pcap", TcplabPcapCmd, NULL,
	    NULL);
    TcplabChanInit(interp);
    TcplabNetnsInit(interp);
    return Tcl_PkgProvideEx(interp, PACKAGE_NAME, PACKAGE_VERSION, NULL);
}
