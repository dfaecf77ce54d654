//! Unit tests of RAM.
