package dev.plangate.metering;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.PlangateException;

/**
 * Group commit for the usage ledger. Requests queue their events; a writer thread takes
 * as many queued requests as are waiting (up to {@code plangate.ledger.batch-events}
 * events) and writes them in one transaction. With {@code plangate.ledger.writers} above
 * one, each writer has its own queue and a request goes to the writer of its (first)
 * customer, so one customer's consumes are batched together and never race each other on
 * this node; writers of one node lock totals as writers of different nodes do, in key
 * order. A request's future completes only after that transaction has committed, so
 * nothing acknowledged can be lost, while one commit carries the events of many requests.
 * A request's events are written together or not at all. What the batch did to quotas of
 * a known limit is published, in its transaction, as a {@link QuotaProgress}, and each
 * grant it spent as {@code grant.exhausted}.
 */
@Component
class LedgerWriter implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

	private final LedgerRepository repository;

	private final GrantRepository grantRepository;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final ApplicationEventPublisher publisher;

	private final int batchEvents;

	private final List<BlockingQueue<Pending>> queues;

	private volatile boolean running;

	private final List<Thread> writers = new ArrayList<>();

	private final LedgerMetrics metrics;

	LedgerWriter(LedgerRepository repository, GrantRepository grantRepository, TransactionTemplate transactions,
			Clock clock, LedgerSettings settings, LedgerMetrics metrics, ApplicationEventPublisher publisher) {
		this.repository = repository;
		this.publisher = publisher;
		this.grantRepository = grantRepository;
		this.transactions = transactions;
		this.clock = clock;
		this.batchEvents = settings.batchEvents();
		var queues = new ArrayList<BlockingQueue<Pending>>();
		for (int i = 0; i < settings.writers(); i++) {
			queues.add(new ArrayBlockingQueue<>(settings.queueRequests()));
		}
		this.queues = List.copyOf(queues);
		this.metrics = metrics;
		metrics.queues(this.queues);
	}

	/**
	 * One request's events, the limit a consume is decided against (absent: record), the
	 * most overage its period may admit (absent: the limit is hard;
	 * {@link Long#MAX_VALUE}: no cap), its answer, and per event the allowance its usage
	 * is measured against for {@link QuotaProgress} (absent: unlimited or unknown), and
	 * the customer's state version a consume was decided at (absent: none), which must
	 * still be the customer's when it is written: else it is answered with no decisions,
	 * to be decided again on the state as it is.
	 */
	record Pending(List<UsageEvent> events, @Nullable Long limit, @Nullable Long overageCap,
			CompletableFuture<List<LedgerDecision>> answer, List<@Nullable Allowance> allowances,
			@Nullable Long stateVersion) {

		Pending {
			if (allowances.size() != events.size()) {
				throw new IllegalArgumentException(
						allowances.size() + " allowances for " + events.size() + " events; give one for each");
			}
		}

		Pending(List<UsageEvent> events, @Nullable Long limit, @Nullable Long overageCap,
				CompletableFuture<List<LedgerDecision>> answer) {
			this(events, limit, overageCap, answer, Collections.nCopies(events.size(), null), null);
		}

		/**
		 * Whether this request's customer is still at the state version it was decided
		 * at.
		 */
		boolean current(Map<String, Long> versions) {
			return stateVersion == null || stateVersion.equals(versions.get(events.get(0).customerId()));
		}

	}

	/**
	 * A quota's allowance (plan or override, grants not counted) in the period holding an
	 * event, and when that period ends (absent: lifetime).
	 */
	record Allowance(long limit, @Nullable Instant periodEnd) {
	}

	/**
	 * Queues a request's events to be recorded; the answer completes once they are
	 * committed.
	 * @param allowances one for each event: its quota's allowance, absent when unlimited
	 * @throws PlangateException {@code ledger_busy} when the queue is full (the caller
	 * should retry)
	 */
	CompletableFuture<List<LedgerDecision>> submit(List<UsageEvent> events, List<@Nullable Allowance> allowances) {
		return enqueue(new Pending(List.copyOf(events), null, null, new CompletableFuture<>(),
				Collections.unmodifiableList(new ArrayList<>(allowances)), null));
	}

	/**
	 * Queues one consume, admitted only if the period's total stays within {@code limit}
	 * and the customer's grants; with an {@code overageCap}, what they do not cover is
	 * admitted as overage while the period's overage stays within the cap.
	 * {@code periodEnd} is the end of the period the consume counts in. With a
	 * {@code stateVersion}, the consume is written only if the customer's state version
	 * is still that one in the transaction that writes it, read there for every consume
	 * of the batch at once; else the answer is empty.
	 */
	CompletableFuture<List<LedgerDecision>> consume(UsageEvent event, long limit, @Nullable Long overageCap,
			@Nullable Instant periodEnd, @Nullable Long stateVersion) {
		var allowance = limit == Long.MAX_VALUE ? null : new Allowance(limit, periodEnd);
		var allowances = new ArrayList<@Nullable Allowance>();
		allowances.add(allowance);
		return enqueue(
				new Pending(List.of(event), limit, overageCap, new CompletableFuture<>(), allowances, stateVersion));
	}

	private CompletableFuture<List<LedgerDecision>> enqueue(Pending pending) {
		if (!running) {
			throw new PlangateException(ErrorCode.LEDGER_BUSY, "The usage ledger is not accepting events right now");
		}
		if (!queueOf(pending.events().isEmpty() ? "" : pending.events().get(0).customerId()).offer(pending)) {
			throw new PlangateException(ErrorCode.LEDGER_BUSY, "The usage ledger is busy; retry shortly")
				.with("retryAfter", 1);
		}
		return pending.answer();
	}

	/** The queue of the writer that writes a customer's requests on this node. */
	private BlockingQueue<Pending> queueOf(String customerId) {
		return queues.get(Math.floorMod(customerId.hashCode(), queues.size()));
	}

	private void run(BlockingQueue<Pending> queue) {
		var batch = new ArrayList<Pending>();
		while (running || !queue.isEmpty()) {
			try {
				var first = queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				int events = first.events().size();
				Pending next;
				while (events < batchEvents && (next = queue.peek()) != null
						&& events + next.events().size() <= batchEvents) {
					batch.add(queue.poll());
					events += next.events().size();
				}
				long start = System.nanoTime();
				write(batch);
				metrics.committed(events, start);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			finally {
				batch.clear();
			}
		}
	}

	/**
	 * Writes a batch in one transaction; if that fails, each request on its own, so one
	 * cannot fail another.
	 */
	private void write(List<Pending> batch) {
		try {
			var answers = transactions.execute(status -> writeCurrent(batch));
			for (int i = 0; i < batch.size(); i++) {
				batch.get(i).answer().complete(answers.get(i));
			}
		}
		catch (RuntimeException ex) {
			if (batch.size() == 1) {
				log.warn("Writing {} usage events failed", batch.get(0).events().size(), ex);
				batch.get(0).answer().completeExceptionally(ex);
				return;
			}
			for (var pending : batch) {
				write(List.of(pending));
			}
		}
	}

	/**
	 * Decides and writes the requests of a batch whose customers are still at the state
	 * version they were decided at, and answers the others with no decisions; run inside
	 * the caller's transaction. The state versions are read by the statement that locks
	 * the batch's totals.
	 */
	private List<List<LedgerDecision>> writeCurrent(List<Pending> batch) {
		var now = clock.instant();
		var customers = batch.stream()
			.filter(pending -> pending.stateVersion() != null)
			.map(pending -> pending.events().get(0).customerId())
			.distinct()
			.toList();
		var locked = lock(batch, customers, now);
		if (customers.isEmpty()) {
			return writeTogether(batch, locked.totals(), now);
		}
		var versions = locked.versions();
		var current = batch.stream().filter(pending -> pending.current(versions)).toList();
		if (current.size() == batch.size()) {
			return writeTogether(batch, locked.totals(), now);
		}
		var written = current.isEmpty() ? List.<List<LedgerDecision>>of()
				: writeTogether(current, locked.totals(), now);
		var answers = new ArrayList<List<LedgerDecision>>();
		int next = 0;
		for (var pending : batch) {
			answers.add(pending.current(versions) ? written.get(next++) : List.of());
		}
		return answers;
	}

	/**
	 * Locks every total a batch's events add to, before any is read or changed, and reads
	 * the state versions of {@code customers}.
	 */
	private LedgerRepository.Locked lock(List<Pending> batch, List<String> customers, Instant now) {
		var keys = new ArrayList<LedgerRepository.TotalKey>();
		for (var pending : batch) {
			for (var event : pending.events()) {
				keys.add(keyOf(event));
			}
		}
		return repository.lockTotals(keys, customers, now);
	}

	/**
	 * Decides and writes one batch; run inside the caller's transaction (package-visible
	 * for tests).
	 */
	List<List<LedgerDecision>> writeTogether(List<Pending> batch) {
		var now = clock.instant();
		return writeTogether(batch, lock(batch, List.of(), now).totals(), now);
	}

	/**
	 * Decides and writes one batch whose totals are locked, as they were when locked
	 * (changed here as the batch adds to them).
	 */
	private List<List<LedgerDecision>> writeTogether(List<Pending> batch, Map<LedgerRepository.TotalKey, Long> locked,
			Instant now) {
		// the first occurrence of an id in the batch is decided; later ones are its
		// duplicates
		var firsts = new LinkedHashMap<LedgerRepository.EventRef, UsageEvent>();
		var limits = new HashMap<LedgerRepository.EventRef, Long>();
		var caps = new HashMap<LedgerRepository.EventRef, Long>();
		var allowances = new HashMap<LedgerRepository.EventRef, Allowance>();
		for (var pending : batch) {
			for (int i = 0; i < pending.events().size(); i++) {
				var event = pending.events().get(i);
				boolean first = firsts.putIfAbsent(idOf(event), event) == null;
				var allowance = pending.allowances().get(i);
				if (first && allowance != null && allowance.limit() > 0) {
					allowances.put(idOf(event), allowance);
				}
				if (first && pending.limit() != null) {
					limits.put(idOf(event), pending.limit());
					if (pending.overageCap() != null) {
						caps.put(idOf(event), pending.overageCap());
					}
				}
			}
		}
		var totals = new HashMap<>(locked);
		// the totals as locked, from which each inserted event's before and after are
		// told
		var running = new HashMap<>(totals);
		var steps = new ArrayList<QuotaProgress.Step>();
		// a consume repeated from an earlier batch is answered as it was decided then
		var consumes = limits.keySet().stream().map(id -> LedgerRepository.EventRef.of(firsts.get(id))).toList();
		var earlier = consumes.isEmpty() ? null : repository.decidedBefore(consumes);
		var stored = earlier == null ? Map.<LedgerRepository.EventRef, LedgerRepository.Stored>of() : earlier.stored();
		var refusals = earlier == null ? Map.<LedgerRepository.EventRef, LedgerDecision>of() : earlier.refusals();
		var decided = new HashMap<LedgerRepository.EventRef, LedgerDecision>();
		var grants = new GrantDraws(grantRepository, now);
		var drawsOf = new HashMap<LedgerRepository.EventRef, List<GrantDraws.Draw>>();
		// the period's overage so far, read once a total is locked and then kept here
		var overages = new HashMap<LedgerRepository.TotalKey, Long>();
		var toInsert = new ArrayList<UsageEvent>();
		var consumed = new ArrayList<LedgerRepository.@Nullable Consumed>();
		for (var event : firsts.values()) {
			var limit = limits.get(idOf(event));
			if (limit == null) {
				// usage already happened: it counts toward the total later consumes in
				// this batch are decided on
				totals.computeIfPresent(keyOf(event), (key, total) -> total + event.amount());
				toInsert.add(event);
				consumed.add(null);
				continue;
			}
			var ref = LedgerRepository.EventRef.of(event);
			var before = stored.get(ref);
			if (before != null) {
				// an event recorded without a limit is answered with the total now
				long usedAfter = before.usedAfter() == null ? totals.get(keyOf(event)) : before.usedAfter();
				decided.put(idOf(event), new LedgerDecision(before.event(), true, usedAfter, limit, before.fromGrants(),
						before.grantsLeft(), before.overage(), null));
				continue;
			}
			if (refusals.containsKey(ref)) {
				decided.put(idOf(event), refusals.get(ref));
				continue;
			}
			long used = totals.get(keyOf(event));
			// what the plan's allowance does not cover is drawn from grants
			long beyond = used + event.amount() - Math.max(limit, used);
			var cap = caps.get(idOf(event));
			Long fromGrants = null;
			Long grantsLeft = null;
			Long overage = null;
			if (beyond > 0) {
				// with overage, the grants give what they hold and the rest is overage
				long wanted = beyond;
				long over = 0;
				if (cap != null) {
					var held = grants.left(event);
					wanted = Math.min(beyond, held == null ? 0 : held);
					over = beyond - wanted;
				}
				long overSoFar = over == 0 ? 0 : overages.computeIfAbsent(keyOf(event),
						key -> repository.overage(key.customerId(), key.feature(), key.periodStart()));
				var draws = over > cap(cap) - overSoFar ? null
						: wanted == 0 ? List.<GrantDraws.Draw>of() : grants.take(event, wanted);
				grantsLeft = grants.left(event);
				if (draws == null) {
					var capPassed = over > 0 ? cap : null;
					repository.insertRefusal(event, used, limit, grantsLeft, capPassed, now);
					var allowance = allowances.get(idOf(event));
					if (allowance != null) {
						steps.add(step(QuotaProgress.Kind.REFUSED, event, allowance, used, used));
					}
					decided.put(idOf(event), new LedgerDecision(recorded(event, now), false, used, limit, null,
							grantsLeft, null, capPassed));
					continue;
				}
				drawsOf.put(idOf(event), draws);
				fromGrants = wanted > 0 ? wanted : null;
				if (over > 0) {
					overage = over;
					overages.put(keyOf(event), overSoFar + over);
				}
			}
			totals.put(keyOf(event), used + event.amount());
			toInsert.add(event);
			consumed.add(new LedgerRepository.Consumed(used + event.amount(), fromGrants, grantsLeft, overage));
		}
		boolean[] inserted = repository.record(toInsert, consumed, now);
		var draws = new ArrayList<GrantDraws.Draw>();
		for (int i = 0; i < toInsert.size(); i++) {
			var event = toInsert.get(i);
			var limit = limits.get(idOf(event));
			var drawn = drawsOf.getOrDefault(idOf(event), List.of());
			if (inserted[i]) {
				draws.addAll(drawn);
				var c = consumed.get(i);
				long before = running.get(keyOf(event));
				running.put(keyOf(event), before + event.amount());
				var allowance = allowances.get(idOf(event));
				if (allowance != null) {
					steps.add(step(QuotaProgress.Kind.ADMITTED, event, allowance, before, before + event.amount()));
					if (c != null && c.overage() != null) {
						steps.add(step(QuotaProgress.Kind.OVERAGE, event, allowance, before, before + event.amount()));
					}
				}
				decided.put(idOf(event),
						new LedgerDecision(recorded(event, now), true, c == null ? 0 : c.usedAfter(), limit,
								c == null ? null : c.fromGrants(), c == null ? null : c.grantsLeft(),
								c == null ? null : c.overage(), null));
			}
			else {
				// recorded before, or by another node a moment ago under the same id for
				// another feature
				totals.computeIfPresent(keyOf(event), (key, total) -> total - event.amount());
				grants.giveBack(drawn);
				var c = consumed.get(i);
				if (c != null && c.overage() != null) {
					overages.computeIfPresent(keyOf(event), (key, over) -> over - c.overage());
				}
				var first = repository.find(event.customerId(), event.eventId()).orElseThrow();
				decided.put(idOf(event), new LedgerDecision(first, true, 0, limit, null, null, null, null));
			}
		}
		grantRepository.applyDraws(draws, now);
		for (var spent : grants.spentBy(draws)) {
			var grant = grantRepository.find(spent).orElseThrow();
			publisher.publishEvent(new OutboundEvent(GrantService.EXHAUSTED, grant.customerId(),
					GrantController.GrantView.of(grant, now)));
		}
		if (!steps.isEmpty()) {
			publisher.publishEvent(new QuotaProgress(steps));
		}
		var answers = new ArrayList<List<LedgerDecision>>();
		for (var pending : batch) {
			answers.add(pending.events().stream().map(event -> {
				var decision = decided.get(idOf(event));
				boolean repeat = decision.event().duplicate() || firsts.get(idOf(event)) != event;
				return repeat ? new LedgerDecision(asDuplicate(decision.event()), decision.admitted(), decision.used(),
						decision.limit(), decision.fromGrants(), decision.grantsLeft(), decision.overage(),
						decision.overageCap()) : decision;
			}).toList());
		}
		return answers;
	}

	private static QuotaProgress.Step step(QuotaProgress.Kind kind, UsageEvent event, Allowance allowance, long before,
			long after) {
		return new QuotaProgress.Step(kind, event.customerId(), event.feature(), event.periodStart(),
				allowance.periodEnd(), event.eventId(), before, after, allowance.limit());
	}

	private static long cap(@Nullable Long cap) {
		return cap == null ? 0 : cap;
	}

	/**
	 * An event's key within a batch: a pair of the strings it holds, whose hashes the
	 * strings keep, rather than a new string each time it is looked up.
	 */
	private static LedgerRepository.EventRef idOf(UsageEvent event) {
		return LedgerRepository.EventRef.of(event);
	}

	private static LedgerRepository.TotalKey keyOf(UsageEvent event) {
		return new LedgerRepository.TotalKey(event.customerId(), event.feature(), event.periodStart());
	}

	private static Recorded recorded(UsageEvent event, Instant at) {
		return new Recorded(event.eventId(), event.customerId(), event.feature(), event.amount(), event.occurredAt(),
				at, false);
	}

	private static Recorded asDuplicate(Recorded r) {
		return new Recorded(r.id(), r.customerId(), r.feature(), r.amount(), r.occurredAt(), r.recordedAt(), true);
	}

	@Override
	public void start() {
		running = true;
		for (int i = 0; i < queues.size(); i++) {
			var queue = queues.get(i);
			var writer = new Thread(() -> run(queue),
					queues.size() == 1 ? "plangate-ledger-writer" : "plangate-ledger-writer-" + (i + 1));
			writers.add(writer);
			writer.start();
		}
	}

	/**
	 * Stops taking events and writes what is queued, in every writer's queue, before
	 * returning.
	 */
	@Override
	public void stop() {
		running = false;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		try {
			for (var writer : writers) {
				writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		writers.clear();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/**
	 * Starts before the web server takes requests and stops after it has stopped (a lower
	 * phase than the web server's), so that requests in flight at shutdown still get
	 * their answer.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

}
