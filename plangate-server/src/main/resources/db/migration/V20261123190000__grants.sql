-- Extra amounts of a quota given to one customer (credits, an emergency pool). A grant is drawn only
-- once the plan's allowance for the period is spent, soonest-expiring first; what is drawn is gone for
-- good, whatever period comes next.
create table usage_grant (
    id          uuid         primary key,
    customer_id varchar(200) not null references customer (customer_id),
    feature_key varchar(64)  not null references feature (feature_key),
    amount      bigint       not null check (amount > 0),
    remaining   bigint       not null check (remaining >= 0 and remaining <= amount),
    reason      varchar(500),
    starts_at   timestamp with time zone not null,
    expires_at  timestamp with time zone,
    created_by  varchar(200) not null,
    created_at  timestamp with time zone not null,
    revoked_at  timestamp with time zone
);
create index usage_grant_by_holder on usage_grant (customer_id, feature_key);

-- What each consume drew from each grant, written in the transaction that records the consume.
create table grant_draw (
    customer_id  varchar(200) not null,
    event_id     varchar(200) not null,
    grant_id     uuid         not null references usage_grant (id),
    feature_key  varchar(64)  not null,
    period_start timestamp with time zone not null,
    amount       bigint       not null check (amount > 0),
    drawn_at     timestamp with time zone not null,
    primary key (customer_id, event_id, grant_id)
);
create index grant_draw_by_period on grant_draw (customer_id, feature_key, period_start);

-- A consume's share drawn from grants, and the grants' balance right after it (or, refused, what the
-- grants held), so that a repeat of its key gets the first answer.
alter table usage_event add column from_grants bigint;
alter table usage_event add column grants_left bigint;
alter table consume_refusal add column grants_left bigint;
