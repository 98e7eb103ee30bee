//! `ssl_ciphersuites.h`: cipher suite identifiers (IANA numbers) and name lookups.
