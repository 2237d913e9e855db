package dev.plangate.alert;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.platform.StoredJson;
import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

/**
 * Usage alerts through the API: each threshold of a quota fires once per period, on the
 * consume or usage event that crossed it, however many cross at once and on whichever
 * node; the quota exceeded fires once per period; each alert is in the history, mailed to
 * the customer and stored as an event.
 */
class UsageAlertsApiTest extends ServerTest {

	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@Autowired
	private JdbcClient jdbc;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	/**
	 * A customer allowed {@code limit} api_calls a month (the default thresholds: 80,
	 * 100).
	 */
	private String customerWithLimit(long limit) {
		var customer = newCustomer("alerts");
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls",
				"{\"value\":{\"limit\":" + limit + "}}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return customer;
	}

	private static Api.Response consume(Api node, String customer, long amount) {
		return consume(node, customer, amount, UUID.randomUUID().toString());
	}

	private static Api.Response consume(Api node, String customer, long amount, String key) {
		return node.post("/v1/consume", Api
			.json(Map.of("customerId", customer, "feature", "api_calls", "amount", amount, "idempotencyKey", key)));
	}

	private void consumed(String customer, long amount) {
		var response = consume(api, customer, amount);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private List<JsonNode> alerts(String customer) {
		var response = api.get("/v1/customers/" + customer + "/alerts");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").valueStream().toList();
	}

	private List<Map<String, Object>> events(String customer, String type) {
		return jdbc.sql("select data from event_log where customer_id = :c and type = :t order by seq")
			.param("c", customer)
			.param("t", type)
			.query(String.class)
			.list()
			.stream()
			.map(data -> StoredJson.read(data, Map.class))
			.map(data -> {
				@SuppressWarnings("unchecked")
				Map<String, Object> typed = data;
				return typed;
			})
			.toList();
	}

	private List<String> mailSubjects(String customer) {
		return jdbc.sql("select subject from mail_outbox where recipient = :to order by created_at")
			.param("to", customer + "@example.com")
			.query(String.class)
			.list();
	}

	@Test
	void crossingEightyPercentFiresOnceWithHistoryMailAndEvent() {
		// given: 7 of 10 used
		var customer = customerWithLimit(10);
		consumed(customer, 7);
		assertThat(alerts(customer)).isEmpty();

		// when: the 8th crosses 80 %, the 9th does not cross anything new
		var crossing = consume(api, customer, 1, "crossing-" + customer);
		consumed(customer, 1);

		// then
		assertThat(crossing.status()).as(crossing.toString()).isEqualTo(200);
		var history = alerts(customer);
		assertThat(history).hasSize(1);
		var alert = history.get(0);
		assertThat(alert.path("type").asString()).isEqualTo("usage.threshold_reached");
		assertThat(alert.path("feature").asString()).isEqualTo("api_calls");
		assertThat(alert.path("threshold").asInt()).isEqualTo(80);
		assertThat(alert.path("used").asLong()).isEqualTo(8);
		assertThat(alert.path("limit").asLong()).isEqualTo(10);
		assertThat(alert.path("eventId").asString()).isEqualTo("crossing-" + customer);
		assertThat(alert.path("periodStart").isString()).isTrue();
		assertThat(alert.path("periodEnd").isString()).isTrue();
		var events = events(customer, "usage.threshold_reached");
		assertThat(events).hasSize(1);
		assertThat(events.get(0)).containsEntry("feature", "api_calls")
			.containsEntry("threshold", 80)
			.containsEntry("used", 8)
			.containsEntry("limit", 10)
			.containsEntry("periodStart", alert.path("periodStart").asString())
			.containsEntry("periodEnd", alert.path("periodEnd").asString());
		assertThat(mailSubjects(customer)).containsExactly("You have used 80 % of your API calls per month");
		var mail = TestMail.awaitMessageTo(customer + "@example.com", Duration.ofSeconds(10));
		assertThat(mail.subject()).isEqualTo("You have used 80 % of your API calls per month");
		assertThat(mail.text()).contains("You have used 8 of the 10");
		assertThat(mail.html()).contains("<b>8</b>");
	}

	@Test
	void reachingTheLimitFiresHundredPercentOnce() {
		// given: 9 of 10 used, 80 % fired
		var customer = customerWithLimit(10);
		consumed(customer, 9);

		// when
		consumed(customer, 1);

		// then
		var history = alerts(customer);
		assertThat(history).extracting(a -> a.path("threshold").asInt()).containsExactly(100, 80);
		assertThat(history.get(0).path("used").asLong()).isEqualTo(10);
		assertThat(events(customer, "usage.threshold_reached")).extracting(e -> e.get("threshold"))
			.containsExactly(80, 100);
		assertThat(mailSubjects(customer)).containsExactly("You have used 80 % of your API calls per month",
				"You have used 100 % of your API calls per month");
	}

	@Test
	void aConsumeThatJumpsOverBothThresholdsFiresBoth() {
		// given
		var customer = customerWithLimit(10);

		// when
		var key = "jump-" + customer;
		consume(api, customer, 10, key);

		// then
		var history = alerts(customer);
		assertThat(history).extracting(a -> a.path("threshold").asInt()).containsExactlyInAnyOrder(80, 100);
		assertThat(history).allSatisfy(a -> assertThat(a.path("eventId").asString()).isEqualTo(key));
		assertThat(events(customer, "usage.threshold_reached")).hasSize(2);
		assertThat(mailSubjects(customer)).hasSize(2);
	}

	@Test
	void aRepeatedConsumeFiresNothingMore() {
		// given
		var customer = customerWithLimit(10);
		var key = "repeat-" + customer;
		consume(api, customer, 8, key);

		// when
		var repeat = consume(api, customer, 8, key);

		// then
		assertThat(repeat.body().path("duplicate").asBoolean()).isTrue();
		assertThat(alerts(customer)).hasSize(1);
	}

	@Test
	void usageEventsCrossingAThresholdFireItToo() {
		// given
		var customer = customerWithLimit(100);

		// when: one request whose second event crosses 80 %
		var response = api.post("/v1/usage-events", Api.json(Map.of("events", List.of(
				Map.of("id", "e1-" + customer, "customerId", customer, "feature", "api_calls", "amount", 70),
				Map.of("id", "e2-" + customer, "customerId", customer, "feature", "api_calls", "amount", 15)))));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var history = alerts(customer);
		assertThat(history).hasSize(1);
		assertThat(history.get(0).path("eventId").asString()).isEqualTo("e2-" + customer);
		assertThat(history.get(0).path("used").asLong()).isEqualTo(85);
	}

	@Test
	void quotaExceededFiresOnceDespiteManyRefusals() {
		// given: all 2 used
		var customer = customerWithLimit(2);
		consumed(customer, 2);

		// when
		var refusals = new ArrayList<Api.Response>();
		for (int i = 0; i < 5; i++) {
			refusals.add(consume(api, customer, 1));
		}

		// then
		assertThat(refusals).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(402));
		var exceeded = alerts(customer).stream()
			.filter(a -> a.path("type").asString().equals("quota.exceeded"))
			.toList();
		assertThat(exceeded).hasSize(1);
		assertThat(exceeded.get(0).has("threshold")).isFalse();
		assertThat(exceeded.get(0).path("used").asLong()).isEqualTo(2);
		var events = events(customer, "quota.exceeded");
		assertThat(events).hasSize(1);
		assertThat(events.get(0)).containsEntry("cause", "refused").containsEntry("limit", 2);
		assertThat(mailSubjects(customer)).contains("Your API calls per month allowance is used up");
	}

