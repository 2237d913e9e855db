package dev.plangate.batch;

import java.util.Locale;

/**
 * Where a batch is. {@code queued} waits for the caps to admit it; {@code processing}
 * runs; {@code failing} and {@code cancelling} wait for operations still running to end;
 * {@code rolling_back} runs compensations; the rest are final.
 */
public enum BatchStatus {

	QUEUED, PROCESSING, FAILING, CANCELLING, ROLLING_BACK, COMPLETED, COMPLETED_WITH_ERRORS, FAILED, CANCELLED,
	ROLLED_BACK, ROLLBACK_FAILED;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public boolean isFinal() {
		return ordinal() >= COMPLETED.ordinal();
	}

	/** Running operations of a batch in this state are told to stop. */
	public boolean stopsOperations() {
		return this == FAILING || this == CANCELLING;
	}

	static BatchStatus of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

}
