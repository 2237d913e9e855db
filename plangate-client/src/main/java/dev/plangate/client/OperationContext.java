package dev.plangate.client;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * One operation handed to this worker, and its line back to Plangate: progress reports,
 * and whether the batch asked it to stop.
 */
public final class OperationContext {

	private final JsonNode task;

	private volatile int progress = -1;

	private volatile @Nullable String message;

	private volatile boolean cancelled;

	OperationContext(JsonNode task) {
		this.task = task;
	}

	public UUID id() {
		return UUID.fromString(task.path("id").asString());
	}

	public UUID batchId() {
		return UUID.fromString(task.path("batchId").asString());
	}

	public String customerId() {
		return task.path("customerId").asString();
	}

	public String region() {
		return task.path("region").asString();
	}

	public String type() {
		return task.path("type").asString();
	}

	/** The operation's payload; a missing node when it has none. */
	public JsonNode payload() {
		return task.path("payload");
	}

	public @Nullable String idempotencyKey() {
		return task.path("idempotencyKey").isString() ? task.path("idempotencyKey").asString() : null;
	}

	/** 1 for the first delivery, more for retries and redeliveries. */
	public int attempt() {
		return task.path("attempt").asInt();
	}

	/** A compensation undoing an operation of a batch that rolls back. */
	public boolean isCompensation() {
		return "compensation".equals(task.path("kind").asString());
	}

	/**
	 * Reports progress (0 to 100) and a message (cut to 500 characters); sent with the
	 * next heartbeat.
	 */
	public void progress(int percent, @Nullable String message) {
		this.progress = Math.max(0, Math.min(100, percent));
		this.message = message == null || message.length() <= 500 ? message : message.substring(0, 500);
	}

	/**
	 * The batch was cancelled or failed: stop as soon as it is safe, and return or throw.
	 */
	public boolean isCancelled() {
		return cancelled;
	}

	void cancel() {
		cancelled = true;
	}

	int reportedProgress() {
		return progress;
	}

	@Nullable String reportedMessage() {
		return message;
	}

}
