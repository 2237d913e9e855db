package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;

/**
 * The limits of the agent-platform example's tiers on batches: how many operations one
 * may have (free 5, team 15, pro 50, enterprise 200), how many of a customer's batches
 * process at once (1, 2, 5, 10), the system-wide cap (5), whether operations run one at a
 * time (free, team) or all at once (pro and up), and who may submit at all.
 */
@FreshSchema
class BatchLimitsTest extends BatchTestSupport {

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_limits", "agent-platform.yaml", Map.of("system-concurrency", "5", "tick", "100ms"));
	}

	private Api.Response submitting(String customerId, String region, int size, Object... fields) {
		return submitting(batch(customerId, region, operations(size), fields));
	}

	private List<JsonNode> listed(String customerId) {
		var response = api.get("/v1/batches?customerId=" + Api.encode(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var batches = new ArrayList<JsonNode>();
		response.body().path("data").forEach(batches::add);
		return batches;
	}

	private JsonNode refusedForSize(String plan, int size) {
		var customer = customerOn(plan);
		var response = submitting(customer, "limits-size-" + plan, size);
		var problem = assertProblem(response, 402, "batch_size_exceeded");
		assertThat(listed(customer)).as("nothing is stored for a refused batch").isEmpty();
		return problem;
	}

	@Test
	void aFreeCustomersBatchOfFiveIsAcceptedAndOneOfSixIsRefusedNamingTheTeamPlan() {
		// given
		var customer = customerOn("free");

		// when
		var five = submitting(customer, "limits-size-free", 5);
		var six = submitting(customer, "limits-size-free", 6);

		// then
		assertThat(five.status()).as(five.toString()).isEqualTo(202);
		assertThat(five.body().path("operationCount").asInt()).isEqualTo(5);
		var problem = assertProblem(six, 402, "batch_size_exceeded");
		assertThat(problem.path("limit").asInt()).isEqualTo(5);
		assertThat(problem.path("size").asInt()).isEqualTo(6);
		assertThat(problem.path("upgradePlan").asString()).isEqualTo("team");
		assertThat(problem.path("customerId").asString()).isEqualTo(customer);
		assertThat(listed(customer)).hasSize(1);
	}

	@Test
	void eachTierAcceptsBatchesUpToItsSizeAndNamesTheNextTierBeyond() {
		// given
		var team = customerOn("team");
		var pro = customerOn("pro");
		var enterprise = customerOn("enterprise");

		// when
		var teamAtLimit = submitting(team, "limits-size-tiers", 15);
		var proAtLimit = submitting(pro, "limits-size-tiers", 50);
		var enterpriseAtLimit = submitting(enterprise, "limits-size-tiers", 200);

		// then
		assertThat(List.of(teamAtLimit.status(), proAtLimit.status(), enterpriseAtLimit.status())).containsOnly(202);
		assertThat(refusedForSize("team", 16).path("upgradePlan").asString()).isEqualTo("pro");
		assertThat(refusedForSize("pro", 51).path("upgradePlan").asString()).isEqualTo("enterprise");
		var beyondEveryPlan = refusedForSize("enterprise", 201);
		assertThat(beyondEveryPlan.path("limit").asInt()).isEqualTo(200);
		assertThat(beyondEveryPlan.path("upgradePlan").isMissingNode()).as(beyondEveryPlan.toString()).isTrue();
	}

	@Test
	void aFreeCustomersSecondBatchWaitsQueuedWithItsPositionUntilTheFirstEnds() {
		// given
		var customer = customerOn("free");
		var first = submit(batch(customer, "limits-concurrent-free", operations(1)));

		// when
		var second = submit(batch(customer, "limits-concurrent-free", operations(1)));

		// then
		assertThat(first.path("status").asString()).isEqualTo("processing");
		assertThat(second.path("status").asString()).isEqualTo("queued");
		assertThat(second.path("position").asInt()).isEqualTo(1);
		var running = poll("w1", "limits-concurrent-free", 10, 1);
		assertThat(running).as("the queued batch's operation waits").hasSize(1);

		// when the first ends
		complete("w1", running.get(0));

		// then
		awaitStatus(first, "completed");
		var admitted = awaitStatus(second, "processing");
		assertThat(admitted.has("position")).as("no position once admitted: " + admitted).isFalse();
		assertThat(poll("w1", "limits-concurrent-free", 10, 2)).extracting(t -> t.path("batchId").asString())
			.containsExactly(second.path("id").asString());
		assertThat(eventTypes(second)).containsExactly("batch.queued", "batch.processing", "operation.started");
	}

	@Test
	void aQueuedBatchThatIsCancelledIsNeverAdmitted() {
		// given
		var customer = customerOn("free");
		var first = submit(batch(customer, "limits-cancel-queued", operations(1)));
		var second = submit(batch(customer, "limits-cancel-queued", operations(2)));

		// when
		var cancelled = cancel(second);
		complete("w1", poll("w1", "limits-cancel-queued", 1, 2).get(0));

		// then
		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
		assertThat(cancelled.body().path("status").asString()).isEqualTo("cancelled");
		assertThat(cancelled.body().path("counts").path("cancelled").asInt()).isEqualTo(2);
		awaitStatus(first, "completed");
		assertThat(poll("w1", "limits-cancel-queued", 10, 1)).isEmpty();
		assertThat(eventTypes(second)).containsExactly("batch.queued", "batch.cancelling", "batch.cancelled");
	}

	@Test
	void aFreeCustomerAskingToFailFastIsRefusedWhileItsBatchProcesses() {
		// given
		var customer = customerOn("free");
		var first = submitting(customer, "limits-failfast", 1, "failFast", true);

		// when
		var second = submitting(customer, "limits-failfast", 1, "failFast", true);

		// then
		assertThat(first.status()).as("nothing held yet: fail-fast admits").isEqualTo(202);
		var problem = assertProblem(second, 429, "concurrency_limit_reached");
		assertThat(problem.path("limit").asInt()).isEqualTo(1);
		assertThat(problem.path("customerId").asString()).isEqualTo(customer);
		assertThat(listed(customer)).hasSize(1);
	}

	@Test
	void aTeamCustomerProcessesTwoBatchesAtOnceAndQueuesTheThird() {
		// given
		var customer = customerOn("team");

		// when
		var statuses = new ArrayList<String>();
		for (int i = 0; i < 3; i++) {
			statuses.add(submit(batch(customer, "limits-concurrent-team", operations(1))).path("status").asString());
		}

		// then
		assertThat(statuses).containsExactly("processing", "processing", "queued");
	}

	@Test
	void theSystemProcessesAtMostFiveBatchesAtOnceWhoeverSubmitsThem() {
		// given: six customers, each allowed two batches at once
		var batches = new ArrayList<JsonNode>();
		for (int i = 0; i < 6; i++) {
			batches.add(submit(batch(customerOn("team"), "limits-system", operations(1))));
		}

		// when
		var statuses = batches.stream().map(this::status).toList();

		// then
		assertThat(statuses).containsExactly("processing", "processing", "processing", "processing", "processing",
				"queued");

		// when one ends
		var task = poll("w1", "limits-system", 1, 2);
		complete("w1", task.get(0));

		// then the sixth takes its slot, and still five process
		awaitStatus(batches.get(5), "processing");
		assertThat(batches.stream().map(this::status).filter("processing"::equals)).hasSize(5);
	}

	@Test
	void aFreeCustomersOperationsAreDispatchedOneAtATimeInOrder() {
		// given
		var submitted = submit(batch(customerOn("free"), "limits-sequential-free", operations(3)));

		// when
		var dispatched = new ArrayList<JsonNode>();
		var waiting = new ArrayList<Integer>();
		for (int i = 0; i < 3; i++) {
			var tasks = poll("w1", "limits-sequential-free", 10, 2);
			dispatched.addAll(tasks);
			waiting.add(poll("w1", "limits-sequential-free", 10, 0).size());
			tasks.forEach(t -> complete("w1", t));
		}

		// then
		assertThat(submitted.path("parallel").asBoolean()).isFalse();
		assertThat(seqs(dispatched)).containsExactly(0, 1, 2);
		assertThat(waiting).as("nothing more is dispatched while one runs").containsOnly(0);
		awaitStatus(submitted, "completed");
	}

	@Test
	void aTeamCustomersOperationsAreDispatchedOneAtATime() {
		// given
		var submitted = submit(batch(customerOn("team"), "limits-sequential-team", operations(3)));

		// when
		var tasks = poll("w1", "limits-sequential-team", 10, 2);

		// then
		assertThat(submitted.path("parallel").asBoolean()).isFalse();
		assertThat(seqs(tasks)).containsExactly(0);
	}

	@Test
	void aProCustomersOperationsAreAllDispatchedAtOnce() {
		// given
		var submitted = submit(batch(customerOn("pro"), "limits-parallel-pro", operations(5)));

		// when
		var tasks = poll("w1", "limits-parallel-pro", 10, 2);

		// then
		assertThat(submitted.path("parallel").asBoolean()).isTrue();
		assertThat(seqs(tasks)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
	}

	@Test
	void aSuspendedCustomerCannotSubmit() {
		// given
		var customer = customerOn("pro");
		assertThat(api.post(customerPath(customer) + "/suspend", null).status()).isEqualTo(200);

		// when
		var response = submitting(customer, "limits-status", 1);

		// then
		assertProblem(response, 403, "customer_suspended");
		assertThat(listed(customer)).isEmpty();
	}

	@Test
	void aDeletedCustomerCannotSubmit() {
		// given
		var customer = customerOn("pro");
		assertThat(api.delete(customerPath(customer)).status()).isEqualTo(200);

		// when
		var response = submitting(customer, "limits-status", 1);

		// then
		assertProblem(response, 409, "customer_deleted");
		assertThat(listed(customer)).isEmpty();
	}

	@Test
	void anUnknownCustomerCannotSubmit() {
		// when
		var response = submitting(uniqueId("nobody"), "limits-status", 1);

		// then
		assertProblem(response, 404, "customer_not_found");
	}

}
