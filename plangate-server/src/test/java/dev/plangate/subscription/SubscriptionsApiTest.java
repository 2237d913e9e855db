package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Subscriptions over HTTP: starting on the default plan, plan changes, trials, cancel and
 * resume, entitlements.
 */
class SubscriptionsApiTest extends ServerTest {

	private static String subscription(String customerId) {
		return "/v1/customers/" + Api.encode(customerId) + "/subscription";
	}

	private JsonNode read(String customerId) {
		var response = api.get(subscription(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private Api.Response changePlan(String customerId, String plan) {
		return api.post(subscription(customerId), "{\"plan\":\"" + plan + "\"}");
	}

	private JsonNode history(String customerId) {
		var response = api.get(subscription(customerId) + "/history");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data");
	}

	private JsonNode entitlements(String customerId) {
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/entitlements");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	private static void assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
	}

	@Nested
	class Starting {

		@Test
		void newCustomerIsOnTheDefaultPlanAtOnce() {
			// given
			var id = newCustomer("sub-new");

			// when
			var s = read(id);

			// then
			assertThat(s.path("customerId").asString()).isEqualTo(id);
			assertThat(s.path("status").asString()).isEqualTo("active");
			assertThat(s.path("plan").path("key").asString()).isEqualTo("free");
			assertThat(s.path("plan").path("version").asInt()).isGreaterThanOrEqualTo(1);
			assertThat(s.path("plan").path("interval").asString()).isEqualTo("month");
			assertThat(s.path("cancelAtPeriodEnd").asBoolean()).isFalse();
			assertThat(s.has("trialEnd")).isFalse();
			var start = instant(s.path("currentPeriodStart"));
			var end = instant(s.path("currentPeriodEnd"));
			assertThat(end).isEqualTo(start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
			assertThat(history(id).findValuesAsString("action")).containsExactly("created");
		}

	}

	@Nested
	class ChangingPlan {

		@Test
		void firstMoveToProStartsA14DayTrial() {
			// given
			var id = newCustomer("sub-trial");
			var before = Instant.now();

			// when
			var response = changePlan(id, "pro");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			var s = response.body();
			assertThat(s.path("plan").path("key").asString()).isEqualTo("pro");
			assertThat(s.path("status").asString()).isEqualTo("trialing");
			var start = instant(s.path("currentPeriodStart"));
			var trialEnd = instant(s.path("trialEnd"));
			assertThat(start).isAfterOrEqualTo(before.minusSeconds(1)).isBeforeOrEqualTo(Instant.now());
			assertThat(Duration.between(start, trialEnd)).isEqualTo(Duration.ofDays(14));
			assertThat(instant(s.path("currentPeriodEnd"))).isEqualTo(trialEnd);
			var stored = read(id);
			assertThat(stored.path("status").asString()).isEqualTo("trialing");
			assertThat(stored.path("plan").path("key").asString()).isEqualTo("pro");
		}

		@Test
		void movingBackToProLaterStartsNoNewTrial() {
			// given
			var id = newCustomer("sub-retrial");
			changePlan(id, "pro");
			changePlan(id, "enterprise");

			// when
			var response = changePlan(id, "pro");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("status").asString()).isEqualTo("active");
			assertThat(read(id).path("status").asString()).isEqualTo("active");
		}

		@Test
		void movingBackToProAfterCancelingStartsNoNewTrial() {
			// given
			var id = newCustomer("sub-retrial-cancel");
			changePlan(id, "pro");
			api.delete(subscription(id) + "?immediately=true");

			// when
			var response = changePlan(id, "pro");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("plan").path("key").asString()).isEqualTo("pro");
			assertThat(response.body().path("status").asString()).isEqualTo("active");
		}

		@Test
		void moveToEnterpriseIsActiveAtOnce() {
			// given
			var id = newCustomer("sub-ent");

			// when
			var response = changePlan(id, "enterprise");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("status").asString()).isEqualTo("active");
			assertThat(response.body().path("plan").path("key").asString()).isEqualTo("enterprise");
			assertThat(response.body().path("plan").path("price").path("amount").asLong()).isEqualTo(49900);
			assertThat(response.body().has("trialEnd")).isFalse();
			assertThat(read(id).path("plan").path("key").asString()).isEqualTo("enterprise");
		}

		@Test
		void choosingTheCurrentPlanAgainChangesNothing() {
			// given
			var id = newCustomer("sub-same");
			changePlan(id, "enterprise");
			var before = read(id);

			// when
			var response = changePlan(id, "enterprise");

			// then
			assertThat(response.status()).isEqualTo(200);
			assertThat(read(id)).isEqualTo(before);
			assertThat(history(id).findValuesAsString("action")).containsExactly("created", "plan_changed");
		}

		@Test
		void unknownPlanIsRefusedNamingPlanAndChangesNothing() {
			// given
			var id = newCustomer("sub-unknown");
			var before = read(id);

			// when
			var response = changePlan(id, "platinum");

			// then
			assertProblem(response, 422, "unknown_plan");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("plan");
			assertThat(read(id)).isEqualTo(before);
			assertThat(history(id).findValuesAsString("action")).containsExactly("created");
		}

		@Test
		void planKeyOfTheWrongShapeIsRefusedAsBadInput() {
			// given
			var id = newCustomer("sub-badkey");
			var before = read(id);

			// when
			var response = changePlan(id, "Pro Plan!");

			// then
			assertProblem(response, 400, "invalid_request");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("plan");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void missingPlanIsRefusedAsBadInput() {
			// given
			var id = newCustomer("sub-noplan");
			var before = read(id);

			// when
			var response = api.post(subscription(id), "{}");

			// then
			assertProblem(response, 400, "invalid_request");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("plan");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void nullPlanIsRefusedAsBadInput() {
			// given
			var id = newCustomer("sub-nullplan");

			// when
			var response = api.post(subscription(id), "{\"plan\":null}");

			// then
			assertProblem(response, 400, "invalid_request");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("plan");
		}

		@Test
		void numberForPlanIsRefusedAsBadInput() {
			// given
			var id = newCustomer("sub-numplan");
			var before = read(id);

			// when
			var response = api.post(subscription(id), "{\"plan\":5}");

			// then
			assertProblem(response, 400, "invalid_request");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("plan");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void unknownFieldIsRefused() {
			// given
			var id = newCustomer("sub-unknownfield");

			// when
			var response = api.post(subscription(id), "{\"plan\":\"pro\",\"coupon\":\"FREE\"}");

			// then
			assertProblem(response, 400, "invalid_request");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("coupon");
			assertThat(read(id).path("plan").path("key").asString()).isEqualTo("free");
		}

		@Test
		void malformedJsonIsRefused() {
			// given
			var id = newCustomer("sub-malformed");

			// when
			var response = api.post(subscription(id), "{\"plan\":");

			// then
			assertProblem(response, 400, "malformed_json");
			assertThat(read(id).path("plan").path("key").asString()).isEqualTo("free");
		}

		@Test
		void deletedCustomerCannotChangePlan() {
			// given
			var id = newCustomer("sub-deleted");
			api.delete("/v1/customers/" + id);
			var before = read(id);

			// when
			var response = changePlan(id, "pro");

			// then
			assertProblem(response, 409, "customer_deleted");
			assertThat(read(id)).isEqualTo(before);
		}

	}

	@Nested
	class Canceling {

		@Test
		void defaultPlanCannotBeCanceled() {
			// given
			var id = newCustomer("sub-cancel-free");
			var before = read(id);

			// when
			var response = api.delete(subscription(id));

			// then
			assertProblem(response, 409, "subscription_not_cancelable");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void cancelIsAtPeriodEndByDefaultAndKeepsThePlanUntilThen() {
			// given
			var id = newCustomer("sub-cancel");
			changePlan(id, "enterprise");
			var before = read(id);

			// when
			var response = api.delete(subscription(id));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("cancelAtPeriodEnd").asBoolean()).isTrue();
			assertThat(response.body().path("canceledAt").isString()).isTrue();
			var stored = read(id);
			assertThat(stored.path("cancelAtPeriodEnd").asBoolean()).isTrue();
			assertThat(stored.path("plan").path("key").asString()).isEqualTo("enterprise");
			assertThat(stored.path("status").asString()).isEqualTo("active");
			assertThat(stored.path("currentPeriodEnd")).isEqualTo(before.path("currentPeriodEnd"));
		}

		@Test
		void cancelingTwiceAtPeriodEndChangesNothingTheSecondTime() {
			// given
			var id = newCustomer("sub-cancel-twice");
			changePlan(id, "enterprise");
			api.delete(subscription(id));
			var before = read(id);

			// when
			var response = api.delete(subscription(id));

			// then
			assertThat(response.status()).isEqualTo(200);
			assertThat(read(id)).isEqualTo(before);
			assertThat(history(id).findValuesAsString("action")).containsExactly("created", "plan_changed",
					"cancel_scheduled");
		}

		@Test
		void resumeTakesBackTheCancellation() {
			// given
			var id = newCustomer("sub-resume");
			changePlan(id, "enterprise");
			api.delete(subscription(id));

			// when
			var response = api.post(subscription(id) + "/resume", null);

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("cancelAtPeriodEnd").asBoolean()).isFalse();
			assertThat(response.body().has("canceledAt")).isFalse();
			var stored = read(id);
			assertThat(stored.path("cancelAtPeriodEnd").asBoolean()).isFalse();
			assertThat(stored.path("plan").path("key").asString()).isEqualTo("enterprise");
		}

		@Test
		void resumeWithNothingPendingIsRefused() {
			// given
			var id = newCustomer("sub-resume-none");
			changePlan(id, "enterprise");
			var before = read(id);

			// when
			var response = api.post(subscription(id) + "/resume", null);

			// then
			assertProblem(response, 409, "no_pending_cancellation");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void cancelImmediatelyPutsTheCustomerOnTheDefaultPlanAtOnce() {
			// given
			var id = newCustomer("sub-cancel-now");
			changePlan(id, "enterprise");

			// when
			var response = api.delete(subscription(id) + "?immediately=true");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("plan").path("key").asString()).isEqualTo("free");
			assertThat(response.body().path("status").asString()).isEqualTo("active");
			assertThat(response.body().path("cancelAtPeriodEnd").asBoolean()).isFalse();
			var stored = read(id);
			assertThat(stored.path("plan").path("key").asString()).isEqualTo("free");
			assertThat(stored.path("status").asString()).isEqualTo("active");
			assertThat(entitlements(id).path("features").path("sso").path("enabled").asBoolean()).isFalse();
		}

		@Test
		void cancelImmediatelyAfterSchedulingItTakesEffectAtOnce() {
			// given
			var id = newCustomer("sub-cancel-both");
			changePlan(id, "enterprise");
			api.delete(subscription(id));

			// when
			var response = api.delete(subscription(id) + "?immediately=true");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(read(id).path("plan").path("key").asString()).isEqualTo("free");
			assertThat(read(id).path("cancelAtPeriodEnd").asBoolean()).isFalse();
		}

		@Test
		void nonBooleanImmediatelyIsRefused() {
			// given
			var id = newCustomer("sub-cancel-bad");
			changePlan(id, "enterprise");
			var before = read(id);

			// when
			var response = api.delete(subscription(id) + "?immediately=soon");

			// then
			assertProblem(response, 400, "invalid_request");
			assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("immediately");
			assertThat(read(id)).isEqualTo(before);
		}

		@Test
		void deletedCustomerCannotCancelOrResume() {
			// given
			var id = newCustomer("sub-deleted-cancel");
			changePlan(id, "enterprise");
			api.delete("/v1/customers/" + id);
			var before = read(id);

			// when
			var cancel = api.delete(subscription(id));
			var resume = api.post(subscription(id) + "/resume", null);

			// then
			assertProblem(cancel, 409, "customer_deleted");
			assertProblem(resume, 409, "customer_deleted");
			assertThat(read(id)).isEqualTo(before);
		}

	}

	@Nested
	class History {

		@Test
		void historyListsEveryChangeInOrderWithItsActor() {
			// given
			var id = newCustomer("sub-history");
			changePlan(id, "enterprise");
			api.delete(subscription(id));
			api.post(subscription(id) + "/resume", null);
			api.delete(subscription(id) + "?immediately=true");

			// when
			var history = history(id);

			// then
			assertThat(history.findValuesAsString("action")).containsExactly("created", "plan_changed",
					"cancel_scheduled", "resumed", "canceled");
			for (var change : history) {
				assertThat(change.path("actor").asString()).as(change.toString()).startsWith("api_key:pg_sk_");
			}
			var created = history.get(0);
			assertThat(created.path("toPlan").asString()).isEqualTo("free");
			assertThat(created.path("status").asString()).isEqualTo("active");
			var changed = history.get(1);
			assertThat(changed.path("fromPlan").asString()).isEqualTo("free");
			assertThat(changed.path("toPlan").asString()).isEqualTo("enterprise");
			var canceled = history.get(4);
			assertThat(canceled.path("fromPlan").asString()).isEqualTo("enterprise");
			assertThat(canceled.path("toPlan").asString()).isEqualTo("free");
			var times = new ArrayList<Instant>();
			history.forEach(c -> times.add(instant(c.path("changedAt"))));
			assertThat(times).isSorted();
		}

		@Test
		void trialShowsAsTrialingInTheHistory() {
			// given
			var id = newCustomer("sub-history-trial");

			// when
			changePlan(id, "pro");

			// then
			var last = history(id).get(1);
			assertThat(last.path("action").asString()).isEqualTo("plan_changed");
			assertThat(last.path("toPlan").asString()).isEqualTo("pro");
			assertThat(last.path("status").asString()).isEqualTo("trialing");
		}

	}

	@Nested
	class Entitlements {

		@Test
		void everyFeatureOfTheCatalogIsListedWithItsSource() {
			// given
			var id = newCustomer("ent-free");
			var features = api.get("/v1/features").body().path("data").findValuesAsString("key");

			// when
			var body = entitlements(id);

			// then
			assertThat(body.path("customerId").asString()).isEqualTo(id);
			assertThat(body.path("active").asBoolean()).isTrue();
			assertThat(body.path("subscription").path("plan").path("key").asString()).isEqualTo("free");
			var listed = body.path("features");
			assertThat(listed.propertyNames()).containsExactlyInAnyOrderElementsOf(features);
			assertThat(listed.path("api_access").path("source").asString()).isEqualTo("plan");
			assertThat(listed.path("api_calls").path("source").asString()).isEqualTo("plan");
			assertThat(listed.path("api_calls").path("limit").asLong()).isEqualTo(1000);
			assertThat(listed.path("support").path("value").asString()).isEqualTo("community");
			assertThat(listed.path("api_rate").path("source").asString()).isEqualTo("default");
			assertThat(listed.path("retention_days").path("source").asString()).isEqualTo("default");
			assertThat(listed.path("retention_days").path("value").asString()).isEqualTo("7");
			assertThat(listed.path("sso").path("source").asString()).isEqualTo("none");
			assertThat(listed.path("sso").path("enabled").asBoolean()).isFalse();
			assertThat(listed.path("advanced_analytics").path("source").asString()).isEqualTo("none");
			for (var feature : features) {
				assertThat(listed.path(feature).path("source").asString()).as(feature).isIn("plan", "default", "none");
			}
		}

		@Test
		void rateDefaultIs60OnFree() {
			// given
			var id = newCustomer("ent-rate-free");

			// when
			var rate = entitlements(id).path("features").path("api_rate");

			// then
			assertThat(rate.path("limit").asLong()).isEqualTo(60);
			assertThat(rate.path("windowSeconds").asLong()).isEqualTo(60);
			assertThat(rate.path("kind").asString()).isEqualTo("rate");
		}

		@Test
		void rateDefaultIsScaledByTheMultiplierOfPro() {
			// given
			var id = newCustomer("ent-rate-pro");
			changePlan(id, "pro");

			// when
			var features = entitlements(id).path("features");

			// then
			assertThat(features.path("api_rate").path("limit").asLong()).isEqualTo(300);
			assertThat(features.path("api_rate").path("source").asString()).isEqualTo("default");
			assertThat(features.path("retention_days").path("value").asString()).isEqualTo("90");
			assertThat(features.path("retention_days").path("source").asString()).isEqualTo("plan");
			assertThat(features.path("advanced_analytics").path("enabled").asBoolean()).isTrue();
			assertThat(features.path("api_calls").path("limit").asLong()).isEqualTo(100000);
			assertThat(features.path("api_calls").path("overage").path("price").asLong()).isEqualTo(1);
			assertThat(features.path("api_calls").path("overage").path("per").asLong()).isEqualTo(100);
		}

		@Test
		void enterpriseHasUnlimitedQuotasAndATenfoldRate() {
			// given
			var id = newCustomer("ent-enterprise");
			changePlan(id, "enterprise");

			// when
			var features = entitlements(id).path("features");

			// then
			assertThat(features.path("api_calls").path("unlimited").asBoolean()).isTrue();
			assertThat(features.path("api_calls").has("limit")).isFalse();
			assertThat(features.path("api_rate").path("limit").asLong()).isEqualTo(600);
			assertThat(features.path("sso").path("enabled").asBoolean()).isTrue();
		}

		@Test
		void suspendedOrDeletedCustomerIsNotActive() {
			// given
			var suspended = newCustomer("ent-suspended");
			var deleted = newCustomer("ent-deleted");
			api.post("/v1/customers/" + suspended + "/suspend", null);
			api.delete("/v1/customers/" + deleted);

			// when
			var suspendedBody = entitlements(suspended);
			var deletedBody = entitlements(deleted);

			// then
			assertThat(suspendedBody.path("active").asBoolean()).isFalse();
			assertThat(suspendedBody.path("customerStatus").asString()).isEqualTo("suspended");
			assertThat(deletedBody.path("active").asBoolean()).isFalse();
			assertThat(deletedBody.path("subscription").path("status").asString()).isEqualTo("canceled");
		}

	}

	@Nested
	class UnknownCustomer {

		@Test
		void everySubscriptionEndpointAnswersNotFound() {
			// given
			var id = uniqueId("ghost");
			var base = subscription(id);

			// when
			var responses = List.of(api.get(base), api.post(base, "{\"plan\":\"pro\"}"), api.delete(base),
					api.delete(base + "?immediately=true"), api.post(base + "/resume", null),
					api.get(base + "/history"), api.get("/v1/customers/" + id + "/entitlements"));

			// then
			for (var response : responses) {
				assertProblem(response, 404, "customer_not_found");
			}
			assertThat(api.get("/v1/customers/" + id).status()).as("nothing was created").isEqualTo(404);
		}

		@Test
		void unknownCustomerWithAnUnknownPlanIsNotFound() {
			// when
			var response = changePlan(uniqueId("ghost"), "platinum");

			// then
			assertProblem(response, 404, "customer_not_found");
		}

	}

	@Nested
	class Authentication {

		@Test
		void subscriptionEndpointsNeedAKey() {
			// given
			var id = newCustomer("sub-nokey");

			// when
			var change = anonymous.post(subscription(id), "{\"plan\":\"enterprise\"}");
			var read = anonymous.get(subscription(id));

			// then
			assertProblem(change, 401, "unauthenticated");
			assertProblem(read, 401, "unauthenticated");
			assertThat(read(id).path("plan").path("key").asString()).isEqualTo("free");
		}

	}

}
