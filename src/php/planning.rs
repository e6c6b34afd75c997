//! A catalog sync planned page by page while its first changes are sent: the plugin
//! opens the plan, hands over each page of products as it reads it, and closes the
//! plan after the last. The open plans (and their senders) live in this worker between
//! those calls, taken out of the registry for each call.

use std::sync::{Mutex, PoisonError};

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::{positive_id, to_array};
use super::exceptions::validation;
use super::product::products_from_list;
use super::{
    CloudConnection, catalog_options, changes_from_array, fingerprints_from_array,
    price_changes_array, record, with_store,
};
use crate::catalog;
use crate::catalog::sync::{OpenPlan, Opened, Sender};
use crate::clock;

/// Adds this file's functions to the module.
pub(super) fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(catalog_sync_open))
        .function(wrap_function!(catalog_sync_page))
        .function(wrap_function!(catalog_sync_close))
        .function(wrap_function!(catalog_sync_abandon))
}

/// A plan this worker is making, with its sender and the price changes of the products
/// read so far.
struct Planning {
    plan: Box<OpenPlan>,
    sender: Option<Sender>,
    price_changes: Vec<(u64, Option<i64>)>,
}

/// The plans this worker is making. A request killed mid-read leaves its plan here
/// until the next plan of the vendor replaces it; its job ends anyway when the
/// planner's hold lapses.
static PLANNING: Mutex<Vec<Planning>> = Mutex::new(Vec::new());

/// Takes the vendor's plan of `job_id` out of the registry.
fn take(vendor_id: u64, job_id: i64) -> PhpResult<Planning> {
    let mut open = PLANNING.lock().unwrap_or_else(PoisonError::into_inner);
    let index = open
        .iter()
        .position(|p| p.plan.job_id() == job_id && p.plan.vendor_id() == vendor_id)
        .ok_or_else(|| {
            validation(format!(
                "no sync job {job_id} is being planned here for this vendor"
            ))
        })?;
    Ok(open.swap_remove(index))
}

fn put_back(planning: Planning) {
    PLANNING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(planning);
}

/// Ends a plan that will get no more pages: what was planned is sent, the rest waits
/// for the next sync.
fn give_up(planning: Planning) -> PhpResult<()> {
    let Planning { plan, sender, .. } = planning;
    let events = sender.map(Sender::stop).unwrap_or_default();
    with_store(|store| {
        record(store, events);
        plan.abandon(store, clock::now())?;
        Ok(())
    })
}

/// Starts a catalog sync of the vendor through `$connection` whose products come page
/// by page (`catalog_sync_page()`, then `catalog_sync_close()`), its changes sent as
/// they are planned (`$send` false: only planned, the slices send them). `$changes` is
/// what `catalog_sync_changes()` answered (without it, every product is read and no
/// noted change forgotten). Returns the
/// job as `catalog_sync_plan()` does, and `planning`: true for a new job to hand the
/// pages to; false when the vendor's running job was returned as it is.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_open")]
pub fn catalog_sync_open(
    vendor_id: i64,
    connection: &ZendHashTable,
    options: Option<&ZendHashTable>,
    changes: Option<&ZendHashTable>,
    send: Option<bool>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let connection = CloudConnection::from_array(connection)?;
    let (rules, options) = catalog_options(options)?;
    let changes = changes_from_array(changes)?;
    // A plan of the vendor left here by a request that stopped half-way.
    let stale: Vec<Planning> = {
        let mut open = PLANNING.lock().unwrap_or_else(PoisonError::into_inner);
        let (stale, kept) = open
            .drain(..)
            .partition(|p| p.plan.vendor_id() == vendor_id);
        *open = kept;
        stale
    };
    for planning in stale {
        // Its job may have ended meanwhile: nothing to give up then.
        let _ = give_up(planning);
    }
    let opened = with_store(|store| {
        Ok(catalog::sync::open(
            store,
            vendor_id,
            connection.input.catalog_id()?,
            &rules,
            &options,
            &changes,
            clock::now(),
        )?)
    })?;
    let plan = match opened {
        Opened::Running(job) => {
            let mut result = to_array(&job)?;
            result.insert("planning", false).map_err(super::internal)?;
            return Ok(result);
        }
        Opened::Planning(plan) => plan,
    };
    let job_id = plan.job_id();
    // Without a second connection (an in-memory store) or a thread, the plan is sent
    // after its close, as a plan made in one go is.
    let sender = match send {
        Some(false) => None,
        _ => with_store(|store| Ok(store.reopen().ok()))?.and_then(|own| {
            let client = connection.client.detached().ok()?;
            Sender::start(own, client, job_id, options).ok()
        }),
    };
    put_back(Planning {
        plan,
        sender,
        price_changes: Vec::new(),
    });
    let job = with_store(|store| Ok(catalog::sync::job(store, vendor_id, job_id)?))?;
    let mut result = to_array(&job)?;
    result.insert("planning", true).map_err(super::internal)?;
    Ok(result)
}

