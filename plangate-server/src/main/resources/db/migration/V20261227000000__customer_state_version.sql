-- A number that grows with every change to what decides a customer's decisions: the
-- customer row, its overrides and its subscription. A node keeps those in memory and
-- reads only this number per decision: a change made on any node is seen by the next
-- decision everywhere.
alter table customer add column state_version bigint not null default 0;
