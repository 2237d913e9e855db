-- The lockout state of sign-in attempts, kept alike for an account ('account:<id>') and for a
-- login no account has ('login:<SHA-256 of the lower-cased login>'), so that a lockout does
-- not tell which logins have an account. A row whose last failure is older than
-- plangate.accounts.lockout.forget-after means what no row means, and is purged.
create table login_lockout (
    subject          varchar(80)  primary key,
    failed_logins    integer      not null,
    locked_until     timestamp with time zone,
    last_failure_at  timestamp with time zone not null
);

insert into login_lockout (subject, failed_logins, locked_until, last_failure_at)
select 'account:' || cast(id as varchar(36)), failed_logins, locked_until, current_timestamp
  from account
 where failed_logins > 0;

alter table account drop column failed_logins;
alter table account drop column locked_until;
