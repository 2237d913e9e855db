package dev.plangate.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Runs a product's batch operations: takes them from the named regions (only the types it
 * has handlers for), runs up to {@code concurrency} at once, heartbeats while they run
 * (passing progress on, and telling a handler when its batch was cancelled), and reports
 * each one done or failed; operations that finish while a report is under way are
 * reported done together in the next call. {@link #close()} stops taking work and waits
 * for what runs and for its report.
 *
 * <pre>{@code
 * try (var worker = PlangateWorker.builder(URI.create("http://localhost:8080"), workerKey)
 *     .regions("default")
 *     .concurrency(4)
 *     .handle("spawn_agent", operation -> fleet.spawn(operation.payload()))
 *     .start()) {
 *   ...
 * }
 * }</pre>
 */
public final class PlangateWorker implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PlangateWorker.class);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	private final WorkerApi api;

	private final String workerId;

	private final List<String> regions;

	private final Map<String, OperationHandler> handlers;

	private final int concurrency;

	private final Duration pollWait;

	private final Duration heartbeatEvery;

	private final Duration shutdownGrace;

	private final Semaphore slots;

	private final Map<UUID, OperationContext> running = new ConcurrentHashMap<>();

	private final ExecutorService operations;

	private final ScheduledExecutorService heartbeats;

	private final Thread poller;

	/**
	 * Finished operations not yet reported; when full, a handler's thread reports its
	 * own.
	 */
	private final BlockingQueue<Done> completions = new LinkedBlockingQueue<>(10_000);

	private final Thread reporter;

	private volatile boolean reporterStopping;

	private volatile boolean bulkCompletion = true;

	private volatile boolean stopping;

	private PlangateWorker(Builder b) {
		this.api = new WorkerApi(b.base, b.key);
		this.workerId = b.workerId;
		this.regions = List.copyOf(b.regions);
		this.handlers = Map.copyOf(b.handlers);
		this.concurrency = b.concurrency;
		this.pollWait = b.pollWait;
		this.heartbeatEvery = b.heartbeatEvery;
		this.shutdownGrace = b.shutdownGrace;
		this.slots = new Semaphore(concurrency);
		this.operations = Executors.newFixedThreadPool(concurrency, named("plangate-operation"));
		this.heartbeats = Executors.newSingleThreadScheduledExecutor(named("plangate-heartbeat"));
		this.poller = named("plangate-poller").newThread(this::poll);
		this.reporter = named("plangate-reporter").newThread(this::reportCompletions);
	}

	public static Builder builder(URI base, String workerKey) {
		return new Builder(base, workerKey);
	}

	private PlangateWorker start() {
		heartbeats.scheduleWithFixedDelay(this::heartbeat, heartbeatEvery.toMillis(), heartbeatEvery.toMillis(),
				TimeUnit.MILLISECONDS);
		poller.start();
		reporter.start();
		return this;
	}

	/** How many operations are running now. */
	public int running() {
		return running.size();
	}

	private void poll() {
		var types = new ArrayList<>(handlers.keySet());
		long backoff = 500;
		while (!stopping) {
			int free;
			try {
				slots.acquire();
				free = 1 + slots.drainPermits();
			}
			catch (InterruptedException ex) {
				return;
			}
			try {
				var tasks = stopping ? List.<JsonNode>of() : api.poll(workerId, regions, types, free, pollWait);
				slots.release(free - tasks.size());
				for (var task : tasks) {
					var operation = new OperationContext(task);
					running.put(operation.id(), operation);
					try {
						operations.execute(() -> run(operation));
					}
					catch (RejectedExecutionException ex) {
						// closing: hand it back at once rather than let its lease run out
						running.remove(operation.id());
						slots.release();
						report(operation, () -> api.fail(operation.id(), workerId, "the worker is shutting down",
								"worker_stopping", true));
					}
				}
				backoff = 500;
			}
			catch (IOException | RuntimeException ex) {
				slots.release(free);
				log.warn("Polling Plangate failed; retrying in {} ms: {}", backoff, ex.getMessage());
				if (!pause(backoff)) {
					return;
				}
				backoff = Math.min(MAX_BACKOFF.toMillis(), backoff * 2);
			}
			catch (InterruptedException ex) {
				slots.release(free);
				return;
			}
		}
	}

	private void run(OperationContext operation) {
		try {
			var handler = Objects.requireNonNull(handlers.get(operation.type()));
			try {
				var result = handler.handle(operation);
				if (!completions.offer(new Done(operation, result))) {
					report(operation, () -> api.complete(operation.id(), workerId, result));
				}
			}
			catch (PermanentFailure ex) {
				report(operation,
						() -> api.fail(operation.id(), workerId, String.valueOf(ex.getMessage()), ex.code(), false));
			}
			catch (Exception ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				report(operation, () -> api.fail(operation.id(), workerId,
						ex.getClass().getSimpleName() + ": " + ex.getMessage(), null, true));
			}
		}
		finally {
			running.remove(operation.id());
			slots.release();
		}
	}

	/** An operation its handler finished, waiting to be reported. */
	private record Done(OperationContext operation, @Nullable JsonNode result) {
	}

	/**
	 * Reports finished operations, up to 100 a call: what finished while the previous
	 * call was under way goes in the next. A server without the bulk call (404) is sent
	 * one call an operation from then on.
	 */
	private void reportCompletions() {
		var batch = new ArrayList<Done>();
		while (true) {
			try {
				var first = completions.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					if (reporterStopping && completions.isEmpty()) {
						return;
					}
					continue;
				}
				batch.add(first);
			}
			catch (InterruptedException ex) {
				// nothing interrupts the reporter on purpose: close() waits for it to
				// drain
				continue;
			}
			completions.drainTo(batch, 99);
			sendCompletions(batch);
			batch.clear();
		}
	}

	private void sendCompletions(List<Done> batch) {
		if (!bulkCompletion) {
			batch.forEach(d -> report(d.operation(), () -> api.complete(d.operation().id(), workerId, d.result())));
			return;
		}
		retrying(batch.size() + " operations", () -> {
			var outcomes = api.completeAll(workerId,
					batch.stream()
						.map(d -> Map.<UUID, @Nullable JsonNode>entry(d.operation().id(),
								d.result() == null ? NullNode.getInstance() : d.result()))
						.toList());
			for (var outcome : outcomes) {
				if (!"completed".equals(outcome.path("outcome").asString())) {
					log.warn("Plangate refused the outcome of operation {}: {}", outcome.path("id").asString(),
							outcome.path("detail").asString());
				}
			}
		}, refusal -> {
			if (refusal.status() == 404 || refusal.status() == 405) {
				log.info("Plangate has no bulk completion; reporting one operation a call");
				bulkCompletion = false;
				sendCompletions(batch);
			}
			else {
				log.warn("Plangate refused the outcomes of {} operations: {}", batch.size(), refusal.getMessage());
			}
		});
	}

	private interface Report {

		void send() throws IOException, InterruptedException;

	}

	/**
	 * Sends an outcome, retrying a few times on network trouble; a lease lost in the
	 * meantime (409) means another worker has the operation now, so it is dropped.
	 */
	private void report(OperationContext operation, Report report) {
		retrying("operation " + operation.id(), report, refusal -> log
			.warn("Plangate refused the outcome of operation {}: {}", operation.id(), refusal.getMessage()));
	}

	/**
	 * Sends {@code report}, retrying up to five times with a doubling pause on network
	 * trouble and server errors; a refusal (4xx) is not retried but handed to
	 * {@code refused}.
	 */
	private void retrying(String what, Report report, Consumer<WorkerApi.ApiError> refused) {
		long backoff = 250;
		for (int attempt = 1; attempt <= 5; attempt++) {
			try {
				report.send();
				return;
			}
			catch (WorkerApi.ApiError ex) {
				if (ex.status() < 500) {
					refused.accept(ex);
					return;
				}
			}
			catch (IOException ex) {
				log.warn("Reporting {} failed (attempt {}): {}", what, attempt, ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (!pause(backoff)) {
				return;
			}
			backoff *= 2;
		}
		log.warn("Giving up reporting {}; leases run out and the operations will run again", what);
	}

	private void heartbeat() {
		for (var operation : running.values()) {
			try {
				if (api.heartbeat(operation.id(), workerId, operation.reportedProgress(),
						operation.reportedMessage())) {
					operation.cancel();
				}
			}
			catch (WorkerApi.ApiError ex) {
				if (ex.status() == 409 || ex.status() == 404) {
					// the lease is gone: whatever this attempt does will not count
					operation.cancel();
				}
				else {
					log.warn("Plangate refused the heartbeat of operation {}: {}", operation.id(), ex.getMessage());
				}
			}
			catch (IOException | RuntimeException ex) {
				// one bad heartbeat must not end the heartbeats of all
				log.warn("Heartbeat of operation {} failed: {}", operation.id(), ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Stops taking operations and waits up to the shutdown grace for those running; any
	 * still running then are told to stop, and their leases will run out so they go to
	 * another worker.
	 */
	@Override
	public void close() {
		stopping = true;
		poller.interrupt();
		operations.shutdown();
		try {
			if (!operations.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
				running.values().forEach(OperationContext::cancel);
				operations.shutdownNow();
			}
			poller.join(pollWait.plusSeconds(5).toMillis());
			// what finished is reported before close returns
			reporterStopping = true;
			reporter.join(shutdownGrace.plusSeconds(10).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		heartbeats.shutdownNow();
	}

	private static boolean pause(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static ThreadFactory named(String prefix) {
		var counter = new AtomicInteger();
		return runnable -> {
			var thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** How a worker is set up; {@link #start()} starts it. */
	public static final class Builder {

		private final URI base;

		private final String key;

		private String workerId = "worker-" + UUID.randomUUID().toString().substring(0, 8);

		private final List<String> regions = new ArrayList<>();

		private final Map<String, OperationHandler> handlers = new LinkedHashMap<>();

		private int concurrency = 4;

		private Duration pollWait = Duration.ofSeconds(20);

		private Duration heartbeatEvery = Duration.ofSeconds(5);

		private Duration shutdownGrace = Duration.ofSeconds(30);

		private Builder(URI base, String key) {
			this.base = base;
			this.key = key;
		}

		/** This worker's name, as Plangate records who holds an operation. */
		public Builder workerId(String workerId) {
			this.workerId = workerId;
			return this;
		}

		/** The region queues to take operations from; at least one. */
		public Builder regions(String... regions) {
			this.regions.addAll(List.of(regions));
			return this;
		}

		/** Operations run at once (default 4). */
		public Builder concurrency(int concurrency) {
			if (concurrency < 1 || concurrency > 100) {
				throw new IllegalArgumentException("concurrency must be between 1 and 100");
			}
			this.concurrency = concurrency;
			return this;
		}

		/** How long one poll waits for work (default 20 s, at most 30 s). */
		public Builder pollWait(Duration pollWait) {
			this.pollWait = pollWait.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : pollWait;
			return this;
		}

		/**
		 * How often running operations are heartbeated (default 5 s; keep it below the
		 * lease).
		 */
		public Builder heartbeatEvery(Duration heartbeatEvery) {
			this.heartbeatEvery = heartbeatEvery;
			return this;
		}

		/**
		 * How long {@link PlangateWorker#close()} waits for running operations (default
		 * 30 s).
		 */
		public Builder shutdownGrace(Duration shutdownGrace) {
			this.shutdownGrace = shutdownGrace;
			return this;
		}

		/**
		 * The handler of one operation type; the worker takes only types it can handle.
		 */
		public Builder handle(String type, OperationHandler handler) {
			handlers.put(type, handler);
			return this;
		}

		public PlangateWorker start() {
			if (regions.isEmpty()) {
				throw new IllegalStateException("name at least one region to take operations from");
			}
			if (handlers.isEmpty()) {
				throw new IllegalStateException("register a handler for at least one operation type");
			}
			return new PlangateWorker(this).start();
		}

	}

}
