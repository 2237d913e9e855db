package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Every way a grant request can be refused: each answers a problem with its status and
 * {@code code}, names the bad field, and changes nothing (the customer's grants and its
 * audit trail are as they were).
 */
class GrantsApiFailureTest extends ServerTest {

	private static String grantsPath(String customerId) {
		return "/v1/customers/" + Api.encode(customerId) + "/grants";
	}

	/** A customer allowed 10 api_calls a month, holding one grant of 5. */
	private Holder holder(String prefix) {
		var customer = newCustomer(prefix);
		var override = api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":10}");
		assertThat(override.status()).as(override.toString()).isEqualTo(200);
		var grant = created(customer, "{\"feature\":\"api_calls\",\"amount\":5,\"reason\":\"welcome credit\"}");
		return new Holder(customer, grant.path("id").asString(), grants(customer), grantAudits(customer));
	}

	/**
	 * A customer, one of its grants, and what its grants and their audit trail were
	 * before the test.
	 */
	private record Holder(String customer, String grantId, JsonNode grantsBefore, List<JsonNode> auditsBefore) {
	}

	private JsonNode created(String customer, String body) {
		var response = api.post(grantsPath(customer), body);
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private Api.Response create(String customer, String body) {
		return api.post(grantsPath(customer), body);
	}

	private JsonNode grants(String customer) {
		var response = api.get(grantsPath(customer));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data");
	}

	/** The customer's audit events about grants, newest first. */
	private List<JsonNode> grantAudits(String customer) {
		var response = api.get("/v1/admin/audit-events?targetType=customer&limit=500&targetId=" + Api.encode(customer));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body()
			.path("data")
			.valueStream()
			.filter(e -> e.path("action").asString().startsWith("grant."))
			.toList();
	}

	/** The refused request changed nothing: the same grants, no new audit event. */
	private void assertUnchanged(Holder holder) {
		assertThat(grants(holder.customer())).isEqualTo(holder.grantsBefore());
		assertThat(grantAudits(holder.customer())).isEqualTo(holder.auditsBefore());
	}

	private static List<String> fields(Api.Response response) {
		return response.body().path("errors").findValuesAsString("field");
	}

	private static JsonNode assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		assertThat(response.body().path("detail").asString()).as(response.toString()).isNotBlank();
		return response.body();
	}

	private static void assertInvalidRequest(Api.Response response, String field) {
		assertProblem(response, 400, "invalid_request");
		assertThat(fields(response)).as(response.toString()).containsExactly(field);
	}

	private static void assertInvalidGrant(Api.Response response, String field) {
		assertProblem(response, 422, "invalid_grant");
		assertThat(fields(response)).as(response.toString()).containsExactly(field);
	}

	private static String inDays(long days) {
		return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
	}

	@Nested
	class MalformedRequests {

		@Test
		void malformedJsonIsRefused() {
			// given
			var holder = holder("grant-bad-json");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":");

			// then
			assertProblem(response, 400, "malformed_json");
			assertUnchanged(holder);
		}

		@Test
		void missingBodyIsRefused() {
			// given
			var holder = holder("grant-no-body");

			// when
			var response = api.send("POST", grantsPath(holder.customer()), null,
					Map.of("Content-Type", "application/json"));

			// then
			assertProblem(response, 400, "malformed_json");
			assertUnchanged(holder);
		}

		@Test
		void missingFeatureIsRefusedNamingIt() {
			// given
			var holder = holder("grant-no-feature");

			// when
			var response = create(holder.customer(), "{\"amount\":5}");

			// then
			assertInvalidRequest(response, "feature");
			assertUnchanged(holder);
		}

		@Test
		void featureThatIsNoKeyIsRefusedNamingIt() {
			// given
			var holder = holder("grant-bad-key");

			// when
			var response = create(holder.customer(), "{\"feature\":\"API calls!\",\"amount\":5}");

			// then
			assertInvalidRequest(response, "feature");
			assertUnchanged(holder);
		}

		@Test
		void missingAmountIsRefusedNamingIt() {
			// given
			var holder = holder("grant-no-amount");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\"}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void nullAmountIsRefusedNamingIt() {
			// given
			var holder = holder("grant-null-amount");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":null}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void zeroAmountIsRefusedNamingIt() {
			// given
			var holder = holder("grant-zero");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":0}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void negativeAmountIsRefusedNamingIt() {
			// given
			var holder = holder("grant-negative");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":-5}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void fractionalAmountIsRefusedNamingIt() {
			// given
			var holder = holder("grant-fraction");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":2.5}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void wholeAmountWrittenWithAFractionIsRefusedNamingIt() {
			// given
			var holder = holder("grant-float");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":5.0}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void amountGivenAsTextIsRefusedNamingIt() {
			// given
			var holder = holder("grant-text");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":\"5\"}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void amountAboveOneQuadrillionIsRefusedNamingIt() {
			// given
			var holder = holder("grant-too-big");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":1000000000000001}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void amountBeyondWhatALongHoldsIsRefusedNamingIt() {
			// given
			var holder = holder("grant-overflow");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":99999999999999999999}");

			// then
			assertInvalidRequest(response, "amount");
			assertUnchanged(holder);
		}

		@Test
		void reasonLongerThanFiveHundredCharactersIsRefusedNamingIt() {
			// given
			var holder = holder("grant-long-reason");

			// when
			var response = create(holder.customer(),
					"{\"feature\":\"api_calls\",\"amount\":5,\"reason\":\"" + "r".repeat(501) + "\"}");

			// then
			assertInvalidRequest(response, "reason");
			assertUnchanged(holder);
		}

		@Test
		void expiryInAnotherFormatIsRefusedNamingIt() {
			// given
			var holder = holder("grant-bad-date");

			// when
			var response = create(holder.customer(),
					"{\"feature\":\"api_calls\",\"amount\":5,\"expiresAt\":\"next tuesday\"}");

			// then
			assertInvalidRequest(response, "expiresAt");
			assertUnchanged(holder);
		}

		@Test
		void startInAnotherFormatIsRefusedNamingIt() {
			// given
			var holder = holder("grant-bad-start");

			// when
			var response = create(holder.customer(),
					"{\"feature\":\"api_calls\",\"amount\":5,\"startsAt\":\"2030-01-01\"}");

			// then
			assertInvalidRequest(response, "startsAt");
			assertUnchanged(holder);
		}

		@Test
		void unknownFieldIsRefusedNamingIt() {
			// given
			var holder = holder("grant-unknown-field");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":5,\"rollover\":true}");

			// then
			assertInvalidRequest(response, "rollover");
			assertUnchanged(holder);
		}

		@Test
		void listFilteredByAFeatureThatIsNoKeyIsRefusedNamingIt() {
			// given
			var holder = holder("grant-bad-filter");

			// when
			var response = api.get(grantsPath(holder.customer()) + "?feature=" + Api.encode("API calls!"));

			// then
			assertInvalidRequest(response, "feature");
			assertUnchanged(holder);
		}

	}

	@Nested
	class FeaturesThatTakeNoGrants {

		@Test
		void unknownFeatureIsRefusedNamingIt() {
			// given
			var holder = holder("grant-unknown-feature");

			// when
			var response = create(holder.customer(), "{\"feature\":\"teleportation\",\"amount\":5}");

			// then
			assertProblem(response, 422, "unknown_feature");
			assertThat(fields(response)).as(response.toString()).containsExactly("feature");
			assertThat(response.body().path("feature").asString()).isEqualTo("teleportation");
			assertUnchanged(holder);
		}

		@Test
		void switchFeatureIsRefusedNamingFeature() {
			// given
			var holder = holder("grant-switch");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_access\",\"amount\":5}");

			// then
			assertInvalidGrant(response, "feature");
			assertThat(response.body().path("feature").asString()).isEqualTo("api_access");
			assertUnchanged(holder);
		}

		@Test
		void rateFeatureIsRefusedNamingFeature() {
			// given
			var holder = holder("grant-rate");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_rate\",\"amount\":5}");

			// then
			assertInvalidGrant(response, "feature");
			assertUnchanged(holder);
		}

		@Test
		void concurrencyFeatureIsRefusedNamingFeature() {
			// given
			var holder = holder("grant-concurrency");

			// when
			var response = create(holder.customer(), "{\"feature\":\"concurrent_jobs\",\"amount\":5}");

			// then
			assertInvalidGrant(response, "feature");
			assertUnchanged(holder);
		}

		@Test
		void settingFeatureIsRefusedNamingFeature() {
			// given
			var holder = holder("grant-setting");

			// when
			var response = create(holder.customer(), "{\"feature\":\"retention_days\",\"amount\":5}");

			// then
			assertInvalidGrant(response, "feature");
			assertUnchanged(holder);
		}

		@Test
		void lifetimeQuotaIsRefusedNamingFeatureAndPointingToOverrides() {
			// given
			var holder = holder("grant-seats");

			// when
			var response = create(holder.customer(), "{\"feature\":\"seats\",\"amount\":5}");

			// then
			assertInvalidGrant(response, "feature");
			assertThat(response.body().path("detail").asString()).contains("lifetime").contains("override");
			assertUnchanged(holder);
		}

	}

	@Nested
	class BadDates {

		@Test
		void expiryInThePastIsRefusedNamingIt() {
			// given
			var holder = holder("grant-expired");

			// when
			var response = create(holder.customer(),
					"{\"feature\":\"api_calls\",\"amount\":5,\"expiresAt\":\"" + inDays(-1) + "\"}");

			// then
			assertInvalidGrant(response, "expiresAt");
			assertUnchanged(holder);
		}

		@Test
		void expiryBeforeAFutureStartIsRefusedNamingIt() {
			// given
			var holder = holder("grant-inverted");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":5,\"startsAt\":\""
					+ inDays(10) + "\",\"expiresAt\":\"" + inDays(5) + "\"}");

			// then
			assertInvalidGrant(response, "expiresAt");
			assertThat(response.body().path("detail").asString()).contains("startsAt");
			assertUnchanged(holder);
		}

		@Test
		void expiryAtTheStartItselfIsRefusedNamingIt() {
			// given
			var holder = holder("grant-empty-span");
			var at = inDays(3);

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":5,\"startsAt\":\"" + at
					+ "\",\"expiresAt\":\"" + at + "\"}");

			// then
			assertInvalidGrant(response, "expiresAt");
			assertUnchanged(holder);
		}

		@Test
		void expiryInThePastIsRefusedEvenWhenTheStartIsFurtherBack() {
			// given
			var holder = holder("grant-backdated");

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":5,\"startsAt\":\""
					+ inDays(-10) + "\",\"expiresAt\":\"" + inDays(-5) + "\"}");

			// then
			assertInvalidGrant(response, "expiresAt");
			assertUnchanged(holder);
		}

	}

	@Nested
	class Boundaries {

		@Test
		void amountOfExactlyOneQuadrillionAndAReasonOfFiveHundredCharactersAreAccepted() {
			// given
			var customer = newCustomer("grant-limits");

			// when
			var response = create(customer,
					"{\"feature\":\"api_calls\",\"amount\":1000000000000000,\"reason\":\"" + "r".repeat(500) + "\"}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(201);
			assertThat(response.body().path("amount").asLong()).isEqualTo(1_000_000_000_000_000L);
			assertThat(response.body().path("remaining").asLong()).isEqualTo(1_000_000_000_000_000L);
			assertThat(response.body().path("reason").asString()).hasSize(500);
		}

	}

	@Nested
	class Customers {

		@Test
		void unknownCustomerIsNotFoundAndGetsNoGrant() {
			// given
			var customer = uniqueId("grant-nobody");
			var someGrant = UUID.randomUUID();

			// when
			var created = create(customer, "{\"feature\":\"api_calls\",\"amount\":5}");
			var listed = api.get(grantsPath(customer));
			var read = api.get(grantsPath(customer) + "/" + someGrant);
			var revoked = api.delete(grantsPath(customer) + "/" + someGrant);

			// then
			for (var response : List.of(created, listed, read, revoked)) {
				assertProblem(response, 404, "customer_not_found");
			}
			assertThat(api.put("/v1/customers/" + customer, "{\"name\":\"late\"}").status()).isEqualTo(201);
			assertThat(grants(customer).isEmpty()).as("grants of %s", customer).isTrue();
		}

		@Test
		void deletedCustomerIsRefusedAGrantAndKeepsTheOnesItHad() {
			// given
			var holder = holder("grant-deleted");
			assertThat(api.delete("/v1/customers/" + holder.customer()).status()).isEqualTo(200);

			// when
			var response = create(holder.customer(), "{\"feature\":\"api_calls\",\"amount\":5}");

			// then
			assertProblem(response, 409, "customer_deleted");
			assertUnchanged(holder);
		}

	}

	@Nested
	class GrantIds {

		@Test
		void anotherCustomersGrantIsNotFoundToReadOrRevoke() {
			// given
			var owner = holder("grant-owner");
			var other = holder("grant-other");

			// when
			var read = api.get(grantsPath(other.customer()) + "/" + owner.grantId());
			var revoked = api.delete(grantsPath(other.customer()) + "/" + owner.grantId());

			// then
			for (var response : List.of(read, revoked)) {
				assertProblem(response, 404, "grant_not_found");
				assertThat(response.body().path("id").asString()).isEqualTo(owner.grantId());
			}
			assertUnchanged(owner);
			assertUnchanged(other);
		}

		@Test
		void grantThatNeverExistedIsNotFound() {
			// given
			var holder = holder("grant-never");
			var id = UUID.randomUUID().toString();

			// when
			var read = api.get(grantsPath(holder.customer()) + "/" + id);
			var revoked = api.delete(grantsPath(holder.customer()) + "/" + id);

			// then
			assertProblem(read, 404, "grant_not_found");
			assertProblem(revoked, 404, "grant_not_found");
			assertUnchanged(holder);
		}

		@Test
		void malformedGrantIdIsABadRequestNamingIt() {
			// given
			var holder = holder("grant-bad-id");

			// when
			var read = api.get(grantsPath(holder.customer()) + "/not-a-grant");
			var revoked = api.delete(grantsPath(holder.customer()) + "/not-a-grant");

			// then
			assertInvalidRequest(read, "grantId");
			assertInvalidRequest(revoked, "grantId");
			assertUnchanged(holder);
		}

		@Test
		void revokingTwiceIsAConflictThatKeepsTheFirstRevocation() {
			// given
			var holder = holder("grant-twice");
			var first = api.delete(grantsPath(holder.customer()) + "/" + holder.grantId());
			assertThat(first.status()).as(first.toString()).isEqualTo(200);
			var afterFirst = new Holder(holder.customer(), holder.grantId(), grants(holder.customer()),
					grantAudits(holder.customer()));

			// when
			var second = api.delete(grantsPath(holder.customer()) + "/" + holder.grantId());

			// then
			assertProblem(second, 409, "grant_revoked");
			assertThat(second.body().path("id").asString()).isEqualTo(holder.grantId());
			assertThat(first.body().path("status").asString()).isEqualTo("revoked");
			assertThat(afterFirst.grantsBefore().get(0).path("revokedAt")).isEqualTo(first.body().path("revokedAt"));
			assertUnchanged(afterFirst);
		}

	}

	@Nested
	class Credentials {

		@Test
		void requestsWithoutAKeyAreUnauthenticatedAndChangeNothing() {
			// given
			var holder = holder("grant-anon");
			var path = grantsPath(holder.customer());

			// when
			var created = anonymous.post(path, "{\"feature\":\"api_calls\",\"amount\":5}");
			var listed = anonymous.get(path);
			var read = anonymous.get(path + "/" + holder.grantId());
			var revoked = anonymous.delete(path + "/" + holder.grantId());

			// then
			for (var response : List.of(created, listed, read, revoked)) {
				assertProblem(response, 401, "unauthenticated");
			}
			assertUnchanged(holder);
		}

	}

	@Nested
	class IdempotencyKeys {

		@Test
		void createRepeatedWithTheSameKeyMakesOneGrantAndAnswersTheSame() {
			// given
			var customer = newCustomer("grant-idem");
			var key = UUID.randomUUID().toString();
			var body = "{\"feature\":\"api_calls\",\"amount\":7,\"reason\":\"once\"}";

			// when
			var first = api.send("POST", grantsPath(customer), body, Map.of("Idempotency-Key", key));
			var again = api.send("POST", grantsPath(customer), body, Map.of("Idempotency-Key", key));

			// then
			assertThat(first.status()).as(first.toString()).isEqualTo(201);
			assertThat(again.status()).as(again.toString()).isEqualTo(201);
			assertThat(again.body()).isEqualTo(first.body());
			assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
			assertThat(grants(customer).valueStream().map(g -> g.path("id").asString()))
				.containsExactly(first.body().path("id").asString());
			assertThat(grantAudits(customer)).hasSize(1);
		}

		@Test
		void sameKeyWithAnotherGrantIsRefusedAndMakesNone() {
			// given
			var holder = holder("grant-idem-reuse");
			var key = UUID.randomUUID().toString();
			var first = api.send("POST", grantsPath(holder.customer()), "{\"feature\":\"api_calls\",\"amount\":7}",
					Map.of("Idempotency-Key", key));
			assertThat(first.status()).as(first.toString()).isEqualTo(201);
			var afterFirst = new Holder(holder.customer(), holder.grantId(), grants(holder.customer()),
					grantAudits(holder.customer()));

			// when
			var other = api.send("POST", grantsPath(holder.customer()), "{\"feature\":\"api_calls\",\"amount\":70}",
					Map.of("Idempotency-Key", key));

			// then
			assertProblem(other, 422, "idempotency_key_reused");
			assertUnchanged(afterFirst);
		}

		@Test
		void revokeRepeatedWithTheSameKeyIsAnsweredLikeTheFirstAndRevokesOnce() {
			// given
			var holder = holder("grant-idem-revoke");
			var key = UUID.randomUUID().toString();
			var path = grantsPath(holder.customer()) + "/" + holder.grantId();

			// when
			var first = api.send("DELETE", path, null, Map.of("Idempotency-Key", key));
			var again = api.send("DELETE", path, null, Map.of("Idempotency-Key", key));

			// then
			assertThat(first.status()).as(first.toString()).isEqualTo(200);
			assertThat(again.status()).as(again.toString()).isEqualTo(200);
			assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
			assertThat(again.body()).isEqualTo(first.body());
			assertThat(grantAudits(holder.customer()).stream().map(e -> e.path("action").asString()))
				.containsExactly("grant.revoked", "grant.created");
		}

	}

}