	@Test
	void theFirstOverageAdmissionFiresQuotaExceededOnce() {
		// given: a soft limit of 10
		var customer = newCustomer("alerts-overage");
		var set = api.put("/v1/customers/" + customer + "/overrides/api_calls",
				"{\"value\":{\"limit\":10,\"overage\":{\"price\":2}}}");
		assertThat(set.status()).as(set.toString()).isEqualTo(200);
		consumed(customer, 10);

		// when
		consumed(customer, 2);
		consumed(customer, 3);

		// then
		var events = events(customer, "quota.exceeded");
		assertThat(events).hasSize(1);
		assertThat(events.get(0)).containsEntry("cause", "overage").containsEntry("used", 12);
	}

	@Test
	void theCustomersOwnThresholdsReplaceTheDefaults() {
		// given
		var customer = customerWithLimit(10);
		var set = api.put("/v1/customers/" + customer + "/alert-thresholds/api_calls", "{\"thresholds\":[50,90]}");

		// when
		consumed(customer, 5);
		consumed(customer, 3);
		consumed(customer, 1);

		// then
		assertThat(set.status()).as(set.toString()).isEqualTo(200);
		assertThat(set.body().path("source").asString()).isEqualTo("customer");
		assertThat(alerts(customer)).extracting(a -> a.path("threshold").asInt()).containsExactly(90, 50);
		var read = api.get("/v1/customers/" + customer + "/alert-thresholds/api_calls");
		assertThat(read.body().path("thresholds").valueStream().map(JsonNode::asInt).toList()).containsExactly(50, 90);
		var audit = jdbc
			.sql("select count(*) from audit_event where target_id = :c and action = 'alert_thresholds.set'")
			.param("c", customer)
			.query(Long.class)
			.single();
		assertThat(audit).isEqualTo(1);
	}

