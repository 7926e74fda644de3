/* karasu-rv's system mode as a whole, for the program's main (rv/main.c). */
#ifndef KARASU_RV_SYSTEM_SYSTEM_H
#define KARASU_RV_SYSTEM_SYSTEM_H

#include <stdbool.h>

/* True when the command line asks for a machine (-M/-machine/-kernel/-bios before any program name). */
bool rv_system_wanted(int argc, char **argv);
/* Runs the machine the command line describes; returns the process exit status. */
int rv_system_main(int argc, char **argv);

#endif
