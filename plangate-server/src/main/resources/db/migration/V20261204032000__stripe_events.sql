-- Every Stripe event received, once by its id, with what Plangate did with it.
create table stripe_event (
    event_id     varchar(255) primary key,
    event_type   varchar(100) not null,
    livemode     boolean      not null,
    created_at   timestamp with time zone not null, -- when Stripe created it
    received_at  timestamp with time zone not null,
    processed_at timestamp with time zone,
    outcome      varchar(20), -- processed | ignored
    detail       varchar(1000),
    payload      varchar      not null
);
create index stripe_event_by_received on stripe_event (received_at);

-- A Plangate customer's Stripe customer and subscription (ids only: Plangate never sees a card).
create table billing_customer (
    customer_id            varchar(200) primary key references customer (customer_id),
    stripe_customer_id     varchar(255) not null unique,
    stripe_subscription_id varchar(255),
    -- when Stripe created the newest subscription event applied: older ones, delivered late, change nothing
    state_at               timestamp with time zone,
    created_at             timestamp with time zone not null,
    updated_at             timestamp with time zone not null
);
