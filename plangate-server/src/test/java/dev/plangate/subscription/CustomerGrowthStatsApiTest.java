package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.identity.apikey.ApiKeyKind;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.MovableClockConfiguration;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/admin/stats/customers}: sign-ups, new paid subscriptions and churn per
 * day, week or month, from the customers and their subscriptions' history, on a server
 * whose clock the test moves.
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class CustomerGrowthStatsApiTest extends ServerTest {

	private static final String STATS = "/v1/admin/stats/customers";

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "customer_growth_stats");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private JdbcClient jdbc;

	private static String subscription(String customerId) {
		return "/v1/customers/" + Api.encode(customerId) + "/subscription";
	}

	private void moveTo(String customer, String plan) {
		var response = api.post(subscription(customer), "{\"plan\":\"" + plan + "\"}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private static void bucket(JsonNode bucket, String start, long customers, long paid, long churned, long scheduled) {
		assertThat(bucket.path("start").asString()).isEqualTo(start);
		assertThat(bucket.path("newCustomers").asLong()).as(start + " customers").isEqualTo(customers);
		assertThat(bucket.path("newPaidSubscriptions").asLong()).as(start + " paid").isEqualTo(paid);
		assertThat(bucket.path("churnedSubscriptions").asLong()).as(start + " churned").isEqualTo(churned);
		assertThat(bucket.path("cancellationsScheduled").asLong()).as(start + " scheduled").isEqualTo(scheduled);
		assertThat(bucket.path("net").asLong()).as(start + " net").isEqualTo(paid - churned);
	}

	@Test
	void signUpsNewPaidSubscriptionsAndChurnPerWeekDayAndMonth() {
		// given: in the week of January 4th, 2029, three customers, one moving to pro
		clock.set(Instant.parse("2029-01-06T10:00:00Z"));
		var a = newCustomer("cg-a");
		var b = newCustomer("cg-b");
		var c = newCustomer("cg-c");
		moveTo(a, "pro");
		// the next week, a fourth customer; b moves to pro, a cancels at once
		clock.set(Instant.parse("2029-01-12T10:00:00Z"));
		newCustomer("cg-d");
		moveTo(b, "pro");
		assertThat(api.delete(subscription(a) + "?immediately=true").status()).isEqualTo(200);
		// the week after: b cancels at its period's end, c moves to enterprise and is
		// deleted
		clock.set(Instant.parse("2029-01-20T10:00:00Z"));
		assertThat(api.delete(subscription(b)).status()).isEqualTo(200);
		moveTo(c, "enterprise");
		assertThat(api.delete("/v1/customers/" + c).status()).isEqualTo(200);
		clock.set(Instant.parse("2029-01-24T10:00:00Z"));

		// when
		var weeks = api.get(STATS + "?from=2029-01-01&to=2029-01-22");
		var days = api.get(STATS + "?from=2029-01-12&to=2029-01-13&granularity=day");
		var months = api.get(STATS + "?granularity=month");

		// then
		assertThat(weeks.status()).as(weeks.toString()).isEqualTo(200);
		var body = weeks.body();
		assertThat(body.path("granularity").asString()).isEqualTo("week");
		assertThat(body.path("from").asString()).as("a Monday").isEqualTo("2029-01-01T00:00:00Z");
		assertThat(body.path("buckets")).hasSize(3);
		bucket(body.path("buckets").get(0), "2029-01-01T00:00:00Z", 3, 1, 0, 0);
		bucket(body.path("buckets").get(1), "2029-01-08T00:00:00Z", 1, 1, 1, 0);
		bucket(body.path("buckets").get(2), "2029-01-15T00:00:00Z", 0, 1, 1, 1);
		assertThat(body.path("newCustomers").asLong()).isEqualTo(4);
		assertThat(body.path("newPaidSubscriptions").asLong()).isEqualTo(3);
		assertThat(body.path("churnedSubscriptions").asLong()).isEqualTo(2);
		assertThat(body.path("net").asLong()).isEqualTo(1);

		assertThat(days.status()).as(days.toString()).isEqualTo(200);
		assertThat(days.body().path("buckets")).hasSize(1);
		bucket(days.body().path("buckets").get(0), "2029-01-12T00:00:00Z", 1, 1, 1, 0);

		assertThat(months.status()).as(months.toString()).isEqualTo(200);
		assertThat(months.body().path("buckets")).as("the last 12 months").hasSize(12);
		bucket(months.body().path("buckets").get(11), "2029-01-01T00:00:00Z", 4, 3, 2, 1);
		assertThat(months.body().path("to").asString()).isEqualTo("2029-02-01T00:00:00Z");
	}

	@Test
	void badRangesAndGranularitiesAreRefusedNamingTheField() {
		// given
		clock.set(Instant.parse("2029-03-10T00:00:00Z"));
		var cases = Map.of("from=2029-03-01&to=2029-02-01", "from", "from=2029-03-01&to=2029-03-01", "from",
				"from=last-week", "from", "to=2029-02-30", "to", "granularity=hour", "granularity", "granularity=",
				"granularity", "from=2027-01-01&to=2029-03-01&granularity=day", "from",
				"from=2019-01-01&to=2029-03-01&granularity=month", "from");

		cases.forEach((query, field) -> {
			// when
			var response = api.get(STATS + "?" + query);

			// then
			assertThat(response.status()).as(query + ": " + response).isEqualTo(400);
			assertThat(response.code()).as(query).isEqualTo("invalid_request");
			assertThat(response.header("Content-Type")).as(query).startsWith("application/problem+json");
			assertThat(response.body().path("errors").findValuesAsString("field")).as(query + ": " + response)
				.contains(field);
		});
	}

	@Test
	void supportAndUpReadWhileUsersWorkersAndNoCredentialMayNot() {
		// given: accounts made long after the other tests' customers
		clock.set(Instant.parse("2029-06-01T00:00:00Z"));
		var support = operator("cg-support", "support");
		var superadmin = operator("cg-super", "superadmin");
		var user = operator("cg-user", "user");
		var worker = api.withKey(apiKeys.create("cg-worker", ApiKeyKind.WORKER).secret());

		// when
		var bySupport = support.get(STATS);
		var bySuperadmin = superadmin.get(STATS);
		var byUser = user.get(STATS);
		var byWorker = worker.get(STATS);
		var none = anonymous.get(STATS);

		// then
		assertThat(bySupport.status()).as(bySupport.toString()).isEqualTo(200);
		assertThat(bySupport.body().path("buckets")).as("the last 12 weeks").hasSize(12);
		assertThat(bySuperadmin.status()).as(bySuperadmin.toString()).isEqualTo(200);
		assertThat(byUser.status()).as(byUser.toString()).isEqualTo(403);
		assertThat(byUser.code()).isEqualTo("forbidden");
		assertThat(byWorker.status()).as(byWorker.toString()).isEqualTo(403);
		assertThat(none.status()).isEqualTo(401);
	}

	/** An account given a role as the operator's database would, signed in after. */
	private Api operator(String prefix, String role) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		jdbc.sql("update account set role = :role where email = :email")
			.param("role", role)
			.param("email", email)
			.update();
		return AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
	}

}
