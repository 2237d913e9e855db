package dev.plangate.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.PlangateApplication;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;

/**
 * The first start of an empty database: one key, printed once, or the operator's own key,
 * never printed. The class's own server is such a first start; the other tests start
 * servers of their own, each on an in-memory database of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@FreshSchema
class BootstrapTest {

	private static final Pattern KEY = Pattern.compile("pg_sk_[0-9A-Za-z]{36}");

	private static final String BANNER = "Plangate created its first server API key";

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "bootstrap_print");
	}

	@LocalServerPort
	int port;

	@Autowired
	ApiKeyService apiKeys;

	@Test
	void firstStartCreatesExactlyOneKey() {
		// given: this class's server started on an empty database

		// when
		var keys = apiKeys.list();

		// then
		assertThat(keys).hasSize(1);
		var key = keys.get(0);
		assertThat(key.name()).isEqualTo("bootstrap");
		assertThat(key.createdBy()).isEqualTo("system");
		assertThat(key.isActive()).isTrue();
	}

	@Test
	void firstStartPrintsTheKeyOnceInAMarkedBlock(CapturedOutput output) {
		// given: this class's server started on an empty database
		var key = apiKeys.list().get(0);

		// when
		var printed = printedKeys(output.getAll()).stream().filter(k -> k.startsWith(key.prefix())).toList();

		// then
		assertThat(printed).hasSize(1);
		var secret = printed.get(0);
		assertThat(output.getAll().split(Pattern.quote(secret), -1)).as("occurrences + 1").hasSize(2);
		assertThat(blockAround(output.getAll(), secret)).contains(BANNER, "shown this once only",
				"Authorization: Bearer");
	}

	@Test
	void printedKeyAuthenticates(CapturedOutput output) {
		// given
		var prefix = apiKeys.list().get(0).prefix();
		var secret = printedKeys(output.getAll()).stream().filter(k -> k.startsWith(prefix)).findFirst().orElseThrow();

		// when
		var response = new Api(port, secret).get("/v1/api-keys");

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body().path("data").valueStream().map(k -> k.path("prefix").asString())).contains(prefix);
	}

	@Test
	void changemeAsBootstrapKeyStopsStartUpSayingWhy() throws SQLException {
		// given
		var database = uniqueDatabase();

		// when / then
		assertThatThrownBy(() -> start(database, "changeme").close()).rootCause()
			.hasMessageContaining("PLANGATE_BOOTSTRAP_API_KEY is refused")
			.hasMessageContaining("not a Plangate server key")
			.hasMessageNotContaining("changeme");
		assertThat(storedKeys(database)).isZero();
	}

	@Test
	void wellFormedLowEntropyBootstrapKeyStopsStartUpSayingWhy() throws SQLException {
		// given
		var database = uniqueDatabase();
		var weak = ApiKeySecretTest.withValidChecksum("a".repeat(30));
		assertThat(ApiKeySecret.parse(weak)).as("well-formed, valid checksum").isPresent();

		// when / then
		assertThatThrownBy(() -> start(database, weak).close()).rootCause()
			.hasMessageContaining("PLANGATE_BOOTSTRAP_API_KEY is refused")
			.hasMessageContaining("too few")
			.hasMessageNotContaining(weak);
		assertThat(storedKeys(database)).isZero();
	}

	@Test
	void bootstrapKeyWithABadChecksumStopsStartUp() throws SQLException {
		// given
		var database = uniqueDatabase();
		var valid = ApiKeySecret.generate().text();
		var badChecksum = valid.substring(0, valid.length() - 1) + (valid.endsWith("0") ? "1" : "0");

		// when / then
		assertThatThrownBy(() -> start(database, badChecksum).close()).rootCause()
			.hasMessageContaining("PLANGATE_BOOTSTRAP_API_KEY is refused")
			.hasMessageContaining("checksum");
		assertThat(storedKeys(database)).isZero();
	}

	@Test
	void validBootstrapKeyIsStoredAndAuthenticatesWithoutBeingPrinted(CapturedOutput output) {
		// given
		var database = uniqueDatabase();
		var secret = ApiKeySecret.generate().text();
		int mark = output.getAll().length();

		// when
		try (var context = start(database, secret)) {
			var list = new Api(port(context), secret).get("/v1/api-keys");

			// then
			assertThat(list.status()).as(list.toString()).isEqualTo(200);
			var keys = list.body().path("data").valueStream().toList();
			assertThat(keys).hasSize(1);
			assertThat(keys.get(0).path("name").asString()).isEqualTo("bootstrap");
			assertThat(keys.get(0).path("prefix").asString()).isEqualTo(secret.substring(0, 12));
			assertThat(keys.get(0).path("createdBy").asString()).isEqualTo("system");
		}
		var logged = output.getAll().substring(mark);
		assertThat(logged).doesNotContain(secret).doesNotContain(secret.substring(12)).doesNotContain(BANNER);
		assertThat(printedKeys(logged)).isEmpty();
	}

	@Test
	void restartWithTheBootstrapKeyCreatesNoNewKey(CapturedOutput output) {
		// given
		var database = uniqueDatabase();
		var secret = ApiKeySecret.generate().text();
		start(database, secret).close();
		int mark = output.getAll().length();

		// when
		try (var context = start(database, secret)) {
			var list = new Api(port(context), secret).get("/v1/api-keys");

			// then
			assertThat(list.status()).isEqualTo(200);
			assertThat(list.body().path("data").valueStream().toList()).hasSize(1);
		}
		assertThat(printedKeys(output.getAll().substring(mark))).isEmpty();
	}

	@Test
	void bootstrapKeyIsIgnoredOnceTheDatabaseHasKeys(CapturedOutput output) {
		// given: a first start without a bootstrap key printed one
		var database = uniqueDatabase();
		int mark = output.getAll().length();
		start(database, null).close();
		var first = printedKeys(output.getAll().substring(mark));
		assertThat(first).hasSize(1);
		var late = ApiKeySecret.generate().text();

		// when
		try (var context = start(database, late)) {
			int port = port(context);

			// then
			assertThat(new Api(port, late).get("/v1/api-keys").status()).isEqualTo(401);
			var list = new Api(port, first.get(0)).get("/v1/api-keys");
			assertThat(list.status()).isEqualTo(200);
			assertThat(list.body().path("data").valueStream().toList()).hasSize(1);
		}
	}

	@Test
	void secondStartNeverPrintsAKey(CapturedOutput output) {
		// given: a first start printed its key, once
		var database = uniqueDatabase();
		int firstMark = output.getAll().length();
		start(database, null).close();
		var firstOutput = output.getAll().substring(firstMark);
		var printed = printedKeys(firstOutput);
		assertThat(printed).hasSize(1);
		assertThat(firstOutput.split(Pattern.quote(BANNER), -1)).as("banners + 1").hasSize(2);
		int secondMark = output.getAll().length();

		// when
		try (var context = start(database, null)) {

			// then
			var secondOutput = output.getAll().substring(secondMark);
			assertThat(printedKeys(secondOutput)).isEmpty();
			assertThat(secondOutput).doesNotContain(BANNER);
			var list = new Api(port(context), printed.get(0)).get("/v1/api-keys");
			assertThat(list.status()).as("the first key still works").isEqualTo(200);
			assertThat(list.body().path("data").valueStream().toList()).hasSize(1);
		}
	}

	/**
	 * Starts the whole server on in-memory database {@code name}. Settings are passed as
	 * command-line arguments: the builder's {@code properties(…)} are only defaults,
	 * which application.yaml ({@code server.port}, {@code plangate.bootstrap-api-key})
	 * and application-test.yaml ({@code spring.datasource.url}) would override.
	 */
	private static ConfigurableApplicationContext start(String name, @Nullable String bootstrapKey) {
		// H2 credentials too, so that PLANGATE_DB_USER of a PostgreSQL run does not reach
		// this H2
		var args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + h2(name),
				"--spring.datasource.username=sa", "--spring.datasource.password="));
		if (bootstrapKey != null) {
			args.add("--plangate.bootstrap-api-key=" + bootstrapKey);
		}
		return new SpringApplicationBuilder(PlangateApplication.class).profiles("test")
			.run(args.toArray(String[]::new));
	}

	private static String h2(String name) {
		return "jdbc:h2:mem:" + name
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
	}

	private static String uniqueDatabase() {
		return "bootstrap_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	/**
	 * Keys stored in database {@code name} (user {@code sa}, as Spring Boot names an
	 * embedded database's user): none when start-up stopped before the table existed.
	 */
	private static int storedKeys(String name) throws SQLException {
		try (var connection = DriverManager.getConnection(h2(name), "sa", "")) {
			try (var tables = connection.getMetaData().getTables(null, null, "api_key", null)) {
				if (!tables.next()) {
					return 0;
				}
			}
			try (var count = connection.createStatement().executeQuery("select count(*) from api_key")) {
				count.next();
				return count.getInt(1);
			}
		}
	}

	private static List<String> printedKeys(String output) {
		return KEY.matcher(output).results().map(m -> m.group()).distinct().toList();
	}

	/** The text between the ===== rules enclosing {@code text}. */
	private static String blockAround(String output, String text) {
		int at = output.indexOf(text);
		int start = output.lastIndexOf("=====", at);
		int end = output.indexOf("=====", at);
		assertThat(start).as("a rule before the key").isNotNegative();
		assertThat(end).as("a rule after the key").isGreaterThan(at);
		assertThat(output.substring(start, at)).as("one block, no log line inside").doesNotContain("\n20");
		return output.substring(start, end);
	}

}
