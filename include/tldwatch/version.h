/*
 * version.h -- the version, from the Makefile's VERSION (-DTW_VERSION=...).
 *
 * One source: the Makefile.  A build that does not pass it fails here rather
 * than print a version that is not the one built.
 */
#ifndef TLDWATCH_VERSION_H
#define TLDWATCH_VERSION_H

#ifndef TW_VERSION
#error "TW_VERSION is not defined: build with make (it passes -DTW_VERSION from VERSION)"
#endif

#endif
