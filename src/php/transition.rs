//! The transition a session call made, returned with the session so that the plugin
//! need not read the session before the call to tell what changed.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::to_array;
use super::exceptions::internal;
use crate::session::{SessionState, SessionStatus};

/// The session as `session_status()` gives it, plus `transition`: `from` (the state
/// before the call, null before any session) and `to` (the state after it).
pub(super) fn status_with_transition(
    status: &SessionStatus,
    from: Option<SessionState>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let mut out = to_array(status)?;
    let mut transition = ZendHashTable::with_capacity(2);
    match from {
        Some(state) => transition.insert("from", state.as_str()),
        None => transition.insert("from", ()),
    }
    .map_err(internal)?;
    transition
        .insert("to", status.state.as_str())
        .map_err(internal)?;
    out.insert("transition", transition).map_err(internal)?;
    Ok(out)
}
