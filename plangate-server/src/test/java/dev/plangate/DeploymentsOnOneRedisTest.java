package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.plangate.identity.apikey.ApiKeyService;
import dev.plangate.platform.EventBus;
import dev.plangate.platform.RedisEventBus;
import dev.plangate.support.Api;

/**
 * Two deployments, each with its own database, on one Redis (PLANGATE_REDIS_URL, else the
 * machine's): told apart by PLANGATE_REDIS_NAMESPACE, they share neither rate-limit state
 * nor events. A Redis that cannot be reached fails this test; it is never skipped.
 */
class DeploymentsOnOneRedisTest {

	private static final String REDIS = System.getenv().getOrDefault("PLANGATE_REDIS_URL", "redis://127.0.0.1:6379");

	private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

	@TempDir
	static Path dataDirs;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void start() {
		first = start("first");
		second = start("second");
	}

	@AfterAll
	static void stop() {
		first.close();
		second.close();
	}

	/**
	 * A deployment of its own: no profile, its own H2 and data directory, the shared
	 * Redis, and the namespace set as the environment variable would set it.
	 */
	private static ConfigurableApplicationContext start(String name) {
		var database = namespace(name);
		return new SpringApplicationBuilder(PlangateApplication.class).run("--server.port=0",
				"--plangate.data-dir=" + dataDirs.resolve(name), "--PLANGATE_REDIS_NAMESPACE=" + database,
				"--plangate.redis-url=" + REDIS,
				"--spring.datasource.url=jdbc:h2:mem:" + database
						+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
				"--spring.datasource.username=", "--spring.datasource.password=");
	}

	private static String namespace(String deployment) {
		return "deployment-" + deployment + "-" + RUN;
	}

	private static Api api(ConfigurableApplicationContext deployment) {
		int port = deployment.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		return new Api(port, deployment.getBean(ApiKeyService.class).create("tests").secret());
	}

	@Test
	void theSameCustomerIdHasARateAllowanceInEachDeployment() {
		// given: one customer id in both deployments, its whole minute's allowance (60 on
		// the free plan) spent in the first
		var customer = "shared-" + RUN;
		var consume = "{\"customerId\":\"" + customer + "\",\"feature\":\"api_rate\",\"amount\":60}";
		var inFirst = api(first);
		var inSecond = api(second);
		assertThat(inFirst.put("/v1/customers/" + customer, "{}").status()).isEqualTo(201);
		assertThat(inSecond.put("/v1/customers/" + customer, "{}").status()).isEqualTo(201);
		assertThat(inFirst.post("/v1/consume", consume).status()).isEqualTo(200);
		assertThat(inFirst.post("/v1/consume", consume).code()).isEqualTo("rate_limited");

		// when
		var elsewhere = inSecond.post("/v1/consume", consume);

		// then
		assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(200);
	}

	@Test
	void aDeploymentDoesNotHearTheOthersEvents() {
		// given: the second deployment listening, and two more nodes on the shared Redis:
		// one of the first deployment, one of the second
		var topic = "deployments-" + RUN;
		var heard = new CopyOnWriteArrayList<String>();
		var heardByFirst = new CopyOnWriteArrayList<String>();
		try (var nodeOfFirst = new RedisEventBus(REDIS, namespace("first"));
				var nodeOfSecond = new RedisEventBus(REDIS, namespace("second"));
				var listening = second.getBean(EventBus.class).subscribe(topic, heard::add);
				var probe = nodeOfFirst.subscribe(topic, heardByFirst::add)) {

			// when: the first deployment publishes; once Redis has delivered that (its
			// other node heard it), a node of the second publishes, which reaches the
			// second deployment on the same connection, after anything sent before
			first.getBean(EventBus.class).publish(topic, "from the first deployment");
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> heardByFirst.contains("from the first deployment"));
			nodeOfSecond.publish(topic, "from the second deployment");
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("from the second deployment"));

			// then
			assertThat(heard).isEqualTo(List.of("from the second deployment"));
		}
	}

}
