-- The audit log is filtered by who acted and by what was done, newest first.
create index audit_event_by_actor on audit_event (actor, id);
create index audit_event_by_action on audit_event (action, id);
