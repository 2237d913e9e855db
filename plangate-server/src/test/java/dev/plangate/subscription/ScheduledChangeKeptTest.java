package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.MovableClockConfiguration;
import dev.plangate.support.ServerTest;

/**
 * A server set to keep a customer on its plan when, at the boundary, it holds more than
 * the plan it asked to move to allows.
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class ScheduledChangeKeptTest extends ServerTest {

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "scheduled_change_kept");
		registry.add("plangate.subscriptions.scheduled-change-over-limits", () -> "keep");
	}

	@Autowired
	private MovableClock clock;

	@Test
	void aScheduledDowngradeThatNoLongerFitsIsDroppedAndTheCustomerRenewsOnItsPlan() {
		// given: enterprise, free scheduled with 1 seat taken (fits), then 2 more seats
		clock.set(Instant.parse("2027-02-01T00:00:00Z"));
		var id = newCustomer("kept");
		var path = "/v1/customers/" + Api.encode(id) + "/subscription";
		var periodEnd = Instant
			.parse(api.post(path, "{\"plan\":\"enterprise\"}").body().path("currentPeriodEnd").asString());
		consume(id, 1);
		assertThat(api.post(path, "{\"plan\":\"free\"}").status()).isEqualTo(200);
		consume(id, 2);

		// when
		clock.set(periodEnd);

		// then
		var after = api.get(path).body();
		assertThat(after.path("plan").path("key").asString()).isEqualTo("enterprise");
		assertThat(after.has("pendingChange")).isFalse();
		assertThat(Instant.parse(after.path("currentPeriodStart").asString())).isEqualTo(periodEnd);
		var actions = api.get(path + "/history").body().path("data").findValuesAsString("action");
		assertThat(actions).endsWith("change_scheduled", "scheduled_change_dropped");
		var audit = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(id)).body();
		assertThat(audit.path("data").findValuesAsString("action")).contains("subscription.scheduled_change_dropped");
		assertThat(audit.toString()).contains("\"feature\":\"seats\"");
	}

	private void consume(String id, long seats) {
		var response = api.post("/v1/consume", Api
			.json(Map.of("customerId", id, "feature", "seats", "amount", seats, "idempotencyKey", uniqueId("seat"))));
		assertThat(response.body().path("allowed").asBoolean()).as(response.toString()).isTrue();
	}

}
