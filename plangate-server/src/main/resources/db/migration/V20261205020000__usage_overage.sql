-- For a consume of a quota with overage: the part of it admitted beyond the allowance and the grants, to be
-- billed. Usage recorded without a limit (metering) never has one. The period's sum is read under the lock
-- of its usage total, so that no node admits past the overage cap.
alter table usage_event add column overage bigint;
-- For a refused consume: the overage cap it would have passed, so a repeat of its key gets the first answer.
alter table consume_refusal add column overage_cap bigint;
