<?php

// Stubs for wpwa

namespace Wpwa {
    /**
     * Authentication failed.
     */
    class AuthException extends \Wpwa\Exception {
        public function __construct() {}
    }

    /**
     * The vendor's messages this month, at the rate card's prices, have reached the
     * monthly cost cap. The code is the seconds until the month turns (UTC), as for every
     * `Wpwa\RateLimitedException`; the message names the cap as `<decimal> <ISO 4217
     * code>` and the day sends resume as `YYYY-MM-DD`.
     */
    class CostCapException extends \Wpwa\RateLimitedException {
        public function __construct() {}
    }

    /**
     * Base class of every exception the extension throws.
     */
    class Exception extends \Exception {
        public function __construct() {}
    }

    /**
     * The thing asked for does not exist.
     */
    class NotFoundException extends \Wpwa\Exception {
        public function __construct() {}
    }

    /**
     * A pairing code cannot be issued. The code says why, for the plugin to word:
     * 1 the number is not a WhatsApp number, 2 the session is not waiting to be linked,
     * 3 the number is linked to another vendor.
     */
    class PairingException extends \Wpwa\ValidationException {
        public function __construct() {}
    }

    /**
     * A limit was reached; the code holds the seconds to wait before retrying.
     */
    class RateLimitedException extends \Wpwa\Exception {
        public function __construct() {}
    }

    /**
     * The operational store failed or is unusable.
     */
    class StorageException extends \Wpwa\Exception {
        public function __construct() {}
    }

    /**
     * A WhatsApp template may not be sent: unknown, not approved, paused, disabled, or
     * sent with the wrong parameters. The code is the Cloud API's error code for the same
     * refusal (132001, 132015, 132016, 132000, or another 132xxx), whether the core
     * refused before any call or the API did.
     */
    class TemplateException extends \Wpwa\ValidationException {
        public function __construct() {}
    }

    /**
     * The token was issued for another audience.
     */
    class TokenAudienceException extends \Wpwa\AuthException {
        public function __construct() {}
    }

    /**
     * The token's lifetime has passed.
     */
    class TokenExpiredException extends \Wpwa\AuthException {
        public function __construct() {}
    }

    /**
     * The token is not a well-formed wpwa token.
     */
    class TokenMalformedException extends \Wpwa\AuthException {
        public function __construct() {}
    }

    /**
     * The token's signature does not verify with this site's secret.
     */
    class TokenSignatureException extends \Wpwa\AuthException {
        public function __construct() {}
    }

    /**
     * A remote service could not be reached or answered badly.
     */
    class TransportException extends \Wpwa\Exception {
        public function __construct() {}
    }

    /**
     * The caller passed a value the core cannot accept; the message says which and why.
     */
    class ValidationException extends \Wpwa\Exception {
        public function __construct() {}
    }

    /**
     * One account's state (keys as for `business_accounts()`), or null when no
     * `account_update` webhook has been seen for it (it is taken as connected).
     *
     * @param string $waba_id
     * @return array|null
     */
    function business_account(string $waba_id): ?array {}

    /**
     * Every WhatsApp Business account an `account_update` webhook has set the state of,
     * by WABA id: `waba_id`, `state` (`connected`, `offboarded`, `disconnected`),
     * `last_event` (`ACCOUNT_OFFBOARDED`, `PARTNER_REMOVED`, `ACCOUNT_RECONNECTED`),
     * `reason`, `initiated_by`, `phone_number` (null when not given), `event_at` (when
     * the event happened) and `changed_at` (when the state last changed).
     *
     * @return array
     */
    function business_accounts(): array {}

    /**
     * Claims the cart received with `$wamid` for this worker: the cart (`wamid`,
     * `phone_number_id`, `customer`, `customer_name`, `catalog_id`, `note`, `lines` —
     * each `retailer_id`, `quantity`, `item_price`, `currency`, `product_id` (the product
     * the catalog sync listed under it, or null) —, `state`, `received_at`…), or null
     * when another worker has it or it is finished. `Wpwa\NotFoundException` for a wamid
     * no cart was received with.
     *
     * @param string $wamid
     * @return array|null
     */
    function cart_claim(string $wamid): ?array {}

    /**
     * The cart received with `$wamid` (keys as `cart_claim()` gives them, plus `state`,
     * `order_id`, `refusal`, `problems` and `parts`), or null.
     *
     * @param string $wamid
     * @return array|null
     */
    function cart_get(string $wamid): ?array {}

    /**
     * The account whose billing phone is the WhatsApp number `$whatsapp_id` (digits), of
     * `$accounts` (`['user_id', 'phone']`, the phone as saved): the same digits, or the end
     * of the WhatsApp number for a phone saved without its country code; null for none.
     * `Wpwa\ValidationException` for a malformed account.
     *
     * @param string $whatsapp_id
     * @param array $accounts
     * @return int|null
     */
    function cart_match_phone(string $whatsapp_id, array $accounts): ?int {}

    /**
     * Records that the claimed cart `$wamid` became order `$order_id`; `$parts` lists
     * each vendor's part as `['vendor_id', 'order_id']` (the order itself, or the
     * marketplace's sub-order). Returns the cart as `cart_get()` does.
     * `Wpwa\ValidationException` when the cart is not claimed or an id is not positive.
     *
     * @param string $wamid
     * @param int $order_id
     * @param array $parts
     * @return array
     */
    function cart_ordered(string $wamid, int $order_id, array $parts): array {}

    /**
     * Runs the order rule on the claimed cart `$wamid` with what WooCommerce says now
     * about its retailer ids: `$offers` lists `retailer_id`, `product_id`, `vendor_id`,
     * `name`, `price`, `currency`, `purchasable`, `in_stock`, `stock_quantity` (null
     * when stock is not managed or backorders are allowed). Records and returns the plan:
     * `lines` (`retailer_id`, `product_id`, `vendor_id`, `name`, `quantity`,
     * `unit_price`, `currency`), `problems` (`retailer_id`, `code` — `gone`,
     * `out_of_stock`, `not_enough_stock`, `price_changed`, `bad_quantity` —, `name`,
     * `vendor_id`, `requested`, `kept`, `old_price`, `new_price`, `currency`),
     * `nothing_left`, `refusal` (`unknown_products`, `nothing_left` or null) and
     * `vendors`. `Wpwa\ValidationException` for a malformed offer or a cart not claimed.
     *
     * @param string $wamid
     * @param array $offers
     * @return array
     */
    function cart_plan(string $wamid, array $offers): array {}

