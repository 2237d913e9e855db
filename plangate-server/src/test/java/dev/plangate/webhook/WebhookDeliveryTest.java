package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.OutboundEvent;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Events delivered to real HTTP endpoints: signed as Standard Webhooks specifies, to the
 * endpoints that take them only, retried, logged and delivered again on request.
 */
class WebhookDeliveryTest extends ServerTest {

	private static final WebhookReceiver receiver = new WebhookReceiver();

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private WebhookSettings settings;

	private final List<String> created = new ArrayList<>();

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@AfterEach
	void deleteEndpoints() {
		for (var id : created) {
			api.delete("/v1/webhook-endpoints/" + id);
		}
	}

	private static ConditionFactory eventually() {
		return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
	}

	/** Registers an endpoint; answers its body, secret included. */
	private JsonNode endpoint(Map<String, Object> request) {
		var response = api.post("/v1/webhook-endpoints", Api.json(request));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		created.add(response.body().get("id").asString());
		return response.body();
	}

	private JsonNode endpoint(String path, List<String> types) {
		return endpoint(Map.of("url", receiver.url(path), "eventTypes", types));
	}

	private void publish(String type, String customer, Object data) {
		transactions.executeWithoutResult(tx -> publisher.publishEvent(new OutboundEvent(type, customer, data)));
	}

	private static String path(String name) {
		return "/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void anEventIsDeliveredSignedToTheEndpointsThatTakeItsType() {
		// given
		var customers = path("customers");
		var grants = path("grants");
		var secret = endpoint(customers, List.of("customer.*")).get("secret").asString();
		endpoint(grants, List.of("grant.created"));
		var customer = uniqueId("hooked");

		// when
		publish("customer.created", customer, Map.of("id", customer));

		// then
		eventually().until(() -> receiver.on(customers).size() == 1);
		var delivery = receiver.on(customers).get(0);
		assertThat(delivery.verifies(secret)).as("signature verifies with the endpoint's secret").isTrue();
		assertThat(delivery.verifies(WebhookSecret.generate().text())).as("and with no other").isFalse();
		var body = new Api.Response(200, delivery.body(), Map.of()).body();
		assertThat(body.get("type").asString()).isEqualTo("customer.created");
		assertThat(body.get("customerId").asString()).isEqualTo(customer);
		assertThat(body.get("id").asString()).isEqualTo(delivery.id());
		assertThat(body.get("data").get("id").asString()).isEqualTo(customer);
		assertThat(receiver.on(grants)).as("the grant endpoint takes no customer events").isEmpty();
	}

	@Test
	void anEndpointTakingGrantExhaustedReceivesItWhenAConsumeSpendsAGrant() {
		// given: an allowance of 1 and a grant of 2
		var path = path("spent");
		endpoint(path, List.of("grant.exhausted"));
		var customer = newCustomer("spent");
		assertThat(api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":1}").status())
			.isEqualTo(200);
		var grant = api.post("/v1/customers/" + customer + "/grants", "{\"feature\":\"api_calls\",\"amount\":2}");
		assertThat(grant.status()).as(grant.toString()).isEqualTo(201);

		// when
		var consumed = api.post("/v1/consume",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":3,\"idempotencyKey\":\"%s\"}"
					.formatted(customer, UUID.randomUUID()));

