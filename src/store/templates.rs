//! The WhatsApp Business account's message templates (`message_template`) and which
//! account each business number belongs to (`template_account`), so a send from a
//! number is checked against that account's list.

use super::sql::{Db, OptionalExtension, Row, params};
use serde_json::Value;

use super::{Store, StoreError, WriteTx};
use crate::templates::{Change, Template};

/// A template as listed by the API, to store.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateRecord {
    /// The account.
    pub waba_id: String,
    /// Template name.
    pub name: String,
    /// Language code.
    pub language: String,
    /// The API's template id.
    pub template_id: String,
    /// Category, upper case.
    pub category: String,
    /// Status, upper case.
    pub status: String,
    /// Components, as listed.
    pub components: Value,
    /// Header and body parameters.
    pub parameter_count: u32,
    /// When it was listed (Unix seconds).
    pub refreshed_at: i64,
}

/// Templates, inside or outside a transaction.
pub struct TemplateRepo<'a> {
    conn: &'a Db,
}

impl Store {
    /// Message templates.
    pub fn templates(&self) -> TemplateRepo<'_> {
        TemplateRepo { conn: self.conn() }
    }
}

impl WriteTx<'_> {
    /// Message templates, inside this transaction.
    pub fn templates(&self) -> TemplateRepo<'_> {
        TemplateRepo { conn: self.conn() }
    }
}

const COLUMNS: &str = "waba_id, name, language, template_id, category, status, components,
     parameter_count, previous_category, category_changed_at, previous_status,
     status_changed_at, flagged, refreshed_at";

fn template(row: &Row<'_>) -> Result<Template, StoreError> {
    let components: String = row.get(6)?;
    Ok(Template {
        waba_id: row.get(0)?,
        name: row.get(1)?,
        language: row.get(2)?,
        template_id: row.get(3)?,
        category: row.get(4)?,
        status: row.get(5)?,
        components: serde_json::from_str(&components).unwrap_or(Value::Array(Vec::new())),
        parameter_count: row.get(7)?,
        previous_category: row.get(8)?,
        category_changed_at: row.get(9)?,
        previous_status: row.get(10)?,
        status_changed_at: row.get(11)?,
        flagged: row.get(12)?,
        refreshed_at: row.get(13)?,
    })
}

