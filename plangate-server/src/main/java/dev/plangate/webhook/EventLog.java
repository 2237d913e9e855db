package dev.plangate.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;

/**
 * Stores every {@link OutboundEvent} in the transaction that publishes it, and reads the
 * log back.
 */
@Service
public class EventLog {

	private final JdbcClient jdbc;

	private final Clock clock;

	private final WebhookRepository webhooks;

	private final WebhookSignal signal;

	EventLog(JdbcClient jdbc, Clock clock, WebhookRepository webhooks, WebhookSignal signal) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.webhooks = webhooks;
		this.signal = signal;
	}

	/**
	 * Stores {@code event} in the publisher's transaction.
	 * @throws IllegalStateException when published outside a transaction: the event could
	 * then be stored without its change, or lost with it
	 */
	@EventListener
	void record(OutboundEvent event) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("Event " + event.type() + " published outside a transaction");
		}
		store(event);
	}

	/**
	 * Stores the event and queues its deliveries to the endpoints that take it, in the
	 * caller's transaction (a transactional outbox); answers the stored event's id.
	 */
	UUID store(OutboundEvent event) {
		var id = UUID.randomUUID();
		var at = clock.instant();
		var data = StoredJson.write(event.data());
		jdbc.sql("""
				insert into event_log (id, type, customer_id, occurred_at, data)
				values (:id, :type, :customer, :at, :data)""")
			.param("id", id)
			.param("type", event.type())
			.param("customer", event.customerId())
			.param("at", Timestamps.sql(at))
			.param("data", data)
			.update();
		if (webhooks.fanOut(id, event.type(), event.customerId(), at) > 0) {
			signal.wakeAfterCommit();
		}
		return id;
	}

	Optional<StoredEvent> find(UUID id) {
		return jdbc.sql("select * from event_log where id = :id").param("id", id).query(EventLog::row).optional();
	}

	static StoredEvent row(ResultSet rs, int n) throws SQLException {
		return new StoredEvent(rs.getObject("id", UUID.class), rs.getString("type"),
				Timestamps.readRequired(rs, "occurred_at"), rs.getString("customer_id"), rs.getString("data"),
				rs.getLong("seq"));
	}

}
