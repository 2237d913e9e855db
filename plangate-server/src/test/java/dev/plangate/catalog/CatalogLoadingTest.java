package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.PlangateApplication;
import dev.plangate.identity.apikey.ApiKeyService;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Loading the catalog file: a bad file stops the server naming every problem; a changed
 * file versions changed plans (subscribers keep theirs), archives dropped ones and
 * refuses a feature whose kind changed; the example catalogs each start a server. Tests
 * applying catalogs use keys of their own, so they do not disturb one another.
 */
@FreshSchema
class CatalogLoadingTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "catalog_loading");
	}

	@Autowired
	private CatalogService catalogService;

	@Autowired
	private TransactionTemplate transactions;

	private final CatalogReader reader = new CatalogReader();

	/** Three plans; {id} is replaced by a test's own suffix. */
	private static final String FIRST = """
			name: loading
			defaultPlan: free_{id}
			features:
			  - key: seats_{id}
			    kind: quota
			    period: lifetime
			  - key: reports_{id}
			    kind: switch
			plans:
			  - key: free_{id}
			    price: 0
			    entitlements:
			      seats_{id}: 1
			  - key: basic_{id}
			    price: 900
			    entitlements:
			      seats_{id}: 3
			      reports_{id}: true
			  - key: legacy_{id}
			    price: 500
			    entitlements:
			      seats_{id}: 2
			""";

	/** {@link #FIRST} with basic's seats raised, legacy dropped and premium added. */
	private static final String SECOND = """
			name: loading
			defaultPlan: free_{id}
			features:
			  - key: seats_{id}
			    kind: quota
			    period: lifetime
			  - key: reports_{id}
			    kind: switch
			plans:
			  - key: free_{id}
			    price: 0
			    entitlements:
			      seats_{id}: 1
			  - key: basic_{id}
			    price: 900
			    entitlements:
			      seats_{id}: 5
			      reports_{id}: true
			  - key: premium_{id}
			    price: 4900
			    entitlements:
			      seats_{id}: 20
			      reports_{id}: true
			""";

	// a catalog applied over the stored one

	@Test
	void changedPlanGetsVersionTwoWhileItsEarlierSubscriberStaysOnVersionOne() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);
		String customer = newCustomer("loading");
		subscribe(customer, "basic_" + id);

		// when
		apply("second.yaml", SECOND, id);

		// then
		var basic = anonymous.get("/v1/plans/basic_" + id).body();
		assertThat(basic.path("version").asInt()).isEqualTo(2);
		assertThat(basic.path("entitlements").path("seats_" + id).path("limit").asLong()).isEqualTo(5);
		var first = anonymous.get("/v1/plans/basic_" + id + "?version=1").body();
		assertThat(first.path("entitlements").path("seats_" + id).path("limit").asLong()).isEqualTo(3);
		var subscription = api.get("/v1/customers/" + customer + "/subscription").body();
		assertThat(subscription.path("plan").path("key").asString()).isEqualTo("basic_" + id);
		assertThat(subscription.path("plan").path("version").asInt()).isEqualTo(1);
		var seats = api.get("/v1/customers/" + customer + "/entitlements").body().path("features").path("seats_" + id);
		assertThat(seats.path("limit").asLong()).isEqualTo(3);
	}

	@Test
	void unchangedPlanKeepsItsVersionWhenAnotherPlanChanges() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);

		// when
		apply("second.yaml", SECOND, id);

		// then
		assertThat(catalogService.planVersions("free_" + id)).extracting(Plan::version).containsExactly(1);
		assertThat(catalogService.plan("free_" + id).isActive()).isTrue();
	}

	@Test
	void planDroppedFromTheFileIsArchivedAndItsSubscriberKeepsIt() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);
		String customer = newCustomer("legacy");
		subscribe(customer, "legacy_" + id);

		// when
		apply("second.yaml", SECOND, id);

		// then
		var legacy = anonymous.get("/v1/plans/legacy_" + id);
		assertThat(legacy.status()).isEqualTo(200);
		assertThat(legacy.body().path("status").asString()).isEqualTo("archived");
		assertThat(legacy.body().path("version").asInt()).isEqualTo(1);
		assertThat(planKeys(anonymous.get("/v1/plans").body().path("data"))).doesNotContain("legacy_" + id);
		var subscription = api.get("/v1/customers/" + customer + "/subscription").body();
		assertThat(subscription.path("plan").path("key").asString()).isEqualTo("legacy_" + id);
		assertThat(subscription.path("plan").path("version").asInt()).isEqualTo(1);
		var refused = api.post("/v1/customers/" + newCustomer("newcomer") + "/subscription",
				"{\"plan\": \"legacy_" + id + "\"}");
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.code()).isEqualTo("plan_archived");
	}

	@Test
	void planAddedToTheFileIsCreatedAsVersionOneAndListed() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);

		// when
		apply("second.yaml", SECOND, id);

		// then
		var premium = anonymous.get("/v1/plans/premium_" + id).body();
		assertThat(premium.path("version").asInt()).isEqualTo(1);
		assertThat(premium.path("status").asString()).isEqualTo("active");
		assertThat(planKeys(anonymous.get("/v1/plans").body().path("data"))).contains("free_" + id, "basic_" + id,
				"premium_" + id);
	}

	@Test
	void planBackInTheFileIsActiveAgain() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);
		apply("second.yaml", SECOND, id);

		// when
		apply("first-again.yaml", FIRST, id);

		// then
		var legacy = catalogService.plan("legacy_" + id);
		assertThat(legacy.isActive()).isTrue();
		assertThat(legacy.version()).isEqualTo(1);
		assertThat(catalogService.plan("basic_" + id).version()).isEqualTo(3);
		assertThat(catalogService.plan("basic_" + id).definition().entitlements().get("seats_" + id))
			.isEqualTo(Entitlement.ofLimit(3));
	}

	@Test
	void applyingTheSameFileAgainCreatesNoVersion() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);

		// when
		apply("first.yaml", FIRST, id);
		apply("first.yaml", FIRST, id);

		// then
		for (String plan : List.of("free_", "basic_", "legacy_")) {
			assertThat(catalogService.planVersions(plan + id)).as(plan + id)
				.extracting(Plan::version)
				.containsExactly(1);
		}
	}

	@Test
	void changingAFeaturesKindIsRefusedNamingItAndChangesNothing() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);
		String changedKind = SECOND.replace("""
				  - key: seats_{id}
				    kind: quota
				    period: lifetime
				""", """
				  - key: seats_{id}
				    kind: concurrency
				""");

		// when
		CatalogException refused = catchThrowableOfType(CatalogException.class,
				() -> apply("changed-kind.yaml", changedKind, id));

		// then
		assertThat(refused).as("applying a catalog that changes a feature's kind").isNotNull();
		assertThat(refused.problems()).singleElement()
			.asString()
			.startsWith("feature 'seats_" + id + "': kind cannot change from quota to concurrency");
		assertThat(refused.getMessage()).startsWith("Catalog changed-kind.yaml has 1 problem");
		assertThat(catalogService.feature("seats_" + id).kind()).isEqualTo(FeatureKind.QUOTA);
		assertThat(catalogService.planVersions("basic_" + id)).extracting(Plan::version).containsExactly(1);
		assertThat(catalogService.plan("legacy_" + id).isActive()).isTrue();
		assertThat(catalogService.findPlan("premium_" + id)).isEmpty();
	}

	@Test
	void planCreatedThroughTheApiIsNotArchivedByAFileWithoutIt() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);
		String apiPlan = "custom_" + id;
		var created = api.post("/v1/admin/plans", "{\"key\": \"" + apiPlan + "\", \"price\": 100}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);

		// when
		apply("second.yaml", SECOND, id);

		// then
		assertThat(catalogService.plan(apiPlan).isActive()).isTrue();
	}

	@Test
	void defaultPlanFollowsTheFile() {
		// given
		String id = suffix();
		apply("first.yaml", FIRST, id);

		// when
		apply("basic-default.yaml", FIRST.replace("defaultPlan: free_{id}", "defaultPlan: basic_{id}"), id);

		// then
		assertThat(catalogService.defaultPlan().key()).isEqualTo("basic_" + id);
		assertThat(anonymous.get("/v1/plans/free_" + id).body().path("isDefault").asBoolean()).isFalse();
		String customer = newCustomer("newdefault");
		var subscription = api.get("/v1/customers/" + customer + "/subscription").body();
		assertThat(subscription.path("plan").path("key").asString()).isEqualTo("basic_" + id);
	}

	@Test
	void planCreatedThroughTheApiWithoutCurrencyTakesTheCatalogCurrency() {
		// given
		String id = suffix();
		apply("euro.yaml", "currency: EUR\n" + FIRST, id);
		assertThat(catalogService.plan("basic_" + id).definition().currency()).isEqualTo("EUR");

		// when
		var created = api.post("/v1/admin/plans", "{\"key\": \"euro_" + id + "\", \"price\": 900}");

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.body().path("price").path("currency").asString()).isEqualTo("EUR");
	}

	// a server started on a catalog file

	@Test
	void serverWithABadCatalogFileFailsToStartNamingTheFileAndEveryProblem(@TempDir Path dir) throws Exception {
		// given
		Path file = dir.resolve("bad-catalog.yaml");
		Files.writeString(file, """
				name: bad
				defaultPlan: starter
				features:
				  - key: seats
				    kind: quota
				  - key: sso
				    kind: switch
				plans:
				  - key: free
				    price: -1
				    entitlements:
				      sso: 5
				      storage: 10
				  - key: pro
				    price: 2900
				""");

		// when
		Throwable failure = catchThrowable(() -> start(file.toString(), memoryDatabase("bad_catalog")).close());

		// then
		assertThat(failure).as("starting with a bad catalog").isNotNull();
		CatalogException cause = catalogExceptionIn(failure);
		assertThat(cause.getMessage()).contains(file.toString())
			.contains("feature 'seats': period is required")
			.contains("plan 'free': price must not be negative, not -1")
			.contains("plan 'free': entitlement 'sso': must be true or false for a switch, not 5")
			.contains("plan 'free': entitlement 'storage': unknown feature")
			.contains("defaultPlan: 'starter' is not a plan of this catalog");
		assertThat(cause.problems()).hasSize(5);
	}

	@Test
	void serverWithAMissingCatalogFileFailsToStartNamingTheFile(@TempDir Path dir) {
		// given
		Path file = dir.resolve("missing.yaml");

		// when
		Throwable failure = catchThrowable(() -> start(file.toString(), memoryDatabase("missing_catalog")).close());

		// then
		assertThat(failure).as("starting with a missing catalog").isNotNull();
		assertThat(catalogExceptionIn(failure).getMessage()).contains(file.toString()).contains("does not exist");
	}

	@Test
	void restartWithAChangedCatalogFileVersionsTheChangedPlanAndKeepsItsSubscriber(@TempDir Path dir) throws Exception {
		// given: a server on the first file, a customer on basic
		String id = suffix();
		String database = memoryDatabase("restart");
		Path file = dir.resolve("catalog.yaml");
		Files.writeString(file, FIRST.replace("{id}", id));
		String customer = "restart-" + id;
		try (var server = start(file.toString(), database)) {
			var api = client(server);
			assertThat(api.put("/v1/customers/" + customer, "{\"name\": \"Restart\"}").status()).isEqualTo(201);
			assertThat(api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"basic_" + id + "\"}")
				.status()).isEqualTo(200);
		}

		// when: the file changes and the server starts again on the same database
		Files.writeString(file, SECOND.replace("{id}", id));
		try (var server = start(file.toString(), database)) {
			var api = client(server);

			// then
			assertThat(api.get("/v1/plans/basic_" + id).body().path("version").asInt()).isEqualTo(2);
			assertThat(api.get("/v1/plans/free_" + id).body().path("version").asInt()).isEqualTo(1);
			assertThat(api.get("/v1/plans/legacy_" + id).body().path("status").asString()).isEqualTo("archived");
			assertThat(planKeys(api.get("/v1/plans").body().path("data"))).containsExactlyInAnyOrder("free_" + id,
					"basic_" + id, "premium_" + id);
			var subscription = api.get("/v1/customers/" + customer + "/subscription").body();
			assertThat(subscription.path("plan").path("version").asInt()).isEqualTo(1);
		}
	}

	@Test
	void restartWithAFeatureOfAnotherKindFailsNamingTheFeature(@TempDir Path dir) throws Exception {
		// given
		String id = suffix();
		String database = memoryDatabase("kind_change");
		Path file = dir.resolve("catalog.yaml");
		Files.writeString(file, FIRST.replace("{id}", id));
		start(file.toString(), database).close();
		Files.writeString(file, FIRST.replace("{id}", id).replace("""
				  - key: reports_%s
				    kind: switch
				""".formatted(id), """
				  - key: reports_%s
				    kind: quota
				    period: month
				""".formatted(id)).replace("reports_" + id + ": true", "reports_" + id + ": 10"));

		// when
		Throwable failure = catchThrowable(() -> start(file.toString(), database).close());

		// then
		assertThat(failure).as("restarting with a feature of another kind").isNotNull();
		CatalogException cause = catalogExceptionIn(failure);
		assertThat(cause.getMessage()).contains(file.toString());
		assertThat(cause.problems()).singleElement()
			.asString()
			.startsWith("feature 'reports_" + id + "': kind cannot change from switch to quota");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "agent-platform.yaml | free, team, pro, enterprise",
					"workflow-automation.yaml | free, pro, enterprise", "auth-dashboard.yaml | free, pro, enterprise",
					"ai-assistant.yaml | free, starter, pro, business, enterprise" })
	void exampleCatalogStartsAServerListingItsPlans(String fileName, String plans) throws Exception {
		// given
		Path file = example(fileName);
		List<String> expected = List.of(plans.split(",\\s*"));

		// when
		try (var server = start(file.toString(), memoryDatabase("example"))) {
			var response = new Api(port(server), null).get("/v1/plans");

			// then
			assertThat(response.status()).isEqualTo(200);
			assertThat(planKeys(response.body().path("data"))).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(response.body().path("data").valueStream().filter(p -> p.path("isDefault").asBoolean()))
				.singleElement()
				.satisfies(p -> assertThat(p.path("key").asString()).isEqualTo("free"));
		}
	}

	// helpers

	private void apply(String source, String template, String id) {
		CatalogDefinition definition = reader.read(source, template.replace("{id}", id));
		transactions.executeWithoutResult(status -> catalogService.apply(definition, source));
	}

	private void subscribe(String customer, String plan) {
		var response = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + plan + "\"}");
		assertThat(response.status()).as("subscribing %s to %s: %s", customer, plan, response).isEqualTo(200);
	}

	private static String suffix() {
		return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
	}

	/** A started server on its own catalog file and database; the caller closes it. */
	private static ConfigurableApplicationContext start(String catalog, String databaseUrl) {
		return new SpringApplicationBuilder(PlangateApplication.class).profiles("test")
			.run("--server.port=0", "--plangate.catalog=" + catalog, "--spring.datasource.url=" + databaseUrl,
					"--spring.datasource.username=sa", "--spring.datasource.password=");
	}

	/**
	 * An in-memory H2 database of its own that outlives a server, so that a second start
	 * finds it.
	 */
	private static String memoryDatabase(String name) {
		return "jdbc:h2:mem:" + name + "_" + suffix()
				+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
	}

	private static int port(ConfigurableApplicationContext server) {
		Integer port = server.getEnvironment().getProperty("local.server.port", Integer.class);
		assertThat(port).as("local.server.port").isNotNull();
		return port;
	}

	/** A client with a key of its own for a server started by a test. */
	private static Api client(ConfigurableApplicationContext server) {
		return new Api(port(server), server.getBean(ApiKeyService.class).create("catalog-loading").secret());
	}

	private static CatalogException catalogExceptionIn(Throwable failure) {
		@Nullable Throwable cause = failure;
		while (cause != null && !(cause instanceof CatalogException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("a CatalogException in the causes of %s", failure).isInstanceOf(CatalogException.class);
		return (CatalogException) cause;
	}

	private static List<String> planKeys(JsonNode plans) {
		return plans.valueStream().map(p -> p.path("key").asString()).toList();
	}

	private static Path example(String fileName) {
		String dir = System.getenv("PLANGATE_EXAMPLES_DIR");
		Path examples = dir == null || dir.isBlank() ? Path.of("../examples") : Path.of(dir);
		Path file = examples.resolve(fileName).toAbsolutePath();
		assertThat(Files.isRegularFile(file)).as("example catalog %s exists", file).isTrue();
		return file;
	}

}
