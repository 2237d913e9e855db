-- PostgreSQL only: the charge job's index of usage events with overage holds those events alone.
-- It held every event, most with no overage at all, so every consume and every ingested event paid
-- for an entry that no query reads (the job asks for overage > 0 only).
drop index usage_event_by_overage;
create index usage_event_by_overage on usage_event (period_start) where overage > 0;
