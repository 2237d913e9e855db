-- Consumes refused for want of quota, kept so that a repeated idempotency key gets the first answer.
create table consume_refusal (
    customer_id varchar(200) not null,
    event_id    varchar(200) not null,
    feature_key varchar(64)  not null,
    amount      bigint       not null,
    used        bigint       not null,   -- the total when it was refused
    limit_value bigint       not null,
    decided_at  timestamp with time zone not null,
    primary key (customer_id, event_id)
);
