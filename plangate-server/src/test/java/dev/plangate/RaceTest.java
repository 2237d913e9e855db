package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;

/** Requests that race each other leave exactly the state one at a time would have. */
class RaceTest extends ServerTest {

	@Test
	void sameNewCustomerCreatedByManyRequestsAtOnceExistsOnceWithOneSubscription() throws Exception {
		var id = uniqueId("race");

		var statuses = Race.times(16, () -> api.put("/v1/customers/" + id, "{\"name\":\"Racer\"}").status());

		assertThat(statuses).containsOnly(200, 201);
		assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
		var history = api.get("/v1/customers/" + id + "/subscription/history").body().path("data");
		assertThat(history.valueStream().filter(c -> c.path("action").asString().equals("created")).count())
			.isEqualTo(1);
		assertThat(api.get("/v1/customers/" + id + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("free");
	}

	@Test
	void concurrentPlanChangesAreSerializedAndTheHistoryMatchesTheFinalState() throws Exception {
		var id = newCustomer("race-plans");
		var plans = List.of("pro", "enterprise", "free", "pro", "enterprise", "free", "pro", "enterprise");
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (var plan : plans) {
			tasks.add(() -> api.post("/v1/customers/" + id + "/subscription",
					"{\"plan\":\"" + plan + "\",\"when\":\"now\"}"));
		}

		var responses = Race.run(tasks);

		assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
		var history = api.get("/v1/customers/" + id + "/subscription/history").body().path("data");
		var last = history.get(history.size() - 1);
		var current = api.get("/v1/customers/" + id + "/subscription").body();
		assertThat(current.path("plan").path("key").asString()).isEqualTo(last.path("toPlan").asString());
		// each change starts from where the one before it ended
		for (int i = 1; i < history.size(); i++) {
			assertThat(history.get(i).path("fromPlan").asString())
				.isEqualTo(history.get(i - 1).path("toPlan").asString());
		}
	}

	@Test
	void concurrentOverridesOfOneFeatureLeaveOneOfTheWrittenValues() throws Exception {
		var id = newCustomer("race-overrides");
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 1; i <= 8; i++) {
			int limit = i * 100;
			tasks.add(() -> api.put("/v1/customers/" + id + "/overrides/api_calls", "{\"value\":" + limit + "}"));
		}

		var responses = Race.run(tasks);

		assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
		var overrides = api.get("/v1/customers/" + id + "/overrides").body().path("data");
		assertThat(overrides.size()).isEqualTo(1);
		assertThat(overrides.get(0).path("value").path("limit").asLong()).isBetween(100L, 800L);
	}

}
