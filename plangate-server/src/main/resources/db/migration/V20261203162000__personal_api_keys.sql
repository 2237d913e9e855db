-- Personal API keys: an account's own keys (pg_pk_…), acting as the account on /v1/me/**
-- within their scopes. Only the SHA-256 of a key is stored; prefix is what lists show.
create table personal_api_key (
    id            uuid         primary key,
    account_id    uuid         not null references account (id),
    name          varchar(200) not null,
    prefix        varchar(20)  not null,
    secret_hash   varchar(64)  not null unique,
    scopes        varchar(100) not null,                -- space-separated: read | read write
    created_at    timestamp with time zone not null,
    expires_at    timestamp with time zone,             -- at most a year after created_at
    last_used_at  timestamp with time zone,
    revoked_at    timestamp with time zone
);
create index personal_api_key_by_account on personal_api_key (account_id, created_at);