    /**
     * Records that the claimed cart `$wamid` made no order, with a code (`a-z`, `0-9`,
     * `_`; e.g. the plan's `refusal`, or `order_failed`). Returns the cart.
     * `Wpwa\ValidationException` for a bad code or a cart not claimed.
     *
     * @param string $wamid
     * @param string $code
     * @return array
     */
    function cart_refused(string $wamid, string $code): array {}

    /**
     * Sends the customer the answer to the cart `$wamid` (`$body`: the pay link and what
     * changed, or why no order was made) as free text through `$connection` (`url`,
     * `version`, `token`, `phone_number_id`: the number the cart arrived on), on behalf of
     * `$vendor_id` (0: the marketplace). The cart opened the 24-hour window; after it,
     * `Wpwa\ValidationException`. Returns the message's `wamid`. API failures are the
     * exceptions `message_send()` throws; `Wpwa\NotFoundException` for an unknown cart.
     *
     * @param string $wamid
     * @param string $body
     * @param array $connection
     * @param int $vendor_id
     * @return string
     */
    function cart_reply(string $wamid, string $body, array $connection, int $vendor_id): string {}

    /**
     * The vendor's parts of WhatsApp orders, newest first: `wamid`, `order_id` (the order
     * or sub-order holding their items), `cart_order_id`, `customer`, `customer_name`,
     * `problems` (of their own lines) and `created_at`.
     *
     * @param int $vendor_id
     * @param int|null $limit
     * @return array
     */
    function cart_vendor_parts(int $vendor_id, ?int $limit = null): array {}

    /**
     * Notes that the vendor's `$product_ids` changed (a variation's id and its product's),
     * for the next sync to read; null: more than can be named, the next sync reads every
     * product.
     *
     * @param int $vendor_id
     * @param array|null $product_ids
     * @return bool
     */
    function catalog_changes_note(int $vendor_id, ?array $product_ids = null): bool {}

    /**
     * Checks the vendor's product `$records` (as for `catalog_prepare()`, under `$rules`)
     * and stores each product's verdict. `$products` null: the records are the vendor's
     * whole catalog, checked under the rules the plugin names `$rules_key`, and replace
     * every stored verdict of the vendor. `$products` a list of product ids: only those
     * products (with their variations) are replaced, by what `$records` holds for them
     * (nothing: they are gone). Returns how many products are `ready`, `invalid` and
     * `not_listed` among `$records`.
     *
     * @param int $vendor_id
     * @param array $records
     * @param array|null $rules
     * @param string $rules_key
     * @param array|null $products
     * @return array
     */
    function catalog_check(int $vendor_id, array $records, ?array $rules = null, string $rules_key, ?array $products = null): array {}

    /**
     * The vendor's stored checks, when their whole catalog was checked under the rules
     * named `$rules_key`: `ready`, `needs_attention` and `attention` (the first `$limit`,
     * at most 500, products that need attention, by id: `product_id`, `parent_id`,
     * `retailer_id`, `status`, `problems` (each a `code` with its values)). Null when no such check
     * was made (never, or under other rules): the caller checks the whole catalog.
     *
     * @param int $vendor_id
     * @param string $rules_key
     * @param int|null $limit
     * @return array|null
     */
    function catalog_checked(int $vendor_id, string $rules_key, ?int $limit = null): ?array {}

    /**
     * Forgets the vendor's stored checks, so that the next `catalog_checked()` is null
     * and the whole catalog is checked again (after a bulk import, say, where checking
     * product by product would cost more). Returns whether anything was stored.
     *
     * @param int $vendor_id
     * @return bool
     */
    function catalog_checks_forget(int $vendor_id): bool {}

    /**
     * Checks products for the WhatsApp catalog. `$products` is a list of product records
     * as the plugin's readers produce them; `$rules` may set `currency`,
     * `max_image_bytes` and `default_brand`. Returns one entry per product:
     * `product_id`, `retailer_id`, `status` (`ready`, `invalid`, `not_listed`),
     * `problems` (each a `code` and its parameters, e.g. `max` in bytes), when ready
     * `item` (the catalog item as the JSON the API receives), and `next_price_change`
     * (Unix seconds when a scheduled sale starts or ends and the product must be synced
     * again, or null). `$now` (Unix
     * seconds, default the current time) is when the catalog is read: a sale price counts
     * only inside its dates.
     *
     * @param array $products
     * @param array|null $rules
     * @param int|null $now
     * @return array
     */
    function catalog_prepare(array $products, ?array $rules = null, ?int $now = null): array {}

    /**
     * The vendor's catalog at a glance: `pending`, `synced`, `rejected`,
     * `needs_attention`, and `attention` (`product_id`, `retailer_id`, `state`,
     * `problems`, each a `code` and its parameters).
     *
     * @param int $vendor_id
     * @param string $catalog_id
     * @return array
     */
    function catalog_summary(int $vendor_id, string $catalog_id): array {}

    /**
     * Gives up the plan `catalog_sync_open()` started (the read failed): what was planned
     * is sent, the noted changes stay for the next sync, which reads every product.
     *
     * @param int $vendor_id
     * @param int $job_id
     * @return bool
     */
    function catalog_sync_abandon(int $vendor_id, int $job_id): bool {}

