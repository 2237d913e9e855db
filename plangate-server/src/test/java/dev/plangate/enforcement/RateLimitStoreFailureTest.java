package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

import dev.plangate.support.Api;
import dev.plangate.support.Scrape;
import dev.plangate.support.ServerTest;

/**
 * A rate-limit store that cannot be reached: with {@code on-store-failure: open} (the
 * default) rate decisions are allowed, and each failure is counted in
 * {@code plangate_ratelimit_store_errors_total{fallback="open"}}.
 */
@Import(RateLimitStoreFailureTest.Unreachable.class)
class RateLimitStoreFailureTest extends ServerTest {

	@TestConfiguration(proxyBeanMethods = false)
	static class Unreachable {

		@Bean
		@Primary
		RateLimitStore unreachableRateLimitStore() {
			return new RateLimitStore() {
				@Override
				public RateDecision acquire(String key, RateLimit limit, long cost, Instant now) {
					throw new IllegalStateException("connection refused");
				}

				@Override
				public RateDecision peek(String key, RateLimit limit, long cost, Instant now) {
					throw new IllegalStateException("connection refused");
				}

				@Override
				public void reset(String key) {
					throw new IllegalStateException("connection refused");
				}
			};
		}

	}

	@Test
	void decisionsTheStoreCannotMakeAreAllowedAndCounted() {
		// given
		var customer = newCustomer("store-down");
		var before = Scrape.of(api);

		// when two rate decisions meet the unreachable store
		var consumed = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_rate")));
		var checked = api.post("/v1/check", Api.json(Map.of("customerId", customer, "feature", "api_rate")));
		var after = Scrape.of(api);

		// then both are allowed, as on-store-failure: open says
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		assertThat(checked.body().path("allowed").asBoolean()).as(checked.toString()).isTrue();
		// and counted as store errors, and as allowed decisions
		var errors = Map.of("fallback", "open");
		assertThat(after.sum("plangate_ratelimit_store_errors_total", errors)
				- before.sum("plangate_ratelimit_store_errors_total", errors))
			.isEqualTo(2);
		var allowed = Map.of("kind", "rate_limit", "feature", "api_rate", "outcome", "allowed");
		assertThat(after.sum("plangate_decisions_total", allowed) - before.sum("plangate_decisions_total", allowed))
			.isEqualTo(2);
		assertThat(after.sum("plangate_ratelimit_store_errors_total", Map.of("fallback", "closed"))).isZero();
	}

}
