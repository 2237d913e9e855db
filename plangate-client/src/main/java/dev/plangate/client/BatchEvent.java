package dev.plangate.client;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * One event of a batch: {@code batch.queued}, {@code batch.processing},
 * {@code operation.started} / {@code progress} / {@code completed} / {@code failed}, …,
 * and how the batch ended ({@code batch.completed}, …).
 *
 * @param seq grows across all batches; resume after it
 */
public record BatchEvent(long seq, String batchId, String type, JsonNode data, Instant at) {

	/** The batch it is of. */
	public UUID batch() {
		return UUID.fromString(batchId);
	}

	/** Whether it tells how the batch ended. */
	public boolean isFinal() {
		return type.startsWith("batch.") && Batch.FINAL.contains(type.substring("batch.".length()));
	}

}
