-- PostgreSQL only: the operations of a batch not ended yet. After each completion the worker's call
-- asks whether the batch has any left, to settle it once it has none; counting them read every
-- unfinished operation of the queue (the status index) against every operation of the batch, 5 to
-- 14 ms a completion with batches of 500. This index answers the question with its first entry.
create index batch_operation_unfinished on batch_operation (batch_id)
    where kind = 'operation' and status in ('pending', 'ready', 'running');
