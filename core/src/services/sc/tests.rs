//! Unit tests of the Service Catalog rules.
