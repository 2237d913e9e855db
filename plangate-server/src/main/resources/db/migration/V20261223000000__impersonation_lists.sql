-- The audit log filtered by the operator behind an impersonation token, newest first;
-- impersonations listed newest first, by operator and by account.
create index audit_event_by_impersonator on audit_event (impersonated_by, id);
create index impersonation_by_started on impersonation (started_at, id);
create index impersonation_by_operator on impersonation (operator_account_id, started_at);
create index impersonation_by_account on impersonation (account_id, started_at);
