-- A priced grant (a paid emergency pool): its price, how it is paid, and whether it waits for that payment
-- before it may be drawn on.
alter table usage_grant add column price_amount bigint;
alter table usage_grant add column price_currency varchar(3);
alter table usage_grant add column payment varchar(20);
alter table usage_grant add column awaiting_payment boolean default false not null;
