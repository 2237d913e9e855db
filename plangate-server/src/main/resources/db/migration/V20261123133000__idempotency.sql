-- Answers to requests sent with an Idempotency-Key, replayed when the same request is sent again.
create table idempotency_record (
    caller       varchar(200)  not null,
    idem_key     varchar(255)  not null,
    request_hash varchar(64)   not null,
    status       integer,                   -- null while the first request is being handled
    content_type varchar(200),
    body         varchar,
    created_at   timestamp with time zone not null,
    primary key (caller, idem_key)
);
create index idempotency_record_by_age on idempotency_record (created_at);
