-- An operator viewing as a customer's end user: the access token it was given (its jti
-- is the id), whom it names, why, and whether changes are allowed. Ending one early
-- revokes its token (a token_revocation marker of kind 'imperson').
create table impersonation (
    id                  uuid primary key,
    operator_account_id uuid         not null,
    operator_login      varchar(320) not null,
    account_id          uuid         not null,
    account_login       varchar(320) not null,
    customer_id         varchar(300) not null,
    reason              varchar(500) not null,
    mode                varchar(10)  not null,             -- read_only | read_write
    started_at          timestamp with time zone not null,
    expires_at          timestamp with time zone not null,
    ended_at            timestamp with time zone,
    ended_by            varchar(200)
);
create index impersonation_by_customer on impersonation (customer_id, started_at);

-- The operator behind a request made under an impersonation token (account:<id>); null
-- for everything else.
alter table audit_event add column impersonated_by varchar(200);
