-- End-user and operator accounts. An account is a customer of kind 'user' (its own subscription),
-- whose status (active, suspended, deleted) is the account's;
-- email and username are unique among accounts that are not deleted: deleting one moves its
-- address to deleted_email, which frees it.
create table account (
    id                    uuid         primary key,
    customer_id           varchar(200) not null unique references customer (customer_id),
    email                 varchar(320) unique,          -- lower-cased; null once deleted
    deleted_email         varchar(320),
    email_verified_at     timestamp with time zone,
    username              varchar(64)  unique,          -- lower-cased
    password_hash         varchar(255) not null,        -- Argon2id, PHC string format
    role                  varchar(20)  not null,        -- user | admin | superadmin
    must_change_password  boolean      not null default false,
    failed_logins         integer      not null default 0,
    locked_until          timestamp with time zone,
    totp_secret           varchar(255),                 -- encrypted; set while enrolling or enrolled
    totp_enabled_at       timestamp with time zone,
    totp_last_step        bigint,                       -- the last accepted time step: a code is accepted once
    created_at            timestamp with time zone not null,
    updated_at            timestamp with time zone not null,
    deleted_at            timestamp with time zone
);

-- Single-use tokens mailed to an account: email verification, password reset, email change.
-- Only their SHA-256 is stored.
create table account_token (
    token_hash  varchar(64)  primary key,
    account_id  uuid         not null references account (id),
    purpose     varchar(20)  not null,                  -- verify_email | reset_password | change_email
    new_email   varchar(320),
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone
);
create index account_token_by_account on account_token (account_id, purpose);

-- A session is one sign-in on one device; its refresh tokens form one family.
create table account_session (
    id            uuid         primary key,
    account_id    uuid         not null references account (id),
    user_agent    varchar(500),
    ip            varchar(64),
    created_at    timestamp with time zone not null,
    last_seen_at  timestamp with time zone not null,
    expires_at    timestamp with time zone not null,
    revoked_at    timestamp with time zone,
    revoked_reason varchar(40)
);
create index account_session_by_account on account_session (account_id, created_at);

-- Opaque refresh tokens, rotated on each use: a used token presented again after the grace
-- window revokes its session.
create table refresh_token (
    token_hash  varchar(64)  primary key,
    session_id  uuid         not null references account_session (id),
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone
);
create index refresh_token_by_session on refresh_token (session_id);

-- TOTP recovery codes, each single-use; only a hash is stored.
create table recovery_code (
    account_id  uuid         not null references account (id),
    code_hash   varchar(64)  not null,
    used_at     timestamp with time zone,
    primary key (account_id, code_hash)
);

insert into startup_lock (name) values ('account_bootstrap');