	@Test
	void removingTheCustomersThresholdsBringsBackTheDefaults() {
		// given
		var customer = customerWithLimit(10);
		api.put("/v1/customers/" + customer + "/alert-thresholds/api_calls", "{\"thresholds\":[50]}");

		// when
		var removed = api.delete("/v1/customers/" + customer + "/alert-thresholds/api_calls");
		var again = api.delete("/v1/customers/" + customer + "/alert-thresholds/api_calls");

		// then
		assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
		assertThat(again.status()).isEqualTo(404);
		assertThat(again.code()).isEqualTo("alert_thresholds_not_found");
		var read = api.get("/v1/customers/" + customer + "/alert-thresholds/api_calls").body();
		assertThat(read.path("source").asString()).isEqualTo("default");
		assertThat(read.path("thresholds").valueStream().map(JsonNode::asInt).toList()).containsExactly(80, 100);
	}

	@Test
	void twoHundredParallelConsumesCrossingEightyPercentFireItExactlyOnce() throws Exception {
		// given: 250 allowed, so the 200th call reaches 80 %
		var customer = customerWithLimit(250);

		// when
		var answers = Race.times(200, () -> consume(api, customer, 1).status());

		// then
		assertThat(answers).containsOnly(200);
		assertThat(alerts(customer)).hasSize(1);
		assertThat(events(customer, "usage.threshold_reached")).hasSize(1);
		assertThat(mailSubjects(customer)).hasSize(1);
	}

	@Test
	void parallelConsumesOnTwoNodesFireEachAlertExactlyOnce() throws Exception {
		// given: 250 allowed; two nodes on one database
		var customer = customerWithLimit(250);
		var nodes = List.of(api, secondNode.startLike(environment).api(api.key()));

		// when: 300 calls, half on each node: 250 admitted, 50 refused
		var tasks = new ArrayList<Callable<Integer>>();
		for (int i = 0; i < 300; i++) {
			var node = nodes.get(i % 2);
			tasks.add(() -> consume(node, customer, 1).status());
		}
		var answers = Race.run(tasks);

		// then
		assertThat(answers.stream().filter(s -> s == 200)).hasSize(250);
		assertThat(alerts(customer)).extracting(a -> a.path("type").asString() + ":" + a.path("threshold").asInt(0))
			.containsExactlyInAnyOrder("usage.threshold_reached:80", "usage.threshold_reached:100", "quota.exceeded:0");
		assertThat(events(customer, "usage.threshold_reached")).hasSize(2);
		assertThat(events(customer, "quota.exceeded")).hasSize(1);
		assertThat(mailSubjects(customer)).hasSize(3);
	}

	@Test
	void theHistoryPagesNewestFirstAndFiltersByFeature() {
		// given: three alerts
		var customer = customerWithLimit(10);
		consumed(customer, 10);
		consume(api, customer, 1);

		// when
		var first = api.get("/v1/customers/" + customer + "/alerts?limit=2");
		var second = api
			.get("/v1/customers/" + customer + "/alerts?limit=2&cursor=" + first.body().path("nextCursor").asString());
		var seats = api.get("/v1/customers/" + customer + "/alerts?feature=seats");

		// then
		assertThat(first.body().path("data")).hasSize(2);
		assertThat(first.body().path("data").get(0).path("type").asString()).isEqualTo("quota.exceeded");
		assertThat(second.body().path("data")).hasSize(1);
		assertThat(second.body().path("nextCursor").isNull() || second.body().path("nextCursor").isMissingNode())
			.isTrue();
		assertThat(seats.body().path("data")).isEmpty();
	}

