package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * Grants under racing consumes, on one node and on two nodes sharing the database: the
 * allowance and the grants together admit exactly what they hold, every unit drawn is
 * taken from one grant once, each grant drawn down to nothing is told spent
 * ({@code grant.exhausted}) exactly once, and nothing is drawn from a grant after it is
 * revoked.
 */
class GrantRaceTest extends ServerTest {

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

	private String customerWithAllowance(long limit) {
		var customer = newCustomer("grant-race");
		GrantCalls.allow(api, customer, limit);
		return customer;
	}

	private JsonNode grant(String customer, long amount, String extra) {
		return GrantCalls.grant(api, customer, amount, extra);
	}

	private JsonNode read(String customer, JsonNode grant) {
		var response = api.get("/v1/customers/" + customer + "/grants/" + grant.path("id").asString());
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	/**
	 * One consume of 1 unit, with an idempotency key of its own each time it is called.
	 */
	private static Callable<Api.Response> consume(Api node, String customer) {
		return () -> node.post("/v1/consume",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"idempotencyKey\":\"%s\"}".formatted(customer,
						UUID.randomUUID()));
	}

	private JsonNode quota(String customer) {
		var response = api.get("/v1/customers/" + customer + "/usage");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body()
			.path("quotas")
			.valueStream()
			.filter(q -> q.path("feature").asString().equals("api_calls"))
			.findFirst()
			.orElseThrow();
	}

	/** The ids of the grants told spent ({@code grant.exhausted}), once per event. */
	private List<String> toldExhausted(String customer) {
		var response = api.get("/v1/customers/" + customer + "/events?type=grant.exhausted&limit=500");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").valueStream().map(e -> {
			assertThat(e.path("data").path("remaining").asLong()).isZero();
			assertThat(e.path("data").path("status").asString()).isEqualTo("spent");
			return e.path("data").path("id").asString();
		}).toList();
	}

	private static List<Integer> statuses(List<Api.Response> responses) {
		return responses.stream().map(Api.Response::status).toList();
	}

	private static long fromGrants(List<Api.Response> responses) {
		return responses.stream()
			.filter(r -> r.status() == 200)
			.mapToLong(r -> r.body().path("fromGrants").asLong(0))
			.sum();
	}

	/**
	 * 200 consumes of 1 against an allowance of 30 and grants of 12 and 8: exactly 50
	 * admitted, both grants spent, and every count agrees.
	 */
	private void assertExactlyAllowanceAndGrantsAdmitted(String customer, JsonNode sooner, JsonNode never,
			List<Api.Response> responses) {
		assertThat(statuses(responses)).filteredOn(s -> s == 200).hasSize(50);
		assertThat(statuses(responses)).filteredOn(s -> s == 402).hasSize(150);
		assertThat(responses).filteredOn(r -> r.status() == 402)
			.allSatisfy(r -> assertThat(r.code()).isEqualTo("quota_exceeded"));
		assertThat(fromGrants(responses)).isEqualTo(20);
		var soonerAfter = read(customer, sooner);
		var neverAfter = read(customer, never);
		assertThat(soonerAfter.path("remaining").asLong()).isZero();
		assertThat(neverAfter.path("remaining").asLong()).isZero();
		assertThat(soonerAfter.path("status").asString()).isEqualTo("spent");
		assertThat(soonerAfter.path("drawn").asLong() + neverAfter.path("drawn").asLong()).isEqualTo(20);
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(50);
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(20);
		assertThat(view.path("grants").path("remaining").asLong()).isZero();
		assertThat(toldExhausted(customer)).as("each grant told spent once")
			.containsExactlyInAnyOrder(sooner.path("id").asString(), never.path("id").asString());
	}

	@Test
	void twoHundredConsumesAtOnceOnOneNodeAdmitExactlyTheAllowanceAndTheGrants() throws Exception {
		// given
		var customer = customerWithAllowance(30);
		var sooner = grant(customer, 12, ",\"expiresAt\":\"2999-01-01T00:00:00Z\"");
		var never = grant(customer, 8, "");

		// when
		var responses = Race.times(200, consume(api, customer));

		// then
		assertExactlyAllowanceAndGrantsAdmitted(customer, sooner, never, responses);
	}

	@Test
	void twoHundredConsumesSplitAcrossTwoNodesAdmitExactlyTheAllowanceAndTheGrants() throws Exception {
		// given
		var customer = customerWithAllowance(30);
		var sooner = grant(customer, 12, ",\"expiresAt\":\"2999-01-01T00:00:00Z\"");
		var never = grant(customer, 8, "");
		var nodes = List.of(api, otherNode());
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 200; i++) {
			tasks.add(consume(nodes.get(i % 2), customer));
		}

		// when
		var responses = Race.run(tasks);

		// then
		assertExactlyAllowanceAndGrantsAdmitted(customer, sooner, never, responses);
	}

	@Test
	void nothingIsDrawnFromAGrantAfterItIsRevokedWhileConsumesRace() throws Exception {
		// given: an allowance of 10, a large grant drawn first and a small one after it
		var customer = customerWithAllowance(10);
		var revoked = grant(customer, 1000, ",\"expiresAt\":\"2999-01-01T00:00:00Z\"");
		var kept = grant(customer, 20, "");
		var nodes = List.of(api, otherNode());
		var fortyAdmitted = new CountDownLatch(40);
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 300; i++) {
			var consume = consume(nodes.get(i % 2), customer);
			tasks.add(() -> {
				var response = consume.call();
				if (response.status() == 200) {
					fortyAdmitted.countDown();
				}
				return response;
			});
		}
		// the revoke lands once 30 units have been drawn from the large grant, while
		// consumes are still coming
		tasks.add(150, () -> {
			assertThat(fortyAdmitted.await(60, TimeUnit.SECONDS)).isTrue();
			return nodes.get(1).delete("/v1/customers/" + customer + "/grants/" + revoked.path("id").asString());
		});

		// when
		var responses = Race.run(tasks);

		// then
		var revocation = responses.remove(150);
		assertThat(revocation.status()).as(revocation.toString()).isEqualTo(200);
		long remainingAtRevoke = revocation.body().path("remaining").asLong();
		assertThat(remainingAtRevoke).as("revoked mid-race").isBetween(1L, 970L);
		var revokedAfter = read(customer, revoked);
		var keptAfter = read(customer, kept);
		assertThat(revokedAfter.path("remaining").asLong()).as("nothing drawn after the revoke")
			.isEqualTo(remainingAtRevoke);
		assertThat(revokedAfter.path("status").asString()).isEqualTo("revoked");
		long drawn = revokedAfter.path("drawn").asLong() + keptAfter.path("drawn").asLong();
		long admitted = statuses(responses).stream().filter(s -> s == 200).count();
		assertThat(admitted).isEqualTo(10 + drawn);
		assertThat(fromGrants(responses)).isEqualTo(drawn);
		assertThat(statuses(responses)).isSubsetOf(200, 402);
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(admitted);
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(drawn);
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(toldExhausted(customer)).as("only a grant drawn to nothing is told spent")
			.isEqualTo(keptAfter.path("remaining").asLong() == 0 ? List.of(kept.path("id").asString()) : List.of());
	}

	@Test
	void ofTwentyRevokesOfAGrantAtOnceExactlyOneRevokesIt() throws Exception {
		// given: five grants, each revoked twenty times at once, split across two nodes
		var customer = customerWithAllowance(10);
		var nodes = List.of(api, otherNode());
		var paths = new ArrayList<String>();
		for (int g = 0; g < 5; g++) {
			paths.add("/v1/customers/" + customer + "/grants/" + grant(customer, 5, "").path("id").asString());
		}
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 100; i++) {
			var node = nodes.get(i % 2);
			var path = paths.get(i % 5);
			tasks.add(() -> node.delete(path));
		}

		// when
		var responses = Race.run(tasks);

		// then
		for (int g = 0; g < 5; g++) {
			int grant = g;
			var ofGrant = new ArrayList<Api.Response>();
			for (int i = grant; i < responses.size(); i += 5) {
				ofGrant.add(responses.get(i));
			}
			assertThat(statuses(ofGrant)).as("revokes of grant %d: %s", grant, ofGrant)
				.filteredOn(s -> s == 200)
				.hasSize(1);
			assertThat(ofGrant).filteredOn(r -> r.status() != 200)
				.allSatisfy(r -> assertThat(r.code()).isEqualTo("grant_revoked"));
			var winner = ofGrant.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
			assertThat(api.get(paths.get(grant)).body().path("revokedAt")).isEqualTo(winner.body().path("revokedAt"));
		}
		var audits = api.get("/v1/admin/audit-events?limit=500&targetType=customer&targetId=" + customer)
			.body()
			.path("data")
			.valueStream()
			.filter(e -> e.path("action").asString().equals("grant.revoked"))
			.toList();
		assertThat(audits).hasSize(5);
	}

	@Test
	void aGrantPostedTenTimesAtOnceWithOneIdempotencyKeyIsCreatedOnce() throws Exception {
		// given
		var customer = customerWithAllowance(10);
		var key = UUID.randomUUID().toString();
		var body = "{\"feature\":\"api_calls\",\"amount\":5}";
		var nodes = List.of(api, otherNode());
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 10; i++) {
			var node = nodes.get(i % 2);
			tasks.add(() -> node.send("POST", "/v1/customers/" + customer + "/grants", body,
					Map.of("Idempotency-Key", key)));
		}

		// when
		var responses = Race.run(tasks);

		// then
		// a repeat arriving after the first answer is a replay (201), one arriving while
		// it
		// runs is told so (409): either may happen, and nothing else
		assertThat(statuses(responses)).isSubsetOf(201, 409).contains(201);
		assertThat(responses).filteredOn(r -> r.status() == 409)
			.allSatisfy(r -> assertThat(r.code()).isEqualTo("idempotency_key_in_use"));
		var grants = api.get("/v1/customers/" + customer + "/grants").body().path("data");
		assertThat(grants.size()).as(grants.toString()).isEqualTo(1);
		assertThat(responses).filteredOn(r -> r.status() == 201)
			.allSatisfy(r -> assertThat(r.body().path("id")).isEqualTo(grants.get(0).path("id")));
	}

}
