package dev.plangate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;

/**
 * {@link Allowances} against two server nodes on one database: several clients racing for
 * one customer's quota admit exactly the quota and never more, units left unspent go back
 * on close and after the idle time, blocks shrink near the limit, and refusals carry the
 * server's figures.
 */
@FreshSchema
class AllowancesTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		// its own database: plans other test classes publish would change the upgrade
		// plans it expects
		FreshDatabase.register(registry, "sdk_allowances");
	}

	private static final String CALLS = "api_calls";

	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	private final List<Plangate> clients = new ArrayList<>();

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	@AfterEach
	void closeClients() {
		clients.forEach(Plangate::close);
	}

	/** A client of node 0 (this test's server) or 1 (the second node). */
	private Plangate client(int node, Duration idle) {
		int nodePort = node == 0 ? port : secondNode.startLike(environment).port();
		var client = Plangate.builder(URI.create("http://localhost:" + nodePort), Objects.requireNonNull(api.key()))
			.retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)))
			.shutdownHook(false)
			.allowanceIdle(idle)
			.build();
		clients.add(client);
		return client;
	}

	private String customerWithQuota(long limit) {
		var customer = newCustomer("blocks");
		var response = api.put("/v1/customers/" + customer + "/overrides/" + CALLS, "{\"value\":" + limit + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return customer;
	}

	private long serverUsed(String customer) {
		return api.get("/v1/customers/" + customer + "/usage")
			.body()
			.path("quotas")
			.valueStream()
			.filter(q -> q.path("feature").asString().equals(CALLS))
			.findFirst()
			.orElseThrow()
			.path("used")
			.asLong();
	}

	/** Four clients, two on each node, four threads each. */
	private List<Callable<Long>> racers(String customer, long eachAtMost) {
		var tasks = new ArrayList<Callable<Long>>();
		for (int c = 0; c < 4; c++) {
			var allowances = client(c % 2, Duration.ofSeconds(30)).allowances();
			for (int t = 0; t < 4; t++) {
				tasks.add(() -> {
					long admitted = 0;
					while (admitted < eachAtMost && allowances.tryConsume(customer, CALLS)) {
						admitted++;
					}
					return admitted;
				});
			}
		}
		return tasks;
	}

	@Test
	void severalClientsOnTwoNodesAdmitExactlyTheQuotaAndNeverMore() throws Exception {
		// given: 16 threads in 4 clients, on 2 nodes, each consuming until refused
		var customer = customerWithQuota(20_000);
		var tasks = racers(customer, Long.MAX_VALUE);

		// when
		var admitted = Race.run(tasks).stream().mapToLong(Long::longValue).sum();

		// then: exactly the quota, and the server counted exactly that
		assertThat(admitted).isEqualTo(20_000);
		assertThat(serverUsed(customer)).isEqualTo(20_000);
		for (var client : clients) {
			assertThat(client.allowances().tryConsume(customer, CALLS)).isFalse();
		}
		clients.forEach(Plangate::close);
		assertThat(serverUsed(customer)).isEqualTo(20_000);
	}

	@Test
	void unspentUnitsGoBackOnCloseSoTheServerCountsWhatWasAdmitted() throws Exception {
		// given: demand well below the quota
		var customer = customerWithQuota(1_000_000);
		var tasks = racers(customer, 3_000);

		// when
		var admitted = Race.run(tasks).stream().mapToLong(Long::longValue).sum();
		long usedWhileHeld = serverUsed(customer);
		clients.forEach(Plangate::close);

		// then
		assertThat(admitted).isEqualTo(16 * 3_000);
		assertThat(usedWhileHeld).isGreaterThanOrEqualTo(admitted);
		assertThat(serverUsed(customer)).isEqualTo(admitted);
		long local = clients.stream().mapToLong(c -> c.status().localDecisions()).sum();
		assertThat(local).isEqualTo(admitted);
	}

	@Test
	void aBlockUnusedForTheIdleTimeIsGivenBack() {
		// given
		var customer = customerWithQuota(1_000);
		var allowances = client(1, Duration.ofMillis(300)).allowances();
		allowances.consume(customer, CALLS, 5);
		assertThat(allowances.held(customer, CALLS)).isPositive();
		assertThat(serverUsed(customer)).isGreaterThan(5);

		// when: nothing is consumed for a while
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(allowances.held(customer, CALLS)).isZero());

		// then
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(serverUsed(customer)).isEqualTo(5));
	}

	@Test
	void blocksShrinkNearTheLimitAndTheLastUnitIsAdmitted() {
		// given
		long limit = 400;
		var customer = customerWithQuota(limit);
		var allowances = client(0, Duration.ofSeconds(30)).allowances();
		var blocks = new ArrayList<long[]>();
		long held = 0;

		// when: one unit at a time, noting each new block and what the server had left
		long admitted = 0;
		while (allowances.tryConsume(customer, CALLS)) {
			admitted++;
			long now = allowances.held(customer, CALLS);
			if (now >= held) {
				blocks.add(new long[] { now + 1, limit - serverUsed(customer) });
			}
			held = now;
		}

		// then: each block after the first is at most an eighth of what was left before
		// it
		assertThat(admitted).isEqualTo(limit);
		assertThat(blocks.size()).isGreaterThan(5);
		for (var block : blocks.subList(1, blocks.size())) {
			long size = block[0];
			long leftBefore = block[1] + size;
			assertThat(size).as("a block of %d when %d were left", size, leftBefore)
				.isLessThanOrEqualTo(Math.max(1, leftBefore / 8));
		}
		assertThat(blocks.get(blocks.size() - 1)[0]).isEqualTo(1);
	}

	@Test
	void blocksGrowWithTheRateOfUse() {
		// given
		var customer = customerWithQuota(10_000_000);
		var plangate = client(0, Duration.ofSeconds(30));
		var allowances = plangate.allowances();
		long largest = 0;

		// when
		for (int i = 0; i < 200_000; i++) {
			allowances.consume(customer, CALLS);
			largest = Math.max(largest, allowances.held(customer, CALLS));
		}

		// then: far fewer round trips than consumes
		assertThat(largest).isGreaterThan(1_000);
		assertThat(plangate.status().localDecisions()).isEqualTo(200_000);
	}

	@Test
	void aRefusalCarriesTheServersFiguresAndOtherKindsAreDecidedByConsume() {
		// given
		var customer = customerWithQuota(3);
		var allowances = client(0, Duration.ofSeconds(30)).allowances();
		allowances.consume(customer, CALLS, 3);

		// when / then
		assertThatThrownBy(() -> allowances.consume(customer, CALLS))
			.isInstanceOfSatisfying(QuotaExceededException.class, ex -> {
				assertThat(ex.status()).isEqualTo(402);
				assertThat(ex.limit()).isEqualTo(3);
				assertThat(ex.used()).isEqualTo(3);
				assertThat(ex.remaining()).isZero();
				assertThat(ex.resetsAt()).isNotNull();
				assertThat(ex.upgradePlan()).isEqualTo("pro");
			});
		assertThat(allowances.tryConsume(customer, CALLS)).isFalse();
		assertThat(allowances.tryConsume(customer, "api_rate")).isTrue();
		assertThat(allowances.tryConsume(customer, "api_access")).isTrue();
		assertThatThrownBy(() -> allowances.consume(customer, "no_such_feature"))
			.isInstanceOf(PlangateApiException.class);
		assertThat(serverUsed(customer)).isEqualTo(3);
	}

	@Test
	void consumesCountedLocallyAreNotLostWhenManyThreadsShareOneBlock() throws Exception {
		// given
		var customer = customerWithQuota(1_000_000);
		var allowances = client(1, Duration.ofSeconds(30)).allowances();
		var count = new LongAdder();

		// when
		Race.times(8, () -> {
			for (int i = 0; i < 10_000; i++) {
				allowances.consume(customer, CALLS);
				count.increment();
			}
			return null;
		});
		clients.forEach(Plangate::close);

		// then
		assertThat(count.sum()).isEqualTo(80_000);
		assertThat(serverUsed(customer)).isEqualTo(80_000);
	}

}
