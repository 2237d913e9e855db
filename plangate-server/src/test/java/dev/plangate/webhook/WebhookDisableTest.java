package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.OutboundEvent;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.MovableClockConfiguration;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

/**
 * An endpoint that fails every delivery for three days is disabled: audited, told as the
 * event {@code webhook_endpoint.disabled}, and mailed to the operator. Its deliveries
 * wait, and go once it is enabled again.
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class WebhookDisableTest extends ServerTest {

	private static final String OPERATOR = TestMail.uniqueAddress("webhook-operator");

	private static final WebhookReceiver receiver = new WebhookReceiver();

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "webhook_disable");
		registry.add("plangate.webhooks.operator-email", () -> OPERATOR);
	}

	@AfterAll
	static void stopReceiver() {
		receiver.close();
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void anEndpointFailingThroughoutIsDisabledAuditedToldAndMailed() {
		// given: an endpoint that answers 500 to everything, and one listening for
		// endpoint events
		var failing = "/failing-" + UUID.randomUUID().toString().substring(0, 8);
		var watching = "/watching-" + UUID.randomUUID().toString().substring(0, 8);
		receiver.answer(failing, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500);
		var created = api.post("/v1/webhook-endpoints",
				Api.json(Map.of("url", receiver.url(failing), "eventTypes", List.of("customer.*"))));
		var id = created.body().get("id").asString();
		var secret = created.body().get("secret").asString();
		create(watching, List.of("webhook_endpoint.*"));
		var customer = uniqueId("failing");

		// when: an event fails its attempts for three days
		transactions.executeWithoutResult(tx -> publisher
			.publishEvent(new OutboundEvent("customer.suspended", customer, Map.of("id", customer))));
		awaitAttempts(failing, 1);
		awaitRecorded(id, 1);
		for (int attempt = 2; attempt <= 4; attempt++) {
			assertThat(endpoint(id).get("enabled").asBoolean()).as("enabled before attempt " + attempt).isTrue();
			clock.advance(Duration.ofHours(25));
			awaitAttempts(failing, attempt);
			awaitRecorded(id, attempt);
		}

		// then
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !endpoint(id).get("enabled").asBoolean());
		var disabled = endpoint(id);
		assertThat(disabled.get("disabledReason").asString()).contains("Every delivery failed");
		var audit = api.get("/v1/admin/audit-events?targetType=webhook_endpoint&targetId=" + id);
		assertThat(audit.body().get("data").get(0).get("action").asString()).isEqualTo("webhook_endpoint.disabled");
		assertThat(audit.body().get("data").get(0).get("actor").asString()).isEqualTo("system");
		var told = jdbc.sql("select count(*) from event_log where type = 'webhook_endpoint.disabled' and data like :id")
			.param("id", "%" + id + "%")
			.query(Long.class)
			.single();
		assertThat(told).isEqualTo(1);
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receiver.on(watching).size() == 1);
		assertThat(receiver.on(watching).get(0).body()).contains("webhook_endpoint.disabled").contains(id);
		var mail = TestMail.awaitMessageTo(OPERATOR, Duration.ofSeconds(20));
		assertThat(mail.subject()).contains("Webhook endpoint disabled");
		assertThat(mail.text()).contains(id).contains(receiver.url(failing));

		// and a disabled endpoint receives nothing, its deliveries waiting
		clock.advance(Duration.ofHours(25));
		transactions.executeWithoutResult(tx -> publisher
			.publishEvent(new OutboundEvent("customer.reactivated", customer, Map.of("id", customer))));
		assertThat(deliveries(id)).as("a new event is not queued for a disabled endpoint").hasSize(1);

		// when enabled again, the waiting delivery goes (the receiver answers 200 by now)
		receiver.answerOk(failing);
		var enabled = api.send("PATCH", "/v1/webhook-endpoints/" + id, "{\"enabled\": true}", Map.of());
		assertThat(enabled.status()).as(enabled.toString()).isEqualTo(200);
		assertThat(enabled.body().has("failingSince")).isFalse();
		awaitAttempts(failing, 5);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> deliveries(id).get(0).get("status").asString().equals("succeeded"));
		assertThat(receiver.on(failing).get(4).verifies(secret, clock.instant())).isTrue();
	}

	private String create(String path, List<String> types) {
		var created = api.post("/v1/webhook-endpoints",
				Api.json(Map.of("url", receiver.url(path), "eventTypes", types)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.body().get("id").asString();
	}

	private tools.jackson.databind.JsonNode endpoint(String id) {
		return api.get("/v1/webhook-endpoints/" + id).body();
	}

	private tools.jackson.databind.JsonNode deliveries(String id) {
		return api.get("/v1/webhook-endpoints/" + id + "/deliveries").body().get("data");
	}

	/**
	 * Waits until the endpoint's delivery has its attempt {@code count} written down, so
	 * that moving the clock on does not move the time its next attempt is counted from.
	 */
	private void awaitRecorded(String id, int count) {
		Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
			var delivery = deliveries(id).path(0);
			return delivery.path("attempts").asInt() >= count
					&& !delivery.path("status").asString().equals("delivering");
		});
	}

	private static void awaitAttempts(String path, int count) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> receiver.on(path).size() >= count);
	}

}
