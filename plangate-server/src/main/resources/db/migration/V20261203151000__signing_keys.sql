-- Start-up work run once even when several nodes start together on an empty database.
insert into startup_lock (name) values ('master_key_check');
insert into startup_lock (name) values ('signing_key');

-- An encryption of a constant under the master key the database was set up with: a node
-- started with another key finds out at start, before it writes anything with it.
create table master_key_check (
    id          integer primary key,
    check_value varchar(200) not null,
    created_at  timestamp with time zone not null,
    constraint master_key_check_single check (id = 1)
);

-- The keys that sign access tokens (ES256). The private part is sealed with the master key;
-- a key signs from signs_from until signs_until and stays published (JWKS) until every
-- token it signed has expired.
create table signing_key (
    kid         varchar(64)  primary key,
    algorithm   varchar(10)  not null,
    public_jwk  varchar(1000) not null,
    private_jwk varchar(2000) not null,
    created_at  timestamp with time zone not null,
    signs_from  timestamp with time zone not null,
    signs_until timestamp with time zone not null
);
create index signing_key_by_until on signing_key (signs_until);

-- Access tokens that stop working before their expiry: those of a subject issued before
-- revoked_before, or every token of a session. A marker goes once no token it covers can
-- still be valid (expires_at). The kind ('subject' or 'session') has no check constraint: H2
-- evaluates an IN-list check with the session that created it, and fails once that connection
-- has closed.
create table token_revocation (
    kind           varchar(10)  not null,            -- subject | session
    target         varchar(300) not null,
    revoked_before timestamp with time zone not null,
    expires_at     timestamp with time zone not null,
    primary key (kind, target)
);
create index token_revocation_by_expiry on token_revocation (expires_at);
