package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.OutboundEvent;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Two nodes on one database deliver side by side, and never make one attempt twice: each
 * delivery is claimed by one node at a time.
 */
@FreshSchema
class WebhookTwoNodesTest extends ServerTest {

	private static final SecondNode secondNode = new SecondNode();

	private static final WebhookReceiver receiver = new WebhookReceiver();

	private static final int EVENTS = 240;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "webhook_nodes");
	}

	@AfterAll
	static void stop() {
		secondNode.stop();
		receiver.close();
	}

	@Autowired
	private Environment environment;

	@Autowired
	private ApplicationEventPublisher publisher;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private MeterRegistry meters;

	@Test
	void twoNodesShareTheDeliveriesAndNeverMakeOneAttemptTwice() {
		// given: both nodes running, endpoints that answer after a moment
		secondNode.startLike(environment);
		var paths = new ArrayList<String>();
		for (int i = 0; i < 4; i++) {
			var path = "/node-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
			receiver.delay(path, Duration.ofMillis(30));
			var created = api.post("/v1/webhook-endpoints",
					Api.json(Map.of("url", receiver.url(path), "eventTypes", List.of("usage.threshold_reached"))));
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			paths.add(path);
		}
		double secondBefore = succeeded(secondNode.bean(MeterRegistry.class));

		// when: events in transactions of 40
		for (int batch = 0; batch < EVENTS / 40; batch++) {
			int first = batch * 40;
			transactions.executeWithoutResult(tx -> {
				for (int n = first; n < first + 40; n++) {
					publisher.publishEvent(new OutboundEvent("usage.threshold_reached", "nodes", Map.of("n", n)));
				}
			});
		}

		// then: every event at every endpoint, each once, by one attempt
		Awaitility.await()
			.atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> jdbc.sql("select count(*) from webhook_delivery where status = 'succeeded'")
				.query(Long.class)
				.single() == (long) EVENTS * paths.size());
		for (var path : paths) {
			var perId = receiver.on(path)
				.stream()
				.collect(Collectors.groupingBy(WebhookReceiver.Received::id, Collectors.counting()));
			assertThat(perId).hasSize(EVENTS);
			assertThat(perId.values()).as("no event delivered twice to " + path).allMatch(count -> count == 1);
		}
		assertThat(jdbc.sql("select max(attempts) from webhook_delivery").query(Integer.class).single()).isEqualTo(1);
		assertThat(jdbc.sql("select count(*) from webhook_attempt").query(Long.class).single())
			.isEqualTo((long) EVENTS * paths.size());
		assertThat(succeeded(secondNode.bean(MeterRegistry.class)) - secondBefore)
			.as("the second node made some of the deliveries")
			.isPositive();
		assertThat(succeeded(meters)).as("and so did the first").isPositive();
	}

	private static double succeeded(MeterRegistry registry) {
		return registry.counter("plangate.webhook.deliveries", "outcome", "succeeded").count();
	}

}
