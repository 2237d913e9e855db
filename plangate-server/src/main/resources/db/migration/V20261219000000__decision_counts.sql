-- Enforcement decisions counted per minute, feature, outcome and code: each node counts in
-- memory and adds its counts here every few seconds, so a decision itself writes nothing.
create table decision_counts (
    minute_start timestamp with time zone not null,
    feature      varchar(64) not null,
    outcome      varchar(16) not null,  -- allowed | overage | refused | error
    code         varchar(64) not null,  -- the refusal's code; none when allowed
    decisions    bigint      not null,
    primary key (minute_start, feature, outcome, code)
);

-- Sign-ups and subscription changes read by time range for the back office's figures.
create index customer_by_created on customer (created_at);
create index subscription_change_by_time on subscription_change (changed_at);
