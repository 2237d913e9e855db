-- For a consumed event: the period's total right after it, so a repeat of its key gets the first answer.
alter table usage_event add column used_after bigint;
