package dev.plangate.identity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.PlangateApplication;
import dev.plangate.platform.SecretBox;
import dev.plangate.support.Api;
import dev.plangate.support.Race;

/**
 * Starting nodes: the master key is checked against the database, and the first signing
 * key is made once however many nodes start together. Each test starts servers of its own
 * on a database of its own (in-memory H2, or a schema of its own in the PostgreSQL named
 * by PLANGATE_DB_URL).
 */
class TokenStartUpTest {

	@Test
	void anotherMasterKeyStopsStartUpSayingWhy() {
		// given: a database set up under one key
		var database = uniqueDatabase();
		var original = SecretBox.generateKey();
		start(database, original).close();
		var other = SecretBox.generateKey();

		// when / then
		assertThatThrownBy(() -> start(database, other).close()).rootCause()
			.hasMessageContaining("master key is not the one this database was set up with")
			.hasMessageContaining("never re-keys")
			.hasMessageNotContaining(other)
			.hasMessageNotContaining(original);
		start(database, original).close();
	}

	@Test
	void aMasterKeyThatIsNotBase64Of32BytesStopsStartUp() {
		// when / then
		assertThatThrownBy(() -> start(uniqueDatabase(), "changeme").close()).rootCause()
			.hasMessageContaining("PLANGATE_MASTER_KEY is refused")
			.hasMessageNotContaining("changeme");
	}

	@Test
	void twoNodesStartingTogetherMakeOneSigningKey() throws Exception {
		// given: an empty, migrated database
		var database = uniqueDatabase();
		var key = SecretBox.generateKey();
		var settings = databaseSettings(database);
		Flyway.configure()
			.dataSource(settings.get("spring.datasource.url"), settings.get("spring.datasource.username"),
					settings.get("spring.datasource.password"))
			.schemas(settings.containsKey("spring.flyway.schemas")
					? new String[] { settings.get("spring.flyway.schemas") } : new String[0])
			// where the application finds its migrations (application.yaml): PostgreSQL's
			// own as well, or the nodes would find them missing below a later common one
			.locations(settings.containsKey("spring.flyway.schemas")
					? new String[] { "classpath:db/migration", "classpath:db/vendor/postgresql" }
					: new String[] { "classpath:db/migration" })
			.load()
			.migrate();

		// when: (Spring Boot's logging set-up is not made for two applications starting
		// at
		// once in one JVM, so these two leave the logging as it is)
		var previous = System.getProperty(LoggingSystem.SYSTEM_PROPERTY);
		System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
		List<ConfigurableApplicationContext> nodes;
		try {
			nodes = Race.run(List.<Callable<ConfigurableApplicationContext>>of(() -> start(database, key),
					() -> start(database, key)));
		}
		finally {
			if (previous == null) {
				System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
			}
			else {
				System.setProperty(LoggingSystem.SYSTEM_PROPERTY, previous);
			}
		}

		// then
		try {
			var jdbc = nodes.get(0).getBean(JdbcClient.class);
			assertThat(jdbc.sql("select count(*) from signing_key").query(Long.class).single()).isEqualTo(1);
			var first = new Api(port(nodes.get(0)), null).get("/.well-known/jwks.json").body();
			var second = new Api(port(nodes.get(1)), null).get("/.well-known/jwks.json").body();
			assertThat(first.path("keys").size()).isEqualTo(1);
			assertThat(second).isEqualTo(first);
			var token = nodes.get(0).getBean(AccessTokens.class).issueCustomerToken("c", null, Duration.ofMinutes(1));
			assertThat(nodes.get(1).getBean(AccessTokens.class).verify(token.token())).isPresent();
		}
		finally {
			nodes.forEach(ConfigurableApplicationContext::close);
		}
	}

	@Test
	void privateKeysAreStoredSealed() {
		// given
		var database = uniqueDatabase();
		try (var node = start(database, SecretBox.generateKey())) {
			// when
			var stored = node.getBean(JdbcClient.class)
				.sql("select public_jwk, private_jwk from signing_key")
				.query((rs, n) -> Map.of("public", rs.getString(1), "private", rs.getString(2)))
				.single();

			// then
			assertThat(stored.get("public")).contains("\"kty\":\"EC\"").doesNotContain("\"d\"");
			assertThat(stored.get("private")).doesNotContain("\"d\"").doesNotContain("kty").matches("[A-Za-z0-9_-]+");
		}
	}

	private static ConfigurableApplicationContext start(String database, String masterKey) {
		var args = new ArrayList<>(List.of("--server.port=0", "--plangate.master-key=" + masterKey));
		databaseSettings(database).forEach((name, value) -> args.add("--" + name + "=" + value));
		return new SpringApplicationBuilder(PlangateApplication.class).profiles("test")
			.run(args.toArray(String[]::new));
	}

	private static Map<String, String> databaseSettings(String name) {
		String postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			return Map.of("spring.datasource.url",
					postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + name, "spring.flyway.schemas",
					name, "spring.datasource.username", System.getenv().getOrDefault("PLANGATE_DB_USER", ""),
					"spring.datasource.password", System.getenv().getOrDefault("PLANGATE_DB_PASSWORD", ""));
		}
		return Map.of("spring.datasource.url", "jdbc:h2:mem:" + name
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
				"spring.datasource.username", "sa", "spring.datasource.password", "");
	}

	private static String uniqueDatabase() {
		return "tokens_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
