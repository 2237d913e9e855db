package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;

/**
 * Consumes racing on two nodes sharing the database, each key sent to both, alongside
 * usage reported for the same customers: a quota admits exactly its limit, a repeated key
 * gets the first decision on either node, every admitted consume is in the ledger, and
 * the totals and rollups equal the ledger's sum.
 */
class ConsumeRaceTest extends ServerTest {

	/** Another node of the same cluster, on the same database. */
	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@Autowired
	private LedgerRepository ledger;

	@Autowired
	private JdbcClient jdbc;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	/**
	 * The two nodes, the second one asked through another server key, so that a repeated
	 * key's answer can come only from the ledger.
	 */
	private List<Api> nodes() {
		var other = secondNode.startLike(environment).api(apiKeys.create("second node").secret());
		return List.of(api, other);
	}

	private String customerWithQuota(String prefix, int limit) {
		var customer = newCustomer(prefix);
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":" + limit + "}");
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return customer;
	}

	private static Callable<Api.Response> consume(Api node, String customer, String key, int amount) {
		return () -> node.post("/v1/consume",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":%d,\"idempotencyKey\":\"%s\"}"
					.formatted(customer, amount, key));
	}

	@Test
	void keysSentToBothNodesAtOnceAdmitExactlyTheQuotaAndAnswerEachKeyOnce() throws Exception {
		// given: 120 keys of one unit each against a quota of 50, each key sent to both
		// nodes
		var customer = customerWithQuota("consume-both", 50);
		var nodes = nodes();
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 120; i++) {
			tasks.add(consume(nodes.get(i % 2), customer, "key-" + i, 1));
			tasks.add(consume(nodes.get((i + 1) % 2), customer, "key-" + i, 1));
		}

		// when
		var responses = Race.run(tasks);

		// then: both answers of a key agree, one of them a duplicate
		var admitted = new HashSet<String>();
		for (int i = 0; i < 120; i++) {
			var first = responses.get(2 * i);
			var second = responses.get(2 * i + 1);
			assertThat(first.status()).as(first.text()).isIn(200, 402);
			assertThat(second.status()).as("key-%d: %s then %s", i, first.text(), second.text())
				.isEqualTo(first.status());
			assertThat(List.of(first.body().path("duplicate").asBoolean(), second.body().path("duplicate").asBoolean()))
				.as("key-%d: %s and %s", i, first.text(), second.text())
				.containsExactlyInAnyOrder(true, false);
			if (first.status() == 200) {
				admitted.add("key-" + i);
			}
		}
		assertThat(admitted).hasSize(50);
		var period = LedgerRows.periodStart(api, customer);
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(50);
		assertThat(ledgerKeys(customer)).containsExactlyInAnyOrderElementsOf(admitted);
		assertThat(refusedKeys(customer)).hasSize(70).doesNotContainAnyElementsOf(admitted);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).containsExactly(50L, 50L);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup_day", customer)).containsExactly(50L, 50L);
	}

	@Test
	void consumesAndReportedUsageOfTheSameCustomersAtOnceLoseNothing() throws Exception {
		// given: four customers, each consumed by many requests on both nodes while
		// reports covering all four at once (the writer's way) run on both nodes too
		var customers = new ArrayList<String>();
		for (int c = 0; c < 4; c++) {
			customers.add(customerWithQuota("consume-mixed", 1_000_000));
		}
		var nodes = nodes();
		var tasks = new ArrayList<Callable<Api.Response>>();
		var expected = new HashMap<String, Long>();
		for (int i = 0; i < 160; i++) {
			var customer = customers.get(i % customers.size());
			int amount = i % 5 + 1;
			tasks.add(consume(nodes.get(i % 2), customer, "consume-" + i, amount));
			expected.merge(customer, (long) amount, Long::sum);
		}
		for (int r = 0; r < 16; r++) {
			var events = new ArrayList<String>();
			for (int e = 0; e < 20; e++) {
				// customers in a different order in each report
				var customer = customers.get((e + r) % customers.size());
				events.add("{\"id\":\"report-%d-%d\",\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":2}"
					.formatted(r, e, customer));
				expected.merge(customer, 2L, Long::sum);
			}
			var node = nodes.get(r % 2);
			var body = "{\"events\":[" + String.join(",", events) + "]}";
			tasks.add(() -> node.post("/v1/usage-events", body));
		}

		// when
		var responses = Race.run(tasks);

		// then: everything acknowledged is counted once, in the ledger, its totals and
		// rollups
		assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
		for (var customer : customers) {
			var period = LedgerRows.periodStart(api, customer);
			long sum = expected.get(customer);
			assertThat(ledger.ledgerSum(customer, "api_calls", period)).as(customer).isEqualTo(sum);
			assertThat(ledger.used(customer, "api_calls", period)).as(customer).isEqualTo(sum);
			assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer).get(0)).as(customer).isEqualTo(sum);
			assertThat(LedgerRows.rollups(jdbc, "usage_rollup_day", customer).get(0)).as(customer).isEqualTo(sum);
			assertThat(ledgerKeys(customer)).as(customer).hasSize(40 + 80);
		}
	}

	private List<String> ledgerKeys(String customer) {
		return jdbc.sql("select event_id from usage_event where customer_id = :c")
			.param("c", customer)
			.query(String.class)
			.list();
	}

	private List<String> refusedKeys(String customer) {
		return jdbc.sql("select event_id from consume_refusal where customer_id = :c")
			.param("c", customer)
			.query(String.class)
			.list();
	}

}
