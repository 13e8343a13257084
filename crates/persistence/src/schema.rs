//! The Diesel schema: one `table!` per table in `migrations/`.
//! A test (`schema_matches_database`) checks it against the migrated database.
#![allow(clippy::wildcard_imports)] // diesel's table! idiom for custom SQL types

diesel::table! {
    audit_events (id) {
        id -> Int8,
        occurred_at -> Timestamptz,
        actor -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_state -> Nullable<Jsonb>,
        after_state -> Nullable<Jsonb>,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (principal, key) {
        principal -> Text,
        key -> Text,
        method -> Text,
        path -> Text,
        request_hash -> Text,
        status -> Int2,
        headers -> Jsonb,
        body -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    purposes (code) {
        code -> Text,
        name_nb -> Text,
        name_en -> Text,
        sort_order -> Int4,
    }
}

diesel::table! {
    custodians (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        short_name -> Text,
        orgnr -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        website -> Nullable<Text>,
        retired_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::TsVector;

    data_sources (id) {
        id -> Uuid,
        code -> Text,
        name_nb -> Text,
        name_en -> Text,
        kind -> Text,
        custodian_id -> Uuid,
        description_nb -> Text,
        description_en -> Text,
        data_kinds -> Array<Text>,
        decision_authority -> Text,
        channel -> Text,
        external_url -> Nullable<Text>,
        period_from -> Nullable<Int4>,
        period_to -> Nullable<Int4>,
        processing_notice_nb -> Nullable<Text>,
        processing_notice_en -> Nullable<Text>,
        retired_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_nb -> Nullable<TsVector>,
        search_en -> Nullable<TsVector>,
    }
}

diesel::table! {
    data_source_custodian_history (data_source_id, valid_from) {
        data_source_id -> Uuid,
        custodian_id -> Uuid,
        valid_from -> Timestamptz,
        valid_to -> Nullable<Timestamptz>,
        changed_by -> Text,
    }
}

diesel::table! {
    data_source_purposes (data_source_id, purpose_code) {
        data_source_id -> Uuid,
        purpose_code -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::TsVector;

    variables (id) {
        id -> Uuid,
        data_source_id -> Uuid,
        name -> Text,
        label_nb -> Text,
        label_en -> Text,
        description_nb -> Text,
        description_en -> Text,
        value_type -> Text,
        code_list -> Nullable<Text>,
        period_from -> Nullable<Int4>,
        period_to -> Nullable<Int4>,
        identifying -> Bool,
        sensitive -> Bool,
        retired_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_nb -> Nullable<TsVector>,
        search_en -> Nullable<TsVector>,
    }
}

diesel::table! {
    service_notices (id) {
        id -> Uuid,
        severity -> Text,
        title_nb -> Text,
        title_en -> Text,
        body_nb -> Text,
        body_en -> Text,
        valid_from -> Timestamptz,
        valid_to -> Timestamptz,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    applications (id) {
        id -> Uuid,
        owner_pid -> Text,
        status -> Text,
        content -> Jsonb,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        submitted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    application_members (application_id, pid) {
        id -> Uuid,
        application_id -> Uuid,
        pid -> Text,
        added_by -> Text,
        added_at -> Timestamptz,
    }
}

diesel::table! {
    application_attachments (id) {
        id -> Uuid,
        application_id -> Uuid,
        kind -> Text,
        title -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        content -> Bytea,
        uploaded_by -> Text,
        uploaded_at -> Timestamptz,
    }
}

diesel::table! {
    application_snapshots (application_id) {
        application_id -> Uuid,
        content -> Jsonb,
        submitted_at -> Timestamptz,
        submitted_by -> Text,
    }
}

diesel::table! {
    case_number_counters (year) {
        year -> Int4,
        last_value -> Int4,
    }
}

diesel::table! {
    cases (id) {
        id -> Uuid,
        application_id -> Uuid,
        case_number -> Text,
        status -> Text,
        received_at -> Timestamptz,
        received_on -> Date,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        last_change_on -> Date,
        assignee -> Nullable<Text>,
        assignee_name -> Nullable<Text>,
        completed_on -> Nullable<Date>,
        linkage -> Nullable<Text>,
        statutory_deadline -> Nullable<Date>,
        due_on -> Nullable<Date>,
        clock_paused -> Bool,
        postponement_expected_on -> Nullable<Date>,
        open_question_id -> Nullable<Uuid>,
        decision_round -> Int4,
        decided_on -> Nullable<Date>,
        decision_appeal_deadline -> Nullable<Date>,
        details -> Jsonb,
        next_job_on -> Nullable<Date>,
        overdue_flagged_for -> Nullable<Date>,
        queue_due_on -> Date,
        awaiting_delivery -> Bool,
        data_made_available_on -> Nullable<Date>,
    }
}

diesel::table! {
    case_sources (case_id, data_source_id) {
        case_id -> Uuid,
        data_source_id -> Uuid,
        data_source_code -> Text,
        custodian_id -> Uuid,
        decision_authority -> Text,
        requested -> Jsonb,
        position -> Int4,
    }
}

diesel::table! {
    case_questions (id) {
        id -> Uuid,
        case_id -> Uuid,
        text -> Text,
        asked_on -> Date,
        asked_at -> Timestamptz,
        asked_by -> Text,
        reply_deadline -> Date,
        clock_paused -> Bool,
        reminder_sent_on -> Nullable<Date>,
        reminder_reply_deadline -> Nullable<Date>,
        answered_on -> Nullable<Date>,
        answered_at -> Nullable<Timestamptz>,
        answered_by -> Nullable<Text>,
        answer -> Nullable<Text>,
        closed_without_answer -> Nullable<Text>,
    }
}

diesel::table! {
    case_decisions (id) {
        id -> Uuid,
        case_id -> Uuid,
        data_source_id -> Uuid,
        round -> Int4,
        outcome -> Text,
        legal_basis -> Array<Text>,
        conditions -> Array<Text>,
        text -> Text,
        granted_variables -> Nullable<Array<Text>>,
        granted_period_from -> Nullable<Int4>,
        granted_period_to -> Nullable<Int4>,
        decided_on -> Date,
        decided_at -> Timestamptz,
        decided_by -> Text,
        authority -> Text,
        access_from -> Nullable<Date>,
        access_to -> Nullable<Date>,
        disposal -> Nullable<Text>,
        dispose_by -> Nullable<Date>,
        exemption_granted -> Nullable<Bool>,
        exemption_legal_basis -> Array<Text>,
        exemption_conditions -> Array<Text>,
    }
}

diesel::table! {
    custodian_tasks (id) {
        id -> Uuid,
        case_id -> Uuid,
        custodian_id -> Uuid,
        data_source_id -> Uuid,
        kind -> Text,
        state -> Text,
        state_reason -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    overview_entries (case_id) {
        case_id -> Uuid,
        case_number -> Text,
        decided_on -> Date,
        title -> Nullable<Text>,
        institution -> Nullable<Text>,
        purpose -> Nullable<Text>,
        valid_from -> Nullable<Text>,
        valid_to -> Nullable<Text>,
        source_ids -> Array<Uuid>,
        codes -> Array<Text>,
        search_text -> Text,
    }
}

diesel::joinable!(overview_entries -> cases (case_id));

diesel::table! {
    case_history_versions (case_id) {
        case_id -> Uuid,
        version -> Int8,
    }
}

diesel::joinable!(case_history_versions -> cases (case_id));

diesel::table! {
    case_events (id) {
        id -> Int8,
        case_id -> Uuid,
        kind -> Text,
        occurred_at -> Timestamptz,
        actor -> Text,
        visible_to_applicant -> Bool,
        status_before -> Nullable<Text>,
        status_after -> Nullable<Text>,
        data -> Jsonb,
        request_id -> Nullable<Text>,
    }
}

/// PostgreSQL's `tsvector`, only ever written by generated columns and read in SQL.
#[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(name = "tsvector"))]
pub struct TsVector;

diesel::joinable!(data_sources -> custodians (custodian_id));
diesel::joinable!(data_source_purposes -> data_sources (data_source_id));
diesel::joinable!(data_source_purposes -> purposes (purpose_code));
diesel::joinable!(variables -> data_sources (data_source_id));
diesel::joinable!(data_source_custodian_history -> data_sources (data_source_id));
diesel::joinable!(data_source_custodian_history -> custodians (custodian_id));
diesel::joinable!(application_members -> applications (application_id));
diesel::joinable!(application_attachments -> applications (application_id));
diesel::joinable!(application_snapshots -> applications (application_id));
diesel::joinable!(cases -> applications (application_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_sources -> cases (case_id));
diesel::joinable!(case_sources -> data_sources (data_source_id));
diesel::joinable!(case_sources -> custodians (custodian_id));
diesel::joinable!(case_questions -> cases (case_id));
diesel::joinable!(case_decisions -> cases (case_id));
diesel::joinable!(case_decisions -> data_sources (data_source_id));
diesel::joinable!(custodian_tasks -> cases (case_id));
diesel::joinable!(custodian_tasks -> custodians (custodian_id));
diesel::joinable!(custodian_tasks -> data_sources (data_source_id));

diesel::table! {
    closure_days (day) {
        day -> Date,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    feed_counter (singleton) {
        singleton -> Bool,
        last -> Int8,
    }
}

diesel::table! {
    feed_events (sequence) {
        sequence -> Int8,
        id -> Uuid,
        #[sql_name = "type"]
        event_type -> Text,
        source -> Text,
        subject -> Nullable<Text>,
        time -> Timestamptz,
        data -> Jsonb,
        custodian_id -> Nullable<Uuid>,
        case_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        custodian_id -> Uuid,
        url -> Text,
        event_types -> Array<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamptz>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<Timestamptz>,
        failing_since -> Nullable<Timestamptz>,
        created_by -> Text,
        created_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        endpoint_id -> Uuid,
        event_id -> Uuid,
        event_sequence -> Int8,
        event_type -> Text,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        lease_until -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(feed_events -> custodians (custodian_id));
diesel::joinable!(webhook_endpoints -> custodians (custodian_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));

diesel::table! {
    task_events (id) {
        id -> Int8,
        task_id -> Uuid,
        kind -> Text,
        state_before -> Text,
        state_after -> Text,
        occurred_at -> Timestamptz,
        actor -> Text,
        data -> Jsonb,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    task_progress_reports (id) {
        id -> Uuid,
        task_id -> Uuid,
        note -> Text,
        percent_complete -> Nullable<Int4>,
        expected_delivery_on -> Nullable<Date>,
        reported_at -> Timestamptz,
        reported_by -> Text,
    }
}

diesel::table! {
    task_deliveries (id) {
        id -> Uuid,
        task_id -> Uuid,
        delivered_on -> Date,
        method -> Text,
        contents -> Text,
        recorded_at -> Timestamptz,
        recorded_by -> Text,
    }
}

diesel::table! {
    task_hours (id) {
        id -> Uuid,
        task_id -> Uuid,
        worked_on -> Date,
        hundredths -> Int4,
        description -> Text,
        recorded_at -> Timestamptz,
        recorded_by -> Text,
        seq -> Int8,
        activity -> Text,
        correction_kind -> Nullable<Text>,
        corrects_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    custodian_task_counters (custodian_id) {
        custodian_id -> Uuid,
        changes -> Int8,
        changed_at -> Timestamptz,
    }
}

diesel::joinable!(task_events -> custodian_tasks (task_id));
diesel::joinable!(task_progress_reports -> custodian_tasks (task_id));
diesel::joinable!(task_deliveries -> custodian_tasks (task_id));
diesel::joinable!(task_hours -> custodian_tasks (task_id));

// Fees (issue 14): invoicing parties, price lists, hours, fee facts, invoices.

diesel::table! {
    invoicing_parties (code) {
        code -> Text,
        custodian_id -> Nullable<Uuid>,
        data_sources -> Array<Text>,
        legal_name -> Text,
        orgnr -> Text,
        street -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Text,
        vat_registered -> Bool,
        in_foretaksregisteret -> Bool,
        bank_account -> Nullable<Text>,
        payment_days -> Int4,
        source -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    price_list_versions (id) {
        id -> Uuid,
        party -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        basic_fee_one_source_ore -> Int8,
        basic_fee_several_sources_ore -> Int8,
        hourly_rate_ore -> Int8,
        rounding -> Text,
        rounding_scope -> Nullable<Text>,
        free_hundredths -> Int4,
        free_hours_for -> Text,
        vat_category -> Text,
        vat_rate_basis_points -> Nullable<Int4>,
        vat_reason -> Nullable<Text>,
        estimated_low_hundredths -> Nullable<Int4>,
        estimated_high_hundredths -> Nullable<Int4>,
        exemptions -> Array<Text>,
        source -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
        created_by -> Text,
    }
}

diesel::table! {
    case_hours (id) {
        id -> Uuid,
        seq -> Int8,
        case_id -> Uuid,
        worked_on -> Date,
        hundredths -> Int4,
        activity -> Text,
        note -> Text,
        correction_kind -> Nullable<Text>,
        corrects_id -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
        recorded_by -> Text,
    }
}

diesel::table! {
    fee_waivers (id) {
        id -> Uuid,
        seq -> Int8,
        case_id -> Uuid,
        party -> Text,
        covers -> Text,
        reason -> Text,
        granted_on -> Date,
        granted_at -> Timestamptz,
        granted_by -> Text,
    }
}

diesel::table! {
    case_fee_estimates (case_id) {
        case_id -> Uuid,
        low_hundredths -> Int4,
        high_hundredths -> Int4,
        set_at -> Timestamptz,
        set_by -> Text,
    }
}

diesel::table! {
    case_origins (case_id) {
        case_id -> Uuid,
        kind -> Text,
        original_case_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    invoice_number_counters (party, year, series) {
        party -> Text,
        year -> Int4,
        series -> Text,
        last_value -> Int4,
    }
}

diesel::table! {
    invoice_bases (id) {
        id -> Uuid,
        case_id -> Uuid,
        case_number -> Text,
        party -> Text,
        custodian_id -> Nullable<Uuid>,
        status -> Text,
        number -> Text,
        issued_on -> Date,
        due_on -> Date,
        payer_kind -> Text,
        payer_name -> Text,
        payer_orgnr -> Nullable<Text>,
        payer_street -> Nullable<Text>,
        payer_postal_code -> Nullable<Text>,
        payer_city -> Nullable<Text>,
        payer_country -> Text,
        payer_reference -> Nullable<Text>,
        total_excluding_vat_ore -> Int8,
        total_vat_ore -> Int8,
        total_including_vat_ore -> Int8,
        version -> Int4,
        issued_at -> Timestamptz,
        issued_by -> Text,
        credited_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> Uuid,
        invoice_basis_id -> Uuid,
        line_number -> Int4,
        kind -> Text,
        exemption_ground -> Nullable<Text>,
        description -> Text,
        activity -> Nullable<Text>,
        period_from -> Nullable<Date>,
        period_to -> Nullable<Date>,
        quantity_hundredths -> Int8,
        unit -> Text,
        unit_price_ore -> Int8,
        amount_ore -> Int8,
        vat_category -> Text,
        vat_rate_basis_points -> Nullable<Int4>,
        vat_reason -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    credit_notes (id) {
        id -> Uuid,
        invoice_basis_id -> Uuid,
        number -> Text,
        issued_on -> Date,
        reason -> Text,
        issued_at -> Timestamptz,
        issued_by -> Text,
    }
}

// Issue 13: change requests and attachments sent later.
diesel::table! {
    change_requests (application_id) {
        application_id -> Uuid,
        case_id -> Uuid,
        original_application_id -> Uuid,
        original_case_id -> Uuid,
        version_no -> Int4,
        base_version_no -> Int4,
        description -> Text,
        changes -> Jsonb,
        sources -> Array<Text>,
        created_at -> Timestamptz,
        created_by -> Text,
    }
}

diesel::table! {
    attachments_sent_later (attachment_id) {
        attachment_id -> Uuid,
        case_id -> Uuid,
        replaces_id -> Nullable<Uuid>,
        question_id -> Nullable<Uuid>,
        data_source_code -> Nullable<Text>,
        sent_at -> Timestamptz,
    }
}

diesel::joinable!(invoicing_parties -> custodians (custodian_id));
diesel::joinable!(price_list_versions -> invoicing_parties (party));
diesel::joinable!(case_hours -> cases (case_id));
diesel::joinable!(fee_waivers -> cases (case_id));
diesel::joinable!(case_fee_estimates -> cases (case_id));
diesel::joinable!(invoice_bases -> invoicing_parties (party));
diesel::joinable!(invoice_lines -> invoice_bases (invoice_basis_id));
diesel::joinable!(credit_notes -> invoice_bases (invoice_basis_id));

diesel::table! {
    case_delivery_parts (case_id, data_source_id) {
        case_id -> Uuid,
        data_source_id -> Uuid,
        postponed_on -> Nullable<Date>,
        postponement_expected_on -> Nullable<Date>,
        postponement_reason -> Nullable<Text>,
        agreed_on -> Nullable<Date>,
        settlement -> Nullable<Text>,
        settled_on -> Nullable<Date>,
        settled_due_on -> Nullable<Date>,
        method -> Nullable<Text>,
        reason -> Nullable<Text>,
        settled_by_custodian_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    case_decision_tables (decision_id, table_index) {
        decision_id -> Uuid,
        table_index -> Int4,
        outcome -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    custodian_members (id) {
        id -> Uuid,
        custodian_id -> Uuid,
        person_key -> Text,
        identity_provider -> Text,
        name -> Text,
        linked_by -> Text,
        linked_at -> Timestamptz,
        unlinked_by -> Nullable<Text>,
        unlinked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    attachment_blobs (sha256) {
        sha256 -> Text,
        size_bytes -> Int8,
        content -> Bytea,
        stored_at -> Timestamptz,
    }
}

diesel::table! {
    submitted_attachments (application_id, attachment_id) {
        application_id -> Uuid,
        attachment_id -> Uuid,
        kind -> Text,
        title -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        uploaded_at -> Timestamptz,
        submitted_at -> Timestamptz,
    }
}

diesel::joinable!(case_delivery_parts -> cases (case_id));
diesel::joinable!(case_delivery_parts -> data_sources (data_source_id));
diesel::joinable!(case_delivery_parts -> custodians (settled_by_custodian_id));
diesel::joinable!(case_decision_tables -> case_decisions (decision_id));
diesel::joinable!(custodian_members -> custodians (custodian_id));
diesel::joinable!(submitted_attachments -> attachment_blobs (sha256));
diesel::joinable!(submitted_attachments -> applications (application_id));

diesel::table! {
    person_contacts (person_key) {
        person_key -> Text,
        email -> Nullable<Text>,
        language -> Text,
        verified_at -> Nullable<Timestamptz>,
        pending_email -> Nullable<Text>,
        code_hash -> Nullable<Text>,
        code_expires_at -> Nullable<Timestamptz>,
        code_attempts -> Int4,
        codes_sent -> Int4,
        codes_since -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    custodian_notification_addresses (custodian_id) {
        custodian_id -> Uuid,
        email -> Text,
        updated_at -> Timestamptz,
        updated_by -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        kind -> Text,
        cause -> Text,
        audience -> Text,
        case_id -> Nullable<Uuid>,
        case_number -> Nullable<Text>,
        application_id -> Nullable<Uuid>,
        custodian_id -> Nullable<Uuid>,
        to_address -> Text,
        language -> Text,
        data -> Jsonb,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        lease_until -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}
// The public overview of granted access (issue 15).

diesel::table! {
    overview_withholdings (case_id) {
        case_id -> Uuid,
        reason -> Text,
        withheld_at -> Timestamptz,
        withheld_by -> Text,
    }
}

diesel::joinable!(overview_withholdings -> cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    case_history_versions,
    overview_entries,
    feed_counter,
    feed_events,
    webhook_endpoints,
    webhook_deliveries,
    closure_days,
    idempotency_keys,
    purposes,
    custodians,
    data_sources,
    data_source_custodian_history,
    data_source_purposes,
    variables,
    service_notices,
    applications,
    application_members,
    application_attachments,
    application_snapshots,
    case_number_counters,
    cases,
    case_events,
    case_sources,
    case_questions,
    case_decisions,
    custodian_tasks,
    task_events,
    task_progress_reports,
    task_deliveries,
    task_hours,
    custodian_task_counters,
    invoicing_parties,
    price_list_versions,
    case_hours,
    fee_waivers,
    case_fee_estimates,
    case_origins,
    invoice_number_counters,
    invoice_bases,
    invoice_lines,
    credit_notes,
    case_delivery_parts,
    case_decision_tables,
    custodian_members,
    attachment_blobs,
    submitted_attachments,
    change_requests,
    attachments_sent_later,
    person_contacts,
    custodian_notification_addresses,
    notifications,
    overview_withholdings,
);
