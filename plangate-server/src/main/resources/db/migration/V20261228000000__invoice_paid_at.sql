-- When an invoice was finalized and paid (Stripe's status transitions), for the revenue figures.
alter table invoice add column finalized_at timestamp with time zone;
alter table invoice add column paid_at timestamp with time zone;
update invoice set finalized_at = created_at where status <> 'draft';
update invoice set paid_at = updated_at where status = 'paid';
create index invoice_by_paid_at on invoice (paid_at);
create index invoice_by_finalized_at on invoice (finalized_at);