    /**
     * What the vendor's next sync into the connection's catalog must read: `upto` (hand
     * it back to `catalog_sync_plan()`), `full` (true: every product; false: only
     * `product_ids`, the products and variations noted as changed since the last sync).
     * Every product when `$full` asks for it, when no sync under the same `$options`
     * rules read them all before, or after a change too large to name.
     *
     * @param int $vendor_id
     * @param array $connection
     * @param array|null $options
     * @param bool|null $full
     * @return array
     */
    function catalog_sync_changes(int $vendor_id, array $connection, ?array $options = null, ?bool $full = null): array {}

    /**
     * Claims the report of a finished sync job's end: true for exactly one caller (the
     * one that writes the vendor's activity-log line), false when reported before, still
     * running, or not the vendor's job.
     *
     * @param int $vendor_id
     * @param int $job_id
     * @return bool
     */
    function catalog_sync_claim_report(int $vendor_id, int $job_id): bool {}

    /**
     * Closes the plan `catalog_sync_open()` started once every page was handed over:
     * plans what only the whole catalog decides (the items no product lists any more),
     * forgets the noted changes the read covered. Returns the job as
     * `catalog_sync_plan()` does, `price_changes` included.
     *
     * @param int $vendor_id
     * @param int $job_id
     * @return array
     */
    function catalog_sync_close(int $vendor_id, int $job_id): array {}

    /**
     * Starts a catalog sync of the vendor through `$connection` whose products come page
     * by page (`catalog_sync_page()`, then `catalog_sync_close()`), its changes sent as
     * they are planned (`$send` false: only planned, the slices send them). `$changes` is
     * what `catalog_sync_changes()` answered (without it, every product is read and no
     * noted change forgotten). Returns the
     * job as `catalog_sync_plan()` does, and `planning`: true for a new job to hand the
     * pages to; false when the vendor's running job was returned as it is.
     *
     * @param int $vendor_id
     * @param array $connection
     * @param array|null $options
     * @param array|null $changes
     * @param bool|null $send
     * @return array
     */
    function catalog_sync_open(int $vendor_id, array $connection, ?array $options = null, ?array $changes = null, ?bool $send = null): array {}

    /**
     * Plans one page of the vendor's products for the job `catalog_sync_open()` started:
     * `$products` as for `catalog_sync_plan()`; `$unchanged`, the products (and
     * variations) of the page's range a read of every product left unread;
     * `$fingerprints`, product id => fingerprint of each product it read. A page that
     * the store cannot plan gives the plan up: what was planned is sent, and the next
     * sync reads every product.
     *
     * @param int $vendor_id
     * @param int $job_id
     * @param array $products
     * @param array|null $unchanged
     * @param array|null $fingerprints
     * @return bool
     */
    function catalog_sync_page(int $vendor_id, int $job_id, array $products, ?array $unchanged = null, ?array $fingerprints = null): bool {}

    /**
     * Plans a catalog sync of the vendor's `$products` through `$connection` (`url`,
     * `version`, `token`, `catalog_id`). `$products` is a list of pages (each a JSON list
     * of the product reader's records, as `json_encode` writes it) or of record arrays.
     * `$changes` is what `catalog_sync_changes()` answered when the products were read
     * (`upto`, `full`, `product_ids`): the noted changes it covers are forgotten, and with
     * `full` false only those products are compared; without it the products are the
     * whole catalog. Returns the job: `job_id`, `state`, `total`, `processed`, `synced`,
     * `deleted`, `rejected`, `error` (null, or why it stopped or waits as a `code` and its
     * parameters), `wait_until_ms`, `created_at`, `finished_at`, and `price_changes`
     * (product id => Unix seconds when a scheduled sale of a product read starts or ends
     * and it must be synced again, or null). A running job is returned as it is.
     *
     * @param int $vendor_id
     * @param array $products
     * @param array $connection
     * @param array|null $options
     * @param array|null $changes
     * @return array
     */
    function catalog_sync_plan(int $vendor_id, array $products, array $connection, ?array $options = null, ?array $changes = null): array {}

    /**
     * Works on a sync job for at most `$budget_ms` (default 10 s, at most 60 s), then
     * returns its progress. Call it again (from cron or the dashboard) until `state` is
     * `done` or `failed`.
     *
     * @param int $vendor_id
     * @param int $job_id
     * @param array $connection
     * @param array|null $options
     * @param int|null $budget_ms
     * @return array
     */
    function catalog_sync_run(int $vendor_id, int $job_id, array $connection, ?array $options = null, ?int $budget_ms = null): array {}

    /**
     * The vendor's latest sync job (or `$job_id`, if it is theirs); null when none.
     *
     * @param int $vendor_id
     * @param int|null $job_id
     * @return array|null
     */
    function catalog_sync_status(int $vendor_id, ?int $job_id = null): ?array {}

    /**
     * Of `$candidates` (each `product_id`, `fingerprint` of its database rows now, and
     * `variations`: its variations' ids), the product ids a read of every product of the
     * vendor may leave unread: same fingerprint as when last read for the connection's
     * catalog under the same `$options` rules, no scheduled sale of theirs due since, no
     * item of theirs waiting to be sent again.
     *
     * @param int $vendor_id
     * @param array $connection
     * @param array|null $options
     * @param array $candidates
     * @return array
     */
    function catalog_sync_unchanged(int $vendor_id, array $connection, ?array $options = null, array $candidates): array {}

    /**
     * The chat button's link to `$number` (a WhatsApp number; `+`, spaces, dashes and
     * brackets allowed) with `$pattern` filled in (`{product}`, `{store}`, `{code}` as
     * `#CODE`, appended when missing; no other `#`): `url` (`https://wa.me/…?text=…`),
     * `text`, `code` (without `#`) and `number` (digits). Customer messages with this
     * text are routed to the vendor whose directory code is `$code`. Throws
     * `Wpwa\ValidationException` for a bad number or a code without letters or digits.
     *
     * @param string $number
     * @param string $pattern
     * @param string $product
     * @param string $store
     * @param string $code
     * @return array
     */
    function chat_link(string $number, string $pattern, string $product, string $store, string $code): array {}

