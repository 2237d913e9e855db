package dev.plangate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.sun.net.httpserver.HttpServer;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;

/**
 * The typed calls of plangate-client against a running server: usage history, alerts, the
 * event log and webhook endpoints with their deliveries, and the server's problems thrown
 * with their codes.
 */
@FreshSchema
class PlangateClientTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "plangate_client");
		registry.add("plangate.webhooks.poll-interval", () -> "100ms");
	}

	/**
	 * A receiver of webhook deliveries on this machine: it answers 204 and keeps each
	 * body.
	 */
	private HttpServer receiver;

	private final List<String> received = new CopyOnWriteArrayList<>();

	private PlangateClient client;

	@BeforeEach
	void start() throws IOException {
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", exchange -> {
			received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		receiver.start();
		client = new PlangateClient(URI.create("http://localhost:" + port), Objects.requireNonNull(api.key()));
	}

	@AfterEach
	void stop() {
		receiver.stop(0);
	}

	private String receiverUrl() {
		return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
	}

	private long receivedFor(String customer) {
		return received.stream().filter(body -> body.contains(customer)).count();
	}

	private void consume(String customer, long amount) {
		var response = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount",
				amount, "idempotencyKey", UUID.randomUUID().toString())));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	@Test
	void usageHistoryAndAlertsAreReadTyped() throws Exception {
		// given: 10 api_calls a month, 9 used
		var customer = newCustomer("client-usage");
		api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":{\"limit\":10}}");
		consume(customer, 4);
		consume(customer, 5);

		// when
		var history = client.usageHistory(customer, "api_calls", Instant.now().minus(Duration.ofDays(1)), null, "hour");
		var alerts = client.alerts(customer, null, null, 50);
		var firstOnly = client.alerts(customer, "api_calls", null, 1);

		// then
		assertThat(history.customerId()).isEqualTo(customer);
		assertThat(history.granularity()).isEqualTo("hour");
		assertThat(history.series()).singleElement().satisfies(series -> {
			assertThat(series.feature()).isEqualTo("api_calls");
			assertThat(series.amount()).isEqualTo(9);
			assertThat(series.events()).isEqualTo(2);
			assertThat(series.buckets().stream().mapToLong(UsageHistory.Bucket::amount).sum()).isEqualTo(9);
		});
		assertThat(alerts.data()).singleElement().satisfies(alert -> {
			assertThat(alert.type()).isEqualTo("usage.threshold_reached");
			assertThat(alert.threshold()).isEqualTo(80);
			assertThat(alert.used()).isEqualTo(9);
			assertThat(alert.limit()).isEqualTo(10);
			assertThat(alert.periodEnd()).isNotNull();
		});
		assertThat(alerts.nextCursor()).isNull();
		assertThat(firstOnly.data()).hasSize(1);
	}

	@Test
	void theEventLogIsReadPageByPageAndEventByEvent() throws Exception {
		// given
		var customer = newCustomer("client-events");
		api.put("/v1/customers/" + customer, "{\"name\":\"Renamed\"}");

		// when
		var all = client.customerEvents(customer, EventQuery.newest());
		var first = client.customerEvents(customer, EventQuery.newest().withLimit(2));
		var second = client.customerEvents(customer, EventQuery.newest().withLimit(2).withCursor(first.nextCursor()));
		var updates = client
			.events(EventQuery.newest().withType("customer.*").withFrom(Instant.now().minusSeconds(600)));
		var future = client.customerEvents(customer,
				EventQuery.newest().withFrom(Instant.parse("2999-01-01T00:00:00Z")));
		var one = client.event(all.data().get(0).id());

		// then
		assertThat(all.data()).extracting(Event::type)
			.containsExactly("customer.updated", "subscription.created", "customer.created");
		assertThat(all.data()).allSatisfy(e -> assertThat(e.customerId()).isEqualTo(customer));
		assertThat(first.data()).extracting(Event::type).containsExactly("customer.updated", "subscription.created");
		assertThat(second.data()).extracting(Event::type).containsExactly("customer.created");
		assertThat(second.nextCursor()).isNull();
		assertThat(updates.data()).extracting(Event::type)
			.contains("customer.updated", "customer.created")
			.allSatisfy(type -> assertThat(type).startsWith("customer."));
		assertThat(future.data()).isEmpty();
		assertThat(one).isEqualTo(all.data().get(0));
		assertThat(one.data().path("name").asString()).isEqualTo("Renamed");
	}

	@Test
	void aWebhookEndpointIsManagedAndItsDeliveriesReadRetriedAndRedelivered() throws Exception {
		// given
		var customer = newCustomer("client-hooks");
		var before = Instant.now();

		// when: made, listed, read, changed, and its secret rotated
		var created = client.createWebhookEndpoint(
				NewWebhookEndpoint.at(receiverUrl()).withDescription("orders").withEventTypes("customer.updated"));
		var listed = client.webhookEndpoints(null, null, 200);
		var read = client.webhookEndpoint(created.id());
		var changed = client.updateWebhookEndpoint(created.id(),
				WebhookEndpointChanges.none().withDescription("customers").withEventTypes("customer.*"));
		var rotated = client.rotateWebhookSecret(created.id(), Duration.ofMinutes(5));

		// then
		assertThat(created.secret()).startsWith("whsec_");
		assertThat(created.enabled()).isTrue();
		assertThat(created.eventTypes()).containsExactly("customer.updated");
		assertThat(listed.data()).extracting(WebhookEndpoint::id).contains(created.id());
		assertThat(read.secret()).as("shown once").isNull();
		assertThat(read.url()).isEqualTo(receiverUrl());
		assertThat(changed.description()).isEqualTo("customers");
		assertThat(changed.eventTypes()).containsExactly("customer.*");
		assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(created.secret());
		assertThat(rotated.previousSecretExpiresAt()).isAfter(Instant.now());

		// when: an event it takes is delivered, retried, and its range delivered again
		api.put("/v1/customers/" + customer, "{\"name\":\"Hooked\"}");
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> received.stream().anyMatch(body -> body.contains(customer)));
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> client.webhookDeliveries(created.id(), null, 50)
				.data()
				.stream()
				.anyMatch(d -> d.status().equals("succeeded")));
		var deliveries = client.webhookDeliveries(created.id(), null, 50);
		var delivery = deliveries.data().get(0);
		var retried = client.retryWebhookDelivery(created.id(), delivery.id());
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(customer) == 2);
		int queued = client.redeliver(created.id(), before, Instant.now().plusSeconds(1));
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(customer) == 3);

		// then
		assertThat(delivery.eventType()).isEqualTo("customer.updated");
		assertThat(delivery.endpointId()).isEqualTo(created.id());
		assertThat(delivery.attemptLog()).isNotEmpty()
			.allSatisfy(attempt -> assertThat(attempt.responseStatus()).isEqualTo(204));
		assertThat(client.event(delivery.eventId()).customerId()).isEqualTo(customer);
		assertThat(retried.id()).isEqualTo(delivery.id());
		assertThat(queued).isEqualTo(1);

		// when: deleted
		var deleted = client.deleteWebhookEndpoint(created.id());

		// then
		assertThat(deleted.id()).isEqualTo(created.id());
		assertThatThrownBy(() -> client.webhookEndpoint(created.id()))
			.isInstanceOfSatisfying(PlangateApiException.class, ex -> {
				assertThat(ex.status()).isEqualTo(404);
				assertThat(ex.code()).isEqualTo("webhook_endpoint_not_found");
			});
	}

	@Test
	void theServersProblemsAreThrownWithTheirCodes() {
		// given
		var customer = newCustomer("client-problems");
		var stranger = new PlangateClient(URI.create("http://localhost:" + port), "pg_sk_not_a_key");

		// then
		assertProblem(() -> client.event(UUID.randomUUID()), 404, "event_not_found");
		assertProblem(() -> client.customerEvents(uniqueId("client-nobody"), EventQuery.newest()), 404,
				"customer_not_found");
		assertProblem(() -> client.alerts(customer, "no_such_feature", null, 10), 404, "feature_not_found");
		assertProblem(() -> client.alerts(customer, null, "not-a-cursor", 10), 400, "invalid_request");
		assertProblem(() -> client.usageHistory(customer, null, null, null, "fortnight"), 400, "invalid_request");
		assertProblem(() -> client.createWebhookEndpoint(NewWebhookEndpoint.at(receiverUrl()).withEventTypes("x.y")),
				422, "unknown_event_type");
		assertProblem(() -> client.updateWebhookEndpoint(UUID.randomUUID(), WebhookEndpointChanges.none()), 404,
				"webhook_endpoint_not_found");
		assertProblem(() -> client.retryWebhookDelivery(UUID.randomUUID(), 1), 404, "webhook_endpoint_not_found");
		assertProblem(() -> stranger.events(EventQuery.newest()), 401, "unauthenticated");
		assertThatThrownBy(() -> EventQuery.newest().withLimit(501)).isInstanceOf(IllegalArgumentException.class);
	}

	private static void assertProblem(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status,
			String code) {
		assertThatThrownBy(call).isInstanceOfSatisfying(PlangateApiException.class, ex -> {
			assertThat(ex.status()).as(ex.getMessage()).isEqualTo(status);
			assertThat(ex.code()).as(ex.getMessage()).isEqualTo(code);
		});
	}

}
