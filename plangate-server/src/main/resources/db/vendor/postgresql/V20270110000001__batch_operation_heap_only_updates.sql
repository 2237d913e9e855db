-- PostgreSQL only: with the ready operations in batch_ready, nothing reads batch_operation by its
-- status through an index any more. The statements that did (the lease sweep, a region's lowest rank
-- pending, whether a batch has operations left, the queue's counts) go through the batches not ended
-- and their operations by (batch_id, seq).
--
-- An update of a row is heap-only (HOT), taking no index entry, when no indexed column changes (a
-- partial index's predicate counts) and the row's page has room for the new version. Without these
-- indexes an operation's changes to ready and running (and its heartbeats) change no indexed column;
-- only its end does (finished_at). A fill factor of 50 leaves each page room for them: a batch's
-- operations are inserted together, so without it their pages are full from the start.
drop index batch_operation_ranked;
drop index batch_operation_leases;
drop index batch_operation_unfinished;
alter table batch_operation set (fillfactor = 50);

-- batch_ready is often empty, or nearly, when a vacuum comes by: every row it ever held is deleted
-- by the claim that takes it. A vacuum would then cut the table back to nothing, and the planner,
-- sizing a table by its pages, would plan the claim as a read of the whole table and a sort, and keep
-- that plan for a prepared statement while the queue grows again (seen: a claim of 50 reading 650
-- dead and live rows, and the delete that follows comparing 32,500 pairs). Kept at its size, the
-- table is never cheaper to read whole than through the claim's index.
alter table batch_ready set (vacuum_truncate = false);
