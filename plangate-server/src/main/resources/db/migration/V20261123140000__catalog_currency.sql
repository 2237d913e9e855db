-- The catalog file's default currency, for plans created through the admin API.
alter table catalog_state add column currency varchar(3) default 'USD' not null;
