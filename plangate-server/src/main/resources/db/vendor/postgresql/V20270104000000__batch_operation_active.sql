-- PostgreSQL only: the operations not ended, for the queue's statistics (the console's overview and
-- batches pages, GET /v1/admin/stats/batches), which count them by status. With the partial
-- indexes of V20270102000000 no index led with the status any more, and those counts read the whole
-- table. Holding only pending, ready and running rows, this one takes at most three entries an
-- operation and stays as small as the queue, whatever the history kept.
create index batch_operation_active on batch_operation (status)
    where status in ('pending', 'ready', 'running');
