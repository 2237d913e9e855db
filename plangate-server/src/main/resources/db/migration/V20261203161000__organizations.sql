-- Organizations are customers of kind 'organization'; accounts are their members and share
-- its subscription. Membership changes lock the organization's customer row, so counting
-- members and pending invitations against the plan's limit is exact.
create table membership (
    organization_id  varchar(200) not null references customer (customer_id),
    account_id       uuid         not null references account (id),
    role             varchar(10)  not null,          -- owner | admin | member
    joined_at        timestamp with time zone not null,
    primary key (organization_id, account_id)
);
create index membership_by_account on membership (account_id);

-- An invitation by email, accepted once through a mailed link; only the token's SHA-256 is
-- stored. Pending: neither accepted nor revoked, and not expired.
create table invitation (
    id               uuid         primary key,
    organization_id  varchar(200) not null references customer (customer_id),
    email            varchar(320) not null,          -- lower-cased
    role             varchar(10)  not null,          -- owner | admin | member
    token_hash       varchar(64)  not null unique,
    invited_by       uuid         not null references account (id),
    created_at       timestamp with time zone not null,
    expires_at       timestamp with time zone not null,
    accepted_at      timestamp with time zone,
    accepted_by      uuid         references account (id),
    revoked_at       timestamp with time zone
);
create index invitation_by_organization on invitation (organization_id, email);

-- A member's tokens for acting for an organization stop working when the membership ends:
-- one token_revocation marker of kind 'membership' per organization and account.
