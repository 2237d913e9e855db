-- Every change to features or plans counts up the catalog's revision, so that each node
-- can tell whether the catalog it keeps in memory is still the stored one.
alter table catalog_state add column revision bigint default 0 not null;
