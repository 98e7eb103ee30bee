//! `debug.h`: the debug threshold.
