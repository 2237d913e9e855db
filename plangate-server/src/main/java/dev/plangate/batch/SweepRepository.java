package dev.plangate.batch;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/**
 * What the scheduler's sweeps look for: leases run out, batches unsettled or past their
 * deadline.
 */
@Repository
class SweepRepository {

	private final JdbcClient jdbc;

	SweepRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Running operations whose lease ran out. Only a batch not ended has any (a batch
	 * ends once none of its operations runs, and a rollback that runs out of time ends
	 * the compensation it was running), so they are looked for among the operations of
	 * those, which the system-wide cap on batches processing keeps few.
	 */
	List<UUID> expiredLeases(Instant now, int limit) {
		return jdbc.sql("""
				select o.id from batch b join batch_operation o on o.batch_id = b.id
				where b.status in (:holding) and o.status = 'running' and o.lease_expires_at <= :now
				order by o.lease_expires_at limit :limit""")
			.param("holding", BatchStatus.HOLDING_A_SLOT)
			.param("now", Timestamps.sql(now))
			.param("limit", limit)
			.query(UUID.class)
			.list();
	}

	/**
	 * Batches holding a processing slot with no operation ready or running: each has
	 * something to settle (its end, its next operation, its rollback), left undone if the
	 * node that finished their last operation stopped before settling them.
	 */
	List<UUID> unsettled(int limit) {
		return jdbc.sql("""
				select id from batch b where status in (:holding)
				  and not exists (select 1 from batch_operation o where o.batch_id = b.id
				                  and o.status in ('ready', 'running'))
				order by submitted_at limit :limit""")
			.param("holding", BatchStatus.HOLDING_A_SLOT)
			.param("limit", limit)
			.query(UUID.class)
			.list();
	}

	/** Processing batches past their deadline. */
	List<UUID> overdue(Instant now, int limit) {
		return jdbc.sql("""
					select id from batch where status in ('processing', 'rolling_back') and deadline_at <= :now
				order by deadline_at limit :limit""")
			.param("now", Timestamps.sql(now))
			.param("limit", limit)
			.query(UUID.class)
			.list();
	}

}
