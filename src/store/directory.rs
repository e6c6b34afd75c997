//! The vendor directory the core routes customer messages with, kept in the store so
//! that a webhook needs nothing from WordPress before (or after) its signature is
//! checked. The plugin replaces it whole when vendors change in bulk and puts or
//! removes one vendor when a user's profile, role or store changes; codes are given
//! out from it by [`crate::routing::directory`] each time it is read, so they stay
//! unique whatever order the changes came in.

use super::sql::params;

use super::{Store, StoreError};
use crate::routing::{self, VendorEntry, VendorListing};

impl Store {
    /// Every listed vendor, by vendor id.
    pub fn directory_listings(&self) -> Result<Vec<VendorListing>, StoreError> {
        let mut statement = self.conn().prepare_cached(
            "SELECT vendor_id, chosen_code, store_name FROM vendor_listing ORDER BY vendor_id",
        )?;
        let rows = statement.query_map(params![], |row| {
            Ok(VendorListing {
                vendor_id: row.get::<_, i64>(0)?.max(0) as u64,
                chosen_code: row.get(1)?,
                store_name: row.get(2)?,
            })
        })?;
        rows.collect::<Result<_, _>>()
    }

    /// The routing directory (codes given out) made from the stored listings.
    pub fn directory(&self) -> Result<Vec<VendorEntry>, StoreError> {
        Ok(routing::directory(&self.directory_listings()?))
    }

    /// Replaces the whole directory with `listings`, in one transaction.
    pub fn directory_replace(&self, listings: &[VendorListing]) -> Result<(), StoreError> {
        self.transact(|tx| {
            tx.conn().execute("DELETE FROM vendor_listing", params![])?;
            {
                let mut insert = tx.conn().prepare_cached(
                "INSERT INTO vendor_listing (vendor_id, chosen_code, store_name) VALUES (?1, ?2, ?3)
                 ON CONFLICT (vendor_id) DO NOTHING",
            )?;
                for listing in listings {
                    insert.execute(params![
                        listing.vendor_id as i64,
                        listing.chosen_code,
                        listing.store_name
                    ])?;
                }
            }
            Ok(())
        })
    }

    /// Adds a vendor or updates their code and store name. Returns whether anything
    /// changed (an unchanged listing writes nothing).
    pub fn directory_put(&self, listing: &VendorListing) -> Result<bool, StoreError> {
        let values = params![
            listing.vendor_id as i64,
            listing.chosen_code,
            listing.store_name
        ];
        // An update only where something differs, then an insert where there was no
        // row: one upsert with a WHERE has no MariaDB form.
        let updated = self.conn().execute(
            "UPDATE vendor_listing SET chosen_code = ?2, store_name = ?3
             WHERE vendor_id = ?1 AND (chosen_code <> ?2 OR store_name <> ?3)",
            values,
        )?;
        let inserted = self.conn().execute(
            "INSERT INTO vendor_listing (vendor_id, chosen_code, store_name) VALUES (?1, ?2, ?3)
             ON CONFLICT (vendor_id) DO NOTHING",
            values,
        )?;
        Ok(updated + inserted > 0)
    }

    /// Takes a vendor out of the directory. Returns whether they were in it.
    pub fn directory_remove(&self, vendor_id: u64) -> Result<bool, StoreError> {
        let removed = self.conn().execute(
            "DELETE FROM vendor_listing WHERE vendor_id = ?1",
            [vendor_id as i64],
        )?;
        Ok(removed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(vendor_id: u64, code: &str, name: &str) -> VendorListing {
        VendorListing {
            vendor_id,
            chosen_code: code.into(),
            store_name: name.into(),
        }
    }

    #[test]
    fn an_empty_store_has_an_empty_directory() {
        let store = Store::open_in_memory().unwrap();
        assert!(store.directory().unwrap().is_empty());
    }

    #[test]
    fn replace_put_and_remove_keep_the_listings_and_codes_stay_unique() {
        let store = Store::open_in_memory().unwrap();
        store
            .directory_replace(&[
                listing(12, "", "Bolt &amp; Co"),
                listing(7, "", "Bolt"),
                listing(7, "DUP", "Listed twice"),
            ])
            .unwrap();
        let entries = store.directory().unwrap();
        assert_eq!(
            entries,
            routing::directory(&[listing(7, "", "Bolt"), listing(12, "", "Bolt &amp; Co")])
        );
        assert_eq!(entries[1].store_name, "Bolt & Co");

        assert!(store.directory_put(&listing(30, "ACME", "Acme")).unwrap());
        assert!(
            !store.directory_put(&listing(30, "ACME", "Acme")).unwrap(),
            "unchanged"
        );
        assert!(
            store
                .directory_put(&listing(30, "ACME", "Acme Store"))
                .unwrap()
        );
        let acme = store
            .directory()
            .unwrap()
            .into_iter()
            .find(|e| e.vendor_id == 30)
            .unwrap();
        assert_eq!(
            (acme.code.as_str(), acme.store_name.as_str()),
            ("ACME", "Acme Store")
        );

        assert!(store.directory_remove(7).unwrap());
        assert!(!store.directory_remove(7).unwrap());
        let ids: Vec<u64> = store
            .directory()
            .unwrap()
            .iter()
            .map(|e| e.vendor_id)
            .collect();
        assert_eq!(ids, vec![12, 30]);

        store.directory_replace(&[]).unwrap();
        assert!(store.directory().unwrap().is_empty());
    }
}
