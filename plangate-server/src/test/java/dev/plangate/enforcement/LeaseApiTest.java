package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Concurrency leases over HTTP on the default catalog (concurrent_jobs: free 1, pro 5,
 * enterprise 25): taking a slot, the 429 once every slot is held, giving a slot back,
 * heartbeats, overrides, and every refusal, after which no slot is taken.
 */
class LeaseApiTest extends ServerTest {

	private static final String LEASES = "/v1/leases";

	private static final String JOBS = "concurrent_jobs";

	private static String customerPath(String customerId) {
		return "/v1/customers/" + Api.encode(customerId);
	}

	private static String leasePath(String leaseId) {
		return LEASES + "/" + leaseId;
	}

	private static String acquireBody(String customerId, String feature, @Nullable Integer ttlSeconds) {
		var body = new LinkedHashMap<String, Object>();
		body.put("customerId", customerId);
		body.put("feature", feature);
		if (ttlSeconds != null) {
			body.put("ttlSeconds", ttlSeconds);
		}
		return Api.json(body);
	}

	private Api.Response acquire(String customerId) {
		return api.post(LEASES, acquireBody(customerId, JOBS, null));
	}

	private Api.Response acquire(String customerId, int ttlSeconds) {
		return api.post(LEASES, acquireBody(customerId, JOBS, ttlSeconds));
	}

