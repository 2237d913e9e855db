package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Allowance blocks over HTTP on the default catalog (api_calls: a monthly quota): a block
 * counts as used at once, only what is left is granted, unspent units go back once while
 * the block lives, every refusal changes nothing, and racing reservations on one node and
 * on two never grant more than the quota.
 */
class AllowanceApiTest extends ServerTest {

	private static final String ALLOWANCES = "/v1/allowances";

	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@Autowired
	private AllowanceRepository repository;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	private String customerWithQuota(long limit) {
		var customer = newCustomer("allowance");
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":" + limit + "}");
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return customer;
	}

	private static String reserveBody(String customer, String feature, long amount) {
		return Api.json(Map.of("customerId", customer, "feature", feature, "amount", amount));
	}

	private Api.Response reserve(Api node, String customer, long amount) {
		return node.post(ALLOWANCES, reserveBody(customer, "api_calls", amount));
	}

	private JsonNode reserved(String customer, long amount) {
		var response = reserve(api, customer, amount);
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private Api.Response giveBack(String blockId, String customer, long unspent) {
		return api.post(ALLOWANCES + "/" + blockId + "/return",
				Api.json(Map.of("customerId", customer, "unspent", unspent)));
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

	private static void assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
	}

	private static List<String> fields(Api.Response response) {
		return response.body().path("errors").findValuesAsString("field");
	}

	@Test
	void aBlockCountsAsUsedAtOnceAndItsUnspentUnitsGoBack() {
		// given
		var customer = customerWithQuota(100);

		// when
		var block = reserved(customer, 30);

		// then
		assertThat(block.path("granted").asLong()).isEqualTo(30);
		assertThat(block.path("limit").asLong()).isEqualTo(100);
		assertThat(block.path("used").asLong()).isEqualTo(30);
		assertThat(block.path("remaining").asLong()).isEqualTo(70);
		assertThat(block.path("expiresAt").asString()).isNotEmpty();
		assertThat(block.path("resetsAt").asString()).isNotEmpty();
		assertThat(used(customer)).isEqualTo(30);

		// when: 18 were spent
		var returned = giveBack(block.path("id").asString(), customer, 12);

		// then: the period counts only what was spent
		assertThat(returned.status()).as(returned.toString()).isEqualTo(200);
		assertThat(returned.body().path("returned").asLong()).isEqualTo(12);
		assertThat(returned.body().path("spent").asLong()).isEqualTo(18);
		assertThat(returned.body().path("duplicate").asBoolean()).isFalse();
		assertThat(used(customer)).isEqualTo(18);
		var events = api.get("/v1/customers/" + customer + "/usage/events?feature=api_calls");
		assertThat(events.status()).as(events.toString()).isEqualTo(200);
		assertThat(events.body().path("data").valueStream().mapToLong(e -> e.path("amount").asLong()).sum())
			.as(events.toString())
			.isEqualTo(18);
	}

	@Test
	void onlyWhatIsLeftIsGrantedAndThenTheRefusalIsAConsumes() {
		// given
		var customer = customerWithQuota(10);
		assertThat(api.post("/v1/consume", "{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\"}").status())
			.isEqualTo(200);

		// when
		var block = reserved(customer, 25);
		var refused = reserve(api, customer, 5);

		// then
		assertThat(block.path("granted").asLong()).isEqualTo(9);
		assertThat(block.path("remaining").asLong()).isZero();
		assertProblem(refused, 402, "quota_exceeded");
		var problem = refused.body();
		assertThat(problem.path("limit").asLong()).isEqualTo(10);
		assertThat(problem.path("used").asLong()).isEqualTo(10);
		assertThat(problem.path("remaining").asLong()).isZero();
		assertThat(problem.path("resetsAt").asString()).isNotEmpty();
		// the plan a consume's refusal names (other tests add plans to the shared
		// catalog)
		var consumeRefusal = api.post("/v1/consume",
				"{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\",\"amount\":5}");
		assertThat(consumeRefusal.status()).isEqualTo(402);
		assertThat(problem.path("upgradePlan").asString()).isNotEmpty()
			.isEqualTo(consumeRefusal.body().path("upgradePlan").asString());
		assertThat(used(customer)).isEqualTo(10);
	}

	@Test
	void aRetriedReservationWithItsKeyIsCountedOnce() {
		// given
		var customer = customerWithQuota(100);
		var body = reserveBody(customer, "api_calls", 40);

		// when
		var first = api.send("POST", ALLOWANCES, body, Map.of("Idempotency-Key", "reserve-1"));
		var again = api.send("POST", ALLOWANCES, body, Map.of("Idempotency-Key", "reserve-1"));

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(again.status()).as(again.toString()).isEqualTo(201);
		assertThat(again.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
		assertThat(used(customer)).isEqualTo(40);
	}

	@Test
	void aBlockIsGivenBackOnceAndAnotherAmountIsRefused() {
		// given
		var customer = customerWithQuota(100);
		var id = reserved(customer, 50).path("id").asString();
		assertThat(giveBack(id, customer, 20).status()).isEqualTo(200);

		// when
		var same = giveBack(id, customer, 20);
		var other = giveBack(id, customer, 30);

		// then
		assertThat(same.status()).as(same.toString()).isEqualTo(200);
		assertThat(same.body().path("duplicate").asBoolean()).isTrue();
		assertThat(same.body().path("returned").asLong()).isEqualTo(20);
		assertProblem(other, 409, "allowance_returned");
		assertThat(used(customer)).isEqualTo(30);
	}

	@Test
	void returningMoreThanWasGrantedIsRefusedAndChangesNothing() {
		// given
		var customer = customerWithQuota(100);
		var id = reserved(customer, 10).path("id").asString();

		// when
		var over = giveBack(id, customer, 11);
		var negative = giveBack(id, customer, -1);

		// then
		assertProblem(over, 400, "invalid_request");
		assertThat(fields(over)).contains("unspent");
		assertProblem(negative, 400, "invalid_request");
		assertThat(fields(negative)).contains("unspent");
		assertThat(used(customer)).isEqualTo(10);
		assertThat(giveBack(id, customer, 10).body().path("returned").asLong()).isEqualTo(10);
		assertThat(used(customer)).isZero();
	}

	@Test
	void anotherCustomersBlockOrAnUnknownOneIsNotFound() {
		// given
		var owner = customerWithQuota(100);
		var other = customerWithQuota(100);
		var id = reserved(owner, 10).path("id").asString();

		// when
		var theirs = giveBack(id, other, 10);
		var unknown = giveBack(UUID.randomUUID().toString(), owner, 1);
		var malformed = giveBack("not-a-uuid", owner, 1);

		// then
		assertProblem(theirs, 404, "allowance_not_found");
		assertProblem(unknown, 404, "allowance_not_found");
		assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
		assertThat(used(owner)).isEqualTo(10);
		assertThat(used(other)).isZero();
	}

	@Test
	void aBlockGivenBackAfterItExpiredStaysUsed() throws Exception {
		// given: a block living one second
		var customer = customerWithQuota(100);
		var response = api.post(ALLOWANCES,
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 10, "ttlSeconds", 1)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		Thread.sleep(1_200);

		// when
		var late = giveBack(response.body().path("id").asString(), customer, 10);

		// then
		assertThat(late.status()).as(late.toString()).isEqualTo(200);
		assertThat(late.body().path("returned").asLong()).isZero();
		assertThat(late.body().path("spent").asLong()).isEqualTo(10);
		assertThat(used(customer)).isEqualTo(10);
	}

	@Test
	void blocksExpiredLongerAgoThanTheRetentionAreRemovedAndWhatTheyCountedStays() {
		// given: a block living one second and one living an hour
		var customer = customerWithQuota(100);
		var shortLived = api.post(ALLOWANCES,
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 10, "ttlSeconds", 1)));
		var longLived = api.post(ALLOWANCES,
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 5, "ttlSeconds", 3600)));
		assertThat(shortLived.status()).as(shortLived.toString()).isEqualTo(201);
		assertThat(longLived.status()).as(longLived.toString()).isEqualTo(201);

		// when: a day's retention purged half an hour later than a day from now
		var later = Clock.offset(Clock.systemUTC(), Duration.ofDays(1).plusMinutes(30));
		int removed = new AllowanceRetention(repository, new AllowanceSettings(Duration.ofDays(1)), later).purge();

		// then: the first is gone, the second can still be given back, the usage is kept
		assertThat(removed).isPositive();
		assertProblem(giveBack(shortLived.body().path("id").asString(), customer, 10), 404, "allowance_not_found");
		var back = giveBack(longLived.body().path("id").asString(), customer, 5);
		assertThat(back.status()).as(back.toString()).isEqualTo(200);
		assertThat(used(customer)).isEqualTo(10);
	}

	@Test
	void badReservationsAreRefusedAndChangeNothing() {
		// given
		var customer = customerWithQuota(100);

		// when / then
		assertProblem(api.post(ALLOWANCES, "{\"customerId\":"), 400, "malformed_json");
		var zero = reserve(api, customer, 0);
		assertProblem(zero, 400, "invalid_request");
		assertThat(fields(zero)).contains("amount");
		var missing = api.post(ALLOWANCES, "{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\"}");
		assertProblem(missing, 400, "invalid_request");
		assertThat(fields(missing)).contains("amount");
		var wrongType = api.post(ALLOWANCES,
				"{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\",\"amount\":\"many\"}");
		assertThat(wrongType.status()).as(wrongType.toString()).isEqualTo(400);
		var longTtl = api.post(ALLOWANCES,
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 1, "ttlSeconds", 3601)));
		assertProblem(longTtl, 400, "invalid_request");
		assertThat(fields(longTtl)).contains("ttlSeconds");
		assertProblem(reserve(api, uniqueId("nobody"), 1), 404, "customer_not_found");
		assertProblem(api.post(ALLOWANCES, reserveBody(customer, "no_such_feature", 1)), 422, "unknown_feature");
		assertProblem(api.post(ALLOWANCES, reserveBody(customer, "api_rate", 1)), 422, "feature_kind_not_supported");
		assertProblem(api.post(ALLOWANCES, reserveBody(customer, "api_access", 1)), 422, "feature_kind_not_supported");
		var text = api.send("POST", ALLOWANCES, "amount=1", Map.of("Content-Type", "text/plain"));
		assertThat(text.status()).as(text.toString()).isEqualTo(415);
		assertThat(used(customer)).isZero();
	}

	@Test
	void racingReservationsOnTwoNodesGrantExactlyTheQuota() throws Exception {
		// given
		var customer = customerWithQuota(500);
		var nodes = List.of(api, secondNode.startLike(environment).api(api.key()));
		var tasks = new ArrayList<Callable<Long>>();
		for (int i = 0; i < 120; i++) {
			var node = nodes.get(i % 2);
			tasks.add(() -> {
				var response = reserve(node, customer, 7);
				return response.status() == 201 ? response.body().path("granted").asLong() : 0L;
			});
		}

		// when
		var granted = Race.run(tasks);

		// then: 120 × 7 was asked for; exactly 500 was granted
		assertThat(granted.stream().mapToLong(Long::longValue).sum()).isEqualTo(500);
		assertThat(used(customer)).isEqualTo(500);
	}

}
