-- Usage per customer, feature and hour (UTC) of the events' occurred_at: the total amount and the number of
-- events. Derived from the ledger and written in the same transaction as the events it counts; read by the
-- usage history, which sums hours into days and months.
create table usage_rollup (
    customer_id  varchar(200) not null,
    feature_key  varchar(64)  not null,
    hour_start   timestamp with time zone not null,
    amount       bigint       not null,
    events       bigint       not null,
    primary key (customer_id, feature_key, hour_start)
);

-- The events recorded before this table existed.
insert into usage_rollup (customer_id, feature_key, hour_start, amount, events)
select customer_id, feature_key, date_trunc('hour', occurred_at at time zone 'UTC') at time zone 'UTC',
       sum(amount), count(*)
from usage_event
group by customer_id, feature_key, date_trunc('hour', occurred_at at time zone 'UTC') at time zone 'UTC';