    /**
     * Answers the Cloud API's webhook handshake: the challenge when `$mode` is
     * `subscribe` and `$token` matches `$expected` (constant time), else null (send 403).
     *
     * @param string $mode
     * @param string $token
     * @param string $challenge
     * @param string $expected
     * @return string|null
     */
    function cloud_handshake(string $mode, string $token, string $challenge, string $expected): ?string {}

    /**
     * Tests a Cloud API connection (`url`, `version`, `token`, `phone_number_id`,
     * `waba_id`, `catalog_id`): reads the phone number, the business account and the
     * catalog with the token. Returns one entry per step: `name`, `ok`, `detail`.
     *
     * @param array $connection
     * @return array
     */
    function cloud_test(array $connection): array {}

    /**
     * Receives a Cloud API webhook: verifies `X-Hub-Signature-256` on the raw body with
     * the app secret, parses it, deduplicates, routes each message to a vendor and stores
     * it. `$vendors` lists `['vendor_id','code','store_name']`, or is null for the
     * directory the store keeps (`directory_replace()`), read only once the signature
     * holds; `$routing` may set `window_seconds`, `fallback` (`team`, `menu`, or a
     * vendor id) and the consent words `opt_out_words` and `opt_in_words` (comma-separated;
     * defaults STOP and YES, START). Returns `stored` (`wamid`, `vendor_id`,
     * `conversation_id`, `rule`, `conversation`: the summary as `conversation()` gives
     * it), `duplicates`, `menus`, `statuses`, `duplicate_statuses`, `failures`, `carts`
     * (`wamid`, `phone_number_id`, `customer`: carts recorded by this webhook, none for a
     * redelivery) and `consent_changes` (`vendor_id` whose conversation the word came in,
     * `customer`, `granted`, `purposes`, `code`: `consent_withdrawn` or `consent_granted`,
     * `order_id`), for confirming to each customer, and `account_changes` (`waba_id`,
     * `from` and `to`: `connected`, `offboarded` or `disconnected`, `event`: the
     * `account_update` event name, `reason`, `initiated_by`, `phone_number`): WhatsApp
     * Business accounts whose state this webhook changed (none for a redelivered or
     * older event). Throws `Wpwa\AuthException` for a bad signature
     * and `Wpwa\ValidationException` for a malformed or oversized body.
     *
     * @param string $body
     * @param string|null $signature
     * @param string $app_secret
     * @param array|null $vendors
     * @param array|null $routing
     * @return array
     */
    function cloud_webhook(string $body, ?string $signature = null, string $app_secret, ?array $vendors = null, ?array $routing = null): array {}

    /**
     * The customer's current consent for `$purpose` (their latest record, keys as for
     * `consent_record()`), or null when they never gave or withdrew it. Nothing is sent
     * on a purpose unless this is a grant.
     *
     * @param string $customer
     * @param string $purpose_name
     * @return array|null
     */
    function consent_current(string $customer, string $purpose_name): ?array {}

    /**
     * Every consent record of the customer's, oldest first.
     *
     * @param string $customer
     * @return array
     */
    function consent_history(string $customer): array {}

    /**
     * Records that the customer was invited (with `$text`, e.g. alongside an order's
     * pay link) to reply an opt-in word for order updates; a reply within 7 days grants
     * `order_updates` consent from source `whatsapp` with that text.
     *
     * @param string $customer
     * @param int|null $order_id
     * @param string $text
     * @return void
     */
    function consent_invite(string $customer, ?int $order_id = null, string $text): void {}

    /**
     * Records a customer's consent (`$customer`: WhatsApp id digits) for `$purpose`
     * (`order_updates`, `marketing`): granted or withdrawn, from `$source` (`checkout`,
     * `whatsapp`, `admin`), with the exact `$text` shown and the order it came with.
     * Returns the record (`customer`, `purpose`, `granted`, `source`, `text`, `order_id`,
     * `at`), the customer's current state for the purpose from now on.
     *
     * @param string $customer
     * @param string $purpose_name
     * @param bool $granted
     * @param string $source
     * @param string $text
     * @param int|null $order_id
     * @return array
     */
    function consent_record(string $customer, string $purpose_name, bool $granted, string $source, string $text, ?int $order_id = null): array {}

    /**
     * One of the vendor's conversations (keys as for `conversations()`), or null when
     * the id is not one of theirs.
     *
     * @param int $vendor_id
     * @param int $id
     * @return array|null
     */
    function conversation(int $vendor_id, int $id): ?array {}

    /**
     * The vendor's customer conversations, newest first: `id`, `customer`,
     * `customer_name`, `product`, `last_text`, `last_message_at`, `unread`.
     *
     * @param int $vendor_id
     * @param int|null $limit
     * @return array
     */
    function conversations(int $vendor_id, ?int $limit = null): array {}

    /**
     * The directory the store keeps, as `vendor_directory()` makes it: one entry per
     * vendor, by vendor id, with `vendor_id`, `code` (unique, without `#`) and
     * `store_name` (HTML entities decoded).
     *
     * @return array
     */
    function directory(): array {}

    /**
     * Lists vendor `$vendor_id` with the code they chose (or '') and their store name, or
     * updates their listing. Returns whether the stored directory changed.
     *
     * @param int $vendor_id
     * @param string $code
     * @param string $store_name
     * @return bool
     */
    function directory_put(int $vendor_id, string $code, string $store_name): bool {}

    /**
     * Takes `$vendor_id` out of the stored directory (no longer a vendor, or deleted).
     * Returns whether they were listed.
     *
     * @param int $vendor_id
     * @return bool
     */
    function directory_remove(int $vendor_id): bool {}

    /**
     * Replaces the stored directory with `$vendors` (`['vendor_id','code','store_name']`
     * as for `vendor_directory()`; `code` is the one the vendor chose, or empty) and
     * returns how many vendors it now lists.
     *
     * @param array $vendors
     * @return int
     */
    function directory_replace(array $vendors): int {}

