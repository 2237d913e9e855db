package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * POST /v1/usage-events and GET /v1/customers/{id}/usage over HTTP: what is counted, what
 * is counted once, and every refusal, after which nothing of the request is recorded.
 */
class UsageEventsApiTest extends ServerTest {

	private static final String EVENTS = "/v1/usage-events";

	private static String usagePath(String customerId) {
		return "/v1/customers/" + Api.encode(customerId) + "/usage";
	}

	/** One event as a JSON object, without a timestamp (it happened now). */
	private static String event(String id, String customerId, String feature, long amount) {
		return Api.json(Map.of("id", id, "customerId", customerId, "feature", feature, "amount", amount));
	}

	private static String event(String id, String customerId, String feature, long amount, Instant timestamp) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", id);
		event.put("customerId", customerId);
		event.put("feature", feature);
		event.put("amount", amount);
		event.put("timestamp", timestamp.toString());
		return Api.json(event);
	}

	private static String request(String... events) {
		return request(List.of(events));
	}

	private static String request(List<String> events) {
		return "{\"events\":[" + String.join(",", events) + "]}";
	}

	private Api.Response send(String... events) {
		return api.post(EVENTS, request(events));
	}

	/** Sends events that must be accepted and answers the result. */
	private JsonNode record(String... events) {
		var response = send(events);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode usage(String customerId) {
		var response = api.get(usagePath(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static JsonNode quota(JsonNode usage, String feature) {
		for (var quota : usage.path("quotas")) {
			if (quota.path("feature").asString().equals(feature)) {
				return quota;
			}
		}
		throw new AssertionError("no quota '" + feature + "' in " + usage);
	}

	private long used(String customerId, String feature) {
		return quota(usage(customerId), feature).path("used").asLong();
	}

	private static List<String> fields(Api.Response response) {
		return response.body().path("errors").findValuesAsString("field");
	}

	private static void assertInvalidRequest(Api.Response response, String field) {
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).as(response.toString()).isEqualTo("invalid_request");
		assertThat(fields(response)).as(response.toString()).contains(field);
	}

	private static void assertRefused(Api.Response response, String... fields) {
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).as(response.toString()).isEqualTo("invalid_usage_events");
		assertThat(fields(response)).as(response.toString()).containsExactly(fields);
	}

	/**
	 * Nothing of a refused request reached the ledger: no usage, and its valid event's id
	 * is still new.
	 */
	private void assertNothingRecorded(String customerId, String validEvent) {
		assertThat(used(customerId, "api_calls")).isZero();
		var again = record(validEvent);
		assertThat(again.path("recorded").asInt()).as("the valid event was not recorded").isEqualTo(1);
		assertThat(again.path("events").get(0).path("duplicate").asBoolean()).isFalse();
	}

	@Nested
	class Recording {

		@Test
		void oneEventIsRecordedAndCounted() {
			// given
			var customer = newCustomer("usage-one");

			// when
			var result = record(event("evt-1", customer, "api_calls", 5));

			// then
			assertThat(result.path("recorded").asInt()).isEqualTo(1);
			assertThat(result.path("duplicates").asInt()).isZero();
			var recorded = result.path("events").get(0);
			assertThat(recorded.path("id").asString()).isEqualTo("evt-1");
			assertThat(recorded.path("customerId").asString()).isEqualTo(customer);
			assertThat(recorded.path("feature").asString()).isEqualTo("api_calls");
			assertThat(recorded.path("amount").asLong()).isEqualTo(5);
			assertThat(recorded.path("duplicate").asBoolean()).isFalse();
			assertThat(recorded.path("occurredAt").isString()).isTrue();
			assertThat(recorded.path("recordedAt").isString()).isTrue();
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

		@Test
		void batchIsRecordedAndTheUsageViewShowsItsSumPerFeature() {
			// given
			var customer = newCustomer("usage-batch");

			// when
			var result = record(event("b-1", customer, "api_calls", 2), event("b-2", customer, "api_calls", 3),
					event("b-3", customer, "seats", 1), event("b-4", customer, "api_calls", 5));

			// then
			assertThat(result.path("recorded").asInt()).isEqualTo(4);
			assertThat(result.path("duplicates").asInt()).isZero();
			assertThat(result.path("events").findValuesAsString("id")).containsExactly("b-1", "b-2", "b-3", "b-4");
			assertThat(used(customer, "api_calls")).isEqualTo(10);
			assertThat(used(customer, "seats")).isEqualTo(1);
		}

		@Test
		void requestsAddUp() {
			// given
			var customer = newCustomer("usage-add");
			record(event("a-1", customer, "api_calls", 40));

			// when
			record(event("a-2", customer, "api_calls", 2), event("a-3", customer, "api_calls", 1));

			// then
			assertThat(used(customer, "api_calls")).isEqualTo(43);
		}

		@Test
		void oneRequestCountsForEachCustomerItNames() {
			// given
			var first = newCustomer("usage-first");
			var second = newCustomer("usage-second");

			// when
			record(event("m-1", first, "api_calls", 7), event("m-2", second, "api_calls", 11));

			// then
			assertThat(used(first, "api_calls")).isEqualTo(7);
			assertThat(used(second, "api_calls")).isEqualTo(11);
		}

		@Test
		void eventWithoutTimestampOccursNow() {
			// given
			var customer = newCustomer("usage-now");
			var before = Instant.now().minusSeconds(1);

			// when
			var recorded = record(event("now-1", customer, "api_calls", 1)).path("events").get(0);

			// then
			var occurred = Instant.parse(recorded.path("occurredAt").asString());
			assertThat(occurred).isBetween(before, Instant.now().plusSeconds(1));
		}

		@Test
		void eventKeepsTheTimeItSaysItHappened() {
			// given: seats count for the lifetime, so any past time is in the current
			// period
			var customer = newCustomer("usage-then");
			var then = Instant.parse("2024-02-29T08:15:00Z");

			// when
			var recorded = record(event("then-1", customer, "seats", 1, then)).path("events").get(0);

			// then
			assertThat(Instant.parse(recorded.path("occurredAt").asString())).isEqualTo(then);
			assertThat(used(customer, "seats")).isEqualTo(1);
		}

		@Test
		void timestampUpToFiveMinutesAheadIsAccepted() {
			// given
			var customer = newCustomer("usage-skew");

			// when
			var response = send(event("skew-1", customer, "seats", 1, Instant.now().plus(Duration.ofMinutes(4))));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(used(customer, "seats")).isEqualTo(1);
		}

		@Test
		void negativeAmountOnALifetimeQuotaLowersItsTotal() {
			// given
			var customer = newCustomer("usage-seats-down");
			record(event("seat-add", customer, "seats", 3));

			// when
			var result = record(event("seat-remove", customer, "seats", -1));

			// then
			assertThat(result.path("events").get(0).path("amount").asLong()).isEqualTo(-1);
			assertThat(used(customer, "seats")).isEqualTo(2);
		}

		@Test
		void tenThousandEventsInOneRequestAreAcceptedAndCounted() {
			// given
			var customer = newCustomer("usage-10k");
			var events = new ArrayList<String>();
			for (int i = 0; i < 10_000; i++) {
				events.add(event("bulk-" + i, customer, "api_calls", 1));
			}

			// when
			var response = api.post(EVENTS, request(events));

			// then
			assertThat(response.status()).as(response.status() + " " + response.code()).isEqualTo(200);
			assertThat(response.body().path("recorded").asInt()).isEqualTo(10_000);
			assertThat(response.body().path("events").size()).isEqualTo(10_000);
			assertThat(used(customer, "api_calls")).isEqualTo(10_000);
		}

	}

	@Nested
	class MinimalAnswer {

		private Api.Response send(String body, Map<String, String> headers) {
			return api.send("POST", EVENTS, body, headers);
		}

		@Test
		void preferReturnMinimalAnswersTheCountsAloneAndSaysSo() {
			// given
			var customer = newCustomer("minimal-counts");
			record(event("min-1", customer, "api_calls", 5));

			// when: one repeat and one new event
			var response = send(
					request(event("min-1", customer, "api_calls", 5), event("min-2", customer, "api_calls", 3)),
					Map.of("Prefer", "return=minimal"));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.header("Preference-Applied")).isEqualTo("return=minimal");
			assertThat(response.body().path("recorded").asInt()).isEqualTo(1);
			assertThat(response.body().path("duplicates").asInt()).isEqualTo(1);
			assertThat(response.body().has("events")).isFalse();
			assertThat(used(customer, "api_calls")).isEqualTo(8);
		}

		@Test
		void returnMinimalAmongOtherPreferencesIsHonoured() {
			// given
			var customer = newCustomer("minimal-among");

			// when
			var response = send(request(event("min-1", customer, "api_calls", 2)),
					Map.of("Prefer", "handling=lenient, return=\"minimal\"; foo=bar"));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.header("Preference-Applied")).isEqualTo("return=minimal");
			assertThat(response.body().has("events")).isFalse();
		}

		@Test
		void withoutThePreferenceOrWithAnotherTheAnswerHoldsEveryEvent() {
			// given
			var customer = newCustomer("minimal-absent");

			// when
			var plain = api.post(EVENTS, request(event("full-1", customer, "api_calls", 1)));
			var representation = send(request(event("full-2", customer, "api_calls", 1)),
					Map.of("Prefer", "return=representation"));

			// then
			for (var response : List.of(plain, representation)) {
				assertThat(response.status()).as(response.toString()).isEqualTo(200);
				assertThat(response.header("Preference-Applied")).isNull();
				assertThat(response.body().path("recorded").asInt()).isEqualTo(1);
				assertThat(response.body().path("events")).hasSize(1);
			}
		}

		@Test
		void minimalAnswerIsReplayedForTheSameIdempotencyKeyWithItsHeader() {
			// given
			var customer = newCustomer("minimal-replay");
			var body = request(event("rep-1", customer, "api_calls", 4));
			var headers = Map.of("Prefer", "return=minimal", "Idempotency-Key", "minimal-replay-1");
			var first = send(body, headers);

			// when
			var again = send(body, headers);

			// then
			assertThat(again.status()).as(again.toString()).isEqualTo(200);
			assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
			assertThat(again.header("Preference-Applied")).isEqualTo("return=minimal");
			assertThat(again.body()).isEqualTo(first.body());
			assertThat(again.body().has("events")).isFalse();
			assertThat(used(customer, "api_calls")).isEqualTo(4);
		}

		@Test
		void fullAnswerIsReplayedForTheSameIdempotencyKeyWithoutTheHeader() {
			// given
			var customer = newCustomer("full-replay");
			var body = request(event("rep-1", customer, "api_calls", 4));
			var headers = Map.of("Idempotency-Key", "full-replay-1");
			var first = send(body, headers);

			// when
			var again = send(body, headers);

			// then
			assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
			assertThat(again.header("Preference-Applied")).isNull();
			assertThat(again.body()).isEqualTo(first.body());
			assertThat(again.body().path("events")).hasSize(1);
		}

		@Test
		void sameIdempotencyKeyWithTheOtherPreferenceIsAnotherRequestAndNeverGetsTheWrongShape() {
			// given: a full answer kept under one key, a minimal one under another
			var customer = newCustomer("minimal-mixed");
			var body = request(event("mix-1", customer, "api_calls", 4));
			send(body, Map.of("Idempotency-Key", "mixed-full"));
			send(body, Map.of("Idempotency-Key", "mixed-minimal", "Prefer", "return=minimal"));

			// when: each key is sent with the other preference
			var minimalForFull = send(body, Map.of("Idempotency-Key", "mixed-full", "Prefer", "return=minimal"));
			var fullForMinimal = send(body, Map.of("Idempotency-Key", "mixed-minimal"));

			// then
			for (var response : List.of(minimalForFull, fullForMinimal)) {
				assertThat(response.status()).as(response.toString()).isEqualTo(422);
				assertThat(response.code()).isEqualTo("idempotency_key_reused");
			}
			assertThat(used(customer, "api_calls")).isEqualTo(4);
		}

	}

	@Nested
	class RepeatedIds {

		@Test
		void idRepeatedInALaterRequestIsCountedOnceAndAnsweredWithTheFirstRecord() {
			// given
			var customer = newCustomer("dup-later");
			var first = record(event("charge-1", customer, "api_calls", 5)).path("events").get(0);

			// when: the repeat says another amount
			var result = record(event("charge-1", customer, "api_calls", 7));

			// then
			assertThat(result.path("recorded").asInt()).isZero();
			assertThat(result.path("duplicates").asInt()).isEqualTo(1);
			var repeat = result.path("events").get(0);
			assertThat(repeat.path("duplicate").asBoolean()).isTrue();
			assertThat(repeat.path("amount").asLong()).isEqualTo(5);
			assertThat(repeat.path("recordedAt")).isEqualTo(first.path("recordedAt"));
			assertThat(repeat.path("occurredAt")).isEqualTo(first.path("occurredAt"));
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

		@Test
		void idRepeatedWithinOneRequestIsCountedOnceAndAnsweredWithItsFirstOccurrence() {
			// given
			var customer = newCustomer("dup-within");

			// when
			var result = record(event("same", customer, "api_calls", 5), event("other", customer, "api_calls", 1),
					event("same", customer, "api_calls", 7));

			// then
			assertThat(result.path("recorded").asInt()).isEqualTo(2);
			assertThat(result.path("duplicates").asInt()).isEqualTo(1);
			var events = result.path("events");
			assertThat(events.get(0).path("duplicate").asBoolean()).isFalse();
			assertThat(events.get(1).path("duplicate").asBoolean()).isFalse();
			assertThat(events.get(2).path("duplicate").asBoolean()).isTrue();
			assertThat(events.get(2).path("amount").asLong()).isEqualTo(5);
			assertThat(events.get(2).path("recordedAt")).isEqualTo(events.get(0).path("recordedAt"));
			assertThat(used(customer, "api_calls")).isEqualTo(6);
		}

		@Test
		void idRepeatedForAnotherFeatureOfTheSameCustomerIsADuplicate() {
			// given
			var customer = newCustomer("dup-feature");
			record(event("shared", customer, "api_calls", 5));

			// when
			var repeat = record(event("shared", customer, "seats", 1)).path("events").get(0);

			// then
			assertThat(repeat.path("duplicate").asBoolean()).isTrue();
			assertThat(repeat.path("feature").asString()).isEqualTo("api_calls");
			assertThat(used(customer, "seats")).isZero();
		}

		@Test
		void idsArePerCustomer() {
			// given
			var first = newCustomer("dup-first");
			var second = newCustomer("dup-second");
			record(event("order-1", first, "api_calls", 3));

			// when
			var result = record(event("order-1", second, "api_calls", 4), event("order-2", first, "api_calls", 1),
					event("order-2", second, "api_calls", 2));

			// then
			assertThat(result.path("recorded").asInt()).isEqualTo(3);
			assertThat(result.path("duplicates").asInt()).isZero();
			assertThat(used(first, "api_calls")).isEqualTo(4);
			assertThat(used(second, "api_calls")).isEqualTo(6);
		}

		@Test
		void idSentByConcurrentRequestsIsCountedOnceAndEveryAnswerAgrees() throws Exception {
			// given
			var customer = newCustomer("dup-race");
			var amounts = new ArrayList<Integer>();
			for (int i = 1; i <= 12; i++) {
				amounts.add(i);
			}

			// when: twelve requests at once, each with the same id and its own amount
			var answers = Race.run(amounts.stream()
				.<Callable<JsonNode>>map(amount -> () -> record(event("raced", customer, "api_calls", amount)))
				.toList());

			// then: one was recorded, the others are its duplicates
			var events = answers.stream().map(answer -> answer.path("events").get(0)).toList();
			assertThat(events.stream().filter(e -> !e.path("duplicate").asBoolean())).hasSize(1);
			var first = events.stream().filter(e -> !e.path("duplicate").asBoolean()).findFirst().orElseThrow();
			assertThat(events).allSatisfy(e -> {
				assertThat(e.path("amount")).isEqualTo(first.path("amount"));
				assertThat(e.path("recordedAt")).isEqualTo(first.path("recordedAt"));
			});
			assertThat(used(customer, "api_calls")).isEqualTo(first.path("amount").asLong());
		}

		@Test
		void repeatOfAnEventTimedToTheNanosecondIsAnsweredWithTheSameTimes() {
			// given
			var customer = newCustomer("dup-nanos");
			var then = Instant.parse("2025-06-01T10:00:00.123456789Z");
			var first = record(event("precise", customer, "seats", 1, then)).path("events").get(0);

			// when
			var repeat = record(event("precise", customer, "seats", 1, then)).path("events").get(0);

			// then: the first answer and its repeat say the same
			assertThat(repeat.path("duplicate").asBoolean()).isTrue();
			assertThat(repeat.path("occurredAt")).isEqualTo(first.path("occurredAt"));
			assertThat(repeat.path("recordedAt")).isEqualTo(first.path("recordedAt"));
		}

	}

	@Nested
	class MalformedRequests {

		@Test
		void tenThousandAndOneEventsAreRefusedNamingEvents() {
			// given
			var customer = newCustomer("bad-10k1");
			var events = new ArrayList<String>();
			for (int i = 0; i < 10_001; i++) {
				events.add(event("over-" + i, customer, "api_calls", 1));
			}

			// when
			var response = api.post(EVENTS, request(events));

			// then
			assertInvalidRequest(response, "events");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void emptyEventListIsRefusedNamingEvents() {
			// when
			var response = api.post(EVENTS, "{\"events\":[]}");

			// then
			assertInvalidRequest(response, "events");
		}

		@Test
		void bodyWithoutEventsIsRefusedNamingEvents() {
			// when
			var response = api.post(EVENTS, "{}");

			// then
			assertInvalidRequest(response, "events");
		}

		@Test
		void missingBodyIsRefused() {
			// when
			var response = api.post(EVENTS, "");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("malformed_json");
		}

		@Test
		void malformedJsonIsRefused() {
			// when
			var response = api.post(EVENTS, "{\"events\":[{\"id\":\"x\",");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).isEqualTo("malformed_json");
		}

		@Test
		void unknownFieldOfAnEventIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-unknown");

			// when
			var response = api.post(EVENTS, """
					{"events":[{"id":"u-1","customerId":"%s","feature":"api_calls","amount":1,"colour":"red"}]}"""
				.formatted(customer));

			// then
			assertInvalidRequest(response, "events[0].colour");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void unknownTopLevelFieldIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-top");

			// when
			var response = api.post(EVENTS,
					"{\"events\":[" + event("t-1", customer, "api_calls", 1) + "],\"dryRun\":true}");

			// then
			assertInvalidRequest(response, "dryRun");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void amountGivenAsTextIsRefusedNamingIt() {
			// given: a valid event first, so the whole request is seen to be refused
			var customer = newCustomer("bad-amount");

			// when
			var response = api.post(EVENTS, """
					{"events":[{"id":"ok-1","customerId":"%1$s","feature":"api_calls","amount":1},
					 {"id":"five-1","customerId":"%1$s","feature":"api_calls","amount":"five"}]}"""
				.formatted(customer));

			// then
			assertInvalidRequest(response, "events[1].amount");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void amountGivenAsTextInTheFirstEventIsNamedByItsIndex() {
			// given
			var customer = newCustomer("bad-amount0");

			// when
			var response = api.post(EVENTS, """
					{"events":[{"id":"five-0","customerId":"%s","feature":"api_calls","amount":"five"}]}"""
				.formatted(customer));

			// then
			assertInvalidRequest(response, "events[0].amount");
		}

		@Test
		void fractionalAmountIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-fraction");

			// when
			var response = api.post(EVENTS, """
					{"events":[{"id":"f-1","customerId":"%s","feature":"api_calls","amount":1.5}]}"""
				.formatted(customer));

			// then
			assertInvalidRequest(response, "events[0].amount");
		}

		@Test
		void timestampInAnotherFormatIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-time");

			// when
			var response = api.post(EVENTS, """
					{"events":[{"id":"ts-1","customerId":"%s","feature":"api_calls","amount":1,
					 "timestamp":"31/12/2026 10:00"}]}""".formatted(customer));

			// then
			assertInvalidRequest(response, "events[0].timestamp");
		}

		@Test
		void eventWithoutIdIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-noid");

			// when
			var response = api.post(EVENTS, """
					{"events":[{"customerId":"%s","feature":"api_calls","amount":1}]}""".formatted(customer));

			// then
			assertInvalidRequest(response, "events[0].id");
		}

		@Test
		void missingFieldsOfALaterEventAreNamedByItsIndex() {
			// given
			var customer = newCustomer("bad-later");

			// when
			var response = api.post(EVENTS,
					request(event("ok-1", customer, "api_calls", 1), "{\"id\":\"no-rest\",\"feature\":\"api_calls\"}"));

			// then
			assertInvalidRequest(response, "events[1].customerId");
			assertThat(fields(response)).contains("events[1].amount");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void idWithSpacesIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-idspace");

			// when
			var response = send(event("has space", customer, "api_calls", 1));

			// then
			assertInvalidRequest(response, "events[0].id");
		}

		@Test
		void propertiesWithMoreThanFiftyKeysAreRefusedNamingThem() {
			// given
			var customer = newCustomer("bad-props");
			var properties = new LinkedHashMap<String, Object>();
			for (int i = 0; i < 51; i++) {
				properties.put("p" + i, i);
			}
			var event = Map.of("id", "props-1", "customerId", customer, "feature", "api_calls", "amount", 1,
					"properties", properties);

			// when
			var response = api.post(EVENTS, request(Api.json(event)));

			// then
			assertInvalidRequest(response, "events[0].properties");
		}

		@Test
		void nullEventIsRefusedNamingIt() {
			// when
			var response = api.post(EVENTS, "{\"events\":[null]}");

			// then
			assertInvalidRequest(response, "events[0]");
		}

	}

	@Nested
	class RefusedEvents {

		@Test
		void unknownCustomerRefusesTheWholeRequest() {
			// given
			var customer = newCustomer("refuse-ghost");
			var valid = event("ok", customer, "api_calls", 3);

			// when
			var response = send(valid, event("ghost-1", uniqueId("ghost"), "api_calls", 1));

			// then
			assertRefused(response, "events[1].customerId");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void deletedCustomerRefusesTheWholeRequest() {
			// given
			var customer = newCustomer("refuse-valid");
			var deleted = newCustomer("refuse-deleted");
			assertThat(api.delete("/v1/customers/" + Api.encode(deleted)).status()).isEqualTo(200);
			var valid = event("ok", customer, "api_calls", 3);

			// when
			var response = send(valid, event("gone-1", deleted, "api_calls", 1));

			// then
			assertRefused(response, "events[1].customerId");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void unknownFeatureRefusesTheWholeRequest() {
			// given
			var customer = newCustomer("refuse-feature");
			var valid = event("ok", customer, "api_calls", 3);

			// when
			var response = send(valid, event("nf-1", customer, "no_such_feature", 1));

			// then
			assertRefused(response, "events[1].feature");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void featureThatIsNoQuotaRefusesTheWholeRequest() {
			// given
			var customer = newCustomer("refuse-switch");
			var valid = event("ok", customer, "api_calls", 3);

			// when
			var response = send(valid, event("sw-1", customer, "api_access", 1));

			// then
			assertRefused(response, "events[1].feature");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void zeroAmountRefusesTheWholeRequest() {
			// given
			var customer = newCustomer("refuse-zero");
			var valid = event("ok", customer, "api_calls", 3);

			// when
			var response = send(valid, event("zero-1", customer, "api_calls", 0));

			// then
			assertRefused(response, "events[1].amount");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void negativeAmountOnAMonthlyQuotaRefusesTheWholeRequest() {
			// given
			var customer = newCustomer("refuse-negative");
			var valid = event("ok", customer, "api_calls", 3);

			// when
			var response = send(valid, event("neg-1", customer, "api_calls", -2));

			// then
			assertRefused(response, "events[1].amount");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void timestampMoreThanFiveMinutesAheadRefusesTheWholeRequest() {
			// given
			var customer = newCustomer("refuse-future");
			var valid = event("ok", customer, "api_calls", 3);
			var ahead = Instant.now().plus(Duration.ofMinutes(10));

			// when
			var response = send(valid, event("fut-1", customer, "api_calls", 1, ahead));

			// then
			assertRefused(response, "events[1].timestamp");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void timestampBeforeTheCurrentPeriodRefusesTheWholeRequest() {
			// given: forty days ago is before the current calendar month
			var customer = newCustomer("refuse-past");
			var valid = event("ok", customer, "api_calls", 3);
			var past = Instant.now().minus(Duration.ofDays(40));

			// when
			var response = send(valid, event("past-1", customer, "api_calls", 1, past));

			// then
			assertRefused(response, "events[1].timestamp");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void everyBadEventIsNamed() {
			// given
			var customer = newCustomer("refuse-many");
			var valid = event("ok", customer, "api_calls", 3);

			// when
			var response = send(valid, event("z", customer, "api_calls", 0), event("f", customer, "sso", 1),
					event("g", uniqueId("ghost"), "api_calls", 1));

			// then
			assertRefused(response, "events[1].amount", "events[2].feature", "events[3].customerId");
			assertNothingRecorded(customer, valid);
		}

		@Test
		void repeatedValidIdBesideABadEventIsNotRecordedEither() {
			// given: an id recorded before, repeated beside a bad event
			var customer = newCustomer("refuse-repeat");
			record(event("seen", customer, "api_calls", 2));

			// when
			var response = send(event("seen", customer, "api_calls", 2), event("fresh", customer, "api_calls", 5),
					event("bad", customer, "api_calls", 0));

			// then
			assertRefused(response, "events[2].amount");
			assertThat(used(customer, "api_calls")).isEqualTo(2);
		}

		@Test
		void singleBadEventIsNamedByItsPathInTheRequest() {
			// given: a client that reads errors[].field as a path into its own request
			var customer = newCustomer("refuse-single");

			// when
			var response = send(event("only", customer, "no_such_feature", 1));

			// then: the same path a 400 would give (events[0].amount for a wrong type)
			assertRefused(response, "events[0].feature");
			assertThat(used(customer, "api_calls")).isZero();
		}

	}

	@Nested
	class UsageView {

		@Test
		void newCustomerHasEveryQuotaOfItsPlanUnused() {
			// given
			var customer = newCustomer("view-new");

			// when
			var usage = usage(customer);

			// then
			assertThat(usage.path("customerId").asString()).isEqualTo(customer);
			assertThat(usage.path("plan").asString()).isEqualTo("free");
			assertThat(usage.path("quotas").findValuesAsString("feature")).containsExactlyInAnyOrder("api_calls",
					"seats");
			var apiCalls = quota(usage, "api_calls");
			assertThat(apiCalls.path("used").asLong()).isZero();
			assertThat(apiCalls.path("limit").asLong()).isEqualTo(1000);
			assertThat(apiCalls.path("remaining").asLong()).isEqualTo(1000);
			assertThat(apiCalls.path("period").asString()).isEqualTo("month");
			var seats = quota(usage, "seats");
			assertThat(seats.path("limit").asLong()).isEqualTo(1);
			assertThat(seats.path("period").asString()).isEqualTo("lifetime");
		}

		@Test
		void unknownCustomerIsNotFound() {
			// when
			var response = api.get(usagePath(uniqueId("nobody")));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(404);
			assertThat(response.code()).isEqualTo("customer_not_found");
		}

	}

	@Nested
	class Authentication {

		@Test
		void recordingWithoutAKeyIsUnauthenticated() {
			// given
			var customer = newCustomer("auth-post");

			// when
			var response = anonymous.post(EVENTS, request(event("anon-1", customer, "api_calls", 1)));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(401);
			assertThat(response.code()).isEqualTo("unauthenticated");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void readingUsageWithoutAKeyIsUnauthenticated() {
			// given
			var customer = newCustomer("auth-get");

			// when
			var response = anonymous.get(usagePath(customer));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(401);
			assertThat(response.code()).isEqualTo("unauthenticated");
		}

	}

}
