-- A plan change asked for the end of the current period (a downgrade, by default).
alter table subscription add column pending_plan_key varchar(64);
alter table subscription add column pending_plan_version integer;
alter table subscription add column pending_requested_at timestamp with time zone;
alter table subscription add column pending_forced boolean not null default false;