    /**
     * Checks a gateway connection (`url`, `api_key`): reachable, key accepted. Returns
     * `ok`, `sessions` (how many the gateway holds) and `latency_ms`.
     *
     * @param array $gateway
     * @return array
     */
    function gateway_test(array $gateway): array {}

    /**
     * What this build is and where its store lives: `version`, `build`, `php_api`,
     * `store_engine` (`sqlite` or `mariadb`, null until configured), `store_path` (the
     * SQLite file, else null), `store_location` (the file, or the database server,
     * database and table prefix; never the password), `schema_version` (0 until
     * configured) and `write_transactions` (write transactions this worker has committed
     * since it started).
     *
     * @return array
     */
    function info(): array {}

    /**
     * Issues a vendor-scoped HS256 token valid for `ttl_seconds`.
     *
     * @param string $secret
     * @param int $vendor_id
     * @param string $scope
     * @param string $audience
     * @param int $ttl_seconds
     * @return string
     */
    function jwt_issue(string $secret, int $vendor_id, string $scope, string $audience, int $ttl_seconds): string {}

    /**
     * Verifies a token for `audience` and returns its claims: `vendor_id`, `scope`, `aud`,
     * `iat`, `nbf`, `exp`.
     *
     * @param string $secret
     * @param string $token
     * @param string $audience
     * @return array
     */
    function jwt_verify(string $secret, string $token, string $audience): array {}

    /**
     * The bounds of every ruled field (settings forms, vendor preferences, log filters,
     * bearer tokens, calling codes, gateway URLs, webhook body caps): group => field => `type` (`integer`,
     * `zero_or_range`, `format`, `credential`, `text`) and, by type, `min`, `max`,
     * `maxlength`, `pattern` (an HTML `pattern` attribute), `format`, `optional`,
     * `spaces`.
     *
     * @return array
     */
    function limits(): array {}

    /**
     * The activity log entries matching `$filter` (keys as for `log_query()`; the page
     * size is ignored, at most 50,000 rows) as CSV with a header row: `id`, `time`,
     * `vendor_id`, `level`, `kind`, `message`, `context`, `code`, `params`.
     *
     * @param array|null $filter
     * @return string
     */
    function log_export_csv(?array $filter = null): string {}

    /**
     * The kinds present in the activity log, sorted.
     *
     * @return array
     */
    function log_kinds(): array {}

    /**
     * Deletes the activity log entries written before `$before` (Unix seconds) and
     * returns how many went.
     *
     * @param int $before
     * @return int
     */
    function log_purge(int $before): int {}

    /**
     * Queries the activity log, newest first. Filter keys: `vendor_id`, `level`, `kind`,
     * `since`, `until`, `limit` (1–500, default 50), `offset`. Returns `total` and
     * `entries` (`id`, `vendor_id`, `level`, `kind`, `message`, `context`, `created_at`,
     * and `code` and `params` for the plugin to word; `code` is null for old entries).
     *
     * @param array|null $filter
     * @return array
     */
    function log_query(?array $filter = null): array {}

    /**
     * Writes an activity log entry and returns its id. `vendor_id` 0 is site-wide.
     * `$code` and `$params` say what happened in a form the plugin words in the reader's
     * language; `$message` is the English fallback shown where the code is not worded.
     *
     * @param int $vendor_id
     * @param string $level
     * @param string $kind
     * @param string $message
     * @param array|null $context
     * @param string|null $code
     * @param array|null $params
     * @return int
     */
    function log_write(int $vendor_id, string $level, string $kind, string $message, ?array $context = null, ?string $code = null, ?array $params = null): int {}

    /**
     * Sends the automatic reply that applies to `$customer`, who just wrote to the vendor:
     * the acknowledgement while open, the away message outside the hours. `$replies` has
     * `acknowledgement` and `away_message` (strings; empty or null is off; `{vendor}` is
     * replaced by `$vendor_name`) and `hours`: null (always open) or seven entries, Monday
     * first, each null (closed) or `['open' => 'HH:MM', 'close' => 'HH:MM']`. `$local_time`
     * is `['weekday' => 0..6 (Monday = 0), 'minute' => 0..1439]`. `$connection` and `$limits`
     * as for `message_send`. Returns `['sent' => true, 'kind', 'text', 'wamid']` or
     * `['sent' => false, 'reason' => 'off'|'quiet']`.
     *
     * @param int $vendor_id
     * @param string $customer
     * @param array $replies
     * @param array $local_time
     * @param string $vendor_name
     * @param array $connection
     * @param array|null $limits
     * @return array
     */
    function message_auto_reply(int $vendor_id, string $customer, array $replies, array $local_time, string $vendor_name, array $connection, ?array $limits = null): array {}

    /**
     * Sends a message to customer `$to` for the vendor through `$connection` (`url`,
     * `version`, `token`, `phone_number_id`). `$message` is `['type' => 'text', 'body']`,
     * `['type' => 'template', 'name', 'language', 'components'?]`, `['type' => 'product',
     * 'catalog_id', 'retailer_id', 'body']` or `['type' => 'product_list', 'catalog_id',
     * 'header', 'body', 'sections' => [['title', 'retailer_ids' => [...]]]]`. `$limits` may
     * set `monthly_allowance`, `pacing_seconds`, `cost_cap_micros` (0: none) and
     * `rate_card` (`['currency' => 'EUR', 'prices' => ['marketing' => micro-units, …]]`).
     * Returns `wamid`, `allowance_left` and `budget_left_micros` (null without a cap).
     * Outside the 24-hour window a free-form message is a `Wpwa\ValidationException`;
     * pacing and the allowance are `Wpwa\RateLimitedException`s whose code is the wait,
     * the cost cap a `Wpwa\CostCapException` (one of them) likewise.
     * A template that is unknown, not approved, paused or disabled on the account (once
     * `templates_refresh()` has listed it; otherwise as the API answers), or sent with the
     * wrong parameters, is a `Wpwa\TemplateException` whose code is the API's (132001,
     * 132015, 132016, 132000). A marketing template goes through `/marketing_messages`.
     *
     * @param int $vendor_id
     * @param string $to
     * @param array $message
     * @param array $connection
     * @param array|null $limits
     * @return array
     */
    function message_send(int $vendor_id, string $to, array $message, array $connection, ?array $limits = null): array {}

