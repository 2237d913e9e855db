package dev.plangate.metering;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Group commit for the usage ledger. Requests queue their events; one writer thread takes
 * as many queued requests as are waiting (up to {@code plangate.ledger.batch-events}
 * events) and writes them in one transaction. A request's future completes only after
 * that transaction has committed, so nothing acknowledged can be lost, while one commit
 * carries the events of many requests. A request's events are written together or not at
 * all.
 */
@Component
class LedgerWriter implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

	private final LedgerRepository repository;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final int batchEvents;

	private final BlockingQueue<Pending> queue;

	private volatile boolean running;

	private Thread writer;

	LedgerWriter(LedgerRepository repository, TransactionTemplate transactions, Clock clock,
			@Value("${plangate.ledger.batch-events:5000}") int batchEvents,
			@Value("${plangate.ledger.queue-requests:10000}") int queueRequests) {
		this.repository = repository;
		this.transactions = transactions;
		this.clock = clock;
		this.batchEvents = batchEvents;
		this.queue = new ArrayBlockingQueue<>(queueRequests);
	}

	/** One request's events and the answer it waits for. */
	private record Pending(List<UsageEvent> events, CompletableFuture<List<Recorded>> answer) {
	}

	/**
	 * Queues a request's events; the answer completes once they are committed.
	 * @throws PlangateException {@code ledger_busy} when the queue is full (the caller
	 * should retry)
	 */
	CompletableFuture<List<Recorded>> submit(List<UsageEvent> events) {
		var pending = new Pending(List.copyOf(events), new CompletableFuture<>());
		if (!running) {
			throw new PlangateException(ErrorCode.LEDGER_BUSY, "The usage ledger is not accepting events right now");
		}
		if (!queue.offer(pending)) {
			throw new PlangateException(ErrorCode.LEDGER_BUSY, "The usage ledger is busy; retry shortly")
				.with("retryAfter", 1);
		}
		return pending.answer();
	}

	private void run() {
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
				write(batch);
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
			var answers = transactions.execute(status -> writeTogether(batch));
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

	private List<List<Recorded>> writeTogether(List<Pending> batch) {
		var now = clock.instant();
		// an id repeated within the batch is a duplicate of its first occurrence
		var firsts = new LinkedHashMap<String, UsageEvent>();
		for (var pending : batch) {
			for (var event : pending.events()) {
				firsts.putIfAbsent(event.customerId() + '\u0000' + event.eventId(), event);
			}
		}
		var unique = List.copyOf(firsts.values());
		boolean[] inserted = repository.insertNew(unique, now);
		var outcome = new HashMap<String, Recorded>();
		var totals = new HashMap<LedgerRepository.TotalKey, Long>();
		for (int i = 0; i < unique.size(); i++) {
			var event = unique.get(i);
			String id = event.customerId() + '\u0000' + event.eventId();
			if (inserted[i]) {
				outcome.put(id, new Recorded(event.eventId(), event.customerId(), event.feature(), event.amount(),
						event.occurredAt(), now, false));
				totals.merge(new LedgerRepository.TotalKey(event.customerId(), event.feature(), event.periodStart()),
						event.amount(), Long::sum);
			}
			else {
				outcome.put(id, repository.find(event.customerId(), event.eventId()).orElseThrow());
			}
		}
		repository.addToTotals(List.copyOf(totals.keySet()), totals, now);
		var answers = new ArrayList<List<Recorded>>();
		for (var pending : batch) {
			answers.add(pending.events().stream().map(event -> {
				String id = event.customerId() + '\u0000' + event.eventId();
				var recorded = outcome.get(id);
				// a repeat within the batch is any occurrence but the first one of its id
				boolean repeat = recorded.duplicate() || firsts.get(id) != event;
				return repeat ? asDuplicate(recorded) : recorded;
			}).toList());
		}
		return answers;
	}

	private static Recorded asDuplicate(Recorded r) {
		return new Recorded(r.id(), r.customerId(), r.feature(), r.amount(), r.occurredAt(), r.recordedAt(), true);
	}

	@Override
	public void start() {
		running = true;
		writer = new Thread(this::run, "plangate-ledger-writer");
		writer.start();
	}

	/** Stops taking events and writes what is queued before returning. */
	@Override
	public void stop() {
		running = false;
		try {
			writer.join(TimeUnit.SECONDS.toMillis(30));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
