-- The lease sweep reads running operations through the batches holding a processing slot and
-- their operations by (batch_id, seq), as on PostgreSQL, which dropped this index before (in
-- V20270110000001). Elsewhere it was still written at every change of an operation's status.
drop index if exists batch_operation_leases;
