-- When a subscription became past due: its grace (dunning) is counted from then.
alter table subscription add column past_due_since timestamp with time zone;