		// then
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		eventually().until(() -> receiver.on(path).size() == 1);
		var body = new Api.Response(200, receiver.on(path).get(0).body(), Map.of()).body();
		assertThat(body.get("type").asString()).isEqualTo("grant.exhausted");
		assertThat(body.get("customerId").asString()).isEqualTo(customer);
		assertThat(body.get("data").get("id")).isEqualTo(grant.body().get("id"));
		assertThat(body.get("data").get("status").asString()).isEqualTo("spent");
	}

	@Test
	void aCustomersEndpointReceivesThatCustomersEventsOnly() {
		// given
		var customer = subscribedCustomer("enterprise");
		var other = uniqueId("other");
		var path = path("scoped");
		var secret = endpoint(Map.of("url", receiver.url(path), "customerId", customer)).get("secret").asString();

		// when
		publish("customer.updated", other, Map.of("id", other));
		publish("customer.updated", customer, Map.of("id", customer));
		publish("batch.completed", null, Map.of("platform", true));

		// then
		eventually().until(() -> receiver.on(path).size() == 1);
		var delivery = receiver.on(path).get(0);
		assertThat(delivery.body()).contains(customer).doesNotContain(other);
		assertThat(delivery.verifies(secret)).isTrue();
	}

	@Test
	void aCustomersEndpointReceivesNothingOnceItsPlanNoLongerIncludesWebhooks() {
		// given: a customer whose plan includes the webhook feature, and its endpoint
		var customer = subscribedCustomer("enterprise");
		var path = path("downgraded");
		var id = endpoint(Map.of("url", receiver.url(path), "customerId", customer)).get("id").asString();
		publish("customer.updated", customer, Map.of("id", customer, "change", 1));
		eventually().until(() -> receiver.on(path).size() == 1);

		// when: it moves to a plan without the feature, and another event is told
		var moved = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"free\",\"when\":\"now\"}");
		assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
		publish("customer.updated", customer, Map.of("id", customer, "change", 2));

		// then: that event is not sent, and the log says why, with no retry
		eventually().until(() -> log(id).size() >= 2 && log(id).get(0).get("status").asString().equals("failed"));
		var refused = log(id).get(0);
		assertThat(refused.get("attempts").asInt()).isEqualTo(1);
		assertThat(refused.get("attemptLog").get(0).get("error").asString()).contains("no longer includes feature");
		assertThat(receiver.on(path)).hasSize(1);
	}

	@Test
	void aFailedAttemptIsRetriedAndTheLogShowsEveryAttempt() {
		// given
		var path = path("flaky");
		receiver.answer(path, 500);
		var id = endpoint(path, List.of("grant.*")).get("id").asString();
		var customer = uniqueId("flaky");

		// when
		publish("grant.created", customer, Map.of("customer", customer));

		// then: the first attempt failed, the second (5 s ± 20 % later) succeeded
		eventually().until(() -> receiver.on(path).size() == 2);
		eventually().until(() -> log(id).path(0).path("status").asString().equals("succeeded"));
		var delivery = log(id).get(0);
		assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
		var attempts = delivery.get("attemptLog");
		assertThat(attempts.get(0).get("responseStatus").asInt()).isEqualTo(500);
		assertThat(attempts.get(0).get("responseBody").asString()).contains("received");
		assertThat(attempts.get(1).get("responseStatus").asInt()).isEqualTo(200);
		assertThat(attempts.get(1).get("durationMs").isNumber()).isTrue();
		var gap = Duration.between(receiver.on(path).get(0).at(), receiver.on(path).get(1).at());
		assertThat(gap).isBetween(Duration.ofMillis(3900), Duration.ofMillis(8000));
		assertThat(receiver.on(path).get(0).id()).isEqualTo(receiver.on(path).get(1).id());
	}

	@Test
	void anEndpointThatDoesNotAnswerInTimeFailsTheAttempt() {
		// given: the test server waits 3 s for an answer
		var path = path("mute");
		receiver.delay(path, Duration.ofSeconds(5));
		var id = endpoint(path, List.of("grant.revoked")).get("id").asString();

		// when
		publish("grant.revoked", uniqueId("mute"), Map.of());

		// then
		eventually().until(() -> log(id).path(0).path("attemptLog").size() == 1);
		var delivery = log(id).get(0);
		assertThat(delivery.get("status").asString()).isEqualTo("pending");
		var attempt = delivery.get("attemptLog").get(0);
		assertThat(attempt.get("error").asString()).containsIgnoringCase("timed out");
		assertThat(attempt.path("responseStatus").isNull() || attempt.path("responseStatus").isMissingNode()).isTrue();
		assertThat(attempt.get("durationMs").asLong()).isBetween(2900L, 4500L);
	}

	@Test
	void aSlowEndpointDelaysNoOtherEndpoint() {
		// given
		var slow = path("slow");
		var fast = path("fast");
		receiver.delay(slow, Duration.ofMillis(2500));
		endpoint(slow, List.of("batch.failed"));
		var customer = uniqueId("slow");
		// more than a node makes at once to one endpoint
		int queued = settings.endpointConcurrency() + 4;
		for (int i = 0; i < queued; i++) {
			publish("batch.failed", customer, Map.of("n", i));
		}
		endpoint(fast, List.of("batch.cancelled"));

		// when
		var sent = Instant.now();
		publish("batch.cancelled", customer, Map.of());

		// then
		eventually().until(() -> receiver.on(fast).size() == 1);
		assertThat(Duration.between(sent, receiver.on(fast).get(0).at())).isLessThan(Duration.ofMillis(1500));
		assertThat(receiver.on(slow).size()).as("the slow one is still being delivered").isLessThan(queued);
	}

	@Test
	void duringARotationBothSecretsSignAndAfterItOnlyTheNew() throws InterruptedException {
		// given
		var path = path("rotated");
		var endpoint = endpoint(path, List.of("invoice.paid"));
		var id = endpoint.get("id").asString();
		var old = endpoint.get("secret").asString();

		// when
		var rotated = api.post("/v1/webhook-endpoints/" + id + "/rotate-secret", "{\"overlapSeconds\": 2}");
		assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
		var fresh = rotated.body().get("secret").asString();
		publish("invoice.paid", uniqueId("rotated"), Map.of("n", 1));

		// then
		assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
		assertThat(rotated.body().get("previousSecretExpiresAt").isString()).isTrue();
		eventually().until(() -> receiver.on(path).size() == 1);
		var during = receiver.on(path).get(0);
		assertThat(during.signature().split(" ")).hasSize(2);
		assertThat(during.verifies(old)).isTrue();
		assertThat(during.verifies(fresh)).isTrue();

		// when the overlap is over
		Thread.sleep(2100);
		publish("invoice.paid", uniqueId("rotated"), Map.of("n", 2));

		// then
		eventually().until(() -> receiver.on(path).size() == 2);
		var after = receiver.on(path).get(1);
		assertThat(after.verifies(fresh)).isTrue();
		assertThat(after.verifies(old)).isFalse();
		assertThat(api.get("/v1/webhook-endpoints/" + id).body().has("previousSecretExpiresAt")).isFalse();
	}

	@Test
	void oneDeliveryIsMadeAgainOnRequest() {
		// given
		var path = path("again");
		var id = endpoint(path, List.of("charge.created")).get("id").asString();
		publish("charge.created", uniqueId("again"), Map.of());
		eventually().until(() -> log(id).path(0).path("status").asString().equals("succeeded"));
		var deliveryId = log(id).get(0).get("id").asLong();

		// when
		var retried = api.post("/v1/webhook-endpoints/" + id + "/deliveries/" + deliveryId + "/retry", null);

		// then
		assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
		eventually().until(() -> receiver.on(path).size() == 2);
		assertThat(receiver.on(path).get(1).id()).isEqualTo(receiver.on(path).get(0).id());
		eventually().until(() -> log(id).get(0).get("attempts").asInt() == 2);
	}

	@Test
	void theEventsOfATimeRangeAreDeliveredAgain() {
		// given
		var path = path("range");
		var id = endpoint(path, List.of("invoice.finalized")).get("id").asString();
		var from = Instant.now().minusSeconds(1);
		publish("invoice.finalized", uniqueId("range"), Map.of("n", 1));
		publish("invoice.finalized", uniqueId("range"), Map.of("n", 2));
		publish("invoice.paid", uniqueId("range"), Map.of("n", 3));
		eventually().until(() -> receiver.on(path).size() == 2);
		var to = Instant.now().plusSeconds(1);

		// when
		var redelivered = api.post("/v1/webhook-endpoints/" + id + "/redeliver",
				Api.json(Map.of("from", from.toString(), "to", to.toString())));

		// then: the two it takes, the invoice.paid it does not take left out
		assertThat(redelivered.status()).as(redelivered.toString()).isEqualTo(200);
		assertThat(redelivered.body().get("queued").asInt()).isEqualTo(2);
		eventually().until(() -> receiver.on(path).size() == 4);
		var ids = receiver.on(path).stream().map(WebhookReceiver.Received::id).toList();
		assertThat(ids.subList(2, 4)).containsExactlyInAnyOrderElementsOf(ids.subList(0, 2));
	}

	@Test
	void aRetryAskedWhileTheAttemptIsBeingMadeIsMadeAfterIt() {
		// given: an attempt in flight, the receiver holding its answer
		var path = path("again-in-flight");
		receiver.delay(path, Duration.ofMillis(1500));
		var id = endpoint(path, List.of("charge.created")).get("id").asString();
		publish("charge.created", uniqueId("again-in-flight"), Map.of());
		eventually().until(() -> receiver.on(path).size() == 1);
		var delivery = log(id).get(0);
		assertThat(delivery.get("status").asString()).isEqualTo("delivering");

		// when
		var retried = api.post("/v1/webhook-endpoints/" + id + "/deliveries/" + delivery.get("id").asLong() + "/retry",
				null);

		// then: the attempt begun before the request ends, and one more is made after it
		assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
		eventually().until(() -> receiver.on(path).size() == 2);
		receiver.delay(path, Duration.ZERO);
		eventually().until(() -> log(id).get(0).get("status").asString().equals("succeeded")
				&& log(id).get(0).get("attempts").asInt() == 2);
		assertThat(receiver.on(path).get(1).at()).isAfterOrEqualTo(receiver.on(path).get(0).at().plusMillis(1500));
	}

	@Test
	void aRangeRedeliveredWhileItsEventsAreBeingDeliveredIsDeliveredAgain() {
		// given: both events' first attempts in flight
		var path = path("range-in-flight");
		receiver.delay(path, Duration.ofMillis(1500));
		var id = endpoint(path, List.of("invoice.finalized")).get("id").asString();
		var from = Instant.now().minusSeconds(1);
		publish("invoice.finalized", uniqueId("range-in-flight"), Map.of("n", 1));
		publish("invoice.finalized", uniqueId("range-in-flight"), Map.of("n", 2));
		eventually().until(() -> receiver.on(path).size() == 2);

		// when
		var redelivered = api.post("/v1/webhook-endpoints/" + id + "/redeliver",
				Api.json(Map.of("from", from.toString(), "to", Instant.now().plusSeconds(1).toString())));

		// then
		assertThat(redelivered.status()).as(redelivered.toString()).isEqualTo(200);
		assertThat(redelivered.body().get("queued").asInt()).isEqualTo(2);
		receiver.delay(path, Duration.ZERO);
		eventually().until(() -> receiver.on(path).size() == 4);
		var ids = receiver.on(path).stream().map(WebhookReceiver.Received::id).toList();
		assertThat(ids.subList(2, 4)).containsExactlyInAnyOrderElementsOf(ids.subList(0, 2));
		eventually().until(() -> log(id).findValuesAsString("status").equals(List.of("succeeded", "succeeded")));
	}

	private JsonNode log(String endpointId) {
		var response = api.get("/v1/webhook-endpoints/" + endpointId + "/deliveries");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().get("data");
	}

	private String subscribedCustomer(String plan) {
		var customer = newCustomer("hooks");
		var subscribed = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + plan + "\"}");
		assertThat(subscribed.status()).as(subscribed.toString()).isIn(200, 201);
		return customer;
	}

}