	@Test
	void theTokensCustomerReadsItsOwnAlertsOnly() {
		// given
		var customer = customerWithLimit(10);
		var other = customerWithLimit(10);
		consumed(customer, 8);
		consumed(other, 10);
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		var me = api.withKey(minted.body().path("token").asString());

		// when
		var mine = me.get("/v1/me/alerts");
		var theirs = me.get("/v1/customers/" + other + "/alerts");

		// then
		assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
		assertThat(mine.body().path("data")).hasSize(1);
		assertThat(mine.body().path("data").get(0).path("threshold").asInt()).isEqualTo(80);
		assertThat(theirs.status()).isEqualTo(403);
	}

	@Test
	void badThresholdsAreRefusedNamingEachProblem() {
		// given
		var customer = newCustomer("alerts-bad");
		var path = "/v1/customers/" + customer + "/alert-thresholds/";

		// when
		var outOfRange = api.put(path + "api_calls", "{\"thresholds\":[0,80,1001]}");
		var unsorted = api.put(path + "api_calls", "{\"thresholds\":[100,80]}");
		var repeated = api.put(path + "api_calls", "{\"thresholds\":[80,80]}");
		var empty = api.put(path + "api_calls", "{\"thresholds\":[]}");
		var missing = api.put(path + "api_calls", "{}");
		var wrongType = api.put(path + "api_calls", "{\"thresholds\":\"80\"}");
		var nullItem = api.put(path + "api_calls", "{\"thresholds\":[80,null]}");
		var malformed = api.put(path + "api_calls", "{\"thresholds\":[80,");
		var notAQuota = api.put(path + "api_access", "{\"thresholds\":[80]}");
		var unknownFeature = api.put(path + "no_such_feature", "{\"thresholds\":[80]}");
		var unknownCustomer = api.put("/v1/customers/nobody-" + customer + "/alert-thresholds/api_calls",
				"{\"thresholds\":[80]}");
		var textBody = api.send("PUT", path + "api_calls", "thresholds=80", Map.of("Content-Type", "text/plain"));

		// then
		assertThat(outOfRange.status()).as(outOfRange.toString()).isEqualTo(422);
		assertThat(outOfRange.code()).isEqualTo("invalid_alert_thresholds");
		assertThat(outOfRange.body().path("errors").valueStream().map(e -> e.path("field").asString()).toList())
			.containsExactly("thresholds[0]", "thresholds[2]");
		assertThat(unsorted.code()).as(unsorted.toString()).isEqualTo("invalid_alert_thresholds");
		assertThat(repeated.code()).as(repeated.toString()).isEqualTo("invalid_alert_thresholds");
		assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
		assertThat(missing.status()).as(missing.toString()).isEqualTo(400);
		assertThat(wrongType.status()).as(wrongType.toString()).isEqualTo(400);
		assertThat(nullItem.status()).as(nullItem.toString()).isEqualTo(400);
		assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
		assertThat(malformed.code()).isEqualTo("malformed_json");
		assertThat(notAQuota.status()).as(notAQuota.toString()).isEqualTo(422);
		assertThat(notAQuota.code()).isEqualTo("invalid_alert_thresholds");
		assertThat(unknownFeature.status()).isEqualTo(404);
		assertThat(unknownFeature.code()).isEqualTo("feature_not_found");
		assertThat(unknownCustomer.status()).isEqualTo(404);
		assertThat(unknownCustomer.code()).isEqualTo("customer_not_found");
		assertThat(textBody.status()).isEqualTo(415);
		assertThat(
				api.get("/v1/customers/" + customer + "/alert-thresholds/api_calls").body().path("source").asString())
			.isEqualTo("default");
	}

	@Test
	void badHistoryQueriesAreRefused() {
		// given
		var customer = newCustomer("alerts-query");

		// when
		var badCursor = api.get("/v1/customers/" + customer + "/alerts?cursor=nonsense");
		var badLimit = api.get("/v1/customers/" + customer + "/alerts?limit=0");
		var unknownFeature = api.get("/v1/customers/" + customer + "/alerts?feature=nothing_here");
		var unknownCustomer = api.get("/v1/customers/nobody-" + customer + "/alerts");

		// then
		assertThat(badCursor.status()).as(badCursor.toString()).isEqualTo(400);
		assertThat(badCursor.code()).isEqualTo("invalid_request");
		assertThat(badLimit.status()).isEqualTo(400);
		assertThat(unknownFeature.status()).isEqualTo(404);
		assertThat(unknownCustomer.status()).isEqualTo(404);
	}

}
