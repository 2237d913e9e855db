package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.plangate.identity.apikey.ServerKeys;
import dev.plangate.support.Api;
import dev.plangate.support.ChildServer;

/**
 * A node killed (SIGKILL) while it delivers loses no delivery: what it had claimed runs
 * out and is delivered by the next node, at least once. The server runs in a child JVM,
 * on an H2 file or, with PLANGATE_DB_URL, on a PostgreSQL schema of its own.
 */
class WebhookCrashTest {

	private static final String SCHEMA = "webhook_crash";

	private static final int EVENTS = 150;

	@TempDir
	static Path dataDir;

	private final WebhookReceiver receiver = new WebhookReceiver();

	private final String path = "/crash-" + UUID.randomUUID().toString().substring(0, 8);

	private ChildServer server;

	@AfterEach
	void stop() {
		if (server != null) {
			server.kill();
		}
		receiver.close();
	}

	@Test
	void everyEventIsDeliveredAfterANodeIsKilledWhileDelivering() throws Exception {
		// given: an endpoint, and events with their deliveries queued
		var key = ServerKeys.generate();
		server = new ChildServer(environment(key), arguments(), dataDir.resolve("server.log"));
		server.start(Duration.ofSeconds(90));
		receiver.delay(path, Duration.ofMillis(100));
		var created = server.api(key)
			.post("/v1/webhook-endpoints", Api.json(Map.of("url", receiver.url(path), "eventTypes", List.of("*"))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var secret = created.body().get("secret").asString();
		server.kill();
		var events = queueEvents();

		// when: a node delivers some, and is killed while it delivers more
		server.start(Duration.ofSeconds(90));
		Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> receiver.on(path).size() >= 20);
		server.kill();
		int beforeCrash = receiver.on(path).size();

		// then: the next node delivers the rest, every event at least once, each signed
		server.start(Duration.ofSeconds(90));
		Awaitility.await()
			.atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> new HashSet<>(receiver.on(path).stream().map(WebhookReceiver.Received::id).toList())
				.containsAll(events));
		assertThat(beforeCrash).isLessThan(EVENTS);
		assertThat(receiver.on(path)).allMatch(r -> r.verifies(secret));
	}

	/** Stores events and their deliveries as the event log does, with no node running. */
	private List<String> queueEvents() throws SQLException {
		var ids = new ArrayList<String>();
		try (var connection = connect()) {
			connection.setAutoCommit(false);
			var at = OffsetDateTime.now(ZoneOffset.UTC);
			try (var event = connection.prepareStatement(
					"insert into event_log (id, type, customer_id, occurred_at, data) values (?, 'grant.created', 'crash', ?, ?)");
					var delivery = connection.prepareStatement("""
							insert into webhook_delivery (event_id, endpoint_id, status, attempts, round_attempts,
							  next_attempt_at, created_at)
							select ?, id, 'pending', 0, 0, ?, ? from webhook_endpoint where enabled""")) {
				for (int i = 0; i < EVENTS; i++) {
					var id = UUID.randomUUID();
					event.setObject(1, id);
					event.setObject(2, at);
					event.setString(3, "{\"n\":" + i + "}");
					event.executeUpdate();
					delivery.setObject(1, id);
					delivery.setObject(2, at);
					delivery.setObject(3, at);
					delivery.executeUpdate();
					ids.add(id.toString());
				}
			}
			connection.commit();
		}
		return ids;
	}

	private static Connection connect() throws SQLException {
		var postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			return DriverManager.getConnection(
					postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA,
					System.getenv().getOrDefault("PLANGATE_DB_USER", ""),
					System.getenv().getOrDefault("PLANGATE_DB_PASSWORD", ""));
		}
		return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("plangate")
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "", "");
	}

	private static Map<String, String> environment(String bootstrapKey) throws SQLException {
		var masterKey = new byte[32];
		new SecureRandom().nextBytes(masterKey);
		var environment = new HashMap<String, String>();
		environment.put("PLANGATE_DATA_DIR", dataDir.toString());
		environment.put("PLANGATE_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey));
		environment.put("PLANGATE_BOOTSTRAP_API_KEY", bootstrapKey);
		var postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			try (var connection = DriverManager.getConnection(postgres,
					System.getenv().getOrDefault("PLANGATE_DB_USER", ""),
					System.getenv().getOrDefault("PLANGATE_DB_PASSWORD", "")); var sql = connection.createStatement()) {
				sql.execute("drop schema if exists " + SCHEMA + " cascade");
			}
			environment.put("PLANGATE_DB_URL",
					postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
		}
		return environment;
	}

	/** Loopback receivers allowed, and claims that run out soon after the crash. */
	private static List<String> arguments() {
		var arguments = new ArrayList<>(List.of("--spring.datasource.hikari.maximum-pool-size=5",
				"--plangate.event-bus.namespace=plangate-webhook-crash-" + UUID.randomUUID(),
				"--logging.level.org.flywaydb=warn", "--plangate.webhooks.allow-private-addresses=true",
				"--plangate.webhooks.connect-timeout=1s", "--plangate.webhooks.request-timeout=2s",
				"--plangate.webhooks.claim-timeout=4s", "--plangate.webhooks.poll-interval=200ms"));
		var postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			arguments.add("--spring.flyway.schemas=" + SCHEMA);
		}
		return arguments;
	}

}
