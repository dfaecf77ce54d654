//! Unit tests of Image Builder sharing.
