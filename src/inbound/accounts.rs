//! The `account_update` webhook of coexistence numbers: `PARTNER_REMOVED` (with an
//! optional `disconnection_info {reason, initiated_by}` and `phone_number`),
//! `ACCOUNT_OFFBOARDED` and `ACCOUNT_RECONNECTED`. The account is `entry[].id`; the
//! time, when given, is `entry[].time`. Events of other names are kept by name.

use serde_json::Value;

use super::{number_i64, text};
use crate::business_account::{AccountEvent, AccountEventKind};

/// Whether a change is an `account_update` one.
pub(super) fn is_account_update(change: &Value) -> bool {
    change.get("field").and_then(Value::as_str) == Some("account_update")
}

/// The account event an `account_update` change carries, if it names its event.
pub(super) fn event(entry: &Value, value: &Value) -> Option<AccountEvent> {
    let name = text(value, "/event").filter(|n| !n.trim().is_empty())?;
    let info =
        |key: &str| text(value, &format!("/disconnection_info/{key}")).filter(|t| !t.is_empty());
    Some(AccountEvent {
        waba_id: text(entry, "/id").unwrap_or_default(),
        kind: AccountEventKind::from_name(name.trim()),
        reason: info("reason"),
        initiated_by: info("initiated_by"),
        phone_number: text(value, "/phone_number").filter(|t| !t.is_empty()),
        time: entry.get("time").and_then(number_i64).filter(|t| *t > 0),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::business_account::AccountEventKind;
    use crate::inbound::parse;

    fn body(entry: serde_json::Value) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [entry]})
            .to_string()
            .into_bytes()
    }

    fn update(value: serde_json::Value) -> Vec<u8> {
        body(json!({"id": "102290129340398", "time": 1_751_248_800,
            "changes": [{"field": "account_update", "value": value}]}))
    }

    #[test]
    fn parses_partner_removed_with_its_disconnection_info() {
        let n = parse(&update(
            json!({"phone_number": "15550783881", "event": "PARTNER_REMOVED",
            "disconnection_info": {"reason": "PRIMARY_INACTIVITY", "initiated_by": "SYSTEM"}}),
        ))
        .unwrap();
        assert!(n.messages.is_empty() && n.statuses.is_empty() && n.template_events.is_empty());
        let event = &n.account_events[0];
        assert_eq!(event.waba_id, "102290129340398");
        assert_eq!(event.kind, AccountEventKind::PartnerRemoved);
        assert_eq!(event.reason.as_deref(), Some("PRIMARY_INACTIVITY"));
        assert_eq!(event.initiated_by.as_deref(), Some("SYSTEM"));
        assert_eq!(event.phone_number.as_deref(), Some("15550783881"));
        assert_eq!(event.time, Some(1_751_248_800));
    }

    #[test]
    fn parses_offboarded_and_reconnected_which_carry_only_the_event() {
        for (name, kind) in [
            ("ACCOUNT_OFFBOARDED", AccountEventKind::Offboarded),
            ("ACCOUNT_RECONNECTED", AccountEventKind::Reconnected),
        ] {
            let n = parse(&update(json!({"event": name}))).unwrap();
            assert_eq!(n.account_events.len(), 1);
            let event = &n.account_events[0];
            assert_eq!(event.kind, kind);
            assert_eq!(
                (&event.reason, &event.initiated_by, &event.phone_number),
                (&None, &None, &None)
            );
        }
    }

    #[test]
    fn tolerates_missing_and_odd_fields() {
        // No time, a numeric id, an unknown event: kept by name.
        let n = parse(&body(json!({"id": 102_290_129_340_398_u64,
            "changes": [{"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]})))
        .unwrap();
        let event = &n.account_events[0];
        assert_eq!(event.waba_id, "102290129340398");
        assert_eq!(event.time, None);
        assert_eq!(
            event.kind,
            AccountEventKind::Other("VERIFIED_ACCOUNT".into())
        );
        // No id, time as a string, an empty disconnection_info.
        let n = parse(&body(json!({"time": "1751248800",
            "changes": [{"field": "account_update", "value": {"event": "PARTNER_REMOVED", "disconnection_info": {}}}]})))
        .unwrap();
        assert_eq!(n.account_events[0].waba_id, "");
        assert_eq!(n.account_events[0].time, Some(1_751_248_800));
        assert_eq!(n.account_events[0].reason, None);
    }

    #[test]
    fn garbage_is_no_event_and_no_panic() {
        for value in [
            json!({}),
            json!({"event": null}),
            json!({"event": ""}),
            json!({"event": ["ACCOUNT_OFFBOARDED"]}),
            json!({"event": {"x": 1}}),
            json!("ACCOUNT_OFFBOARDED"),
            json!(42),
            json!({"event": "PARTNER_REMOVED", "disconnection_info": "gone", "phone_number": {"a": 1}}),
        ] {
            let n = parse(&update(value.clone())).unwrap();
            assert!(n.messages.is_empty() && n.statuses.is_empty());
            assert!(
                n.account_events
                    .iter()
                    .all(|e| e.kind == AccountEventKind::PartnerRemoved && e.reason.is_none()),
                "{value}"
            );
        }
        // A change without a value, or an entry whose time is garbage.
        let n = parse(&body(json!({"id": "1", "time": {"t": 1},
            "changes": [{"field": "account_update"}, {"field": "account_update", "value": {"event": "ACCOUNT_OFFBOARDED"}}]})))
        .unwrap();
        assert_eq!(n.account_events.len(), 1);
        assert_eq!(n.account_events[0].time, None);
    }
}