    /**
     * The vendor's calendar month (UTC) so far at the rate card `$rate_card`
     * (`['currency' => 'EUR', 'prices' => [category => micro-units]]`, null: no prices):
     * `vendor_id`, `month_start`, `next_month`, `messages`, `billable`, `cost_micros`,
     * `currency` and `categories` (each `category`, `messages`, `billable`,
     * `cost_micros`; `unclassified` for messages sent before classification).
     *
     * @param int $vendor_id
     * @param array|null $rate_card
     * @return array
     */
    function message_usage(int $vendor_id, ?array $rate_card = null): array {}

    /**
     * Every vendor's month as `message_usage()` gives one, read at once (the Vendors
     * page): keyed by vendor id; vendors that sent nothing this month are absent.
     *
     * @param array|null $rate_card
     * @return array
     */
    function message_usage_all(?array $rate_card = null): array {}

    /**
     * Asks `$customer` which shop their message is for: an interactive list of the
     * vendors in `$vendors` (as for `cloud_webhook`, null for the directory the store
     * keeps; the first ten by store name), sent
     * from the marketplace (vendor 0). The customer's pick routes by the menu choice.
     * Returns `wamid` and `allowance_left`.
     *
     * @param string $customer
     * @param array|null $vendors
     * @param string $intro
     * @param string $button
     * @param array $connection
     * @param array|null $limits
     * @return array
     */
    function message_vendor_menu(string $customer, ?array $vendors = null, string $intro, string $button, array $connection, ?array $limits = null): array {}

    /**
     * Deletes the conversations nobody wrote in for `$days` days (at least 31: a
     * month's sends count against the allowance) and returns what went.
     *
     * @param int $days
     * @return array
     */
    function messages_purge(int $days): array {}

    /**
     * Messages the vendor has sent this calendar month (UTC), as the monthly allowance
     * counts them.
     *
     * @param int $vendor_id
     * @return int
     */
    function messages_this_month(int $vendor_id): int {}

    /**
     * What an order update mapping may name: `events` (`processing`, `shipped`,
     * `completed`, `on_hold`, `refunded`, `cancelled`, `failed`), `fields` (the order
     * fields a parameter may carry), `default_opt_out_words`, `default_opt_in_words`,
     * `max_params` and `max_text_chars` (longest consent text).
     *
     * @return array
     */
    function order_update_events(): array {}

    /**
     * Records how the claimed send of (`$order_id`, `$event`) went: `$result` is
     * `['wamid' => …]` (sent), `['retry_after' => seconds]` (paced or rate limited: no
     * attempt spent) or `['error' => code]` (the `WP_Error` code of the failure). Returns
     * `next`: `done`, or `retry_in` with `seconds` (schedule the action again then).
     *
     * @param int $order_id
     * @param string $event_name
     * @param array $result
     * @return array
     */
    function order_update_finish(int $order_id, string $event_name, array $result): array {}

    /**
     * Claims the update of order `$order_id` (or sub-order) for `$event` to `$customer`
     * from `$vendor_id`'s number (0 = the marketplace's), with the template `$mapping`
     * (as for `order_updates_mapping()`) gives the event and the order's `$data`
     * (`order_number`, `total`, `items` (list), `tracking`, `link`, `customer_name`,
     * `store_name`, `status`). Returns `outcome`: `send` with `attempt` and `message`
     * (for `message_send()`), `no_consent` (recorded, nothing to send), `done` with
     * `state` (sent, sending or given up before: never send again) or `unmapped`.
     *
     * @param int $order_id
     * @param string $event_name
     * @param int $vendor_id
     * @param string $customer
     * @param array $mapping_array
     * @param array $data
     * @return array
     */
    function order_update_prepare(int $order_id, string $event_name, int $vendor_id, string $customer, array $mapping_array, array $data): array {}

    /**
     * The updates of the orders `$order_ids` (an order and its sub-orders), each with
     * `order_id`, `event`, `vendor_id`, `template`, `language`, `state` (`sending`,
     * `sent`, `retry`, `waiting`, `failed`, `skipped`), `attempts`, `error`, `wamid`,
     * `delivery` (latest status: `sent`, `delivered`, `read`, `failed`), `statuses`
     * (`status`, `at`), `failure_code`, `failure_reason`, `created_at`, `updated_at`.
     *
     * @param array $order_ids
     * @return array
     */
    function order_updates(array $order_ids): array {}

    /**
     * Checks an event → template mapping (`event => ['name', 'language', 'params' =>
     * [order fields…]]`) and returns it cleaned: names and languages trimmed, events
     * without a template name left out. `Wpwa\ValidationException` names what is wrong.
     *
     * @param array $mapping_array
     * @return array
     */
    function order_updates_mapping(array $mapping_array): array {}

    /**
     * The vendor's latest order updates, newest first (keys as for `order_updates()`).
     *
     * @param int $vendor_id
     * @param int|null $limit
     * @return array
     */
    function order_updates_vendor(int $vendor_id, ?int $limit = null): array {}

    /**
     * The keys of every customer a phone number, a BSUID or a WhatsApp username (with or
     * without `@`) names, for [`privacy_export`] and [`privacy_erase`];
     * `Wpwa\ValidationException` when the text is none of these.
     *
     * @param string $term
     * @return array
     */
    function privacy_customer_keys(string $term): array {}

    /**
     * Deletes everything stored about the customer with this key (as for
     * [`privacy_export`]) and returns
     * what went: `conversations`, `messages`, `other`.
     *
     * @param string $number
     * @return array
     */
    function privacy_erase(string $number): array {}

