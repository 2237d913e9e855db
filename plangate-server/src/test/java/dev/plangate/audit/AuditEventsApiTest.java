package dev.plangate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/admin/audit-events}: its filters, combined and paged, and bad ones. */
class AuditEventsApiTest extends ServerTest {

	@Test
	void filtersByActorActionTargetAndTimeCombinedAndPaged() {
		// given: a customer suspended and activated twice by this test's key
		var customer = newCustomer("audit-filters");
		for (var i = 0; i < 2; i++) {
			assertThat(api.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
			assertThat(api.post("/v1/customers/" + customer + "/activate", null).status()).isEqualTo(200);
		}
		var all = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + customer).body().path("data");
		var actor = all.get(0).path("actor").asString();
		var at = Instant.parse(all.get(0).path("occurredAt").asString());
		var later = at.plus(1, ChronoUnit.DAYS);

		// when
		var suspended = api.get("/v1/admin/audit-events?action=customer.suspended&targetId=" + customer);
		var byActor = api.get("/v1/admin/audit-events?actor=" + Api.encode(actor) + "&targetId=" + customer);
		var byOther = api.get("/v1/admin/audit-events?actor=account:nobody&targetId=" + customer);
		var inRange = api.get("/v1/admin/audit-events?targetId=" + customer + "&since=" + at.minus(1, ChronoUnit.HOURS)
				+ "&until=" + later);
		var afterwards = api.get("/v1/admin/audit-events?targetId=" + customer + "&since=" + later);
		var before = api.get("/v1/admin/audit-events?targetId=" + customer + "&until=" + at.minus(1, ChronoUnit.DAYS));
		var firstPage = api.get("/v1/admin/audit-events?action=customer.suspended&targetId=" + customer + "&limit=1");
		var secondPage = api.get("/v1/admin/audit-events?action=customer.suspended&targetId=" + customer
				+ "&limit=1&cursor=" + firstPage.body().path("nextCursor").asString());

		// then
		assertThat(actor).startsWith("api_key:");
		assertThat(actions(suspended.body())).containsExactly("customer.suspended", "customer.suspended");
		assertThat(actions(byActor.body())).hasSize(all.size());
		assertThat(actions(byOther.body())).isEmpty();
		assertThat(actions(inRange.body())).hasSize(all.size());
		assertThat(actions(afterwards.body())).isEmpty();
		assertThat(actions(before.body())).isEmpty();
		assertThat(actions(firstPage.body())).containsExactly("customer.suspended");
		assertThat(actions(secondPage.body())).containsExactly("customer.suspended");
		assertThat(secondPage.body().path("data").get(0).path("id").asLong())
			.isLessThan(firstPage.body().path("data").get(0).path("id").asLong());
		assertThat(
				secondPage.body().path("nextCursor").isNull() || secondPage.body().path("nextCursor").isMissingNode())
			.isTrue();
	}

	@Test
	void badFiltersAreABadRequestNamingTheParameter() {
		// when
		var notATime = api.get("/v1/admin/audit-events?since=yesterday");
		var date = api.get("/v1/admin/audit-events?until=2026-12-01");
		var reversed = api.get("/v1/admin/audit-events?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z");
		var longActor = api.get("/v1/admin/audit-events?actor=" + "a".repeat(201));
		var emptyAction = api.get("/v1/admin/audit-events?action=");
		var unauthenticated = anonymous.get("/v1/admin/audit-events?action=customer.created");

		// then
		assertThat(notATime.status()).isEqualTo(400);
		assertThat(notATime.code()).isEqualTo("invalid_request");
		assertThat(field(notATime)).isEqualTo("since");
		assertThat(date.status()).isEqualTo(400);
		assertThat(field(date)).isEqualTo("until");
		assertThat(reversed.status()).as(reversed.toString()).isEqualTo(400);
		assertThat(field(reversed)).isEqualTo("until");
		assertThat(reversed.body().path("detail").asString()).contains("ends", "before it starts");
		assertThat(longActor.status()).isEqualTo(400);
		assertThat(field(longActor)).isEqualTo("actor");
		assertThat(emptyAction.status()).isEqualTo(400);
		assertThat(field(emptyAction)).isEqualTo("action");
		assertThat(unauthenticated.status()).isEqualTo(401);
	}

	private static List<String> actions(JsonNode page) {
		var actions = new ArrayList<String>();
		page.path("data").forEach(e -> actions.add(e.path("action").asString()));
		return actions;
	}

	private static String field(Api.Response response) {
		return response.body().path("errors").get(0).path("field").asString();
	}

}
