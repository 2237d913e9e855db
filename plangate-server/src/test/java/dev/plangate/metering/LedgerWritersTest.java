package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;

/**
 * Several ledger writers on each of two nodes: consumes of many customers race usage
 * events that each name all of those customers in another order, so every writer's batch
 * locks totals other writers also lock. Nothing is lost, nothing fails and every total is
 * exact.
 */
@TestPropertySource(properties = "plangate.ledger.writers=4")
class LedgerWritersTest extends ServerTest {

	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	private String customerWithQuota(int limit) {
		var customer = newCustomer("ledger-writers");
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":" + limit + "}");
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return customer;
	}

	private static Callable<Integer> consume(Api node, String customer) {
		return () -> node
			.post("/v1/consume",
					"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"idempotencyKey\":\"%s\"}".formatted(customer,
							UUID.randomUUID()))
			.status();
	}

	/** One usage event of 1 unit for each customer, in the order given. */
	private static Callable<Integer> record(Api node, List<String> customers) {
		var events = customers.stream()
			.map(customer -> Api.json(Map.of("id", UUID.randomUUID().toString(), "customerId", customer, "feature",
					"api_calls", "amount", 1)))
			.toList();
		return () -> node.post("/v1/usage-events", "{\"events\":[" + String.join(",", events) + "]}").status();
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
	void consumesAndOverlappingUsageEventsOfManyCustomersOnTwoNodesCountExactly() throws Exception {
		// given: six customers, and two nodes of four writers each
		var customers = new ArrayList<String>();
		for (int i = 0; i < 6; i++) {
			customers.add(customerWithQuota(1000));
		}
		var nodes = List.of(api, secondNode.startLike(environment).api(api.key()));
		var tasks = new ArrayList<Callable<Integer>>();
		for (int i = 0; i < 24; i++) {
			// each request names every customer, starting from another one, in ascending
			// or descending order
			var order = new ArrayList<>(customers);
			Collections.rotate(order, i);
			if (i % 2 == 1) {
				Collections.reverse(order);
			}
			tasks.add(record(nodes.get(i % 2), order));
		}
		for (int i = 0; i < 40; i++) {
			for (var customer : customers) {
				tasks.add(consume(nodes.get(i % 2), customer));
			}
		}

		// when
		var statuses = Race.run(tasks);

		// then every request was answered 200, and each total holds exactly what they
		// recorded
		assertThat(statuses).containsOnly(200);
		for (var customer : customers) {
			assertThat(used(customer)).as(customer).isEqualTo(24 + 40);
		}
	}

	@Test
	void consumesOfOneCustomerOnTwoNodesAdmitExactlyTheQuota() throws Exception {
		// given
		var customer = customerWithQuota(50);
		var nodes = List.of(api, secondNode.startLike(environment).api(api.key()));
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

}
