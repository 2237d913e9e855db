package dev.plangate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.client.PlangateStatus.StreamState;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;

/**
 * Local evaluation against running servers: switch and setting checks answered in process
 * follow plan changes, overrides, suspensions and catalog edits within a bounded time; a
 * cut stream goes DOWN once silent past the staleness bound, its checks then answered by
 * the server, and on reconnecting it catches up; so does a stream whose server restarted.
 * The servers send a keep-alive every 200 ms; the SDKs' bound is 1 s.
 */
@FreshSchema
class LocalEvaluationTest extends ServerTest {

	private static final Duration BOUND = Duration.ofSeconds(1);

	/** A change is seen within this: the bound, and a poll of the change log besides. */
	private static final Duration SEEN_WITHIN = Duration.ofSeconds(5);

	private static final SecondNode restartable = new SecondNode();

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "sdk_local");
		registry.add("plangate.subscriptions.stream-keep-alive", () -> "200ms");
		registry.add("plangate.subscriptions.stream-poll", () -> "500ms");
	}

	@Autowired
	private Environment environment;

	private final List<AutoCloseable> closeAfter = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (var c : closeAfter) {
			c.close();
		}
	}

	@AfterAll
	static void stopNode() {
		restartable.stop();
	}

	private Plangate client(URI base, boolean local) {
		var builder = Plangate.builder(base, Objects.requireNonNull(api.key()))
			.retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)))
			.requestTimeout(Duration.ofSeconds(5))
			.shutdownHook(false);
		if (local) {
			builder.localEvaluation(LocalEvaluation.defaults()
				.withStalenessBound(BOUND)
				.withReconnect(Duration.ofMillis(50), Duration.ofMillis(300)));
		}
		var client = builder.build();
		closeAfter.add(0, client);
		return client;
	}

	private static void awaitLive(Plangate plangate) {
		Awaitility.await()
			.atMost(SEEN_WITHIN)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> plangate.status().stream() == StreamState.LIVE);
	}

	/**
	 * Waits until a local check of the feature gives {@code allowed} and {@code code}.
	 */
	private static void awaitLocal(Plangate plangate, String customer, String feature, boolean allowed, String code) {
		Awaitility.await().atMost(SEEN_WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
			long local = plangate.status().localDecisions();
			var decision = plangate.check(customer, feature);
			assertThat(plangate.status().localDecisions()).as("answered locally").isEqualTo(local + 1);
			assertThat(decision.allowed()).isEqualTo(allowed);
			assertThat(decision.code()).isEqualTo(code);
		});
	}

	/**
	 * The local answer is the server's (but for the upgrade plan, which it does not
	 * name).
	 */
	private static void sameAsServer(Decision local, Decision remote) {
		assertThat(local).usingRecursiveComparison().ignoringFields("upgradePlan").isEqualTo(remote);
	}

	@Test
	void localAnswersFollowPlanChangesOverridesSuspensionsAndCatalogEdits() {
		// given: a customer on the free plan, asked about once
		var local = client(URI.create("http://localhost:" + port), true);
		var remote = client(URI.create("http://localhost:" + port), false);
		awaitLive(local);
		var customer = newCustomer("local");
		var before = local.status();
		var sso = local.check(customer, "sso");
		var apiAccess = local.check(customer, "api_access");
		var retention = local.check(customer, "retention_days");

		// then: answered in process, as the server answers
		assertThat(local.status().localDecisions()).isEqualTo(before.localDecisions() + 3);
		assertThat(local.status().remoteDecisions()).isEqualTo(before.remoteDecisions());
		sameAsServer(sso, remote.check(customer, "sso"));
		sameAsServer(apiAccess, remote.check(customer, "api_access"));
		sameAsServer(retention, remote.check(customer, "retention_days"));
		assertThat(sso.code()).isEqualTo("feature_not_in_plan");
		assertThat(apiAccess.allowed()).isTrue();
		assertThat(local.setting(customer, "support")).contains("community");

		// a quota still asks the server
		long remoteBefore = local.status().remoteDecisions();
		assertThat(local.check(customer, "api_calls").allowed()).isTrue();
		assertThat(local.status().remoteDecisions()).isEqualTo(remoteBefore + 1);

		// when: an override; then: seen within the bound
		assertThat(api.put("/v1/customers/" + customer + "/overrides/sso", "{\"value\":true}").status()).isEqualTo(200);
		awaitLocal(local, customer, "sso", true, null);
		sameAsServer(local.check(customer, "sso"), remote.check(customer, "sso"));

		// when: a plan change
		remote.changePlan(customer, PlanChange.to("pro"));
		awaitLocal(local, customer, "advanced_analytics", true, null);
		assertThat(local.setting(customer, "support")).contains("email");
		assertThat(local.entitlements(customer).subscription().plan().key()).isEqualTo("pro");

		// when: a suspension, then a reactivation
		remote.suspendCustomer(customer);
		awaitLocal(local, customer, "api_access", false, "customer_suspended");
		sameAsServer(local.check(customer, "api_access"), remote.check(customer, "api_access"));
		remote.activateCustomer(customer);
		awaitLocal(local, customer, "api_access", true, null);

		// when: a catalog edit: every customer held is read again
		assertThat(local.cachedCustomers()).isPositive();
		var key = uniqueKey("local");
		var created = api.post("/v1/admin/plans", Api.json(Map.of("key", key, "name", "Local", "price", 100, "interval",
				"month", "entitlements", Map.of("sso", true))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		Awaitility.await().atMost(SEEN_WITHIN).until(() -> local.cachedCustomers() == 0);
		awaitLocal(local, customer, "advanced_analytics", true, null);
	}

	@Test
	void aCutStreamGoesDownPastTheBoundAnswersFromTheServerAndCatchesUpOnReconnect() throws Exception {
		// given: a client whose stream passes a proxy that can cut it
		var proxy = new CuttableTcpProxy(port);
		closeAfter.add(proxy);
		var local = client(proxy.uri(), true);
		awaitLive(local);
		var customer = newCustomer("cut");
		awaitLocal(local, customer, "sso", false, "feature_not_in_plan");

		// when: the stream is cut silently, and the customer gets sso meanwhile
		proxy.cutStreams();
		long cutAt = System.nanoTime();
		assertThat(api.put("/v1/customers/" + customer + "/overrides/sso", "{\"value\":true}").status()).isEqualTo(200);

		// then: once silent past the bound it says DOWN, and the server answers, rightly
		Awaitility.await()
			.atMost(BOUND.multipliedBy(3))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> local.status().stream() == StreamState.DOWN);
		long downAfter = System.nanoTime() - cutAt;
		assertThat(Duration.ofNanos(downAfter)).isLessThan(BOUND.multipliedBy(2));
		assertThat(local.status().healthy()).isFalse();
		var status = local.status();
		var answer = local.check(customer, "sso");
		assertThat(answer.allowed()).isTrue();
		assertThat(local.status().remoteDecisions()).isEqualTo(status.remoteDecisions() + 1);
		assertThat(local.status().localDecisions()).isEqualTo(status.localDecisions());

		// when: a change made while cut, then the network comes back
		assertThat(api.put("/v1/customers/" + customer + "/overrides/advanced_analytics", "{\"value\":true}").status())
			.isEqualTo(200);
		proxy.restore();

		// then: live again, and current
		awaitLive(local);
		awaitLocal(local, customer, "sso", true, null);
		awaitLocal(local, customer, "advanced_analytics", true, null);
	}

	@Test
	void aStreamWhoseServerRestartedCatchesUp() {
		// given: a client of a second node, through a proxy that follows it to its new
		// port
		var node = restartable.startLike(environment);
		var proxy = uncheckedProxy(node.port());
		var local = client(proxy.uri(), true);
		awaitLive(local);
		var customer = newCustomer("restart");
		awaitLocal(local, customer, "sso", false, "feature_not_in_plan");

		// when: the node stops; a change is made on the other; the node starts again
		restartable.stop();
		Awaitility.await().atMost(BOUND.multipliedBy(3)).until(() -> local.status().stream() == StreamState.DOWN);
		assertThat(api.put("/v1/customers/" + customer + "/overrides/sso", "{\"value\":true}").status()).isEqualTo(200);
		proxy.target(restartable.startLike(environment).port());

		// then: the stream resumes and the change is seen
		awaitLive(local);
		awaitLocal(local, customer, "sso", true, null);
	}

	private CuttableTcpProxy uncheckedProxy(int target) {
		try {
			var proxy = new CuttableTcpProxy(target);
			closeAfter.add(proxy);
			return proxy;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
