package dev.plangate.batch;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where a batch is. {@code queued} waits for the caps to admit it; {@code processing}
 * runs; {@code failing} and {@code cancelling} wait for operations still running to end;
 * {@code rolling_back} runs compensations; the rest are final.
 */
public enum BatchStatus {

	QUEUED, PROCESSING, FAILING, CANCELLING, ROLLING_BACK, COMPLETED, COMPLETED_WITH_ERRORS, FAILED, CANCELLED,
	ROLLED_BACK, ROLLBACK_FAILED;

	/** The states of a batch not ended, as stored. */
	static final List<String> NOT_ENDED = ids(QUEUED, PROCESSING, FAILING, CANCELLING, ROLLING_BACK);

	/**
	 * The states of a batch holding one of the caps' processing slots, as stored:
	 * admitted and not ended.
	 */
	static final List<String> HOLDING_A_SLOT = ids(PROCESSING, FAILING, CANCELLING, ROLLING_BACK);

	/** The states of a batch that ended with something failed, as stored. */
	static final List<String> ENDED_WITH_FAILURES = ids(FAILED, ROLLED_BACK, ROLLBACK_FAILED, COMPLETED_WITH_ERRORS);

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

	private static List<String> ids(BatchStatus... statuses) {
		return Stream.of(statuses).map(BatchStatus::id).toList();
	}

	static BatchStatus of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

}
