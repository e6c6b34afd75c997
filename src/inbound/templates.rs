//! The account-level template webhooks: `template_category_update` (a category that
//! changed, or will change) and `message_template_status_update` (approved, rejected,
//! paused, disabled…). Their `value` has no `metadata`; the account is `entry[].id`.

use serde_json::Value;

use super::{number_i64, text};
use crate::templates::{TemplateEvent, TemplateEventKind};

/// The template event a change carries, if it is one of the template fields and
/// names its template.
pub(super) fn event(entry: &Value, change: &Value, value: &Value) -> Option<TemplateEvent> {
    let field = change.get("field").and_then(Value::as_str)?;
    let kind = match field {
        "template_category_update" => match (
            text(value, "/previous_category"),
            text(value, "/new_category"),
            text(value, "/correct_category"),
        ) {
            (Some(previous), Some(new), _) => TemplateEventKind::CategoryChanged { previous, new },
            (None, _, Some(correct)) => TemplateEventKind::CategoryChangePlanned {
                correct,
                at: value.get("category_update_timestamp").and_then(number_i64),
            },
            _ => return None,
        },
        "message_template_status_update" => TemplateEventKind::StatusChanged {
            status: text(value, "/event")?,
            reason: text(value, "/reason"),
            category: text(value, "/message_template_category"),
        },
        _ => return None,
    };
    Some(TemplateEvent {
        waba_id: text(entry, "/id").unwrap_or_default(),
        name: text(value, "/message_template_name")?,
        language: text(value, "/message_template_language")?,
        template_id: text(value, "/message_template_id").unwrap_or_default(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::templates::TemplateEventKind;

    fn body(field: &str, value: serde_json::Value) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "time": 1751248800,
            "changes": [{"field": field, "value": value}]}]})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn parses_a_completed_and_a_planned_category_change() {
        let done = crate::inbound::parse(&body(
            "template_category_update",
            json!({"message_template_id": 1_234_567_890_u64, "message_template_name": "order_shipped",
                "message_template_language": "en_US", "previous_category": "UTILITY", "new_category": "MARKETING"}),
        ))
        .unwrap();
        assert!(done.messages.is_empty() && done.statuses.is_empty());
        let event = &done.template_events[0];
        assert_eq!(event.waba_id, "102290129340398");
        assert_eq!(event.template_id, "1234567890");
        assert_eq!(
            event.kind,
            TemplateEventKind::CategoryChanged {
                previous: "UTILITY".into(),
                new: "MARKETING".into()
            }
        );
        let planned = crate::inbound::parse(&body(
            "template_category_update",
            json!({"message_template_id": 1, "message_template_name": "t", "message_template_language": "en",
                "correct_category": "MARKETING", "new_category": "UTILITY", "category_update_timestamp": 1751500000}),
        ))
        .unwrap();
        assert_eq!(
            planned.template_events[0].kind,
            TemplateEventKind::CategoryChangePlanned {
                correct: "MARKETING".into(),
                at: Some(1_751_500_000)
            }
        );
    }

    #[test]
    fn parses_a_status_update() {
        let paused = crate::inbound::parse(&body(
            "message_template_status_update",
            json!({"event": "PAUSED", "message_template_id": 5, "message_template_name": "spring_sale",
                "message_template_language": "en_US", "reason": "LOW_QUALITY", "message_template_category": "MARKETING"}),
        ))
        .unwrap();
        assert_eq!(
            paused.template_events[0].kind,
            TemplateEventKind::StatusChanged {
                status: "PAUSED".into(),
                reason: Some("LOW_QUALITY".into()),
                category: Some("MARKETING".into())
            }
        );
        // Without a name, nothing to apply.
        let nameless = crate::inbound::parse(&body(
            "message_template_status_update",
            json!({"event": "APPROVED", "message_template_language": "en_US"}),
        ))
        .unwrap();
        assert!(nameless.template_events.is_empty());
    }
}