/// Plans one page of the vendor's products for the job `catalog_sync_open()` started:
/// `$products` as for `catalog_sync_plan()`; `$unchanged`, the products (and
/// variations) of the page's range a read of every product left unread;
/// `$fingerprints`, product id => fingerprint of each product it read. A page that
/// the store cannot plan gives the plan up: what was planned is sent, and the next
/// sync reads every product.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_page")]
pub fn catalog_sync_page(
    vendor_id: i64,
    job_id: i64,
    products: &ZendHashTable,
    unchanged: Option<Vec<i64>>,
    fingerprints: Option<&ZendHashTable>,
) -> PhpResult<bool> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let products = products_from_list(products)?;
    let unchanged = unchanged
        .unwrap_or_default()
        .into_iter()
        .map(|id| positive_id("unchanged", id))
        .collect::<PhpResult<Vec<u64>>>()?;
    let fingerprints = match fingerprints {
        None => Vec::new(),
        Some(map) => fingerprints_from_array(map).ok_or_else(|| {
            validation("fingerprints must map product ids to fingerprints of 1 to 128 bytes")
        })?,
    };
    let mut planning = take(vendor_id, job_id)?;
    let planned = with_store(|store| {
        Ok(planning
            .plan
            .page(store, &products, &unchanged, &fingerprints)?)
    });
    if let Err(error) = planned {
        let _ = give_up(planning);
        return Err(error);
    }
    planning.price_changes.extend(catalog::sync::price_changes(
        &products,
        vendor_id,
        clock::now(),
    ));
    put_back(planning);
    Ok(true)
}

/// Closes the plan `catalog_sync_open()` started once every page was handed over:
/// plans what only the whole catalog decides (the items no product lists any more),
/// forgets the noted changes the read covered. Returns the job as
/// `catalog_sync_plan()` does, `price_changes` included.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_close")]
pub fn catalog_sync_close(vendor_id: i64, job_id: i64) -> PhpResult<ZBox<ZendHashTable>> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    let Planning {
        plan,
        sender,
        price_changes,
    } = take(vendor_id, job_id)?;
    let closed = with_store(|store| Ok(plan.close(store, clock::now())?));
    // Stopped after the close: it sends until the last batches are queued.
    let events = sender.map(Sender::stop).unwrap_or_default();
    with_store(|store| {
        record(store, events);
        Ok(())
    })?;
    let mut result = to_array(&closed?)?;
    result
        .insert("price_changes", price_changes_array(&price_changes)?)
        .map_err(super::internal)?;
    Ok(result)
}

/// Gives up the plan `catalog_sync_open()` started (the read failed): what was planned
/// is sent, the noted changes stay for the next sync, which reads every product.
#[php_function]
#[php(name = "Wpwa\\catalog_sync_abandon")]
pub fn catalog_sync_abandon(vendor_id: i64, job_id: i64) -> PhpResult<bool> {
    let vendor_id = positive_id("vendor_id", vendor_id)?;
    give_up(take(vendor_id, job_id)?)?;
    Ok(true)
}
