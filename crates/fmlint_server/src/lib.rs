//! fmlint's language server: the linter in editors, over the Language
//! Server Protocol on standard input and output.
//!
//! - [`server`]: the session: requests, notifications, progress, code
//!   actions, publishing;
//! - [`transport`]: the protocol's framing on byte streams;
//! - [`positions`]: positions and URIs in the protocol's terms;
//! - [`assist`]: completion, hover and go-to-definition inside the front
//!   matter, from the schema and the corpus's ids;
//! - [`ignore`]: the edits of the "ignore this finding" quick fixes;
//! - [`watch`]: our own watch of the corpus on disk, for clients that
//!   cannot watch files for us;
//! - [`workspace`]: the corpus as the editor sees it (open buffers over the
//!   files on disk), re-checked incrementally on each change.
//!
//! It must not know about command-line parsing or output formats.

pub mod assist;
pub mod ignore;
pub mod positions;
mod reach;
pub mod server;
mod transport;
mod watch;
pub mod workspace;

pub use server::run;
