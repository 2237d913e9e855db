package dev.plangate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.client.FaultInjectingProxy.Fault;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link Plangate} client against a running server: every call's answer and typed
 * refusals, retries that count once, track's batching, buffer and flush guarantees,
 * leases held by their heartbeat, and batches followed live while a worker runs them.
 */
@FreshSchema
class PlangateSdkTest extends ServerTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "sdk_client");
	}

	private final List<AutoCloseable> closeAfter = new ArrayList<>();

	private final List<UsageEvent> failedEvents = new CopyOnWriteArrayList<>();

	private Plangate plangate;

	@BeforeEach
	void connect() {
		plangate = client(URI.create("http://localhost:" + port)).build();
		closeAfter.add(plangate);
	}

	@AfterEach
	void close() throws Exception {
		for (var c : closeAfter) {
			c.close();
		}
	}

	private Plangate.Builder client(URI base) {
		return Plangate.builder(base, Objects.requireNonNull(api.key()))
			.retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)))
			.shutdownHook(false)
			.onTrackFailure((events, cause) -> failedEvents.addAll(events));
	}

	private FaultInjectingProxy proxy(java.util.function.Function<FaultInjectingProxy.Seen, Fault> rule)
			throws Exception {
		var proxy = new FaultInjectingProxy(port, rule);
		closeAfter.add(0, proxy);
		return proxy;
	}

	private void limit(String customer, String feature, long limit) {
		var response = api.put("/v1/customers/" + customer + "/overrides/" + feature,
				"{\"value\":{\"limit\":" + limit + "}}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private long used(String customer) {
		return Objects.requireNonNull(plangate.check(customer, "api_calls", 1).used());
	}

	@Test
	void customersAreCreatedReadSuspendedAndUnknownOnesAreNotFound() {
		// given
		var id = uniqueId("sdk-customer");

		// when
		var created = plangate.upsertCustomer(id,
				CustomerChanges.none().withName("Acme").withKind("organization").withMetadata(Map.of("tier", "gold")));
		var read = plangate.customer(id);
		var suspended = plangate.suspendCustomer(id);

		// then
		assertThat(created.name()).isEqualTo("Acme");
		assertThat(created.kind()).isEqualTo("organization");
		assertThat(read.metadata()).containsEntry("tier", "gold");
		assertThat(suspended.status()).isEqualTo("suspended");
		assertThatThrownBy(() -> plangate.consume(id, "api_calls"))
			.isInstanceOfSatisfying(CustomerSuspendedException.class, ex -> assertThat(ex.status()).isEqualTo(403));
		assertThat(plangate.activateCustomer(id).status()).isEqualTo("active");
		assertThat(plangate.consume(id, "api_calls").allowed()).isTrue();
		assertThat(plangate.customers(id, null, 10).data()).extracting(Customer::id).containsExactly(id);
		assertThatThrownBy(() -> plangate.customer(uniqueId("sdk-nobody")))
			.isInstanceOfSatisfying(NotFoundException.class, ex -> {
				assertThat(ex.status()).isEqualTo(404);
				assertThat(ex.code()).isEqualTo("customer_not_found");
			});
	}

	@Test
	void subscriptionsAreReadChangedPreviewedCancelledAndResumed() {
		// given
		var customer = newCustomer("sdk-subscription");

		// when
		var initial = plangate.subscription(customer);
		var preview = plangate.previewPlanChange(customer, PlanChange.to("enterprise"));
		var upgraded = plangate.changePlan(customer, PlanChange.to("pro"));
		var entitlements = plangate.entitlements(customer);
		var canceling = plangate.cancelSubscription(customer, false);
		var resumed = plangate.resumeSubscription(customer);
		var canceled = plangate.cancelSubscription(customer, true);

		// then
		assertThat(initial.plan().key()).isEqualTo("free");
		assertThat(preview.direction()).isEqualTo("upgrade");
		assertThat(preview.to().key()).isEqualTo("enterprise");
		assertThat(preview.allowed()).isTrue();
		assertThat(upgraded.plan().key()).isEqualTo("pro");
		assertThat(upgraded.status()).isEqualTo("trialing");
		assertThat(entitlements.subscription().plan().key()).isEqualTo("pro");
		assertThat(entitlements.feature("api_calls")).satisfies(e -> {
			assertThat(e.kind()).isEqualTo("quota");
			assertThat(e.limit()).isEqualTo(100_000);
			assertThat(e.overage()).isNotNull();
		});
		assertThat(entitlements.feature("advanced_analytics").enabled()).isTrue();
		assertThat(canceling.cancelAtPeriodEnd()).isTrue();
		assertThat(resumed.cancelAtPeriodEnd()).isFalse();
		assertThat(canceled.plan().key()).isEqualTo("free");
		assertThatThrownBy(() -> plangate.changePlan(customer, PlanChange.to("no_such_plan")))
			.isInstanceOfSatisfying(ValidationException.class, ex -> assertThat(ex.code()).isEqualTo("unknown_plan"));
		assertThatThrownBy(() -> plangate.cancelSubscription(customer, true)).isInstanceOfSatisfying(
				ConflictException.class, ex -> assertThat(ex.code()).isEqualTo("subscription_not_cancelable"));
		assertThatThrownBy(() -> plangate.subscription(uniqueId("sdk-nobody"))).isInstanceOf(NotFoundException.class);
	}

	@Test
	void checkAnswersDecisionsAndConsumeThrowsQuotaExceededWithItsFigures() {
		// given: 10 api_calls a month
		var customer = newCustomer("sdk-quota");
		limit(customer, "api_calls", 10);
		long decisionsBefore = plangate.status().remoteDecisions();

		// when
		var allowed = plangate.check(customer, "api_access");
		var notInPlan = plangate.check(customer, "sso");
		var consumed = plangate.consume(customer, "api_calls", 8);
		var wouldExceed = plangate.check(customer, "api_calls", 5);
		var refusal = plangate.tryConsume(Consume.of(customer, "api_calls").withAmount(5));

		// then
		assertThat(allowed.allowed()).isTrue();
		assertThat(allowed.kind()).isEqualTo("switch");
		assertThat(notInPlan.allowed()).isFalse();
		assertThat(notInPlan.code()).isEqualTo("feature_not_in_plan");
		assertThat(notInPlan.upgradePlan()).isEqualTo("enterprise");
		assertThat(consumed.allowed()).isTrue();
		assertThat(consumed.used()).isEqualTo(8);
		assertThat(consumed.remaining()).isEqualTo(2);
		assertThat(wouldExceed.allowed()).isFalse();
		assertThat(wouldExceed.code()).isEqualTo("quota_exceeded");
		assertThat(refusal.allowed()).isFalse();
		assertThat(refusal.code()).isEqualTo("quota_exceeded");
		assertThatThrownBy(() -> plangate.consume(customer, "api_calls", 5))
			.isInstanceOfSatisfying(QuotaExceededException.class, ex -> {
				assertThat(ex.status()).isEqualTo(402);
				assertThat(ex.code()).isEqualTo("quota_exceeded");
				assertThat(ex.limit()).isEqualTo(10);
				assertThat(ex.used()).isEqualTo(8);
				assertThat(ex.remaining()).isEqualTo(2);
				assertThat(ex.resetsAt()).isAfter(Instant.now());
				assertThat(ex.upgradePlan()).isEqualTo("pro");
				assertThat(ex.decision().feature()).isEqualTo("api_calls");
				assertThat(ex.decision().amount()).isEqualTo(5);
			});
		assertThatThrownBy(() -> plangate.consume(customer, "sso")).isInstanceOf(FeatureNotInPlanException.class);
		assertThat(used(customer)).as("refusals consume nothing").isEqualTo(8);
		assertThat(plangate.status().remoteDecisions() - decisionsBefore).as("4 checks and 4 consumes").isEqualTo(8);
		assertThat(plangate.status().localDecisions()).isZero();
	}

	@Test
	void aSpentRateIsRateLimitedWithWhenToRetryAndBadInputIsAValidationError() {
		// given: 60 api_rate requests a minute, all taken
		var customer = newCustomer("sdk-rate");
		plangate.consume(customer, "api_rate", 60);

		// then
		assertThat(plangate.check(customer, "api_rate")).satisfies(d -> {
			assertThat(d.allowed()).isFalse();
			assertThat(d.code()).isEqualTo("rate_limited");
			assertThat(d.retryAfter()).isPositive();
		});
		assertThatThrownBy(() -> plangate.consume(customer, "api_rate"))
			.isInstanceOfSatisfying(RateLimitedException.class, ex -> {
				assertThat(ex.status()).isEqualTo(429);
				assertThat(ex.limit()).isEqualTo(60);
				assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
			});
		assertThatThrownBy(() -> plangate.consume(customer, "Not A Key"))
			.isInstanceOfSatisfying(ValidationException.class, ex -> {
				assertThat(ex.status()).isEqualTo(400);
				assertThat(ex.fieldErrors()).extracting(PlangateApiException.FieldError::field).contains("feature");
			});
		assertThatThrownBy(() -> plangate.consume(uniqueId("sdk-nobody"), "api_calls")).isInstanceOfSatisfying(
				NotFoundException.class, ex -> assertThat(ex.code()).isEqualTo("customer_not_found"));
		assertThatThrownBy(() -> plangate.check(uniqueId("sdk-nobody"), "api_calls"))
			.isInstanceOf(NotFoundException.class);
	}

	@Test
	void aConsumeWhoseAnswerIsLostIsRetriedWithItsKeyAndCountedOnce() throws Exception {
		// given: a proxy that cuts the first consume's connection once the server has
		// recorded it, answers the first read of the customer 503, and the first read of
		// its
		// entitlements 429 with Retry-After: 1
		var customer = newCustomer("sdk-retry");
		var droppedConsume = new AtomicBoolean();
		var failedRead = new AtomicBoolean();
		var throttled = new AtomicBoolean();
		var proxy = proxy(seen -> {
			if (seen.path().equals("/v1/consume") && droppedConsume.compareAndSet(false, true)) {
				return Fault.DROP_RESPONSE;
			}
			if (seen.method().equals("GET") && seen.path().equals("/v1/customers/" + customer)
					&& failedRead.compareAndSet(false, true)) {
				return Fault.UNAVAILABLE;
			}
			if (seen.path().endsWith("/entitlements") && throttled.compareAndSet(false, true)) {
				return Fault.THROTTLED;
			}
			return Fault.NONE;
		});
		var viaProxy = client(proxy.uri()).build();
		closeAfter.add(0, viaProxy);

		// when
		var decision = viaProxy.consume(customer, "api_calls", 3);
		var read = viaProxy.customer(customer);
		long before = System.nanoTime();
		var entitlements = viaProxy.entitlements(customer);
		long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

		// then: two attempts with one key, counted once
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.used()).isEqualTo(3);
		var attempts = proxy.seen.stream().filter(s -> s.path().equals("/v1/consume")).toList();
		assertThat(attempts).hasSize(2);
		assertThat(attempts.get(0).idempotencyKey()).isNotEqualTo("null").isEqualTo(attempts.get(1).idempotencyKey());
		assertThat(used(customer)).isEqualTo(3);
		assertThat(read.id()).isEqualTo(customer);
		assertThat(proxy.count("GET", "/v1/customers/" + customer)).isEqualTo(2);
		assertThat(entitlements.customerId()).isEqualTo(customer);
		assertThat(proxy.count("GET", "/v1/customers/" + customer + "/entitlements")).isEqualTo(2);
		assertThat(waited).as("Retry-After honoured").isGreaterThanOrEqualTo(900);
	}

	@Test
	void aRefusalIsNotRetriedAndAnUnreachableServerIsAConnectionError() throws Exception {
		// given
		var customer = newCustomer("sdk-no-retry");
		limit(customer, "api_calls", 1);
		plangate.consume(customer, "api_calls");
		var proxy = proxy(seen -> Fault.NONE);
		var viaProxy = client(proxy.uri()).build();
		closeAfter.add(0, viaProxy);
		var nowhere = client(URI.create("http://127.0.0.1:1"))
			.retryPolicy(
					RetryPolicy.defaults().withMaxAttempts(2).withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)))
			.build();
		closeAfter.add(nowhere);

		// then
		assertThatThrownBy(() -> viaProxy.consume(customer, "api_calls")).isInstanceOf(QuotaExceededException.class);
		assertThat(proxy.count("POST", "/v1/consume")).isEqualTo(1);
		assertThatThrownBy(() -> nowhere.customer(customer)).isInstanceOf(PlangateConnectionException.class);
	}

	@Test
	void eventsTrackedFromManyThreadsAreAllCountedOnceAfterCloseInFewRequests() throws Exception {
		// given: a client whose first usage request's answer is lost
		var customer = newCustomer("sdk-track");
		limit(customer, "api_calls", 1_000_000);
		var dropped = new AtomicBoolean();
		var proxy = proxy(seen -> seen.path().equals("/v1/usage-events") && dropped.compareAndSet(false, true)
				? Fault.DROP_RESPONSE : Fault.NONE);
		var tracking = client(proxy.uri()).trackFlushInterval(Duration.ofMillis(200)).build();
		int threads = 8;
		int each = 500;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		var start = new CountDownLatch(1);

		// when
		var done = new ArrayList<Future<?>>();
		for (int t = 0; t < threads; t++) {
			done.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < each; i++) {
					tracking.track(customer, "api_calls", 1);
				}
				return null;
			}));
		}
		start.countDown();
		for (var f : done) {
			f.get(60, TimeUnit.SECONDS);
		}
		pool.shutdown();
		tracking.close();

		// then
		assertThat(used(customer)).isEqualTo(threads * each);
		assertThat(failedEvents).isEmpty();
		assertThat(tracking.pendingEvents()).isZero();
		long requests = proxy.count("POST", "/v1/usage-events");
		assertThat(requests).as("sent in large requests, one of them twice").isBetween(5L, 40L);
		assertThat(proxy.seen).filteredOn(seen -> seen.path().equals("/v1/usage-events"))
			.as("asking for the counts alone, as the answer is not read")
			.allSatisfy(seen -> assertThat(seen.prefer()).isEqualTo("return=minimal"));
		assertThatThrownBy(() -> tracking.track(customer, "api_calls", 1)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void withSeveralSendersAFlushWaitsForAnEarlierRequestStillUnderWay() throws Exception {
		// given: a server that holds the first usage request until released
		var customer = newCustomer("sdk-senders");
		var release = new CountDownLatch(1);
		var first = new AtomicBoolean();
		var proxy = proxy(seen -> {
			if (seen.path().equals("/v1/usage-events") && first.compareAndSet(false, true)) {
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return Fault.NONE;
		});
		var tracking = client(proxy.uri()).trackBatchSize(5)
			.trackSenders(3)
			.trackFlushInterval(Duration.ofMillis(20))
			.build();
		closeAfter.add(0, tracking);
		for (int i = 0; i < 5; i++) {
			tracking.track(customer, "api_calls", 1);
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> proxy.count("POST", "/v1/usage-events") == 1);

		// when: later events go out beside it and are recorded first
		for (int i = 0; i < 10; i++) {
			tracking.track(customer, "api_calls", 1);
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> used(customer) == 10);

		// then
		assertThat(proxy.count("POST", "/v1/usage-events")).as("more requests while the first is held")
			.isGreaterThanOrEqualTo(3);
		assertThat(tracking.flush(Duration.ofMillis(300))).as("the first request is still under way").isFalse();
		assertThat(tracking.pendingEvents()).isEqualTo(15);
		release.countDown();
		assertThat(tracking.flush(Duration.ofSeconds(20))).isTrue();
		assertThat(tracking.pendingEvents()).isZero();
		assertThat(used(customer)).isEqualTo(15);
		assertThat(failedEvents).isEmpty();
	}

	@Test
	void aFullTrackBufferBlocksForItsTimeoutThenThrowsAndLosesNothingTaken() throws Exception {
		// given: a server that holds usage requests until released
		var customer = newCustomer("sdk-full");
		var release = new CountDownLatch(1);
		var proxy = proxy(seen -> {
			if (seen.path().equals("/v1/usage-events")) {
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return Fault.NONE;
		});
		var tracking = client(proxy.uri()).trackBufferSize(5)
			.trackBatchSize(5)
			.trackSenders(1)
			.trackFlushInterval(Duration.ofMillis(20))
			.trackBlockTimeout(Duration.ofMillis(300))
			.build();
		closeAfter.add(0, tracking);
		for (int i = 0; i < 5; i++) {
			tracking.track(customer, "api_calls", 1);
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> proxy.count("POST", "/v1/usage-events") == 1);
		for (int i = 0; i < 5; i++) {
			tracking.track(customer, "api_calls", 1);
		}

		// when: one more than the buffer holds
		long before = System.nanoTime();
		assertThatThrownBy(() -> tracking.track(customer, "api_calls", 1)).isInstanceOf(TrackBufferFullException.class);
		long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

		// then: it waited, and everything taken is recorded once the server takes it
		assertThat(waited).isGreaterThanOrEqualTo(250);
		assertThat(tracking.flush(Duration.ofMillis(100))).as("still held").isFalse();
		release.countDown();
		assertThat(tracking.flush(Duration.ofSeconds(20))).isTrue();
		tracking.close();
		assertThat(used(customer)).isEqualTo(10);
		assertThat(failedEvents).isEmpty();
	}

	@Test
	void trackedEventsTheServerRefusesGoToTheFailureHandlerAndTheRestAreRecorded() throws Exception {
		// given
		var customer = newCustomer("sdk-refused");
		var unknown = UsageEvent.of(customer, "no_such_feature", 1);
		long failedBefore = plangate.status().trackFailed();

		// when
		plangate.track(customer, "api_calls", 2);
		plangate.track(unknown);
		plangate.track(customer, "api_calls", 3);
		assertThat(plangate.flush(Duration.ofSeconds(20))).isTrue();

		// then
		assertThat(used(customer)).isEqualTo(5);
		assertThat(failedEvents).containsExactly(unknown);
		var status = plangate.status();
		assertThat(status.trackFailed() - failedBefore).isEqualTo(1);
		assertThat(status.trackPending()).isZero();
		assertThat(status.stream()).isEqualTo(PlangateStatus.StreamState.OFF);
		assertThat(status.healthy()).isTrue();
	}

	@Test
	void aLeaseStaysHeldPastItsTtlWhileOpenAndCloseReleasesIt() throws Exception {
		// given: free allows one concurrent job
		var customer = newCustomer("sdk-lease");

		// when
		try (var lease = plangate.lease(customer, "concurrent_jobs", Duration.ofSeconds(1))) {
			Thread.sleep(3_000);

			// then: three TTLs later it is still held
			assertThat(lease.isHeld()).isTrue();
			assertThat(lease.limit()).isEqualTo(1);
			assertThat(lease.expiresAt()).isAfter(Instant.now());
			assertThat(plangate.tryLease(customer, "concurrent_jobs", Duration.ofSeconds(1))).isEmpty();
			assertThatThrownBy(() -> plangate.lease(customer, "concurrent_jobs"))
				.isInstanceOfSatisfying(ConcurrencyLimitReachedException.class, ex -> {
					assertThat(ex.status()).isEqualTo(429);
					assertThat(ex.limit()).isEqualTo(1);
					assertThat(ex.used()).isEqualTo(1);
					assertThat(ex.retryAfter()).isNotNull();
				});
		}

		// then: released at once
		try (var next = plangate.lease(customer, "concurrent_jobs", Duration.ofSeconds(5))) {
			assertThat(next.isHeld()).isTrue();
		}
	}

	@Test
	void grantsAreGivenDrawnListedAndRevoked() {
		// given: 2 api_calls a month and a grant of 5
		var customer = newCustomer("sdk-grant");
		limit(customer, "api_calls", 2);

		// when
		var grant = plangate.grant(customer, NewGrant.of("api_calls", 5).withReason("goodwill"));
		plangate.consume(customer, "api_calls", 2);
		var drawing = plangate.consume(customer, "api_calls", 3);
		var listed = plangate.grants(customer, "api_calls");
		var revoked = plangate.revokeGrant(customer, grant.id());

		// then
		assertThat(grant.status()).isEqualTo("active");
		assertThat(grant.remaining()).isEqualTo(5);
		assertThat(drawing.fromGrants()).isEqualTo(3);
		assertThat(listed).singleElement().satisfies(g -> assertThat(g.drawn()).isEqualTo(3));
		assertThat(revoked.status()).isEqualTo("revoked");
		assertThat(plangate.grant(customer, grant.id()).remaining()).isEqualTo(2);
		assertThatThrownBy(() -> plangate.revokeGrant(customer, grant.id()))
			.isInstanceOfSatisfying(ConflictException.class, ex -> assertThat(ex.code()).isEqualTo("grant_revoked"));
	}

	@Test
	void aBatchIsSubmittedAndFollowedLiveWhileTheWorkerRunsIt() throws Exception {
		// given
		var customer = newCustomer("sdk-batch");
		var workerKey = api.post("/v1/api-keys", "{\"name\":\"sdk-runner\",\"kind\":\"worker\"}")
			.body()
			.path("secret")
			.asString();
		var events = new CopyOnWriteArrayList<BatchEvent>();

		// when
		var batch = plangate.submitBatch(NewBatch.forCustomer(customer)
			.inRegion("sdk-1")
			.withOperation("resize", JSON.createObjectNode().put("n", 1))
			.withOperation("resize", JSON.createObjectNode().put("n", 2)));
		BatchEvent end;
		try (var follow = plangate.followBatch(customer, batch.id(), events::add);
				var worker = plangate.worker(workerKey)
					.regions("sdk-1")
					.pollWait(Duration.ofSeconds(1))
					.handle("resize", op -> JSON.createObjectNode().put("done", op.payload().path("n").asInt()))
					.start()) {
			end = follow.awaitEnd(Duration.ofSeconds(30));
		}
		var finished = plangate.batch(customer, batch.id());

		// then
		assertThat(batch.status()).isIn("queued", "processing");
		assertThat(end.type()).isEqualTo("batch.completed");
		assertThat(events).extracting(BatchEvent::type)
			.contains("operation.completed")
			.last()
			.isEqualTo("batch.completed");
		assertThat(events).extracting(BatchEvent::seq).isSorted();
		assertThat(finished.isFinished()).isTrue();
		assertThat(finished.operations()).hasSize(2).allSatisfy(op -> assertThat(op.status()).isEqualTo("succeeded"));
		assertThat(plangate.batches(customer, "completed", null, 10).data()).extracting(Batch::id)
			.containsExactly(batch.id());
		// pages show an event once it is 2 s old
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> plangate.batchEvents(customer, batch.id(), 0, 100).data().size() == events.size());
		assertThatThrownBy(() -> plangate.cancelBatch(customer, batch.id()))
			.isInstanceOfSatisfying(ConflictException.class, ex -> assertThat(ex.code()).isEqualTo("batch_finished"));
		assertThatThrownBy(() -> plangate.followBatch(customer, java.util.UUID.randomUUID(), e -> {
		}).awaitEnd(Duration.ofSeconds(10))).isInstanceOf(NotFoundException.class);
	}

}
