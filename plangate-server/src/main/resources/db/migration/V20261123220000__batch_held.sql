-- A queued batch of a suspended customer is held: not admitted until the customer is active again.
alter table batch add column held boolean default false not null;