    /**
     * Everything stored about the customer with this key (a phone number, or the BSUID of a
     * customer without one): `identity` (`phone`, `bsuid`, `parent_bsuid`, `username`, or
     * null), `conversations`
     * (each with `vendor_id`, `customer_name`, `product`, `created_at` and `messages`:
     * `direction`, `kind`, `text`, `status`, `sent_at`), `vendor_replies` and
     * `asked_for_shop_at`.
     *
     * @param string $number
     * @return array
     */
    function privacy_export(string $number): array {}

    /**
     * The WhatsApp id (digits with the country code) of a phone number as people write
     * it; `Wpwa\ValidationException` for a number without a country code or not a
     * phone number at all.
     *
     * @param string $number
     * @return string
     */
    function privacy_whatsapp_id(string $number): string {}

    /**
     * `$value` as a QR code: a standalone SVG document (at least 264 px wide, with its
     * quiet zone). Throws `Wpwa\ValidationException` when the value is too long.
     *
     * @param string $value
     * @return string
     */
    function qr_svg(string $value): string {}

    /**
     * The vendor's response figures for customer messages since `$since` (Unix seconds):
     * `turns`, `answered`, `pending`, `response_rate` (0–1 or null) and
     * `average_response_seconds` (or null). Answers count from the vendor's linked phone
     * and from sends through the marketplace number, not automatic replies.
     *
     * @param int $vendor_id
     * @param int $since
     * @return array
     */
    function response_metrics(int $vendor_id, int $since): array {}

    /**
     * How a saved credential is displayed: its last four characters, the rest hidden.
     *
     * @param string $secret
     * @return string
     */
    function secret_mask(string $secret): string {}

    /**
     * Opens a credential sealed by `secret_seal()` with the same key material and context.
     *
     * @param string $key_material
     * @param string $context
     * @param string $sealed
     * @return string
     */
    function secret_open(string $key_material, string $context, string $sealed): string {}

    /**
     * Seals a credential for storage (XChaCha20-Poly1305, key derived from
     * `$key_material`, bound to `$context` such as `gateway.api_key`).
     *
     * @param string $key_material
     * @param string $context
     * @param string $plaintext
     * @return string
     */
    function secret_seal(string $key_material, string $context, string $plaintext): string {}

    /**
     * Starts linking the vendor's phone through the gateway in `$gateway` (`url`,
     * `api_key`, `webhook_url`, `webhook_key`, `name_prefix`). Returns the session as
     * `session_status()` does, plus `transition` (`from`, `to`: the states before and after
     * the call); a live session is returned unchanged.
     *
     * @param int $vendor_id
     * @param array $gateway
     * @param array|null $policy
     * @return array
     */
    function session_connect(int $vendor_id, array $gateway, ?array $policy = null): array {}

    /**
     * Unlinks the vendor's phone and stops the gateway session. Returns the session with
     * its `transition` (`from`, `to`).
     *
     * @param int $vendor_id
     * @param array $gateway
     * @param array|null $policy
     * @return array
     */
    function session_disconnect(int $vendor_id, array $gateway, ?array $policy = null): array {}

    /**
     * The vendor's most recent session events, newest first (`input`, `source`,
     * `from_state`, `to_state`, `applied`, `recorded_at`).
     *
     * @param int $vendor_id
     * @param int|null $limit
     * @return array
     */
    function session_history(int $vendor_id, ?int $limit = null): array {}

    /**
     * Asks the gateway for a pairing code that links `$phone` (as the vendor typed it,
     * with its country code) without a scan. Returns the session with `pairing` and its
     * `transition`. A refusal the vendor can act on is a `Wpwa\PairingException`; too
     * many attempts a `Wpwa\RateLimitedException`.
     *
     * @param int $vendor_id
     * @param string $phone
     * @param array $gateway
     * @param array|null $policy
     * @return array
     */
    function session_pairing_code(int $vendor_id, string $phone, array $gateway, ?array $policy = null): array {}

    /**
     * Asks the gateway where the vendor's live session is (new QR code, scanned, failed)
     * and returns the session, with its `transition` (`from`, `to`).
     *
     * @param int $vendor_id
     * @param array $gateway
     * @param array|null $policy
     * @return array
     */
    function session_refresh(int $vendor_id, array $gateway, ?array $policy = null): array {}

    /**
     * A vendor's WhatsApp session: `vendor_id`, `state`, `reason`, `phone`, `push_name`,
     * `since`, `updated_at`, `gateway_session` and, while waiting for a scan, `qr` (`svg`, `seq`,
     * `expires_at`) and, once one was requested, `pairing` (`code`, `phone`, `expires_at`).
     * `$policy` may set `max_starts_per_hour`, `qr_first_seconds`, `qr_next_seconds`,
     * `pairing_code_seconds` and `offline_expiry_days`.
     *
     * @param int $vendor_id
     * @param array|null $policy
     * @return array
     */
    function session_status(int $vendor_id, ?array $policy = null): array {}

    /**
     * Verifies (HMAC-SHA512 over the raw body, constant time) and applies a gateway
     * webhook. Returns `outcome` (`applied`, `duplicate`, `stale`, `ignored`) and details
     * (`applied`: `vendor_id`, `from` and `state`, the transition it made).
     * Throws `Wpwa\AuthException` for a missing or forged signature.
     *
     * @param string $body
     * @param string|null $signature
     * @param string $key
     * @return array
     */
    function session_webhook(string $body, ?string $signature = null, string $key): array {}

    /**
     * Checks submitted settings of `$group` (`settings`, `catalog`, `messages`,
     * `cloud_connection`, `gateway_connection`, `preferences`, `log`, `auth`, `privacy`,
     * `gateway`, `webhooks`, `order_updates`; the keys of `limits()`). `$values` holds
     * only ruled fields, as the form sent them (strings) or typed. Returns `values` (the
     * accepted fields, numbers as integers, text trimmed; a blank credential is `''`,
     * meaning "keep the saved one") and `problems`: one entry per refused field with
     * `field`, `code` (`not_an_integer`, `out_of_range`, `not_a_string`, `bad_format`,
     * `too_long`, `bad_characters`, `missing`) and, by code, `min`, `max`, `max_length`
     * or `format`. Throws `Wpwa\ValidationException` for an unknown group or field.
     *
     * @param string $group
     * @param array $values
     * @return array
     */
    function settings_check(string $group, array $values): array {}

