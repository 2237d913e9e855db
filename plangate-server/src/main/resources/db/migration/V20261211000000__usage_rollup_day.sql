-- Usage per customer, feature and day (UTC) of the events' occurred_at: the total amount and the number of
-- events, the hourly rollups summed by day. Written in the same transaction as the events and their hourly
-- rollups; read by the usage history by day and by month, which then reads one row a day instead of 24.
create table usage_rollup_day (
    customer_id  varchar(200) not null,
    feature_key  varchar(64)  not null,
    day_start    timestamp with time zone not null,
    amount       bigint       not null,
    events       bigint       not null,
    primary key (customer_id, feature_key, day_start)
);

-- The usage recorded before this table existed, from its hourly rollups.
insert into usage_rollup_day (customer_id, feature_key, day_start, amount, events)
select customer_id, feature_key, date_trunc('day', hour_start at time zone 'UTC') at time zone 'UTC',
       sum(amount), sum(events)
from usage_rollup
group by customer_id, feature_key, date_trunc('day', hour_start at time zone 'UTC') at time zone 'UTC';
