-- Concurrency slots held by customers: a lease is one slot until released or expired.
create table lease (
    id          uuid         primary key,
    customer_id varchar(200) not null references customer (customer_id),
    feature_key varchar(64)  not null references feature (feature_key),
    acquired_at timestamp with time zone not null,
    expires_at  timestamp with time zone not null
);
create index lease_by_holder on lease (customer_id, feature_key, expires_at);

-- One row per customer and concurrency feature, locked while a slot is taken, so that nodes take turns.
create table lease_lock (
    customer_id varchar(200) not null,
    feature_key varchar(64)  not null,
    primary key (customer_id, feature_key)
);