    /**
     * Drops every wpwa table from the database `options` names (uninstall) and returns
     * how many there were.
     *
     * @param array $options
     * @return int
     */
    function store_drop_database_tables(array $options): int {}

    /**
     * Copies the SQLite store at `sqlite_path` into the (empty) wpwa tables of the
     * database `options` names and checks the copy: `ok`, `error` (`target_not_empty`,
     * `mismatch` or the copy's error) and `tables` (each with `table`, `source_rows`,
     * `target_rows`, `source_hash`, `target_hash`). The caller switches engines only when
     * `ok`; a failed copy is removed again.
     *
     * @param string $sqlite_path
     * @param array $options
     * @return array
     */
    function store_move_to_database(string $sqlite_path, array $options): array {}

    /**
     * Sets the SQLite file this worker uses (absolute path, existing directory). The file
     * opens on first use; calling again with the same path keeps the open connection.
     *
     * @param string $path
     * @return void
     */
    function store_open(string $path): void {}

    /**
     * Sets the MariaDB/MySQL database this worker keeps the store in (the WordPress
     * database): `host` (`DB_HOST` as written: `host`, `host:port`, `host:/socket`,
     * `[::1]:port`), `port`, `socket`, `default_socket` (mysqli's, for a bare `localhost`),
     * `user`, `password`, `database`, `prefix`, `ssl`, `ssl_ca`, `ssl_verify`. The
     * connection opens on first use; calling again with the same settings keeps it.
     *
     * @param array $options
     * @return void
     */
    function store_open_database(array $options): void {}

    /**
     * The store's health figures: `path`, `size_bytes` (file plus write-ahead log),
     * `schema_version` and `tables` (table name => rows).
     *
     * @return array
     */
    function store_stats(): array {}

    /**
     * Clears the flag of a template whose category or status changed, once an
     * administrator has seen it; whether it was flagged.
     *
     * @param string $waba_id
     * @param string $name
     * @param string $language
     * @return bool
     */
    function template_acknowledge(string $waba_id, string $name, string $language): bool {}

    /**
     * The stored templates (of account `$waba_id`, or of every account), by account,
     * name and language: `waba_id`, `name`, `language`, `template_id`, `category`,
     * `status`, `components`, `parameter_count`, `previous_category`,
     * `category_changed_at`, `previous_status`, `status_changed_at`, `flagged` (a change
     * not yet acknowledged) and `refreshed_at`.
     *
     * @param string|null $waba_id
     * @return array
     */
    function templates(?string $waba_id = null): array {}

    /**
     * Reads every template of the connection's WhatsApp Business account (`url`,
     * `version`, `token`, `waba_id`, and `phone_number_id`, whose sends are then checked
     * against this list) into the store. Returns `waba_id`, `count`, `removed` and
     * `changes` (`name`, `language`, `field` (`category` or `status`), `from`, `to`): the
     * categories and statuses that changed since the last refresh or webhook, now
     * flagged. A connection without `waba_id` is a `Wpwa\ValidationException`.
     *
     * @param array $connection
     * @return array
     */
    function templates_refresh(array $connection): array {}

    /**
     * The vendor directory customer messages are routed with, as the core makes it from
     * `$vendors` (`vendor_id`, `code` — the code the vendor chose, or empty —,
     * `store_name` as the marketplace answers it): one entry per vendor, by vendor id,
     * with `vendor_id`, `code` (unique among them, without `#`) and `store_name` (HTML
     * entities decoded).
     *
     * @param array $vendors
     * @return array
     */
    function vendor_directory(array $vendors): array {}

    /**
     * The Vendors page's rows, in the order of `$vendors` (each `['vendor_id' => int,
     * 'catalog_id' => string|null]`, at most 500): `vendor_id`, `session` (as
     * `session_status()` gives it under `$policy`), `sync` (as `catalog_sync_status()`, or
     * null), `catalog` (as `catalog_summary()` for that catalog, or null without one),
     * `messages_this_month` and `response` (as `response_metrics()` since `$since`).
     *
     * @param array $vendors
     * @param array|null $policy
     * @param int $since
     * @return array
     */
    function vendors_overview(array $vendors, ?array $policy = null, int $since): array {}

    /**
     * The extension's version, e.g. `0.1.0`.
     *
     * @return string
     */
    function version(): string {}

    /**
     * Verifies a Cloud API webhook (`$signature`: the `X-Hub-Signature-256` header) with
     * the app secret and queues it for WordPress: true when queued, false when the same
     * delivery was already waiting. `Wpwa\ValidationException` with code 413 for an
     * oversized body, `Wpwa\AuthException` for a missing or forged signature (nothing
     * read), `Wpwa\ValidationException` for a body that is not a Cloud API notification,
     * `Wpwa\StorageException` when the store fails.
     *
     * @param string $body
     * @param string|null $signature
     * @param string $app_secret
     * @return bool
     */
    function webhook_accept(string $body, ?string $signature = null, string $app_secret): bool {}

    /**
     * Processes up to `$limit` queued webhooks (at most one batch) with the routing options
     * of `Wpwa\cloud_webhook()`: `reports` (one per delivery, as `cloud_webhook()` returns
     * it), `retried`, `dead`, `interrupted` (why the store stopped the call halfway, or
     * null), and `queue` (as `Wpwa\webhook_queue_stats()`).
     *
     * @param array|null $routing
     * @param int|null $limit
     * @return array
     */
    function webhook_queue_drain(?array $routing = null, ?int $limit = null): array {}

    /**
     * The webhook queue: `pending`, `oldest_received_at` (Unix seconds or null), `dead`,
     * `next_due_at` (from when a waiting delivery can be taken, Unix seconds, or null).
     *
     * @return array
     */
    function webhook_queue_stats(): array {}
}
