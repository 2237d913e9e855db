-- A delivery asked for again (a retry or a redelivery) while an attempt was being made: once
-- that attempt is written down, the delivery is queued again instead of ending, since the
-- attempt began before the request. A claim clears it: an attempt begun after the request
-- is the one asked for.
alter table webhook_delivery add column again boolean default false not null;
