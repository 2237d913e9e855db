package dev.plangate.client;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch followed live, from {@link Plangate#followBatch}: a thread of its own reads the
 * batch's Server-Sent Events and hands each, in order, to the listener, until the event
 * that tells how the batch ended. A cut stream (a server restarting, a slow reader
 * disconnected) is resumed after the last event handed over ({@code Last-Event-ID}), so
 * the listener sees every event once. {@link #close()} stops following.
 */
public final class BatchFollow implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(BatchFollow.class);

	private final Transport transport;

	private final String path;

	private final Consumer<BatchEvent> listener;

	private final CompletableFuture<BatchEvent> end = new CompletableFuture<>();

	private final Thread reader;

	private volatile boolean closed;

	private volatile @Nullable Stream<String> current;

	private @Nullable String lastEventId;

	BatchFollow(Transport transport, String customerId, UUID batchId, Consumer<BatchEvent> listener) {
		this.transport = transport;
		this.path = "/v1/batches/" + batchId + "/events?customerId=" + Transport.encode(customerId);
		this.listener = listener;
		this.reader = new Thread(this::read, "plangate-batch-" + batchId);
		this.reader.setDaemon(true);
		this.reader.start();
	}

	private void read() {
		int failures = 0;
		while (!closed && !end.isDone()) {
			try (var lines = transport.lines(path, lastEventId)) {
				current = lines;
				failures = 0;
				readEvents(lines);
			}
			catch (NotFoundException | AuthenticationException | PermissionDeniedException | ValidationException ex) {
				end.completeExceptionally(ex);
				return;
			}
			catch (RuntimeException ex) {
				if (closed) {
					return;
				}
				log.debug("Following {} failed, resuming: {}", path, ex.toString());
			}
			if (!closed && !end.isDone()) {
				try {
					Thread.sleep(Math.min(5_000, 250L << Math.min(failures++, 5)));
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}
	}

	private void readEvents(Stream<String> lines) {
		EventStreamReader.read(lines.iterator(), () -> closed, event -> {
			if (event.data().isEmpty() || "stream.too_slow".equals(event.name())) {
				return false;
			}
			deliver(Transport.JSON.readValue(event.data(), BatchEvent.class));
			if (event.id() != null) {
				lastEventId = event.id();
			}
			return end.isDone();
		});
	}

	private void deliver(BatchEvent event) {
		try {
			listener.accept(event);
		}
		catch (RuntimeException ex) {
			log.warn("The listener of {} failed on event {}: {}", path, event.seq(), ex.toString());
		}
		if (event.isFinal()) {
			end.complete(event);
		}
	}

	/**
	 * Waits for the batch to end.
	 * @return the event that tells how it ended ({@code batch.completed}, …)
	 * @throws TimeoutException if it has not ended within {@code timeout}
	 * @throws PlangateApiException if the batch cannot be followed (unknown: 404)
	 */
	public BatchEvent awaitEnd(Duration timeout) throws TimeoutException, InterruptedException {
		try {
			return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof PlangateException p) ? p
					: new PlangateConnectionException("following " + path + " failed", ex.getCause());
		}
	}

	/** Whether the batch has ended (its final event was handed over). */
	public boolean isEnded() {
		return end.isDone() && !end.isCompletedExceptionally();
	}

	/** Stops following. */
	@Override
	public void close() {
		closed = true;
		var stream = current;
		if (stream != null) {
			stream.close();
		}
		reader.interrupt();
	}

}
