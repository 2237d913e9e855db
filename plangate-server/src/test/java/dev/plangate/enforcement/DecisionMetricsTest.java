package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Scrape;
import dev.plangate.support.ServerTest;

/**
 * Every kind of decision moves {@code plangate_decisions_total} under its kind, feature,
 * outcome and code, and times itself in {@code plangate_decision_seconds}; no customer id
 * reaches a label, and a feature the catalog does not know is counted as {@code unknown}.
 */
class DecisionMetricsTest extends ServerTest {

	private static final String DECISIONS = "plangate_decisions_total";

	private static Map<String, String> series(String kind, String feature, String outcome, String code) {
		return Map.of("kind", kind, "feature", feature, "outcome", outcome, "code", code);
	}

	private void post(String path, Map<String, Object> body, int status) {
		var response = api.post(path, Api.json(body));
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
	}

	@Test
	void eachDecisionIsCountedByKindFeatureOutcomeAndCode() {
		// given a customer on the free plan
		var customer = newCustomer("metrics");
		var before = Scrape.of(api);

		// when it is checked, consumes, takes rate and leases, and is refused each way
		post("/v1/check", Map.of("customerId", customer, "feature", "api_access"), 200);
		post("/v1/check", Map.of("customerId", customer, "feature", "sso"), 200);
		post("/v1/consume", Map.of("customerId", customer, "feature", "api_calls", "amount", 10), 200);
		post("/v1/consume", Map.of("customerId", customer, "feature", "api_calls", "amount", 5000), 402);
		post("/v1/consume", Map.of("customerId", customer, "feature", "api_rate"), 200);
		post("/v1/check", Map.of("customerId", customer, "feature", "no_such_feature_" + customer.substring(8)), 422);
		post("/v1/leases", Map.of("customerId", customer, "feature", "concurrent_jobs"), 201);
		post("/v1/leases", Map.of("customerId", customer, "feature", "concurrent_jobs"), 429);
		var after = Scrape.of(api);

		// then each is counted once under its own series
		assertThat(delta(before, after, series("check", "api_access", "allowed", "none"))).isEqualTo(1);
		assertThat(delta(before, after, series("check", "sso", "refused", "feature_not_in_plan"))).isEqualTo(1);
		assertThat(delta(before, after, series("consume", "api_calls", "allowed", "none"))).isEqualTo(1);
		assertThat(delta(before, after, series("consume", "api_calls", "refused", "quota_exceeded"))).isEqualTo(1);
		assertThat(delta(before, after, series("rate_limit", "api_rate", "allowed", "none"))).isEqualTo(1);
		assertThat(delta(before, after, series("check", "unknown", "refused", "unknown_feature"))).isEqualTo(1);
		assertThat(delta(before, after, series("lease", "concurrent_jobs", "allowed", "none"))).isEqualTo(1);
		assertThat(delta(before, after, series("lease", "concurrent_jobs", "refused", "concurrency_limit_reached")))
			.isEqualTo(1);
		// and timed by kind, in a histogram Prometheus can take quantiles of
		for (var kind : new String[] { "check", "consume", "rate_limit", "lease" }) {
			assertThat(after.sum("plangate_decision_seconds_count", Map.of("kind", kind))
					- before.sum("plangate_decision_seconds_count", Map.of("kind", kind)))
				.as(kind)
				.isGreaterThanOrEqualTo(kind.equals("check") ? 3 : kind.equals("rate_limit") ? 1 : 2);
			assertThat(after.samples("plangate_decision_seconds_bucket", Map.of("kind", kind))).hasSizeGreaterThan(10);
		}
	}

	@Test
	void noCustomerIdOrUnknownFeatureKeyReachesALabel() {
		// given a customer whose id, and a feature key nobody defined, are distinctive
		var customer = newCustomer("label-leak");
		var madeUp = "made_up_" + customer.substring(11);

		// when both are decided on, allowed and refused
		post("/v1/check", Map.of("customerId", customer, "feature", "api_access"), 200);
		post("/v1/consume", Map.of("customerId", customer, "feature", "advanced_analytics"), 402);
		post("/v1/consume", Map.of("customerId", customer, "feature", madeUp), 422);
		post("/v1/leases", Map.of("customerId", customer, "feature", madeUp), 422);

		// then neither appears anywhere in what Prometheus reads
		var scrape = Scrape.of(api);
		assertThat(scrape.text()).doesNotContain(customer).doesNotContain(madeUp);
		assertThat(scrape.sum(DECISIONS, Map.of("kind", "lease", "feature", "unknown", "code", "unknown_feature")))
			.isPositive();
	}

	@Test
	void metricsNeedAServerKey() {
		var response = anonymous.get("/actuator/prometheus");

		assertThat(response.status()).isEqualTo(401);
	}

	private static double delta(Scrape before, Scrape after, Map<String, String> labels) {
		return after.sum(DECISIONS, labels) - before.sum(DECISIONS, labels);
	}

}
