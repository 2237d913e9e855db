-- PostgreSQL only (classpath:db/vendor/{vendor}): an operation's row changes status four times
-- (pending, ready, running, then an end), each change a new row version that every index of the
-- table takes an entry for. Indexes holding only the rows their queries look for take one entry
-- an operation instead of one a change, and the claim's index is ordered as the claim is, so it
-- reads the head of the region's queue without sorting.

-- the workers' claim: ready operations of a region, lowest rank first
drop index batch_operation_ready;
create index batch_operation_ready on batch_operation (region, fair_rank, batch_id, seq) where status = 'ready';

-- a region's lowest rank still queued, from which an admitted batch's ranks start
create index batch_operation_ranked on batch_operation (region, fair_rank)
    where status in ('pending', 'ready') and fair_rank is not null;

-- the sweep of expired leases
drop index batch_operation_leases;
create index batch_operation_leases on batch_operation (lease_expires_at) where status = 'running';

-- recent ends, for the console and the queue's statistics: only ended operations have a time
drop index batch_operation_finished;
create index batch_operation_finished on batch_operation (finished_at) where finished_at is not null;
