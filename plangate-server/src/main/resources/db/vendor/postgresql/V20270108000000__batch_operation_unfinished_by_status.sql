-- PostgreSQL only: fewer index entries for an operation's status changes, which are not HOT updates
-- (the status is in the partial indexes' predicates), so each new row version takes an entry in every
-- index whose predicate it meets.
--
-- The operations not ended were held twice: by status, for the queue's statistics
-- (batch_operation_active), and by batch, for whether a batch has any left
-- (batch_operation_unfinished); an operation took three entries in each, pending, ready and running.
-- One index by batch and status serves both, and the sweep's question of a batch with nothing ready
-- or running, and the cancelling of what has not started, with the status in the index condition.
drop index batch_operation_active;
drop index batch_operation_unfinished;
create index batch_operation_unfinished on batch_operation (batch_id, status)
    where status in ('pending', 'ready', 'running');

-- A region's lowest rank still queued: the ready ones are in the claim's index already, so this one
-- holds only ranked operations still pending (those of a batch run in order, after its first), and
-- an operation of a parallel batch, made ready as it is ranked, takes no entry in it.
drop index batch_operation_ranked;
create index batch_operation_ranked on batch_operation (region, fair_rank)
    where status = 'pending' and fair_rank is not null;
