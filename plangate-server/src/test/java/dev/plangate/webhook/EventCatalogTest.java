package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.customer.CustomerService;
import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The event catalog (docs/webhooks.md): each change made through the API leaves its event
 * in the log, in the envelope the API and webhooks show, and the log's read API.
 */
class EventCatalogTest extends ServerTest {

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	CustomerService customers;

	@Autowired
	JdbcClient jdbc;

	private static String customerPath(String id) {
		return "/v1/customers/" + Api.encode(id);
	}

	/** The customer's events, oldest first. */
	private List<JsonNode> events(String customerId) {
		var response = api.get(customerPath(customerId) + "/events?limit=500");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var events = new ArrayList<JsonNode>();
		response.body().path("data").forEach(e -> events.add(0, e));
		return events;
	}

	private List<String> types(String customerId) {
		return events(customerId).stream().map(e -> e.path("type").asString()).toList();
	}

	/** The customer's only event of {@code type}. */
	private JsonNode event(String customerId, String type) {
		var found = events(customerId).stream().filter(e -> e.path("type").asString().equals(type)).toList();
		assertThat(found).as(type + " of " + customerId).hasSize(1);
		var event = found.get(0);
		assertThat(event.path("customerId").asString()).isEqualTo(customerId);
		assertThat(event.path("id").asString()).isNotBlank();
		assertThat(event.path("timestamp").asString()).isNotBlank();
		return event;
	}

