package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.plangate.identity.apikey.ApiKeyService;
import dev.plangate.support.Api;

/**
 * The zero-set-up mode: no profile, no database settings, an H2 file database under the
 * data directory.
 */
class EmbeddedModeTest {

	@TempDir
	Path dataDir;

	@Test
	void embeddedDefaultKeepsDataAcrossARestart() {
		// given: a first start on an empty data directory, with a customer and a key
		// created
		// over HTTP
		var customerId = "embedded-" + UUID.randomUUID().toString().substring(0, 8);
		String createdKey;
		String createdKeyId;
		try (var context = start()) {
			var api = new Api(port(context), context.getBean(ApiKeyService.class).create("embedded test").secret());
			var customer = api.put("/v1/customers/" + customerId,
					"{\"name\":\"Embedded Ltd\",\"email\":\"ops@embedded.example\"}");
			assertThat(customer.status()).as(customer.toString()).isEqualTo(201);
			var key = api.post("/v1/api-keys", "{\"name\":\"kept\"}");
			assertThat(key.status()).as(key.toString()).isEqualTo(201);
			createdKey = key.body().path("secret").asString();
			createdKeyId = key.body().path("id").asString();
		}

		// when
		try (var context = start()) {
			var api = new Api(port(context), createdKey);

			// then
			var customer = api.get("/v1/customers/" + customerId);
			assertThat(customer.status()).as(customer.toString()).isEqualTo(200);
			assertThat(customer.body().path("name").asString()).isEqualTo("Embedded Ltd");
			assertThat(customer.body().path("email").asString()).isEqualTo("ops@embedded.example");
			var subscription = api.get("/v1/customers/" + customerId + "/subscription");
			assertThat(subscription.status()).as(subscription.toString()).isEqualTo(200);
			var keys = api.get("/v1/api-keys");
			assertThat(keys.status()).as("the key created before the restart authenticates").isEqualTo(200);
			assertThat(keys.body().path("data").valueStream().map(k -> k.path("id").asString())).contains(createdKeyId);
		}
	}

	@Test
	void embeddedDefaultStoresItsDatabaseUnderTheDataDirectory() throws Exception {
		// when
		try (var context = start()) {

			// then
			assertThat(context.getEnvironment().getProperty("spring.datasource.url"))
				.startsWith("jdbc:h2:file:retry:" + dataDir + "/plangate;");
		}
		var database = dataDir.resolve("plangate.mv.db");
		assertThat(database).exists().isRegularFile();
		assertThat(Files.size(database)).isPositive();
	}

	@Test
	void aThreadInterruptedInTheMiddleOfItsWritesLeavesTheDatabaseOpenForEveryoneElse() throws Exception {
		// given
		try (var context = start()) {
			var dataSource = context.getBean(DataSource.class);
			try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
				statement.execute("create table interrupted_writes (id bigint primary key, text varchar(200))");
			}
			var stop = new AtomicBoolean();
			var written = new AtomicLong();
			var failure = new AtomicReference<Exception>();
			var writer = new Thread(() -> {
				try (var connection = dataSource.getConnection();
						var insert = connection.prepareStatement("insert into interrupted_writes values (?, ?)")) {
					for (long id = 0; !stop.get(); id++) {
						insert.setLong(1, id);
						insert.setString(2, "x".repeat(150));
						insert.executeUpdate();
						written.incrementAndGet();
						Thread.interrupted();
					}
				}
				catch (Exception ex) {
					failure.set(ex);
				}
			});
			writer.start();

			// when: it is interrupted again and again while it commits row after row,
			// each written to the file before the commit returns
			for (int i = 0; i < 200 && writer.isAlive(); i++) {
				Thread.sleep(5);
				writer.interrupt();
			}
			stop.set(true);
			writer.join(10_000);

			// then: neither it nor anyone else lost the database
			assertThat(failure.get()).as("the interrupted writer's error").isNull();
			assertThat(written.get()).isPositive();
			var api = new Api(port(context), context.getBean(ApiKeyService.class).create("after interrupts").secret());
			var customer = api.put("/v1/customers/after-interrupts", "{\"name\":\"Still open\"}");
			assertThat(customer.status()).as(customer.toString()).isEqualTo(201);
		}
	}

	@Test
	void secondStartOnTheSameDataDirectoryCreatesNoFurtherKey() {
		// given
		start().close();

		// when
		int keys;
		try (var context = start()) {
			keys = context.getBean(ApiKeyService.class).list().size();
		}

		// then
		assertThat(keys).isEqualTo(1);
	}

	/**
	 * Starts the server as a newcomer would: no profile and no database URL, so
	 * application.yaml's H2 file under {@code plangate.data-dir} is used. Settings are
	 * command-line arguments, which beat application.yaml (the builder's
	 * {@code properties(…)} would not). When the environment names a database (CI's
	 * PostgreSQL run), the embedded URL is given explicitly so that it cannot leak in.
	 */
	private ConfigurableApplicationContext start() {
		var args = new ArrayList<>(List.of("--server.port=0", "--plangate.data-dir=" + dataDir));
		if (System.getenv("PLANGATE_DB_URL") != null) {
			args.add("--spring.datasource.url=jdbc:h2:file:retry:" + dataDir
					+ "/plangate;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0");
			args.add("--spring.datasource.username=");
			args.add("--spring.datasource.password=");
		}
		return new SpringApplicationBuilder(PlangateApplication.class).run(args.toArray(String[]::new));
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