impl TemplateRepo<'_> {
    /// The account a business number was last refreshed with.
    pub fn account_of(&self, phone_number_id: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT waba_id FROM template_account WHERE phone_number_id = ?1",
                params![phone_number_id],
                |row| row.get(0),
            )
            .optional()
    }

    /// Records that `phone_number_id` belongs to account `waba_id`.
    pub fn remember_account(
        &self,
        phone_number_id: &str,
        waba_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO template_account (phone_number_id, waba_id, refreshed_at)
             VALUES (?1, ?2, ?3)
             ON CONFLICT (phone_number_id) DO UPDATE
                 SET waba_id = excluded.waba_id, refreshed_at = excluded.refreshed_at",
            params![phone_number_id, waba_id, now],
        )?;
        Ok(())
    }

    /// One template.
    pub fn get(
        &self,
        waba_id: &str,
        name: &str,
        language: &str,
    ) -> Result<Option<Template>, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM message_template
                     WHERE waba_id = ?1 AND name = ?2 AND language = ?3"
                ),
                params![waba_id, name, language],
                template,
            )
            .optional()
    }

    /// Every template (of one account), by account, name and language.
    pub fn list(&self, waba_id: Option<&str>) -> Result<Vec<Template>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM message_template
             WHERE ?1 IS NULL OR waba_id = ?1
             ORDER BY waba_id, name, language"
        ))?;
        let rows = statement.query_map(params![waba_id], template)?;
        rows.collect::<Result<_, _>>()
    }

    /// Replaces the account's templates with `records`: new ones are added, listed
    /// ones updated (a changed category or status is recorded with its previous value
    /// and flagged), and ones no longer listed removed. Returns the changes and how
    /// many were removed.
    pub fn replace_account(
        &self,
        waba_id: &str,
        records: &[TemplateRecord],
        now: i64,
    ) -> Result<(Vec<Change>, usize), StoreError> {
        let mut changes = Vec::new();
        for record in records {
            let before = self.get(waba_id, &record.name, &record.language)?;
            self.conn.execute(
                "INSERT INTO message_template
                     (waba_id, name, language, template_id, category, status, components,
                      parameter_count, refreshed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (waba_id, name, language) DO UPDATE SET
                     template_id = excluded.template_id,
                     components = excluded.components,
                     parameter_count = excluded.parameter_count,
                     refreshed_at = excluded.refreshed_at",
                params![
                    waba_id,
                    record.name,
                    record.language,
                    record.template_id,
                    record.category,
                    record.status,
                    record.components.to_string(),
                    record.parameter_count,
                    now
                ],
            )?;
            if let Some(before) = before {
                changes.extend(self.record_category(&before, &record.category, now)?);
                changes.extend(self.record_status(&before, &record.status, now)?);
            }
        }
        let mut removed = 0;
        for stored in self.list(Some(waba_id))? {
            let listed = records
                .iter()
                .any(|r| r.name == stored.name && r.language == stored.language);
            if !listed {
                removed += self.conn.execute(
                    "DELETE FROM message_template
                     WHERE waba_id = ?1 AND name = ?2 AND language = ?3",
                    params![waba_id, stored.name, stored.language],
                )?;
            }
        }
        Ok((changes, removed))
    }

    /// Sets a template's category (a `template_category_update` webhook); returns the
    /// change, or nothing when it already had that category or is not stored.
    pub fn set_category(
        &self,
        waba_id: &str,
        name: &str,
        language: &str,
        category: &str,
        now: i64,
    ) -> Result<Vec<Change>, StoreError> {
        let Some(before) = self.get(waba_id, name, language)? else {
            return Ok(Vec::new());
        };
        Ok(self
            .record_category(&before, &category.to_ascii_uppercase(), now)?
            .into_iter()
            .collect())
    }

    /// Sets a template's status (a `message_template_status_update` webhook), adding
    /// the template when it is not stored yet and the webhook gives its category;
    /// returns the changes.
    #[allow(clippy::too_many_arguments)]
    pub fn set_status(
        &self,
        waba_id: &str,
        name: &str,
        language: &str,
        template_id: &str,
        status: &str,
        category: Option<&str>,
        now: i64,
    ) -> Result<Vec<Change>, StoreError> {
        let status = status.to_ascii_uppercase();
        let category = category.map(str::to_ascii_uppercase);
        let Some(before) = self.get(waba_id, name, language)? else {
            if let Some(category) = category {
                self.conn.execute(
                    "INSERT INTO message_template
                         (waba_id, name, language, template_id, category, status, refreshed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![waba_id, name, language, template_id, category, status, now],
                )?;
            }
            return Ok(Vec::new());
        };
        let mut changes: Vec<Change> = self
            .record_status(&before, &status, now)?
            .into_iter()
            .collect();
        if let Some(category) = category {
            changes.extend(self.record_category(&before, &category, now)?);
        }
        Ok(changes)
    }

    /// Clears a template's flag; whether it was flagged.
    pub fn acknowledge(
        &self,
        waba_id: &str,
        name: &str,
        language: &str,
    ) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "UPDATE message_template SET flagged = 0
             WHERE waba_id = ?1 AND name = ?2 AND language = ?3 AND flagged = 1",
            params![waba_id, name, language],
        )? > 0)
    }

    fn record_category(
        &self,
        before: &Template,
        category: &str,
        now: i64,
    ) -> Result<Option<Change>, StoreError> {
        self.record_change(before, "category", &before.category, category, now)
    }

    fn record_status(
        &self,
        before: &Template,
        status: &str,
        now: i64,
    ) -> Result<Option<Change>, StoreError> {
        self.record_change(before, "status", &before.status, status, now)
    }

    /// Records a new value of `field` (`category` or `status`), keeping the previous
    /// one and flagging the template; nothing when the value is empty or unchanged.
    fn record_change(
        &self,
        before: &Template,
        field: &'static str,
        previous: &str,
        value: &str,
        now: i64,
    ) -> Result<Option<Change>, StoreError> {
        if value.is_empty() || previous == value {
            return Ok(None);
        }
        let sql = match field {
            "category" => {
                "UPDATE message_template
                     SET category = ?4, previous_category = ?5, category_changed_at = ?6,
                         flagged = 1, refreshed_at = ?6
                 WHERE waba_id = ?1 AND name = ?2 AND language = ?3"
            }
            _ => {
                "UPDATE message_template
                     SET status = ?4, previous_status = ?5, status_changed_at = ?6,
                         flagged = 1, refreshed_at = ?6
                 WHERE waba_id = ?1 AND name = ?2 AND language = ?3"
            }
        };
        self.conn.execute(
            sql,
            params![
                before.waba_id,
                before.name,
                before.language,
                value,
                previous,
                now
            ],
        )?;
        Ok(Some(Change {
            name: before.name.clone(),
            language: before.language.clone(),
            field,
            from: previous.to_owned(),
            to: value.to_owned(),
        }))
    }
}
