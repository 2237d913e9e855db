-- Recent ends (the console's failures and throughput, GET /v1/admin/stats/batches) are read
-- through the batches that can hold them, those not ended and those ended since the window began,
-- and their operations by (batch_id, seq). No index of batch_operation then holds a column that
-- an operation's end changes, so on PostgreSQL the end too can be a heap-only update.
drop index batch_operation_finished;
