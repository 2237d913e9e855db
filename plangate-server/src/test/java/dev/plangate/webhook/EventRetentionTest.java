package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The event log keeps an event for {@code plangate.webhooks.event-retention} (30 days),
 * then removes it with its deliveries and their attempts, unless an endpoint still waits
 * to receive it.
 */
class EventRetentionTest extends ServerTest {

	@Autowired
	private EventRetention retention;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void anEventPastTheRetentionGoesWithItsDeliveriesUnlessAnEndpointStillWaitsForIt() {
		// given: an endpoint that is off, so that nothing is sent to it
		var endpoint = UUID
			.fromString(api
				.post("/v1/webhook-endpoints", Api
					.json(Map.of("url", "http://127.0.0.1:9/retention", "eventTypes", List.of("*"), "enabled", false)))
				.body()
				.get("id")
				.asString());
		var now = Instant.now();
		var delivered = event(now.minus(Duration.ofDays(40)));
		long deliveredTo = delivery(delivered, endpoint, "succeeded");
		attempt(deliveredTo);
		var waiting = event(now.minus(Duration.ofDays(40)));
		delivery(waiting, endpoint, "pending");
		var recent = event(now.minus(Duration.ofDays(29)));
		long recentTo = delivery(recent, endpoint, "failed");
		attempt(recentTo);

		// when
		int removed = retention.purge();

		// then: the old delivered event is gone with its delivery and attempt; the one
		// still awaited and the recent one stay
		assertThat(removed).isGreaterThanOrEqualTo(1);
		assertThat(count("select count(*) from event_log where id = '" + delivered + "'")).isZero();
		assertThat(count("select count(*) from webhook_delivery where id = " + deliveredTo)).isZero();
		assertThat(count("select count(*) from webhook_attempt where delivery_id = " + deliveredTo)).isZero();
		assertThat(count("select count(*) from event_log where id = '" + waiting + "'")).isOne();
		assertThat(count("select count(*) from event_log where id = '" + recent + "'")).isOne();
		assertThat(count("select count(*) from webhook_attempt where delivery_id = " + recentTo)).isOne();

		// and once the endpoint is deleted, nothing waits for the old event any more
		assertThat(api.delete("/v1/webhook-endpoints/" + endpoint).status()).isEqualTo(200);
		retention.purge();
		assertThat(count("select count(*) from event_log where id = '" + waiting + "'")).isZero();
		assertThat(count("select count(*) from event_log where id = '" + recent + "'")).isOne();
	}

	private UUID event(Instant at) {
		var id = UUID.randomUUID();
		jdbc.sql("""
				insert into event_log (id, type, customer_id, occurred_at, data)
				values (:id, 'customer.updated', null, :at, '{}')""")
			.param("id", id)
			.param("at", at.atOffset(ZoneOffset.UTC))
			.update();
		return id;
	}

	private long delivery(UUID event, UUID endpoint, String status) {
		jdbc.sql("""
				insert into webhook_delivery (event_id, endpoint_id, status, attempts, round_attempts, next_attempt_at,
				  created_at)
				values (:event, :endpoint, :status, 1, 1, :at, :at)""")
			.param("event", event)
			.param("endpoint", endpoint)
			.param("status", status)
			.param("at", Instant.now().plus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC))
			.update();
		return jdbc.sql("select id from webhook_delivery where event_id = :event")
			.param("event", event)
			.query(Long.class)
			.single();
	}

	private void attempt(long delivery) {
		jdbc.sql("""
				insert into webhook_attempt (delivery_id, attempt, attempted_at, duration_ms, response_status)
				values (:delivery, 1, :at, 3, 200)""")
			.param("delivery", delivery)
			.param("at", Instant.now().atOffset(ZoneOffset.UTC))
			.update();
	}

	private long count(String sql) {
		return jdbc.sql(sql).query(Long.class).single();
	}

}
