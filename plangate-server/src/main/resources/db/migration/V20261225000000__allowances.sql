-- Allowance blocks: an amount of a quota reserved at once (recorded in the ledger under the event id
-- 'allowance:<id>'), spent by a client in its own process, and what it gave back unspent.
create table allowance (
    id          uuid         primary key,
    customer_id varchar(200) not null references customer (customer_id),
    feature_key varchar(64)  not null references feature (feature_key),
    period_start timestamp with time zone not null,
    granted     bigint       not null,
    reserved_at timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    unspent     bigint,                    -- what the client said it left unspent; null until it did
    returned    bigint,                    -- what went back to the quota: unspent, or 0 once expired
    returned_at timestamp with time zone
);
create index allowance_by_customer on allowance (customer_id, reserved_at);
