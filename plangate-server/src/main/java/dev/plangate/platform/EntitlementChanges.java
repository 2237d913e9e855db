package dev.plangate.platform;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The log of whose entitlements changed, which the SDKs' entitlement stream follows:
 * every module that changes what {@code GET /v1/customers/{id}/entitlements} answers (a
 * plan change, a subscription's status, an override, a suspension, a deletion, a catalog
 * edit) records it here in the transaction of the change, so that a committed change is
 * never missing from the log and a rolled-back one never in it. Once the transaction
 * commits every node is told on the {@link EventBus} to read the log now; the log is the
 * truth, a lost notice only delays.
 */
@Component
public class EntitlementChanges {

	/** The bus topic that says the log has new rows. */
	public static final String TOPIC = "entitlements.changed";

	/** The reason of a catalog edit, which concerns every customer. */
	public static final String CATALOG = "catalog.changed";

	/**
	 * One row of the log.
	 *
	 * @param customerId whose entitlements changed; null for every customer's
	 * @param reason what changed, such as {@code subscription.changed}
	 */
	public record Change(long seq, @Nullable String customerId, String reason, Instant at) {
	}

	private final JdbcClient jdbc;

	private final Clock clock;

	private final EventBus bus;

	EntitlementChanges(JdbcClient jdbc, Clock clock, EventBus bus) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.bus = bus;
	}

	/**
	 * Records, in the current transaction, that the customer's entitlements changed (all
	 * customers' when {@code customerId} is null).
	 */
	public void changed(@Nullable String customerId, String reason) {
		jdbc.sql("insert into entitlement_change (customer_id, reason, changed_at) values (:customer, :reason, :at)")
			.param("customer", customerId)
			.param("reason", reason)
			.param("at", Timestamps.sql(clock.instant()))
			.update();
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					bus.publish(TOPIC, "changed");
				}
			});
		}
		else {
			bus.publish(TOPIC, "changed");
		}
	}

	/** Up to {@code limit} changes after {@code afterSeq}, in order. */
	public List<Change> after(long afterSeq, int limit) {
		return jdbc.sql("select * from entitlement_change where seq > :after order by seq limit :limit")
			.param("after", afterSeq)
			.param("limit", limit)
			.query((rs, n) -> new Change(rs.getLong("seq"), rs.getString("customer_id"), rs.getString("reason"),
					Timestamps.readRequired(rs, "changed_at")))
			.list();
	}

	/** The highest number given out so far, 0 when none. */
	public long lastSeq() {
		return jdbc.sql("select coalesce(max(seq), 0) from entitlement_change").query(Long.class).single();
	}

	/** The lowest number kept, or 0 when the log is empty. */
	public long firstSeq() {
		return jdbc.sql("select coalesce(min(seq), 0) from entitlement_change").query(Long.class).single();
	}

	/**
	 * Deletes changes recorded before {@code before}, keeping the newest so that a
	 * stream's position stays known; answers how many went.
	 */
	public int prune(Instant before) {
		return jdbc.sql("""
				delete from entitlement_change where changed_at < :before
				  and seq < (select max(seq) from entitlement_change)""")
			.param("before", Timestamps.sql(before))
			.update();
	}

}
