//! `sharesim`: the harness around the reference model.
#![deny(missing_docs)]
