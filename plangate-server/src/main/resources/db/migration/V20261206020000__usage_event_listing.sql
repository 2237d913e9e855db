-- A customer's usage events in the order they were recorded: read by the event listing (newest first, paged
-- by seq) and the export of a time range.
create index usage_event_by_customer_seq on usage_event (customer_id, seq);