	private static void assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
	}

	@Nested
	class Customers {

		@Test
		void aCustomersLifeIsToldEventByEvent() {
			// given
			var id = newCustomer("ev-cust");

			// when
			api.put(customerPath(id), "{\"name\":\"Renamed\"}");
			api.put(customerPath(id), "{\"name\":\"Renamed\"}");
			api.post(customerPath(id) + "/suspend", null);
			api.post(customerPath(id) + "/activate", null);
			api.delete(customerPath(id));

			// then
			assertThat(types(id)).containsExactly("customer.created", "subscription.created", "customer.updated",
					"customer.suspended", "customer.reactivated", "customer.deleted", "subscription.cancelled");
			var created = event(id, "customer.created").path("data");
			assertThat(created.path("id").asString()).isEqualTo(id);
			assertThat(created.path("email").asString()).isEqualTo(id + "@example.com");
			assertThat(created.path("status").asString()).isEqualTo("active");
			assertThat(event(id, "customer.updated").path("data").path("name").asString()).isEqualTo("Renamed");
			assertThat(event(id, "customer.suspended").path("data").path("status").asString()).isEqualTo("suspended");
			assertThat(event(id, "customer.reactivated").path("data").path("status").asString()).isEqualTo("active");
			var deleted = event(id, "customer.deleted").path("data");
			assertThat(deleted.path("status").asString()).isEqualTo("deleted");
			assertThat(deleted.path("deletedAt").asString()).isNotBlank();
			var ended = event(id, "subscription.cancelled").path("data");
			assertThat(ended.path("change").asString()).isEqualTo("ended");
			assertThat(ended.path("subscription").path("status").asString()).isEqualTo("canceled");
		}

		@Test
		void aRefusedChangeLeavesNoEvent() {
			// given
			var id = newCustomer("ev-refused");

			// when
			var response = api.put(customerPath(id), "{\"kind\":\"organization\",\"name\":\"Other\"}");

			// then
			assertProblem(response, 409, "customer_kind_immutable");
			assertThat(types(id)).containsExactly("customer.created", "subscription.created");
		}

		@Test
		void aChangeWhoseTransactionRollsBackLeavesNoEvent() {
			// given
			var id = uniqueId("ev-rollback");

			// when
			assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> {
				customers.upsert(id, new CustomerService.Changes(null, "Gone", null, null, null));
				throw new IllegalStateException("the request fails after the change");
			})).hasMessageContaining("fails after");

			// then
			assertProblem(api.get(customerPath(id) + "/events"), 404, "customer_not_found");
			assertThat(jdbc.sql("select count(*) from event_log where customer_id = :c")
				.param("c", id)
				.query(Long.class)
				.single()).isZero();
		}

	}

	@Nested
	class Subscriptions {

		private Api.Response change(String id, String body) {
			var response = api.post(customerPath(id) + "/subscription", body);
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			return response;
		}

		@Test
		void planChangesNowScheduledAndTakenBackAreToldWithWhatWasBefore() {
			// given
			var id = newCustomer("ev-sub");

			// when
			change(id, "{\"plan\":\"pro\"}");
			change(id, "{\"plan\":\"enterprise\"}");
			change(id, "{\"plan\":\"pro\",\"when\":\"period_end\"}");
			api.delete(customerPath(id) + "/subscription/pending-change");

			// then
			assertThat(types(id)).containsExactly("customer.created", "subscription.created", "subscription.changed",
					"subscription.changed", "subscription.change_scheduled", "subscription.scheduled_change_cancelled");
			var created = event(id, "subscription.created").path("data");
			assertThat(created.path("subscription").path("plan").path("key").asString()).isEqualTo("free");
			assertThat(created.path("previous").isNull()).isTrue();
			var changes = events(id).stream()
				.filter(e -> e.path("type").asString().equals("subscription.changed"))
				.map(e -> e.path("data"))
				.toList();
			assertThat(changes.get(0).path("change").asString()).isEqualTo("plan_changed");
			assertThat(changes.get(0).path("previous").path("plan").path("key").asString()).isEqualTo("free");
			assertThat(changes.get(0).path("subscription").path("plan").path("key").asString()).isEqualTo("pro");
			assertThat(changes.get(0).path("subscription").path("status").asString()).isEqualTo("trialing");
			assertThat(changes.get(1).path("previous").path("plan").path("key").asString()).isEqualTo("pro");
			assertThat(changes.get(1).path("previous").path("status").asString()).isEqualTo("trialing");
			assertThat(changes.get(1).path("subscription").path("plan").path("key").asString()).isEqualTo("enterprise");
			var scheduled = event(id, "subscription.change_scheduled").path("data");
			assertThat(scheduled.path("subscription").path("plan").path("key").asString()).isEqualTo("enterprise");
			assertThat(scheduled.path("subscription").path("pendingChange").path("plan").path("key").asString())
				.isEqualTo("pro");
			assertThat(scheduled.path("subscription").path("pendingChange").path("effectiveAt").asString())
				.isEqualTo(scheduled.path("subscription").path("currentPeriodEnd").asString());
			var takenBack = event(id, "subscription.scheduled_change_cancelled").path("data");
			assertThat(takenBack.path("subscription").path("pendingChange").isNull()).isTrue();
			assertThat(takenBack.path("previous").path("pendingChange").path("key").asString()).isEqualTo("pro");
		}

		@Test
		void aCancellationScheduledTakenBackAndMadeAtOnceIsTold() {
			// given
			var id = newCustomer("ev-cancel");
			change(id, "{\"plan\":\"enterprise\"}");

			// when
			api.delete(customerPath(id) + "/subscription");
			api.post(customerPath(id) + "/subscription/resume", null);
			api.delete(customerPath(id) + "/subscription?immediately=true");

			// then
			assertThat(types(id)).endsWith("subscription.changed", "subscription.cancel_scheduled",
					"subscription.resumed", "subscription.cancelled");
			assertThat(event(id, "subscription.cancel_scheduled").path("data")
				.path("subscription")
				.path("cancelAtPeriodEnd")
				.asBoolean()).isTrue();
			var cancelled = event(id, "subscription.cancelled").path("data");
			assertThat(cancelled.path("change").asString()).isEqualTo("canceled");
			assertThat(cancelled.path("previous").path("plan").path("key").asString()).isEqualTo("enterprise");
			assertThat(cancelled.path("subscription").path("plan").path("key").asString()).isEqualTo("free");
		}

		@Test
		void aRefusedPlanChangeLeavesNoEvent() {
			// given
			var id = newCustomer("ev-sub-refused");

			// when
			var response = api.post(customerPath(id) + "/subscription", "{\"plan\":\"no_such_plan\"}");

			// then
			assertProblem(response, 422, "unknown_plan");
			assertThat(types(id)).containsExactly("customer.created", "subscription.created");
		}

	}

	@Nested
	class Grants {

		@Test
		void aGrantMadeAndRevokedIsTold() {
			// given
			var id = newCustomer("ev-grant");
			var created = api.post(customerPath(id) + "/grants",
					"{\"feature\":\"api_calls\",\"amount\":500,\"reason\":\"goodwill\"}");
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			var grantId = created.body().path("id").asString();

			// when
			var revoked = api.delete(customerPath(id) + "/grants/" + grantId);

			// then
			assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
			assertThat(types(id)).endsWith("grant.created", "grant.revoked");
			var made = event(id, "grant.created").path("data");
			assertThat(made.path("id").asString()).isEqualTo(grantId);
			assertThat(made.path("feature").asString()).isEqualTo("api_calls");
			assertThat(made.path("amount").asLong()).isEqualTo(500);
			assertThat(made.path("status").asString()).isEqualTo("active");
			assertThat(made.path("reason").asString()).isEqualTo("goodwill");
			var ended = event(id, "grant.revoked").path("data");
			assertThat(ended.path("status").asString()).isEqualTo("revoked");
			assertThat(ended.path("revokedAt").asString()).isNotBlank();
		}

		@Test
		void aGrantDrawnDownToNothingIsToldSpentOnce() {
			// given: an allowance of 1 and a grant of 3
			var id = newCustomer("ev-spent");
			assertThat(api.put(customerPath(id) + "/overrides/api_calls", "{\"value\":1}").status()).isEqualTo(200);
			var grantId = api.post(customerPath(id) + "/grants", "{\"feature\":\"api_calls\",\"amount\":3}")
				.body()
				.path("id")
				.asString();

			// when: the allowance, 2 from the grant, its last 1, then one refused
			var answers = new ArrayList<Integer>();
			for (long amount : new long[] { 1, 2, 1, 1 }) {
				answers.add(api
					.post("/v1/consume",
							"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":%d,\"idempotencyKey\":\"%s\"}"
								.formatted(id, amount, UUID.randomUUID()))
					.status());
			}

			// then
			assertThat(answers).containsExactly(200, 200, 200, 402);
			assertThat(types(id)).filteredOn(type -> type.startsWith("grant."))
				.containsExactly("grant.created", "grant.exhausted");
			var spent = event(id, "grant.exhausted").path("data");
			assertThat(spent.path("id").asString()).isEqualTo(grantId);
			assertThat(spent.path("amount").asLong()).isEqualTo(3);
			assertThat(spent.path("remaining").asLong()).isZero();
			assertThat(spent.path("drawn").asLong()).isEqualTo(3);
			assertThat(spent.path("status").asString()).isEqualTo("spent");
		}

	}

	@Nested
	class Accounts {

		private String customerOf(JsonNode signIn) {
			var me = AccountCalls.as(anonymous, signIn).get("/v1/me");
			assertThat(me.status()).as(me.toString()).isEqualTo(200);
			return me.body().path("customerId").asString();
		}

		@Test
		void signingUpVerifyingAndBeingLockedOutAreToldWithoutSecrets() {
			// given
			var email = AccountCalls.verifiedAccount(anonymous, "ev-account");
			var customerId = customerOf(AccountCalls.signIn(anonymous, email));

			// when
			for (int i = 0; i < 5; i++) {
				assertProblem(AccountCalls.login(anonymous, email, "a wrong guess 123"), 401, "invalid_credentials");
			}

			// then
			assertThat(types(customerId)).containsExactly("customer.created", "subscription.created",
					"account.signed_up", "account.email_verified", "account.locked");
			var signedUp = event(customerId, "account.signed_up").path("data");
			assertThat(signedUp.path("email").asString()).isEqualTo(email);
			assertThat(signedUp.path("emailVerified").asBoolean()).isFalse();
			assertThat(signedUp.path("customerId").asString()).isEqualTo(customerId);
			assertThat(event(customerId, "account.email_verified").path("data").path("emailVerified").asBoolean())
				.isTrue();
			var locked = event(customerId, "account.locked").path("data");
			assertThat(locked.path("account").path("email").asString()).isEqualTo(email);
			assertThat(locked.path("failedAttempts").asInt()).isEqualTo(5);
			assertThat(locked.path("lockedUntil").asString()).isNotBlank();
			var all = api.get(customerPath(customerId) + "/events").text();
			assertThat(all).doesNotContain(AccountCalls.PASSWORD).doesNotContainIgnoringCase("hash");
		}

		@Test
		void anAccountEndsWithItsCustomer() {
			// given
			var email = AccountCalls.verifiedAccount(anonymous, "ev-deleted");
			var customerId = customerOf(AccountCalls.signIn(anonymous, email));

			// when
			var deleted = api.delete(customerPath(customerId));

			// then
			assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
			var types = types(customerId);
			assertThat(types.subList(types.size() - 3, types.size())).as("what the customer's deletion ends")
				.containsExactlyInAnyOrder("customer.deleted", "subscription.cancelled", "account.deleted");
			var account = event(customerId, "account.deleted").path("data");
			assertThat(account.path("customerId").asString()).isEqualTo(customerId);
			assertThat(account.path("status").asString()).isEqualTo("deleted");
		}

		@Test
		void aCorrectPasswordAtTheLastTryLocksNothingAndTellsNothing() {
			// given
			var email = AccountCalls.verifiedAccount(anonymous, "ev-unlocked");
			var customerId = customerOf(AccountCalls.signIn(anonymous, email));
			for (int i = 0; i < 4; i++) {
				AccountCalls.login(anonymous, email, "a wrong guess 123");
			}

			// when
			var signedIn = AccountCalls.login(anonymous, email, AccountCalls.PASSWORD);

			// then
			assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
			assertThat(types(customerId)).doesNotContain("account.locked");
		}

		@Test
		void anEndUserReadsItsOwnEventsOnly() {
			// given
			var other = newCustomer("ev-other");
			var email = AccountCalls.verifiedAccount(anonymous, "ev-me");
			var token = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
			var customerId = token.get("/v1/me").body().path("customerId").asString();

			// when
			var mine = token.get("/v1/me/events");
			var filtered = token.get("/v1/me/events?type=account.*");

			// then
			assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
			assertThat(mine.body().path("data").findValuesAsString("customerId")).isNotEmpty()
				.containsOnly(customerId)
				.doesNotContain(other);
			assertThat(filtered.body().path("data").findValuesAsString("type"))
				.containsExactly("account.email_verified", "account.signed_up");
			assertProblem(token.get("/v1/events"), 403, "forbidden");
			assertProblem(token.get(customerPath(other) + "/events"), 403, "forbidden");
			assertProblem(api.get("/v1/me/events"), 403, "forbidden");
			assertProblem(anonymous.get("/v1/me/events"), 401, "unauthenticated");
		}

	}

	@Nested
	class ReadingTheLog {

		@Test
		void theLogPagesNewestFirstAndFiltersByTypeCustomerAndTime() {
			// given
			var id = newCustomer("ev-read");
			api.put(customerPath(id), "{\"name\":\"One\"}");
			api.put(customerPath(id), "{\"name\":\"Two\"}");

			// when
			var first = api.get("/v1/events?customerId=" + Api.encode(id) + "&limit=2");
			var second = api.get("/v1/events?customerId=" + Api.encode(id) + "&limit=2&cursor="
					+ first.body().path("nextCursor").asString());
			var updates = api.get("/v1/events?customerId=" + Api.encode(id) + "&type=customer.updated");
			var prefix = api.get("/v1/events?customerId=" + Api.encode(id) + "&type=customer.*");
			var future = api.get("/v1/events?customerId=" + Api.encode(id) + "&from=2999-01-01");
			var past = api.get("/v1/events?customerId=" + Api.encode(id) + "&to=2000-01-01T00:00:00Z");

			// then
			assertThat(first.status()).as(first.toString()).isEqualTo(200);
			assertThat(first.body().path("data").findValuesAsString("type")).containsExactly("customer.updated",
					"customer.updated");
			assertThat(second.body().path("data").findValuesAsString("type")).containsExactly("subscription.created",
					"customer.created");
			assertThat(second.body().has("nextCursor")).isFalse();
			assertThat(updates.body().path("data").findValuesAsString("type")).hasSize(2);
			assertThat(prefix.body().path("data").findValuesAsString("type")).containsExactly("customer.updated",
					"customer.updated", "customer.created");
			assertThat(future.body().path("data")).isEmpty();
			assertThat(past.body().path("data")).isEmpty();
		}

		@Test
		void anEventIsReadByItsIdInTheEnvelopeOfTheCatalog() {
			// given
			var id = newCustomer("ev-one");
			var listed = events(id).get(0);

			// when
			var response = api.get("/v1/events/" + listed.path("id").asString());

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body()).isEqualTo(listed);
			assertThat(response.body().propertyNames()).containsExactly("id", "type", "timestamp", "customerId",
					"data");
		}

		@Test
		void badParametersUnknownIdsAndWrongCredentialsAreRefused() {
			// given
			var id = newCustomer("ev-bad");

			// then
			assertProblem(api.get("/v1/events?cursor=not-a-cursor"), 400, "invalid_request");
			assertProblem(api.get("/v1/events?type=Customer"), 400, "invalid_request");
			assertProblem(api.get("/v1/events?type=customer"), 400, "invalid_request");
			assertProblem(api.get("/v1/events?type=*"), 400, "invalid_request");
			assertProblem(api.get("/v1/events?from=yesterday"), 400, "invalid_request");
			assertProblem(api.get("/v1/events?from=2026-12-02&to=2026-12-01"), 400, "invalid_request");
			assertProblem(api.get("/v1/events?limit=0"), 400, "invalid_request");
			assertProblem(api.get("/v1/events?limit=many"), 400, "invalid_request");
			assertProblem(api.get(customerPath(id) + "/events?cursor=%25%25"), 400, "invalid_request");
			assertProblem(api.get("/v1/events/not-an-id"), 400, "invalid_request");
			assertProblem(api.get("/v1/events/" + UUID.randomUUID()), 404, "event_not_found");
			assertProblem(api.get(customerPath(uniqueId("ev-nobody")) + "/events"), 404, "customer_not_found");
			assertProblem(anonymous.get("/v1/events"), 401, "unauthenticated");
			assertProblem(anonymous.get(customerPath(id) + "/events"), 401, "unauthenticated");
			var bad = api.get("/v1/events?type=Customer&cursor=x");
			assertThat(bad.body().path("errors").findValuesAsString("field")).containsExactly("type", "cursor");
		}

	}

}
