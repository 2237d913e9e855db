package dev.plangate.batch;

import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The dispatch order: each region's virtual time, each customer's last tag, the
 * operations' ranks.
 */
@Repository
class FairQueueRepository {

	private final JdbcClient jdbc;

	FairQueueRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Admits a batch's operations (or a rollback's compensations) to the queue in one
	 * pass: ranks them, {@code first} for {@code firstSeq} and then {@code step} apart,
	 * and makes them ready: all of them, or only the first pending in order. One update,
	 * so that each operation takes one new row version on admission rather than one for
	 * its rank and another for its release; then those made ready enter
	 * {@code batch_ready}. None of them was ready before: they were all pending.
	 */
	void rankAndRelease(UUID batchId, boolean compensations, int firstSeq, long first, long step, boolean all) {
		String kind = compensations ? "compensation" : "operation";
		jdbc.sql("""
				update batch_operation set fair_rank = :first + cast(seq - :firstSeq as bigint) * :step,
				  status = case when status = 'pending'
				                 and (:all or seq = (select min(seq) from batch_operation
				                                     where batch_id = :batch and kind = :kind
				                                       and status = 'pending'))
				            then 'ready' else status end
				where batch_id = :batch and kind = :kind""")
			.param("batch", batchId)
			.param("kind", kind)
			.param("firstSeq", firstSeq)
			.param("first", first)
			.param("step", step)
			.param("all", all)
			.update();
		jdbc.sql("""
				insert into batch_ready (batch_id, seq, region, fair_rank, type, available_at)
				select batch_id, seq, region, fair_rank, type, available_at from batch_operation
				where batch_id = :batch and kind = :kind and status = 'ready'""")
			.param("batch", batchId)
			.param("kind", kind)
			.update();
	}

	/**
	 * The lowest rank waiting in a region's queue, ready or pending: the lower of the
	 * head of the ready operations and the lowest of those ranked but still pending. Only
	 * a batch run in order, or a rollback's compensations, has these: a batch run in
	 * parallel makes all of its operations ready as it is admitted, and a failing or
	 * cancelling batch has cancelled what had not started.
	 */
	Optional<Long> lowestReadyRank(String region) {
		return jdbc
			.sql("""
					select min(r.lowest) as lowest from (
					  select min(fair_rank) as lowest from batch_ready where region = :region
					  union all
					  select min(o.fair_rank) from batch b join batch_operation o on o.batch_id = b.id
					  where b.region = :region and ((b.status = 'processing' and not b.parallel) or b.status = 'rolling_back')
					    and o.status = 'pending' and o.fair_rank is not null) r""")
			.param("region", region)
			.query((rs, n) -> {
				long lowest = rs.getLong("lowest");
				return rs.wasNull() ? Optional.<Long>empty() : Optional.of(lowest);
			})
			.single();
	}

	long clock(String region) {
		jdbc.sql("""
				insert into batch_queue_clock (region, vtime) select :region, 0
				where not exists (select 1 from batch_queue_clock where region = :region)""")
			.param("region", region)
			.update();
		return jdbc.sql("select vtime from batch_queue_clock where region = :region")
			.param("region", region)
			.query(Long.class)
			.single();
	}

	void setClock(String region, long vtime) {
		jdbc.sql("update batch_queue_clock set vtime = :vtime where region = :region")
			.param("region", region)
			.param("vtime", vtime)
			.update();
	}

	long lastTag(String region, String customerId) {
		return jdbc.sql("select last_tag from batch_queue_tag where region = :region and customer_id = :customer")
			.param("region", region)
			.param("customer", customerId)
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	void setLastTag(String region, String customerId, long tag) {
		if (jdbc.sql("update batch_queue_tag set last_tag = :tag where region = :region and customer_id = :customer")
			.param("region", region)
			.param("customer", customerId)
			.param("tag", tag)
			.update() == 0) {
			jdbc.sql("insert into batch_queue_tag (region, customer_id, last_tag) values (:region, :customer, :tag)")
				.param("region", region)
				.param("customer", customerId)
				.param("tag", tag)
				.update();
		}
	}

}
