-- The Preference-Applied header of a kept answer, sent again with its replay.
alter table idempotency_record add column preference_applied varchar(200);
