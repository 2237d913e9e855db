package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The catalog this node keeps in memory follows changes made by other nodes. Another
 * node's change is played here by writing the rows it would write, revision included,
 * behind this node's back, in a database of its own.
 */
@FreshSchema
class CatalogCacheTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "catalog_cache");
		registry.add("plangate.catalog-refresh", () -> "300ms");
	}

	@Autowired
	JdbcClient jdbc;

	@Test
	void aPlanVersionWrittenByAnotherNodeDecidesAtOnce() {
		String plan = createPlan("cache_version", 5);
		String customer = newCustomer("cache-version");
		var moved = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + plan + "\"}");
		assertThat(moved.status()).as("%s", moved).isBetween(200, 201);
		assertThat(check(customer).path("limit").asLong()).isEqualTo(5);

		// another node writes version 2 with a higher limit and moves the customer onto
		// it
		jdbc.sql("""
				insert into plan_version (plan_key, version, name, description, price_minor, currency,
				  billing_interval, trial_days, queue_priority, rate_multiplier, entitlements, content_hash,
				  created_at, created_by)
				select plan_key, 2, name, description, price_minor, currency, billing_interval, trial_days,
				  queue_priority, rate_multiplier, :entitlements, 'elsewhere', created_at, created_by
				from plan_version where plan_key = :plan and version = 1""")
			.param("plan", plan)
			.param("entitlements", "{\"api_calls\": {\"enabled\": true, \"limit\": 7, \"unlimited\": false}}")
			.update();
		jdbc.sql("update plan set current_version = 2 where plan_key = :plan").param("plan", plan).update();
		jdbc.sql("update subscription set plan_version = 2 where customer_id = :customer")
			.param("customer", customer)
			.update();
		// and moves the customer's state version, as every change to a subscription does
		jdbc.sql("update customer set state_version = state_version + 1 where customer_id = :customer")
			.param("customer", customer)
			.update();
		countRevision();

		assertThat(check(customer).path("limit").asLong()).isEqualTo(7);
	}

	@Test
	void aFeatureAddedByAnotherNodeIsKnownAtOnce() {
		String feature = uniqueKey("cache_feature");
		String customer = newCustomer("cache-feature");
		assertThat(api.post("/v1/check", checkBody(customer, feature)).code()).isEqualTo("unknown_feature");

		jdbc.sql("""
				insert into feature (feature_key, name, kind, unit, reset_period, default_entitlement, source, archived,
				  updated_at)
				values (:key, 'Exports', 'quota', 'export', 'month',
				'{"enabled": true, "limit": 3, "unlimited": false}', 'catalog', false, current_timestamp)""")
			.param("key", feature)
			.update();
		countRevision();

		var verdict = api.post("/v1/check", checkBody(customer, feature));
		assertThat(verdict.status()).as("%s", verdict).isEqualTo(200);
		assertThat(verdict.body().path("limit").asLong()).isEqualTo(3);
	}

	@Test
	void aPlanArchivedByAnotherNodeLeavesThePlanListWithinTheRefreshInterval() throws InterruptedException {
		String plan = createPlan("cache_status", 5);
		assertThat(statusInList(plan)).isEqualTo("active");

		jdbc.sql("update plan set status = 'archived' where plan_key = :plan").param("plan", plan).update();
		countRevision();

		// the plan itself is read from the database; the list within
		// plangate.catalog-refresh
		assertThat(api.get("/v1/plans/" + plan).body().path("status").asString()).isEqualTo("archived");
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!"archived".equals(statusInList(plan)) && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(statusInList(plan)).isEqualTo("archived");
	}

	@Test
	void aPlanChangedOnThisNodeIsInThePlanListAtOnce() {
		String plan = createPlan("cache_local", 5);
		assertThat(api.post("/v1/admin/plans/" + plan + "/archive", null).status()).isEqualTo(200);
		assertThat(statusInList(plan)).isEqualTo("archived");
	}

	private String statusInList(String plan) {
		for (var p : api.get("/v1/admin/plans").body().path("data")) {
			if (p.path("key").asString().equals(plan)) {
				return p.path("status").asString();
			}
		}
		return "absent";
	}

	private void countRevision() {
		jdbc.sql("update catalog_state set revision = revision + 1 where id = 1").update();
	}

	private JsonNode check(String customer) {
		var response = api.post("/v1/check", checkBody(customer, "api_calls"));
		assertThat(response.status()).as("%s", response).isEqualTo(200);
		return response.body();
	}

	private static String checkBody(String customer, String feature) {
		return "{\"customerId\": \"" + customer + "\", \"feature\": \"" + feature + "\", \"amount\": 1}";
	}

	private String createPlan(String prefix, long apiCalls) {
		String key = uniqueKey(prefix);
		var response = api.post("/v1/admin/plans", """
				{"key": "%s", "name": "Cached", "price": 1500, "interval": "month",
				 "entitlements": {"api_calls": {"limit": %d}}}""".formatted(key, apiCalls));
		assertThat(response.status()).as("creating plan %s: %s", key, response).isEqualTo(201);
		return key;
	}

}
