-- Keys come in kinds: 'server' keys (pg_sk_) do everything; 'worker' keys (pg_wk_) only run batch operations.
alter table api_key add column kind varchar(16) not null default 'server';
