-- What Plangate bills beyond plan prices: the overage of an ended period, or a priced grant. One row per
-- thing billed, made once: the unique key is what two nodes racing to bill it collide on.
create table charge (
    id                  uuid         primary key,
    kind                varchar(20)  not null,          -- overage | grant
    customer_id         varchar(200) not null references customer (customer_id),
    feature_key         varchar(64)  not null,
    period_start        timestamp with time zone not null, -- the overage's period; a grant's creation
    period_end          timestamp with time zone,
    grant_key           varchar(64)  not null,          -- the grant's id for a grant charge, '' otherwise
    quantity            bigint       not null,
    amount              bigint       not null,          -- minor units of currency
    currency            varchar(3)   not null,
    status              varchar(20)  not null,          -- recorded | pending | invoiced | awaiting_payment | paid
    stripe_price        varchar(200),
    stripe_item_id      varchar(200),
    stripe_invoice_id   varchar(200),
    failure             varchar(500),                   -- why Stripe could not take it
    claimed_at          timestamp with time zone,       -- when a node last started sending it to Stripe
    created_at          timestamp with time zone not null,
    updated_at          timestamp with time zone not null,
    unique (kind, customer_id, feature_key, period_start, grant_key)
);
create index charge_by_customer on charge (customer_id, created_at);
create index charge_by_status on charge (status);

-- Finds the few usage events with overage among the many without, for the charge job.
create index usage_event_by_overage on usage_event (overage, period_start);
