-- The Stripe price a plan version is sold at, when Stripe takes the payments.
alter table plan_version add column stripe_price varchar(120);
