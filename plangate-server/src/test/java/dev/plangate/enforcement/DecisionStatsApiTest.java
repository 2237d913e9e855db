package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

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
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/admin/stats/decisions} on a server whose clock the test moves: decisions
 * are counted in memory and reach the database only when flushed, nodes' counts add up,
 * old minutes go, and bad ranges are refused.
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class DecisionStatsApiTest extends ServerTest {

	private static final String STATS = "/v1/admin/stats/decisions";

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "decision_stats");
		// the test flushes when it wants the counts stored
		registry.add("plangate.decision-stats.flush-interval", () -> "5m");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private DecisionCountFlusher flusher;

	@Autowired
	private DecisionCountRepository repository;

	@Autowired
	private DecisionCountRetention retention;

	@Autowired
	private JdbcClient jdbc;

	private void check(String customer, String feature, boolean allowed) {
		var response = api.post("/v1/check", Api.json(Map.of("customerId", customer, "feature", feature)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("allowed").asBoolean()).as(response.toString()).isEqualTo(allowed);
	}

	private long storedRowsOfFebruaryFirst() {
		return jdbc.sql("select count(*) from decision_counts where minute_start >= :from and minute_start < :to")
			.param("from", Instant.parse("2027-02-01T00:00:00Z").atOffset(java.time.ZoneOffset.UTC))
			.param("to", Instant.parse("2027-02-02T00:00:00Z").atOffset(java.time.ZoneOffset.UTC))
			.query(Long.class)
			.single();
	}

	private static JsonNode feature(JsonNode stats, String key) {
		for (var feature : stats.path("features")) {
			if (feature.path("feature").asString().equals(key)) {
				return feature;
			}
		}
		throw new AssertionError("no feature '" + key + "' in " + stats);
	}

	@Test
	void decisionsAreCountedPerBucketFeatureAndCodeOnceFlushedAndNotBefore() {
		// given: at 10:15 two allowed checks and one refused (not in the free plan); at
		// 11:40 one more refused
		flusher.flush();
		clock.set(Instant.parse("2027-02-01T10:15:00Z"));
		var customer = newCustomer("ds-a");
		check(customer, "api_access", true);
		check(customer, "api_access", true);
		check(customer, "advanced_analytics", false);
		clock.set(Instant.parse("2027-02-01T11:40:00Z"));
		check(customer, "advanced_analytics", false);
		long beforeFlush = storedRowsOfFebruaryFirst();

		// when
		int flushed = flusher.flush();
		var hours = api.get(STATS + "?from=2027-02-01T10:00:00Z&to=2027-02-01T12:00:00Z");
		var minutes = api.get(STATS + "?from=2027-02-01T10:14:00Z&to=2027-02-01T10:17:00Z&granularity=minute"
				+ "&feature=advanced_analytics");

		// then: deciding wrote nothing; the flush wrote one row per minute, feature,
		// outcome
		// and code
		assertThat(beforeFlush).as("a decision writes no row").isZero();
		assertThat(flushed).isEqualTo(3);
		assertThat(storedRowsOfFebruaryFirst()).isEqualTo(3);
		assertThat(hours.status()).as(hours.toString()).isEqualTo(200);
		var body = hours.body();
		assertThat(body.path("granularity").asString()).isEqualTo("hour");
		assertThat(body.path("allowed").asLong()).isEqualTo(2);
		assertThat(body.path("refused").asLong()).isEqualTo(2);
		assertThat(body.path("buckets")).hasSize(2);
		assertThat(body.path("buckets").get(0).path("start").asString()).isEqualTo("2027-02-01T10:00:00Z");
		assertThat(body.path("buckets").get(0).path("allowed").asLong()).isEqualTo(2);
		assertThat(body.path("buckets").get(0).path("refused").asLong()).isEqualTo(1);
		assertThat(body.path("buckets").get(1).path("refusals").path("feature_not_in_plan").asLong()).isEqualTo(1);
		var analytics = feature(body, "advanced_analytics");
		assertThat(analytics.path("refused").asLong()).isEqualTo(2);
		assertThat(analytics.path("refusals").get(0).path("code").asString()).isEqualTo("feature_not_in_plan");
		assertThat(analytics.path("refusals").get(0).path("count").asLong()).isEqualTo(2);
		assertThat(body.path("features").get(0).path("feature").asString()).as("most refused first")
			.isEqualTo("advanced_analytics");
		assertThat(feature(body, "api_access").path("allowed").asLong()).isEqualTo(2);

		assertThat(minutes.status()).as(minutes.toString()).isEqualTo(200);
		assertThat(minutes.body().path("feature").asString()).isEqualTo("advanced_analytics");
		assertThat(minutes.body().path("buckets")).hasSize(3);
		assertThat(minutes.body().path("buckets").get(1).path("refused").asLong()).isEqualTo(1);
		assertThat(minutes.body().path("allowed").asLong()).as("api_access is not counted").isZero();
	}

	@Test
	void countsOfTwoNodesFlushingAtOnceAddUpExactly() throws Exception {
		// given: two nodes' counters, each counting on three threads in one minute
		clock.set(Instant.parse("2027-02-02T08:30:00Z"));
		var nodes = List.of(new DecisionCounts(clock), new DecisionCounts(clock));
		var tasks = new ArrayList<Callable<Integer>>();
		for (var node : nodes) {
			for (int t = 0; t < 3; t++) {
				tasks.add(() -> {
					for (int i = 0; i < 10_000; i++) {
						node.add("api_calls", i % 4 == 0 ? "refused" : "allowed",
								i % 4 == 0 ? "quota_exceeded" : "none");
					}
					return 0;
				});
			}
		}
		Race.run(tasks);

		// when: both add their counts at once, twice over (the second time nothing is
		// left)
		for (int round = 0; round < 2; round++) {
			Race.run(List.<Callable<Integer>>of(() -> {
				repository.add(nodes.get(0).take());
				return 0;
			}, () -> {
				repository.add(nodes.get(1).take());
				return 0;
			}));
		}
		var stats = api.get(STATS + "?from=2027-02-02T08:00:00Z&to=2027-02-02T09:00:00Z&feature=api_calls");

		// then
		assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
		assertThat(stats.body().path("allowed").asLong()).isEqualTo(2 * 3 * 7_500);
		assertThat(stats.body().path("refused").asLong()).isEqualTo(2 * 3 * 2_500);
		assertThat(feature(stats.body(), "api_calls").path("refusals").get(0).path("count").asLong())
			.isEqualTo(2 * 3 * 2_500);
	}

	@Test
	void minutesOlderThanTheRetentionGoChunkByChunk() {
		// given: counts in 150 minutes of a day 40 days ago and in a minute 30 days ago,
		// before any other test's
		clock.set(Instant.parse("2026-12-20T00:00:00Z"));
		var counts = new ArrayList<DecisionCounts.Count>();
		var old = Instant.parse("2026-11-10T00:00:00Z");
		for (int m = 0; m < 150; m++) {
			counts
				.add(new DecisionCounts.Count(new DecisionCounts.Cell(old.plus(Duration.ofMinutes(m)).getEpochSecond(),
						"seats", "allowed", "none"), 1));
		}
		var kept = Instant.parse("2026-11-20T00:00:00Z");
		counts.add(new DecisionCounts.Count(new DecisionCounts.Cell(kept.getEpochSecond(), "seats", "allowed", "none"),
				5));
		repository.add(counts);

		// when: 35 days kept, 60 minutes a statement
		int removed = retention.purge();

		// then
		assertThat(removed).isEqualTo(150);
		var left = api.get(STATS + "?from=2026-11-19&to=2026-11-21&feature=seats");
		assertThat(left.body().path("allowed").asLong()).isEqualTo(5);
		assertThat(api.get(STATS + "?from=2026-11-10&to=2026-11-11&feature=seats").body().path("allowed").asLong())
			.isZero();
		assertThat(retention.purge()).isZero();
	}

	@Test
	void defaultsAreTheLast24HoursByTheHour() {
		// given
		clock.set(Instant.parse("2027-02-03T12:30:00Z"));

		// when
		var response = api.get(STATS);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("from").asString()).isEqualTo("2027-02-02T12:00:00Z");
		assertThat(response.body().path("to").asString()).isEqualTo("2027-02-03T13:00:00Z");
		assertThat(response.body().path("buckets")).hasSize(25);
	}

	@Test
	void badRangesGranularitiesAndFeaturesAreRefusedNamingTheField() {
		// given
		clock.set(Instant.parse("2027-02-03T12:30:00Z"));
		var cases = Map.of("from=2027-02-03&to=2027-02-02", "from", "from=2027-02-03&to=2027-02-03", "from",
				"from=yesterday", "from", "to=2027-13-01", "to", "granularity=day", "granularity", "granularity=",
				"granularity", "from=2027-02-01&to=2027-02-03&granularity=minute", "from",
				"from=2026-12-01&to=2027-02-03", "from", "feature=no_such_feature", "feature");

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
		// given
		var support = operator("ds-support", "support");
		var admin = operator("ds-admin", "admin");
		var user = operator("ds-user", "user");
		var worker = api.withKey(apiKeys.create("ds-worker", ApiKeyKind.WORKER).secret());

		// when
		var bySupport = support.get(STATS);
		var byAdmin = admin.get(STATS);
		var byUser = user.get(STATS);
		var byWorker = worker.get(STATS);
		var none = anonymous.get(STATS);

		// then
		assertThat(bySupport.status()).as(bySupport.toString()).isEqualTo(200);
		assertThat(byAdmin.status()).as(byAdmin.toString()).isEqualTo(200);
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
