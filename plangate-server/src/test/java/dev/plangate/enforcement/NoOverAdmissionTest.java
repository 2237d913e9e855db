package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;

/**
 * No over-admission: consumes and lease requests racing each other, on one node and on
 * two nodes sharing the database, admit exactly the limit and record exactly what they
 * admitted.
 */
class NoOverAdmissionTest extends ServerTest {

	/** Another node of the same cluster, on the same database. */
	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	private Api otherNode() {
		return secondNode.startLike(environment).api(api.key());
	}

	private String customerWithQuota(int limit) {
		var customer = newCustomer("consume-race");
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":" + limit + "}");
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return customer;
	}

	/**
	 * One consume of 1 unit, with an idempotency key of its own each time it is called.
	 */
	private static Callable<Integer> consume(Api node, String customer) {
		return () -> node
			.post("/v1/consume",
					"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"idempotencyKey\":\"%s\"}".formatted(customer,
							UUID.randomUUID()))
			.status();
	}

	private long used(String customer) {
		return api.get("/v1/customers/" + customer + "/usage")
			.body()
			.path("quotas")
			.valueStream()
			.filter(q -> q.path("feature").asString().equals("api_calls"))
			.findFirst()
			.orElseThrow()
			.path("used")
			.asLong();
	}

	@Test
	void twoHundredConsumesAtOnceOnOneNodeAdmitExactlyTheQuota() throws Exception {
		// given
		var customer = customerWithQuota(50);

		// when
		var statuses = Race.times(200, consume(api, customer));

		// then
		assertThat(statuses).filteredOn(s -> s == 200).hasSize(50);
		assertThat(statuses).filteredOn(s -> s == 402).hasSize(150);
		assertThat(used(customer)).isEqualTo(50);
	}

	@Test
	void twoHundredConsumesSplitAcrossTwoNodesAdmitExactlyTheQuota() throws Exception {
		// given
		var customer = customerWithQuota(50);
		var nodes = List.of(api, otherNode());
		var tasks = new ArrayList<Callable<Integer>>();
		for (int i = 0; i < 200; i++) {
			tasks.add(consume(nodes.get(i % 2), customer));
		}

		// when
		var statuses = Race.run(tasks);

		// then
		assertThat(statuses).filteredOn(s -> s == 200).hasSize(50);
		assertThat(statuses).filteredOn(s -> s == 402).hasSize(150);
		assertThat(used(customer)).isEqualTo(50);
	}

	@Test
	void demandBelowTheQuotaIsAllAdmittedAcrossNodes() throws Exception {
		// given
		var customer = customerWithQuota(500);
		var nodes = List.of(api, otherNode());
		var tasks = new ArrayList<Callable<Integer>>();
		for (int i = 0; i < 120; i++) {
			tasks.add(consume(nodes.get(i % 2), customer));
		}

		// when
		var statuses = Race.run(tasks);

		// then
		assertThat(statuses).containsOnly(200);
		assertThat(used(customer)).isEqualTo(120);
	}

	@Test
	void fiftyLeaseRequestsSplitAcrossTwoNodesTakeExactlyTheLimit() throws Exception {
		// given: a customer allowed 5 concurrent jobs
		var customer = newCustomer("lease-race");
		assertThat(api.put("/v1/customers/" + customer + "/overrides/concurrent_jobs", "{\"value\":5}").status())
			.isEqualTo(200);
		var nodes = List.of(api, otherNode());
		var tasks = new ArrayList<Callable<Integer>>();
		for (int i = 0; i < 50; i++) {
			var node = nodes.get(i % 2);
			tasks.add(() -> node
				.post("/v1/leases", "{\"customerId\":\"%s\",\"feature\":\"concurrent_jobs\"}".formatted(customer))
				.status());
		}

		// when
		var statuses = Race.run(tasks);

		// then
		assertThat(statuses).filteredOn(s -> s == 201).hasSize(5);
		assertThat(statuses).filteredOn(s -> s == 429).hasSize(45);
	}

	@Test
	void rateRequestsAtOnceOnOneNodeAreAdmittedExactlyUpToTheBurst() throws Exception {
		// given
		var customer = newCustomer("rate-race");
		// bursts of 5, and one request back every 12 s, longer than the race takes
		assertThat(api.put("/v1/customers/" + customer + "/overrides/api_rate", "{\"value\":5}").status())
			.isEqualTo(200);

		// when
		var statuses = Race.times(150,
				() -> api
					.post("/v1/consume",
							"{\"customerId\":\"%s\",\"feature\":\"api_rate\",\"idempotencyKey\":\"%s\"}"
								.formatted(customer, UUID.randomUUID()))
					.status());

		// then
		assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
	}

	/**
	 * Rate-limit state is shared by nodes through Redis; without it each node keeps its
	 * own (one-node mode).
	 */
	@Test
	@EnabledIfEnvironmentVariable(named = "PLANGATE_REDIS_URL", matches = ".+")
	void rateRequestsSplitAcrossTwoNodesShareOneAllowance() throws Exception {
		// given
		var customer = newCustomer("rate-cluster");
		assertThat(api.put("/v1/customers/" + customer + "/overrides/api_rate", "{\"value\":5}").status())
			.isEqualTo(200);
		var nodes = List.of(api, otherNode());
		var tasks = new ArrayList<Callable<Integer>>();
		for (int i = 0; i < 150; i++) {
			var node = nodes.get(i % 2);
			tasks.add(
					() -> node
						.post("/v1/consume",
								"{\"customerId\":\"%s\",\"feature\":\"api_rate\",\"idempotencyKey\":\"%s\"}"
									.formatted(customer, UUID.randomUUID()))
						.status());
		}

		// when
		var statuses = Race.run(tasks);

		// then
		assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
	}

}
