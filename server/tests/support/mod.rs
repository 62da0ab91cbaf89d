//! Shared pieces of the model-checking test (`tests/model.rs`): an
//! in-process client of the real server, the reference model, the
//! transitions and the runner that compares the server with a fresh one
//! after every step.
#![allow(dead_code)]

pub mod actions;
pub mod client;
pub mod model;
pub mod reference;
pub mod run;
