-- Invoices as Stripe last described them (amounts in minor units), kept current by its webhook.
create table invoice (
    invoice_id       varchar(255) primary key,
    customer_id      varchar(200) not null references customer (customer_id),
    number           varchar(100),
    status           varchar(20)  not null, -- draft | open | paid | uncollectible | void
    currency         varchar(3)   not null,
    total            bigint       not null,
    amount_due       bigint       not null,
    amount_paid      bigint       not null,
    amount_remaining bigint       not null,
    billing_reason   varchar(40),
    period_start     timestamp with time zone,
    period_end       timestamp with time zone,
    due_at           timestamp with time zone,
    hosted_url       varchar(2000),
    pdf_url          varchar(2000),
    created_at       timestamp with time zone not null, -- when Stripe created it
    state_at         timestamp with time zone not null, -- when Stripe created the event last applied
    updated_at       timestamp with time zone not null
);
create index invoice_by_customer on invoice (customer_id, created_at desc, invoice_id desc);
