//! `version.h`: run-time version queries.
