-- The console's batch pages and GET /v1/admin/stats/batches read recent ends (failures,
-- throughput over the last minutes) and the newest batches of the whole system.
create index batch_operation_finished on batch_operation (finished_at);
create index batch_finished on batch (finished_at);
create index batch_submitted on batch (submitted_at);
