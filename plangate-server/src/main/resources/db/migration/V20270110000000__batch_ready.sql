-- The operations ready to be taken, in a table of their own: a row is inserted where an operation
-- becomes ready (admission, the next of a batch run in order, a retry, a lease run out) and deleted
-- where it stops being ready (taken by a worker, cancelled, put back in the queue). The workers'
-- claim reads the head of a region's queue from it. An operation's row in batch_operation then
-- needs no index that holds its status, so that on PostgreSQL its changes from pending to ready to
-- running are heap-only (HOT) updates, which take no new index entry.
--
-- Whoever changes both takes the ready row's lock before the operation's, as the claim does.
create table batch_ready (
    batch_id     uuid        not null,
    seq          int         not null,
    region       varchar(64) not null,
    fair_rank    bigint      not null,  -- the operation's dispatch order in the region's queue
    type         varchar(64) not null,
    available_at timestamp with time zone,  -- not dispatched before (retry backoff)
    primary key (batch_id, seq)
);
create index batch_ready_claim on batch_ready (region, fair_rank, batch_id, seq);

insert into batch_ready (batch_id, seq, region, fair_rank, type, available_at)
select batch_id, seq, region, coalesce(fair_rank, 0), type, available_at from batch_operation where status = 'ready';

drop index batch_operation_ready;
