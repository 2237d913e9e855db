package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.MovableClockConfiguration;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Plan changes that wait for the end of the period, their checks against what a customer
 * holds and their cost, over HTTP, on a server whose clock the test moves (a database of
 * its own keeps that clock from other tests).
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class PlanChangeTimeTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "plan_changes");
	}

	/** Another node on the same database, on the system clock. */
	private static final SecondNode secondNode = new SecondNode();

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private Environment environment;

	private static String subscription(String customerId) {
		return "/v1/customers/" + Api.encode(customerId) + "/subscription";
	}

	private JsonNode read(String customerId) {
		var response = api.get(subscription(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode changePlan(String customerId, String body) {
		var response = api.post(subscription(customerId), body);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode preview(String customerId, String query) {
		var response = api.get(subscription(customerId) + "/preview?" + query);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private List<String> actions(String customerId) {
		var response = api.get(subscription(customerId) + "/history");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").findValuesAsString("action");
	}

	private JsonNode lastChange(String customerId) {
		var history = api.get(subscription(customerId) + "/history").body().path("data");
		return history.get(history.size() - 1);
	}

	private List<String> auditActions(String customerId) {
		var response = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").findValuesAsString("action");
	}

	private void consume(String customerId, String feature, long amount) {
		var response = api.post("/v1/consume", Api.json(Map.of("customerId", customerId, "feature", feature, "amount",
				amount, "idempotencyKey", uniqueId("hold"))));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("allowed").asBoolean()).as(response.toString()).isTrue();
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	private static String plan(JsonNode subscription) {
		return subscription.path("plan").path("key").asString();
	}

	private static void assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
	}

	@Test
	void aDowngradeWaitsForThePeriodsEndThenTheSystemAppliesIt() {
		// given: enterprise from March 10th
		clock.set(Instant.parse("2027-03-10T12:00:00Z"));
		var id = newCustomer("change-later");
		var periodEnd = instant(changePlan(id, "{\"plan\":\"enterprise\"}").path("currentPeriodEnd"));

		// when: a move to pro, a cheaper plan
		clock.set(Instant.parse("2027-03-20T00:00:00Z"));
		var scheduled = changePlan(id, "{\"plan\":\"pro\"}");

		// then: still enterprise, pro pending for the period's end
		assertThat(plan(scheduled)).isEqualTo("enterprise");
		var pending = scheduled.path("pendingChange");
		assertThat(pending.path("plan").path("key").asString()).isEqualTo("pro");
		assertThat(instant(pending.path("effectiveAt"))).isEqualTo(periodEnd);
		assertThat(pending.path("forced").asBoolean()).isFalse();
		clock.set(periodEnd.minusSeconds(1));
		assertThat(plan(read(id))).isEqualTo("enterprise");

		// when: the period ends
		clock.set(periodEnd);

		// then: pro, active (no trial for a scheduled move), its period from the boundary
		var after = read(id);
		assertThat(plan(after)).isEqualTo("pro");
		assertThat(after.path("status").asString()).isEqualTo("active");
		assertThat(after.has("pendingChange")).isFalse();
		assertThat(instant(after.path("currentPeriodStart"))).isEqualTo(periodEnd);
		assertThat(instant(after.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-05-10T12:00:00Z"));
		assertThat(actions(id)).containsExactly("created", "plan_changed", "change_scheduled",
				"scheduled_change_applied");
		var applied = lastChange(id);
		assertThat(applied.path("actor").asString()).isEqualTo("system");
		assertThat(applied.path("fromPlan").asString()).isEqualTo("enterprise");
		assertThat(applied.path("toPlan").asString()).isEqualTo("pro");
		assertThat(instant(applied.path("changedAt"))).isEqualTo(periodEnd);
	}

	@Test
	void aDowngradeAskedForNowHappensNow() {
		// given
		clock.set(Instant.parse("2027-04-01T00:00:00Z"));
		var id = newCustomer("change-now");
		changePlan(id, "{\"plan\":\"enterprise\"}");

		// when
		var changed = changePlan(id, "{\"plan\":\"free\",\"when\":\"now\"}");

		// then
		assertThat(plan(changed)).isEqualTo("free");
		assertThat(changed.has("pendingChange")).isFalse();
	}

	@Test
	void anUpgradeAskedForThePeriodsEndWaitsAndANewChangeReplacesIt() {
		// given
		clock.set(Instant.parse("2027-04-01T00:00:00Z"));
		var id = newCustomer("change-replace");

		// when
		var first = changePlan(id, "{\"plan\":\"enterprise\",\"when\":\"period_end\"}");
		var second = changePlan(id, "{\"plan\":\"enterprise\",\"when\":\"now\"}");

		// then
		assertThat(plan(first)).isEqualTo("free");
		assertThat(first.path("pendingChange").path("plan").path("key").asString()).isEqualTo("enterprise");
		assertThat(plan(second)).isEqualTo("enterprise");
		assertThat(second.has("pendingChange")).isFalse();
	}

	@Test
	void aScheduledChangeCanBeTakenBackOnce() {
		// given
		clock.set(Instant.parse("2027-05-01T00:00:00Z"));
		var id = newCustomer("change-back");
		var periodEnd = instant(changePlan(id, "{\"plan\":\"enterprise\"}").path("currentPeriodEnd"));
		changePlan(id, "{\"plan\":\"free\"}");

		// when
		var kept = api.delete(subscription(id) + "/pending-change");
		var again = api.delete(subscription(id) + "/pending-change");

		// then
		assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
		assertThat(kept.body().has("pendingChange")).isFalse();
		assertProblem(again, 409, "no_pending_change");
		assertThat(actions(id)).endsWith("change_scheduled", "scheduled_change_canceled");
		assertThat(auditActions(id)).contains("subscription.scheduled_change_canceled");
		clock.set(periodEnd);
		assertThat(plan(read(id))).isEqualTo("enterprise");
	}

	@Test
	void aCancellationReplacesAScheduledChange() {
		// given
		clock.set(Instant.parse("2027-05-01T00:00:00Z"));
		var id = newCustomer("change-cancel");
		var periodEnd = instant(changePlan(id, "{\"plan\":\"enterprise\"}").path("currentPeriodEnd"));
		changePlan(id, "{\"plan\":\"pro\"}");

		// when
		var canceled = api.delete(subscription(id));

		// then
		assertThat(canceled.body().has("pendingChange")).isFalse();
		assertThat(canceled.body().path("cancelAtPeriodEnd").asBoolean()).isTrue();
		clock.set(periodEnd);
		assertThat(plan(read(id))).isEqualTo("free");
	}

	@Test
	void aDowngradeBelowWhatTheCustomerHoldsIsRefusedAndChangesNothingUnlessForced() {
		// given: enterprise, 3 seats taken; free allows 1
		clock.set(Instant.parse("2027-06-01T00:00:00Z"));
		var id = newCustomer("change-blocked");
		var periodEnd = instant(changePlan(id, "{\"plan\":\"enterprise\"}").path("currentPeriodEnd"));
		consume(id, "seats", 3);
		var before = actions(id);

		// when
		var refused = api.post(subscription(id), "{\"plan\":\"free\"}");
		var refusedNow = api.post(subscription(id), "{\"plan\":\"free\",\"when\":\"now\"}");

		// then
		assertProblem(refused, 409, "downgrade_blocked");
		assertProblem(refusedNow, 409, "downgrade_blocked");
		var violations = refused.body().path("violations");
		assertThat(violations).hasSize(1);
		assertThat(violations.get(0).path("feature").asString()).isEqualTo("seats");
		assertThat(violations.get(0).path("used").asLong()).isEqualTo(3);
		assertThat(violations.get(0).path("targetLimit").asLong()).isEqualTo(1);
		assertThat(refused.body().path("plan").asString()).isEqualTo("free");
		assertThat(actions(id)).isEqualTo(before);
		assertThat(read(id).has("pendingChange")).isFalse();
		var preview = preview(id, "plan=free");
		assertThat(preview.path("allowed").asBoolean()).isFalse();
		assertThat(preview.path("violations").get(0).path("feature").asString()).isEqualTo("seats");

		// when: forced
		var forced = changePlan(id, "{\"plan\":\"free\",\"force\":true}");

		// then: scheduled, marked forced, audited with the violations, applied at the end
		assertThat(forced.path("pendingChange").path("forced").asBoolean()).isTrue();
		var audit = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(id))
			.body()
			.path("data");
		assertThat(audit.toString()).contains("subscription.change_scheduled").contains("\"forced\":true");
		clock.set(periodEnd);
		assertThat(plan(read(id))).isEqualTo("free");
	}

	@Test
	void aScheduledDowngradeIsCheckedAgainAtTheBoundaryAndAppliedOverLimitsWithAnAuditEntry() {
		// given: enterprise, 1 seat, free scheduled (it fits), then 2 more seats
		clock.set(Instant.parse("2027-07-01T00:00:00Z"));
		var id = newCustomer("change-recheck");
		var periodEnd = instant(changePlan(id, "{\"plan\":\"enterprise\"}").path("currentPeriodEnd"));
		consume(id, "seats", 1);
		changePlan(id, "{\"plan\":\"free\"}");
		consume(id, "seats", 2);

		// when
		clock.set(periodEnd);

		// then
		assertThat(plan(read(id))).isEqualTo("free");
		assertThat(auditActions(id)).contains("subscription.scheduled_change_over_limits");
	}

	@Test
	void leasesHeldCountAgainstTheTargetPlansConcurrency() {
		// given: enterprise holding 3 concurrent jobs; free allows 1
		clock.set(Instant.parse("2027-08-01T00:00:00Z"));
		var id = newCustomer("change-leases");
		changePlan(id, "{\"plan\":\"enterprise\"}");
		for (int i = 0; i < 3; i++) {
			var lease = api.post("/v1/leases", Api.json(Map.of("customerId", id, "feature", "concurrent_jobs")));
			assertThat(lease.status()).as(lease.toString()).isEqualTo(201);
		}

		// when
		var preview = preview(id, "plan=free&when=now");

		// then
		var violation = preview.path("violations").get(0);
		assertThat(violation.path("feature").asString()).isEqualTo("concurrent_jobs");
		assertThat(violation.path("used").asLong()).isEqualTo(3);
		assertThat(violation.path("targetLimit").asLong()).isEqualTo(1);
	}

	@Test
	void anUpgradeIsChargedForTheDaysLeftAndADowngradeCostsNothingUntilTheNextInvoice() {
		// given: free from March 10th (a 31-day period), previewed on March 25th
		clock.set(Instant.parse("2027-03-10T00:00:00Z"));
		var id = newCustomer("change-price");
		clock.set(Instant.parse("2027-03-25T00:00:00Z"));

		// when
		var upgrade = preview(id, "plan=enterprise");

		// then: 16 of 31 days of enterprise's 49,900
		assertThat(upgrade.path("direction").asString()).isEqualTo("upgrade");
		assertThat(upgrade.path("when").asString()).isEqualTo("now");
		assertThat(upgrade.path("allowed").asBoolean()).isTrue();
		var proration = upgrade.path("proration");
		assertThat(proration.path("daysLeft").asLong()).isEqualTo(16);
		assertThat(proration.path("periodDays").asLong()).isEqualTo(31);
		assertThat(proration.path("credit").asLong()).isZero();
		assertThat(proration.path("charge").asLong()).isEqualTo(25_755);
		assertThat(proration.path("net").asLong()).isEqualTo(25_755);
		assertThat(proration.path("currency").asString()).isEqualTo("USD");
		assertThat(instant(upgrade.path("nextInvoice").path("at"))).isEqualTo(Instant.parse("2027-04-10T00:00:00Z"));
		assertThat(upgrade.path("nextInvoice").path("amount").asLong()).isEqualTo(49_900);
		assertThat(upgrade.path("dueNow").asLong()).isEqualTo(25_755);
		assertThat(upgrade.path("source").asString()).isEqualTo("plangate");

		// when: on enterprise, a downgrade to pro previewed
		changePlan(id, "{\"plan\":\"enterprise\"}");
		var downgrade = preview(id, "plan=pro");

		// then
		assertThat(downgrade.path("direction").asString()).isEqualTo("downgrade");
		assertThat(downgrade.path("when").asString()).isEqualTo("period_end");
		assertThat(instant(downgrade.path("effectiveAt"))).isEqualTo(Instant.parse("2027-04-10T00:00:00Z"));
		assertThat(downgrade.path("proration").path("net").asLong()).isZero();
		assertThat(downgrade.path("nextInvoice").path("amount").asLong()).isEqualTo(2_900);
		assertThat(plan(read(id))).as("a preview changes nothing").isEqualTo("enterprise");
	}

	@Test
	void aChangeDueAtTheBoundaryIsAppliedOnceWhenTwoNodesReadItAtOnce() throws Exception {
		// given: enterprise since 40 days ago, free scheduled; the boundary is in the
		// past
		var now = Instant.now();
		clock.set(now.minus(Duration.ofDays(40)));
		var id = newCustomer("change-nodes");
		changePlan(id, "{\"plan\":\"enterprise\"}");
		changePlan(id, "{\"plan\":\"free\"}");
		clock.set(now);
		var other = secondNode.startLike(environment).api(api.key());

		// when: eight reads at once, half on each node
		var reads = new ArrayList<Callable<String>>();
		for (int i = 0; i < 8; i++) {
			var node = i % 2 == 0 ? api : other;
			reads.add(() -> plan(node.get(subscription(id)).body()));
		}
		var plans = Race.run(reads);

		// then
		assertThat(plans).containsOnly("free");
		assertThat(actions(id).stream().filter("scheduled_change_applied"::equals)).hasSize(1);
	}

	@Test
	void badPlanChangesAndPreviewsAreClearProblems() {
		// given
		clock.set(Instant.parse("2027-09-01T00:00:00Z"));
		var id = newCustomer("change-bad");

		// when / then
		assertProblem(api.post(subscription(id), "{\"plan\":\"pro\",\"when\":\"later\"}"), 400, "invalid_request");
		assertProblem(api.post(subscription(id), "{\"plan\":\"pro\",\"force\":\"yes\"}"), 400, "invalid_request");
		assertProblem(api.get(subscription(id) + "/preview?plan=platinum"), 422, "unknown_plan");
		assertProblem(api.get(subscription(id) + "/preview"), 400, "invalid_request");
		assertProblem(api.get(subscription(id) + "/preview?plan=pro&when=tomorrow"), 400, "invalid_request");
		assertProblem(api.get(subscription("nobody-here") + "/preview?plan=pro"), 404, "customer_not_found");
		assertProblem(api.delete(subscription("nobody-here") + "/pending-change"), 404, "customer_not_found");
		assertThat(actions(id)).containsExactly("created");
	}

}
