package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;

/**
 * Two nodes on one database and one Redis: a change made on one reaches, at once, a
 * stream connected to the other. The nodes read the change log only once a minute here,
 * so what arrives within seconds was brought by the event bus.
 */
@FreshSchema
@EnabledIfEnvironmentVariable(named = "PLANGATE_REDIS_URL", matches = ".+",
		disabledReason = "nodes wake each other through Redis pub/sub; without PLANGATE_REDIS_URL each node has a bus of its own")
class EntitlementStreamAcrossNodesTest extends ServerTest {

	private static final SecondNode secondNode = new SecondNode();

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "entitlement_stream_nodes");
		registry.add("plangate.subscriptions.stream-poll", () -> "60s");
	}

	@Autowired
	private Environment environment;

	@AfterAll
	static void stop() {
		secondNode.stop();
	}

	@Test
	void aChangeOnOneNodeReachesAStreamOnTheOther() throws Exception {
		// given: a stream connected to the second node
		secondNode.startLike(environment);
		var customer = newCustomer("nodes");
		try (var stream = new EntitlementStreamTest.SseFollower(HttpClient.newHttpClient(), secondNode.port(),
				api.key(), null)) {
			assertThat(stream.response.statusCode()).isEqualTo(200);
			assertThat(stream.next(10).name()).isEqualTo("ready");

			// when: the first node changes the customer
			long changedAt = System.nanoTime();
			assertThat(api.put("/v1/customers/" + customer + "/overrides/sso", "{\"value\":true}").status())
				.isEqualTo(200);

			// then: the second node's stream tells, well before its next read of the log
			var event = stream.nextFor(customer, 10);
			assertThat(event.data().path("reason").asString()).isEqualTo("override.set");
			assertThat((System.nanoTime() - changedAt) / 1_000_000).as("ms").isLessThan(5_000);
		}
	}

}