	/** An acquire that must be admitted. */
	private JsonNode acquired(String customerId) {
		var response = acquire(customerId);
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private JsonNode acquired(String customerId, int ttlSeconds) {
		var response = acquire(customerId, ttlSeconds);
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private Api.Response heartbeat(String leaseId, @Nullable String body) {
		return api.post(leasePath(leaseId) + "/heartbeat", body);
	}

	private Api.Response release(String leaseId) {
		return api.delete(leasePath(leaseId));
	}

	private void override(String customerId, String feature, String value) {
		var response = api.put(customerPath(customerId) + "/overrides/" + feature, "{\"value\": " + value + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private void removeOverride(String customerId, String feature) {
		var response = api.delete(customerPath(customerId) + "/overrides/" + feature);
		assertThat(response.status()).as(response.toString()).isIn(200, 204);
	}

	private static String id(JsonNode lease) {
		return lease.path("id").asString();
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	/** Now as the server's clock reads it (to the microsecond). */
	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

	private static List<String> fields(Api.Response response) {
		return response.body().path("errors").findValuesAsString("field");
	}

	private static JsonNode assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		return response.body();
	}

	private static void assertInvalidRequest(Api.Response response, String field) {
		assertProblem(response, 400, "invalid_request");
		assertThat(fields(response)).as(response.toString()).contains(field);
	}

	/**
	 * The free customer holds no slot: its one slot can be taken (and is given back).
	 */
	private void assertNoSlotHeld(String customerId) {
		var lease = acquired(customerId);
		assertThat(lease.path("held").asInt()).as("slots held after the refused request").isEqualTo(1);
		assertThat(release(id(lease)).status()).isEqualTo(204);
	}

	@Nested
	class Acquire {

		@Test
		void acquireAnswers201WithTheLeaseHeldCountAndLimit() {
			// given
			var customer = newCustomer("lease-acquire");

			// when
			var before = now();
			var response = acquire(customer);
			var after = now();

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
			var lease = response.body();
			assertThat(UUID.fromString(id(lease))).isNotNull();
			assertThat(lease.path("customerId").asString()).isEqualTo(customer);
			assertThat(lease.path("feature").asString()).isEqualTo(JOBS);
			var acquiredAt = instant(lease.path("acquiredAt"));
			assertThat(acquiredAt).isBetween(before, after);
			assertThat(instant(lease.path("expiresAt"))).as("the default time to live is 60 seconds")
				.isEqualTo(acquiredAt.plusSeconds(60));
			assertThat(lease.path("held").asInt()).isEqualTo(1);
			assertThat(lease.path("limit").asLong()).isEqualTo(1);
		}

		@Test
		void acquireLastsTheTimeToLiveAsked() {
			// given
			var customer = newCustomer("lease-ttl");

			// when
			var lease = acquired(customer, 300);

			// then
			assertThat(instant(lease.path("expiresAt"))).isEqualTo(instant(lease.path("acquiredAt")).plusSeconds(300));
		}

		@Test
		void timeToLiveOfOneDayIsAccepted() {
			// given
			var customer = newCustomer("lease-ttl-day");

			// when
			var lease = acquired(customer, 86_400);

			// then
			assertThat(instant(lease.path("expiresAt")))
				.isEqualTo(instant(lease.path("acquiredAt")).plus(Duration.ofDays(1)));
		}

		@Test
		void eachLeaseHasItsOwnId() {
			// given
			var customer = newCustomer("lease-ids");
			changePlan(customer, "enterprise");

			// when
			var first = acquired(customer);
			var second = acquired(customer);

			// then
			assertThat(id(first)).isNotEqualTo(id(second));
			assertThat(first.path("held").asInt()).isEqualTo(1);
			assertThat(second.path("held").asInt()).isEqualTo(2);
			assertThat(second.path("limit").asLong()).isEqualTo(25);
		}

		private void changePlan(String customerId, String plan) {
			var response = api.post(customerPath(customerId) + "/subscription", "{\"plan\":\"" + plan + "\"}");
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
		}

	}

	@Nested
	class LimitReached {

		@Test
		void secondConcurrentLeaseOnFreeIsRefusedWith429() {
			// given: the free plan's only slot is held for 30 seconds
			var customer = newCustomer("lease-full");
			acquired(customer, 30);

			// when
			var response = acquire(customer);

			// then
			var problem = assertProblem(response, 429, "concurrency_limit_reached");
			assertThat(problem.path("status").asInt()).isEqualTo(429);
			assertThat(problem.path("customerId").asString()).isEqualTo(customer);
			assertThat(problem.path("feature").asString()).isEqualTo(JOBS);
			assertThat(problem.path("limit").asLong()).isEqualTo(1);
			assertThat(problem.path("held").asInt()).isEqualTo(1);
		}

		@Test
		void refusalSaysWhenTheSoonestLeaseExpiresInRetryAfter() {
			// given: the only slot is held for 30 seconds
			var customer = newCustomer("lease-retry");
			acquired(customer, 30);

			// when
			var response = acquire(customer);

			// then
			assertProblem(response, 429, "concurrency_limit_reached");
			var retryAfter = Long.parseLong(String.valueOf(response.header("Retry-After")));
			assertThat(retryAfter).isBetween(1L, 30L);
			assertThat(response.body().path("retryAfter").asLong()).isEqualTo(retryAfter);
		}

		@Test
		void refusalCarriesTheRateLimitHeaders() {
			// given
			var customer = newCustomer("lease-headers");
			acquired(customer, 30);

			// when
			var response = acquire(customer);

			// then
			assertProblem(response, 429, "concurrency_limit_reached");
			var retryAfter = response.header("Retry-After");
			assertThat(response.header("RateLimit-Policy")).isEqualTo("\"concurrent_jobs\";q=1");
			assertThat(response.header("RateLimit")).isEqualTo("\"concurrent_jobs\";r=0;t=" + retryAfter);
		}

		@Test
		void retryAfterNamesTheSoonestOfSeveralLeases() {
			// given: two slots, one held for an hour and one for 20 seconds
			var customer = newCustomer("lease-soonest");
			override(customer, JOBS, "2");
			acquired(customer, 3600);
			acquired(customer, 20);

			// when
			var response = acquire(customer);

			// then
			var problem = assertProblem(response, 429, "concurrency_limit_reached");
			assertThat(Long.parseLong(String.valueOf(response.header("Retry-After")))).isBetween(1L, 20L);
			assertThat(problem.path("held").asInt()).isEqualTo(2);
			assertThat(problem.path("limit").asLong()).isEqualTo(2);
			assertThat(response.header("RateLimit-Policy")).isEqualTo("\"concurrent_jobs\";q=2");
		}

		@Test
		void refusedAcquireTakesNoSlot() {
			// given
			var customer = newCustomer("lease-refused");
			var held = acquired(customer);
			assertProblem(acquire(customer), 429, "concurrency_limit_reached");
			assertProblem(acquire(customer), 429, "concurrency_limit_reached");

			// when
			var released = release(id(held));

			// then: one slot is free, not minus two
			assertThat(released.status()).isEqualTo(204);
			assertThat(acquired(customer).path("held").asInt()).isEqualTo(1);
			assertProblem(acquire(customer), 429, "concurrency_limit_reached");
		}

	}

	@Nested
	class Release {

		@Test
		void releaseFreesTheSlot() {
			// given
			var customer = newCustomer("rel-frees");
			var lease = acquired(customer);
			assertProblem(acquire(customer), 429, "concurrency_limit_reached");

			// when
			var response = release(id(lease));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(204);
			assertThat(response.text()).isEmpty();
			var again = acquired(customer);
			assertThat(again.path("held").asInt()).isEqualTo(1);
			assertThat(id(again)).isNotEqualTo(id(lease));
		}

		@Test
		void releasingTwiceIsNotFound() {
			// given
			var customer = newCustomer("rel-twice");
			var lease = acquired(customer);
			assertThat(release(id(lease)).status()).isEqualTo(204);

			// when
			var second = release(id(lease));

			// then
			assertProblem(second, 404, "lease_not_found");
		}

		@Test
		void releasingAnUnknownLeaseIsNotFound() {
			// given
			var unknown = UUID.randomUUID().toString();

			// when
			var response = release(unknown);

			// then
			assertProblem(response, 404, "lease_not_found");
		}

		@Test
		void releasedLeaseCannotBeHeartbeated() {
			// given
			var customer = newCustomer("rel-heartbeat");
			var lease = acquired(customer);
			release(id(lease));

			// when
			var response = heartbeat(id(lease), "{\"ttlSeconds\":60}");

			// then
			assertProblem(response, 404, "lease_not_found");
		}

		@Test
		void nonUuidLeaseIdIsRefusedNamingId() {
			// given
			var notAnId = "not-a-uuid";

			// when
			var releaseResponse = release(notAnId);
			var heartbeatResponse = heartbeat(notAnId, "{\"ttlSeconds\":60}");

			// then
			assertInvalidRequest(releaseResponse, "id");
			assertInvalidRequest(heartbeatResponse, "id");
		}

	}

	@Nested
	class Heartbeat {

		@Test
		void heartbeatExtendsTheLeaseByTheTimeToLiveFromNow() {
			// given
			var customer = newCustomer("hb-extend");
			var lease = acquired(customer, 10);

			// when
			var before = now();
			var response = heartbeat(id(lease), "{\"ttlSeconds\":120}");
			var after = now();

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			var extended = response.body();
			assertThat(id(extended)).isEqualTo(id(lease));
			assertThat(extended.path("customerId").asString()).isEqualTo(customer);
			assertThat(extended.path("feature").asString()).isEqualTo(JOBS);
			assertThat(extended.path("acquiredAt")).as("the lease is the same one").isEqualTo(lease.path("acquiredAt"));
			var expiresAt = instant(extended.path("expiresAt"));
			assertThat(expiresAt).isAfter(instant(lease.path("expiresAt")));
			assertThat(expiresAt).isBetween(before.plusSeconds(120), after.plusSeconds(120));
		}

		@Test
		void heartbeatWithoutABodyUsesTheDefaultTimeToLive() {
			// given
			var customer = newCustomer("hb-nobody");
			var lease = acquired(customer, 5);

			// when
			var before = now();
			var response = heartbeat(id(lease), null);
			var after = now();

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(instant(response.body().path("expiresAt"))).isBetween(before.plusSeconds(60),
					after.plusSeconds(60));
		}

		@Test
		void heartbeatWithAnEmptyObjectUsesTheDefaultTimeToLive() {
			// given
			var customer = newCustomer("hb-empty");
			var lease = acquired(customer, 5);

			// when
			var before = now();
			var response = heartbeat(id(lease), "{}");
			var after = now();

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(instant(response.body().path("expiresAt"))).isBetween(before.plusSeconds(60),
					after.plusSeconds(60));
		}

		@Test
		void heartbeatedLeaseStillHoldsItsSlot() {
			// given
			var customer = newCustomer("hb-holds");
			var lease = acquired(customer);

			// when
			assertThat(heartbeat(id(lease), null).status()).isEqualTo(200);

			// then
			assertProblem(acquire(customer), 429, "concurrency_limit_reached");
			assertThat(release(id(lease)).status()).isEqualTo(204);
			acquired(customer);
		}

		@Test
		void heartbeatOfAnUnknownLeaseIsNotFound() {
			// given
			var unknown = UUID.randomUUID().toString();

			// when
			var response = heartbeat(unknown, "{\"ttlSeconds\":60}");

			// then
			var problem = assertProblem(response, 404, "lease_not_found");
			assertThat(problem.path("detail").asString()).contains(unknown);
		}

		@Test
		void heartbeatWithATimeToLiveOutOfRangeIsRefusedAndChangesNothing() {
			// given
			var customer = newCustomer("hb-range");
			var lease = acquired(customer, 30);

			// when
			var zero = heartbeat(id(lease), "{\"ttlSeconds\":0}");
			var tooLong = heartbeat(id(lease), "{\"ttlSeconds\":86401}");
			var text = heartbeat(id(lease), "{\"ttlSeconds\":\"x\"}");

			// then
			assertInvalidRequest(zero, "ttlSeconds");
			assertInvalidRequest(tooLong, "ttlSeconds");
			assertInvalidRequest(text, "ttlSeconds");
			var retryAfter = Long.parseLong(String.valueOf(acquire(customer).header("Retry-After")));
			assertThat(retryAfter).as("the lease still expires within its first 30 seconds").isBetween(1L, 30L);
		}

	}

	@Nested
	class Overrides {

		@Test
		void overrideOfThreeAllowsThreeLeases() {
			// given
			var customer = newCustomer("ovr-three");
			override(customer, JOBS, "3");

			// when
			var leases = List.of(acquired(customer), acquired(customer), acquired(customer));
			var fourth = acquire(customer);

			// then
			assertThat(leases).extracting(lease -> lease.path("held").asInt()).containsExactly(1, 2, 3);
			assertThat(leases).allSatisfy(lease -> assertThat(lease.path("limit").asLong()).isEqualTo(3));
			var problem = assertProblem(fourth, 429, "concurrency_limit_reached");
			assertThat(problem.path("limit").asLong()).isEqualTo(3);
			assertThat(problem.path("held").asInt()).isEqualTo(3);
		}

		@Test
		void unlimitedOverrideAllowsManyLeasesWithoutALimit() {
			// given
			var customer = newCustomer("ovr-unlimited");
			override(customer, JOBS, "\"unlimited\"");

			// when
			var leases = new ArrayList<JsonNode>();
			for (int i = 0; i < 30; i++) {
				leases.add(acquired(customer));
			}

			// then
			assertThat(leases).extracting(lease -> lease.path("held").asInt())
				.containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed().toList());
			assertThat(leases).allSatisfy(lease -> assertThat(lease.has("limit")).as(lease.toString()).isFalse());
		}

		@Test
		void loweredLimitRefusesNewLeasesWhileTheHeldOnesStay() {
			// given: three held, then the limit lowered to one
			var customer = newCustomer("ovr-lowered");
			override(customer, JOBS, "3");
			var first = acquired(customer);
			acquired(customer);
			acquired(customer);
			override(customer, JOBS, "1");

			// when
			var response = acquire(customer);

			// then
			var problem = assertProblem(response, 429, "concurrency_limit_reached");
			assertThat(problem.path("held").asInt()).isEqualTo(3);
			assertThat(problem.path("limit").asLong()).isEqualTo(1);
			assertThat(heartbeat(id(first), null).status()).isEqualTo(200);
		}

	}

	@Nested
	class Simultaneous {

		@Test
		void simultaneousAcquiresAdmitExactlyTheLimit() throws Exception {
			// given: a fresh customer (no slot row yet) with three slots
			var customer = newCustomer("race-acquire");
			override(customer, JOBS, "3");

			// when
			var statuses = Race.times(20, () -> acquire(customer).status());

			// then
			assertThat(statuses).filteredOn(s -> s == 201).hasSize(3);
			assertThat(statuses).filteredOn(s -> s == 429).hasSize(17);
			var problem = assertProblem(acquire(customer), 429, "concurrency_limit_reached");
			assertThat(problem.path("held").asInt()).isEqualTo(3);
		}

	}

	@Nested
	class Isolation {

		@Test
		void leasesOfOneCustomerDoNotCountForAnother() {
			// given: the first customer's only slot is taken
			var first = newCustomer("iso-first");
			var second = newCustomer("iso-second");
			acquired(first);
			assertProblem(acquire(first), 429, "concurrency_limit_reached");

			// when
			var response = acquire(second);

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
			assertThat(response.body().path("held").asInt()).isEqualTo(1);
			assertThat(response.body().path("customerId").asString()).isEqualTo(second);
		}

	}

	@Nested
	class Refusals {

		@Test
		void suspendedCustomerIsRefusedWith403AndTakesNoSlot() {
			// given
			var customer = newCustomer("ref-suspended");
			assertThat(api.post(customerPath(customer) + "/suspend", null).status()).isEqualTo(200);

			// when
			var response = acquire(customer);

			// then
			var problem = assertProblem(response, 403, "customer_suspended");
			assertThat(problem.path("customerId").asString()).isEqualTo(customer);
			assertThat(problem.path("feature").asString()).isEqualTo(JOBS);
			assertThat(api.post(customerPath(customer) + "/activate", null).status()).isEqualTo(200);
			assertNoSlotHeld(customer);
		}

		@Test
		void deletedCustomerHasNoActiveSubscription() {
			// given
			var customer = newCustomer("ref-deleted");
			assertThat(api.delete(customerPath(customer)).status()).isEqualTo(200);

			// when
			var response = acquire(customer);

			// then
			var problem = assertProblem(response, 402, "subscription_inactive");
			assertThat(problem.path("customerId").asString()).isEqualTo(customer);
		}

		@Test
		void featureNotGrantedIsNotInPlanAndNamesAPlanWithIt() {
			// given
			var customer = newCustomer("ref-zero");
			override(customer, JOBS, "0");

			// when
			var response = acquire(customer);

			// then
			var problem = assertProblem(response, 402, "feature_not_in_plan");
			assertThat(problem.path("feature").asString()).isEqualTo(JOBS);
			// other tests of this shared server add plans cheaper than pro: any plan but
			// the customer's own that grants the feature is a right answer
			var upgradePlan = problem.path("upgradePlan").asString();
			assertThat(upgradePlan).isNotBlank().isNotEqualTo("free");
			var plan = anonymous.get("/v1/plans/" + upgradePlan).body();
			assertThat(plan.path("entitlements").path(JOBS).path("enabled").asBoolean()).as(plan.toString()).isTrue();
			removeOverride(customer, JOBS);
			assertNoSlotHeld(customer);
		}

	}

	@Nested
	class BadInput {

		@Test
		void unknownCustomerIsNotFound() {
			// given
			var customer = uniqueId("bad-nobody");

			// when
			var response = acquire(customer);

			// then
			assertProblem(response, 404, "customer_not_found");
			assertThat(api.put(customerPath(customer), "{\"name\":\"late\"}").status()).isEqualTo(201);
			assertNoSlotHeld(customer);
		}

		@Test
		void unknownFeatureIsRefusedNamingFeature() {
			// given
			var customer = newCustomer("bad-feature");

			// when
			var response = api.post(LEASES, acquireBody(customer, "teleportation", null));

			// then
			var problem = assertProblem(response, 422, "unknown_feature");
			assertThat(fields(response)).containsExactly("feature");
			assertThat(problem.path("feature").asString()).isEqualTo("teleportation");
			assertNoSlotHeld(customer);
		}

		@Test
		void quotaFeatureIsNotLeased() {
			// given
			var customer = newCustomer("bad-quota");

			// when
			var response = api.post(LEASES, acquireBody(customer, "api_calls", null));

			// then
			assertProblem(response, 422, "feature_kind_not_supported");
			assertThat(fields(response)).containsExactly("feature");
			assertNoSlotHeld(customer);
		}

		@Test
		void switchFeatureIsNotLeased() {
			// given
			var customer = newCustomer("bad-switch");

			// when
			var response = api.post(LEASES, acquireBody(customer, "api_access", null));

			// then
			assertProblem(response, 422, "feature_kind_not_supported");
			assertThat(fields(response)).containsExactly("feature");
			assertNoSlotHeld(customer);
		}

		@Test
		void zeroTimeToLiveIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-ttl-zero");

			// when
			var response = acquire(customer, 0);

			// then
			assertInvalidRequest(response, "ttlSeconds");
			assertNoSlotHeld(customer);
		}

		@Test
		void timeToLiveOverOneDayIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-ttl-long");

			// when
			var response = acquire(customer, 86_401);

			// then
			assertInvalidRequest(response, "ttlSeconds");
			assertNoSlotHeld(customer);
		}

		@Test
		void textTimeToLiveIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-ttl-text");

			// when
			var response = api.post(LEASES,
					"{\"customerId\":\"" + customer + "\",\"feature\":\"concurrent_jobs\",\"ttlSeconds\":\"x\"}");

			// then
			assertInvalidRequest(response, "ttlSeconds");
			assertNoSlotHeld(customer);
		}

		@Test
		void malformedJsonIsRefused() {
			// given
			var customer = newCustomer("bad-json");

			// when
			var response = api.post(LEASES, "{\"customerId\":\"" + customer + "\",\"feature\":");

			// then
			assertProblem(response, 400, "malformed_json");
			assertNoSlotHeld(customer);
		}

		@Test
		void missingCustomerIdIsRefusedNamingIt() {
			// given
			var body = Api.json(Map.of("feature", JOBS));

			// when
			var response = api.post(LEASES, body);

			// then
			assertInvalidRequest(response, "customerId");
		}

		@Test
		void missingFeatureIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-nofeature");

			// when
			var response = api.post(LEASES, Api.json(Map.of("customerId", customer)));

			// then
			assertInvalidRequest(response, "feature");
			assertNoSlotHeld(customer);
		}

		@Test
		void unknownFieldIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-field");

			// when
			var response = api.post(LEASES,
					"{\"customerId\":\"" + customer + "\",\"feature\":\"concurrent_jobs\",\"slots\":2}");

			// then
			assertInvalidRequest(response, "slots");
			assertNoSlotHeld(customer);
		}

		@Test
		void requestsWithoutAKeyAreUnauthenticated() {
			// given
			var customer = newCustomer("bad-anon");
			var lease = acquired(customer);

			// when
			var acquireResponse = anonymous.post(LEASES, acquireBody(customer, JOBS, null));
			var heartbeatResponse = anonymous.post(leasePath(id(lease)) + "/heartbeat", null);
			var releaseResponse = anonymous.delete(leasePath(id(lease)));

			// then
			assertProblem(acquireResponse, 401, "unauthenticated");
			assertProblem(heartbeatResponse, 401, "unauthenticated");
			assertProblem(releaseResponse, 401, "unauthenticated");
			assertThat(release(id(lease)).status()).as("the lease was not released").isEqualTo(204);
			assertNoSlotHeld(customer);
		}

	}

}
