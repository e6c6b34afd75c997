//! What the admin's Vendors page shows for each vendor, gathered in one call: the
//! linked session, the latest catalog sync, the catalog's per-product counts, the
//! messages sent this month and the response figures. Before, the page asked for each
//! of these separately, five or six calls into the extension per row.

use serde::Serialize;

use crate::catalog::sync::{self, CatalogSummary, JobSummary, SyncError};
use crate::messaging::{self, MessagingError};
use crate::response::{self, ResponseMetrics};
use crate::session::{self, Policy, SessionError, SessionStatus};
use crate::store::{Store, StoreError};

/// What can go wrong gathering an overview.
#[derive(Debug, thiserror::Error)]
pub enum OverviewError {
    /// Reading the session failed.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Reading the sync job or the catalog counts failed.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// Counting the month's messages failed.
    #[error(transparent)]
    Messaging(#[from] MessagingError),
    /// Reading the response figures failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A vendor of the page, with the catalog their counts are read for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorRow {
    /// WordPress user id.
    pub vendor_id: u64,
    /// The catalog their products sync to; `None` when no connection applies.
    pub catalog_id: Option<String>,
}

/// One row of the Vendors page.
#[derive(Debug, Clone, Serialize)]
pub struct VendorOverview {
    /// WordPress user id.
    pub vendor_id: u64,
    /// The linked session, as `session::status` gives it.
    pub session: SessionStatus,
    /// The latest catalog sync, if any.
    pub sync: Option<JobSummary>,
    /// Per-product counts of the vendor's catalog, when it has one.
    pub catalog: Option<CatalogSummary>,
    /// Messages sent for the vendor this calendar month (UTC).
    pub messages_this_month: u64,
    /// How the vendor answered customers since `since`.
    pub response: ResponseMetrics,
}

/// The overview of each vendor in `rows`, in their order. `since` bounds the response
/// figures (Unix seconds).
pub fn vendors(
    store: &Store,
    rows: &[VendorRow],
    policy: &Policy,
    since: i64,
    now: i64,
) -> Result<Vec<VendorOverview>, OverviewError> {
    rows.iter()
        .map(|row| {
            Ok(VendorOverview {
                vendor_id: row.vendor_id,
                session: session::status(store, row.vendor_id, policy, now)?,
                sync: sync::latest_job(store, row.vendor_id)?,
                catalog: row
                    .catalog_id
                    .as_deref()
                    .map(|catalog| sync::summary(store, row.vendor_id, catalog))
                    .transpose()?,
                messages_this_month: messaging::sent_this_month(store, row.vendor_id, now)?,
                response: response::metrics(store, row.vendor_id, since, now)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_gets_the_figures_the_single_calls_give() {
        let store = Store::open_in_memory().unwrap();
        let policy = Policy::default();
        let now = 1_800_000_000;
        let rows = [
            VendorRow {
                vendor_id: 7,
                catalog_id: Some("123".into()),
            },
            VendorRow {
                vendor_id: 9,
                catalog_id: None,
            },
        ];
        let overview = vendors(&store, &rows, &policy, now - 30 * 86_400, now).unwrap();
        assert_eq!(overview.len(), 2);
        assert_eq!(overview[0].vendor_id, 7);
        assert_eq!(
            serde_json::to_value(&overview[0].session).unwrap(),
            serde_json::to_value(session::status(&store, 7, &policy, now).unwrap()).unwrap()
        );
        assert!(overview[0].sync.is_none());
        assert_eq!(
            serde_json::to_value(&overview[0].catalog).unwrap(),
            serde_json::to_value(Some(sync::summary(&store, 7, "123").unwrap())).unwrap()
        );
        assert_eq!(overview[0].messages_this_month, 0);
        assert_eq!(
            serde_json::to_value(&overview[1].response).unwrap(),
            serde_json::to_value(response::metrics(&store, 9, now - 30 * 86_400, now).unwrap())
                .unwrap()
        );
        assert!(overview[1].catalog.is_none(), "no catalog, no counts");
    }
}
